from odoo import _, api, fields, models

#: Accurate webhook type -> the kind of our sync job it may concern
SALES_TYPES = {"SALES_INVOICE": "sales_invoice", "SALES_RETURN": "sales_return", "SALES_RECEIPT": "sales_receipt"}


class AccountingInboundEventSales(models.Model):
    """Accurate's WRITE/DELETE webhooks for sales documents: a document Odoo
    posted that a person edits, deletes or enters again is flagged on its
    job at once (no request to Accurate), and the reconciliation re-reads
    that day instead of trusting its cached figures."""

    _inherit = "accounting.inbound.event"

    @api.model
    def _values_from_webhook(self, connection, parsed, delivery):
        rows = super()._values_from_webhook(connection, parsed, delivery)
        for vals in rows:
            kind = SALES_TYPES.get(vals.get("event_type"))
            if kind:
                vals["reason"] = self._flag_sales_change(connection, kind, vals) or vals.get("reason")
        return rows

    @api.model
    def _flag_sales_change(self, connection, kind, vals):
        """The reason the (ignored) event shows after flagging the job, or
        None for a document Odoo did not post (the usual reason stays)."""
        Job = self.env["accounting.sync.job"].sudo()
        base = [("connection_id", "=", connection.id), ("kind", "=", kind), ("state", "=", "done")]
        job = Job.search(base + [("remote_id", "=", vals["remote_id"])], limit=1)
        other_doc = False
        if not job and vals.get("remote_number"):
            # another document under our reference: entered again by hand
            job = Job.search(base + [("reference", "=", vals["remote_number"])], limit=1)
            other_doc = bool(job)
        if not job:
            return None
        now = fields.Datetime.now()
        if vals["action"] == "DELETE" and not other_doc:
            change = "deleted"
        elif other_doc:
            change = "duplicated" if vals["action"] != "DELETE" else False
        elif job._is_own_save_echo(now):
            return _("Odoo's own posting of %(doc)s: nothing to flag.", doc=job.display_name)
        else:
            change = "edited"
        if change:
            job._flag_remote_change(change, _("Announced by %(system)s's webhook.",
                                              system=connection._get_provider_label()))
            self.env["accounting.reconciliation.remote"]._forget(connection, job)
        return _("%(doc)s: %(change)s in %(system)s; flagged on its sync log line.",
                 doc=job.display_name, system=connection._get_provider_label(),
                 change=dict(job._fields["remote_change"]._description_selection(self.env)).get(
                     change, _("a second copy was deleted")))
