"""The Accurate Online client (see accurate-notes.md for every fact used).

Account layer (``base_url``): api-token.do / oauth / open-db.do.
Data layer (``{host}/accurate/api/<module>/<action>.do``): the host is learnt
from the account layer, cached in ``config.data_host`` and reported through
``config.on_credentials`` so the caller can persist it.
A create is never retried here: only a request the server refused before
processing it (401 for an expired session/token, 308 host move) is re-sent.
A redirect is followed (and re-signed) only to Accurate's own https hosts
(accurate-notes 1.1: ``account.accurate.id`` and ``{code}.accurate.id``)
or the configured host; a sandbox connection stays on its configured host.

This module holds the plumbing (sign-in, the data host, one exchange and its
envelope, paged lists) and the connection test; posting and finding are in
:mod:`.posting`, the reads (lists, stock, taxes, purchases) in :mod:`.reads`.
"""

from urllib.parse import urljoin, urlsplit

from .. import shapes
from ..checks import check_host
from ..client import BaseClient, RemoteResult
from ..errors import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    RateLimitedError,
    TransientError,
)
from ..jsonutil import dumps
from ..messages import render
from . import mapping, webhook
from .auth import ApiTokenAuth, OAuthAuth, auth_error, basic_auth
from .errors import decode, error_for, join_messages, provider_text, refusal
from .params import filters_params, query_text
from .posting import AccuratePosting
from .preview import AccuratePreview
from .reads import PAGE_SIZE, AccurateReads

PRODUCTION_URL = "https://account.accurate.id"
MAX_REDIRECTS = 3
#: Accurate's own servers (accurate-notes 1.1: the account layer on
#: account.accurate.id, the data layer on https://{cloudServerCode}.accurate.id)
PROVIDER_DOMAINS = (".accurate.id",)  # a suffix: the leading dot keeps "evilaccurate.id" out
#: the redirects that say the database lives elsewhere for good (the
#: notes' 308 host move): the new host is remembered; 302/307 are not
MOVED_FOR_GOOD = (301, 308)


class AccurateClient(AccuratePreview, AccuratePosting, AccurateReads, BaseClient):
    provider = "accurate"
    kinds = tuple(mapping.BUILDERS) + ("receipt_void",)
    #: where Accurate keeps goods sent but not yet received (a system
    #: warehouse, not chosen in transfers; see accurate-notes 3.3)
    default_transit_warehouse = "Transit (AOL System)"

    def __init__(self, config, transport=None):
        self.config = config
        method = config.auth_method or "api_token"
        if method == "api_token":
            self._require("api_token", "signature_secret")
            encoding = config.extra.get("signature_encoding", "base64")
            if encoding not in ("base64", "hex"):
                raise ConfigurationError(code="accurate.bad_signature_encoding", params={"value": encoding})
            self.auth = ApiTokenAuth(config.api_token, config.signature_secret, encoding)
        elif method == "oauth":
            self._require("oauth_client_id", "oauth_client_secret", "database_id")
            if not (config.access_token or config.refresh_token):
                raise ConfigurationError(code="accurate.no_token")
            self.auth = OAuthAuth(config)
        else:
            raise ConfigurationError(code="accurate.unknown_auth", params={"value": method})
        self.base_url = (config.base_url or PRODUCTION_URL).rstrip("/")
        super().__init__(config, transport)

    # --- plumbing ------------------------------------------------------------
    def _remember(self, **changes):
        """Keep (and report through ``on_credentials``) what the provider
        handed out; a data host is checked first (ConfigurationError)."""
        changes = {k: v.rstrip("/") if k == "data_host" else v for k, v in changes.items()}
        changes = {k: v for k, v in changes.items() if v and getattr(self.config, k) != v}
        if "data_host" in changes and not self._may_store(changes["data_host"]):
            raise ConfigurationError(code="accurate.bad_data_host", params={
                "target": self.redactor.text(_shown(changes["data_host"])), "allowed": self._allowed()})
        if not changes:
            return
        for key, value in changes.items():
            setattr(self.config, key, value)
        # new tokens/sessions must be masked in later log copies too
        self.redactor.secrets = type(self.redactor)(self.config.secrets()).secrets
        if callable(self.config.on_credentials):
            self.config.on_credentials(dict(changes))

    def _data_url(self, module, action):
        return "%s/accurate/api/%s/%s.do" % (self._host(), module, action)

    def _may_store(self, url):
        """True when ``url`` may be kept as the data host (and receive this
        connection's credentials): https on Accurate's own domains or the
        configured host; a sandbox's host may be any address it names
        (http, loopback...). Never user:pass@, nor outside a sandbox a
        private or loopback address (:func:`~..checks.check_host`)."""
        origin = _origin(url)
        try:
            check_host(origin, "host", self.config.sandbox)
        except ConfigurationError:
            return False
        return self.config.sandbox or origin == _origin(self.base_url) or _accurate_host(origin)

    def _may_follow(self, url):
        """True when a redirect to ``url`` may be followed (re-signed): as
        :meth:`_may_store`, and a sandbox only to its configured host."""
        if self.config.sandbox:
            return _origin(url) == _origin(self.base_url) and self._may_store(url)
        return self._may_store(url)

    def _allowed(self):
        """Where this connection may go, for a message (addresses, no words)."""
        own = _origin(self.base_url)
        if self.config.sandbox:
            return own
        hosts = ["https://*" + d for d in PROVIDER_DOMAINS]
        return ", ".join(hosts if _accurate_host(own) else hosts + [own])

    def _host(self):
        if self.config.data_host and not self._may_store(self.config.data_host):
            # a host cached before it was checked: asked again of the account layer
            self.config.data_host = ""
        if not self.config.data_host and not self._previewing:  # a preview sends nothing
            if self.auth.kind == "api_token":
                self._discover()
            else:
                self._open_db()
        return self.config.data_host.rstrip("/")

    def _call(self, method, layer, url, params=None, body=None, write=False, check=True, retried=False):
        """One exchange -> (decoded body, HttpResult); errors per the taxonomy."""
        if not url.startswith("http"):
            url = self.base_url + url
        if params:
            url += ("&" if "?" in url else "?") + query_text(params)
        headers = {"X-Language-Profile": self.config.language or "ID"}
        data = None
        if body is not None:
            data = dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for _hop in range(MAX_REDIRECTS + 1):
            result = self.transport.request(method, url, data=data, headers=headers,
                                            sign=self.auth.signer(layer))
            if result.status not in (301, 302, 307, 308) or layer != "data":
                break
            # the database moved: same method, body and (re-signed) auth, on an allowed host only
            url = self._moved(url, result)
        else:
            raise TransientError(code="accurate.redirect_loop", params={"count": MAX_REDIRECTS},
                                 status=result.status, request=result.request,
                                 response=result.response)
        if result.status == 401 and not retried and self.auth.kind == "oauth":
            if "Data Session Key" in result.text:
                self._open_db()
                return self._call(method, layer, url, None, body, write, check, retried=True)
            if "invalid_token" in result.text and self.config.refresh_token:
                self._refresh()
                return self._call(method, layer, url, None, body, write, check, retried=True)
        return self._envelope(result, write, check), result

    def _moved(self, url, result):
        """The URL to send the request to again after the redirect
        ``result``; ConfigurationError (nothing sent) when it leads to a
        host the connection may not use. A move for good is remembered."""
        location = result.headers.get("Location") or ""
        if not location:
            raise TransientError(code="accurate.moved_nowhere")
        try:
            new_url = urljoin(url, location)
        except ValueError:
            new_url = location
        if not self._may_follow(new_url):
            raise ConfigurationError(code="accurate.redirect_refused", params={
                "source": _origin(url), "target": self.redactor.text(_shown(new_url)), "allowed": self._allowed()},
                status=result.status, request=result.request, response=result.response)
        if result.status in MOVED_FOR_GOOD:
            marker = new_url.find("/accurate/api/")
            self._remember(data_host=new_url[:marker] if marker > 0 else _origin(new_url))
        return new_url

    def _envelope(self, result, write, check):
        if result.status != 200:
            raise self._slowed(error_for(result, write))
        try:
            body = decode(result)
        except ConnectorError as exc:  # a 200 page that is not data: after a write, it may be saved
            if not write:
                raise
            raise shapes.unexpected("Accurate", "the saved document", write=True, result=result,
                                    detail=exc.message) from None
        body = shapes.obj(body, "Accurate", "the answer", write, result)
        if check and body.get("s") is False:
            raise refusal(body.get("d"), status=result.status, request=result.request, response=result.response)
        return body

    def _discover(self):
        """The token's database: its host is remembered; a database other
        than the connection's (``database_id`` when set) is refused."""
        body, result = self._call("POST", "account", "/api/api-token.do")
        d = shapes.obj(body.get("d"), "Accurate", "the API token's details", result=result)
        db = shapes.obj(d.get("data usaha") or d.get("database"), "Accurate", "the token's database",
                        result=result)
        if not db.get("host") or not isinstance(db["host"], str) or db.get("id") in (None, ""):
            raise ConnectorError(code="accurate.no_database_info",
                                 request=result.request, response=result.response)
        if self.config.database_id and str(db["id"]) != str(self.config.database_id):
            raise ConfigurationError(code="accurate.other_database", params={
                "database": db.get("alias") or "?", "found": db["id"], "wanted": self.config.database_id})
        self._remember(data_host=db["host"], database_id=str(db["id"]))
        return d

    def _refresh(self):
        self._require("refresh_token")
        result = self.transport.request(
            "POST", self.base_url + "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": self.config.refresh_token},
            headers={"Authorization": basic_auth(self.config.oauth_client_id,
                                                  self.config.oauth_client_secret)})
        if result.status != 200:
            raise auth_error(result.status, provider_text(result), result.request, result.response)
        try:
            token = decode(result)
        except ConnectorError:
            token = None
        token = token if isinstance(token, dict) else {}
        if not token.get("access_token") or not isinstance(token["access_token"], str):
            raise AuthError(code="accurate.no_new_token")
        self._remember(access_token=token["access_token"],
                       refresh_token=token.get("refresh_token") or self.config.refresh_token)

    def _open_db(self):
        if not self.config.access_token:
            self._refresh()
        body, _result = self._call("GET", "account", "/api/open-db.do",
                                   params=[("id", self.config.database_id)], retried=False)
        if not isinstance(body.get("session"), str) or not body["session"] or not isinstance(body.get("host"), str):
            said = join_messages(body.get("d"))
            if not said:
                raise ConnectorError(code="accurate.no_session_silent")
            raise ConnectorError(code="accurate.no_session", params={"provider": said}, provider_message=said)
        self._remember(session_id=body["session"], data_host=body["host"])
        return body

    def _list(self, module, fields, filters=(), page_size=PAGE_SIZE):
        """Every row of ``module/list.do`` across pages."""
        page = 1
        while True:
            params = [("fields", ",".join(fields)), ("sp.page", page), ("sp.pageSize", page_size)]
            params += filters_params(filters)
            body, result = self._call("GET", "data", self._data_url(module, "list"), params)
            if "d" not in body:
                raise shapes.unexpected("Accurate", "the %s list" % module, result=result, detail="no rows")
            rows = shapes.rows(body["d"], "Accurate", "the %s list" % module, result)
            if not all(shapes.has_id(r) for r in rows):
                raise shapes.unexpected("Accurate", "the %s list" % module, result=result,
                                        detail="a row without id")
            yield from rows
            sp = body.get("sp") if isinstance(body.get("sp"), dict) else {}
            page_count = shapes.integer(sp.get("pageCount"), "Accurate", "the page count", 1, result)
            if page >= page_count or not rows:
                return
            page += 1

    def _detail(self, module, **key):
        body, result = self._call("GET", "data", self._data_url(module, "detail"), list(key.items()))
        return shapes.obj(body.get("d"), "Accurate", "the %s" % module.replace("-", " "), result=result), result

    def _result(self, record, result):
        record = record if isinstance(record, dict) else {}
        number = record.get("number") or record.get("no") or record.get("customerNo") or ""
        return RemoteResult(remote_id=str(record.get("id") or ""), number=str(number), data=record,
                            request=result.request, response=result.response, duration=result.duration)

    # --- the engine's calls --------------------------------------------------
    def test_connection(self):
        try:
            if self.auth.kind == "api_token":
                d = self._discover()
                db = d.get("data usaha") or d.get("database") or {}
                info = {"database": db.get("alias", ""), "database_id": str(db.get("id", "")),
                        "user": (d.get("user") or {}).get("fullName", ""),
                        "application": (d.get("application") or {}).get("name", "")}
            else:
                body, result = self._call("GET", "account", "/api/db-list.do")
                wanted = str(self.config.database_id)
                dbs = shapes.rows(body.get("d"), "Accurate", "the list of databases", result)
                db = next((x for x in dbs if str(x.get("id")) == wanted), None)
                if db is None:
                    raise AuthError(code="accurate.no_database_access",
                                    params={"database": self.config.database_id})
                self._open_db()
                info = {"database": db.get("alias", ""), "database_id": str(db.get("id"))}
            # prove the data layer answers too, as Accurate lists (a one-row read)
            next(self._list("glaccount", ["id"], page_size=1), None)
        except TransientError as exc:
            if isinstance(exc, RateLimitedError):
                raise
            raise AuthError(code="accurate.unreachable", params={"host": self.base_url, "reason": exc.message},
                            provider_message=exc.provider_message, request=exc.request) from None
        info.update(host=self.config.data_host, auth_method=self.auth.kind)
        info["message_code"] = "accurate.connected_as" if info.get("user") else "accurate.connected"
        info["message_params"] = {k: info.get(k, "") for k in ("database", "database_id", "host", "user",
                                                                "application")}
        info["message"] = render(info["message_code"], info["message_params"])
        return info

    def parse_webhook(self, body):
        return webhook.parse(body)

    def renew_webhook(self):
        """Extend the app's webhook by 7 days: ``GET /api/webhook-renew.do``
        on the account host, no body (the method the API reference lists,
        accurate-api-docs 1). Returns ``d``, the expiry Accurate answers
        (text ``dd/MM/yyyy``). A token of another application is answered
        success with an expiry it did not extend: the caller checks it."""
        body, _result = self._call("GET", "account", "/api/webhook-renew.do", write=True)
        return body.get("d")

    def webhook_application(self):
        """The name of the application this connection's credentials belong
        to (str): an API token's issuer (``api-token.do``'s
        ``application.name``), else the OAuth client id. Only that
        application's webhook can be renewed with them. Connector errors as
        ``_call``."""
        if self.auth.kind == "api_token":
            return str((self._discover().get("application") or {}).get("name") or "")
        return str(self.config.oauth_client_id or "")


def _accurate_host(origin):
    """True when the URL ``origin`` names a server of Accurate's own domains."""
    host = urlsplit(origin).hostname or ""
    return any(host == d[1:] or host.endswith(d) for d in PROVIDER_DOMAINS)


def _origin(url):
    """``scheme://host[:port]`` of ``url``, lower case, without a default
    port ("" when it is no URL); a ``user:pass@`` stays, to be refused."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
    if (scheme, port) in (("https", 443), ("http", 80)):
        netloc = netloc.rsplit(":", 1)[0]
    return "%s://%s" % (scheme, netloc)


def _shown(url, size=200):
    """``url`` as a message may show it: no ``user:pass@``, no query."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        text = "%s://%s%s" % (parts.scheme, netloc, parts.path) if parts.scheme else url
    except ValueError:
        text = url
    return text[:size]
