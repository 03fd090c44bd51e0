import logging

from odoo import http
from odoo.http import request
from odoo.tools import consteq

_logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024


class AccountingWebhookController(http.Controller):
    @http.route("/pos_accounting_sync/webhook/<int:connection_id>/<string:token>",
                type="http", auth="public", methods=["POST"], csrf=False, save_session=False)
    def receive(self, connection_id, token, **_kw):
        """Store the raw event and answer at once; the cron processes it.
        The secret token in the URL is the only credential the sender has."""
        # sudo: the caller is the accounting system, not an Odoo user
        connection = request.env["accounting.connection"].sudo().browse(connection_id).exists()
        if not connection or not connection.webhook_token or not consteq(connection.webhook_token, token):
            return request.make_json_response({"ok": False, "error": "unknown webhook"}, status=404)
        body = request.httprequest.get_data(as_text=True)
        if len(body) > MAX_BODY:
            return request.make_json_response({"ok": False, "error": "body too large"}, status=413)
        event = request.env["accounting.webhook.event"].sudo().create({
            "connection_id": connection.id, "body": body,
        })
        cron = request.env.ref("pos_accounting_sync.ir_cron_accounting_webhook", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
        _logger.info("accounting sync: webhook %s stored for connection %s", event.id, connection.id)
        return request.make_json_response({"ok": True, "id": event.id})

