"""Items and customers the accounting system no longer has, sent again.

Odoo keeps an item or customer as sent once its line is *Done*; the
accounting system may lose it later (deleted there, or a fresh database
behind the same credentials). Two ways back:

- by itself: a document refused because it names an unknown item or
  customer (``accounting_connectors.masters``) has the masters it names
  looked up; those the accounting system lacks are sent again and the
  document is retried, once, with a line in both histories. Otherwise it
  fails naming the records in Odoo's terms;
- by hand: *Resend items and customers* (on the connection, or from
  products and contacts) looks the chosen masters up and sends again those
  that are missing.

A master line stays *Done* (a done line never goes back to the queue):
the new remote id replaces the old one on it."""

import dataclasses
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors import errors as cerr
from accounting_connectors.masters import missing_master

from ..models import accounting_messages as msgs
from ..models.accounting_access import MANAGER, check_action
from ..models.accounting_mapping_health import document_strings

_logger = logging.getLogger(__name__)

#: master job kind -> the document field naming it, the Odoo model behind it
MASTERS = {"item": ("item_ref", "product.product"), "customer": ("customer_ref", "res.partner")}
#: at most this many masters are looked up for one refusal (Jurnal allows 40 requests a minute)
MAX_LOOKUPS = 20


def named_refs(document, field_name):
    """The values of every ``field_name`` of a connector document and its lines (a set of str)."""
    return {value for name, value in document_strings(document) if name == field_name}


class AccountingMasterResend(models.TransientModel):
    _name = "accounting.master.resend"
    _description = "Accounting Sync: Resend Items and Customers"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    domain="[('company_id', 'in', allowed_company_ids)]")
    product_ids = fields.Many2many(
        "product.product", string="Items",
        help="Empty with no customer either: every item and customer sent to this connection.")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    summary = fields.Text(readonly=True)

    # --- by hand ----------------------------------------------------------------
    @api.model
    def action_open(self, records=None, connection=None):
        """The screen, for ``records`` (products or partners, from their
        Action menu) or a connection (its button)."""
        check_action(self, MANAGER)
        records = records or self.env["res.partner"]
        connection = connection or self.env["accounting.connection"].search(
            [("company_id", "=", self.env.company.id)], limit=1)
        if not connection:
            raise UserError(_("No accounting connection for %(company)s.", company=self.env.company.name))
        vals = {"connection_id": connection.id}
        if records._name == "product.template":
            records = records.product_variant_ids
        if records._name == "product.product":
            vals["product_ids"] = [(6, 0, records.ids)]
        elif records._name == "res.partner":
            vals["partner_ids"] = [(6, 0, records.ids)]
        wizard = self.create(vals)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": wizard.id,
                "view_mode": "form", "target": "new", "name": _("Resend items and customers")}

    def action_resend(self):
        """Look each chosen master up; send again those the accounting system lacks."""
        check_action(self, MANAGER)
        self.ensure_one()
        conn = self.connection_id
        conn._check_live_mode()
        Job = self.env["accounting.sync.job"].sudo()
        domain = [("connection_id", "=", conn.id), ("state", "=", "done"), ("kind", "in", list(MASTERS))]
        if self.product_ids or self.partner_ids:
            domain += ["|", "&", ("res_model", "=", "product.product"), ("res_id", "in", self.product_ids.ids),
                       "&", ("res_model", "=", "res.partner"), ("res_id", "in", self.partner_ids.ids)]
        masters = Job.search(domain, order="id")
        client = conn._get_client()
        sent, present, failed = [], 0, []
        for master in masters:
            try:
                if self._usable_find(client, master):
                    present += 1
                    continue
                self._resend_one(master, client, _("by %(user)s", user=self.env.user.name))
                sent.append(master.res_name)
            except (cerr.ConnectorError, UserError) as exc:
                failed.append("%s: %s" % (master.res_name, getattr(exc, "message", None) or exc.args[0]))
        lines = [_("%(sent)s sent again, %(present)s still in %(system)s, %(failed)s could not be sent.",
                   sent=len(sent), present=present, failed=len(failed), system=conn._get_provider_label())]
        lines += ["+ %s" % name for name in sent] + ["! %s" % text for text in failed]
        self.summary = "\n".join(lines)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": _("Resend items and customers")}

    # --- by itself, from the worker -------------------------------------------------
    @api.model
    def _recover(self, job, exc, client, duration=0.0):
        """The worker's hook for a refused document ``job``: when ``exc``
        says the accounting system lacks an item or customer, send the
        missing masters it names again and queue ``job`` at once (once per
        document), else fail it naming them in Odoo's terms. True when the
        outcome was recorded here; False leaves it to the caller."""
        if job.kind in MASTERS or client is None:
            return False
        found = missing_master(job.connection_id.provider, exc.code, exc.params, exc.provider_message)
        if not found:
            return False
        kind, name = found
        masters = self._masters_named(job, kind, name)
        if not masters:
            return False
        once = job.attempt_ids.filtered(lambda a: a.event == "resent")
        gone = masters.browse()
        if not once:
            try:
                gone = masters.filtered(lambda m: not self._usable_find(client, m))
                for master in gone:
                    self._resend_one(master, client, job.display_name)
            except (cerr.ConnectorError, UserError) as resend_exc:
                _logger.info("accounting sync: resending a master for job %s failed: %s", job.id, resend_exc)
                gone = masters.browse()
        records = self.env[MASTERS[kind][1]].browse(masters.mapped("res_id")).exists()
        names = ", ".join(records.mapped("display_name"))
        if gone:
            job._set_pending(dict(job._error_vals(False, msgs.message(
                "job.master_resent", names=", ".join(gone.mapped("res_name")), msg=msgs.from_exception(exc))),
                next_attempt_at=fields.Datetime.now(), attempts=max(job.attempts - 1, 0)))
            job._log_attempt("resent", duration)
            return True
        job._fail(exc.kind, msgs.message("job.master_unknown", msg=msgs.from_exception(exc), names=names),
                  client, exc, duration, causes=records)
        return True

    @api.model
    def _masters_named(self, job, kind, name):
        """The done master lines of ``kind`` that ``job``'s document names
        (only the one called ``name`` when the provider named it)."""
        field_name, model = MASTERS[kind]
        record = self.env[job.res_model].browse(job.res_id).exists() if job.res_model in self.env else None
        refs = set()
        if record:
            try:
                with self.env.cr.savepoint():
                    refs = named_refs(record._accounting_sync_document(job), field_name)
            except Exception as build_exc:  # noqa: BLE001 - it was built a moment ago; nothing to name then
                _logger.info("accounting sync: job %s could not be rebuilt: %s", job.id, build_exc)
        masters = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", job.connection_id.id), ("kind", "=", kind), ("state", "=", "done"),
            ("res_model", "=", model),
            # an item is named by its SKU (our reference), a customer by the number it was given
            "|", ("reference", "in", sorted(refs)), ("remote_number", "in", sorted(refs))], order="id")
        if name:
            named = masters.filtered(lambda m: name in (m.reference, m.res_name, m.remote_id)
                                     or name in (self.env[model].browse(m.res_id).display_name or ""))
            masters = named or masters
        return masters[:MAX_LOOKUPS]

    @api.model
    def _usable_find(self, client, master):
        found = client.find(master.kind, master.reference)
        return found if found is not None and found.remote_id else None

    @api.model
    def _resend_one(self, master, client, why):
        """Build and post ``master`` (a done item/customer line) again; its
        new remote id replaces the old one, and its history says so."""
        record = self.env[master.res_model].browse(master.res_id).exists()
        if not record:
            raise UserError(_("%(name)s no longer exists in Odoo.", name=master.res_name))
        with self.env.cr.savepoint():
            document = record._accounting_sync_document(master)
        if getattr(document, "remote_id", ""):
            # the id it had is gone there: created anew, not updated
            document = dataclasses.replace(document, remote_id="")
        try:
            result = client.post(document)
        except (cerr.DuplicateError, cerr.AmbiguousError):
            result = self._usable_find(client, master)  # it is there after all: adopt it
            if result is None:
                raise
        client.forget_master(master.kind, master.reference)
        master.sudo().write({"remote_id": result.remote_id or master.remote_id,
                             "remote_number": result.number or master.remote_number})
        master.sudo().write(master._error_vals(False, msgs.message(
            "job.master_sent_again", what=master.res_name, why=why)))
        master._log_attempt("resent")
        if hasattr(record, "_accounting_sync_done"):  # what Odoo keeps of it (a customer's new number)
            with self.env.cr.savepoint():
                record._accounting_sync_done(master, result)
        return result
