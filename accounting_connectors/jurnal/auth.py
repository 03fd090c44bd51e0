"""Mekari API gateway authentication.

HMAC-SHA256 over ``date: <Date>\\n<METHOD> <path?query> HTTP/1.1`` keyed by
the client secret; the gateway refuses a Date more than 300 s away from its
clock, so the signature is made again on every send (the Transport calls the
signer each time). The legacy ``/core/api/v1`` API takes a plain ``apikey``
header instead.
"""

import base64
import hashlib
import hmac
import time
from email.utils import formatdate

#: how far the gateway lets the Date header drift from its own clock
MAX_SKEW = 300


def http_date(timestamp=None):
    """RFC 7231 IMF-fixdate in GMT, e.g. ``Wed, 10 Nov 2021 07:24:29 GMT``."""
    return formatdate(time.time() if timestamp is None else timestamp, usegmt=True)


def signing_string(date_value, method, path_with_query):
    return "date: %s\n%s %s HTTP/1.1" % (date_value, method.upper(), path_with_query)


def signature(secret, date_value, method, path_with_query):
    digest = hmac.new(secret.encode("utf-8"),
                      signing_string(date_value, method, path_with_query).encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def authorization(client_id, secret, date_value, method, path_with_query):
    return ('hmac username="%s", algorithm="hmac-sha256", headers="date request-line", '
            'signature="%s"' % (client_id, signature(secret, date_value, method, path_with_query)))


def hmac_signer(client_id, secret, clock=time.time):
    """The Transport ``sign`` callback: sets Date and Authorization."""

    def sign(method, path_with_query, headers):
        date_value = http_date(clock())
        headers["Date"] = date_value
        headers["Authorization"] = authorization(client_id, secret, date_value, method, path_with_query)

    return sign


def apikey_signer(api_key):
    def sign(method, path_with_query, headers):
        headers["apikey"] = api_key

    return sign


def parse_authorization(value):
    """``hmac username="..", ...`` -> dict of its fields, or None if garbled."""
    if not value or not value.lower().startswith("hmac "):
        return None
    fields = {}
    for part in value[5:].split(","):
        key, sep, raw = part.strip().partition("=")
        if not sep or len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
            return None
        fields[key.strip()] = raw[1:-1]
    if not {"username", "algorithm", "headers", "signature"} <= set(fields):
        return None
    return fields
