"""The reconciliation report over one year of 10 outlets: how fast its
first page opens, and how many remote requests a refresh needs before and
after the remote figures are cached.

Run by hand against a throw-away database where pos_accounting_sync is
installed (it commits, and removes what it made at the end)::

    PYTHONPATH=. python3 bench/bench_reconciliation.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--outlets 10] [--days 365]

1. The Accurate sandbox is given one shift's invoice and receipt per outlet
   and day (``--outlets`` x ``--days`` shifts); the connection reads the
   year (``_reconcile``) twice and then a year twice as long: the requests
   of each pass are printed (the second pass reads only today again; the
   third only the days it had never read).
2. The report is filled with the rows such a year makes (sales, tax, money,
   customer account per shift: 4 rows a shift, 1% differing) and the list
   view's first page is read as the web client reads it
   (``web_search_read`` with the default "Differences only" filter off and
   on, plus the count): the times are printed (goal: first page < 1 s).
"""

import argparse
import random
import time
from datetime import timedelta


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--tiny", action="store_true", help="2 outlets x 5 days: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.outlets, args.days = 2, 5

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    from accounting_connectors.sandbox import SandboxServer

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = Registry(args.db)
    with SandboxServer("127.0.0.1", 0) as sandbox, registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        conn, configs = _setup(env, sandbox, args.outlets)
        try:
            Recon = env["accounting.reconciliation.line"]  # the run lives on the reconciliation model
            today = Recon._reconciliation_today(conn)
            first_day = today - timedelta(days=args.days - 1)
            shifts = _seed_remote(sandbox, configs, first_day, today)
            print("remote: %d shifts (%d outlets x %d days), %d documents"
                  % (shifts, len(configs), args.days, shifts * 2))
            for label, start in (("first refresh of the year", first_day),
                                 ("second refresh (cached)  ", first_day),
                                 ("refresh of two years     ", first_day - timedelta(days=args.days))):
                sandbox.request_count.clear()
                started = time.perf_counter()
                Recon._reconcile(conn, start, today)
                cr.commit()
                print("  %s: %4d remote requests, %6.2f s"
                      % (label, sandbox.request_count["accurate"], time.perf_counter() - started))
            rows = _fill_report(env, conn, configs, first_day, today)
            cr.commit()
            _time_first_page(env, conn, rows)
        finally:
            _cleanup(env, conn, configs)


def _setup(env, sandbox, outlets):
    Connection = env["accounting.connection"]
    archived = Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")])
    archived.action_archive()
    env.flush_all()
    configs = env["pos.config"].create([{"name": "Bench outlet %02d" % n} for n in range(outlets)])
    conn = Connection.create(dict(Connection._vals_from_config(sandbox.accurate_config()),
                                  name="bench reconciliation", company_id=env.company.id, state="connected",
                                  rate_limit_per_minute=600000,
                                  outlet_map_ids=[(0, 0, {"pos_config_id": c.id}) for c in configs]))
    env.cr.commit()
    return conn.with_context(archived_ids=archived.ids), configs


def _seed_remote(sandbox, configs, first_day, last_day):
    store = sandbox.app("accurate").store
    store.save("item", {"no": "BENCH", "name": "Bench item", "itemType": "SERVICE"})
    shifts, day = 0, first_day
    while day <= last_day:
        for config in configs:
            ref = "POS/%s/%s/INV" % (config.name, day.isoformat())
            text = day.strftime("%d/%m/%Y")
            store.save("sales-invoice", {"number": ref, "customerNo": "C.00001", "transDate": text,
                                         "detailItem": [{"itemNo": "BENCH", "quantity": 3, "unitPrice": 25000}]})
            store.save("sales-receipt", {"number": ref + "/RCV", "customerNo": "C.00001", "transDate": text,
                                         "bankNo": "1101", "chequeAmount": 75000,
                                         "detailInvoice": [{"invoiceNo": ref, "paymentAmount": 75000}]})
            shifts += 1
        day += timedelta(days=1)
    return shifts


def _fill_report(env, conn, configs, first_day, last_day):
    """The rows a refresh stores for such a year (made directly: building
    3,650 real POS shifts would take the benchmark hours)."""
    rnd = random.Random(11)
    vals, day = [], first_day
    while day <= last_day:
        for config in configs:
            for measure, subject, amount in (("sales", False, 75000.0), ("tax", False, 0.0),
                                             ("money", "1101", 75000.0), ("customer", "Pelanggan", 0.0)):
                differs = rnd.random() < 0.01
                vals.append({"connection_id": conn.id, "date": day, "pos_config_id": config.id, "measure": measure,
                             "subject": subject, "odoo_value": amount,
                             "remote_value": amount - (1000 if differs else 0),
                             "difference": -1000.0 if differs else 0.0, "is_difference": differs,
                             "cause": "changed_remotely" if differs else False})
        day += timedelta(days=1)
    env["accounting.reconciliation.line"].create(vals)
    return len(vals)


def _time_first_page(env, conn, rows):
    Line = env["accounting.reconciliation.line"]
    view = env.ref("pos_accounting_sync.view_accounting_reconciliation_line_list")
    spec = {name: {} for name in Line.get_views([(view.id, "list")])["models"][Line._name]["fields"]}
    for rel in ("connection_id", "pos_config_id", "job_ids", "session_ids"):
        spec[rel] = {"fields": {"display_name": {}}}
    print("report: %d rows" % rows)
    for label, domain in (("all rows        ", [("connection_id", "=", conn.id)]),
                          ("differences only", [("connection_id", "=", conn.id), ("is_difference", "=", True)])):
        env.invalidate_all()
        started = time.perf_counter()
        page = Line.web_search_read(domain, spec, limit=80)
        elapsed = time.perf_counter() - started
        print("  first page, %s: %3d of %5d rows in %6.1f ms (goal < 1000 ms)"
              % (label, len(page["records"]), page["length"], elapsed * 1000))
    started = time.perf_counter()
    Line.read_group([("connection_id", "=", conn.id)], ["difference:sum"], ["pos_config_id", "measure"], lazy=False)
    print("  pivot (outlet x figure) over the year: %6.1f ms" % ((time.perf_counter() - started) * 1000))


def _cleanup(env, conn, configs):
    env.cr.rollback()
    archived = env["accounting.connection"].browse(conn.env.context.get("archived_ids", []))
    env["accounting.reconciliation.line"].search([("connection_id", "=", conn.id)]).unlink()
    conn.unlink()
    configs.unlink()
    env.flush_all()
    archived.action_unarchive()
    env.cr.commit()


if __name__ == "__main__":
    main()
