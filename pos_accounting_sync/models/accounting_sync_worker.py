"""The worker: claims due jobs one by one under a lease, commits each outcome.

Concurrency model (several crons or servers may run at once, possibly
behind a connection pooler in transaction mode, where two transactions of
one worker may run on two different database sessions):

- a claim is a lease on the job row: ``SELECT ... FOR NO KEY UPDATE SKIP
  LOCKED`` picks the job, and the same transaction marks it ``running``
  with this run's token and a lease expiry, then commits. No lock or
  session state outlives its transaction.
- the lease is renewed before every HTTP request of the job (the client's
  rate limiter calls back, see :meth:`_renew_lease`), and is longer than
  two requests, so it cannot expire while a request is in flight.
- a ``running`` job whose lease has expired has lost its worker (crash,
  kill, restart). It is put back to pending with ``needs_lookup``: the
  previous attempt may have been saved remotely, so it is looked up by our
  reference before anything is posted again. A live worker's job is never
  touched.
- every job ends in its own commit, and only if the lease is still ours;
  one bad document never rolls back the outcome of another.

The worker is a model of its own (no table): the jobs it claims are rows
of ``accounting.sync.job``, which builds, posts and records the outcome of
each one (:meth:`~.accounting_sync_job.AccountingSyncJob._process_claimed`)
and moves it from state to state.
"""

import logging
import time
import uuid
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models
from odoo.sql_db import db_connect
from odoo.tools import config

_logger = logging.getLogger(__name__)

#: the longest a run works when the server sets no time limit (seconds)
RUN_BUDGET_MAX = 240.0
#: Odoo's own default for ``limit_time_real`` (seconds), assumed when unset
ODOO_DEFAULT_LIMIT = 120.0
#: of the server's limit, at most this fraction is spent claiming new jobs
BUDGET_FRACTION = 0.5
#: a lease covers two requests (look-up and post) plus this margin (seconds)
LEASE_MARGIN = 120


def cron_time_limit():
    """Seconds a cron run may last before Odoo kills it, from the server's
    configuration: ``limit_time_real_cron`` when set (> 0), else
    ``limit_time_real`` (> 0); ``None`` when neither limits it (-1 and 0
    mean unset; threaded servers apply no limit at all)."""
    for key in ("limit_time_real_cron", "limit_time_real"):
        value = config.get(key)
        if value and value > 0:
            return float(value)
    return None


def run_budget(request_timeout):
    """Seconds a worker run may keep claiming jobs: a safe fraction of the
    server's cron limit, leaving room for the last job's two requests of up
    to ``request_timeout`` seconds each."""
    limit = cron_time_limit()
    if limit is None:
        return RUN_BUDGET_MAX
    room = 0.8 * limit - 2 * request_timeout
    return min(BUDGET_FRACTION * limit, max(room, 0.1 * limit), RUN_BUDGET_MAX)


#: the jobs a worker may claim now: due, connection usable (active, tested:
#: not "Not tested" after its host or credentials changed, not failed its
#: test, not paused), dependency done, nothing earlier of its chain
#: unfinished (``%(now)s``, ``%(skip)s``: params)
CLAIMABLE = """
      FROM accounting_sync_job j
      JOIN accounting_connection c ON c.id = j.connection_id
     WHERE j.state = 'pending'
       AND j.next_attempt_at <= %(now)s
       AND c.active AND c.state = 'connected'
       AND (c.paused_until IS NULL OR c.paused_until <= %(now)s)
       AND j.connection_id NOT IN %(skip)s
       AND (j.depends_on_id IS NULL OR EXISTS (
            SELECT 1 FROM accounting_sync_job d
             WHERE d.id = j.depends_on_id AND d.state = 'done'))
       AND (j.chain IS NULL OR NOT EXISTS (
            SELECT 1 FROM accounting_sync_job e
             WHERE e.connection_id = j.connection_id AND e.chain = j.chain
               AND e.state NOT IN ('done', 'cancelled')
               AND (e.sequence < j.sequence OR (e.sequence = j.sequence AND e.id < j.id))))
"""
#: the cron reports at most this many remaining jobs (counting stops there)
MAX_COUNTED = 1000


class LeaseLost(Exception):
    """Another worker recovered this job: stop before sending anything."""


class _Run:
    """State of one worker run: its lease token, clients reused per
    connection, connections to leave alone for the rest of the run (rate
    limited, paused) and the job being sent (whose lease requests renew)."""

    def __init__(self, env, commit):
        self.env = env
        self.commit = commit
        self.token = uuid.uuid4().hex
        self.clients = {}
        self.skip_connections = set()
        self.job = None

    def client(self, connection):
        if connection.id not in self.clients:
            self.clients[connection.id] = connection._get_client(before_request=self.renew_lease)
        return self.clients[connection.id]

    def renew_lease(self):
        """Called before each HTTP request of the current job."""
        if self.job is not None:
            self.env["accounting.sync.worker"]._renew_lease(self.job, self.token, self.commit)


class AccountingSyncWorker(models.AbstractModel):
    """Drains the sync log: claims due jobs one by one, leases them, hands
    each to the job (``_process_claimed``) and commits its outcome."""

    _name = "accounting.sync.worker"
    _description = "Accounting Sync Worker"

    @api.model
    def _run_cron(self):
        """One run of the worker cron (``accounting.sync.job._cron_process_jobs``)."""
        skipped = set()
        processed = self._process_jobs(time_budget=self._run_budget(), skipped=skipped)
        # what this run had to leave (rate limited, paused) a rerun now would leave too
        remaining = self._count_due(skipped)
        # Odoo 18 runs a cron again at once when it reports work left
        self.env["ir.cron"]._notify_progress(done=processed, remaining=remaining)
        if remaining:
            self.env["accounting.sync.job"]._trigger_worker()
        return processed

    @api.model
    def _run_budget(self):
        timeouts = self.env["accounting.connection"].sudo().search([]).mapped("request_timeout")
        return run_budget(float(max(timeouts or [30]) or 30))

    @api.model
    def _process_jobs(self, limit=None, connection=None, time_budget=None, skipped=None):
        """Process due jobs one by one; returns how many were handled.
        ``time_budget`` (seconds): no job is claimed after it has passed;
        ``skipped`` (a set, optional) receives the ids of the connections the
        run left alone (rate limited, paused)."""
        self = self.sudo()  # noqa: PLW0642 - the worker acts for the system, not for a user
        commit = self.env["accounting.sync.job"]._can_commit()
        self.env["accounting.connection"]._resume_quota_pauses()
        self._recover_orphans(commit)
        run = _Run(self.env, commit)
        deadline = time.monotonic() + time_budget if time_budget else None
        count = 0
        while limit is None or count < limit:
            if deadline and count and time.monotonic() > deadline:
                break
            job = self._claim_next(connection, run, commit)
            if not job:
                break
            run.job = job
            try:
                recorded = True
                try:
                    with self.env.cr.savepoint():
                        job._process_claimed(run, commit)
                except LeaseLost:
                    raise
                except Exception as exc:  # noqa: BLE001 - one document or connection must not stop the others
                    recorded = job._fail_unexpected(exc, run, commit)
                if commit and recorded:
                    self._commit_if_still_ours(job, run.token)
            except LeaseLost:
                _logger.warning("accounting sync: job %s was recovered by another worker; "
                                "this run leaves it", job.id)
                if commit:
                    self.env.cr.rollback()
            finally:
                run.job = None
            count += 1
        if skipped is not None:
            skipped.update(run.skip_connections)
        return count

    @api.model
    def _count_due(self, skip_connections=()):
        """How many jobs a run started now could claim (at most
        :data:`MAX_COUNTED`): due jobs of usable connections, except those
        of ``skip_connections`` (ids) and those waiting for an unfinished
        dependency or earlier chain document, which a new run would not send
        either (reporting them made Odoo rerun the cron for nothing)."""
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM (SELECT 1 " + CLAIMABLE + " LIMIT %(max)s) AS due",
                            {"now": fields.Datetime.now(), "skip": tuple(skip_connections) or (0,),
                             "max": MAX_COUNTED})
        return self.env.cr.fetchone()[0]

    @api.model
    def _begin(self, commit):
        """Start the worker's next transaction in READ COMMITTED, the level at
        which SKIP LOCKED queues work: a row claimed and committed by another
        worker since our snapshot is re-checked instead of raising a
        serialization error."""
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        else:
            self.env.flush_all()  # the raw queries below must see the ORM's pending writes

    # --- leases ----------------------------------------------------------------
    @api.model
    def _recover_orphans(self, commit):
        """Running jobs whose lease has expired go back to pending, to be
        looked up before they are sent again."""
        self._begin(commit)
        cr = self.env.cr
        # the clock, not now(): now() is the start of a (test) transaction
        cr.execute("""SELECT id FROM accounting_sync_job
                       WHERE state = 'running'
                         AND (lease_until IS NULL OR lease_until < clock_timestamp() AT TIME ZONE 'UTC')
                       ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""")
        ids = [row[0] for row in cr.fetchall()]
        if ids:
            _logger.info("accounting sync: jobs %s lost their worker; they will be looked up first", ids)
            Job = self.env["accounting.sync.job"]
            Job.browse(ids)._put_back_for_lookup()
            Job.flush_model()
        if commit:
            cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _lease_seconds(self, job):
        return 2 * (job.connection_id.request_timeout or 30) + LEASE_MARGIN

    @api.model
    def _renew_lease(self, job, token, commit):
        """Push the lease expiry of ``job`` forward before an HTTP request.
        Raises :class:`LeaseLost` when another worker has recovered the job."""
        job.ensure_one()
        query = """UPDATE accounting_sync_job
                      SET lease_until = clock_timestamp() AT TIME ZONE 'UTC' + %s * interval '1 second'
                    WHERE id = %s AND lease_token = %s AND state = 'running'"""
        params = (self._lease_seconds(job), job.id, token)
        if not commit:
            job.flush_recordset()
            self.env.cr.execute(query, params)
            job.invalidate_recordset(["lease_until"])
            return
        # own short transaction: the worker's transaction stays as it is
        try:
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute("SET LOCAL lock_timeout = '2s'")
                cr.execute(query, params, log_exceptions=False)
                renewed = cr.rowcount
        except psycopg2.errors.LockNotAvailable:
            # our own open transaction has written the row: nobody can
            # recover it before that commits (recovery skips locked rows)
            return
        except psycopg2.OperationalError as exc:
            # not renewed this time; the lease still covers this request
            _logger.info("accounting sync: could not renew the lease of job %s: %s", job.id, exc)
            return
        if not renewed:
            raise LeaseLost(job.id)

    @api.model
    def _commit_if_still_ours(self, job, token):
        """Commit the outcome of ``job`` only if its lease is still ours; the
        outcome's row lock, taken by the flush, keeps it so until commit."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SELECT lease_token FROM accounting_sync_job WHERE id = %s FOR NO KEY UPDATE", [job.id])
        row = cr.fetchone()
        if not row or row[0] != token:
            raise LeaseLost(job.id)
        cr.execute("""UPDATE accounting_sync_job SET lease_token = NULL, lease_until = NULL
                       WHERE id = %s AND state != 'running'""", [job.id])
        cr.commit()  # pylint: disable=invalid-commit

    # --- claiming ---------------------------------------------------------------
    @api.model
    def _claim_next(self, connection, run, commit):
        """Lease the next ready job to ``run``, or return an empty recordset.
        When the queue has run dry, the running backfills are fed first, so
        the next past record is queued the moment the previous one has gone
        out (no wait for the backfill's cron between two records)."""
        job = self._claim(connection, run, commit)
        if not job and self.env["accounting.backfill"]._feed(commit):
            job = self._claim(connection, run, commit)
        return job

    @api.model
    def _claim(self, connection, run, commit):
        """Lease the next job of the queue as it is to ``run``."""
        Job = self.env["accounting.sync.job"]
        for _attempt in range(3):
            self._begin(commit)
            cr = self.env.cr
            extra, params = "", {"skip": tuple(run.skip_connections) or (0,), "now": fields.Datetime.now()}
            if connection:
                extra = "AND j.connection_id IN %(conn)s"
                params["conn"] = tuple(connection.ids)
            try:
                cr.execute("""
                    SELECT j.id """ + CLAIMABLE + extra + """
                     ORDER BY j.next_attempt_at, j.id
                     LIMIT 1
                       FOR NO KEY UPDATE OF j SKIP LOCKED
                """, params, log_exceptions=False)
            except psycopg2.errors.SerializationFailure:
                if not commit:
                    raise
                continue  # raced by another worker: look again in a fresh transaction
            row = cr.fetchone()
            if not row:
                return Job
            job = Job.browse(row[0])
            cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
            db_now = cr.fetchone()[0]
            job._set_running({"attempts": job.attempts + 1, "started_at": fields.Datetime.now(),
                              "lease_token": run.token,
                              "lease_until": db_now + timedelta(seconds=self._lease_seconds(job))})
            job.flush_recordset()
            if commit:
                cr.commit()  # pylint: disable=invalid-commit; the lease is taken and the log shows it running
                # the outcome is written over lease renewals committed meanwhile
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            return job
        return Job
