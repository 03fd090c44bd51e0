"""Connections: problems reach people as one activity per connection and
problem; a used-up monthly quota pauses the connection until next month."""

from datetime import datetime, time

import pytz

from odoo import _, api, fields, models

#: Jurnal's API packages are monthly; the shop's calendar month is assumed
QUOTA_TZ = "Asia/Jakarta"


class AccountingConnectionProblems(models.Model):
    _inherit = "accounting.connection"

    paused_until = fields.Datetime(
        readonly=True, copy=False, tracking=True,
        help="The accounting system's monthly API quota is used up: nothing is sent to it until "
             "this time (the first day of next month), or until an administrator resumes the sync.")

    @api.model
    def _problem_summary(self, problem):
        return {
            "auth": _("Accounting sync stopped: credentials refused"),
            "failed": _("Accounting sync: documents failed"),
            "quota": _("Accounting sync paused: monthly API quota used up"),
        }[problem]

    def _raise_problem(self, problem, note):
        """Create, or refresh, the single open activity for this problem."""
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_problem")
        summary = self._problem_summary(problem)
        for rec in self.sudo():
            existing = rec.activity_ids.filtered(lambda a: a.summary == summary)
            if existing:
                existing[:1].note = note
                continue
            rec.activity_schedule(
                activity_type_id=activity_type.id, summary=summary, note=note,
                user_id=(rec.user_id or rec.company_id.partner_id.user_ids[:1]
                         or self.env.ref("base.user_admin")).id)

    def _close_problem(self, problem, feedback):
        summary = self._problem_summary(problem)
        self.sudo().activity_ids.filtered(lambda a: a.summary == summary).action_feedback(feedback)

    def _pause(self, message):
        self.sudo().write({"state": "paused", "state_message": message})
        self._raise_problem("auth", _(
            "%(conn)s refused our credentials: %(msg)s Fix them on the connection and press "
            "Test connection; queued documents then go out.", conn=self.display_name, msg=message))

    # --- monthly quota ----------------------------------------------------------
    @api.model
    def _next_quota_period(self, now=None):
        """The first day of next month, 00:00 in the shop's time zone, as a
        naive UTC datetime (Odoo's storage)."""
        tz = pytz.timezone(QUOTA_TZ)
        local = pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        start = tz.localize(datetime.combine(datetime(year, month, 1).date(), time(0, 0)))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _pause_for_quota(self, message):
        """Stop sending to this connection until next month; queued documents
        wait (no attempt spent) and the worker runs again then."""
        until = self._next_quota_period()
        for rec in self.sudo():
            rec.paused_until = until
            rec._raise_problem("quota", _(
                "%(conn)s answered that the monthly API quota of its plan is used up: %(msg)s "
                "Nothing is sent to it until %(until)s; queued documents go out then. To send "
                "them sooner, raise the plan's quota, then press Resume sync on the connection.",
                conn=rec.display_name, msg=message,
                until=fields.Datetime.to_string(until) + " UTC"))
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=until)

    @api.model
    def _resume_quota_pauses(self):
        """Run by the worker: end the pauses whose month is over."""
        due = self.sudo().search([("paused_until", "!=", False),
                                  ("paused_until", "<=", fields.Datetime.now())])
        if due:
            due.paused_until = False
            due._close_problem("quota", _("A new quota period has started; the sync resumed."))
        return due

    def action_resume_sync(self):
        """An administrator raised the quota (or wants to try): send again now."""
        self.sudo().paused_until = False
        self._close_problem("quota", _("Resumed by %s.", self.env.user.name))
        self.env["accounting.sync.job"]._trigger_worker()
        return True
