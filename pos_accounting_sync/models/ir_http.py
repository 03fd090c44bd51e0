from werkzeug.datastructures import ImmutableMultiDict

from odoo import models
from odoo.http import request

#: the webhook door's route (controllers/webhook.py)
WEBHOOK_ROUTE = "/pos_accounting_sync/webhook"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        if request.httprequest.path.startswith(WEBHOOK_ROUTE + "/"):
            keep_body_unparsed()
        return result


def keep_body_unparsed():
    """Before Odoo's dispatcher asks for the request's form
    (``HttpDispatcher.dispatch``): an empty form, so that werkzeug never
    reads the body for it. The webhook door reads its own body, once and at
    most its limit, after it has looked at the headers; without this a form
    post's body is read (and kept) before the door decides anything, and
    the stream it would then read is drained."""
    # the werkzeug request behind Odoo's HTTPRequest holds the form cache
    wrapped = request.httprequest._HTTPRequest__wrapped
    wrapped.__dict__.setdefault("form", ImmutableMultiDict())
    wrapped.__dict__.setdefault("files", ImmutableMultiDict())
