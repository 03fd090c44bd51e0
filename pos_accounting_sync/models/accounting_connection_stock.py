from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models

from .accounting_mapping import EXPENSE, copy_chosen_code, remote_choice


class AccountingConnectionStock(models.Model):
    """Inventory settings of a connection: the scrap account, when stock
    documents gathered at set hours go out, and the stock parity check."""

    _inherit = "accounting.connection"

    scrap_account_option_id = remote_choice("Scrap Account Choice", "account", connection="id", groups=EXPENSE)
    scrap_account = fields.Char(
        compute="_compute_scrap_account", store=True, readonly=False,
        help="Account of scrapped goods; empty = the adjustment account.")
    stock_collected_at = fields.Datetime(
        string="Stock Documents Sent Until", readonly=True, copy=False,
        help="At set hours: when the stock documents gathered so far were last queued.")
    stock_document_ids = fields.One2many("accounting.stock.document", "connection_id")
    parity_line_ids = fields.One2many("accounting.stock.parity", "connection_id")
    parity_checked_at = fields.Datetime(string="Stock Last Compared", readonly=True, copy=False)
    parity_difference_count = fields.Integer(compute="_compute_parity_difference_count",
                                             string="Stock Differences")

    @api.depends("scrap_account_option_id")
    def _compute_scrap_account(self):
        copy_chosen_code(self, "scrap_account")

    def _compute_parity_difference_count(self):
        for conn in self:
            conn.parity_difference_count = len(conn.parity_line_ids)

    # --- at set hours -------------------------------------------------------------
    def _collect_scheduled_documents(self):
        jobs = super()._collect_scheduled_documents()
        now = fields.Datetime.now()
        for conn in self.filtered(lambda c: c.transfer_sync_mode == "scheduled"):
            slot = conn._last_transfer_slot(now)
            if slot and (not conn.stock_collected_at or conn.stock_collected_at < slot):
                drafts = self.env["accounting.stock.document"].search(
                    [("connection_id", "=", conn.id), ("state", "=", "draft")], order="id")
                jobs |= drafts._queue()
                conn.stock_collected_at = now
        return jobs

    def _last_transfer_slot(self, now):
        """The latest set hour at or before ``now`` (UTC, naive), in the
        shop's time zone (the company's), whoever runs the cron."""
        self.ensure_one()
        hours = self._parse_hours(self.transfer_sync_hours)
        if not hours:
            return now  # set hours without hours: every run is one
        tz = pytz.timezone(self.company_id.partner_id.tz or "Asia/Jakarta")
        local_now = pytz.utc.localize(now).astimezone(tz)
        for day in (0, -1):
            for slot in reversed(hours):
                moment = tz.localize(datetime.combine(local_now.date() + timedelta(days=day), slot))
                if moment <= local_now:
                    return moment.astimezone(pytz.utc).replace(tzinfo=None)
        return None

    def write(self, vals):
        leaving = self.filtered(lambda c: c.transfer_sync_mode == "scheduled") \
            if vals.get("transfer_sync_mode", "scheduled") != "scheduled" else self.browse()
        result = super().write(vals)
        if leaving:  # what waited for a set hour goes out now, once
            jobs = self.env["accounting.stock.document"].search(
                [("connection_id", "in", leaving.ids), ("state", "=", "draft")], order="id")._queue()
            if jobs:
                self.env["accounting.sync.job"]._trigger_worker()
        return result
