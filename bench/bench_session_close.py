"""Cost of pos_accounting_sync when a cashier closes a 500-order shift.

Run by hand against a throw-away copy of a database where
pos_accounting_sync is installed (the worker commits after each document,
as in production, so what it sends stays)::

    PYTHONPATH=. python3 bench/bench_session_close.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--orders 500] [--rounds 3]

It opens shifts of N paid orders (cash, bank and customer-account
payments) and closes them the way the POS UI does, alternating:

- *without*: the module's close-time hook (``_accounting_enqueue_sales``)
  replaced by a no-op, i.e. Odoo's own closing cost;
- *with*: the hook live, queueing the shift's documents.

Then it lets the worker send one shift to a local sandbox and counts the
requests. Prints the median close times, their ratio (goal <= 1.05) and the
request count for N and for N/10 orders (goal: the same).
"""

import argparse
import statistics
import sys
import time
from unittest.mock import patch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--provider", default="accurate", choices=("accurate", "jurnal"))
    parser.add_argument("--tiny", action="store_true", help="20 orders, 1 round: CI checks the bench still runs")
    args = parser.parse_args()
    if args.tiny:
        args.orders, args.rounds = 20, 1

    import odoo
    from odoo import SUPERUSER_ID, api
    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"), su=True)  # a POS user, as a cashier closes
        try:
            run(env, args)
        finally:
            cr.rollback()


def run(env, args):
    from odoo.addons.pos_accounting_sync.models.pos_session import PosSession

    from accounting_connectors.sandbox import SandboxServer

    sandbox = SandboxServer("127.0.0.1", 0).start()
    try:
        bench = Bench(env, sandbox, args.provider)
        times = {"without": [], "with": []}
        for _round in range(args.rounds):
            for label in ("without", "with"):
                session = bench.shift(args.orders)
                if label == "without":
                    with patch.object(PosSession, "_accounting_enqueue_sales", lambda self, connections=None: None):
                        times[label].append(bench.close(session))
                else:
                    times[label].append(bench.close(session))
        requests_big = bench.requests_for(bench.shift(args.orders))
        requests_small = bench.requests_for(bench.shift(max(1, args.orders // 10)))
    finally:
        sandbox.stop()
    without, with_ = statistics.median(times["without"]), statistics.median(times["with"])
    print("orders per shift          : %d (%d rounds, median)" % (args.orders, args.rounds))
    print("close without the hook    : %.3f s  %s" % (without, ["%.3f" % t for t in times["without"]]))
    print("close with the module     : %.3f s  %s" % (with_, ["%.3f" % t for t in times["with"]]))
    print("ratio (goal <= 1.05)      : %.3f" % (with_ / without))
    print("remote requests, %4d orders: %d" % (args.orders, requests_big))
    print("remote requests, %4d orders: %d" % (max(1, args.orders // 10), requests_small))
    return 0


def odoo_now():
    from odoo import fields
    return fields.Datetime.to_string(fields.Datetime.now())


class Bench:
    def __init__(self, env, sandbox, provider):
        self.env = env
        self.sandbox = sandbox
        company = env.company
        Connection = env["accounting.connection"]
        Connection.search([("company_id", "=", company.id)]).action_archive()
        env.flush_all()  # the unique index (company, provider) counts active rows in SQL
        config = sandbox.accurate_config() if provider == "accurate" else sandbox.jurnal_config()
        # the sandbox's seeded codes (accounts, walk-in customer, the 11% tax)
        seeded = sandbox.app(provider).seeded
        self.tag = tag = time.strftime("%H%M%S")
        tax = env["account.tax"].create({"name": "PPN 11%% (bench %s)" % tag, "amount": 11, "type_tax_use": "sale",
                                         "company_id": company.id})
        self.products = env["product.product"].create([
            {"name": "Bench item %d" % i, "default_code": "BENCH-%s-%d" % (tag, i), "list_price": 10000 + 500 * i,
             "available_in_pos": True, "taxes_id": [(6, 0, tax.ids)], "is_storable": True}
            for i in range(20)])
        cash_journal = env["account.journal"].create({"name": "Bench cash %s" % tag, "type": "cash",
                                                      "code": "C" + tag[-4:], "company_id": company.id})
        bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
        Method = env["pos.payment.method"]
        self.cash = Method.create({"name": "Bench cash", "journal_id": cash_journal.id})
        self.bank = Method.create({"name": "Bench bank", "journal_id": bank_journal.id})
        self.later = Method.create({"name": "Bench account", "split_transactions": True})
        self.config = env["pos.config"].create({
            "name": "Bench outlet %s" % tag, "payment_method_ids": [(6, 0, (self.cash | self.bank | self.later).ids)]})
        self.customer = env["res.partner"].create({"name": "Bench customer", "ref": "BENCH-C-%s" % tag})
        self.connection = Connection.create(dict(
            Connection._vals_from_config(config), name="bench %s" % tag, company_id=company.id, state="connected",
            default_customer_ref=seeded["walkin"], sales_sync_mode="session_close",
            rounding_account=seeded["rounding"], receivable_account=seeded["receivable"],
            cash_difference_account=seeded["cash_difference"],
            outlet_map_ids=[(0, 0, {"pos_config_id": self.config.id})],
            payment_map_ids=[(0, 0, {"payment_method_id": self.cash.id, "remote_account": seeded["cash"]}),
                             (0, 0, {"payment_method_id": self.bank.id, "remote_account": seeded["bank"]})],
            # a tax with no remote code stops the shift's documents (mapping check)
            tax_map_ids=[(0, 0, {"tax_id": tax.id, "remote_tax": seeded["tax11"]})]))
        self.counter = 0

    def shift(self, count):
        self.config.open_ui()
        session = self.config.current_session_id
        session.set_opening_control(0, None)
        orders = [self._order(session, i) for i in range(count)]
        for start in range(0, count, 50):
            self.env["pos.order"].sync_from_ui(orders[start:start + 50])
        return session

    def _order(self, session, i):
        self.counter += 1
        lines, total = [], 0.0
        for j in range(3):
            product = self.products[(i + j * 7) % len(self.products)]
            qty = 1 + (i + j) % 3
            base = product.lst_price * qty
            incl = round(base * 1.11, 2)
            total += incl
            lines.append((0, 0, {"product_id": product.id, "qty": qty, "price_unit": product.lst_price,
                                 "price_subtotal": base, "price_subtotal_incl": incl, "discount": 0,
                                 "tax_ids": [(6, 0, product.taxes_id.ids)]}))
        method, partner = (self.cash, False) if i % 3 == 0 else (self.bank, False)
        if i % 25 == 0:
            method, partner = self.later, self.customer.id
        total = round(total, 2)
        uid = "bench-%s-%06d" % (self.tag, self.counter)
        return {"name": "Order %s" % uid, "uuid": uid, "session_id": session.id, "partner_id": partner,
                "amount_paid": total, "amount_total": total, "amount_tax": 0.0, "amount_return": 0,
                "lines": lines, "payment_ids": [(0, 0, {"amount": total, "payment_method_id": method.id})],
                "pricelist_id": self.config.pricelist_id.id, "sequence_number": self.counter,
                "user_id": self.env.uid, "last_order_preparation_change": "{}",
                "date_order": odoo_now()}

    def close(self, session):
        self.env.flush_all()
        started = time.perf_counter()
        session.post_closing_cash_details(sum(session.order_ids.payment_ids.filtered(
            lambda p: p.payment_method_id == self.cash).mapped("amount")))
        result = session.close_session_from_ui()
        self.env.flush_all()
        elapsed = time.perf_counter() - started
        if not result.get("successful"):
            raise SystemExit("closing failed: %s" % result)
        return elapsed

    def requests_for(self, session):
        """Remote requests caused by one shift, once earlier shifts (and the
        one-off creation of items and customers) have gone out."""
        Job, Worker = self.env["accounting.sync.job"], self.env["accounting.sync.worker"]
        Worker._process_jobs(connection=self.connection)
        self.close(session)
        before = sum(self.sandbox.request_count.values())
        Worker._process_jobs(connection=self.connection)
        # the shift's own chain, as the module names it (not a name rebuilt here)
        jobs = Job.search([("chain", "=", session._accounting_chain())])
        if not jobs or set(jobs.mapped("state")) - {"done"}:
            raise SystemExit("documents not sent: %s" % jobs.mapped("error_message"))
        return sum(self.sandbox.request_count.values()) - before

if __name__ == "__main__":
    sys.exit(main())
