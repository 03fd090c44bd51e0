"""One HTTP layer for every provider.

It sends, times, rate-limits and redacts; it turns network failures into the
error taxonomy (:mod:`.errors`). It never retries a request by itself: what
may be retried is the engine's decision, made from the error's class.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from urllib3.exceptions import LocationValueError

from .checks import check_timeout
from .errors import AmbiguousError, ConfigurationError, ConnectorError, TransientError

_logger = logging.getLogger(__name__)

#: what requests/urllib3 raise for an address that cannot be used at all
BAD_ADDRESS = (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
               requests.exceptions.MissingSchema, requests.exceptions.InvalidHeader,
               LocationValueError, UnicodeError)
#: headers whose values never leave this module unmasked
SECRET_HEADERS = {"authorization", "x-api-signature", "x-session-id", "apikey", "cookie"}
MASK = "***"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read
MAX_COPY = 64 * 1024  # characters of a body kept in the log copies


class Redactor:
    """Masks secret values wherever they appear in text handed out."""

    def __init__(self, secrets=()):
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def text(self, value):
        if not isinstance(value, str):
            return value
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return value

    def headers(self, headers):
        return {
            k: (MASK if k.lower() in SECRET_HEADERS else self.text(str(v)))
            for k, v in (headers or {}).items()
        }

    def url(self, url):
        try:
            parts = urlsplit(url)
        except ValueError:  # not a URL at all: masked as text
            return self.text(url)
        query = [(k, MASK if k.lower() in SECRET_HEADERS | {"session", "access_token"} else v)
                 for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        return self.text(urlunsplit(parts._replace(query=urlencode(query, safe=",[]"))))


@dataclass
class HttpResult:
    status: int
    headers: dict
    text: str
    duration: float
    request: dict = field(default_factory=dict)  # redacted copy
    response: dict = field(default_factory=dict)  # redacted copy

    def json(self):
        """The body as JSON, or a plain-words error for anything else."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            ctype = self.headers.get("Content-Type", "")
            looks_html = "html" in ctype or self.text.lstrip()[:1] == "<"
            what = "a web page (HTML)" if looks_html else "something that is not JSON"
            cls = TransientError if self.status >= 500 or self.status == 0 else ConnectorError
            raise cls(
                code="http.not_data", params={"what": what, "status": self.status, "snippet": _snippet(self.text)},
                status=self.status, request=self.request, response=self.response,
            ) from None


def _snippet(text, size=200):
    text = " ".join((text or "").split())
    return text[:size] + ("…" if len(text) > size else "")


class Transport:
    """A ``requests.Session`` with timeouts, a limiter and redaction.

    ``sign(method, path_with_query, headers)`` is called on every send so
    that time-bound signatures are always fresh.
    """

    def __init__(self, limiter=None, redactor=None, timeout=DEFAULT_TIMEOUT, session=None):
        self.limiter = limiter
        self.redactor = redactor or Redactor()
        self.timeout = check_timeout(timeout)
        self.session = session or requests.Session()
        #: writes handed to the network so far (a caller tells whether one
        #: left during a call that then failed: see BaseClient's guard)
        self.writes = 0

    def request(self, method, url, *, params=None, json_body=None, data=None,
                headers=None, sign=None, timeout=None):
        method = method.upper()
        headers = dict(headers or {})
        headers.setdefault("Accept", "application/json")
        try:
            prepared = self.session.prepare_request(requests.Request(
                method, url, params=params, json=json_body, data=data, headers=headers))
        except (*BAD_ADDRESS, ValueError) as exc:  # ValueError: urllib's "Invalid IPv6 URL"...
            raise self._bad_address(url, exc) from None
        if sign:
            parts = urlsplit(prepared.url)
            path = parts.path + ("?" + parts.query if parts.query else "")
            sign(method, path, prepared.headers)
        req_copy = self._request_copy(prepared)
        write = method not in ("GET", "HEAD")
        started = time.monotonic()
        slot = self.limiter.slot() if self.limiter else _null_slot()
        with slot:
            try:
                self.writes += write
                resp = self.session.send(prepared, timeout=check_timeout(timeout or self.timeout),
                                         allow_redirects=False)
            except BAD_ADDRESS as exc:
                self.writes -= write  # refused before anything left
                raise self._bad_address(url, exc) from None
            except requests.exceptions.ConnectTimeout as exc:
                raise self._error(TransientError, "http.connect_timeout", {"host": _host(url)},
                                  exc, req_copy) from None
            except requests.exceptions.ReadTimeout as exc:
                cls = AmbiguousError if write else TransientError
                raise self._error(cls, "http.read_timeout_write" if write else "http.read_timeout",
                                  {"host": _host(url)}, exc, req_copy) from None
            except requests.exceptions.ConnectionError as exc:
                sent = _was_sent(exc)
                cls = AmbiguousError if (write and sent) else TransientError
                code = "http.broken_after_send" if cls is AmbiguousError else "http.connect_failed"
                raise self._error(cls, code, {"host": _host(url), "reason": _reason(exc)},
                                  exc, req_copy) from None
            except requests.exceptions.RequestException as exc:
                raise self._error(TransientError, "http.request_failed",
                                  {"host": _host(url), "reason": _reason(exc)}, exc, req_copy) from None
        duration = time.monotonic() - started
        text = resp.text
        result = HttpResult(
            status=resp.status_code, headers=dict(resp.headers), text=text, duration=duration,
            request=req_copy,
            response={"status": resp.status_code, "body": self.redactor.text(text[:MAX_COPY])},
        )
        _logger.debug("%s %s -> %s in %.3fs", method, self.redactor.url(prepared.url),
                      resp.status_code, duration)
        return result

    def throttled(self, retry_after=None):
        """The provider answered 429: tell the limiter (when it knows how to
        wait: ``throttled``), so that no request of this scope goes out
        before ``retry_after`` seconds, or before the tripped window rolls
        when the answer gave none (a bare 429). Returns the seconds to
        wait (60 without a limiter that knows its windows)."""
        hook = getattr(self.limiter, "throttled", None)
        if hook is not None:
            return hook(retry_after)
        return 60.0 if retry_after is None else retry_after

    def _request_copy(self, prepared):
        body = prepared.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        return {
            "method": prepared.method,
            "url": self.redactor.url(prepared.url),
            "headers": self.redactor.headers(prepared.headers),
            "body": self.redactor.text((body or "")[:MAX_COPY]),
        }

    def _bad_address(self, url, exc):
        _logger.info("unusable address %s (%s)", self.redactor.url(url), type(exc).__name__)
        return ConfigurationError(code="http.bad_address", params={
            "host": self.redactor.text(_host(url) or url), "reason": self.redactor.text(_reason(exc))})

    def _error(self, cls, code, params, exc, req_copy):
        params = {k: self.redactor.text(str(v)) for k, v in params.items()}
        error = cls(code=code, params=params, request=req_copy)
        _logger.info("%s (%s)", error.message, type(exc).__name__)
        return error


class _null_slot:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _host(url):
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def _reason(exc):
    text = str(exc.args[0] if exc.args else exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host",
                   "Temporary failure in name resolution", "certificate verify failed"):
        if marker in text:
            return marker.lower()
    return _snippet(text, 120)


def _was_sent(exc):
    """True when the failure happened after the request left (a reset or a
    dropped response), False when the connection could not be opened."""
    text = repr(exc)
    not_sent = ("NewConnectionError", "Connection refused", "NameResolutionError",
                "Failed to establish", "No route to host")
    return not any(marker in text for marker in not_sent)
