"""The providers' rate limits as the sandbox enforces them (when the
server's ``rate_limits`` is on), in each provider's words.

- Jurnal (jurnal-notes.md, [RATELIMIT] the help centre; [FIELD] measured):
  fixed windows on the clock, counters reset at each minute and hour, per
  consumer (the credential: HMAC username or legacy ``apikey``; 30/min and
  1,800/h) and per IP address (every consumer calling from it; 40/min and
  2,500/h). Above either: 429 ``{"message":"API rate limit exceeded"}``,
  bare: no Retry-After. The monthly API package (off unless ``monthly`` is
  set): past it, 429 with "Monthly limit exceeded..." for the rest of the
  month. Every answer carries ``X-RateLimit-Limit-Minute``/``-Hour`` and
  ``X-RateLimit-Remaining-Minute``/``-Hour`` of the consumer (the names are
  the help centre's; the remaining ones are UNCONFIRMED there).
- Accurate (accurate-notes.md pitfall 8, [COMMUNITY]; its 429 is
  UNCONFIRMED, so the answer keeps the sandbox's earlier shape: 429
  ``{"s": false, "d": ["Terlalu banyak request..."]}`` with Retry-After 1):
  8 requests in any sliding second and 8 in flight per token.

``limits`` (admin ``POST /_sandbox/config {"limits": {...}}``) shrinks or
changes them, e.g. a 2-second "minute" for fast tests::

    {"jurnal": {"consumer": [[30, 2], [1800, 120]], "address": [[40, 2], [2500, 120]],
                "monthly": 500},
     "accurate": {"credential": [[8, 1]], "in_flight": 8}}
"""

import collections
import copy
import math
import threading
import time

from .base import BadInput
from .faults import QUOTA_MESSAGE

DEFAULT_LIMITS = {
    "jurnal": {"consumer": [(30, 60.0), (1800, 3600.0)], "address": [(40, 60.0), (2500, 3600.0)],
               "monthly": None},
    "accurate": {"credential": [(8, 1.0)], "in_flight": 8},
}


def checked_limits(value, current):
    """``current`` updated with the admin's ``value``; BadInput naming the bad part."""
    if not isinstance(value, dict):
        raise BadInput("limits must be an object by provider (jurnal, accurate)")
    out = copy.deepcopy(current)
    for provider, spec in value.items():
        if provider not in DEFAULT_LIMITS:
            raise BadInput("limits: unknown provider %r; one of jurnal, accurate" % provider)
        if spec is None:
            out[provider] = copy.deepcopy(DEFAULT_LIMITS[provider])
            continue
        if not isinstance(spec, dict):
            raise BadInput("limits.%s must be an object" % provider)
        for key, item in spec.items():
            if key not in DEFAULT_LIMITS[provider]:
                raise BadInput("limits.%s: unknown limit %r; one of %s"
                               % (provider, key, ", ".join(DEFAULT_LIMITS[provider])))
            if key in ("monthly", "in_flight"):
                if item is not None and (isinstance(item, bool) or not isinstance(item, int) or item < 1):
                    raise BadInput("limits.%s.%s must be a whole number of 1 or more, or null" % (provider, key))
                out[provider][key] = item
                continue
            try:
                windows = [(int(n), float(s)) for n, s in item]
            except (TypeError, ValueError):
                raise BadInput("limits.%s.%s must be a list of [requests, seconds]" % (provider, key)) from None
            if any(n < 1 or not s > 0 or not math.isfinite(s) for n, s in windows):
                raise BadInput("limits.%s.%s: each window allows 1 or more requests over more than 0 s"
                               % (provider, key))
            out[provider][key] = windows
    return out


class Limits:
    """The counters; one lock. ``now`` is the sandbox's clock (epoch s)."""

    def __init__(self, now):
        self._now = now
        self._lock = threading.Lock()
        self.config = copy.deepcopy(DEFAULT_LIMITS)
        self.reset()

    def reset(self):
        with self._lock:
            self._fixed = collections.Counter()  # (scope, key, seconds, window index) -> count
            self._month = collections.Counter()  # (consumer, "YYYY-MM") -> count
            self._arrivals = collections.defaultdict(collections.deque)  # accurate token -> times
            self._in_flight = collections.Counter()
            #: for benches: the most requests in flight seen per provider, 429s by kind
            self.peak_in_flight = collections.Counter()
            self.refused = collections.Counter()

    # --- Jurnal -------------------------------------------------------------
    def jurnal_check(self, consumer, address):
        """None when allowed (the request is counted), else ``(kind, body)``:
        kind "window" (bare rate limit) or "monthly"; and the consumer's
        headers for the answer."""
        conf = self.config["jurnal"]
        now = self._now()
        month = time.strftime("%Y-%m", time.gmtime(now))
        with self._lock:
            if conf["monthly"] and self._month[(consumer, month)] >= conf["monthly"]:
                self.refused["jurnal_monthly"] += 1
                return ("monthly", {"message": QUOTA_MESSAGE}), self._headers(consumer, now)
            slots = [("consumer", consumer, n, s) for n, s in conf["consumer"]]
            slots += [("address", address, n, s) for n, s in conf["address"]]
            counters = [((scope, key, s, math.floor(now / s)), n) for scope, key, n, s in slots]
            if any(self._fixed[c] >= n for c, n in counters):
                self.refused["jurnal_window"] += 1
                return ("window", {"message": "API rate limit exceeded"}), self._headers(consumer, now)
            for c, _n in counters:
                self._fixed[c] += 1
            self._month[(consumer, month)] += 1
            return None, self._headers(consumer, now)

    def _headers(self, consumer, now):
        out = {}
        for name, (n, s) in zip(("Minute", "Hour"), self.config["jurnal"]["consumer"][:2], strict=False):
            used = self._fixed[("consumer", consumer, s, math.floor(now / s))]
            out["X-RateLimit-Limit-%s" % name] = str(n)
            out["X-RateLimit-Remaining-%s" % name] = str(max(n - used, 0))
        return out

    def month_count(self, consumer):
        """Requests this consumer was allowed in the sandbox's current month."""
        with self._lock:
            return self._month[(consumer, time.strftime("%Y-%m", time.gmtime(self._now())))]

    # --- Accurate -------------------------------------------------------------
    def accurate_enter(self, token):
        """True when the request may go on (it is then in flight until
        :meth:`accurate_leave`), False when it is answered 429."""
        conf = self.config["accurate"]
        now = time.monotonic()
        with self._lock:
            hits = self._arrivals[token]
            longest = max((s for _n, s in conf["credential"]), default=0)
            while hits and hits[0] <= now - longest:
                hits.popleft()
            if conf["in_flight"] and self._in_flight[token] >= conf["in_flight"]:
                self.refused["accurate_in_flight"] += 1
                return False
            for limit, seconds in conf["credential"]:
                if sum(1 for t in hits if t > now - seconds) >= limit:
                    self.refused["accurate_rate"] += 1
                    return False
            hits.append(now)
            self._in_flight[token] += 1
            self.peak_in_flight["accurate"] = max(self.peak_in_flight["accurate"], sum(self._in_flight.values()))
            return True

    def accurate_leave(self, token):
        with self._lock:
            self._in_flight[token] = max(self._in_flight[token] - 1, 0)

    def stats(self):
        with self._lock:
            return {"peak_in_flight": dict(self.peak_in_flight), "refused": dict(self.refused)}
