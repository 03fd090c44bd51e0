"""Accurate authentication: API token + HMAC timestamp signature, or OAuth.

API token (accurate-notes 1.5): every request carries ``Authorization:
Bearer <aat.token>``, ``X-Api-Timestamp`` and ``X-Api-Signature`` =
HMAC-SHA256(signature secret, the exact timestamp string), Base64 (default)
or lowercase hex. OAuth (1.2-1.4): a bearer access token refreshed with the
client's Basic credentials, plus a database session from ``open-db.do``
sent as ``X-Session-ID`` on the data layer.
"""

import base64
import hashlib
import hmac
import time
from datetime import datetime, timedelta, timezone

from ..errors import AuthError

#: the official samples format local Jakarta time (WIB, UTC+7, no DST)
WIB = timezone(timedelta(hours=7))
TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M:%S"
SIGNATURE_ENCODINGS = ("base64", "hex")


def sign(secret, timestamp, encoding="base64"):
    """HMAC-SHA256 of ``timestamp`` keyed with ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8"), hashlib.sha256).digest()
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    raise ValueError("signature encoding must be one of %s" % ", ".join(SIGNATURE_ENCODINGS))


def format_timestamp(epoch=None):
    """``dd/MM/yyyy HH:mm:ss`` in Jakarta time, as the official samples send."""
    moment = datetime.fromtimestamp(time.time() if epoch is None else epoch, WIB)
    return moment.strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text):
    """Epoch seconds of an ``X-Api-Timestamp`` value in any accepted form
    (``dd/MM/yyyy HH:mm:ss`` as WIB, ISO 8601, Unix seconds or milliseconds);
    None when it is none of them."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        value = int(text)
        return value / 1000.0 if value > 10**11 else float(value)
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=WIB).timestamp()
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def basic_auth(client_id, client_secret):
    raw = ("%s:%s" % (client_id, client_secret)).encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


class ApiTokenAuth:
    """Signs each send with a fresh timestamp (the Transport calls
    :meth:`sign` just before sending, also after a redirect)."""

    kind = "api_token"

    def __init__(self, token, secret, encoding="base64", clock=time.time):
        if encoding not in SIGNATURE_ENCODINGS:
            raise ValueError("signature encoding must be one of %s" % ", ".join(SIGNATURE_ENCODINGS))
        self.token = token
        self.secret = secret
        self.encoding = encoding
        self.clock = clock

    def signer(self, layer):
        def _sign(method, path, headers):
            stamp = format_timestamp(self.clock())
            headers["Authorization"] = "Bearer " + self.token
            headers["X-Api-Timestamp"] = stamp
            headers["X-Api-Signature"] = sign(self.secret, stamp, self.encoding)
        return _sign


class OAuthAuth:
    """Bearer access token; on the data layer also the database session."""

    kind = "oauth"

    def __init__(self, config):
        self.config = config

    def signer(self, layer):
        def _sign(method, path, headers):
            headers["Authorization"] = "Bearer " + self.config.access_token
            if layer == "data" and self.config.session_id:
                headers["X-Session-ID"] = self.config.session_id
        return _sign


#: 401/403 texts Accurate sends (accurate-notes 1.3-1.5) -> the message code of what to tell the admin
AUTH_HINTS = (
    ("difference more than 600", "accurate.auth_clock"),
    ("x-api-signature invalid", "accurate.auth_signature"),
    ("x-api-signature is required", "accurate.auth_no_signature"),
    ("x-api-timestamp", "accurate.auth_timestamp"),
    ("revoked", "accurate.auth_revoked"),
    ("invalid_token", "accurate.auth_invalid_token"),
    ("insufficient_scope", "accurate.auth_scope"),
    ("unauthorized", "accurate.auth_unauthorized"),
    ("invalid_client", "accurate.auth_client"),
    ("invalid_grant", "accurate.auth_grant"),
)


def auth_error(status, provider_message, request=None, response=None):
    """An AuthError in plain words for a 401/403 answer; Accurate's own
    words stay in its ``provider_message``."""
    lowered = (provider_message or "").lower()
    code = next((hint for needle, hint in AUTH_HINTS if needle in lowered), None)
    if code is None:
        code = "accurate.auth_refused" if provider_message else "accurate.auth_refused_silent"
    return AuthError(code=code, params={"status": status, "provider": provider_message or ""},
                     status=status, provider_message=provider_message, request=request, response=response)
