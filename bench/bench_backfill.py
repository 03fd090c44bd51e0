"""Ordered backfill of 30 days x 3 outlets against a sandbox enforcing Jurnal's limits.

Run by hand against a throw-away database where pos_accounting_sync is
installed (the worker commits, as the cron does; what it creates stays)::

    PYTHONPATH=. python3 bench/bench_backfill.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--days 30] [--outlets 3] [--scale 10]

It closes ``days x outlets`` past shifts (a few walk-in orders each, on
their own business days, while the outlets are not mapped: nothing is
queued), maps the outlets, starts a backfill since the first day and drives
the worker and the backfill cron as the server would, until the backfill is
done. The sandbox enforces Jurnal's windows (30 requests/min and 1,800/h per consumer)
scaled down by ``--scale`` (the ratio between them is kept; the connection's
own limiter is held to the same scaled windows), so 90 shifts do not take
a quarter of an hour. Prints the remote requests per shift, the elapsed
time as a ratio of the minimum those windows allow for that many requests
(goal >= 0.9: no request wasted, no time idle), the 429 answers (goal 0) and
whether the invoices arrived in business-date order.
"""

import argparse
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from unittest.mock import patch

from bench_shared_limit import _watch  # noqa: E402 - a sibling script

from accounting_connectors.costs import minimum_seconds

JURNAL = [(30, 60.0), (1800, 3600.0)]  # per consumer (Jurnal help centre); the address's 40/min does not bind
ADDRESS = [(40, 60.0), (2500, 3600.0)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--outlets", type=int, default=3)
    parser.add_argument("--orders", type=int, default=3, help="orders per shift")
    parser.add_argument("--scale", type=float, default=10.0,
                        help="Jurnal's windows run this many times faster (1 = real: 30/min, 1,800/h)")
    parser.add_argument("--tiny", action="store_true", help="2 days x 1 outlet, windows x100: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.days, args.outlets, args.orders, args.scale = 2, 1, 1, 100.0

    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
        env = env(user=env.ref("base.user_admin"), su=True)
        return run(env, args)


def run(env, args):
    from odoo.addons.pos_accounting_sync.models.accounting_connection import AccountingConnection
    from odoo.addons.pos_accounting_sync.models.pos_session import PosSession

    from accounting_connectors.sandbox import SandboxServer

    windows = [(n, seconds / args.scale) for n, seconds in JURNAL]
    make_config = AccountingConnection._connection_config

    def scaled_config(self, **values):  # the connection is held to the sandbox's scaled windows
        config = make_config(self, **values)
        config.rate_limits, config.max_wait = windows, windows[0][1] + 1
        return config

    with SandboxServer("127.0.0.1", 0, rate_limits=True) as sandbox, \
            patch.object(AccountingConnection, "_connection_config", scaled_config):
        sandbox.limits.config["jurnal"].update(
            consumer=windows, address=[(n, seconds / args.scale) for n, seconds in ADDRESS])
        arrivals, refused = _watch(sandbox, "jurnal")
        bench = Bench(env, sandbox, args)
        with patch.object(PosSession, "_accounting_enqueue_sales", lambda self, connections=None: None):
            first = bench.history()  # before the go-live: nothing was queued then
        bench.map_outlets()
        env.cr.commit()
        arrivals.clear()
        started = time.monotonic()
        backfill = env["accounting.backfill"].create({"connection_id": bench.connection.id, "date_from": first})
        backfill.action_start()
        env.cr.commit()
        Worker = env["accounting.sync.worker"]
        while backfill.state == "running":
            Worker._process_jobs(time_budget=60)
            env["accounting.backfill"]._cron_run()
            env.cr.commit()
            backfill.invalidate_recordset()
            if backfill.state == "running" and not Worker._count_due():
                time.sleep(0.05)  # waiting for a rate-limit slot
        elapsed = time.monotonic() - started
        requests = len(arrivals)
        shifts = backfill.total_count
        rows = [row for row in sandbox.app("jurnal").dump("sales_invoice")
                if str(row.get("custom_id") or "").startswith("POS/")]
        days = [datetime.strptime(row["transaction_date"], "%d/%m/%Y").date()
                for row in sorted(rows, key=lambda r: int(r["id"]))]
        fastest = minimum_seconds(requests, windows)
        print("backfill of %d days x %d outlets = %d shifts (%d posted, %d failed), Jurnal sandbox windows %s"
              % (args.days, args.outlets, shifts, backfill.done_count, backfill.failed_count,
                 ", ".join("%d/%.1f s" % w for w in windows)))
        print("  scale factor      : x%g (Jurnal's 30/min and 1,800/h run %g times faster)" % (args.scale, args.scale))
        print("  remote requests   : %d, %.2f per shift" % (requests, requests / max(shifts, 1)))
        print("  elapsed           : %.1f s; minimum the limit allows %.1f s -> ratio %.2f (goal >= 0.90)"
              % (elapsed, fastest, fastest / elapsed if elapsed else 0.0))
        print("  real-time equivalent: %.1f min for the same requests at 30/min" % (fastest * args.scale / 60))
        print("  429 answers       : %d (goal 0)" % len(refused))
        print("  invoices in business-date order: %s (%d invoices)" % ("yes" if days == sorted(days) else "NO",
                                                                    len(days)))
    return 0


class Bench:
    def __init__(self, env, sandbox, args):
        from freezegun import freeze_time

        self.freeze_time = freeze_time
        self.env, self.args = env, args
        company = env.company
        company.partner_id.tz = "Asia/Jakarta"
        Connection = env["accounting.connection"]
        Connection.search([("company_id", "=", company.id)]).action_archive()
        env.flush_all()
        self.tag = tag = time.strftime("%H%M%S")
        codes = sandbox.app("jurnal").seeded
        self.products = env["product.product"].create([
            {"name": "Backfill item %d" % i, "default_code": "BF-%s-%d" % (tag, i), "list_price": 10000 + 500 * i,
             "available_in_pos": True, "taxes_id": False} for i in range(5)])
        # a cash method belongs to one outlet in Odoo: one cash journal and method per outlet
        self.cash = env["pos.payment.method"]
        self.configs = env["pos.config"]
        for i in range(args.outlets):
            journal = env["account.journal"].create({"name": "Backfill cash %s-%d" % (tag, i), "type": "cash",
                                                     "code": "B%s%d" % (tag[-3:], i), "company_id": company.id})
            method = env["pos.payment.method"].create({"name": "Backfill cash %s-%d" % (tag, i),
                                                       "journal_id": journal.id})
            self.cash |= method
            self.configs |= env["pos.config"].create({"name": "Backfill outlet %s-%d" % (tag, i),
                                                      "payment_method_ids": [(6, 0, method.ids)]})
        self.connection = Connection.create(dict(
            Connection._vals_from_config(sandbox.jurnal_config()), name="bench backfill %s" % tag,
            company_id=company.id, state="connected", default_customer_ref=codes["walkin"],
            sales_sync_mode="session_close",
            payment_map_ids=[(0, 0, {"payment_method_id": m.id, "remote_account": codes["cash"]}) for m in self.cash]))
        self.counter = 0

    def history(self):
        """Close every past shift on its day; returns the first day."""
        first = datetime.now().date() - timedelta(days=self.args.days + 1)
        for d in range(self.args.days):
            for config in self.configs:
                with self.freeze_time(datetime.combine(first + timedelta(days=d), dtime(3 + d % 5, 0))):
                    self.shift(config)
        self.env.cr.commit()
        return first

    def shift(self, config):
        config.open_ui()
        session = config.current_session_id
        session.set_opening_control(0, None)
        orders = [self.order(session, config, i) for i in range(self.args.orders)]
        self.env["pos.order"].sync_from_ui(orders)
        session.post_closing_cash_details(sum(session.order_ids.mapped("amount_paid")))
        result = session.close_session_from_ui()
        if not result.get("successful"):
            raise SystemExit("closing failed: %s" % result)

    def order(self, session, config, i):
        from odoo import fields

        self.counter += 1
        product = self.products[(self.counter + i) % len(self.products)]
        qty = 1 + i % 2
        total = product.lst_price * qty
        uid = "backfill-%s-%06d" % (self.tag, self.counter)
        return {"name": "Order %s" % uid, "uuid": uid, "session_id": session.id, "partner_id": False,
                "amount_paid": total, "amount_total": total, "amount_tax": 0.0, "amount_return": 0,
                "lines": [(0, 0, {"product_id": product.id, "qty": qty, "price_unit": product.lst_price,
                                  "price_subtotal": total, "price_subtotal_incl": total, "discount": 0,
                                  "tax_ids": [(6, 0, [])]})],
                "payment_ids": [(0, 0, {"amount": total, "payment_method_id": config.payment_method_ids.id})],
                "pricelist_id": config.pricelist_id.id, "sequence_number": self.counter,
                "user_id": self.env.uid, "last_order_preparation_change": "{}",
                "date_order": fields.Datetime.to_string(fields.Datetime.now())}

    def map_outlets(self):
        self.connection.outlet_map_ids = [(0, 0, {"pos_config_id": c.id}) for c in self.configs]


if __name__ == "__main__":
    sys.exit(main())
