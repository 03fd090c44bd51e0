"""Ten outlets close within the same minute: how long until every document is posted.

Run by hand against a throw-away database where pos_accounting_sync is
installed (the worker commits, as the cron does; what it creates stays)::

    PYTHONPATH=. python3 bench/bench_outlets_close.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--outlets 10] [--orders 4] [--scale 1]

Ten outlets of one company (one Jurnal connection: its consumer's 30/min
and 1,800/h bind, under the address's 40/min) each sell a few walk-in
orders paid in cash and by card, then all close one after the other within
the same minute, while two workers (threads, each its own cursor, as two
Odoo workers) send what the closes queued. The sandbox enforces Jurnal's
published windows, fixed on the clock (``--scale`` runs them that many
times faster, the connection's own windows too). Prints the time from the
first close until every document is posted, and its ratio to the least
time the provider's limits allow for the requests it took (the later of
the windows' minimum and the last close; goal <= 1.1), the 429 answers and
the documents posted twice.
"""

import argparse
import math
import sys
import threading
import time
from types import SimpleNamespace
from unittest.mock import patch

from bench_backfill import Bench  # noqa: E402 - a sibling script
from bench_scoped_limits import scaled  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--orders", type=int, default=4, help="orders per shift (cash and card in turn)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="Jurnal's windows run this many times faster (1 = real: 30/min per consumer)")
    parser.add_argument("--tiny", action="store_true", help="3 outlets, windows x20: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.outlets, args.orders, args.scale = 3, 2, 20.0
    args.days = 0

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.api import Transaction
    from odoo.sql_db import db_connect

    from accounting_connectors import costs
    from accounting_connectors.ratelimit import scopes_for
    from accounting_connectors.sandbox import SandboxServer

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    minute = 60.0 / args.scale

    def new_env():
        cr = db_connect(args.db).cursor()
        cr.transaction = Transaction(registry)
        return api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})

    with registry.cursor() as cr, SandboxServer("127.0.0.1", 0, rate_limits=True) as sandbox, \
            scaled(registry, args.scale):
        sandbox.limits.config["jurnal"].update(
            consumer=[(30, minute), (1800, 3600.0 / args.scale)], address=[(40, minute), (2500, 3600.0 / args.scale)])
        env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
        env = env(user=env.ref("base.user_admin"), su=True)
        bench = Bench(env, sandbox, args)
        bench.connection.rate_limit_per_minute = 0  # the published limits, which the sandbox enforces
        card = _card_method(env, bench)
        bench.map_outlets()
        env.cr.commit()
        conn_id = bench.connection.id
        closing = [True]
        arrivals = []
        handle = sandbox.handle

        def counted(request):
            if not request.path.startswith("/_sandbox"):
                arrivals.append(time.time())
            return handle(request)

        sandbox.handle = counted

        def work():
            wenv = new_env()
            try:
                conn = wenv["accounting.connection"].browse(conn_id)
                while True:
                    handled = wenv["accounting.sync.worker"]._process_jobs(connection=conn, time_budget=30)
                    wenv.cr.commit()
                    wenv.cr.execute("""SELECT count(*) FROM accounting_sync_job
                                        WHERE connection_id = %s AND state IN ('pending', 'running')""", [conn_id])
                    if not closing[0] and not wenv.cr.fetchone()[0]:
                        return
                    if not handled:
                        time.sleep(0.05)
            finally:
                wenv.cr.close()

        workers = [threading.Thread(target=work) for _i in range(2)]
        started, started_at = time.monotonic(), time.time()
        for t in workers:
            t.start()
        try:
            with patch.object(type(bench), "order", _orders_paid_by_turns(card)):
                for config in bench.configs:
                    _close(bench, config, card)
                    env.cr.commit()  # each close queues and commits, as the cashier's does
        finally:
            closing[0] = False
        last_close = time.monotonic() - started
        for t in workers:
            t.join()
        elapsed = time.monotonic() - started
        requests = len(arrivals)
        windows = costs.binding_windows(scopes_for(bench.connection._connection_config()))
        # the least time: each request no earlier than its document was queued (its close), and
        # Jurnal's windows restart on the clock
        env.cr.execute("""SELECT kind, extract(epoch FROM create_date) FROM accounting_sync_job
                          WHERE connection_id = %s ORDER BY create_date""", [conn_id])
        # a job's create_date is its close's transaction start: no request could leave before the
        # first one really did
        ready = [(max(at, min(arrivals)), costs.requests_for("jurnal", {kind: 1}))
                 for kind, at in env.cr.fetchall()]
        least = max(earliest_end(ready, requests, windows) - started_at, last_close)
        env.cr.execute("""SELECT state, count(*) FROM accounting_sync_job WHERE connection_id = %s
                          GROUP BY state""", [conn_id])
        states = dict(env.cr.fetchall())
        refs = [r.get("custom_id") for r in sandbox.app("jurnal").dump("sales_invoice")]
        refs += [r.get("custom_id") for r in sandbox.app("jurnal").dump("sales_receipt")]
        refs = [r for r in refs if r]
        print("%d outlets closing within the same minute (the last close %.1f s after the first), one Jurnal "
              "connection, windows x%g (a minute is %.1f s): %s" % (args.outlets, last_close, args.scale, minute,
                                                                    ", ".join("%d/%.1f s" % w for w in windows)))
        print("  documents by state: %s; remote requests %d" % (states, requests))
        print("  every document posted %.1f s after the first close; the least the limits allow (each request "
              "once its shift closed) %.1f s -> ratio %.2f (goal <= 1.1)"
              % (elapsed, least, elapsed / least if least else 0.0))
        print("  429 answers: %d; documents posted twice: %d"
              % (sum(sandbox.limits.stats()["refused"].values()), len(refs) - len(set(refs))))
    return 0


def earliest_end(ready, requests, windows):
    """The earliest moment (epoch s) ``requests`` requests can all be sent
    when each becomes ready as its document is queued (``ready``: ``[(epoch
    seconds, requests)]``, the remainder of ``requests`` counted with the
    first) under fixed ``windows`` on the clock, each restarting every
    ``seconds``."""
    times = []
    for at, count in ready:
        times += [at] * int(round(count))
    times = sorted(times[:requests] + [ready[0][0]] * max(requests - len(times), 0))
    used = {}
    now = times[0] if times else 0.0
    for at in times:
        now = max(now, at)
        while True:
            full = [s for i, (n, s) in enumerate(windows) if used.get((i, math.floor(now / s)), 0) >= n]
            if not full:
                break
            now = max((math.floor(now / s) + 1) * s for s in full)
        for i, (_n, s) in enumerate(windows):
            used[(i, math.floor(now / s))] = used.get((i, math.floor(now / s)), 0) + 1
    return now


def _card_method(env, bench):
    """A card (bank) payment method on every outlet, mapped to the bank account."""
    journal = env["account.journal"].create({"name": "Card %s" % bench.tag, "type": "bank",
                                             "code": "C%s" % bench.tag[-4:], "company_id": env.company.id})
    method = env["pos.payment.method"].create({"name": "Card %s" % bench.tag, "journal_id": journal.id})
    for config in bench.configs:
        config.payment_method_ids = [(4, method.id)]
    bench.connection.payment_map_ids = [(0, 0, {"payment_method_id": method.id,
                                                "remote_account": bench.connection.sandbox and "1-10002"})]
    return method


def _close(bench, config, card):
    """Bench.shift, counting only the cash in the drawer (card payments are not in it)."""
    session_cls = type(bench.env["pos.session"])
    original = session_cls.post_closing_cash_details

    def counted(session, counted_cash):
        cash = session.order_ids.payment_ids.filtered(lambda p: p.payment_method_id != card)
        return original(session, sum(cash.mapped("amount")))

    with patch.object(session_cls, "post_closing_cash_details", counted):
        bench.shift(config)


def _orders_paid_by_turns(card):
    """Bench.order, every other order paid by card."""
    original = Bench.order

    def order(self, session, config, i):
        # the original pays with the outlet's only method: show it the cash one
        cash = SimpleNamespace(payment_method_ids=config.payment_method_ids - card, pricelist_id=config.pricelist_id)
        data = original(self, session, cash, i)
        if i % 2:
            data["payment_ids"][0][2]["payment_method_id"] = card.id
        return data

    return order


if __name__ == "__main__":
    sys.exit(main())
