import logging

from odoo import _, api, fields, models

from accounting_connectors.errors import ConnectorError

_logger = logging.getLogger(__name__)


class AccountingWebhookEvent(models.Model):
    """What the accounting system sent us, stored raw before anything else
    so that nothing is lost if processing fails; processed by a cron."""

    _name = "accounting.webhook.event"
    _description = "Accounting Webhook Log"
    _order = "id desc"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    received_at = fields.Datetime(default=fields.Datetime.now, readonly=True, required=True)
    body = fields.Text(readonly=True, help="The raw body as received.")
    event_types = fields.Char(readonly=True, help="Event types found in the body.")
    state = fields.Selection(
        [("new", "New"), ("done", "Processed"), ("failed", "Failed"), ("ignored", "Ignored")],
        default="new", required=True, readonly=True, index=True)
    error_message = fields.Text(readonly=True)
    processed_at = fields.Datetime(readonly=True)
    attempts = fields.Integer(readonly=True)

    @api.depends("connection_id", "received_at")
    def _compute_display_name(self):
        for rec in self:
            rec.display_name = "%s %s" % (rec.connection_id.name or "", rec.received_at or "")

    def _process(self):
        """Parse each event with the connector and hand it to
        ``_process_event``; mark the log line done or failed in plain words."""
        for event in self:
            event.attempts += 1
            try:
                with self.env.cr.savepoint():
                    parsed = event.connection_id._get_client().parse_webhook(event.body or "")
                    event.event_types = ", ".join(sorted({p.type for p in parsed})) or False
                    handled = [event._process_event(p) for p in parsed]
            except ConnectorError as exc:
                event._mark_failed(exc.message)
                continue
            except NotImplementedError as exc:
                event.write({"state": "ignored", "error_message": str(exc),
                             "processed_at": fields.Datetime.now()})
                continue
            except Exception as exc:  # noqa: BLE001 - logged for the admin, stated for the accountant
                _logger.exception("accounting sync: webhook %s failed", event.id)
                event._mark_failed(_("Could not process this event: %s", exc))
                continue
            state = "done" if any(handled) else "ignored"
            event.write({"state": state, "error_message": False, "processed_at": fields.Datetime.now()})

    def _process_event(self, webhook_event):
        """Act on one parsed :class:`accounting_connectors.client.WebhookEvent`.
        Returns True when something was done. Feature modules (inbound
        purchases) extend this; the engine only records the event."""
        return False

    def _mark_failed(self, message):
        # failed events stay until someone presses Process again: no silent loop
        self.write({"state": "failed", "error_message": message, "processed_at": fields.Datetime.now()})

    def action_reprocess(self):
        self.write({"state": "new", "attempts": 0})
        self._process()

    @api.model
    def _cron_process(self, limit=200):
        events = self.search([("state", "=", "new")], limit=limit, order="id")
        for event in events:
            event._process()
            if self.env["accounting.sync.job"]._can_commit():
                self.env.cr.commit()  # one event per transaction: a failure loses nothing else
        return len(events)
