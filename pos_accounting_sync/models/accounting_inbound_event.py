"""Inbound purchase events: one per document named in a webhook delivery
or found by a poll, processed from a queue by the webhook cron.

Each event re-reads the document's current content (``fetch_purchase``)
under a lock on its document row and makes stock converge to it (see
:mod:`.accounting_inbound_document`); so a redelivered or re-polled event
makes nothing, and events of one document that arrive out of order end in
the state of the newest version. A fetched version older than the one
already applied is never applied.

Nothing in a delivery is trusted but the id it names: a DELETE reverses a
receipt only once the accounting system, read again, confirms the document
is gone (if it still has it, its current version is applied instead); an id
Odoo never received is never flagged deleted; and "deleted" is not final: a
later successful read receives the document again.

Jurnal has no purchase webhook: its purchases are polled
(:meth:`AccountingInboundEvent._poll_purchases`, every 15 minutes) into the
same queue. Accurate's sales webhooks are not processed but flag the sync
job of a document Odoo posted that a person changed there.
"""

import logging
import time
from datetime import datetime, timedelta
from datetime import time as day_time
from functools import partial

from odoo import _, api, fields, models

from accounting_connectors.errors import ConnectorError, NotFoundError

from . import accounting_messages as msgs
from .accounting_inbound_document import InboundDataError
from .accounting_access import MANAGER, USER, check_action

_logger = logging.getLogger(__name__)

#: Accurate webhook type -> remote document type handled here
PURCHASE_TYPES = {"PURCHASE_INVOICE": "invoice", "PURCHASE_RETURN": "return", "RECEIVE_ITEM": "receipt"}
#: Accurate webhook type -> the kind of our sync job it may concern
SALES_TYPES = {"SALES_INVOICE": "sales_invoice", "SALES_RETURN": "sales_return", "SALES_RECEIPT": "sales_receipt"}
#: the 24 event types Accurate documents (accurate-notes 4); others are refused at the door
ACCURATE_EVENT_TYPES = frozenset({
    "ITEM", "ITEM_QUANTITY", "ITEM_ADJUSTMENT", "ITEM_TRANSFER", "STOCK_MUTATION", "WAREHOUSE",
    "SALES_QUOTATION", "SALES_ORDER", "DELIVERY_ORDER", "SALES_INVOICE", "SALES_INVOICE_OWING",
    "SALES_RETURN", "SALES_RECEIPT", "PURCHASE_REQUISITION", "PURCHASE_ORDER", "RECEIVE_ITEM",
    "PURCHASE_INVOICE", "PURCHASE_RETURN", "PURCHASE_PAYMENT", "JOB_ORDER", "MATERIAL_ADJUSTMENT",
    "ROLL_OVER", "CUSTOMER", "GLACCOUNT",
})
#: transient failures (network, rate limit) are retried this many times, spaced out
MAX_ATTEMPTS = 5
#: a WRITE naming an id the accounting system does not show (yet: Accurate
#: answers "not found" for a moment after a creation) is read this many
#: times, spaced out, before it is concluded "not there"
NOT_FOUND_ATTEMPTS = 3
#: one run of the webhook cron stops taking events after this many seconds
#: (well inside Odoo's cron time limit); the rest waits for the next run
QUEUE_SECONDS = 60
#: system parameter: days after which done rows are thinned (0: keep everything)
RETENTION_PARAM = "pos_accounting_sync.log_retention_days"
RETENTION_DAYS = 90
#: rows removed per model per vacuum run: the daily cron stays well inside its time limit
RETENTION_BATCH = 20000
STATES = [("received", "Received"), ("done", "Done"), ("failed", "Failed"), ("ignored", "Ignored")]
#: a poll lists at most this many creation days: a cursor (or go-live) far
#: back is caught up over several runs, each well inside the cron's time limit
POLL_MAX_DAYS = 31


def event_label(env, code):
    """The reader's words for an event code of Accurate (``PURCHASE_INVOICE``)
    or of our Jurnal poll, as the webhook log shows it; an unknown code is
    spelt out ("Item Transfer"). The code itself stays on the record."""
    known = {
        "PURCHASE_INVOICE": env._("Purchase invoice"),
        "PURCHASE_RETURN": env._("Purchase return"),
        "PURCHASE_ORDER": env._("Purchase order"),
        "RECEIVE_ITEM": env._("Goods receipt"),
        "ITEM": env._("Item"),
        "CUSTOMER": env._("Customer"),
        "VENDOR": env._("Vendor"),
        "SALES_INVOICE": env._("Sales invoice"),
        "SALES_RECEIPT": env._("Sales receipt"),
        "SALES_RETURN": env._("Sales return"),
        "ITEM_TRANSFER": env._("Item transfer"),
        "ITEM_ADJUSTMENT": env._("Item adjustment"),
    }
    code = (code or "").strip()
    return known.get(code.upper()) or code.replace("_", " ").replace(".", " ").capitalize()


class NotVisibleYet(Exception):
    """The accounting system does not show a document named by a WRITE:
    read it again later (its first argument is the reason shown)."""


class AccountingInboundEvent(models.Model):
    _name = "accounting.inbound.event"
    _description = "Purchase Event Received from the Accounting System"
    _order = "id"

    delivery_id = fields.Many2one("accounting.webhook.event", ondelete="cascade",
                                  index=True, readonly=True)
    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    source = fields.Selection([("webhook", "Webhook"), ("poll", "Poll")], required=True, readonly=True)
    received_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    uuid = fields.Char(string="UUID", readonly=True, index=True)
    event_type = fields.Char(readonly=True, help="As the accounting system names it (PURCHASE_INVOICE...).")
    event_name = fields.Char(compute="_compute_event_name", string="Event")
    action = fields.Selection([("WRITE", "Saved"), ("DELETE", "Deleted")], readonly=True, default="WRITE")
    doc_type = fields.Selection(
        [("invoice", "Purchase invoice"), ("receipt", "Goods received"), ("return", "Purchase return")],
        string="Document Type", readonly=True)
    remote_id = fields.Char(string="Remote ID", readonly=True, index=True)
    remote_number = fields.Char(string="Number", readonly=True)
    version = fields.Char(readonly=True, help="The remote document's version this event saw.")
    state = fields.Selection(STATES, string="Status", default="received", required=True, readonly=True,
                             index=True)
    reason = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    document_id = fields.Many2one("accounting.inbound.document", readonly=True, index=True)
    picking_ids = fields.One2many("stock.picking", "accounting_inbound_event_id", string="Transfers Made",
                                  readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count", string="Transfers")

    def _compute_display_name(self):
        for rec in self:
            rec.display_name = " ".join(filter(None, [rec.event_type, rec.remote_number or rec.remote_id,
                                                      rec.action != "WRITE" and rec.action]))

    def _compute_picking_count(self):
        for rec in self:
            rec.picking_count = len(rec.sudo().picking_ids)

    @api.depends("event_type")
    def _compute_event_name(self):
        for rec in self:
            rec.event_name = event_label(self.env, rec.event_type) if rec.event_type else False

    # --- creating events -----------------------------------------------------------
    @api.model
    def _values_from_webhook(self, connection, parsed, delivery):
        """Values of the event rows for the parsed entries of one delivery:
        purchase types queued, others ignored with the reason, a uuid+record
        already received ignored as a redelivery. A sales type naming a
        document Odoo posted flags its job (see :meth:`_flag_sales_change`)."""
        rows = []
        for item in parsed:
            vals = {"delivery_id": delivery.id, "connection_id": connection.id, "source": "webhook",
                    "uuid": item.uuid or False, "event_type": item.type, "remote_id": item.remote_id,
                    "remote_number": item.number or False,
                    "action": "DELETE" if item.action == "DELETE" else "WRITE",
                    "doc_type": PURCHASE_TYPES.get(item.type)}
            if item.type not in PURCHASE_TYPES:
                vals.update(state="ignored", processed_at=fields.Datetime.now(), reason=_(
                    "%(type)s events are not used: only purchase invoices, purchase returns and "
                    "goods received change Odoo's stock.", type=item.type))
            elif item.uuid:
                earlier = self.search([("connection_id", "=", connection.id), ("uuid", "=", item.uuid),
                                       ("remote_id", "=", item.remote_id), ("action", "=", vals["action"]),
                                       ("event_type", "=", item.type)], limit=1)
                if earlier:
                    vals.update(state="ignored", processed_at=fields.Datetime.now(), reason=_(
                        "Delivered again (same uuid as event %(id)s): processed once only.", id=earlier.id))
            kind = SALES_TYPES.get(item.type)
            if kind:
                vals["reason"] = self._flag_sales_change(connection, kind, vals) or vals.get("reason")
            rows.append(vals)
        return rows

    @api.model
    def _flag_sales_change(self, connection, kind, vals):
        """Accurate's WRITE/DELETE webhook of a sales document: one Odoo
        posted that a person edits, deletes or enters again is flagged on
        its job at once (no request to Accurate), and the reconciliation
        re-reads that day instead of trusting its cached figures. Returns
        the reason the (ignored) event shows after flagging the job, or None
        for a document Odoo did not post (the usual reason stays)."""
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

    # --- Jurnal: poll purchases --------------------------------------------------------
    @api.model
    def _cron_poll_purchases(self):
        """Every 15 minutes: poll each Jurnal connection's purchases (each in
        its own transaction: one failing is reported on it, the others still
        poll), then process what was queued."""
        for connection in self.env["accounting.connection"].search([
                ("provider", "=", "jurnal"), ("state", "=", "connected"), ("receive_purchases", "=", True)]):
            self._run_inbound_task(connection, "inbound_poll", partial(self._poll_purchases, connection))
        self._process_queue()

    @api.model
    def _run_inbound_task(self, connection, problem, method):
        """Run ``method`` (no argument; False when it failed in words it
        stored itself on the connection's webhook check) for ``connection``
        so that nothing it raises stops the cron for the other connections:
        rolled back and logged; a transient connector error (unreachable,
        rate limit) is only logged, as the next run tries again; anything
        else raises the ``problem`` activity (``inbound_poll`` or
        ``inbound_renew``) on the connection, closed by the next success.
        Commits when the cron may."""
        connection.ensure_one()
        error = None
        try:
            with self.env.cr.savepoint():
                if method() is False:
                    error = connection.webhook_check_message
        except ConnectorError as exc:
            _logger.info("accounting sync: %s of connection %s failed: %s", problem, connection.id, exc.message)
            error = None if exc.retryable else msgs.from_exception(exc)
        except Exception as exc:  # noqa: BLE001 - one connection must not stop the others
            _logger.exception("accounting sync: %s of connection %s failed", problem, connection.id)
            error = msgs.from_exception(exc)
        else:
            if not error:
                connection._close_problem(problem, _("It worked at the next run."))
        if error:
            connection._raise_problem(problem, msgs.message(
                "problem." + problem, conn=connection.display_name, msg=error,
                end=str(connection.webhook_expires_on or "?")))
        if self.env["accounting.sync.job"]._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _poll_window(self, connection, today):
        """(first, last) creation day the next poll of ``connection`` lists:
        the watch window (or from the day before the cursor, when that is
        earlier), never before go-live, and at most POLL_MAX_DAYS days;
        ``last`` before ``today`` means the poll is catching up."""
        connection.ensure_one()
        watch = min(max(connection.purchase_poll_window_days, 1), POLL_MAX_DAYS)
        start = today - timedelta(days=watch)
        if connection.purchase_poll_cursor:
            start = min(start, connection.purchase_poll_cursor.date() - timedelta(days=1))
        if connection.go_live_date:
            start = max(start, connection.go_live_date)
        return start, min(today, start + timedelta(days=POLL_MAX_DAYS))

    @api.model
    def _poll_purchases(self, connection, today=None):
        """Queue an event for every purchase invoice/return Jurnal lists as
        created in the poll window (see ``_poll_window``) whose
        (id, updated_at) was not queued before, and one to re-read every
        document in the window that Jurnal no longer lists (deleted). Returns
        the events queued."""
        connection.ensure_one()
        now = fields.Datetime.now()
        today = today or fields.Date.context_today(connection)
        start, end = self._poll_window(connection, today)
        listed = connection._get_client().list_purchases(start, end)
        Document = self.env["accounting.inbound.document"]
        rows, seen = [], set()
        for doc in listed:
            seen.add((doc.doc_type, doc.remote_id))
            if self.search_count([("connection_id", "=", connection.id), ("doc_type", "=", doc.doc_type),
                                  ("remote_id", "=", doc.remote_id), ("version", "=", doc.version or False)]):
                continue  # seen in an earlier (overlapping) poll
            rows.append({"doc_type": doc.doc_type, "remote_id": doc.remote_id, "version": doc.version or False,
                         "remote_number": doc.reference or False,
                         "event_type": "PURCHASE_RETURN" if doc.doc_type == "return" else "PURCHASE_INVOICE"})
        for document in Document.search([("connection_id", "=", connection.id), ("deleted", "=", False),
                                         ("remote_created_on", ">=", start), ("remote_created_on", "<=", end)]):
            if (document.doc_type, document.remote_id) in seen or document.event_ids.filtered(
                    lambda e: e.state == "received"):
                continue
            rows.append({"doc_type": document.doc_type, "remote_id": document.remote_id,
                         "remote_number": document.remote_number,
                         "event_type": "PURCHASE_RETURN" if document.doc_type == "return" else "PURCHASE_INVOICE"})
        # caught up: now; catching up: the next poll goes on from the end of this window
        connection.purchase_poll_cursor = now if end >= today else datetime.combine(end, day_time.min)
        if not rows:
            return self.browse()
        delivery = self.env["accounting.webhook.event"].create({
            "connection_id": connection.id, "source": "poll", "received_at": now,
            "event_types": ", ".join(sorted({r["event_type"] for r in rows})),
            "body": _("Jurnal poll of purchases created %(start)s to %(end)s: %(count)s listed, %(new)s new "
                      "or changed.", start=start, end=end, count=len(listed), new=len(rows))})
        return self.create([dict(row, connection_id=connection.id, source="poll", delivery_id=delivery.id)
                            for row in rows])

    # --- the queue ----------------------------------------------------------------
    @api.model
    def _process_queue(self, limit=200, commit=None, budget=QUEUE_SECONDS):
        """Process ready events, oldest first, one transaction each, for at
        most ``budget`` seconds. A connection whose accounting system fails
        transiently (unreachable, rate limit) is left for the next run after
        its first such event, so it cannot hold the run for the others.
        Returns the number processed."""
        commit = self.env["accounting.sync.job"]._can_commit() if commit is None else commit
        count, seen, down = 0, set(), set()
        deadline = time.monotonic() + budget
        while count < limit and time.monotonic() < deadline:
            if commit:
                # each event in its own READ COMMITTED transaction: a worker that
                # waited for a document's lock then sees what the other one made
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            event = self._claim_next(seen, down)
            if not event:
                break
            seen.add(event.id)
            if event._process() == "retry":
                down.add(event.connection_id.id)
            count += 1
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if count:
            self._report_failures()
        return count

    def _claim_next(self, seen, down=()):
        # SKIP LOCKED: two cron workers never take the same event; the
        # document row lock (in _process) orders events of one document
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT id FROM accounting_inbound_event
             WHERE state = 'received' AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
               AND NOT (id = ANY(%s)) AND NOT (connection_id = ANY(%s))
             ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED
        """, (fields.Datetime.now(), list(seen) or [0], list(down) or [0]))
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _process(self):
        """Apply one event; its state and reason say what happened. Returns
        "retry" when the accounting system failed transiently (the event
        waits for a later run), else None."""
        self.ensure_one()
        self.attempts += 1
        try:
            with self.env.cr.savepoint():
                state, reason = self._apply()
        except InboundDataError as exc:
            self._finish("failed", exc.args[0])
        except NotVisibleYet as exc:
            self.write({"reason": exc.args[0],
                        "next_attempt_at": fields.Datetime.now() + timedelta(minutes=2 ** self.attempts)})
        except ConnectorError as exc:
            if exc.retryable and self.attempts < MAX_ATTEMPTS:
                self.write({"reason": _("Will try again: %(msg)s", msg=exc.message),
                            "next_attempt_at": fields.Datetime.now() + timedelta(minutes=2 ** self.attempts)})
                return "retry"
            self._finish("failed", exc.message)
        except Exception as exc:  # noqa: BLE001 - logged for the admin, stated for the accountant
            _logger.exception("accounting sync: inbound event %s failed", self.id)
            self._finish("failed", _("Could not process this event: %(error)s", error=exc))
        else:
            self._finish(state, reason)
        return None

    def _finish(self, state, reason):
        self.write({"state": state, "reason": reason or False, "processed_at": fields.Datetime.now(),
                    "next_attempt_at": False})

    def _apply(self):
        """(state, reason) after making stock follow the document as the
        accounting system has it now. Nothing from the event itself is
        trusted: a DELETE is only an invitation to read the document again.
        Raises ConnectorError (retried when transient) and InboundDataError."""
        connection = self.connection_id
        document = self.env["accounting.inbound.document"]._lock_for(connection, self.doc_type, self.remote_id)
        self.document_id = document
        system = connection._get_provider_label()
        try:
            purchase = connection._get_client().fetch_purchase(self.doc_type, self.remote_id)
        except NotFoundError:
            purchase = None
        if purchase is not None and purchase.deleted:
            purchase = None  # Jurnal keeps a deleted document, flagged
        if purchase is None:
            return self._apply_missing(document)
        if purchase.version and document.version and purchase.version < document.version:
            return "ignored", _("An older version (%(old)s) than the one applied (%(new)s).",
                                old=purchase.version, new=document.version)
        if purchase.date and not connection._is_live(purchase.date):
            return "ignored", _("Dated %(date)s, before the connection's go-live date.", date=purchase.date)
        self.write({"version": purchase.version or False, "remote_number": purchase.reference or False})
        came_back = document.deleted
        pickings = document._apply(purchase, self)
        document.version = purchase.version or document.version
        reason = []
        if self.action == "DELETE":
            reason.append(_("Announced as deleted, but %(system)s still has it: its current version is "
                            "applied, nothing is reversed.", system=system))
        elif came_back:
            reason.append(_("%(system)s has it again after it was read as deleted: received again.",
                            system=system))
        if pickings:
            reason.append(_("Transfers made: %(names)s.", names=", ".join(pickings.mapped("name"))))
            return "done", " ".join(reason)
        reason.append(_("Already applied: Odoo's stock matches this version; nothing made."))
        return "ignored", " ".join(reason)

    def _apply_missing(self, document):
        """(state, reason) when the accounting system says it has no such
        document. Only a document Odoo received is reversed, and only now
        that the system confirmed it gone; an id never received is left
        unflagged (it may be created later, or be visible later: a WRITE's
        not-found on a new id is read again a few times first)."""
        system = self.connection_id._get_provider_label()
        if document.deleted:
            return "ignored", _("The document was deleted in %(system)s; what it made is already reversed.",
                                system=system)
        if not document._was_received():
            if self.action != "DELETE" and self.attempts < NOT_FOUND_ATTEMPTS:
                # Accurate may answer "not found" for a moment after a creation
                raise NotVisibleYet(_("%(system)s does not show this document yet; it is read again "
                                      "later.", system=system))
            return "done", _("%(system)s has no such document and Odoo never received it: nothing to do. "
                             "If it is created later, it is received then.", system=system)
        pickings = document._apply(None, self)
        if pickings:
            return "done", _("Deleted in %(system)s (checked there): reversed by %(names)s.",
                             system=system, names=", ".join(pickings.mapped("name")))
        return "done", _("Deleted in %(system)s (checked there): nothing had been received, nothing to "
                         "reverse.", system=system)

    # --- accountant actions -----------------------------------------------------
    def action_retry(self):
        """Put failed (or ignored) events back in the queue and run it now.
        The events are those the user can read (company rules apply); they
        then run as the cron runs them, since what they make (receipts)
        follows only what the accounting system says, not the user."""
        check_action(self, MANAGER)
        events = self.filtered(lambda e: e.state in ("failed", "ignored") and e.doc_type).sudo()
        events.write({"state": "received", "attempts": 0, "next_attempt_at": False, "reason": False})
        for event in events:
            event._process()
        events._report_failures()
        return True

    def action_view_pickings(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _report_failures(self):
        """One activity per connection for all its failed events (refreshed,
        never one per event); closed when none is left."""
        Connection = self.env["accounting.connection"].sudo()
        for connection in Connection.search([]):
            try:
                with self.env.cr.savepoint():
                    self._report_failures_of(connection)
            except Exception:  # noqa: BLE001 - one connection's to-do must not stop the others'
                _logger.exception("accounting sync: could not report the purchase events of connection %s",
                                  connection.id)

    @api.model
    def _report_failures_of(self, connection):
        failed = self.sudo().search_count([("connection_id", "=", connection.id), ("state", "=", "failed")])
        if failed:
            connection._raise_problem("inbound_failed", _(
                "%(count)s purchase event(s) from %(system)s could not become receipts. Open "
                "Accounting Sync > Webhook Log, filter Failed, fix the cause and press Retry.",
                count=failed, system=connection._get_provider_label()))
        else:
            connection._close_problem("inbound_failed", _("All purchase events are processed."))

    # --- retention -------------------------------------------------------------------
    @api.autovacuum
    def _gc_accounting_history(self):
        """Thin the sync history older than the ``log_retention_days``
        system parameter (90 by default; 0 keeps everything), once a day.

        Removed: webhook deliveries and polls that ended done or ignored,
        with their events (done or ignored, as the delivery's state says);
        the attempts of sent documents, but the last one (when and by whom
        it went out); purchase documents from which nothing was ever made
        (ids announced but never received, documents before go-live) and
        that no event still names. Kept: every refused or failed delivery,
        every failed or waiting event, the attempts of documents not sent,
        and every purchase document with transfers (the record of what was
        received). An accountant thus loses, after that age, the raw body
        of deliveries that went well, the reason line per event of a
        receipt (its transfers keep the document and reference), and the
        failed tries before a document went out. At most RETENTION_BATCH
        rows of each model per run; the rest goes the next day."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM, RETENTION_DAYS) or 0)
        if days <= 0:
            return
        cutoff = fields.Datetime.now() - timedelta(days=days)
        Delivery = self.env["accounting.webhook.event"].sudo().with_context(active_test=False)
        deliveries = Delivery.search([("state", "in", ("done", "ignored")), ("received_at", "<", cutoff),
                                      ("processed_at", "<", cutoff)], limit=RETENTION_BATCH)
        events = self.sudo().search([("delivery_id", "in", deliveries.ids)])
        events.unlink()
        deliveries.unlink()
        Attempt = self.env["accounting.sync.attempt"].sudo()
        attempts = Attempt.search([("job_id.state", "=", "done"), ("date", "<", cutoff)],
                                  limit=RETENTION_BATCH, order="id")
        last = set(Attempt._read_group([("job_id", "in", attempts.job_id.ids)], ["job_id"], ["id:max"]))
        attempts.filtered(lambda a: (a.job_id, a.id) not in last).unlink()
        Document = self.env["accounting.inbound.document"].sudo()
        Document.search([("picking_ids", "=", False), ("event_ids", "=", False), ("write_date", "<", cutoff)],
                        limit=RETENTION_BATCH).unlink()
        _logger.info("accounting sync: history older than %s days thinned (%s deliveries, %s events)",
                     days, len(deliveries), len(events))
