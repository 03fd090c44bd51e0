"""The webhook log: every delivery from the accounting system, and what
keeps Accurate's webhook reaching Odoo (the URL, its secret token, the
7-day subscription renewed every day)."""

import json
import logging
import secrets
from datetime import datetime, timedelta
from functools import partial

import pytz
import requests

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError

from accounting_connectors.errors import ConnectorError

from . import accounting_messages as msgs
from ..tools.shop_time import local_date
from .accounting_access import MANAGER, USER, check_action
from .accounting_inbound_event import ACCURATE_EVENT_TYPES, PURCHASE_TYPES, event_label

_logger = logging.getLogger(__name__)

#: defaults of the caps on webhook work (system parameters pos_accounting_sync.webhook_max_documents
#: and pos_accounting_sync.webhook_max_events_per_hour)
MAX_DOCUMENTS = 200
MAX_EVENTS_PER_HOUR = 2000
#: characters of a body kept in the log: an accepted one / a refused one
KEEP_BODY = 100000
KEEP_REFUSED_BODY = 4000
#: what of a request goes into a log row or an answer, at most
SHORT = 200
WIB = pytz.timezone("Asia/Jakarta")
#: Accurate stops a webhook subscription silently after 7 days: renew before that
RENEW_BEFORE_DAYS = 2
#: a renewal that leaves the end closer than this (days from today) extended nothing
RENEWED_FOR_DAYS = 6
#: the watchdog leaves the last minutes to webhooks still on their way
WATCH_LAG = timedelta(minutes=10)
#: how far back the watchdog looks the first time
WATCH_FIRST = timedelta(days=1)
#: a webhook counts as announcing a change received up to this long before its stamp (clocks differ)
WATCH_SLACK = timedelta(minutes=5)
#: Accurate document type -> its webhook event type
EVENT_TYPE_OF = {"invoice": "PURCHASE_INVOICE", "return": "PURCHASE_RETURN", "receipt": "RECEIVE_ITEM"}


def short(text, size=SHORT):
    """``text`` (anything) cut to ``size`` characters for a log row or an answer."""
    text = str(text or "")
    return text if len(text) <= size else text[:size] + "…"


class AccountingWebhookEvent(models.Model):
    """One delivery from the accounting system (a webhook call, or one poll
    of Jurnal), stored before anything else with the events found in it, so
    that nothing is lost if processing fails; its events are processed by a
    cron. A delivery refused at the door keeps the reason (and no events)."""

    _name = "accounting.webhook.event"
    _description = "Accounting Webhook Log"
    _order = "id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    source = fields.Selection([("webhook", "Webhook"), ("poll", "Poll")], default="webhook",
                              required=True, readonly=True)
    received_at = fields.Datetime(default=fields.Datetime.now, readonly=True, required=True)
    remote_addr = fields.Char(string="Source Address", readonly=True)
    content_type = fields.Char(readonly=True)
    body_size = fields.Integer(string="Size (bytes)", readonly=True)
    body = fields.Text(readonly=True, help="The raw body as received (not kept for a body over the limit).")
    event_types = fields.Char(string="Event Codes", readonly=True, help="Event types found in the body.")
    event_names = fields.Char(compute="_compute_event_names", string="Events Received")
    refused_reason = fields.Text(readonly=True, help="Why the delivery was refused at the door.")
    skipped_note = fields.Text(
        string="Not Stored", readonly=True,
        help="Events of types Odoo does not use that were over the cap on documents per delivery.")
    inbound_event_ids = fields.One2many("accounting.inbound.event", "delivery_id", string="Events",
                                        readonly=True)
    state = fields.Selection(
        [("received", "Received"), ("done", "Done"), ("failed", "Failed"), ("ignored", "Ignored"),
         ("refused", "Refused")],
        string="Status", compute="_compute_state", store=True, readonly=True, index=True)
    error_message = fields.Text(string="Reason", compute="_compute_state", store=True, readonly=True)
    processed_at = fields.Datetime(compute="_compute_state", store=True, readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count", string="Transfers")

    @api.depends("refused_reason", "inbound_event_ids.state", "inbound_event_ids.reason",
                 "inbound_event_ids.processed_at")
    def _compute_state(self):
        for rec in self:
            events = rec.inbound_event_ids
            states = set(events.mapped("state"))
            if rec.refused_reason:
                rec.state, rec.error_message = "refused", rec.refused_reason
            elif "failed" in states:
                rec.state = "failed"
                rec.error_message = "\n".join(filter(None, events.filtered(
                    lambda e: e.state == "failed").mapped("reason")))
            elif "received" in states:
                rec.state, rec.error_message = "received", False
            else:
                rec.state = "done" if "done" in states else "ignored"
                rec.error_message = "\n".join(filter(None, set(events.mapped("reason")))) or (
                    False if events else _("The delivery named no record."))
            rec.processed_at = rec.state != "received" and max(
                filter(None, events.mapped("processed_at")), default=rec.received_at) or False

    @api.depends("connection_id", "received_at")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = "%s %s" % (rec.connection_id.name or "", rec.received_at or "")

    def _compute_picking_count(self):
        for rec in self:
            rec.picking_count = len(rec.sudo().inbound_event_ids.picking_ids)

    @api.depends("event_types")
    def _compute_event_names(self):
        # the reader's words ("Purchase invoice"), not the provider's codes
        for rec in self:
            codes = [c for c in (rec.event_types or "").split(",") if c.strip()]
            rec.event_names = ", ".join(event_label(self.env, c) for c in codes) or False

    # --- receiving ----------------------------------------------------------------
    @api.model
    def _receive(self, connection, raw, **values):
        """The body of a webhook call that passed the door (right token,
        JSON content type, within the size limit): ``raw`` bytes, ``values``
        what the door saw (source address, content type, size). Checks what
        the body says (UTF-8 JSON, Accurate's envelope, known event types,
        this connection's database, the caps), then stores the delivery and
        wakes the webhook cron, or logs the refusal. Returns (HTTP status,
        answer, headers): an answer of a refusal names the ``error``."""
        def refuse(status, reason, error, body=None, headers=None):
            self._store_refusal(connection, reason, body=body, **values)
            return status, {"error": error}, headers

        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            body = raw.decode("utf-8", "replace")
            return refuse(400, _("Not an Accurate webhook: the body is not UTF-8 text."), "body is not UTF-8", body)
        try:
            json.loads(body)
            parsed = connection._get_client().parse_webhook(body)
        except RecursionError:
            return refuse(400, _("Not an Accurate webhook: the JSON is nested too deeply."), "JSON nested too deeply",
                          body)
        except ValueError as exc:
            return refuse(400, _("Not an Accurate webhook: %(error)s", error=short(exc)), exc, body)
        unknown = sorted({p.type for p in parsed} - ACCURATE_EVENT_TYPES)
        if unknown:
            types = short(", ".join(unknown))
            reason = _("Unknown event type %(types)s (not one of Accurate's).", types=types)
            return refuse(400, reason, "unknown event type %s" % types, body)
        ours = (connection.database_id or "").strip()
        others = sorted({p.database_id for p in parsed if p.database_id and ours and p.database_id != ours})
        if others:
            reason = _("For Accurate database %(theirs)s; this connection is database %(ours)s.",
                       theirs=short(", ".join(others)), ours=ours)
            return refuse(403, reason, "this URL serves Accurate database %s" % ours, body)
        over = self._over_cap(connection, parsed)
        if over:
            status, reason = over
            headers = {"Retry-After": "3600"} if status == 429 else None
            return refuse(status, reason, "over the cap on webhook work", body, headers)
        delivery = self._store_delivery(connection, body, parsed, **values)
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_webhook", raise_if_not_found=False)
        if cron and delivery.inbound_event_ids.filtered(lambda e: e.state == "received"):
            cron._trigger()
        _logger.info("accounting sync: webhook delivery %s stored for connection %s", delivery.id, connection.id)
        return 200, {"id": delivery.id}, None

    # --- storing ----------------------------------------------------------------
    @api.model
    def _caps(self):
        """(documents per delivery, purchase events per connection and hour)."""
        ICP = self.env["ir.config_parameter"].sudo()
        return (int(ICP.get_param("pos_accounting_sync.webhook_max_documents") or MAX_DOCUMENTS),
                int(ICP.get_param("pos_accounting_sync.webhook_max_events_per_hour") or MAX_EVENTS_PER_HOUR))

    @api.model
    def _over_cap(self, connection, parsed):
        """Whether this delivery's purchase documents would pass a cap on
        webhook work: ``None``, or (HTTP status, translated reason naming
        the cap). Only purchase types are queued, so only they count."""
        per_delivery, per_hour = self._caps()
        purchases = sum(1 for p in parsed if p.type in PURCHASE_TYPES)
        if purchases > per_delivery:
            return 413, _("The delivery names %(count)s purchase documents, over the cap of %(cap)s per delivery "
                          "(system parameter pos_accounting_sync.webhook_max_documents); none was queued.",
                          count=purchases, cap=per_delivery)
        if not purchases:
            return None
        since = fields.Datetime.now() - timedelta(hours=1)
        queued = self.env["accounting.inbound.event"].search_count([
            ("connection_id", "=", connection.id), ("source", "=", "webhook"), ("doc_type", "!=", False),
            ("create_date", ">=", since)])
        if queued + purchases > per_hour:
            return 429, _("%(queued)s purchase events were queued in the last hour; %(count)s more would pass the "
                          "cap of %(cap)s per hour (system parameter "
                          "pos_accounting_sync.webhook_max_events_per_hour); none was queued.",
                          queued=queued, count=purchases, cap=per_hour)
        return None

    @api.model
    def _store_delivery(self, connection, body, parsed, **values):
        """Store an accepted delivery and its events (``parsed``: the
        connector's WebhookEvent list, already within the caps of
        :meth:`_over_cap`); returns the delivery. Purchase events first:
        events of other types (stored only to show them ignored) fill what
        is left of the cap on documents per delivery, the rest are counted
        on the delivery, not stored."""
        per_delivery = self._caps()[0]
        purchases = [p for p in parsed if p.type in PURCHASE_TYPES]
        others = [p for p in parsed if p.type not in PURCHASE_TYPES]
        kept = others[:max(per_delivery - len(purchases), 0)]
        skipped = others[len(kept):]
        if len(body) > KEEP_BODY:
            body = body[:KEEP_BODY] + "\n" + _("[cut: %(size)s characters in all]", size=len(body))
        delivery = self.create(dict(
            values, connection_id=connection.id, body=body,
            event_types=", ".join(sorted({p.type for p in parsed})) or False,
            skipped_note=skipped and _(
                "%(count)s events of types Odoo does not use (%(types)s) were over the cap of %(cap)s documents "
                "per delivery: not stored.", count=len(skipped), cap=per_delivery,
                types=", ".join(sorted({p.type for p in skipped}))) or False))
        Event = self.env["accounting.inbound.event"]
        Event.create(Event._values_from_webhook(connection, purchases + kept, delivery))
        return delivery

    @api.model
    def _store_refusal(self, connection, reason, body=None, **values):
        """A delivery from a genuine sender (right token) that is refused:
        logged with the reason and at most the first 4,000 characters of
        the body; it never creates an event."""
        return self.create(dict(values, connection_id=connection.id, refused_reason=reason,
                                body=body if body is None else body[:KEEP_REFUSED_BODY]))

    # --- processing -----------------------------------------------------------------
    def _process(self):
        """Process this delivery's waiting events now (the cron does it for all)."""
        for event in self.inbound_event_ids.filtered(lambda e: e.state == "received"):
            event._process()

    def action_reprocess(self):
        """Retry: failed events of these deliveries go back to the queue."""
        check_action(self, MANAGER)
        self.inbound_event_ids.filtered(lambda e: e.state == "failed").action_retry()
        return True

    def action_view_events(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_inbound_event")
        action["domain"] = [("delivery_id", "=", self.id)]
        return action

    def action_view_pickings(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.inbound_event_ids.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _cron_process(self, limit=200):
        """The webhook cron: process queued purchase events, oldest first,
        ``limit`` a batch. It tells the scheduler what is left, so that a
        long queue (after a flood) is worked through in batches at once,
        not one batch per scheduled run while genuine purchases wait."""
        Event = self.env["accounting.inbound.event"]
        done = Event._process_queue(limit=limit)
        if done:
            remaining = Event.search_count([
                ("state", "=", "received"), "|", ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now())])
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    # --- Accurate: the webhook stays reachable and subscribed ---------------------
    @api.model
    def _rotate_token(self, connections):
        """A new secret in the webhook URL of ``connections`` (managers
        only): the old URL is refused from now on. Returns a sticky
        notification showing the new URL to paste into Accurate; the token
        is written in no log or message."""
        if not self.env.user.has_group(MANAGER):
            raise AccessError(_("Only an Accounting Sync manager can replace the webhook URL."))
        connections.check_access("write")
        for connection in connections:
            connection.sudo().webhook_token = secrets.token_urlsafe(24)
        _logger.info("accounting sync: webhook token of connection(s) %s replaced by user %s",
                     connections.ids, self.env.uid)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("New webhook URL"),
                "message": _("Paste this URL in Accurate (Area Developer > the application > Webhook); the old "
                             "one is refused from now on: %(url)s", url=", ".join(connections.mapped("webhook_url"))),
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _after_connection_test(self, connections):
        """After a connection test: an Accurate connection that works checks
        that its webhook URL answers and renews its subscription."""
        for connection in connections.filtered(lambda c: c.provider == "accurate" and c.state == "connected"):
            if not self.env.context.get("accounting_no_webhook_check"):  # the demo, before Odoo serves
                self._check_webhook_url(connection)
            self._renew_webhook(connection)

    @api.model
    def _check_webhook_url(self, connection):
        """Call the connection's own webhook URL as Accurate would (a GET,
        which only answers) and say on it whether it answered."""
        connection.ensure_one()
        if modules.module.current_test and not self.env.registry.in_test_mode():
            # a test without Odoo's HTTP server in test mode: our own server would
            # wait for the test runner's registry lock and never answer
            return None
        url = connection.sudo().webhook_url
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
        connection.webhook_check_message = message
        return ok

    @api.model
    def _renew_webhook(self, connection):
        """Extend Accurate's 7-day webhook subscription; store its new end
        on the connection. Accurate answers success to a token of another
        application than the one that registered the webhook, with an end
        it did not move: an end less than RENEWED_FOR_DAYS days away is a
        failure, said in a sentence naming the credentials' application."""
        connection.ensure_one()
        today = local_date(fields.Datetime.now(), connection.company_id)
        try:
            client = connection._get_client()
            text = client.renew_webhook()
            end = datetime.strptime(str(text), "%d/%m/%Y").date()
        except (ConnectorError, ValueError) as exc:
            _logger.info("accounting sync: webhook renewal of connection %s failed: %s", connection.id, exc)
            connection.webhook_check_message = _("Could not renew the webhook subscription: %(msg)s",
                                                 msg=getattr(exc, "message", exc))
            return False
        connection.webhook_expires_on = end
        if end >= today + timedelta(days=RENEWED_FOR_DAYS):
            return True
        try:
            application = client.webhook_application()
        except ConnectorError:
            application = ""
        connection.webhook_application = application or False
        _logger.info("accounting sync: webhook renewal of connection %s answered success but ends %s",
                     connection.id, end)
        connection.webhook_check_message = _(
            "Accurate answered the renewal with success, but the subscription still ends on %(end)s: nothing was "
            "extended. Accurate renews a webhook only with credentials of the application that registered it, "
            "and this connection's belong to the application “%(app)s”. Renew it from the application that "
            "registered the webhook (Accurate Area Developer > Aplikasi > that application > Webhook > Renew), "
            "or give this connection an API token of that application.", end=end, app=application or "?")
        return False

    @api.model
    def _cron_renew_webhooks(self):
        """Daily: renew every Accurate subscription that ends within two days
        (or whose end is unknown). Each connection on its own: one failing
        is reported on it, the others are still renewed."""
        limit = fields.Date.today() + timedelta(days=RENEW_BEFORE_DAYS)
        Event = self.env["accounting.inbound.event"]
        for connection in self.env["accounting.connection"].search([
                ("provider", "=", "accurate"), ("state", "=", "connected"), ("receive_purchases", "=", True)]):
            if not connection.webhook_expires_on or connection.webhook_expires_on <= limit:
                Event._run_inbound_task(connection, "inbound_renew", partial(self._renew_webhook, connection))

    # --- Accurate: the watchdog and the backstop poll ------------------------------
    @api.model
    def _cron_watch_webhooks(self):
        """Hourly: for each Accurate connection that receives purchases,
        compare what Accurate lists as changed with what its webhooks
        announced, queue what they missed, then process the queue."""
        Event = self.env["accounting.inbound.event"]
        for connection in self.env["accounting.connection"].search([
                ("provider", "=", "accurate"), ("state", "=", "connected"), ("receive_purchases", "=", True)]):
            Event._run_inbound_task(connection, "inbound_poll", partial(self._watch_webhook, connection))
        Event._process_queue()

    @api.model
    def _watch_webhook(self, connection, now=None):
        """The watchdog of one connection: the purchase documents Accurate
        lists as changed (``lastUpdate``) from the cursor to ``now`` less
        WATCH_LAG that no webhook announced (no webhook event of theirs
        since the change, none waiting, their version not applied) are
        queued as poll events, oldest change first, and go through the same
        verify-before-act processing as a webhook's (so each is received
        once, whatever arrives later). Any miss raises ONE to-do saying the
        subscription lapsed (after trying to renew it); a run whose changes
        all came by webhook closes it. Returns the events queued."""
        connection.ensure_one()
        now = now or fields.Datetime.now()
        until = now - WATCH_LAG
        since = connection.webhook_watch_cursor or until - WATCH_FIRST
        if since >= until:
            return self.env["accounting.inbound.event"]
        changed = connection._get_client().list_changed_purchases(pytz.utc.localize(since), pytz.utc.localize(until))
        connection.webhook_watch_cursor = until
        missed, announced = self._watch_missed(connection, changed)
        if not missed:
            if announced:
                connection._close_problem("inbound_lapsed", _("Webhooks from Accurate arrive again."))
            return self.env["accounting.inbound.event"]
        docs = ", ".join(row["number"] or row["remote_id"] for row in missed)
        delivery = self.create({
            "connection_id": connection.id, "source": "poll", "received_at": now,
            "event_types": ", ".join(sorted({EVENT_TYPE_OF[r["doc_type"]] for r in missed})),
            "body": _("Backstop poll: %(count)s purchase document(s) changed in Accurate from %(since)s to "
                      "%(until)s (UTC) that no webhook announced: %(docs)s.", count=len(missed), since=since,
                      until=until, docs=docs)})
        Event = self.env["accounting.inbound.event"]
        events = Event.create([{
            "delivery_id": delivery.id, "connection_id": connection.id, "source": "poll",
            "event_type": EVENT_TYPE_OF[row["doc_type"]], "doc_type": row["doc_type"], "action": "WRITE",
            "remote_id": row["remote_id"], "remote_number": row["number"] or False} for row in missed])
        if self._renew_webhook(connection):
            renewal = msgs.message("webhook.lapse_renewed", end=str(connection.webhook_expires_on),
                                   app=connection.webhook_application or "?")
        else:
            renewal = msgs.message("webhook.lapse_not_renewed", msg=connection.webhook_check_message or "")
        connection._close_problem("inbound_renew", _("Said in the to-do about Accurate's silent webhook."))
        connection._raise_problem("inbound_lapsed", msgs.message(
            "problem.inbound_lapsed", conn=connection.display_name, count=len(missed), docs=docs,
            since=fields.Datetime.to_string(since) + " UTC", renewal=renewal))
        _logger.info("accounting sync: webhook of connection %s silent: %s document(s) queued by the backstop poll",
                     connection.id, len(missed))
        return events

    @api.model
    def _watch_missed(self, connection, changed):
        """``(missed rows, count announced by webhook)`` of ``changed`` (rows
        of ``list_changed_purchases``): a change is announced when a webhook
        event of its document came since its stamp (Jakarta time); it is
        not missed either when an event of it waits in the queue or the
        version it lists is already applied (an earlier backstop poll)."""
        Event = self.env["accounting.inbound.event"].sudo()
        Document = self.env["accounting.inbound.document"].sudo()
        missed, announced = [], 0
        for row in changed:
            key = [("connection_id", "=", connection.id), ("doc_type", "=", row["doc_type"]),
                   ("remote_id", "=", row["remote_id"])]
            stamp = row["updated"] and WIB.localize(row["updated"]).astimezone(pytz.utc).replace(tzinfo=None)
            webhook = [("source", "=", "webhook")] + ([("received_at", ">=", stamp - WATCH_SLACK)] if stamp else [])
            if Event.search_count(key + webhook, limit=1):
                announced += 1
                continue
            version = Document.search(key, limit=1).version
            if version and row["version"] and version >= row["version"]:
                continue
            if not Event.search_count(key + [("state", "=", "received")], limit=1):
                missed.append(row)
        return missed, announced
