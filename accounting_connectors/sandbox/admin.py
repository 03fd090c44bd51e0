"""The sandbox's admin endpoints under ``/_sandbox``, with their input
checked: anything malformed is answered 400 (404 for an unknown provider,
kind or endpoint, 405 for a wrong method) with ``{"error": "<sentence>"}``,
never a 500 or a dropped connection.

- ``POST /_sandbox/reset`` (also restores the published limits and no latency)
- ``POST /_sandbox/faults`` a fault spec (see :mod:`.faults`)
- ``POST /_sandbox/config`` any of ``webhook_url`` (text or null),
  ``rate_limits`` (true/false), ``clock_offset`` (seconds, a number),
  ``accept_duplicates`` (true/false), ``limits`` (the providers' rate limits
  while ``rate_limits`` is on, see :mod:`.limits`; ``{"jurnal": null}`` restores
  the published ones), ``latency`` (``{"accurate": 2.0}``: seconds every request
  of that provider takes)
- ``POST /_sandbox/consumers/jurnal``: a new Jurnal consumer (another
  application's ``client_id``/``client_secret``/``api_key`` on the same
  company), counted by the limits on its own
- ``GET /_sandbox/state/<provider>[/<kind>]``
- ``POST /_sandbox/purchases/<provider>`` a purchase entered by a person
  (422 with the provider's refusal when it does not validate);
  ``POST /_sandbox/purchases/<provider>/<id>`` edits it, ``DELETE`` deletes it;
  ``POST /_sandbox/purchases/accurate/<id>/announce`` ``{"action", "type", "number"}``
  only sends the webhook for that id (which may not exist, or still exist)
- ``POST /_sandbox/sales/<provider>/<edit|delete|copy>`` ``{"kind": "sales_invoice" |
  "sales_return" | "sales_receipt" | "journal_entry", "reference": <our reference>, "changes": {...}}``:
  a person edits, deletes or enters again by hand a synced sales document
  (see :mod:`.sales_hooks`)
- ``POST``/``DELETE /_sandbox/masters/<provider>/<account|warehouse>/<code>``
  renames (``{"name": ...}``) or deletes an account or warehouse (:mod:`.masters_admin`)
- ``POST /_sandbox/period_lock/<provider>`` ``{"until": "YYYY-MM-DD" | null}``: an
  accountant locks the books up to that day (Jurnal's Kunci Periode / Tutup
  Buku, Accurate's Tutup Buku) or reopens them (null); see :mod:`.period_locks`
- ``POST /_sandbox/approval/accurate`` ``{"save_unapproved": true|false}`` (an
  approval rule holds every new sales invoice unapproved) and/or
  ``{"approve": "<invoice number>"}`` (a person approves that invoice)
- ``GET /_sandbox/stats``
"""

import json
import math
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from . import masters_admin
from .base import BadInput, Response
from .limits import checked_limits
from .period_locks import as_date
from .sales_hooks import SalesHookError


def _number(value):
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and math.isfinite(value)


CONFIG = {  # key -> (check, what it must be)
    "webhook_url": (lambda v: v is None or (isinstance(v, str) and v.startswith(("http://", "https://"))),
                    "an http(s) address or null"),
    "rate_limits": (lambda v: isinstance(v, bool), "true or false"),
    "accept_duplicates": (lambda v: isinstance(v, bool), "true or false"),
    "clock_offset": (lambda v: _number(v) and abs(v) < 10 ** 9, "a number of seconds"),
    "limits": (lambda v: isinstance(v, dict), "an object by provider"),
    "latency": (lambda v: isinstance(v, dict) and all(
        k in ("accurate", "jurnal") and _number(s) and 0 <= s <= 60 for k, s in v.items()),
        "an object {provider: seconds from 0 to 60}"),
}


def body_of(request, required=True):
    """The request's JSON object; BadInput for anything else."""
    if not request.body:
        if required:
            raise BadInput("the body must be a JSON object")
        return {}
    try:
        body = json.loads(request.body.decode("utf-8"), parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput("the body is not valid JSON: %s" % exc) from None
    if not isinstance(body, dict):
        raise BadInput("the body must be a JSON object, not %s" % type(body).__name__)
    return body


def app_of(server, name):
    app = next((a for a in server.apps if a.name == name), None)
    if app is None:
        raise BadInput("unknown provider %r; one of %s" % (name, ", ".join(a.name for a in server.apps)),
                       status=404)
    return app


def handle(server, request):
    path, method = request.path[len("/_sandbox"):], request.method
    routes = {"/reset": "POST", "/faults": "POST", "/config": "POST", "/stats": "GET"}
    if path in routes and method != routes[path]:
        raise BadInput("%s only takes %s" % (request.path, routes[path]), status=405)
    if path == "/reset":
        server.reset()
        return Response(200, {"ok": True})
    if path == "/faults":
        spec = body_of(request)
        spec = {k: float(v) if isinstance(v, Decimal) else v for k, v in spec.items()}
        if "kind" not in spec:
            raise BadInput("a fault needs its kind")
        try:
            server.add_fault(**spec)
        except TypeError:
            raise BadInput("unknown fault field(s): %s" % ", ".join(
                sorted(set(spec) - {"kind", "count", "provider", "method", "path_contains", "seconds",
                                    "status", "body"}))) from None
        except ValueError as exc:
            raise BadInput(str(exc)) from None
        return Response(200, {"ok": True, "pending": server.faults.pending()})
    if path == "/config":
        return _config(server, body_of(request))
    if path == "/consumers/jurnal" and method == "POST":
        with server.lock:
            return Response(200, server.app("jurnal").new_consumer())
    if path.startswith("/state/") and method == "GET":
        provider, _sep, kind = path[len("/state/"):].partition("/")
        app = app_of(server, provider)
        with server.lock:
            state = app.dump(None)
            if kind and kind not in state:
                raise BadInput("unknown kind %r; one of %s" % (kind, ", ".join(sorted(state))), status=404)
            return Response(200, state[kind] if kind else state)
    if path.startswith("/purchases/") and method in ("POST", "DELETE"):
        # /purchases/<provider> creates; /purchases/<provider>/<id> edits (POST) or deletes
        provider, _sep, remote_id = path[len("/purchases/"):].partition("/")
        app = app_of(server, provider)
        payload = body_of(request, required=method == "POST")
        with server.lock:
            try:
                remote_id, _sep, verb = remote_id.partition("/")
                if verb == "announce" and method == "POST" and hasattr(app, "announce_purchase"):
                    result = app.announce_purchase(remote_id, payload)
                elif verb:
                    raise BadInput("unknown purchase hook %r" % verb, status=404)
                elif not remote_id:
                    result = app.create_purchase(payload)
                elif method == "DELETE":
                    result = app.delete_purchase(remote_id)
                else:
                    result = app.edit_purchase(remote_id, payload)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError, InvalidOperation) as exc:
                raise BadInput("the purchase is malformed (%s: %s)" % (type(exc).__name__, exc)) from None
        if result.get("s") is False or "error" in result:  # refused in the provider's words
            return Response(422, result)
        return Response(200, result)
    if path.startswith("/sales/") and method == "POST":
        return _sales(server, path[len("/sales/"):], body_of(request))
    if path.startswith("/masters/"):
        provider, _sep, rest = path[len("/masters/"):].partition("/")
        kind, _sep, code = rest.partition("/")
        app = app_of(server, provider)
        body = body_of(request, required=False) if method == "POST" else {}
        return Response(200, masters_admin.handle(server, app, method, kind, unquote(code), body))
    if path.startswith("/period_lock/") and method == "POST":
        return _period_lock(server, app_of(server, path[len("/period_lock/"):]), body_of(request))
    if path == "/approval/accurate" and method == "POST":
        return _approval(server, app_of(server, "accurate"), body_of(request))
    if path == "/stats":
        return Response(200, {"requests": dict(server.request_count), "webhooks": server.webhook_log,
                              "limits": server.limits.stats()})
    raise BadInput("unknown admin endpoint %s %s" % (method, request.path), status=404)


def _config(server, body):
    unknown = sorted(set(body) - set(CONFIG))
    if unknown:
        raise BadInput("unknown setting(s) %s; one of %s" % (", ".join(unknown), ", ".join(CONFIG)))
    for key, value in body.items():
        check, what = CONFIG[key]
        if not check(value):
            raise BadInput("%s must be %s, not %s" % (key, what, json.dumps(value, default=str)))
    limits = checked_limits(body["limits"], server.limits.config) if "limits" in body else None
    for key, value in body.items():  # all or nothing
        if key == "limits":
            server.limits.config = limits
        elif key == "latency":
            server.latency = {k: float(v) for k, v in value.items()}
        else:
            setattr(server, key, float(value) if key == "clock_offset" else value)
    return Response(200, {"ok": True})


def _sales(server, rest, body):
    provider, _sep, action = rest.partition("/")
    app = app_of(server, provider)
    if action not in ("edit", "delete", "copy"):
        raise BadInput("unknown sales action %r; one of edit, delete, copy" % action, status=404)
    if not isinstance(body.get("reference"), str) or not body["reference"]:
        raise BadInput("a sales document is named by its reference")
    args = [body.get("kind"), body["reference"]] + ([body.get("changes")] if action == "edit" else [])
    if action == "edit" and not isinstance(body.get("changes"), dict):
        raise BadInput("changes must be an object")
    with server.lock:
        try:
            result = getattr(app, action + "_sales")(*args)
        except SalesHookError as exc:
            raise BadInput(str(exc), status=404 if str(exc).startswith("no ") else 400) from None
    return Response(200, result)


def _period_lock(server, app, body):
    unknown = sorted(set(body) - {"until"})
    if unknown or "until" not in body:
        raise BadInput("a period lock is {\"until\": \"YYYY-MM-DD\"} or {\"until\": null}")
    until = body["until"]
    day = None
    if until is not None:
        day = as_date(until) if isinstance(until, str) and len(until) == 10 and until[4] == "-" else None
        if day is None:
            raise BadInput("until must be a date as YYYY-MM-DD or null, not %s" % json.dumps(until, default=str))
    with server.lock:
        app.store.locked_until = day
    return Response(200, {"ok": True, "locked_until": day.isoformat() if day else None})


def _approval(server, app, body):
    unknown = sorted(set(body) - {"save_unapproved", "approve"})
    if unknown or not body:
        raise BadInput("approval takes save_unapproved (true/false) and/or approve (an invoice number)")
    if "save_unapproved" in body and not isinstance(body["save_unapproved"], bool):
        raise BadInput("save_unapproved must be true or false")
    if "approve" in body and not (isinstance(body["approve"], str) and body["approve"]):
        raise BadInput("approve names a sales invoice by its number")
    with server.lock:
        invoice = None
        if "approve" in body:
            invoice = app.store.by_number("sales-invoice", body["approve"])
            if invoice is None:
                raise BadInput("no sales invoice %s" % body["approve"], status=404)
        if "save_unapproved" in body:
            app.store.save_unapproved = body["save_unapproved"]
        if invoice is not None:
            invoice["approvalStatus"] = "APPROVED"
            invoice["lastUpdate"] = app.store.now_text()
    return Response(200, {"ok": True, "save_unapproved": app.store.save_unapproved})
