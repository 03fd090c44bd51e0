"""An outlet's business day as one document set: every shift of one outlet
(``pos.config``) and business day that a connection posts "once a day per
outlet" goes out in one sales invoice (and one return) for walk-in sales,
one per customer-account customer, and one receipt per payment method, as
Accurate's own POS does, or as one journal entry (``sales_posting``).

The day waits until it is due (the day has ended, plus the connection's
"Day Posted At" hour of the next morning, and its settle delay after the
last close); the cron queues it then, so a refund made meanwhile is folded
in (``pos.order._accounting_fold``) and a shift closing that day joins it.
"""

from datetime import datetime, time, timedelta

import psycopg2
import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.pos_sales_documents import SalesDocuments
from ..tools.shop_time import business_date, shop_tz
from .accounting_access import MANAGER, USER, check_action


class AccountingPosDay(models.Model):
    _name = "accounting.pos.day"
    _inherit = ["accounting.sync.mixin"]
    _description = "Accounting Sync Outlet Day"
    _order = "date desc, pos_config_id, id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    pos_config_id = fields.Many2one("pos.config", string="Outlet", required=True, ondelete="cascade",
                                    readonly=True)
    date = fields.Date(string="Business Day", required=True, readonly=True)
    session_ids = fields.Many2many(
        "pos.session", "accounting_pos_day_session_rel", "day_id", "session_id", string="Shifts", readonly=True)
    session_count = fields.Integer(compute="_compute_session_count", string="Shifts Closed")
    state = fields.Selection(
        [("waiting", "Waiting"), ("queued", "Queued")], string="Status", default="waiting", required=True,
        readonly=True,
        index=True,
        help="Waiting: the day's shifts are gathered and its documents go out at Post After. Queued: its "
             "documents are in the sync log.")
    post_after = fields.Datetime(
        readonly=True, help="When the day's documents go out: the day has ended (plus the connection's Day "
                            "Posted At hour) and its settle delay after the last close is over.")
    queued_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("day_uniq", "unique(connection_id, pos_config_id, date)", "This outlet day already exists."),
    ]

    @api.depends("session_ids")
    def _compute_session_count(self):
        for day in self:
            day.session_count = len(day.session_ids)

    @api.depends("pos_config_id", "date")
    def _compute_display_name(self):
        for day in self:
            day.display_name = "%s %s" % (day.pos_config_id.name or "", day.date or "")

    # --- gathering the shifts -------------------------------------------------------
    @api.model
    def _accounting_add_session(self, connection, session):
        """The outlet day of a closed ``session`` for ``connection``, the
        shift added to it; empty when that day's documents already went out
        (the shift then posts its own)."""
        date = business_date(session, session, session.stop_at)
        day = self.search([("connection_id", "=", connection.id), ("pos_config_id", "=", session.config_id.id),
                           ("date", "=", date)], limit=1)
        if not day:
            # two shifts of the outlet closing at once: the second finds the first one's day
            try:
                with self.env.cr.savepoint():
                    day = self.create({"connection_id": connection.id, "pos_config_id": session.config_id.id,
                                       "date": date})
            except psycopg2.IntegrityError:
                day = self.search([("connection_id", "=", connection.id),
                                   ("pos_config_id", "=", session.config_id.id), ("date", "=", date)], limit=1)
                if not day:
                    raise
        if session in day.session_ids:
            return day
        if day.state != "waiting":
            return self.browse()
        day.session_ids = [fields.Command.link(session.id)]
        day.post_after = day._due_at()
        return day

    def _due_at(self):
        """When the day may go out (UTC, naive): its end in the shop's time
        zone plus the connection's Day Posted At hour, and no sooner than
        the settle delay after its last close."""
        self.ensure_one()
        conn = self.connection_id
        tz = shop_tz(conn.company_id, self.pos_config_id)
        hour = conn.day_post_hour or 0.0
        end = tz.localize(datetime.combine(self.date + timedelta(days=1), time.min)) + timedelta(hours=hour)
        due = end.astimezone(pytz.utc).replace(tzinfo=None)
        last_close = max(self.session_ids.mapped("stop_at") or [due])
        return max(due, last_close + timedelta(hours=conn.settle_delay_hours or 0))

    # --- the document set -------------------------------------------------------------
    def _accounting_chain(self):
        """The chain and reference prefix: ``POS/D<outlet id>/<YYYYMMDD>``
        (short: providers cap document numbers)."""
        self.ensure_one()
        return "POS/D%s/%s" % (self.pos_config_id.id, self.date.strftime("%Y%m%d"))

    def _accounting_documents(self, connection=None):
        self.ensure_one()
        connection = connection or self.connection_id
        sessions = self.session_ids.sorted("id")
        return SalesDocuments(connection, sessions._accounting_orders(connection), self._accounting_chain(), self,
                              stop_at=max(sessions.mapped("stop_at"), default=False))

    def _accounting_sync_document(self, job):
        return self._accounting_documents(job.connection_id).build(job.doc_key)

    def _accounting_queue(self, force=False):
        """Queue the document set of the days that are due (``force``: now,
        whatever the hour); returns the jobs."""
        Job = self.env["accounting.sync.job"]
        jobs = Job
        now = fields.Datetime.now()
        for day in self.filtered(lambda d: d.state == "waiting"):
            if not force and (day.post_after or now) > now:
                continue
            documents = day._accounting_documents()
            if documents.orders or documents.cash_difference():
                jobs |= documents.enqueue(day._accounting_chain())
            day.write({"state": "queued", "queued_at": now})
        if jobs:
            Job._trigger_worker()
        return jobs

    @api.model
    def _cron_post_due(self):
        """Every quarter hour (``ir_cron_accounting_pos_days``): queue the
        outlet days that are due, and the shifts whose settle delay is over."""
        Conn = self.env["accounting.connection"]
        now = fields.Datetime.now()
        days = self.search([("state", "=", "waiting"), ("post_after", "<=", now)])
        # paused connections too: queuing sends nothing (the jobs wait out the pause, as a shift closed
        # meanwhile does in any mode), and settled shifts are only looked for a few days after their delay
        Conn._run_isolated(days.connection_id, _("Queuing the documents of outlet days"),
                           lambda conn: days.filtered(lambda d: d.connection_id == conn)._accounting_queue())
        settling = Conn.search([("sales_sync_mode", "=", "session_close"), ("settle_delay_hours", ">", 0)])
        Conn._run_isolated(settling, _("Queuing the shifts whose settle delay is over"),
                           lambda conn: conn._accounting_collect_settled_sessions(now))

    # --- what the screen offers -----------------------------------------------------------
    def action_post_now(self):
        """Send the day's documents now (the shop closed early, the
        accountant needs them): later shifts of that day then post on their own."""
        check_action(self, MANAGER)
        waiting = self.filtered(lambda d: d.state == "waiting")
        if not waiting:
            raise UserError(_("These days' documents are already queued."))
        waiting.sudo()._accounting_queue(force=True)
        return True

    def action_view_sessions(self):
        check_action(self, USER)
        return {"type": "ir.actions.act_window", "name": _("Shifts"), "res_model": "pos.session",
                "view_mode": "list,form", "domain": [("id", "in", self.session_ids.ids)],
                "context": {"create": False}}
