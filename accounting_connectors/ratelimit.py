"""Client-side rate limiting, per scope: the credential, and for Jurnal
also the server's outgoing address.

The limits are the providers' published ones (see :data:`PUBLISHED`):
Accurate 8 requests/s and 8 in flight per credential (accurate-notes.md,
pitfall 8: "Throttle to 8 rps and 8 in-flight", [COMMUNITY]); Jurnal 30/min
and 1,800/h per consumer, 40/min and 2,500/h per IP address (jurnal-notes.md,
[RATELIMIT] the help centre's "Batasan Tarif API"). A request takes a slot
in every scope it belongs to (:func:`scopes_for`). :class:`RateLimiter`
is one scope in this process; :class:`ScopedLimiter` takes a slot in
several. Several processes sharing one credential (Odoo workers, servers)
must share one limiter instead: the caller then builds an object with the
:class:`Limiter` interface (shared through its database, say) and passes it
as ``ConnectionConfig.limiter``; the transport uses it in place of
:func:`limiter_for`.

A bare 429 (no Retry-After, as Jurnal answers) is not retried at once:
``throttled(None)`` closes the scope whose window tripped until that window
rolls (Jurnal's counters reset at each minute and hour), so no retry storm.
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
#: of one credential (Jurnal: one consumer, an API key or an OAuth/HMAC client)
PROVIDER_LIMITS = {
    "accurate": ([(8, 1.0)], 8),
    "jurnal": ([(30, 60.0), (1800, 3600.0)], None),
}
#: provider -> windows of one outgoing IP address, shared by every consumer
#: and every worker and server sending from it (Jurnal only)
ADDRESS_LIMITS = {
    "jurnal": [(40, 60.0), (2500, 3600.0)],
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
    - optional ``throttled(retry_after) -> seconds``: the provider answered
      429; send nothing for ``retry_after`` seconds, or (None: a bare 429)
      until the tripped window rolls. Without it the engine waits 60 s.
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
    per credential (Accurate 8/s with 8 in flight; Jurnal 30/min and
    1,800/h per consumer; its per-address scope is :func:`scopes_for`'s). Raises
    ConfigurationError for an unknown provider or a malformed override."""
    try:
        windows, in_flight = PROVIDER_LIMITS[config.provider]
    except KeyError:
        raise ConfigurationError(code="settings.unknown_provider", params={"provider": config.provider}) from None
    return Limits(check_windows(config.rate_limits or windows),
                  config.max_in_flight if config.max_in_flight is not None else in_flight)


#: providers whose counters are fixed windows on the clock (Jurnal: "the
#: counters reset each minute and hour"); the others' are taken as sliding
FIXED_WINDOWS = ("jurnal",)


class Scope(NamedTuple):
    """One counter a request is held to: ``key`` (safe to store, never a
    secret), ``windows`` ``[(max requests, seconds)]``, ``max_in_flight``
    (or None), ``kind`` ("credential" or "address") and ``fixed`` (the
    provider's windows restart on the clock: see :func:`window_wait`)."""

    key: str
    windows: list
    max_in_flight: int | None
    kind: str
    fixed: bool = False


def window_wait(windows, stamps, now, fixed=False):
    """Seconds until ``windows`` ``[(n, seconds)]`` allow one more request
    (0: now), given ``stamps`` (epoch seconds of the requests counted; one
    after ``now`` is still in flight and counts everywhere).

    Sliding: at most n in any ``seconds``. Fixed (the provider's counters
    restart on the clock, as Jurnal's): at most n since the window began,
    the window taken to begin a margin earlier (:func:`window_roll`'s) so
    that a clock of the provider's a little ahead of ours never counts a
    request twice against us; a full window waits for the next start."""
    wait = 0.0
    for limit, seconds in windows:
        if fixed:
            start = math.floor(now / seconds) * seconds - min(seconds * 0.02, 1.0)
            if sum(1 for s in stamps if s >= start) >= limit:
                wait = max(wait, start + min(seconds * 0.02, 1.0) + seconds - now)
            continue
        recent = sorted(s for s in stamps if s > now - seconds)
        if len(recent) >= limit:
            wait = max(wait, recent[-limit] + seconds - now)
    return wait


def address_key(config):
    """The counter of the outgoing address: ``<provider>:ip:<label>``; the
    label is ``config.outgoing_address`` ("" = this host's one address)."""
    label = (getattr(config, "outgoing_address", "") or "default").strip()
    return "%s:ip:%s" % (config.provider, hashlib.sha256(label.encode("utf-8")).hexdigest()[:16])


def scopes_for(config):
    """Every :class:`Scope` a request of ``config`` takes a slot in, the
    credential first. Jurnal adds its per-address scope, with the published
    windows, unless the connection overrides its windows without giving the
    address's (``rate_limits`` set, ``address_limits`` None: a sandbox or a
    plan of its own) or passes ``address_limits=[]`` (no address counter).
    Raises ConfigurationError as :func:`default_windows`."""
    limits = default_windows(config)
    fixed = config.provider in FIXED_WINDOWS
    scopes = [Scope(limiter_key(config), limits.windows, limits.max_in_flight, "credential", fixed)]
    published = ADDRESS_LIMITS.get(config.provider)
    address = getattr(config, "address_limits", None)
    if address is None and published and not config.rate_limits:
        address = published
    if address:
        scopes.append(Scope(address_key(config), check_windows(address), None, "address", fixed))
    return scopes


def window_roll(now, seconds, margin=None):
    """Seconds from ``now`` (epoch seconds) until a fixed window of
    ``seconds`` rolls over, as Jurnal's counters do (aligned on the clock:
    the minute, the hour), plus a margin for the clocks' difference (2% of
    the window, at most 1 s)."""
    margin = min(seconds * 0.02, 1.0) if margin is None else margin
    return (math.floor(now / seconds) + 1) * seconds - now + margin


def tripped_roll(scopes_stamps, now):
    """For a bare 429: ``(scope index, seconds to wait)`` of the window most
    likely to have tripped: the fullest by our own count of requests in its
    current fixed window (on a tie the longer window, so that waiting never
    trips twice). ``scopes_stamps``: ``[(windows, stamps)]``, stamps in
    epoch seconds; a stamp after ``now`` is a request still in flight."""
    best = None
    for index, (windows, stamps) in enumerate(scopes_stamps):
        for limit, seconds in windows:
            start = math.floor(now / seconds) * seconds
            share = sum(1 for s in stamps if s >= start) / float(limit)
            if best is None or (share, seconds) > best[:2]:
                best = (share, seconds, index)
    if best is None:
        return 0, window_roll(now, 60.0)
    return best[2], window_roll(now, best[1])


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
    """Sliding windows plus a cap on requests in flight, for one scope.

    ``windows`` is a list of ``(max_requests, seconds)``. ``acquire`` waits
    for a free slot up to ``max_wait`` seconds, then raises
    :class:`RateLimitedError` with how long to wait, so that a worker never
    sleeps for a whole minute holding a job. A sliding window of n per s
    never lets more than n through in any fixed window of s either (the
    provider's counters). The clock is epoch seconds, as the provider's
    windows roll on the clock.
    """

    def __init__(self, windows, max_in_flight=None, max_wait=5.0, clock=time.time, fixed=False):
        self.windows = check_windows(windows, max_in_flight, max_wait)
        self.fixed = fixed
        self.max_in_flight = max_in_flight
        self.max_wait = max_wait
        self._clock = clock
        longest = max((n for n, _s in self.windows), default=0)
        self._sent = collections.deque(maxlen=longest or None)
        self._in_flight = 0
        self._closed_until = 0.0
        self._cond = threading.Condition()

    def _wait_needed(self, now):
        wait = max(self._closed_until - now, window_wait(self.windows, self._sent, now, self.fixed), 0.0)
        if self.max_in_flight and self._in_flight >= self.max_in_flight:
            wait = max(wait, 0.01)
        return wait

    def try_acquire(self):
        """Take a slot now -> (stamp, 0.0), or (None, seconds to wait)."""
        with self._cond:
            now = self._clock()
            wait = self._wait_needed(now)
            if wait > 0:
                return None, wait
            self._sent.append(now)
            self._in_flight += 1
            return now, 0.0

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
        at the later end never lets a burst through at the window's edge.
        With a cap on requests in flight (Accurate) it stays at send time:
        the cap bounds what reaches the provider at once, and a long answer
        time would otherwise hold a slot of the window for nothing."""
        with self._cond:
            self._in_flight = max(0, self._in_flight - 1)
            if stamp is not None and not self.max_in_flight:
                try:
                    self._sent.remove(stamp)
                except ValueError:
                    pass  # already pushed out of the window
                self._sent.append(self._clock())
            self._cond.notify_all()

    def cancel(self, stamp):
        """Give back a slot taken by ``acquire`` whose request never left."""
        with self._cond:
            self._in_flight = max(0, self._in_flight - 1)
            try:
                self._sent.remove(stamp)
            except ValueError:
                pass
            self._cond.notify_all()

    def stamps(self):
        """Epoch seconds of the requests counted in the windows."""
        with self._cond:
            return list(self._sent)

    def close_for(self, seconds):
        """Send nothing for ``seconds`` (the provider said 429)."""
        with self._cond:
            self._closed_until = max(self._closed_until, self._clock() + seconds)

    def throttled(self, retry_after=None):
        """The provider answered 429. With ``retry_after`` (seconds, its
        Retry-After) wait that long; without (Jurnal's bare 429) wait until
        the window rolls. Returns the seconds nothing is sent."""
        if retry_after is None:
            _index, retry_after = tripped_roll([(self.windows, self.stamps())], self._clock())
        self.close_for(retry_after)
        return retry_after

    @contextmanager
    def slot(self):
        stamp = self.acquire()
        try:
            yield
        finally:
            self.release(stamp)


class ScopedLimiter:
    """A slot in every one of ``limiters`` (one per :class:`Scope`, each a
    :class:`RateLimiter`), taken together or not at all: a request never
    holds one scope's slot while it waits for another's."""

    def __init__(self, limiters, max_wait=5.0, clock=time.time):
        self.limiters = list(limiters)
        self.max_wait = max_wait
        self._clock = clock

    def acquire(self):
        deadline = self._clock() + self.max_wait
        while True:
            taken, wait = [], 0.0
            for limiter in self.limiters:
                stamp, wait = limiter.try_acquire()
                if stamp is None:
                    break
                taken.append((limiter, stamp))
            else:
                return [stamp for _limiter, stamp in taken]
            for limiter, stamp in taken:
                limiter.cancel(stamp)
            now = self._clock()
            if now + wait > deadline:
                raise RateLimitedError(code="http.local_rate_limit", params={"seconds": max(wait, 1)},
                                       retry_after=wait)
            time.sleep(min(max(wait, 0.005), deadline - now))

    def release(self, stamp=None):
        for limiter, one in zip(self.limiters, stamp or [None] * len(self.limiters), strict=True):
            limiter.release(one)

    def throttled(self, retry_after=None):
        """As :meth:`RateLimiter.throttled`: with ``retry_after`` every scope
        waits; a bare 429 closes the scope whose window tripped."""
        if retry_after is not None:
            for limiter in self.limiters:
                limiter.close_for(retry_after)
            return retry_after
        index, wait = tripped_roll([(lim.windows, lim.stamps()) for lim in self.limiters], self._clock())
        self.limiters[index].close_for(wait)
        return wait

    slot = RateLimiter.slot


_registry = {}
_registry_lock = threading.Lock()


def limiter_for(key, windows, max_in_flight=None, max_wait=5.0, fixed=False):
    """The process-wide limiter of one scope (created on first use)."""
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None or limiter.windows != check_windows(windows) or limiter.fixed != fixed:
            limiter = _registry[key] = RateLimiter(windows, max_in_flight, max_wait, fixed=fixed)
        return limiter


def limiter_for_config(config):
    """The limiter a client of ``config`` sends through: ``config.limiter``
    when the caller shares one across processes, else this process's own,
    one per scope (:func:`scopes_for`)."""
    if config.limiter is not None:
        return config.limiter  # checked by ConnectionConfig.check
    scopes = scopes_for(config)
    limiters = [limiter_for(scope.key, scope.windows, scope.max_in_flight, config.max_wait, scope.fixed)
                for scope in scopes]
    return limiters[0] if len(limiters) == 1 else ScopedLimiter(limiters, config.max_wait)
