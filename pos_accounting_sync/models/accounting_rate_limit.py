"""One rate limit per credential for every Odoo worker and server.

The providers limit a credential, not a process (Accurate 8 requests/s and
8 in flight per token; Jurnal 40/min and 1,800/h per client). The sliding
window of each credential is a row of ``accounting_rate_limit``: the
moments (database clock, epoch seconds) its recent requests were counted.
A request in flight is counted at the latest moment its answer may come
(now + the request timeout), so it fills every window until its answer
moves it to the answer time; a crashed process's request simply ages out.

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

from odoo import fields, models
from odoo.sql_db import db_connect

from accounting_connectors.errors import RateLimitedError, TransientError
from accounting_connectors.ratelimit import RateLimiter

_logger = logging.getLogger(__name__)

#: how often a caller waiting for a request in flight to end looks again (s)
POLL = 0.02


class AccountingRateLimit(models.Model):
    """The shared sliding window of one credential (rows are written by
    :class:`SharedRateLimiter` in raw SQL; the key is a hash, never a secret)."""

    _name = "accounting.rate.limit"
    _description = "Accounting Sync Shared Rate Limit"
    _log_access = False

    key = fields.Char(required=True, readonly=True, help="Provider and hashed credential.")
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, ondelete="set null",
        help="The company of the connection whose request created the row (its record rule).")

    _sql_constraints = [
        ("key_uniq", "unique(key)", "This credential already has a rate limit row."),
    ]

    def init(self):
        self.env.cr.execute("""ALTER TABLE accounting_rate_limit
                               ADD COLUMN IF NOT EXISTS stamps double precision[] NOT NULL DEFAULT '{}'""")


class SharedRateLimiter:
    """``accounting_connectors.ratelimit.Limiter`` over PostgreSQL.

    :param dbname: the Odoo database holding ``accounting_rate_limit``
    :param key: ``ratelimit.limiter_key(config)`` (hashed credential)
    :param windows: ``[(max requests, seconds)]``
    :param max_in_flight: cap on requests without an answer yet, or None
    :param max_wait: seconds ``acquire`` may wait before RateLimitedError
    :param request_seconds: the longest a request may take (its timeout)
    :param before_request: called (no argument) before each slot is taken,
        e.g. to renew the job's lease; what it raises propagates.
    :param connect: returns a new Odoo cursor (tests pass a pooled one)
    :param company_id: id of the company the row is recorded for when this
        limiter creates it (its record rule), or None
    """

    def __init__(self, dbname, key, windows, max_in_flight=None, max_wait=5.0, request_seconds=30.0,
                 before_request=None, connect=None, company_id=None):
        self.key = key
        self.company_id = company_id
        self.windows = [(int(n), float(s)) for n, s in windows]
        self.longest = max(s for _n, s in self.windows)
        self.max_in_flight = max_in_flight
        self.max_wait = float(max_wait)
        self.request_seconds = float(request_seconds)
        self.before_request = before_request
        self._connect = connect or (lambda: db_connect(dbname).cursor())

    @contextmanager
    def _row(self):
        """(cursor, stamps, db now) of this key's row, locked for one short
        transaction that commits when the block ends."""
        try:
            with self._connect() as cr:
                # READ COMMITTED: the row lock queues the callers, each then
                # reads the latest stamps (REPEATABLE READ would refuse them)
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute("SET LOCAL lock_timeout = '5s'")
                for _i in range(2):
                    cr.execute("""SELECT stamps, extract(epoch FROM clock_timestamp())
                                    FROM accounting_rate_limit WHERE key = %s FOR UPDATE""", [self.key])
                    row = cr.fetchone()
                    if row:
                        break
                    # the company as this (separate) transaction sees it: one not yet
                    # committed by the caller's transaction leaves the row without one
                    cr.execute("""INSERT INTO accounting_rate_limit (key, company_id)
                                  SELECT %s, (SELECT id FROM res_company WHERE id = %s)
                                  ON CONFLICT (key) DO NOTHING""", [self.key, self.company_id])
                yield cr, list(row[0]), float(row[1])
        except psycopg2.Error as exc:
            raise TransientError("Could not take a rate-limit slot for this connection: %s"
                                 % type(exc).__name__) from None

    def _save(self, cr, stamps):
        cr.execute("UPDATE accounting_rate_limit SET stamps = %s WHERE key = %s", [stamps, self.key])

    def _wait_needed(self, stamps, now):
        """Seconds until a slot frees (0 = free now), and whether only a
        request in flight blocks (its end is unknown: poll)."""
        wait, in_flight_only = 0.0, True
        for limit, seconds in self.windows:
            recent = sorted(s for s in stamps if s > now - seconds)
            if len(recent) >= limit:
                edge = recent[-limit]
                if edge <= now:
                    in_flight_only = False
                wait = max(wait, edge + seconds - now)
        if self.max_in_flight and sum(1 for s in stamps if s > now) >= self.max_in_flight:
            wait = max(wait, POLL)
        return wait, in_flight_only

    def acquire(self):
        """Take a slot; returns its stamp. RateLimitedError(retry_after)
        when none frees within ``max_wait`` seconds (nothing is taken)."""
        if self.before_request is not None:
            self.before_request()
        deadline = time.monotonic() + self.max_wait
        while True:
            with self._row() as (cr, stamps, now):
                stamps = [s for s in stamps if s > now - self.longest]
                wait, in_flight_only = self._wait_needed(stamps, now)
                if wait <= 0:
                    # unique, so that release removes this request's stamp only
                    stamp = now + self.request_seconds + random.random() * 1e-6
                    self._save(cr, stamps + [stamp])
                    return stamp
            if time.monotonic() + min(wait, POLL if in_flight_only else wait) > deadline:
                raise RateLimitedError(
                    "Too many requests for this credential; waiting %.0f s before sending more."
                    % max(wait, 1), retry_after=wait)
            time.sleep(min(POLL if in_flight_only else wait, max(deadline - time.monotonic(), 0.0)))

    def release(self, stamp=None):
        """The request's answer came: count it at this moment instead."""
        try:
            with self._row() as (cr, stamps, now):
                if stamp in stamps:
                    stamps.remove(stamp)
                stamps = [s for s in stamps if s > now - self.longest] + [now]
                self._save(cr, stamps)
        except TransientError as exc:  # the window ages the stamp out anyway
            _logger.info("accounting sync: %s", exc)

    #: acquire, then release whatever happens (the in-process limiter's own)
    slot = RateLimiter.slot
