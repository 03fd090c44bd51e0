"""Rate limits for every Odoo worker and server, one row per scope.

The providers limit a credential, not a process (Accurate 8 requests/s and
8 in flight per token; Jurnal 30/min and 1,800/h per consumer), and Jurnal
also each outgoing IP address (40/min and 2,500/h, whatever the consumer):
:func:`accounting_connectors.ratelimit.scopes_for`. The sliding window of
each scope is a row of ``accounting_rate_limit``: the moments (database
clock, epoch seconds) its recent requests were counted. A request takes a
slot in all its scopes at once (rows locked in key order). A request in
flight is counted at the latest moment its answer may come (now + the
request timeout), so it fills every window until its answer moves it to the
answer time; a crashed process's request simply ages out. A 429 closes a
scope (``closed_until``) until the provider's window rolls.

The credential's row also counts the month's requests (``month``,
``month_count``: one per request that really left), for the quota share of
Jurnal's monthly API package.

Every read-modify-write of a row is one short transaction on its own
cursor, committed at once: no lock is held across the HTTP call, and
nothing depends on a database session (works behind a transaction-mode
pooler).
"""

import logging
import random
import time
from contextlib import contextmanager

import psycopg2

from datetime import datetime

import pytz

from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate
from odoo.sql_db import db_connect
from odoo.tools import config as odoo_config

from accounting_connectors.errors import ConnectorError, RateLimitedError, TransientError
from accounting_connectors.ratelimit import (
    ADDRESS_LIMITS, PROVIDER_LIMITS, RateLimiter, Scope, scopes_for, tripped_roll, window_wait,
)

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

#: (provider, scope kind) -> where the published figure comes from, shown
#: beside the limit (jurnal-notes.md [RATELIMIT]; accurate-notes.md pitfall 8)
PUBLISHED = {
    ("accurate", "credential"): _lt("Accurate: 8 requests/s and 8 in flight per credential, the figure "
                                    "integrators publish; Accurate publishes none"),
    ("jurnal", "credential"): _lt("Jurnal help centre: 30/min and 1,800/h per consumer"),
    ("jurnal", "address"): _lt("Jurnal help centre: 40/min and 2,500/h per IP address"),
}

#: how often a caller waiting for a request in flight to end looks again (s)
POLL = 0.02
#: the month a request is counted in: the quota's own calendar (Asia/Jakarta)
QUOTA_TZ = "Asia/Jakarta"
MONTH_SQL = "to_char(clock_timestamp() AT TIME ZONE '%s', 'YYYY-MM')" % QUOTA_TZ
#: the share of the monthly package from which the digest warns (%)
QUOTA_WARNING = 80.0
#: odoo.conf option naming this server's outgoing address: servers with the
#: same value (or none) share Jurnal's per-address counter
OUTGOING_OPTION = "accounting_sync_outgoing_address"


class AccountingRateLimit(models.Model):
    """The shared sliding window of one credential (rows are written by
    :class:`SharedRateLimiter` in raw SQL; the key is a hash, never a secret)."""

    _name = "accounting.rate.limit"
    _description = "Accounting Sync Shared Rate Limit"
    _log_access = False

    key = fields.Char(required=True, readonly=True,
                      help="Provider and hashed credential, or hashed outgoing address (Jurnal's per-IP limit).")
    month = fields.Char(readonly=True, help="The month (YYYY-MM, Asia/Jakarta) the count below is of.")
    month_count = fields.Integer(
        string="Requests this Month", readonly=True,
        help="Requests sent with this credential this month, by every worker and server.")
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, ondelete="set null",
        help="The company of the connection whose request created the row (its record rule).")

    _sql_constraints = [
        ("key_uniq", "unique(key)", "This credential already has a rate limit row."),
    ]

    # --- what a connection is held to (ConnectionConfig's limits) -----------------------
    @api.model
    def _config_limits(self, conn):
        """``ConnectionConfig`` keyword arguments for ``conn``'s limits: the
        published figures unless a field overrides one. The older single
        override ``rate_limit_per_minute`` (a sandbox, a plan of its own)
        replaces the credential's windows and, unless the address fields
        are set, the address counter."""
        jurnal = conn.provider == "jurnal"
        out = {"outgoing_address": odoo_config.get(OUTGOING_OPTION) or ""} if jurnal else {}
        if conn.rate_limit_per_minute:
            out["rate_limits"] = [(conn.rate_limit_per_minute, 60.0)]
        if not jurnal:
            if conn.accurate_per_second and not conn.rate_limit_per_minute:
                out["rate_limits"] = [(conn.accurate_per_second, 1.0)]
            if conn.accurate_in_flight:
                out["max_in_flight"] = conn.accurate_in_flight
            return out
        (per_min, _m), (per_hour, _h) = PROVIDER_LIMITS["jurnal"][0]
        if (conn.jurnal_consumer_per_minute or conn.jurnal_consumer_per_hour) and not conn.rate_limit_per_minute:
            out["rate_limits"] = [(conn.jurnal_consumer_per_minute or per_min, 60.0),
                                  (conn.jurnal_consumer_per_hour or per_hour, 3600.0)]
        (ip_min, _m), (ip_hour, _h) = ADDRESS_LIMITS["jurnal"]
        if conn.jurnal_address_per_minute or conn.jurnal_address_per_hour:
            out["address_limits"] = [(conn.jurnal_address_per_minute or ip_min, 60.0),
                                     (conn.jurnal_address_per_hour or ip_hour, 3600.0)]
        elif "rate_limits" in out and not conn.rate_limit_per_minute:
            out["address_limits"] = ADDRESS_LIMITS["jurnal"]
        return out

    @api.model
    def _limit_sources(self, conn):
        """The limits ``conn`` is held to, one line per scope, each with
        where its figure comes from (the provider's published figure, or
        this connection's own)."""
        if not conn.provider:
            return ""
        try:
            scopes = scopes_for(conn._connection_config())
        except ConnectorError:
            return ""
        lines = []
        for scope in scopes:
            figures = ", ".join(_("%(n)s per %(period)s", n=n, period=self._period(seconds))
                                for n, seconds in scope.windows)
            if scope.max_in_flight:
                figures += ", " + _("%(n)s in flight", n=scope.max_in_flight)
            published = str(PUBLISHED.get((conn.provider, scope.kind), ""))
            own = [list(w) for w in scope.windows] != [list(w) for w in (
                PROVIDER_LIMITS[conn.provider][0] if scope.kind == "credential" else ADDRESS_LIMITS[conn.provider])]
            source = _("set on this connection") if own or (
                scope.kind == "credential" and conn.provider == "accurate" and conn.accurate_in_flight) else published
            what = _("Per server address") if scope.kind == "address" else _("Per credential")
            lines.append("%s: %s (%s)" % (what, figures, source))
        if conn.provider == "jurnal" and len(scopes) == 1:
            lines.append(_("Per server address: not counted (the requests per minute above replace the "
                           "published limits)"))
        return "\n".join(lines)

    @api.model
    def _period(self, seconds):
        """A window's length in words: second, minute, hour, else seconds."""
        names = {1.0: _("second"), 60.0: _("minute"), 3600.0: _("hour")}
        return names.get(float(seconds)) or _("%(s)s s", s=seconds)

    # --- the monthly quota ------------------------------------------------------------
    @api.model
    def _current_month(self):
        return datetime.now(pytz.utc).astimezone(pytz.timezone(QUOTA_TZ)).strftime("%Y-%m")

    @api.model
    def _quota_of(self, conn):
        """``(requests this month, share of the package in %)`` of ``conn``'s
        credential; the share is 0 without a package (or for Accurate)."""
        if not conn.id or not conn.provider:
            return 0, 0.0
        # the workers commit the count on their own cursors: read the latest
        # committed figure, not this transaction's snapshot of it
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("SELECT month, month_count FROM accounting_rate_limit WHERE key = %s",
                       [conn._limiter_key()])
            row = cr.fetchone()
        count = row[1] if row and row[0] == self._current_month() else 0
        package = conn.jurnal_monthly_package if conn.provider == "jurnal" else 0
        return count, (100.0 * count / package if package else 0.0)

    @api.model
    def _digest_sections(self, conn):
        """The digest's warning once the month's requests pass 80% of the
        Jurnal package (``_digest_sections``' shape)."""
        count, share = self._quota_of(conn)
        if conn.provider != "jurnal" or not conn.jurnal_monthly_package or share < QUOTA_WARNING:
            return []
        line = _("%(count)s of the %(package)s requests of this month's Jurnal API package are used (%(share)s%%). "
                 "Past the package, Jurnal refuses every request until next month: raise the package, or "
                 "put off a backfill.", count=count, package=conn.jurnal_monthly_package, share=int(share))
        return [(_("Monthly API package"), [(line, False)], 0, False)]

    def init(self):
        self.env.cr.execute("""ALTER TABLE accounting_rate_limit
                               ADD COLUMN IF NOT EXISTS stamps double precision[] NOT NULL DEFAULT '{}'""")
        self.env.cr.execute("""ALTER TABLE accounting_rate_limit
                               ADD COLUMN IF NOT EXISTS closed_until double precision NOT NULL DEFAULT 0""")


class SharedRateLimiter:
    """``accounting_connectors.ratelimit.Limiter`` over PostgreSQL.

    :param dbname: the Odoo database holding ``accounting_rate_limit``
    :param key: ``ratelimit.limiter_key(config)`` (hashed credential), or
        None when ``scopes`` are given
    :param windows: ``[(max requests, seconds)]`` of ``key``
    :param max_in_flight: cap on requests without an answer yet, or None
    :param scopes: ``[ratelimit.Scope]`` (``scopes_for(config)``), the
        credential first; replaces key/windows/max_in_flight
    :param max_wait: seconds ``acquire`` may wait before RateLimitedError
    :param request_seconds: the longest a request may take (its timeout)
    :param before_request: called (no argument) before each slot is taken,
        e.g. to renew the job's lease; what it raises propagates.
    :param connect: returns a new Odoo cursor (tests pass a pooled one)
    :param company_id: id of the company the rows are recorded for when this
        limiter creates them (their record rule), or None
    """

    def __init__(self, dbname, key=None, windows=None, max_in_flight=None, max_wait=5.0, request_seconds=30.0,
                 before_request=None, connect=None, company_id=None, scopes=None):
        self.scopes = list(scopes or [Scope(key, [(int(n), float(s)) for n, s in windows], max_in_flight,
                                            "credential")])
        self.company_id = company_id
        self.max_wait = float(max_wait)
        self.request_seconds = float(request_seconds)
        self.before_request = before_request
        self._connect = connect or (lambda: db_connect(dbname).cursor())

    # the credential's scope (tests and callers name the limiter by it)
    @property
    def key(self):
        return self.scopes[0].key

    @key.setter
    def key(self, value):
        self.scopes[0] = self.scopes[0]._replace(key=value)

    @property
    def windows(self):
        return self.scopes[0].windows

    @property
    def max_in_flight(self):
        return self.scopes[0].max_in_flight

    @contextmanager
    def _rows(self):
        """(cursor, {key: [stamps, closed_until]}, db now) of every scope's
        row, locked in key order for one short transaction that commits
        when the block ends."""
        keys = sorted({scope.key for scope in self.scopes})
        try:
            with self._connect() as cr:
                # READ COMMITTED: the row lock queues the callers, each then
                # reads the latest stamps (REPEATABLE READ would refuse them)
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute("SET LOCAL lock_timeout = '5s'")
                for _i in range(2):
                    cr.execute("""SELECT key, stamps, closed_until, extract(epoch FROM clock_timestamp())
                                    FROM accounting_rate_limit WHERE key = ANY(%s) ORDER BY key FOR UPDATE""",
                               [keys])
                    rows = cr.fetchall()
                    if len(rows) == len(keys):
                        break
                    # the company as this (separate) transaction sees it: one not yet
                    # committed by the caller's transaction leaves the row without one
                    for key in sorted(set(keys) - {r[0] for r in rows}):
                        cr.execute("""INSERT INTO accounting_rate_limit (key, company_id)
                                      SELECT %s, (SELECT id FROM res_company WHERE id = %s)
                                      ON CONFLICT (key) DO NOTHING""", [key, self.company_id])
                yield cr, {r[0]: [list(r[1]), float(r[2])] for r in rows}, float(rows[0][3])
        except psycopg2.Error as exc:
            raise TransientError("Could not take a rate-limit slot for this connection: %s"
                                 % type(exc).__name__) from None

    def _save(self, cr, key, stamps, closed_until=None, count=False):
        sets, args = ["stamps = %s"], [stamps]
        if closed_until is not None:
            sets.append("closed_until = %s")
            args.append(closed_until)
        if count:  # a request that really leaves: the month's count (a new month starts at 1)
            sets.append(f"""month_count = CASE WHEN month = {MONTH_SQL} THEN month_count + 1 ELSE 1 END,
                           month = {MONTH_SQL}""")
        cr.execute("UPDATE accounting_rate_limit SET %s WHERE key = %%s" % ", ".join(sets), args + [key])

    @staticmethod
    def _wait_needed(scope, stamps, closed_until, now):
        """Seconds until this scope has a slot (0 = free now), and whether
        only a request in flight blocks (its end is unknown: poll)."""
        wait, in_flight_only = max(closed_until - now, 0.0), closed_until <= now
        windowed = window_wait(scope.windows, stamps, now, scope.fixed)
        if windowed > 0:
            # only requests in flight fill it: their answers may free it sooner than the window
            in_flight_only = in_flight_only and window_wait(
                scope.windows, [s for s in stamps if s <= now], now, scope.fixed) <= 0
            wait = max(wait, windowed)
        if scope.max_in_flight and sum(1 for s in stamps if s > now) >= scope.max_in_flight:
            wait = max(wait, POLL)
        return wait, in_flight_only

    @staticmethod
    def _fresh(scope, stamps, now):
        longest = max(s for _n, s in scope.windows)
        return [s for s in stamps if s > now - longest]

    def acquire(self):
        """Take a slot in every scope; returns its stamp. RateLimitedError
        (retry_after) when none frees within ``max_wait`` seconds (nothing
        is taken)."""
        if self.before_request is not None:
            self.before_request()
        deadline = time.monotonic() + self.max_wait
        while True:
            with self._rows() as (cr, rows, now):
                wait, in_flight_only = 0.0, True
                for scope in self.scopes:
                    stamps, closed = rows[scope.key]
                    stamps = rows[scope.key][0] = self._fresh(scope, stamps, now)
                    one, only = self._wait_needed(scope, stamps, closed, now)
                    if one > 0:
                        wait, in_flight_only = max(wait, one), in_flight_only and only
                if wait <= 0:
                    # unique, so that release removes this request's stamp only
                    stamp = now + self.request_seconds + random.random() * 1e-6
                    for i, key in enumerate(dict.fromkeys(s.key for s in self.scopes)):
                        self._save(cr, key, rows[key][0] + [stamp], count=i == 0)
                    return stamp
            if time.monotonic() + min(wait, POLL if in_flight_only else wait) > deadline:
                raise RateLimitedError(code="http.local_rate_limit", params={"seconds": max(wait, 1)},
                                       retry_after=wait)
            time.sleep(min(POLL if in_flight_only else wait, max(deadline - time.monotonic(), 0.0)))

    def release(self, stamp=None):
        """The request's answer came: count it at this moment instead (the
        provider saw it somewhere before). Where requests in flight are
        capped (Accurate), at the moment it was sent: the cap already
        bounds what reaches the provider at once, and a long answer time
        would otherwise hold a slot of the second's window for nothing."""
        try:
            with self._rows() as (cr, rows, now):
                for scope in {s.key: s for s in self.scopes}.values():
                    stamps = rows[scope.key][0]
                    if stamp in stamps:
                        stamps.remove(stamp)
                    counted = min(stamp - self.request_seconds, now) if scope.max_in_flight and stamp else now
                    self._save(cr, scope.key, self._fresh(scope, stamps, now) + [counted])
        except TransientError as exc:  # the window ages the stamp out anyway
            _logger.info("accounting sync: %s", exc)

    def throttled(self, retry_after=None):
        """The provider answered 429: with ``retry_after`` (its Retry-After)
        every scope waits that long; a bare 429 closes the scope whose window
        tripped (the fullest by our count) until that window rolls. Returns
        the seconds to wait; every worker and server then waits as long."""
        try:
            with self._rows() as (cr, rows, now):
                if retry_after is not None:
                    targets, wait = list(dict.fromkeys(s.key for s in self.scopes)), float(retry_after)
                else:
                    index, wait = tripped_roll(
                        [(scope.windows, rows[scope.key][0]) for scope in self.scopes], now)
                    targets = [self.scopes[index].key]
                for key in targets:
                    self._save(cr, key, rows[key][0], closed_until=max(rows[key][1], now + wait))
                return wait
        except TransientError as exc:
            _logger.info("accounting sync: %s", exc)
            return 60.0 if retry_after is None else retry_after

    #: acquire, then release whatever happens (the in-process limiter's own)
    slot = RateLimiter.slot

