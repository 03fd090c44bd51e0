from odoo import fields, models

from accounting_connectors.documents import Customer

from . import accounting_messages as msgs
from ..tools.sync_causes import SyncDataError

#: a change to one of these re-sends a customer already in the accounting system
SYNCED_FIELDS = ("name", "email", "phone", "street", "city", "zip", "country_id", "vat", "ref")


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "accounting.sync.mixin"]

    accounting_customer_no = fields.Char(
        string="Accounting Customer No.", copy=False, readonly=True,
        help="The customer's number in the accounting system (Accurate / Jurnal).")
    accounting_remote_id = fields.Char(string="Accounting Remote ID", copy=False, readonly=True,
                                       groups="base.group_system")
    accounting_vendor_no = fields.Char(
        string="Accounting Vendor No.", copy=False, index="btree_not_null",
        help="The vendor's number in the accounting system (Accurate vendor number, Jurnal contact "
             "id): purchases received from there are matched to this partner.")

    # --- queueing ----------------------------------------------------------------
    def _accounting_customer_jobs(self, connection):
        return self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("res_model", "=", "res.partner"),
            ("res_id", "in", self.ids), ("kind", "=", "customer")])

    def _accounting_enqueue_customer(self, connection, chain="", pos_config=None):
        """Create the customer remotely once (``CUST/<id>``); later changes
        go out through :meth:`write`."""
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for partner in self:
            jobs |= Job._enqueue(connection, "customer", partner, "CUST/%s" % partner.id,
                                 chain=chain, pos_config=pos_config, sequence=2)
        return jobs

    def write(self, vals):
        result = super().write(vals)
        # never for the worker's own writes (the number it was answered), nor
        # for new (unsaved) partners of a form's onchange
        partners = self.filtered("id")
        if (partners and any(name in vals for name in SYNCED_FIELDS)
                and not self.env.context.get("accounting_sync_done")):
            # a customer already sent goes out again; what failed for its data is retried
            partners._accounting_enqueue_update()
            self.env["accounting.sync.job"]._requeue_fixed(
                partners, reason=", ".join(filter(None, partners.mapped("display_name"))))
        return result

    def _accounting_enqueue_update(self):
        """Re-send customers already created remotely (update, not a new one)."""
        Job = self.env["accounting.sync.job"]
        done = Job.sudo().search([("res_model", "=", "res.partner"), ("res_id", "in", self.ids),
                                  ("kind", "=", "customer"), ("state", "=", "done")])
        stamp = fields.Datetime.now().strftime("%Y%m%d%H%M%S")
        for job in done:
            partner = self.browse(job.res_id)
            Job._enqueue(job.connection_id, "customer", partner,
                         "CUST/%s/%s" % (partner.id, stamp), doc_key="update")

    # --- documents ------------------------------------------------------------------
    def _accounting_remote_number(self, connection):
        """What the accounting system numbered this customer, for this connection."""
        self.ensure_one()
        job = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("res_model", "=", "res.partner"),
            ("res_id", "=", self.id), ("kind", "=", "customer"), ("state", "=", "done")],
            order="id desc", limit=1)
        return job, job.remote_number or ""

    def _accounting_customer_ref(self, connection):
        """The customer number documents carry; a plain error if the customer
        is not in the accounting system yet."""
        _job, number = self._accounting_remote_number(connection)
        if not number:
            # the customer is the cause: fixing it retries the document by itself
            raise msgs.user_error(self.env, "customer.customer_customer_document_must", name=self.display_name,
                                  conn=connection.display_name, cls=SyncDataError, causes=self)
        return number

    def _accounting_sync_document(self, job):
        self.ensure_one()
        connection = job.connection_id
        previous, number = self._accounting_remote_number(connection)
        use_ref = connection.use_partner_ref_as_customer_no and (self.ref or "").strip()
        return Customer(
            # With the option on, the remote number is our reference; without
            # it, or for a partner without reference, the remote system numbers
            # the customer and we keep what it answered (_accounting_sync_done).
            reference=number or use_ref or "",
            name=self.name or "", email=self.email or "", phone=self.phone or "",
            street=self.street or "", city=self.city or "", zip=self.zip or "",
            country=self.country_id.name or "", vat=self.vat or "",
            remote_id=previous.remote_id or "",
        )

    def _accounting_sync_done(self, job, result):
        # the number we asked for is the customer's number (Jurnal answers
        # with a name); otherwise keep what the accounting system gave
        connection = job.connection_id
        asked = connection.use_partner_ref_as_customer_no and (self.ref or "").strip()
        number = asked or result.number or ""
        if not number and result.data:
            number = str(result.data.get("customerNo") or result.data.get("custom_id") or "")
        if number:
            job.remote_number = number
        self.sudo().with_context(accounting_sync_done=True).write({
            "accounting_customer_no": job.remote_number or number or False,
            "accounting_remote_id": result.remote_id or False,
        })
