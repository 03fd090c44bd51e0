"""Drain rate of the sync worker and the cost of the accountants' "Failed" filter.

Run by hand against a throw-away database where pos_accounting_sync is
installed (it commits, as the cron does, and removes what it created)::

    PYTHONPATH=. python3 bench/bench_drain.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--jobs 10000] [--rows 1000000]

1. Queues ``--jobs`` documents (customers) for a zero-latency sandbox and
   lets the worker drain half of them with one worker, half with two
   workers on their own connections; prints jobs/s in total and per worker.
2. Fills the log to ``--rows`` rows (1% failed) and times what the sync
   log's list does with the Failed filter: the first page and the count.
"""

import argparse
import statistics
import sys
import threading
import time
from unittest.mock import patch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--tiny", action="store_true", help="100 jobs, 2,000 log rows: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.jobs, args.rows = 100, 2000

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.api import Transaction
    from odoo.modules.registry import Registry
    from odoo.sql_db import db_connect

    from accounting_connectors.documents import Customer
    from accounting_connectors.sandbox import SandboxServer

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = Registry(args.db)

    def new_env(ctx=None):
        cr = db_connect(args.db).cursor()
        cr.transaction = Transaction(registry)
        return api.Environment(cr, SUPERUSER_ID, dict(ctx or {}, accounting_sync_commit=True))

    Tag = registry["res.partner.category"]
    with SandboxServer("127.0.0.1", 0) as sandbox, patch.object(
            Tag, "_accounting_sync_document",
            lambda rec, job: Customer(reference=job.reference, name=job.reference),
            create=True):
        env = new_env()
        conn, tag = _setup(env, sandbox)
        try:
            half = args.jobs // 2
            _queue(env, conn, tag, "BENCH/A/", half)
            one = _drain(new_env, conn.id, workers=1)
            _queue(env, conn, tag, "BENCH/B/", args.jobs - half)
            two = _drain(new_env, conn.id, workers=2)
            posted = len(sandbox.app("accurate").dump("customer"))
            print("drain against the zero-latency sandbox (%d jobs, %d remote customers after):"
                  % (args.jobs, posted))
            for label, (n, secs, per) in (("1 worker ", one), ("2 workers", two)):
                print("  %s: %6d jobs in %6.1f s = %6.1f jobs/s total, %6.1f jobs/s per worker (%s)"
                      % (label, n, secs, n / secs, n / secs / len(per), ", ".join(map(str, per))))
            print("  scaling 1 -> 2 workers: x%.2f" % ((two[0] / two[1]) / (one[0] / one[1])))
            _failed_filter(env, conn, tag, args.rows)
        finally:
            _cleanup(env, conn, tag)
            env.cr.close()


def _setup(env, sandbox):
    Connection = env["accounting.connection"]
    archived = Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")])
    archived.action_archive()
    env.flush_all()
    conn = Connection.create(dict(Connection._vals_from_config(sandbox.accurate_config()),
                                  name="bench", rate_limit_per_minute=10 ** 7,
                                  state="connected"))  # jobs of an untested connection wait
    tag = env["res.partner.category"].create({"name": "bench"})
    conn = conn.with_context(archived_ids=archived.ids)
    env.cr.commit()
    return conn, tag


def _queue(env, conn, tag, prefix, n):
    env.cr.execute("""
        INSERT INTO accounting_sync_job (connection_id, company_id, res_model, res_id, res_name, kind,
                                         reference, state, attempts, max_attempts, next_attempt_at, sequence,
                                         create_date, write_date, create_uid, write_uid)
        SELECT %s, %s, 'res.partner.category', %s, 'bench', 'customer', %s || i, 'pending', 0, 8,
               now() AT TIME ZONE 'UTC' - interval '1 second', 10, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC', 1, 1
          FROM generate_series(1, %s) i
    """, [conn.id, conn.company_id.id, tag.id, prefix, n])
    env.cr.commit()


def _drain(new_env, conn_id, workers):
    counts = [0] * workers

    def work(i):
        env = new_env()
        try:
            conn = env["accounting.connection"].browse(conn_id)
            counts[i] = env["accounting.sync.worker"]._process_jobs(connection=conn)
            env.cr.commit()
        finally:
            env.cr.close()

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), time.monotonic() - started, counts


def _failed_filter(env, conn, tag, rows):
    Job = env["accounting.sync.job"]
    env.cr.execute("SELECT count(*) FROM accounting_sync_job")
    missing = rows - env.cr.fetchone()[0]
    if missing > 0:
        print("filling the log to %d rows..." % rows, file=sys.stderr)
        env.cr.execute("""
            INSERT INTO accounting_sync_job (connection_id, company_id, res_model, res_id, res_name, kind,
                                             reference, state, attempts, max_attempts, error_kind,
                                             error_note,
                                             sequence, create_date, write_date, create_uid, write_uid)
            SELECT %s, %s, 'res.partner.category', %s, 'bench', 'sales_invoice', 'BENCH/LOG/' || i,
                   CASE WHEN i %% 100 = 0 THEN 'failed' ELSE 'done' END, 1, 8,
                   CASE WHEN i %% 100 = 0 THEN 'permanent' END,
                   CASE WHEN i %% 100 = 0 THEN 'Barang SKU-' || i || ' tidak ditemukan' END,
                   10, now() AT TIME ZONE 'UTC' - (i || ' seconds')::interval, now() AT TIME ZONE 'UTC', 1, 1
              FROM generate_series(1, %s) i
        """, [conn.id, conn.company_id.id, tag.id, missing])  # error_note: the stored reason behind error_message
        env.cr.execute("ANALYZE accounting_sync_job")
        env.cr.commit()
    domain = [("state", "=", "failed")]
    fields = ["create_date", "connection_id", "kind", "res_name", "reference", "error_message", "state"]
    page, count = [], []
    for _i in range(5):
        env.invalidate_all()
        t0 = time.perf_counter()
        Job.search_read(domain, fields, limit=80, order="id desc")
        t1 = time.perf_counter()
        Job.search_count(domain)
        t2 = time.perf_counter()
        page.append((t1 - t0) * 1000)
        count.append((t2 - t1) * 1000)
    total = Job.search_count([])
    failed = Job.search_count(domain)
    print("Failed filter over %d log rows (%d failed): first page of 80 %.1f ms, count %.1f ms (median of 5)"
          % (total, failed, statistics.median(page), statistics.median(count)))


def _cleanup(env, conn, tag):
    env.cr.rollback()
    env.cr.execute("DELETE FROM accounting_sync_job WHERE connection_id = %s", [conn.id])
    archived = env["accounting.connection"].browse(conn.env.context.get("archived_ids", []))
    conn.activity_ids.unlink()
    conn.unlink()
    tag.unlink()
    env.flush_all()
    archived.action_unarchive()
    env.cr.commit()


if __name__ == "__main__":
    main()
