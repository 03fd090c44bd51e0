"""Purchases coming in: the webhook address and its subscription (Accurate),
the poll of purchase invoices and returns (Jurnal, which has no purchase
webhook)."""

import logging
import secrets
from datetime import datetime, time, timedelta

import requests

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError
from odoo.service import db as db_service
from odoo.tools import config

from accounting_connectors.errors import ConnectorError
from .accounting_access import USER, check_action

from . import accounting_messages as msgs

_logger = logging.getLogger(__name__)

MANAGER = "pos_accounting_sync.group_accounting_sync_manager"
#: Accurate stops a webhook subscription silently after 7 days: renew before that
RENEW_BEFORE_DAYS = 2
#: a poll lists at most this many creation days: a cursor (or go-live) far
#: back is caught up over several runs, each well inside the cron's time limit
POLL_MAX_DAYS = 31


class AccountingConnectionInbound(models.Model):
    _inherit = "accounting.connection"

    receive_purchases = fields.Boolean(
        default=True, help="Purchase invoices, purchase returns and goods received entered in the "
                           "accounting system become receipts and returns in Odoo.")
    purchase_poll_cursor = fields.Datetime(
        readonly=True, copy=False,
        help="Jurnal: when purchases were last polled. After a pause, the next polls catch up from the day "
             "before it, 31 days at a time.")
    purchase_poll_window_days = fields.Integer(
        string="Watch Edits For (days)", default=7,
        help="Jurnal lists purchases by creation day only: each poll re-reads those created in this "
             "many last days (31 at most), so that their later edits and deletions are seen.")
    webhook_expires_on = fields.Date(
        string="Webhook Subscription Expires", readonly=True, copy=False,
        help="Accurate stops sending webhooks 7 days after the last renewal; Odoo renews it every day.")
    webhook_check_message = fields.Char(string="Webhook Check", readonly=True, copy=False)
    webhook_reach_note = fields.Char(compute="_compute_webhook_reach_note")
    webhook_delivery_ids = fields.One2many("accounting.webhook.event", "connection_id")
    inbound_failed_count = fields.Integer(compute="_compute_inbound_failed_count")

    def _compute_webhook_url(self):
        # names the database: with several databases, the call carries no session
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            rec.webhook_url = rec.id and "%s/pos_accounting_sync/webhook/%s/%s/%s" % (
                base, self.env.cr.dbname, rec.id, rec.sudo().webhook_token) or False

    def action_rotate_webhook_token(self):
        """A new secret in the webhook URL (managers only): the old URL is
        refused from now on. Returns a sticky notification showing the new
        URL to paste into Accurate; the token is written in no log or
        message."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only an Accounting Sync manager can replace the webhook URL."))
        self.check_access("write")
        for rec in self:
            rec.sudo().webhook_token = secrets.token_urlsafe(24)
        _logger.info("accounting sync: webhook token of connection(s) %s replaced by user %s", self.ids, self.env.uid)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("New webhook URL"),
                "message": _("Paste this URL in Accurate (Area Developer > the application > Webhook); the old "
                             "one is refused from now on: %(url)s", url=", ".join(self.mapped("webhook_url"))),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _compute_webhook_reach_note(self):
        note = False
        if not config.get("dbfilter") and len(db_service.list_dbs(True)) > 1:
            note = _("This server holds several databases and has no database filter: Accurate's call "
                     "carries no login, so Odoo cannot pick %(db)s. Start Odoo with a --db-filter that "
                     "leads this URL's host to %(db)s (e.g. ^%%d$ with one host name per database).",
                     db=self.env.cr.dbname)
        for rec in self:
            rec.webhook_reach_note = note

    def _compute_inbound_failed_count(self):
        counts = dict(self.env["accounting.inbound.event"]._read_group(
            [("connection_id", "in", self.ids), ("state", "=", "failed")], ["connection_id"], ["__count"]))
        for rec in self:
            rec.inbound_failed_count = counts.get(rec, 0)

    def _get_provider_label(self):
        self.ensure_one()
        return dict(self._fields["provider"]._description_selection(self.env)).get(self.provider, "")

    @api.model
    def _problem_summary(self, problem):
        if problem == "inbound_failed":
            return _("Accounting sync: purchases not received")
        if problem == "inbound_poll":
            return _("Accounting sync: purchases not read")
        if problem == "inbound_renew":
            return _("Accounting sync: webhook subscription not renewed")
        return super()._problem_summary(problem)

    def action_view_webhook_log(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_inbound_event")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_filter_failed": 1}
        return action

    # --- Accurate: the webhook stays reachable and subscribed ---------------------
    def action_test_connection(self):
        result = super().action_test_connection()
        for rec in self.filtered(lambda c: c.provider == "accurate" and c.state == "connected"):
            if not self.env.context.get("accounting_no_webhook_check"):  # the demo, before Odoo serves
                rec._check_webhook_url()
            rec._renew_webhook()
        return result

    def _check_webhook_url(self):
        """Call our own webhook URL as Accurate would (a GET, which only
        answers) and say whether it answered."""
        self.ensure_one()
        if modules.module.current_test and not self.env.registry.in_test_mode():
            # a test without Odoo's HTTP server in test mode: our own server would
            # wait for the test runner's registry lock and never answer
            return None
        url = self.sudo().webhook_url
        try:
            answer = requests.get(url, timeout=5)
            ok = answer.status_code == 200 and answer.json().get("ok")
        except requests.ConnectionError:
            ok, answer = False, _("no server answered")
        except requests.Timeout:
            ok, answer = False, _("no answer within 5 seconds")
        except (requests.RequestException, ValueError):
            ok, answer = False, _("the answer was not this module's")
        if ok:
            message = _("The webhook URL answers (checked %(when)s).", when=fields.Datetime.now())
        else:
            what = answer if isinstance(answer, str) else _("HTTP %(status)s", status=answer.status_code)
            message = _("The webhook URL did not answer (%(what)s): Accurate cannot reach this server at "
                        "%(base)s. Check the server's public address (web.base.url) and the database "
                        "filter.", what=what,
                        base=self.env["ir.config_parameter"].sudo().get_param("web.base.url"))
        self.webhook_check_message = message
        return ok

    def _renew_webhook(self):
        """Extend Accurate's 7-day webhook subscription; store its new end."""
        self.ensure_one()
        try:
            text = self._get_client().renew_webhook()
            self.webhook_expires_on = datetime.strptime(str(text), "%d/%m/%Y").date()
        except (ConnectorError, ValueError) as exc:
            _logger.info("accounting sync: webhook renewal of connection %s failed: %s", self.id, exc)
            self.webhook_check_message = _("Could not renew the webhook subscription: %(msg)s",
                                           msg=getattr(exc, "message", exc))
            return False
        return True

    @api.model
    def _cron_renew_webhooks(self):
        """Daily: renew every Accurate subscription that ends within two days
        (or whose end is unknown). Each connection on its own: one failing
        is reported on it, the others are still renewed."""
        limit = fields.Date.today() + timedelta(days=RENEW_BEFORE_DAYS)
        for rec in self.search([("provider", "=", "accurate"), ("state", "=", "connected"),
                                ("receive_purchases", "=", True)]):
            if not rec.webhook_expires_on or rec.webhook_expires_on <= limit:
                rec._run_inbound_task("inbound_renew", rec._renew_webhook)

    # --- Jurnal: poll purchases --------------------------------------------------------
    @api.model
    def _cron_poll_purchases(self):
        """Every 15 minutes: poll each Jurnal connection's purchases (each in
        its own transaction: one failing is reported on it, the others still
        poll), then process what was queued."""
        for rec in self.search([("provider", "=", "jurnal"), ("state", "=", "connected"),
                                ("receive_purchases", "=", True)]):
            rec._run_inbound_task("inbound_poll", rec._poll_purchases)
        self.env["accounting.inbound.event"]._process_queue()

    def _run_inbound_task(self, problem, method):
        """Run ``method`` (no argument; False when it failed in words it
        stored itself) for this connection so that nothing it raises stops
        the cron for the other connections: rolled back and logged; a
        transient connector error (unreachable, rate limit) is only logged,
        as the next run tries again; anything else raises the ``problem``
        activity (``inbound_poll`` or ``inbound_renew``) on the connection,
        closed by the next success. Commits when the cron may."""
        self.ensure_one()
        error = None
        try:
            with self.env.cr.savepoint():
                if method() is False:
                    error = self.webhook_check_message
        except ConnectorError as exc:
            _logger.info("accounting sync: %s of connection %s failed: %s", problem, self.id, exc.message)
            error = None if exc.retryable else msgs.from_exception(exc)
        except Exception as exc:  # noqa: BLE001 - one connection must not stop the others
            _logger.exception("accounting sync: %s of connection %s failed", problem, self.id)
            error = msgs.from_exception(exc)
        else:
            if not error:
                self._close_problem(problem, _("It worked at the next run."))
        if error:
            self._raise_problem(problem, msgs.message(
                "problem." + problem, conn=self.display_name, msg=error,
                end=str(self.webhook_expires_on or "?")))
        if self.env["accounting.sync.job"]._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _poll_window(self, today):
        """(first, last) creation day the next poll lists: the watch window
        (or from the day before the cursor, when that is earlier), never
        before go-live, and at most POLL_MAX_DAYS days; ``last`` before
        ``today`` means the poll is catching up."""
        self.ensure_one()
        watch = min(max(self.purchase_poll_window_days, 1), POLL_MAX_DAYS)
        start = today - timedelta(days=watch)
        if self.purchase_poll_cursor:
            start = min(start, self.purchase_poll_cursor.date() - timedelta(days=1))
        if self.go_live_date:
            start = max(start, self.go_live_date)
        return start, min(today, start + timedelta(days=POLL_MAX_DAYS))

    def _poll_purchases(self, today=None):
        """Queue an event for every purchase invoice/return Jurnal lists as
        created in the poll window (see ``_poll_window``) whose
        (id, updated_at) was not queued before, and one to re-read every
        document in the window that Jurnal no longer lists (deleted). Returns
        the events queued."""
        self.ensure_one()
        now = fields.Datetime.now()
        today = today or fields.Date.context_today(self)
        start, end = self._poll_window(today)
        listed = self._get_client().list_purchases(start, end)
        Event = self.env["accounting.inbound.event"]
        Document = self.env["accounting.inbound.document"]
        rows, seen = [], set()
        for doc in listed:
            seen.add((doc.doc_type, doc.remote_id))
            if Event.search_count([("connection_id", "=", self.id), ("doc_type", "=", doc.doc_type),
                                   ("remote_id", "=", doc.remote_id), ("version", "=", doc.version or False)]):
                continue  # seen in an earlier (overlapping) poll
            rows.append({"doc_type": doc.doc_type, "remote_id": doc.remote_id, "version": doc.version or False,
                         "remote_number": doc.reference or False,
                         "event_type": "PURCHASE_RETURN" if doc.doc_type == "return" else "PURCHASE_INVOICE"})
        for document in Document.search([("connection_id", "=", self.id), ("deleted", "=", False),
                                         ("remote_created_on", ">=", start), ("remote_created_on", "<=", end)]):
            if (document.doc_type, document.remote_id) in seen or document.event_ids.filtered(
                    lambda e: e.state == "received"):
                continue
            rows.append({"doc_type": document.doc_type, "remote_id": document.remote_id,
                         "remote_number": document.remote_number,
                         "event_type": "PURCHASE_RETURN" if document.doc_type == "return" else "PURCHASE_INVOICE"})
        # caught up: now; catching up: the next poll goes on from the end of this window
        self.purchase_poll_cursor = now if end >= today else datetime.combine(end, time.min)
        if not rows:
            return Event
        delivery = self.env["accounting.webhook.event"].create({
            "connection_id": self.id, "source": "poll", "received_at": now,
            "event_types": ", ".join(sorted({r["event_type"] for r in rows})),
            "body": _("Jurnal poll of purchases created %(start)s to %(end)s: %(count)s listed, %(new)s new "
                      "or changed.", start=start, end=end, count=len(listed), new=len(rows))})
        return Event.create([dict(row, connection_id=self.id, source="poll", delivery_id=delivery.id)
                             for row in rows])
