"""Connections: when documents go out (set hours) and the hourly collection."""

from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .accounting_connection import SALES_KINDS, TRANSFER_KINDS


class AccountingConnectionSchedule(models.Model):
    _inherit = "accounting.connection"

    @api.constrains("sales_sync_hours", "transfer_sync_hours", "sales_sync_mode", "transfer_sync_mode")
    def _check_hours(self):
        # only the hours of a mode "At set hours" are read: a value left in a hidden field blocks nothing
        for rec in self:
            if rec.sales_sync_mode == "scheduled":
                self._parse_hours(rec.sales_sync_hours)
            if rec.transfer_sync_mode == "scheduled":
                self._parse_hours(rec.transfer_sync_hours)

    @api.model
    def _parse_hours(self, value):
        """'08:00, 21:30' (or '21.30', as Indonesians write times) ->
        [time(8, 0), time(21, 30)]; plain-words error otherwise."""
        result = []
        for part in (value or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                hour, _sep, minute = part.replace(".", ":").partition(":")
                if minute and len(minute.strip()) != 2:
                    raise ValueError(part)
                result.append(time(int(hour), int(minute or 0)))
            except ValueError:
                raise ValidationError(_(
                    "“%(value)s” is not a time of day. Write the hours like 08:00, 21:30.",
                    value=part)) from None
        return sorted(result)

    def _next_sync_at(self, kind, now=None):
        """When a newly queued document of ``kind`` may go out: now, or the
        next of the set hours when that kind is synced at set hours."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        if kind in SALES_KINDS and self.sales_sync_mode == "scheduled":
            hours = self._parse_hours(self.sales_sync_hours)
        elif kind in TRANSFER_KINDS and self.transfer_sync_mode == "scheduled":
            hours = self._parse_hours(self.transfer_sync_hours)
        else:
            return now
        if not hours:
            return now
        tz = pytz.timezone(self.env.user.tz or self.company_id.partner_id.tz or "Asia/Jakarta")
        local_now = pytz.utc.localize(now).astimezone(tz)
        for day in range(2):
            for slot in hours:
                candidate = tz.localize(datetime.combine(local_now.date() + timedelta(days=day), slot))
                if candidate >= local_now:
                    return candidate.astimezone(pytz.utc).replace(tzinfo=None)
        return now

    @api.model
    def _cron_scheduled_sync(self):
        """Hourly: let feature modules queue what waits for set hours
        (``_collect_scheduled_documents``), then wake the worker."""
        due = self.search([("state", "!=", "paused")]).filtered(
            lambda conn: "scheduled" in (conn.sales_sync_mode, conn.transfer_sync_mode))
        self._run_isolated(due, _("Queuing the documents of the set hours"),
                           lambda conn: conn._collect_scheduled_documents())
        self.env["accounting.sync.job"]._trigger_worker()

    def _collect_scheduled_documents(self):
        """Extension point for feature modules (e.g. per-order sales at set
        hours). Documents already queued carry their own due time."""
        return self.env["accounting.sync.job"]
