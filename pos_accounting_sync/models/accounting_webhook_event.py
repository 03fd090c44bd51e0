import logging
from datetime import timedelta

from odoo import _, api, fields, models
from .accounting_access import MANAGER, USER, check_action

from .accounting_inbound_event import PURCHASE_TYPES

_logger = logging.getLogger(__name__)

#: defaults of the caps on webhook work (system parameters pos_accounting_sync.webhook_max_documents
#: and pos_accounting_sync.webhook_max_events_per_hour)
MAX_DOCUMENTS = 200
MAX_EVENTS_PER_HOUR = 2000
#: characters of a body kept in the log: an accepted one / a refused one
KEEP_BODY = 100000
KEEP_REFUSED_BODY = 4000


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
    event_types = fields.Char(readonly=True, help="Event types found in the body.")
    refused_reason = fields.Text(readonly=True, help="Why the delivery was refused at the door.")
    skipped_note = fields.Text(
        string="Not Stored", readonly=True,
        help="Events of types Odoo does not use that were over the cap on documents per delivery.")
    inbound_event_ids = fields.One2many("accounting.inbound.event", "delivery_id", string="Events",
                                        readonly=True)
    state = fields.Selection(
        [("received", "Received"), ("done", "Done"), ("failed", "Failed"), ("ignored", "Ignored"),
         ("refused", "Refused")],
        compute="_compute_state", store=True, readonly=True, index=True)
    error_message = fields.Text(string="Reason", compute="_compute_state", store=True, readonly=True)
    processed_at = fields.Datetime(compute="_compute_state", store=True, readonly=True)
    picking_count = fields.Integer(compute="_compute_picking_count")

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
