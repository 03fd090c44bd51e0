"""Workers behind a connection pooler in transaction mode (pgbouncer): each
transaction may run on another database session, so nothing may rely on
session state (advisory locks, session settings) across a commit.

``TransactionPooledCursor`` simulates it on real connections: at every
commit and rollback it hands its connection back (closed) and takes
another one."""

import threading
from datetime import timedelta

from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ

from odoo import SUPERUSER_ID, api, fields
from odoo.api import Transaction
from odoo.sql_db import Cursor, db_connect
from odoo.tests import tagged

from ..models import accounting_sync_worker as worker
from .test_engine import TestTwoWorkers


class TransactionPooledCursor(Cursor):
    """An Odoo cursor whose every transaction runs on a new session."""

    sessions = set()
    _guard = threading.Lock()

    def __init__(self, pool, dbname, dsn):
        super().__init__(pool, dbname, dsn)
        self._dsn = dsn
        self._note_session()

    def _note_session(self):
        self._obj.execute("SELECT pg_backend_pid()")
        pid = self._obj.fetchone()[0]
        self._cnx.rollback()
        with self._guard:
            self.sessions.add(pid)

    def _next_session(self):
        if self._closed or "_obj" not in self.__dict__:
            return  # closing: Cursor._close gives the connection back itself
        pool = self._Cursor__pool
        self._obj.close()
        pool.give_back(self._cnx, keep_in_pool=False)  # closes the server session
        self._cnx = pool.borrow(self._dsn)
        self._obj = self._cnx.cursor()
        self._cnx.set_isolation_level(ISOLATION_LEVEL_REPEATABLE_READ)
        self._note_session()

    def commit(self):
        result = super().commit()
        self._next_session()
        return result

    def rollback(self):
        result = super().rollback()
        self._next_session()
        return result


def pooled_cursor(dbname):
    connection = db_connect(dbname)
    return TransactionPooledCursor(connection._Connection__pool, dbname, connection._Connection__dsn)


@tagged("post_install", "-at_install")
class TestPooledWorkers(TestTwoWorkers):
    """The two-worker drain of test_engine, every transaction on a new
    session: each document is posted once, no job is run by two workers."""

    def _worker_cursor(self, dbname):
        return pooled_cursor(dbname)

    def test_two_workers_behind_a_transaction_pooler(self):
        TransactionPooledCursor.sessions.clear()
        self.test_two_workers_at_once()
        # the simulation was real: the workers' transactions ran on many sessions
        self.assertGreater(len(TransactionPooledCursor.sessions), 2 * self.N)

    def test_lease_protects_a_live_job_and_expires_with_a_dead_worker(self):
        dbname = self.env.cr.dbname
        registry = self.env.registry
        documents = {}
        from accounting_connectors.sandbox import SandboxServer

        with SandboxServer("127.0.0.1", 0) as sandbox:
            ids = self._setup(dbname, sandbox, documents)
            try:
                with pooled_cursor(dbname) as cr_a, pooled_cursor(dbname) as cr_b:
                    for cr in (cr_a, cr_b):
                        cr.transaction = Transaction(registry)
                    ctx = {"accounting_sync_commit": True}
                    env_a = api.Environment(cr_a, SUPERUSER_ID, ctx)
                    env_b = api.Environment(cr_b, SUPERUSER_ID, ctx)
                    conn_a = env_a["accounting.connection"].browse(ids["connection"])
                    run_a = worker._Run(env_a, True)
                    job = env_a["accounting.sync.worker"]._claim_next(conn_a, run_a, True)
                    self.assertTrue(job)
                    # A is alive: B's recovery leaves its job alone, A renews its lease
                    env_b["accounting.sync.worker"]._recover_orphans(True)
                    job_b = env_b["accounting.sync.job"].browse(job.id)
                    self.assertEqual((job_b.state, job_b.lease_token), ("running", run_a.token))
                    before = job_b.lease_until
                    env_a["accounting.sync.worker"]._renew_lease(job, run_a.token, True)
                    job_b.invalidate_recordset()
                    self.assertGreaterEqual(job_b.lease_until, before)
                    # A stops renewing (killed): once the lease has passed, B recovers it
                    cr_b.commit()
                    cr_b.execute("UPDATE accounting_sync_job SET lease_until = %s WHERE id = %s",
                                 [fields.Datetime.now() - timedelta(seconds=1), job.id])
                    cr_b.commit()
                    env_b["accounting.sync.worker"]._recover_orphans(True)
                    job_b.invalidate_recordset()
                    self.assertEqual((job_b.state, job_b.needs_lookup, job_b.lease_token),
                                     ("pending", True, False))
                    # if A was only slow, it may neither send nor record anything now
                    with self.assertRaises(worker.LeaseLost):
                        env_a["accounting.sync.worker"]._renew_lease(job, run_a.token, True)
                    job.invalidate_recordset()
                    job.write({"state": "done", "remote_id": "late"})
                    with self.assertRaises(worker.LeaseLost):
                        env_a["accounting.sync.worker"]._commit_if_still_ours(job, run_a.token)
                    cr_a.rollback()
                    job_b.invalidate_recordset()
                    self.assertEqual((job_b.state, job_b.remote_id), ("pending", False))
            finally:
                self._cleanup(dbname, ids)
