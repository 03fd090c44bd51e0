"""Connections: problems reach people as one activity per connection and
problem; a used-up monthly quota pauses the connection until next month;
a cron's failure on one connection is told on it and spares the others."""

import logging
from datetime import datetime, time

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.errors import ConnectorError

from . import accounting_messages as msgs
from .accounting_access import MANAGER, check_action

_logger = logging.getLogger(__name__)

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
            "inbound_failed": _("Accounting sync: purchases not received"),
            "inbound_poll": _("Accounting sync: purchases not read"),
            "inbound_renew": _("Accounting sync: webhook subscription not renewed"),
        }[problem]

    def _pause(self, reason):
        """Stop sending until an administrator fixes the credentials;
        ``reason``: the connector error (or a message) that refused them."""
        self.sudo().write(dict(self._state_vals(reason), state="paused"))
        stored = msgs.from_exception(reason) if isinstance(reason, Exception) else reason
        self._raise_problem("auth", msgs.message("problem.auth", conn=self.display_name, msg=stored))

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

    def _pause_for_quota(self, reason):
        """Stop sending to this connection until next month; queued documents
        wait (no attempt spent) and the worker runs again then. ``reason``:
        the connector error (or a message) that said so."""
        until = self._next_quota_period()
        stored = msgs.from_exception(reason) if isinstance(reason, Exception) else reason
        for rec in self.sudo():
            rec.paused_until = until
            rec._raise_problem("quota", msgs.message(
                "problem.quota", conn=rec.display_name, msg=stored,
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
        check_action(self, MANAGER)
        self.sudo().paused_until = False
        self._close_problem("quota", _("Resumed by %s.", self.env.user.name))
        self.env["accounting.sync.job"]._trigger_worker()
        return True

    # --- crons: one connection's failure never stops the others --------------------
    @api.model
    def _run_isolated(self, records, task, run, commit=None):
        """Call ``run(record)`` for each of ``records`` (connections, or
        other records with a chatter) in its own savepoint: an exception is
        logged, posted on that record (``task``: what the cron does, in
        words) and the loop goes on. ``commit`` (default: when the cron may
        commit) commits after each record. Returns the records that failed."""
        if commit is None:
            commit = self.env["accounting.sync.job"]._can_commit()
        failed = records.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    run(record)
            except Exception as exc:  # noqa: BLE001 - one record's failure never stops the others
                _logger.exception("accounting sync: %s failed for %s %s", task, record._name, record.id)
                failed |= record
                self._report_isolated_failure(record, task, exc)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit; each record's work is its own
        return failed

    @api.model
    def _report_isolated_failure(self, record, task, exc):
        """Post on ``record`` that ``task`` failed there (never a traceback:
        the log has it); a failure to post is only logged."""
        if isinstance(exc, ConnectorError):
            reason = msgs.describe(self.env, exc)
        elif isinstance(exc, UserError):
            reason = exc.args[0]
        else:
            reason = _("an unexpected error (%(type)s); the server log has the details", type=type(exc).__name__)
        try:
            with self.env.cr.savepoint():
                record.sudo().message_post(body=_("%(task)s failed here; the others went on: "
                                                  "%(reason)s", task=task, reason=reason))
        except Exception:  # noqa: BLE001 - the log line above already tells it
            _logger.exception("accounting sync: could not report the failure on %s %s", record._name, record.id)
