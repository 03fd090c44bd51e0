from odoo import fields, models

from .accounting_connection import SALES_KINDS


class AccountingConnection(models.Model):
    """Sales at set hours.

    A closed shift is queued at once in every mode; in set-hours mode its
    documents simply wait (``_next_sync_at``) for the next set hour, when
    the worker sends everything closed since the last run. The engine's
    scheduled cron (``_cron_scheduled_sync``, hourly) also calls
    :meth:`_collect_scheduled_documents`, which queues any mapped shift
    closed since the last run that has no document yet (e.g. closed before
    its outlet was mapped), so nothing is skipped.
    """

    _inherit = "accounting.connection"

    sales_collected_at = fields.Datetime(
        string="Sales Collected Until", readonly=True, copy=False,
        help="Shifts closed after this moment are checked at the next set hour.")

    def _collect_scheduled_documents(self):
        jobs = super()._collect_scheduled_documents()
        now = fields.Datetime.now()
        for conn in self.filtered(lambda c: c.sales_sync_mode == "scheduled"):
            jobs |= conn._accounting_collect_sessions(now)
        return jobs

    def _accounting_collect_sessions(self, now):
        self.ensure_one()
        configs = self.outlet_map_ids.filtered("active").pos_config_id
        domain = [("config_id", "in", configs.ids), ("state", "=", "closed"), ("stop_at", "<=", now)]
        since = self.sales_collected_at or (
            self.go_live_date and fields.Datetime.to_datetime(self.go_live_date))
        if since:
            domain.append(("stop_at", ">", since))
        sessions = self.env["pos.session"].sudo().search(domain)
        queued = set(self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", self.id), ("res_model", "=", "pos.session"),
            ("res_id", "in", sessions.ids)]).mapped("res_id"))
        jobs = sessions.filtered(lambda s: s.id not in queued)._accounting_enqueue_sales(connections=self)
        self.sales_collected_at = now
        return jobs

    def write(self, vals):
        leaving = self.filtered(lambda c: c.sales_sync_mode == "scheduled") \
            if vals.get("sales_sync_mode", "scheduled") != "scheduled" else self.browse()
        result = super().write(vals)
        if leaving:
            # documents that waited for a set hour go out now; they are the
            # same rows, so nothing is posted twice or dropped
            self.env["accounting.sync.job"].sudo().search([
                ("connection_id", "in", leaving.ids), ("state", "=", "pending"),
                ("kind", "in", SALES_KINDS)]).write({"next_attempt_at": fields.Datetime.now()})
            self.env["accounting.sync.job"]._trigger_worker()
        return result
