"""Validation of a connection's own settings (host, timeout), in sentences
an administrator can act on. Everything raises
:class:`~.errors.ConfigurationError`; nothing here touches the network."""

import ipaddress
import math
import re
from urllib.parse import urlsplit

from .errors import ConfigurationError

_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.I)
#: longest request timeout accepted, in seconds (a worker must get its answer within its run)
MAX_TIMEOUT = 600.0


def check_url(url, what="host"):
    """``url`` stripped, when it is an http(s) address with a valid host
    name (or IP) and port; else ConfigurationError naming ``what``."""
    if not isinstance(url, str):
        raise ConfigurationError("The %s must be a web address, not %r." % (what, url))
    url = url.strip()
    bad = "The %s %r is not a valid web address: " % (what, url)
    if any(c.isspace() for c in url):
        raise ConfigurationError(bad + "it contains a space.")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise ConfigurationError(bad + "%s." % exc) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(bad + "it must start with https:// (or http:// for a local test server).")
    try:
        port = parts.port
    except ValueError:
        raise ConfigurationError(bad + "the port after ':' must be a number from 1 to 65535.") from None
    host = parts.hostname or ""
    if not host:
        raise ConfigurationError(bad + "it names no server after %s://." % parts.scheme)
    if port == 0:
        raise ConfigurationError(bad + "the port after ':' must be a number from 1 to 65535.")
    if parts.query or parts.fragment:
        raise ConfigurationError(bad + "it must not contain '?' or '#'.")
    if not _valid_host(host):
        raise ConfigurationError(bad + "%r is not a server name." % host)
    return url


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
        raise ConfigurationError("The request timeout must be a number of seconds above 0 and at most "
                                 "%d, not %r." % (MAX_TIMEOUT, timeout))
    return tuple(float(v) for v in values) if len(values) == 2 else float(values[0])


def _seconds(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and 0 < value <= MAX_TIMEOUT)
