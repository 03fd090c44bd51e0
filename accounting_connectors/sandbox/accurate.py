"""Imitation of Accurate Online: account layer, OAuth, data layer.

Auth is checked as accurate-notes.md section 1 says; state and business
validation live in :mod:`.accurate_store`. Test hooks (:meth:`move_host`:
answer 308 from the old host, :meth:`expire_session`,
:meth:`expire_access_token`, :meth:`revoke_api_token`, purchases entered by
a person) are in :mod:`.accurate_hooks`, the list filters in
:mod:`.accurate_filters`.
"""

import base64
import hmac
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from ..accurate import auth
from ..client import ConnectionConfig
from ..jsonutil import dumps, loads
from .accurate_filters import _matches
from .accurate_hooks import AccurateHooksMixin
from .accurate_store import AccurateStore
from .accurate_vocab import MODULES, Refused, saved_text
from .base import ProviderApp, Response, route
from .sales_hooks import AccurateSalesHooks

API_TOKEN = "aat.eyJkIjo5NjQwMCwiYW4iOiJTYW5kYm94In0.c2FuZGJveC10b2tlbi0x"
SIGNATURE_SECRET = "sandbox-signature-secret-7f3a9c"
#: the application the sandbox's webhook is registered for (API_TOKEN's)
APPLICATION = "Sandbox POS Sync"
#: a token of the same database issued by ANOTHER application (its own
#: signature secret): data calls work, but it cannot renew our webhook
OTHER_API_TOKEN = "aat.eyJkIjo5NjQwMCwiYW4iOiJLYXNpciJ9.a2FzaXItbGFpbi10b2tlbi0y"
OTHER_SIGNATURE_SECRET = "kasir-lain-signature-secret-2b8e41"
OTHER_APPLICATION = "Kasir Lain"
#: token -> (signature secret, the application that issued it)
API_TOKENS = {API_TOKEN: (SIGNATURE_SECRET, APPLICATION),
              OTHER_API_TOKEN: (OTHER_SIGNATURE_SECRET, OTHER_APPLICATION)}
#: a webhook subscription lives 7 days after its last renewal (accurate-notes 4)
WEBHOOK_DAYS = 7
CLIENT_ID = "sandbox-oauth-client"
CLIENT_SECRET = "sandbox-oauth-client-secret-51d2"
AUTH_CODE = "sandbox-auth-code"
DATABASE = {"id": 96400, "alias": "Toko Sandbox", "trial": True, "expired": False}
MAX_SKEW = 600  # seconds (the API-token PDF)
BULK_MAX = 100


def envelope(status, s, d, **extra):
    """A JSON Response with Decimals written as exact numbers, like Accurate."""
    body = dict({"s": s, "d": d}, **extra)
    return Response(status, dumps(body), {"Content-Type": "application/json"})


def fail(messages, status=200):
    return envelope(status, False, [messages] if isinstance(messages, str) else messages)


class AccurateApp(AccurateHooksMixin, AccurateSalesHooks, ProviderApp):
    name = "accurate"
    prefixes = ("/api/", "/accurate/", "/oauth/")
    seeded = {"cash": "1101", "bank": "1102", "sales": "4101", "discount": "4102", "rounding": "7101",
              "fee": "6101", "adjustment": "5101", "walkin": "C.00001", "warehouse": "Utama",
              "tax11": "PPN 11%", "tax12": "PPN 12%", "receivable": "1103", "cash_difference": "7102",
              "regional": "2106"}

    def reset(self):
        self.store = AccurateStore(self.server.now, lambda: self.server.accept_duplicates)
        if not hasattr(self, "access_token"):  # credentials survive a reset
            self.access_token = "sandbox-access-" + uuid.uuid4().hex
            self.refresh_token = "sandbox-refresh-" + uuid.uuid4().hex
            self.session = str(uuid.uuid4())
        self.api_token_revoked = False
        self.data_host = None  # None: any host; else requests elsewhere get 308
        # the webhook subscription: registered for APPLICATION, alive for 7
        # days; after that deliveries stop without a word (kept in
        # ``undelivered`` for tests), whatever the portal shows
        self.webhook_expires_at = self.server.now() + WEBHOOK_DAYS * 86400
        self.undelivered = []

    def client_config(self, **kwargs):
        values = {"provider": "accurate", "base_url": self.server.url, "sandbox": True, "auth_method": "api_token",
                  "api_token": API_TOKEN, "signature_secret": SIGNATURE_SECRET}
        if kwargs.get("auth_method") == "oauth":
            values.update(api_token="", signature_secret="", oauth_client_id=CLIENT_ID,
                          oauth_client_secret=CLIENT_SECRET, access_token=self.access_token,
                          refresh_token=self.refresh_token, database_id=str(DATABASE["id"]))
        values.update(kwargs)
        return ConnectionConfig(**values)

    # --- ProviderApp --------------------------------------------------------------
    def credential_key(self, request):
        header = request.headers.get("authorization", "")
        return header[7:] if header.startswith("Bearer ") else None

    def rate_limited_response(self):
        return Response(429, {"s": False, "d": ["Terlalu banyak request, silakan coba lagi sebentar lagi"]},
                        {"Retry-After": "1"})

    def _notify(self, module, record, action="WRITE"):
        kind = module.upper().replace("-", "_")
        head, *rest = module.split("-")
        prefix = head + "".join(part.capitalize() for part in rest)
        body = [{"uuid": str(uuid.uuid4()), "type": kind, "databaseId": DATABASE["id"],
                 "data": [{prefix + "Id": record["id"], prefix + "No": record["number"], "action": action}]}]
        if self.server.now() > self.webhook_expires_at:
            self.undelivered.append(body)  # lapsed: Accurate says nothing, sends nothing
        else:
            self.server.send_webhook(body)
        return body

    def _application(self, request):
        """The application whose credentials signed ``request`` (an API
        token's issuer; the OAuth client otherwise)."""
        token = request.headers.get("authorization", "")[7:].strip()
        return API_TOKENS[token][1] if token in API_TOKENS else APPLICATION

    # --- auth ---------------------------------------------------------------------
    def _lang(self, request):
        return request.headers.get("x-language-profile", "ID")

    def _check_auth(self, request, layer):
        """None when allowed, else the provider's 401 answer."""
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            return fail("Unauthorized", 401)
        token = header[7:].strip()
        if token.startswith("aat."):
            return self._check_api_token(request, token)
        if not hmac.compare_digest(token, self.access_token):
            return Response(401, {"error": "invalid_token", "error_description": "Invalid access token"})
        if layer == "data" and request.headers.get("x-session-id") != self.session:
            return fail("Data Session Key tidak tepat", 401)
        return None

    def _check_api_token(self, request, token):
        if token not in API_TOKENS or (token == API_TOKEN and self.api_token_revoked):
            return fail("Invalid or Revoked API Token", 401)
        secret = API_TOKENS[token][0]
        stamp = request.headers.get("x-api-timestamp")
        signature = request.headers.get("x-api-signature")
        if not stamp:
            return fail("Header X-Api-Timestamp is required", 401)
        if not signature:
            return fail("Header X-Api-Signature is required", 401)
        moment = auth.parse_timestamp(stamp)
        if moment is None:
            return fail("Header X-Api-Timestamp invalid", 401)
        expected = (auth.sign(secret, stamp, "base64"), auth.sign(secret, stamp, "hex"))
        if not any(hmac.compare_digest(signature.strip(), e) for e in expected):
            return fail("Header X-Api-Signature invalid", 401)
        if abs(self.server.now() - moment) > MAX_SKEW:
            return fail("Header X-Api Timestamp difference more than 600 seconds from server time", 401)
        return None

    # --- account layer ------------------------------------------------------------
    @route("*", r"/api/api-token\.do")
    def api_token(self, request):
        denied = self._check_auth(request, "account")
        if denied:
            return denied
        if not request.headers["authorization"].startswith("Bearer aat."):
            return fail("API Token tidak tepat")
        key = "database" if self._lang(request).upper() == "US" else "data usaha"
        db = dict(DATABASE, host=self.data_host or self.server.url, admin=True,
                  license={"licenseEnd": "31/12/2099", "trial": True})
        user = {"id": 1, "email": "owner@example.com", "fullName": "Sandbox Owner"}
        app = self._application(request)
        return envelope(200, True, {key: db, "application": {"name": app, "appKey": app.lower().replace(" ", "-")},
                                    "user": user, "tokenType": "api"})

    @route("POST", r"/oauth/token")
    def oauth_token(self, request):
        header = request.headers.get("authorization", "")
        expected = "Basic " + base64.b64encode(("%s:%s" % (CLIENT_ID, CLIENT_SECRET)).encode()).decode()
        if not hmac.compare_digest(header, expected):
            return Response(401, {"error": "invalid_client"})
        args = request.args
        grant = args.get("grant_type")
        if grant == "authorization_code" and args.get("code") == AUTH_CODE:
            pass
        elif grant == "refresh_token" and args.get("refresh_token") == self.refresh_token:
            pass
        else:
            return Response(400, {"error": "invalid_grant"})
        self.access_token = "sandbox-access-" + uuid.uuid4().hex
        self.refresh_token = "sandbox-refresh-" + uuid.uuid4().hex
        return Response(200, {"access_token": self.access_token, "token_type": "bearer",
                              "refresh_token": self.refresh_token, "expires_in": 1295999,
                              "scope": "item_view item_save customer_view customer_save"})

    @route("GET", r"/api/db-list\.do")
    def db_list(self, request):
        return self._check_auth(request, "account") or envelope(200, True, [DATABASE])

    @route("*", r"/api/open-db\.do")
    def open_db(self, request):
        denied = self._check_auth(request, "account")
        if denied:
            return denied
        if request.headers["authorization"].startswith("Bearer aat."):
            return fail("API Token ini sudah termasuk Sesi Database. "
                        "Anda tidak perlu melakukan open-db.do lagi.")
        if request.args.get("id") != str(DATABASE["id"]):
            return fail("Data Usaha tidak tepat")
        return envelope(200, True, ["Proses Berhasil Dilakukan"], session=self.session,
                        host=self.data_host or self.server.url, admin=True, trial=True,
                        accessibleUntil="31/12/2099")

    @route("*", r"/api/webhook-renew\.do")
    def webhook_renew(self, request):
        """``GET`` only, as the API reference lists it (accurate-api-docs 1).
        Renewal is per application: a token of another application is
        answered success with the expiry unchanged, extending nothing
        (accurate-notes 4)."""
        if request.method != "GET":
            return fail("Method %s tidak didukung" % request.method, 405)
        denied = self._check_auth(request, "account")
        if denied:
            return denied
        if self._application(request) == APPLICATION:
            self.webhook_expires_at = self.server.now() + WEBHOOK_DAYS * 86400
        return envelope(200, True, datetime.fromtimestamp(self.webhook_expires_at).strftime("%d/%m/%Y"))

    def not_found(self, request):
        return fail("URL API tidak tepat", 404)

    # --- data layer ------------------------------------------------------------------
    @route("*", r"/accurate/api/(?P<module>[a-z-]+)/(?P<action>[a-z-]+)\.do")
    def data(self, request, module, action):
        if self.data_host and request.headers.get("host") != urlsplit(self.data_host).netloc:
            return Response(308, "", {"Location": self.data_host + request.path_with_query})
        denied = self._check_auth(request, "data")
        if denied:
            return denied
        if module == "item" and action == "list-stock":
            return self._list_stock(request.args, self._lang(request))
        if module not in MODULES or action not in ("list", "detail", "save", "bulk-save", "delete"):
            return fail("URL API tidak tepat", 404)
        lang = self._lang(request)
        if action == "list":
            return self._list(module, request.args)
        if action == "detail":
            record = self.store.find(module, request.args)
            if record is None:
                return fail(Refused("not_found", module).text(lang))
            return envelope(200, True, self.store.view(module, record))
        if action == "delete":
            try:
                record = self.store.delete(module, request.args)
            except Refused as exc:
                return fail(exc.text(lang))
            return envelope(200, True, [Refused("deleted", module, record.get("number")).text(lang)])
        payload = self._payload(request)
        if action == "save":
            try:
                record = self.store.save(module, payload)
            except Refused as exc:
                return fail(exc.text(lang))
            return self._saved(module, record, lang)
        rows = (payload or {}).get("data")
        if not isinstance(rows, list) or not rows:
            return fail(Refused("required", "data").text(lang))
        if len(rows) > BULK_MAX:
            return fail(Refused("bulk_max").text(lang))
        results = []
        for row in rows:
            try:
                record = self.store.save(module, row)
            except Refused as exc:
                results.append({"s": False, "d": [exc.text(lang)]})
            else:
                results.append(self._saved_row(module, record, lang))
        return envelope(200, all(r["s"] for r in results), results)

    def _payload(self, request):
        """JSON body (amounts as Decimal) or flat form fields."""
        if request.body and request.headers.get("content-type", "").startswith("application/json"):
            try:
                return loads(request.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return None
        return request.args

    def _saved_row(self, module, record, lang):
        number = record.get(MODULES[module][2])
        return {"s": True, "d": [saved_text(module, number, lang)], "r": self.store.view(module, record)}

    def _saved(self, module, record, lang):
        if module in self.store.PURCHASE_SIGNS:
            self._notify(module, record)
        row = self._saved_row(module, record, lang)
        return envelope(200, True, row["d"], r=row["r"])

    def _list_stock(self, args, lang):
        try:
            rows = self.store.stock_list(args)
            page = max(int(args.get("sp.page") or 1), 1)
            size = min(max(int(args.get("sp.pageSize") or 20), 1), 1000)
        except Refused as exc:
            return fail(exc.text(lang))
        except ValueError:
            return fail('Invalid field value for field "sp".')
        count = len(rows)
        sp = {"page": page, "pageSize": size, "pageCount": max((count + size - 1) // size, 1),
              "rowCount": count, "start": (page - 1) * size, "limit": None}
        return envelope(200, True, rows[(page - 1) * size:page * size], sp=sp)

    def _list(self, module, args):
        try:
            rows = [r for r in self.store.records[module].values() if _matches(self.store, module, r, args)]
            page = max(int(args.get("sp.page") or 1), 1)
            size = min(max(int(args.get("sp.pageSize") or 20), 1), 1000)
        except (ValueError, Refused) as exc:
            return fail(exc.text() if isinstance(exc, Refused) else 'Invalid field value for field "sp".')
        fields = [f for f in (args.get("fields") or "id").split(",") if f]
        chunk = rows[(page - 1) * size:page * size]
        data = []
        for record in chunk:
            view = self.store.view(module, record)
            data.append({f: view[f] for f in fields if f in view})
        count = len(rows)
        sp = {"page": page, "pageSize": size, "pageCount": max((count + size - 1) // size, 1),
              "rowCount": count, "start": (page - 1) * size, "limit": None}
        return envelope(200, True, data, sp=sp)
