"""Client-side rate limiting, one limiter per credential.

The limits are the providers' (Accurate: 8 requests/s and 8 in flight per
token; Jurnal: 40/min and 1,800/h per consumer), see :func:`default_windows`.
:class:`RateLimiter` lives in this process. Several processes sharing one
credential (Odoo workers, servers) must share one limiter instead: the
caller then builds an object with the :class:`Limiter` interface (shared
through its database, say) and passes it as ``ConnectionConfig.limiter``;
the transport uses it in place of :func:`limiter_for`.
"""

import collections
import hashlib
import math
import threading
import time
from contextlib import contextmanager
from typing import NamedTuple, Protocol, runtime_checkable

from .errors import ConfigurationError, RateLimitedError

#: provider -> (windows ``[(max requests, seconds)]``, max requests in flight or None)
PROVIDER_LIMITS = {
    "accurate": ([(8, 1.0)], 8),
    "jurnal": ([(40, 60.0), (1800, 3600.0)], None),
}


class Limits(NamedTuple):
    """The limits one credential is held to."""

    windows: list  # [(max requests, seconds)]
    max_in_flight: int | None


@runtime_checkable
class Limiter(Protocol):
    """What the transport needs of a rate limiter (``ConnectionConfig.limiter``).

    - ``acquire() -> stamp``: wait for a free slot (at most the limiter's own
      ``max_wait`` seconds) and take it; the stamp is anything ``release``
      understands. When the wait would be longer, raise
      :class:`~.errors.RateLimitedError` with ``retry_after`` (seconds) and
      take nothing.
    - ``release(stamp)``: the request's answer came (or it failed): free the
      in-flight place; a limiter may recount the request at this moment.
    - ``slot()``: a context manager doing ``acquire`` then ``release``.
    """

    def acquire(self): ...

    def release(self, stamp=None): ...

    def slot(self): ...


def check_windows(windows, max_in_flight=None, max_wait=None):
    """``windows`` as ``[(int, float)]``, or ConfigurationError saying which
    value is wrong (a count or a length that is not a positive number)."""
    try:
        pairs = [(n, s) for n, s in windows]
    except (TypeError, ValueError):
        raise ConfigurationError(code="settings.rate_limit_shape", params={"value": windows}) from None
    out = []
    for n, s in pairs:
        if not _positive(n) or float(n) != int(n) or not _positive(s):
            raise ConfigurationError(code="settings.rate_limit_window", params={"requests": n, "seconds": s})
        out.append((int(n), float(s)))
    if max_in_flight is not None and (not _positive(max_in_flight) or float(max_in_flight) != int(max_in_flight)):
        raise ConfigurationError(code="settings.in_flight", params={"value": max_in_flight})
    if max_wait is not None and (not _number(max_wait) or max_wait < 0):
        raise ConfigurationError(code="settings.max_wait", params={"value": max_wait})
    return out


def _number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _positive(value):
    return _number(value) and value > 0


def default_windows(config):
    """The :class:`Limits` a connection is held to: ``config.rate_limits``
    and ``config.max_in_flight`` where set, else the provider's own
    (Accurate 8/s with 8 in flight; Jurnal 40/min and 1,800/h). Raises
    ConfigurationError for an unknown provider or a malformed override."""
    try:
        windows, in_flight = PROVIDER_LIMITS[config.provider]
    except KeyError:
        raise ConfigurationError(code="settings.unknown_provider", params={"provider": config.provider}) from None
    return Limits(check_windows(config.rate_limits or windows),
                  config.max_in_flight if config.max_in_flight is not None else in_flight)


def limiter_key(config):
    """The credential a limit belongs to, as a string safe to store or log
    (hashed: it never holds a secret). Connections sharing a credential
    share the key."""
    if config.provider == "accurate":
        ident = config.api_token or "db:%s" % config.database_id
    else:
        ident = config.client_id or "key:" + config.api_key
    return "%s:%s" % (config.provider, hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16])


class RateLimiter:
    """Sliding windows plus a cap on requests in flight.

    ``windows`` is a list of ``(max_requests, seconds)``. ``acquire`` waits
    for a free slot up to ``max_wait`` seconds, then raises
    :class:`RateLimitedError` with how long to wait, so that a worker never
    sleeps for a whole minute holding a job.
    """

    def __init__(self, windows, max_in_flight=None, max_wait=5.0, clock=time.monotonic):
        self.windows = check_windows(windows, max_in_flight, max_wait)
        self.max_in_flight = max_in_flight
        self.max_wait = max_wait
        self._clock = clock
        longest = max((n for n, _s in self.windows), default=0)
        self._sent = collections.deque(maxlen=longest or None)
        self._in_flight = 0
        self._cond = threading.Condition()

    def _wait_needed(self, now):
        wait = 0.0
        for limit, seconds in self.windows:
            recent = sorted(t for t in self._sent if t > now - seconds)
            if len(recent) >= limit:
                wait = max(wait, recent[-limit] + seconds - now)
        if self.max_in_flight and self._in_flight >= self.max_in_flight:
            wait = max(wait, 0.01)
        return wait

    def acquire(self):
        deadline = self._clock() + self.max_wait
        with self._cond:
            while True:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._sent.append(now)
                    self._in_flight += 1
                    return now
                if now + wait > deadline:
                    raise RateLimitedError(code="http.local_rate_limit", params={"seconds": max(wait, 1)},
                                           retry_after=wait)
                self._cond.wait(min(wait, deadline - now))

    def release(self, stamp=None):
        """End a request. Its window entry moves from send time to answer
        time: the provider counted it somewhere in between, so counting it
        at the later end never lets a burst through at the window's edge."""
        with self._cond:
            self._in_flight = max(0, self._in_flight - 1)
            if stamp is not None:
                try:
                    self._sent.remove(stamp)
                except ValueError:
                    pass  # already pushed out of the window
                self._sent.append(self._clock())
            self._cond.notify_all()

    @contextmanager
    def slot(self):
        stamp = self.acquire()
        try:
            yield
        finally:
            self.release(stamp)


_registry = {}
_registry_lock = threading.Lock()


def limiter_for(key, windows, max_in_flight=None, max_wait=5.0):
    """The process-wide limiter of one credential (created on first use)."""
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None or limiter.windows != check_windows(windows):
            limiter = _registry[key] = RateLimiter(windows, max_in_flight, max_wait)
        return limiter


def limiter_for_config(config):
    """The limiter a client of ``config`` sends through: ``config.limiter``
    when the caller shares one across processes, else this process's own
    for the credential (:func:`limiter_key`, :func:`default_windows`)."""
    if config.limiter is not None:
        return config.limiter  # checked by ConnectionConfig.check
    limits = default_windows(config)
    return limiter_for(limiter_key(config), limits.windows, limits.max_in_flight, config.max_wait)
