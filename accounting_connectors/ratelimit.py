"""Client-side rate limiting, one limiter per credential.

The limits are the providers' (Accurate: 8 requests/s and 8 in flight per
token; Jurnal: 40/min and 1,800/h per consumer). Limiters live in this
process; several Odoo workers each keep their own, so a connection's limits
should be divided by the worker count when several crons drain one
connection (the engine does).
"""

import collections
import threading
import time
from contextlib import contextmanager

from .errors import RateLimitedError


class RateLimiter:
    """Sliding windows plus a cap on requests in flight.

    ``windows`` is a list of ``(max_requests, seconds)``. ``acquire`` waits
    for a free slot up to ``max_wait`` seconds, then raises
    :class:`RateLimitedError` with how long to wait, so that a worker never
    sleeps for a whole minute holding a job.
    """

    def __init__(self, windows, max_in_flight=None, max_wait=5.0, clock=time.monotonic):
        self.windows = [(int(n), float(s)) for n, s in windows]
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
                    raise RateLimitedError(
                        "Too many requests for this connection; waiting %.0f s "
                        "before sending more." % max(wait, 1),
                        retry_after=wait,
                    )
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
        if limiter is None or limiter.windows != [(int(n), float(s)) for n, s in windows]:
            limiter = _registry[key] = RateLimiter(windows, max_in_flight, max_wait)
        return limiter
