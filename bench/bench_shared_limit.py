"""Four workers on one credential against a sandbox enforcing the provider's limit.

Run by hand against a throw-away database where pos_accounting_sync is
installed (it commits, as the cron does, and removes what it created)::

    PYTHONPATH=. python3 bench/bench_shared_limit.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--workers 4] [--seconds 20]

Each worker is a thread with its own database cursor and its own client, as
separate Odoo processes would be: nothing in memory is shared between them,
only the ``accounting_rate_limit`` row of the credential in PostgreSQL. The
sandbox enforces Accurate's real limit (8 requests/s per token) and accepts
repeated references, so a document posted twice would show. Prints the
sustained request rate as a ratio of the limit (goal >= 0.9), the 429
answers (goal 0) and the documents posted twice (goal 0).
"""

import argparse
import collections
import threading
import time
from unittest.mock import patch

LIMIT, WINDOW = 8, 1.0  # Accurate: 8 requests per second per token


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--per-process", action="store_true",
                        help="each worker keeps its own limiter (as before #14), to see what sharing prevents")
    parser.add_argument("--tiny", action="store_true", help="2 workers for 2 s: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.workers, args.seconds = 2, 2.0

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.api import Transaction
    from odoo.modules.registry import Registry
    from odoo.sql_db import db_connect

    from accounting_connectors.documents import Customer
    from accounting_connectors.sandbox import SandboxServer

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = Registry(args.db)

    def new_env():
        cr = db_connect(args.db).cursor()
        cr.transaction = Transaction(registry)
        return api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})

    Tag = registry["res.partner.category"]
    Connection = registry["accounting.connection"]
    from accounting_connectors.ratelimit import RateLimiter, default_windows

    # each worker's client its own in-memory limiter, as separate processes had
    own = patch.object(Connection, "_shared_limiter",
                       lambda self, config, before_request=None: RateLimiter(*default_windows(config)))
    if args.per_process:
        own.start()
    with SandboxServer("127.0.0.1", 0, rate_limits=True) as sandbox, patch.object(
            Tag, "_accounting_sync_document",
            lambda rec, job: Customer(reference=job.reference, name=job.reference), create=True):
        sandbox.accept_duplicates = True
        arrivals, refused = _watch(sandbox)
        env = new_env()
        conn, tag, archived = _setup(env, sandbox)
        try:
            jobs = int(args.seconds * LIMIT * 1.5)  # more than the run can send
            _queue(env, conn, tag, jobs)
            per_worker = _drain(new_env, conn.id, args.workers, args.seconds)
            rate = _sustained_rate(arrivals)
            numbers = collections.Counter(r["customerNo"] for r in sandbox.app("accurate").dump("customer")
                                          if str(r.get("customerNo", "")).startswith("BENCH/RL/"))
            twice = sum(1 for n in numbers.values() if n > 1)
            env.cr.execute("""SELECT state, count(*) FROM accounting_sync_job
                               WHERE connection_id = %s GROUP BY state""", [conn.id])
            states = dict(env.cr.fetchall())
            print("%d workers, one Accurate credential, sandbox enforcing %d requests/%.0f s, %s limiter:"
                  % (args.workers, LIMIT, WINDOW, "per-process" if args.per_process else "shared"))
            print("  documents posted per worker: %s (total %d of %d queued; jobs by state: %s)"
                  % (per_worker, sum(per_worker), jobs, states))
            print("  sustained rate %.2f requests/s -> ratio %.2f of the limit (goal >= 0.90)" % (rate, rate / LIMIT))
            print("  429 answers: %d (goal 0)" % len(refused))
            print("  documents posted twice: %d (goal 0)" % twice)
        finally:
            _cleanup(env, conn, tag, archived)
            env.cr.close()


def _watch(sandbox, provider="accurate"):
    """Arrival times of the provider's requests, and its 429 answers."""
    arrivals, refused = [], []
    handle = sandbox.handle
    app = sandbox.app(provider)
    refuse = app.rate_limited_response

    def counted_handle(request):
        if not request.path.startswith("/_sandbox"):
            arrivals.append(time.monotonic())
        return handle(request)

    def counted_refusal(*a, **kw):
        refused.append(time.monotonic())
        return refuse(*a, **kw)

    sandbox.handle = counted_handle
    app.rate_limited_response = counted_refusal
    return arrivals, refused


def _sustained_rate(arrivals):
    """Requests/s over whole limit windows from the first request: a sliding
    window admits one burst at the start of each, so a part window would
    flatter the rate."""
    if len(arrivals) < 2:
        return 0.0
    times = sorted(arrivals)
    windows = int((times[-1] - times[0]) // WINDOW)
    if not windows:
        return 0.0
    end = times[0] + windows * WINDOW
    return sum(1 for t in times if t < end) / (windows * WINDOW)


def _setup(env, sandbox):
    Connection = env["accounting.connection"]
    archived = Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")])
    archived.action_archive()
    env.flush_all()
    vals = Connection._vals_from_config(sandbox.accurate_config())
    # 0 = the provider's published limit, which the sandbox enforces
    # state: jobs of an untested connection wait until it is tested
    conn = Connection.create(dict(vals, name="bench shared limit", rate_limit_per_minute=0, state="connected"))
    tag = env["res.partner.category"].create({"name": "bench shared limit"})
    env.cr.commit()
    return conn, tag, archived


def _queue(env, conn, tag, n):
    env.cr.execute("""
        INSERT INTO accounting_sync_job (connection_id, company_id, res_model, res_id, res_name, kind,
                                         reference, state, attempts, max_attempts, next_attempt_at, sequence,
                                         create_date, write_date, create_uid, write_uid)
        SELECT %s, %s, 'res.partner.category', %s, 'bench', 'customer', 'BENCH/RL/' || i, 'pending', 0, 8,
               now() AT TIME ZONE 'UTC' - interval '1 second', 10, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC', 1, 1
          FROM generate_series(1, %s) i
    """, [conn.id, conn.company_id.id, tag.id, n])
    env.cr.commit()


def _drain(new_env, conn_id, workers, seconds):
    counts = [0] * workers

    def work(i):
        env = new_env()
        try:
            conn = env["accounting.connection"].browse(conn_id)
            counts[i] = env["accounting.sync.worker"]._process_jobs(connection=conn, time_budget=seconds)
            env.cr.commit()
        finally:
            env.cr.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def _cleanup(env, conn, tag, archived):
    env.cr.rollback()
    env["accounting.sync.job"].search([("connection_id", "=", conn.id)]).unlink()
    conn.activity_ids.unlink()
    from accounting_connectors.ratelimit import limiter_key

    key = limiter_key(conn._connection_config(api_token=conn.sudo().api_token or "",
                                              database_id=conn.database_id or ""))
    env.cr.execute("DELETE FROM accounting_rate_limit WHERE key = %s", [key])
    conn.unlink()
    tag.unlink()
    archived.action_unarchive()
    env.cr.commit()


if __name__ == "__main__":
    main()
