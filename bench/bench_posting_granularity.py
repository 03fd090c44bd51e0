"""Requests per outlet and day, per posting granularity (issue #20).

Run by hand against a throw-away copy of a database where
pos_accounting_sync is installed (the worker commits after each document,
as in production, so what it sends stays)::

    PYTHONPATH=. python3 bench/bench_posting_granularity.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--shifts 3] [--orders 300]

A day of one outlet: ``--shifts`` shifts of ``--orders`` paid orders each,
paid with 4 payment methods (cash, bank, QRIS, card) and on the accounts of
5 customer-account customers, posted to a local sandbox:

- *per order* (real time): every order's own documents;
- *per shift* (at session close): one document set per shift;
- *per day* (once a day per outlet): one document set for the day;
- *journal entry* (once a day, sales as journal entries).

Items, customers and the account items that journal-entry mode's customer
invoices carry are sent once before (warm-up days), so what is counted is
what a day costs. Each granularity runs the big day and a small
one (1 shift of 30 orders, every customer and method named); per day and journal entry must cost
the same requests whatever the number of orders and shifts (goal: ratio 1.00).
Per order is measured on its first ``--sample`` orders and scaled (at 8
requests a second a full real-time day would take the bench an hour).
"""

import argparse
import sys
import time

from bench_session_close import Bench


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--shifts", type=int, default=3)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--sample", type=int, default=30, help="orders sent one by one for the per-order figure")
    parser.add_argument("--provider", default="accurate", choices=("accurate", "jurnal"))
    parser.add_argument("--tiny", action="store_true", help="2 shifts of 10 orders: CI checks the bench still runs")
    args = parser.parse_args()
    if args.tiny:
        args.shifts, args.orders, args.sample = 2, 10, 5

    import odoo
    from odoo import SUPERUSER_ID, api
    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin"), su=True)
        try:
            return run(env, args)
        finally:
            cr.rollback()


class DayBench(Bench):
    """Bench's outlet and connection, with 4 money methods, 5 customers and
    one outlet per measured day (days of one outlet would merge)."""

    def __init__(self, env, sandbox, provider):
        super().__init__(env, sandbox, provider)
        seeded = self.sandbox.app(provider).seeded
        bank_journal = self.bank.journal_id
        Method = env["pos.payment.method"]
        self.qris = Method.create({"name": "Bench QRIS", "journal_id": bank_journal.copy(
            {"name": "Bench QRIS %s" % self.tag, "code": "Q" + self.tag[-4:]}).id})
        self.card = Method.create({"name": "Bench card", "journal_id": bank_journal.copy(
            {"name": "Bench card %s" % self.tag, "code": "K" + self.tag[-4:]}).id})
        self.methods = self.cash | self.bank | self.qris | self.card
        self.customers = env["res.partner"].create([
            {"name": "Bench customer %d" % i, "ref": "BENCH-C%d-%s" % (i, self.tag)} for i in range(5)])
        self.connection.write({
            "payment_map_ids": [(0, 0, {"payment_method_id": m.id, "remote_account": seeded["bank"]})
                                for m in self.qris | self.card],
            "sales_account": seeded["sales"],
        })
        # a liability account the PPN is owed on (the sandbox's PB1 liability serves)
        self.connection.tax_map_ids.write({"tax_account": seeded.get("output_tax") or seeded["regional"]})
        self.outlet = 0

    def new_outlet(self):
        """A fresh outlet mapped on the connection: each measured day is its own."""
        self.outlet += 1
        # a cash method belongs to one outlet (Bench's own outlet has one); journal codes have 5 characters
        if self.outlet:
            code = "%s%02d" % (self.tag[-2:], self.outlet)
            journal = self.env["account.journal"].create({"name": "Bench cash %s" % code, "type": "cash",
                                                          "code": "C" + code, "company_id": self.env.company.id})
            self.cash = self.env["pos.payment.method"].create({"name": "Bench cash %s" % code,
                                                               "journal_id": journal.id})
            self.methods = self.cash | self.bank | self.qris | self.card
            self.connection.write({"payment_map_ids": [(0, 0, {
                "payment_method_id": self.cash.id, "remote_account": self.sandbox.app(
                    self.connection.provider).seeded["cash"]})]})
        self.config = self.env["pos.config"].create({
            "name": "Bench outlet %s-%d" % (self.tag, self.outlet),
            "payment_method_ids": [(6, 0, (self.methods | self.later).ids)]})
        self.connection.write({"outlet_map_ids": [(0, 0, {"pos_config_id": self.config.id})]})
        return self.config

    def _order(self, session, i):
        """Every 6th order on one of the 5 customers' accounts (in turn), the
        others paid by the 4 methods in turn: a small day of 30 orders
        already names every customer and method."""
        data = super()._order(session, i)
        payment = data["payment_ids"][0][2]
        if i % 6 == 0:
            data["partner_id"] = self.customers[(i // 6) % len(self.customers)].id
            payment["payment_method_id"] = self.later.id
        else:
            data["partner_id"] = False
            payment["payment_method_id"] = self.methods[i % len(self.methods)].id
        return data

    def day(self, shifts, orders):
        """Open, fill and close ``shifts`` shifts of ``orders`` orders in a
        new outlet; returns them."""
        self.new_outlet()
        sessions = []
        for _n in range(shifts):
            session = self.shift(orders)
            self.close(session)
            sessions.append(session)
        return sessions

    def send(self):
        """Run the worker until nothing is due; the sandbox's request count it took."""
        Worker = self.env["accounting.sync.worker"]
        before = sum(self.sandbox.request_count.values())
        for _run in range(50):
            if not Worker._process_jobs(connection=self.connection):
                break
        return sum(self.sandbox.request_count.values()) - before

    def post_days(self):
        """The outlet days of the connection, due now (the day ended)."""
        days = self.env["accounting.pos.day"].search([("connection_id", "=", self.connection.id),
                                                      ("state", "=", "waiting")])
        days._accounting_queue(force=True)
        return days

    def check_done(self):
        jobs = self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id)])
        bad = jobs.filtered(lambda j: j.state != "done")
        if bad:
            raise SystemExit("documents not sent: %s" % bad[:5].mapped("error_message"))


MODES = [
    ("per order", {"sales_sync_mode": "realtime", "sales_posting": "items"}),
    ("per shift", {"sales_sync_mode": "session_close", "sales_posting": "items"}),
    ("per day", {"sales_sync_mode": "daily", "sales_posting": "items"}),
    ("journal entry", {"sales_sync_mode": "daily", "sales_posting": "journal_entry"}),
]


def measure(bench, vals, shifts, orders):
    bench.connection.write(vals)
    bench.day(shifts, orders)
    bench.post_days()
    requests = bench.send()
    bench.check_done()
    return requests


def run(env, args):
    from accounting_connectors.sandbox import SandboxServer

    sandbox = SandboxServer("127.0.0.1", 0).start()
    started = time.time()
    try:
        bench = DayBench(env, sandbox, args.provider)
        # warm-up: items, customers and the account items of journal-entry mode's customer invoices
        # exist remotely before anything is counted (one-off costs, whatever the granularity)
        measure(bench, dict(MODES[1][1]), 1, 30)
        measure(bench, dict(MODES[3][1]), 1, 30)
        small = max(30, args.orders // 10) if not args.tiny else args.orders
        rows = []
        for label, vals in MODES:
            if label == "per order":
                sample = measure(bench, vals, 1, args.sample)
                big = sample * args.shifts * args.orders / args.sample
                little = sample * small / args.sample
                rows.append((label, big, little, "scaled from %d orders" % args.sample))
                continue
            big = measure(bench, vals, args.shifts, args.orders)
            little = measure(bench, vals, 1, small)
            rows.append((label, big, little, ""))
    finally:
        sandbox.stop()
    print("provider                 : %s" % args.provider)
    print("day                      : %d shifts x %d orders, 4 payment methods, 5 customer-account customers"
          % (args.shifts, args.orders))
    print("%-14s %14s %14s %8s" % ("granularity", "requests/day", "small day", "ratio"))
    for label, big, little, note in rows:
        print("%-14s %14.0f %14.0f %8.2f %s" % (label, big, little, big / little if little else 0.0, note))
    print("goal: per day and journal entry ratio 1.00 (independent of orders and shifts)")
    print("took %.0f s" % (time.time() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
