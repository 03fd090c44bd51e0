"""Two Odoo servers, two workers each, against the providers' limits per scope.

Run by hand against a throw-away database where pos_accounting_sync is
installed (it commits, as the cron does, and removes what it created)::

    PYTHONPATH=. python3 bench/bench_scoped_limits.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--documents 500] [--scale 1] [--tiny]

Jurnal: three connections (three companies, three consumers of the
sandbox's Jurnal) on one server address, 500 documents between them,
drained by two separate processes ("servers") of two worker threads each.
The sandbox enforces Jurnal's published windows (30/min and 1,800/h per
consumer, 40/min and 2,500/h per IP address), fixed on the clock, with
bare 429s; the binding one is the address's 40/min (3 x 30 > 40). Only
PostgreSQL is shared between the workers. Prints the sustained rate over
whole windows as a ratio of the binding limit (goal >= 0.9), the 429
answers (goal <= 1) and the documents posted twice (goal 0). ``--scale``
runs every window that many times faster (the connections' own windows
too), so 500 documents need not take 13 minutes.

Accurate: one connection, the sandbox answering every request after 2 s
(``--latency``) and enforcing 8 requests/s and 8 in flight per token, six
workers (``--accurate-workers``) over the two processes. Prints the most
requests in flight the sandbox saw (goal <= 8), and the rate as a ratio of
8/s and of what 8 in flight allow at that latency (8 / latency per second:
Little's law; with 2 s that is 4/s, below 8/s), and the 429 answers.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from unittest.mock import patch

from bench_shared_limit import _watch  # noqa: E402 - a sibling script

JURNAL_ADDRESS = (40, 60.0)
PREFIX = "BENCH/SL/"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the windows run this many times faster (1 = Jurnal's real minute and hour)")
    parser.add_argument("--latency", type=float, default=2.0, help="Accurate's answer time (s)")
    parser.add_argument("--accurate-workers", type=int, default=6)
    parser.add_argument("--accurate-seconds", type=float, default=30.0)
    parser.add_argument("--only", choices=("jurnal", "accurate"), help="run one provider's part")
    parser.add_argument("--tiny", action="store_true", help="60 documents, windows x20, 6 s of Accurate")
    parser.add_argument("--role", default="main", help=argparse.SUPPRESS)
    parser.add_argument("--spec", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tiny:
        args.documents, args.scale, args.accurate_seconds, args.latency = 60, 20.0, 6.0, 0.5
    if args.role == "server":
        return server(args)
    return run(args)


def boot(args):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    return Registry(args.db)


def scaled(registry, scale):
    """Every connection of this process held to windows ``scale`` times
    shorter (the sandbox's are the same)."""
    Limit = registry["accounting.rate.limit"]
    original = Limit._config_limits

    def config_limits(self, conn):
        from accounting_connectors.ratelimit import ADDRESS_LIMITS, PROVIDER_LIMITS

        out = original(self, conn)
        if scale != 1 and conn.provider == "jurnal":
            out["rate_limits"] = [(n, s / scale) for n, s in out.get("rate_limits") or PROVIDER_LIMITS["jurnal"][0]]
            out["address_limits"] = [(n, s / scale) for n, s in out.get("address_limits") or ADDRESS_LIMITS["jurnal"]]
            out["max_wait"] = 5.0 / scale
        return out

    return patch.object(Limit, "_config_limits", config_limits)


def server(args):
    """One Odoo server: two worker threads, each its own cursor, until the
    spec's connections have nothing left to send or the deadline passes."""
    from odoo import SUPERUSER_ID, api
    from odoo.api import Transaction
    from odoo.sql_db import db_connect

    from accounting_connectors.documents import Customer

    spec = json.loads(args.spec)
    registry = boot(args)
    Tag = registry["res.partner.category"]
    deadline = time.monotonic() + spec["seconds"]

    def work():
        cr = db_connect(args.db).cursor()
        cr.transaction = Transaction(registry)
        env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
        try:
            conns = env["accounting.connection"].browse(spec["connections"])
            while time.monotonic() < deadline:
                handled = 0
                for conn in conns:
                    handled += env["accounting.sync.worker"]._process_jobs(
                        connection=conn, time_budget=min(20.0, max(deadline - time.monotonic(), 0.1)))
                    env.cr.commit()
                cr.execute("""SELECT count(*) FROM accounting_sync_job WHERE connection_id = ANY(%s)
                              AND state IN ('pending', 'running')""", [spec["connections"]])
                if not cr.fetchone()[0]:
                    return
                if not handled:
                    time.sleep(0.05)
        finally:
            cr.close()

    with scaled(registry, spec["scale"]), patch.object(
            Tag, "_accounting_sync_document",
            lambda rec, job: Customer(reference=job.reference, name=job.reference), create=True):
        threads = [threading.Thread(target=work) for _i in range(spec["workers"])]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return 0


def servers(args, connections, workers, seconds, scale):
    """Start the two server processes and wait for them."""
    spec_one = {"connections": connections, "workers": workers[0], "seconds": seconds, "scale": scale}
    spec_two = dict(spec_one, workers=workers[1])
    cmd = [sys.executable, os.path.abspath(__file__), "--db", args.db, "--addons-path", args.addons_path,
           "--role", "server", "--spec"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    procs = [subprocess.Popen(cmd + [json.dumps(spec)], env=env) for spec in (spec_one, spec_two)]
    for proc in procs:
        proc.wait()
    return [p.returncode for p in procs]


def sustained(arrivals, seconds):
    """Requests per window over whole windows of ``seconds`` from the first request."""
    if len(arrivals) < 2:
        return 0.0
    times = sorted(arrivals)
    windows = int((times[-1] - times[0]) // seconds)
    if not windows:
        return len(times) / max(times[-1] - times[0], 1e-9) * seconds
    end = times[0] + windows * seconds
    return sum(1 for t in times if t < end) / windows


def run(args):
    from odoo import SUPERUSER_ID, api

    from accounting_connectors.sandbox import SandboxServer

    registry = boot(args)
    minute = 60.0 / args.scale
    with registry.cursor() as cr, SandboxServer("127.0.0.1", 0, rate_limits=True) as sandbox:
        env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
        sandbox.accept_duplicates = True
        sandbox.limits.config["jurnal"].update(
            consumer=[(30, minute), (1800, 3600.0 / args.scale)], address=[(40, minute), (2500, 3600.0 / args.scale)])
        made = Made(env, sandbox)
        failed = []
        try:
            if args.only != "accurate":
                failed += jurnal_part(args, made, sandbox, minute)
            if args.only != "jurnal":
                failed += accurate_part(args, made, sandbox)
        finally:
            made.cleanup()
    return 1 if any(failed) else 0


def jurnal_part(args, made, sandbox, minute):
    """Three consumers on one server address; returns the servers' exit codes."""
    conns = [made.jurnal(i) for i in range(3)]
    made.queue(conns, args.documents)
    arrivals, _refused = _watch(sandbox, "jurnal")
    started = time.monotonic()
    # the least time the address's window allows, and slack for Odoo's own work
    budget = (args.documents / 40.0 + 2) * minute * 1.5 + 60
    rcs = servers(args, [c.id for c in conns], (2, 2), budget, args.scale)
    elapsed = time.monotonic() - started
    refused = sandbox.limits.stats()["refused"]
    rows = [r for r in sandbox.app("jurnal").dump("customer")
            if str(r.get("custom_id") or "").startswith(PREFIX)]
    refs = [r["custom_id"] for r in rows]
    twice = len(refs) - len(set(refs))
    rate = sustained(arrivals, minute)
    print("Jurnal: 2 servers x 2 workers, 3 connections (3 consumers) on one address, %d documents, "
          "windows x%g (a minute is %.1f s); servers exited %s" % (args.documents, args.scale, minute, rcs))
    print("  posted %d documents (%d requests) in %.1f s" % (len(set(refs)), len(arrivals), elapsed))
    print("  sustained %.1f requests per %.1f s window -> ratio %.2f of the binding 40/min per address "
          "(goal >= 0.90)" % (rate, minute, rate / JURNAL_ADDRESS[0]))
    print("  429 answers: %d (goal <= 1); documents posted twice: %d (goal 0)"
          % (sum(refused.values()), twice))
    return rcs


def accurate_part(args, made, sandbox):
    """2 s latency, six workers, 8/s and 8 in flight; returns the servers' exit codes."""
    sandbox.limits.reset()
    sandbox.latency = {"accurate": args.latency}
    acc = made.accurate()
    made.queue([acc], int(args.accurate_seconds * 8 * 1.2))
    arrivals, _refused = _watch(sandbox, "accurate")
    first, second = (args.accurate_workers + 1) // 2, args.accurate_workers // 2
    rcs = servers(args, [acc.id], (first, second), args.accurate_seconds, 1.0)
    stats = sandbox.limits.stats()
    rate = sustained(arrivals, 1.0)
    ceiling = min(8.0, 8.0 / args.latency)
    print("Accurate: %d workers (%d + %d), %.1f s latency, sandbox enforcing 8/s and 8 in flight; "
          "servers exited %s" % (args.accurate_workers, first, second, args.latency, rcs))
    print("  most requests in flight: %d (goal <= 8)" % stats["peak_in_flight"].get("accurate", 0))
    print("  sustained %.2f requests/s -> ratio %.2f of 8/s; %.2f of what 8 in flight allow at %.1f s "
          "(%.1f/s)" % (rate, rate / 8.0, rate / ceiling, args.latency, ceiling))
    print("  429 answers: %d (goal 0)" % sum(stats["refused"].values()))
    return rcs


class Made:
    """What the bench creates, removed at the end."""

    def __init__(self, env, sandbox):
        self.env, self.sandbox = env, sandbox
        self.connections = env["accounting.connection"]
        self.companies = env["res.company"]
        self.tag = env["res.partner.category"].create({"name": "bench scoped limits"})
        env.cr.commit()

    def _company(self, name):
        company = self.env["res.company"].create({"name": name})
        self.companies |= company
        return company

    def jurnal(self, i):
        cred = self.sandbox.app("jurnal").new_consumer() if i else {}
        Connection = self.env["accounting.connection"]
        conn = Connection.create(dict(
            Connection._vals_from_config(self.sandbox.jurnal_config(**cred)), name="bench jurnal %d" % i,
            company_id=self._company("Bench limits %d %s" % (i, time.time())).id, state="connected",
            rate_limit_per_minute=0))  # 0: the published limits, which the sandbox enforces
        self.connections |= conn
        self.env.cr.commit()
        return conn

    def accurate(self):
        Connection = self.env["accounting.connection"]
        conn = Connection.create(dict(
            Connection._vals_from_config(self.sandbox.accurate_config()), name="bench accurate",
            company_id=self._company("Bench limits accurate %s" % time.time()).id, state="connected",
            rate_limit_per_minute=0, request_timeout=10))
        self.connections |= conn
        self.env.cr.commit()
        return conn

    def queue(self, conns, n):
        for i in range(n):
            conn = conns[i % len(conns)]
            self.env.cr.execute("""
                INSERT INTO accounting_sync_job (connection_id, company_id, res_model, res_id, res_name, kind,
                    reference, state, attempts, max_attempts, next_attempt_at, sequence,
                    create_date, write_date, create_uid, write_uid)
                VALUES (%s, %s, 'res.partner.category', %s, 'bench', 'customer', %s, 'pending', 0, 8,
                        now() AT TIME ZONE 'UTC' - interval '1 second', 10, now() AT TIME ZONE 'UTC',
                        now() AT TIME ZONE 'UTC', 1, 1)""",
                                [conn.id, conn.company_id.id, self.tag.id, "%s%s/%d" % (PREFIX, conn.id, i)])
        self.env.cr.commit()

    def cleanup(self):
        env = self.env
        env.cr.rollback()
        keys = [conn._limiter_key() for conn in self.connections]
        env["accounting.sync.job"].search([("connection_id", "in", self.connections.ids)]).unlink()
        self.connections.activity_ids.unlink()
        env.cr.execute("DELETE FROM accounting_rate_limit WHERE key = ANY(%s) OR key LIKE 'jurnal:ip:%%'", [keys])
        self.connections.unlink()
        self.tag.unlink()
        env.cr.commit()


if __name__ == "__main__":
    sys.exit(main())
