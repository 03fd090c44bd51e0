from odoo import _, api, fields, models

from accounting_connectors.documents import Customer

from . import accounting_messages as msgs
from ..tools.coretax import identity
from ..tools.sync_causes import SyncDataError

#: a change to one of these re-sends a customer already in the accounting system
SYNCED_FIELDS = ("name", "email", "phone", "street", "city", "zip", "country_id", "vat", "ref",
                 # Coretax identity, where l10n_id_efaktur(_coretax) adds them
                 "l10n_id_nik", "l10n_id_tku", "l10n_id_buyer_document_type", "l10n_id_buyer_document_number")
#: Odoo's Indonesian fields read when their module is installed (never depended on)
CORETAX_FIELDS = {"nik": "l10n_id_nik", "tku": "l10n_id_tku", "document_type": "l10n_id_buyer_document_type",
                  "document_number": "l10n_id_buyer_document_number"}
#: the message code of each reason a tax number is refused (tools/coretax.py)
CORETAX_REASONS = {"zeros": "coretax.reason_zeros", "digits": "coretax.reason_digits",
                   "length": "coretax.reason_length"}


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

    # --- Coretax identity --------------------------------------------------------------
    def _accounting_coretax(self):
        """``(CoretaxIdentity, problems)`` of this customer's company (see
        :func:`..tools.coretax.identity`): its ``vat`` as NPWP, and Odoo's
        ``l10n_id`` NIK, TKU and buyer document where those modules are
        installed. A customer of another country carries none (its tax
        number is no NPWP)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        country = partner.country_id or self.country_id
        if country and country.code != "ID":
            return identity()
        values = {key: partner[name] or "" for key, name in CORETAX_FIELDS.items() if name in partner._fields}
        npwp = (partner.vat or "").strip()
        if npwp[:2].upper() == "ID":
            npwp = npwp[2:]
        # a legacy 15-digit NPWP only where Odoo's own l10n_id check accepts it
        legacy = getattr(partner, "check_vat_id", None)
        return identity(npwp=npwp, legacy_valid=legacy, **values)

    def _accounting_coretax_problem(self):
        """The stored message refusing this customer's tax identity (a zero or
        malformed NPWP or NIK, named), or None."""
        self.ensure_one()
        _identity, problems = self._accounting_coretax()
        if not problems:
            return None
        what, value, reason = problems[0]
        return msgs.message("customer.coretax_refused", name=self.display_name, what=what, value=value,
                            why=msgs.message(CORETAX_REASONS[reason]))

    def _accounting_sync_document(self, job):
        self.ensure_one()
        connection = job.connection_id
        problem = self._accounting_coretax_problem()
        if problem:
            # never sent: the tax office refuses it; fixing the customer retries by itself
            raise msgs.user_error(self.env, problem["code"], cls=SyncDataError, causes=self, **problem["args"])
        coretax, _problems = self._accounting_coretax()
        previous, number = self._accounting_remote_number(connection)
        use_ref = connection.use_partner_ref_as_customer_no and (self.ref or "").strip()
        return Customer(
            # With the option on, the remote number is our reference; without
            # it, or for a partner without reference, the remote system numbers
            # the customer and we keep what it answered (_accounting_sync_done).
            reference=number or use_ref or "",
            name=self.name or "", email=self.email or "", phone=self.phone or "",
            street=self.street or "", city=self.city or "", zip=self.zip or "",
            country=self.country_id.name or "",
            npwp=coretax.npwp, nik=coretax.nik, nitku=coretax.nitku,
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

    # --- Jurnal's receivable, fixed on the customer -------------------------------------
    @api.model
    def _accounting_receivable_mismatches(self, connection):
        """``[{"id", "number", "name", "receivable"}]`` of the remote customers
        that carry another receivable account than ``connection``'s (Jurnal
        fixes it on the customer when it is created; its invoices post there).
        Empty for other providers or without a receivable on the connection.
        Raises ConnectorError when the list cannot be read."""
        wanted = connection.receivable_account
        if connection.provider != "jurnal" or not wanted:
            return []
        client = connection._get_client()
        same = {wanted} | {str(a.get(k) or "") for a in client.list_accounts()
                           if wanted in (a.get("number"), a.get("name"), a.get("id")) for k in ("number", "name")}
        return [c for c in client.list_customers() if c.get("receivable") and c["receivable"] not in same]

    @api.model
    def _accounting_receivable_health(self, connection):
        """The mapping-health row (values of ``accounting.mapping.health``)
        warning that remote customers carry another receivable than the
        connection's, with its fix (update them); ``[]`` when none does."""
        wrong = self._accounting_receivable_mismatches(connection)
        if not wrong:
            return []
        names = ", ".join("%s (%s)" % (c["name"], c["receivable"]) for c in wrong[:10])
        message = _(
            "%(count)s customers in %(system)s carry another receivable account than %(account)s, the one of "
            "%(conn)s: %(names)s. Their invoices are booked there. Update them (only invoices created afterwards "
            "move: %(system)s does not move existing ones).", count=len(wrong),
            system=connection._get_provider_label(), account=connection.receivable_account,
            conn=connection.display_name, names=names + (", ..." if len(wrong) > 10 else ""))
        return [self.env["accounting.mapping.health"]._row(
            "account", message, connection, problem="receivable_differs",
            fix_model="accounting.customer.receivable", field_name="receivable_account")]
