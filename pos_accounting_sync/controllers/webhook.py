"""The door for Accurate's webhooks.

Order of the checks: the secret token in the URL first (a wrong one, or an
archived connection, is only counted with the source address: its body is
never read), then what the headers say (content type, then the declared
size), then at most the limit read once from the stream, the JSON, the
envelope (databaseId, known event types), the caps. What the body says is
checked by the webhook log itself (``accounting.webhook.event._receive``).
A genuine sender's refused delivery is logged with the reason; an accepted
one is stored with its events and answered at once, the webhook cron
processing them. Nothing here creates stock.

The token is in the path (Accurate can only be given a URL to call and
documents no signature header, accurate-notes 4), so Odoo's request log
line is masked by :class:`WebhookTokenMask`, installed when this module is
imported.
"""

import logging
import re

from odoo import _, http
from odoo.http import request
from odoo.tools import consteq

from ..models.accounting_webhook_event import short as _short
from ..models.ir_http import WEBHOOK_ROUTE as ROUTE

#: default body limit in bytes (system parameter pos_accounting_sync.webhook_max_bytes)
MAX_BODY = 1024 * 1024
#: the body types werkzeug would parse as a form (they are never parsed here)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: the token segment(s) of our route in a logged path: everything after the connection id
TOKEN_IN_PATH = re.compile(r"(%s/(?:[^/\s?#\"]+/)?\d+/)[^\s?#\"]+" % re.escape(ROUTE))


def mask_token(text):
    """``text`` with the token part of every webhook path replaced by ``***``."""
    return TOKEN_IN_PATH.sub(r"\1***", text) if ROUTE in text else text


class WebhookTokenMask(logging.Filter):
    """On the ``werkzeug`` logger, which writes Odoo's request lines
    (``"POST /path HTTP/1.1" 200 -``, odoo/service/server.py's handler), and
    on ``odoo.http``, which names a request's path in some warnings: the
    webhook token never reaches a log handler. Any other line passes
    unchanged; the filter never drops a line and never raises."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed line is the handler's to report, unchanged
            return True
        if ROUTE in message:
            record.msg, record.args = mask_token(message), ()
        return True


def install_token_mask(logger_name):
    """Add the mask to the logger once (a module reload adds no second
    one: filters are recognised by class name). Returns the filter."""
    logger = logging.getLogger(logger_name)
    for existing in logger.filters:
        if type(existing).__name__ == WebhookTokenMask.__name__:
            return existing
    mask = WebhookTokenMask()
    logger.addFilter(mask)
    return mask


for _name in ("werkzeug", "odoo.http"):
    install_token_mask(_name)


def _answer(status, headers=None, **payload):
    payload.setdefault("ok", status == 200)
    return request.make_json_response(payload, status=status, headers=headers)


def _werkzeug_request():
    # Odoo's HTTPRequest hides the werkzeug request, whose stream is the
    # body guarded by Content-Length (or the de-chunked input)
    return request.httprequest._HTTPRequest__wrapped


class AccountingWebhookController(http.Controller):
    @http.route([ROUTE + "/<string:dbname>/<int:connection_id>/<string:token>",
                 ROUTE + "/<int:connection_id>/<string:token>"],
                type="http", auth="public", methods=["POST", "GET"], csrf=False, save_session=False)
    def receive(self, connection_id, token, dbname=None, **_kw):
        """Store the delivery and answer at once; a GET only answers (the
        connection's own reachability check)."""
        env = request.env(su=True)  # the caller is the accounting system, not an Odoo user
        addr = (request.httprequest.remote_addr or "")[:64] or False  # behind a proxy: a header's text
        connection = env["accounting.connection"].browse(connection_id).exists()
        if dbname and dbname != request.db:
            return _answer(404, error="unknown webhook")
        if not connection or not connection.webhook_token or not consteq(connection.webhook_token, token):
            return self._refuse_call(env, addr, "wrong_token", connection)
        if not connection.active:
            return self._refuse_call(env, addr, "archived", connection)
        if connection.provider != "accurate":
            return self._refuse_call(env, addr, "no_webhooks", connection)
        if request.httprequest.method == "GET":
            return _answer(200, connection=connection.id)
        return self._receive(env, connection, addr)

    def _refuse_call(self, env, addr, reason, connection):
        """Count a call refused before its sender is known; the same answer
        as an unknown URL, whatever the reason."""
        if env["accounting.sync.job"]._can_commit():
            # the counter's upsert in a READ COMMITTED transaction of its own:
            # under REPEATABLE READ two refusals of the same row at once would
            # still be a serialization failure (nothing else was written yet)
            env.cr.commit()  # pylint: disable=invalid-commit
            env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        env["accounting.webhook.refusal"]._count(addr, reason, connection or None)
        return _answer(404, error="unknown webhook")

    def _receive(self, env, connection, addr):
        Delivery = env["accounting.webhook.event"]
        httpreq = _werkzeug_request()
        limit = int(env["ir.config_parameter"].get_param("pos_accounting_sync.webhook_max_bytes") or MAX_BODY)
        declared = httpreq.content_length
        meta = {"remote_addr": addr, "content_type": _short(httpreq.headers.get("Content-Type"), 100) or False,
                "body_size": declared or 0}

        def refuse(status, reason, error, body=None, headers=None):
            Delivery._store_refusal(connection, reason, body=body, **meta)
            return _answer(status, headers=headers, error=_short(error))

        # decided from the headers alone: nothing of the body is read yet
        mimetype = httpreq.mimetype or ""
        if mimetype != "application/json":
            reason = _("The content type is “%(type)s”; Accurate sends application/json.",
                       type=_short(mimetype, 100) or "-")
            return refuse(415, reason, "content type must be application/json")
        if declared is not None and declared > limit:
            reason = _("The body (%(size)s bytes) is over the limit of %(limit)s bytes; it was not read.",
                       size=declared, limit=limit)
            return refuse(413, reason, "body over %s bytes" % limit)
        # never more than the limit, whatever the sender says (Content-Length or chunked)
        raw = httpreq.stream.read(limit + 1)
        meta["body_size"] = len(raw)
        if len(raw) > limit:
            reason = _("The body is over the limit of %(limit)s bytes; it was not read further.", limit=limit)
            return refuse(413, reason, "body over %s bytes" % limit)
        status, answer, headers = Delivery._receive(connection, raw, **meta)
        if status != 200:
            answer["error"] = _short(answer["error"])
        return _answer(status, headers=headers, **answer)
