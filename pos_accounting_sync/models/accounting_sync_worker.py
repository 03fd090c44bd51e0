"""The worker: claims due jobs, posts them, records the outcome.

Concurrency model (several crons or servers may run at once):

- a job is claimed with ``SELECT ... FOR NO KEY UPDATE SKIP LOCKED`` and,
  before the claim commits, a session-level advisory lock on its id is
  taken; the job is then marked ``running`` and committed so the log shows
  it. The advisory lock lives as long as the worker's database connection:
- a ``running`` job whose advisory lock can be taken has lost its worker
  (crash, kill, restart). It is put back to pending with ``needs_lookup``:
  the previous attempt may have been saved remotely, so it is looked up by
  our reference before anything is posted again.
- every job ends in its own commit; one bad document never rolls back the
  outcome of another.
"""

import json
import logging
import time
from datetime import timedelta

import psycopg2.errors

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import TestCursor

from accounting_connectors import errors as cerr

_logger = logging.getLogger(__name__)

#: first key of our advisory locks ("AS" for accounting sync)
LOCK_NS = 0x4153
#: how long one cron run may work before handing over to a new run
RUN_BUDGET = 240.0
MAX_BODY = 64 * 1024
MAX_BACKOFF = timedelta(hours=6)


class _Run:
    """State of one worker run: clients reused per connection, connections
    to leave alone for the rest of the run (rate limited, paused)."""

    def __init__(self):
        self.clients = {}
        self.skip_connections = set()

    def client(self, connection):
        if connection.id not in self.clients:
            self.clients[connection.id] = connection._get_client()
        return self.clients[connection.id]


class AccountingSyncJobWorker(models.Model):
    _inherit = "accounting.sync.job"

    @api.model
    def _cron_process_jobs(self):
        processed, remaining = self._process_jobs(time_budget=RUN_BUDGET), self._count_due()
        if remaining:
            self._trigger_worker()
        return processed

    @api.model
    def _process_jobs(self, limit=None, connection=None, time_budget=None):
        """Process due jobs one by one; returns how many were handled."""
        self = self.sudo()  # noqa: PLW0642 - the worker acts for the system, not for a user
        commit = self._can_commit()
        self._recover_orphans(commit)
        run = _Run()
        deadline = time.monotonic() + time_budget if time_budget else None
        count = 0
        while limit is None or count < limit:
            if deadline and time.monotonic() > deadline:
                break
            job = self._claim_next(connection, run.skip_connections, commit)
            if not job:
                break
            try:
                job._process_claimed(run, commit)
            finally:
                if commit:
                    self.env.cr.commit()
                self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NS, job.id))
            count += 1
        return count

    @api.model
    def _can_commit(self):
        """Commit after each document, except in tests, which run in one
        transaction that may not commit (a test that runs real concurrent
        workers on its own cursors says so with ``accounting_sync_commit``)."""
        if "accounting_sync_commit" in self.env.context:
            return bool(self.env.context["accounting_sync_commit"])
        return not modules.module.current_test and not isinstance(self.env.cr, TestCursor)

    @api.model
    def _count_due(self):
        return self.search_count([("state", "=", "pending"), ("next_attempt_at", "<=", fields.Datetime.now()),
                                  ("connection_id.state", "!=", "paused")], limit=1)

    def _begin(self, commit):
        """Start the worker's next transaction in READ COMMITTED, the level at
        which SKIP LOCKED queues work: a row claimed and committed by another
        worker since our snapshot is re-checked instead of raising a
        serialization error."""
        if commit:
            self.env.cr.commit()
            self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        else:
            self.env.flush_all()  # the raw queries below must see the ORM's pending writes

    @api.model
    def _recover_orphans(self, commit):
        self._begin(commit)
        cr = self.env.cr
        cr.execute("""SELECT id FROM accounting_sync_job WHERE state = 'running'
                      ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""")
        for (job_id,) in cr.fetchall():
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_NS, job_id))
            if not cr.fetchone()[0]:
                continue  # its worker is alive and still on it
            try:
                job = self.browse(job_id)
                _logger.info("accounting sync: job %s lost its worker; it will be looked up first", job_id)
                job.write({
                    "state": "pending", "needs_lookup": True, "next_attempt_at": fields.Datetime.now(),
                    "error_kind": "ambiguous",
                    "error_message": _("The sync stopped while sending this document. It is looked "
                                       "up in the accounting system before being sent again."),
                })
                job.flush_recordset()
            finally:
                cr.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NS, job_id))
        if commit:
            cr.commit()

    @api.model
    def _claim_next(self, connection, skip_connections, commit):
        """Lock the next ready job, or return an empty recordset."""
        for _attempt in range(3):
            self._begin(commit)
            cr = self.env.cr
            # the clock, not now(): now() is the start of a (test) transaction
            extra, params = "", {"skip": tuple(skip_connections) or (0,), "now": fields.Datetime.now()}
            if connection:
                extra = "AND j.connection_id IN %(conn)s"
                params["conn"] = tuple(connection.ids)
            try:
                cr.execute("""
                    SELECT j.id FROM accounting_sync_job j
                      JOIN accounting_connection c ON c.id = j.connection_id
                     WHERE j.state = 'pending'
                       AND j.next_attempt_at <= %(now)s
                       AND c.active AND c.state != 'paused'
                       AND j.connection_id NOT IN %(skip)s
                       """ + extra + """
                       AND (j.depends_on_id IS NULL OR EXISTS (
                            SELECT 1 FROM accounting_sync_job d
                             WHERE d.id = j.depends_on_id AND d.state = 'done'))
                       AND (j.chain IS NULL OR NOT EXISTS (
                            SELECT 1 FROM accounting_sync_job e
                             WHERE e.connection_id = j.connection_id AND e.chain = j.chain
                               AND e.state NOT IN ('done', 'cancelled')
                               AND (e.sequence < j.sequence OR (e.sequence = j.sequence AND e.id < j.id))))
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
                return self.browse()
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_NS, row[0]))
            if not cr.fetchone()[0]:
                return self.browse()  # cannot happen unless ids are reused; stop safely
            job = self.browse(row[0])
            job.write({"state": "running", "attempts": job.attempts + 1,
                       "started_at": fields.Datetime.now()})
            job.flush_recordset()
            if commit:
                cr.commit()  # the log shows it running; the advisory lock keeps it ours
            return job
        return self.browse()

    # --- one job ---------------------------------------------------------------
    def _process_claimed(self, run, commit):
        self.ensure_one()
        connection = self.connection_id
        try:
            client = run.client(connection)
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, None)
        document = self._build_document()
        if document is None:
            return False
        started = time.monotonic()
        try:
            result = None
            if self.needs_lookup:
                result = client.find(self.kind, self.reference)
            if result is None:
                result = client.post(document)
        except (cerr.DuplicateError, cerr.AmbiguousError) as exc:
            result = self._lookup_after(client, exc, started, run)
            if result is None:
                return False
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, client, time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 - a connector bug must not stop the queue
            _logger.exception("accounting sync: unexpected error on job %s", self.id)
            return self._fail("permanent", _("Unexpected error while sending: %s", exc), client,
                              duration=time.monotonic() - started)
        self._on_success(result, client, time.monotonic() - started)
        return True

    def _build_document(self):
        """The connector document for this job, or None when the job failed
        (data to fix in Odoo)."""
        record = self.env[self.res_model].browse(self.res_id).exists() if self.res_model in self.env else None
        if not record:
            self._fail("data", _("The Odoo record %(name)s (%(model)s) no longer exists.",
                                 name=self.res_name or self.res_id, model=self.res_model))
            return None
        try:
            with self.env.cr.savepoint():
                document = record._accounting_sync_document(self)
        except (UserError, ValidationError) as exc:
            self._fail("data", exc.args[0] if exc.args else str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the accountant, logged for the admin
            _logger.exception("accounting sync: cannot build document for job %s", self.id)
            self._fail("data", _("Could not prepare the document: %s", exc))
            return None
        if document is None:
            self._fail("data", _("%s has nothing to send.", self.res_name or self.reference))
        return document

    def _lookup_after(self, client, exc, started, run):
        """The post may have been applied (ambiguous) or the remote says it
        has our reference (duplicate): adopt what is there, never post again."""
        try:
            found = client.find(self.kind, self.reference)
        except cerr.ConnectorError as lookup_exc:
            _logger.info("accounting sync: look-up of %s failed: %s", self.reference, lookup_exc.message)
            found = None
            if exc.kind == "duplicate":
                exc = lookup_exc
        if found is not None:
            found.duration = found.duration or (time.monotonic() - started)
            self._on_success(found, client, time.monotonic() - started, adopted=exc)
            return found
        self.needs_lookup = exc.kind != "duplicate"
        if exc.kind == "duplicate":
            self._fail("duplicate", _(
                "%(msg)s The document with our reference %(ref)s could not be found there to link "
                "it; check it in the accounting system, then cancel this line.",
                msg=exc.message, ref=self.reference), client, exc, time.monotonic() - started)
        else:
            self._on_error(exc, run, client, time.monotonic() - started)
        return None

    # --- outcomes ----------------------------------------------------------------
    def _on_success(self, result, client, duration, adopted=None):
        message = False
        if adopted is not None:
            message = _("The accounting system already had this document (%(why)s); it was linked, "
                        "not posted again.", why=adopted.message)
        self.write({
            "state": "done", "date_done": fields.Datetime.now(), "duration": duration,
            "remote_id": result.remote_id or False, "remote_number": result.number or False,
            "request_body": self._body(client, result.request or getattr(adopted, "request", None)),
            "response_body": self._body(client, result.response or result.data),
            "error_kind": False, "error_message": message, "needs_lookup": False,
        })
        record = self.env[self.res_model].browse(self.res_id)
        if hasattr(record, "_accounting_sync_done"):
            try:
                with self.env.cr.savepoint():
                    record._accounting_sync_done(self, result)
            except Exception as exc:  # noqa: BLE001 - the remote document exists: keep "done"
                _logger.exception("accounting sync: post-processing of job %s failed", self.id)
                self.error_message = _("Posted as %(num)s, but Odoo could not record it: %(err)s",
                                       num=result.number or result.remote_id, err=exc)
        self._release_dependants()

    def _on_error(self, exc, run, client, duration=0.0):
        kind = exc.kind
        now = fields.Datetime.now()
        bodies = {"request_body": self._body(client, exc.request),
                  "response_body": self._body(client, exc.response), "duration": duration}
        if kind == "auth":
            # not the document's fault: give the attempt back and stop the connection
            run.skip_connections.add(self.connection_id.id)
            self.write(dict(bodies, state="pending", attempts=max(self.attempts - 1, 0),
                            error_kind="auth", error_message=exc.message))
            self.connection_id._pause(exc.message)
            return False
        if kind == "rate_limited":
            run.skip_connections.add(self.connection_id.id)
            wait = timedelta(seconds=max(float(exc.retry_after or 60), 1.0))
            self.write(dict(bodies, state="pending", attempts=max(self.attempts - 1, 0),
                            next_attempt_at=now + wait, error_kind="rate_limited",
                            error_message=exc.message))
            return False
        if exc.retryable or kind == "ambiguous":
            if self.attempts >= self.max_attempts:
                return self._fail(kind, _("Gave up after %(n)s attempts. Last error: %(msg)s",
                                          n=self.attempts, msg=exc.message), client, exc, duration)
            wait = min(timedelta(minutes=2 ** max(self.attempts - 1, 0)), MAX_BACKOFF)
            if exc.retry_after:
                wait = max(wait, timedelta(seconds=float(exc.retry_after)))
            self.write(dict(bodies, state="pending", next_attempt_at=now + wait,
                            error_kind=kind, error_message=exc.message))
            return False
        return self._fail(kind, exc.message, client, exc, duration)

    def _fail(self, kind, message, client=None, exc=None, duration=0.0):
        vals = {"state": "failed", "error_kind": kind, "error_message": message, "duration": duration}
        if exc is not None:
            vals.update(request_body=self._body(client, exc.request),
                        response_body=self._body(client, exc.response))
        self.write(vals)
        self._block_dependants()
        self.connection_id._raise_problem("failed", _(
            "Some documents could not be sent to %(conn)s, e.g. %(doc)s: %(msg)s "
            "Open Point of Sale > Accounting Sync > Sync Log, filter Failed, fix and Retry.",
            conn=self.connection_id.display_name, doc=self.display_name, msg=message))
        return False

    @api.model
    def _body(self, client, value):
        if not value:
            return False
        if not isinstance(value, str):
            value = json.dumps(value, indent=1, default=str, ensure_ascii=False)
        text = value
        if client is not None:
            text = client.redactor.text(text)  # the connector redacts already; twice is cheap insurance
        return text[:MAX_BODY]
