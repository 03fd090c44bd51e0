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


#: 401/403 texts Accurate sends (accurate-notes 1.3-1.5) -> what to tell the admin
AUTH_HINTS = (
    ("difference more than 600", "The clock of this server differs from Accurate's by more than "
     "10 minutes, so Accurate refuses the signed requests. Correct the server time (NTP)."),
    ("x-api-signature invalid", "Accurate rejected the request signature: the signature secret does "
     "not belong to the application that issued this API token. Copy the Signature Secret again "
     "from Accurate's Developer Area."),
    ("x-api-signature is required", "The request was sent without a signature; enter the "
     "Signature Secret of the Accurate application."),
    ("x-api-timestamp", "Accurate did not accept the request time stamp; check the server clock."),
    ("revoked", "Accurate does not know this API token or it was revoked. Create a new API token in "
     "Accurate (Settings > Accurate Store > API Token) and enter it here."),
    ("invalid_token", "The Accurate login is no longer valid (token expired or revoked). Reconnect "
     "the connection to Accurate."),
    ("insufficient_scope", "The Accurate application was not granted access to this kind of data. "
     "Reconnect and approve all requested permissions."),
    ("unauthorized", "Accurate received no valid credentials. Enter the API token again."),
    ("invalid_client", "Accurate rejected the OAuth client id or client secret."),
    ("invalid_grant", "Accurate rejected the OAuth refresh token; reconnect to Accurate."),
)


def auth_error(status, provider_message, request=None, response=None):
    """An AuthError in plain words for a 401/403 answer."""
    lowered = (provider_message or "").lower()
    message = next((hint for needle, hint in AUTH_HINTS if needle in lowered), None)
    if message is None:
        message = ("Accurate refused access (HTTP %s): %s" % (status, provider_message or "no reason given"))
    elif provider_message:
        message += " (Accurate says: %s)" % provider_message
    return AuthError(message, status=status, provider_message=provider_message,
                     request=request, response=response)
