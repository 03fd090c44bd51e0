"""The door for Accurate's webhooks.

Order of the checks: the secret token in the URL first (a wrong one is only
counted, with the source address: its body is never read), then the size
from Content-Length (or by reading at most the limit from the stream), the
content type, the JSON, the envelope (databaseId, known event types). A
genuine sender's refused delivery is logged with the reason; an accepted one
is stored with its events and answered at once, the webhook cron processing
them. Nothing here creates stock.
"""

import json
import logging

from werkzeug.wsgi import get_input_stream

from odoo import _, http
from odoo.http import request
from odoo.tools import consteq

from ..models.accounting_inbound_event import ACCURATE_EVENT_TYPES

_logger = logging.getLogger(__name__)

#: default body limit in bytes (system parameter pos_accounting_sync.webhook_max_bytes)
MAX_BODY = 1024 * 1024
ROUTE = "/pos_accounting_sync/webhook"


def _answer(status, **payload):
    payload.setdefault("ok", status == 200)
    return request.make_json_response(payload, status=status)


class AccountingWebhookController(http.Controller):
    @http.route([ROUTE + "/<string:dbname>/<int:connection_id>/<string:token>",
                 ROUTE + "/<int:connection_id>/<string:token>"],
                type="http", auth="public", methods=["POST", "GET"], csrf=False, save_session=False)
    def receive(self, connection_id, token, dbname=None, **_kw):
        """Store the delivery and answer at once; a GET only answers (the
        connection's own reachability check)."""
        env = request.env(su=True)  # the caller is the accounting system, not an Odoo user
        addr = request.httprequest.remote_addr
        connection = env["accounting.connection"].browse(connection_id).exists()
        if dbname and dbname != request.db:
            return _answer(404, error="unknown webhook")
        if not connection or not connection.webhook_token or not consteq(connection.webhook_token, token):
            env["accounting.webhook.refusal"]._count(addr, "wrong token", connection or None)
            return _answer(404, error="unknown webhook")
        if connection.provider != "accurate":
            env["accounting.webhook.refusal"]._count(addr, "provider sends no webhooks", connection)
            return _answer(404, error="unknown webhook")
        if request.httprequest.method == "GET":
            return _answer(200, connection=connection.id)
        return self._receive(env, connection, addr)

    def _receive(self, env, connection, addr):
        Delivery = env["accounting.webhook.event"]
        httpreq = request.httprequest
        limit = int(env["ir.config_parameter"].get_param("pos_accounting_sync.webhook_max_bytes") or MAX_BODY)
        meta = {"remote_addr": addr, "content_type": httpreq.headers.get("Content-Type") or False}
        declared = httpreq.content_length
        if declared is not None and declared > limit:
            reason = _("The body (%(size)s bytes) is over the limit of %(limit)s bytes; it was not read.",
                       size=declared, limit=limit)
            Delivery._store_refusal(connection, reason, body_size=declared, **meta)
            return _answer(413, error="body over %s bytes" % limit)
        # never more than the limit, whatever the sender says (Content-Length or chunked);
        # the full WSGI environ, as Odoo's own bus does, to reach the input stream
        raw = get_input_stream(httpreq._HTTPRequest__environ).read(limit + 1)
        if len(raw) > limit:
            reason = _("The body is over the limit of %(limit)s bytes; it was not read further.", limit=limit)
            Delivery._store_refusal(connection, reason, body_size=len(raw), **meta)
            return _answer(413, error="body over %s bytes" % limit)
        meta["body_size"] = len(raw)
        body = raw.decode("utf-8", "replace")
        if httpreq.mimetype != "application/json":
            reason = _("The content type is “%(type)s”; Accurate sends application/json.",
                       type=httpreq.mimetype or "-")
            Delivery._store_refusal(connection, reason, body=body, **meta)
            return _answer(415, error="content type must be application/json")
        try:
            json.loads(body)
            parsed = connection._get_client().parse_webhook(body)
        except ValueError as exc:
            Delivery._store_refusal(connection, _("Not an Accurate webhook: %(error)s", error=exc), body=body, **meta)
            return _answer(400, error=str(exc))
        unknown = sorted({p.type for p in parsed} - ACCURATE_EVENT_TYPES)
        if unknown:
            reason = _("Unknown event type %(types)s (not one of Accurate's).", types=", ".join(unknown))
            Delivery._store_refusal(connection, reason, body=body, **meta)
            return _answer(400, error="unknown event type %s" % ", ".join(unknown))
        ours = (connection.database_id or "").strip()
        others = sorted({p.database_id for p in parsed if p.database_id and ours and p.database_id != ours})
        if others:
            reason = _("For Accurate database %(theirs)s; this connection is database %(ours)s.",
                       theirs=", ".join(others), ours=ours)
            Delivery._store_refusal(connection, reason, body=body, **meta)
            return _answer(403, error="this URL serves Accurate database %s" % ours)
        delivery = Delivery._store_delivery(connection, body, parsed, **meta)
        cron = env.ref("pos_accounting_sync.ir_cron_accounting_webhook", raise_if_not_found=False)
        if cron and delivery.inbound_event_ids.filtered(lambda e: e.state == "received"):
            cron._trigger()
        _logger.info("accounting sync: webhook delivery %s stored for connection %s", delivery.id, connection.id)
        return _answer(200, id=delivery.id)
