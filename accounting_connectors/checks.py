"""Validation of a connection's own settings (host, timeout), in sentences
an administrator can act on. Everything raises
:class:`~.errors.ConfigurationError`; nothing here touches the network."""

import ipaddress
import math
import re
from urllib.parse import urlsplit

from .errors import ConfigurationError

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.I)
#: a top-level domain starts with a letter: "127.1", "2130706433" or "0x7f.1" are addresses in disguise
_TLD = re.compile(r"^[a-z][a-z0-9-]*$", re.I)
#: names that never lead to a public server (RFC 6761, 6762, 8375 and common private zones)
LOCAL_SUFFIXES = ("localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp",
                  "home.arpa", "invalid", "test", "example")
#: longest request timeout accepted, in seconds (a worker must get its answer within its run)
MAX_TIMEOUT = 600.0


def check_url(url, what="host"):
    """``url`` stripped, when it is an http(s) address with a valid host
    name (or IP) and port; else ConfigurationError naming ``what``."""
    if not isinstance(url, str):
        raise ConfigurationError(code="settings.url_not_text", params={"what": what, "value": url})
    url = url.strip()
    named = {"what": what, "value": url}
    if any(c.isspace() for c in url):
        raise ConfigurationError(code="settings.url_space", params=named)
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise ConfigurationError(code="settings.url_unparsable", params=dict(named, reason=str(exc))) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(code="settings.url_scheme", params=named)
    try:
        port = parts.port
    except ValueError:
        raise ConfigurationError(code="settings.url_port", params=named) from None
    host = parts.hostname or ""
    if not host:
        raise ConfigurationError(code="settings.url_no_host", params=dict(named, scheme=parts.scheme))
    if port == 0:
        raise ConfigurationError(code="settings.url_port", params=named)
    if parts.query or parts.fragment:
        raise ConfigurationError(code="settings.url_query", params=named)
    if not _valid_host(host):
        raise ConfigurationError(code="settings.url_bad_host", params=dict(named, host=host))
    return url


def check_host(url, what="host", sandbox=False):
    """``url`` stripped, when it may receive a connection's credentials:
    a valid address (:func:`check_url`) without ``user:pass@``; outside a
    sandbox also https only and a public server (a domain name, or an IP
    outside the loopback, private, link-local, shared and reserved ranges).
    A sandbox (a test server the administrator runs) may be any http(s)
    host. ConfigurationError naming ``what`` otherwise."""
    url = check_url(url, what)
    parts = urlsplit(url)
    if "@" in parts.netloc:  # the value is not repeated: it holds a password
        raise ConfigurationError(code="settings.url_credentials", params={"what": what, "host": parts.hostname})
    if sandbox:
        return url
    named = {"what": what, "value": url, "host": parts.hostname}
    if parts.scheme.lower() != "https":
        raise ConfigurationError(code="settings.url_not_https", params=named)
    if not is_public_host(parts.hostname):
        raise ConfigurationError(code="settings.url_private", params=named)
    return url


def is_public_host(host):
    """True when ``host`` (a name or an IP, as in a URL) can only be a
    server on the internet: a global IP, or a dotted name under a real
    top-level domain (not localhost, .local, .internal...). A name is not
    resolved here: what it resolves to is the provider's DNS."""
    host = (host or "").strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        return address.is_global and not address.is_multicast
    labels = host.split(".")
    if len(labels) < 2 or not _TLD.match(labels[-1]):
        return False
    return not any(host == suffix or host.endswith("." + suffix) for suffix in LOCAL_SUFFIXES)


def _valid_host(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    return len(ascii_host) <= 253 and all(_LABEL.match(label) for label in labels)


def check_timeout(timeout):
    """The request timeout as ``requests`` takes it: one number of seconds
    or a (connect, read) pair, each above 0 and at most MAX_TIMEOUT."""
    values = timeout if isinstance(timeout, (tuple, list)) else (timeout,)
    if len(values) not in (1, 2) or not all(_seconds(v) for v in values):
        raise ConfigurationError(code="settings.timeout", params={"max": MAX_TIMEOUT, "value": timeout})
    return tuple(float(v) for v in values) if len(values) == 2 else float(values[0])


def _seconds(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 < value <= MAX_TIMEOUT)
