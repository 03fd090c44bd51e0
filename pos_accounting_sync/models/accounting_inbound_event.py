"""Inbound purchase events: one per document named in a webhook delivery
or found by a poll, processed from a queue by the webhook cron.

Each event re-reads the document's current content (``fetch_purchase``)
under a lock on its document row and makes stock converge to it (see
:mod:`.accounting_inbound_document`); so a redelivered or re-polled event
makes nothing, and events of one document that arrive out of order end in
the state of the newest version. A fetched version older than the one
already applied is never applied.
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models

from accounting_connectors.errors import ConnectorError, NotFoundError

from .accounting_inbound_document import InboundDataError
from .accounting_access import MANAGER, USER, check_action

_logger = logging.getLogger(__name__)

#: Accurate webhook type -> remote document type handled here
PURCHASE_TYPES = {"PURCHASE_INVOICE": "invoice", "PURCHASE_RETURN": "return", "RECEIVE_ITEM": "receipt"}
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
STATES = [("received", "Received"), ("done", "Done"), ("failed", "Failed"), ("ignored", "Ignored")]


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
    action = fields.Selection([("WRITE", "Saved"), ("DELETE", "Deleted")], readonly=True, default="WRITE")
    doc_type = fields.Selection(
        [("invoice", "Purchase invoice"), ("receipt", "Goods received"), ("return", "Purchase return")],
        readonly=True)
    remote_id = fields.Char(string="Remote ID", readonly=True, index=True)
    remote_number = fields.Char(string="Number", readonly=True)
    version = fields.Char(readonly=True, help="The remote document's version this event saw.")
    state = fields.Selection(STATES, default="received", required=True, readonly=True, index=True)
    reason = fields.Text(readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    document_id = fields.Many2one("accounting.inbound.document", readonly=True, index=True)
    picking_ids = fields.One2many("stock.picking", "accounting_inbound_event_id", string="Transfers Made",
                                  readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count")

    def _compute_display_name(self):
        for rec in self:
            rec.display_name = " ".join(filter(None, [rec.event_type, rec.remote_number or rec.remote_id,
                                                      rec.action != "WRITE" and rec.action]))

    def _compute_picking_count(self):
        for rec in self:
            rec.picking_count = len(rec.sudo().picking_ids)

    # --- creating events -----------------------------------------------------------
    @api.model
    def _values_from_webhook(self, connection, parsed, delivery):
        """Values of the event rows for the parsed entries of one delivery:
        purchase types queued, others ignored with the reason, a uuid+record
        already received ignored as a redelivery."""
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
            rows.append(vals)
        return rows

    # --- the queue ----------------------------------------------------------------
    @api.model
    def _process_queue(self, limit=200, commit=None):
        """Process ready events, oldest first, one transaction each. Returns
        the number processed."""
        commit = self.env["accounting.sync.job"]._can_commit() if commit is None else commit
        count, seen = 0, set()
        while count < limit:
            if commit:
                # each event in its own READ COMMITTED transaction: a worker that
                # waited for a document's lock then sees what the other one made
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            event = self._claim_next(seen)
            if not event:
                break
            seen.add(event.id)
            event._process()
            count += 1
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if count:
            self._report_failures()
        return count

    def _claim_next(self, seen):
        # SKIP LOCKED: two cron workers never take the same event; the
        # document row lock (in _process) orders events of one document
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT id FROM accounting_inbound_event
             WHERE state = 'received' AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
               AND NOT (id = ANY(%s))
             ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED
        """, (fields.Datetime.now(), list(seen) or [0]))
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()

    def _process(self):
        """Apply one event; its state and reason say what happened."""
        self.ensure_one()
        self.attempts += 1
        try:
            with self.env.cr.savepoint():
                state, reason = self._apply()
        except InboundDataError as exc:
            self._finish("failed", exc.args[0])
        except ConnectorError as exc:
            if exc.retryable and self.attempts < MAX_ATTEMPTS:
                self.write({"reason": _("Will try again: %(msg)s", msg=exc.message),
                            "next_attempt_at": fields.Datetime.now() + timedelta(minutes=2 ** self.attempts)})
            else:
                self._finish("failed", exc.message)
        except Exception as exc:  # noqa: BLE001 - logged for the admin, stated for the accountant
            _logger.exception("accounting sync: inbound event %s failed", self.id)
            self._finish("failed", _("Could not process this event: %(error)s", error=exc))
        else:
            self._finish(state, reason)

    def _finish(self, state, reason):
        self.write({"state": state, "reason": reason or False, "processed_at": fields.Datetime.now(),
                    "next_attempt_at": False})

    def _apply(self):
        """(state, reason) after making stock follow the document."""
        connection = self.connection_id
        document = self.env["accounting.inbound.document"]._lock_for(connection, self.doc_type, self.remote_id)
        self.document_id = document
        if document.deleted:
            return "ignored", _("The document was deleted in %(system)s; what it made is already reversed.",
                                system=connection._get_provider_label())
        purchase = None
        if self.action != "DELETE":
            try:
                purchase = connection._get_client().fetch_purchase(self.doc_type, self.remote_id)
            except NotFoundError:
                purchase = None  # deleted since: a DELETE event may still be on its way
        if purchase is not None and purchase.version and document.version and purchase.version < document.version:
            return "ignored", _("An older version (%(old)s) than the one applied (%(new)s).",
                                old=purchase.version, new=document.version)
        if purchase is not None and purchase.date and not connection._is_live(purchase.date):
            return "ignored", _("Dated %(date)s, before the connection's go-live date.", date=purchase.date)
        if purchase is not None:
            self.write({"version": purchase.version or False, "remote_number": purchase.reference or False})
        pickings = document._apply(purchase, self)
        document.version = (purchase.version if purchase else document.version) or document.version
        if pickings:
            return "done", _("Transfers made: %(names)s.", names=", ".join(pickings.mapped("name")))
        if purchase is None:
            return "done", _("Deleted in %(system)s: nothing had been received, nothing to reverse.",
                             system=connection._get_provider_label())
        return "ignored", _("Already applied: Odoo's stock matches this version; nothing made.")

    # --- accountant actions -----------------------------------------------------
    def action_retry(self):
        """Put failed (or ignored) events back in the queue and run it now."""
        check_action(self, MANAGER)
        events = self.filtered(lambda e: e.state in ("failed", "ignored") and e.doc_type)
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
            failed = self.sudo().search_count([("connection_id", "=", connection.id), ("state", "=", "failed")])
            if failed:
                connection._raise_problem("inbound_failed", _(
                    "%(count)s purchase event(s) from %(system)s could not become receipts. Open "
                    "Accounting Sync > Webhook Log, filter Failed, fix the cause and press Retry.",
                    count=failed, system=connection._get_provider_label()))
            else:
                connection._close_problem("inbound_failed", _("All purchase events are processed."))
