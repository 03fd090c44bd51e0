"""A database made with an earlier module upgrades with everything in it.

    python3 scripts/upgrade_check.py [--from <git ref>] [--template <db>] [--keep-db]

1. exports the module and the connector package of ``--from`` (default:
   BASE, the main of before the restructuring, issue #23) with
   ``git archive`` into a temporary directory;
2. installs that module in a fresh database and, with the sandbox running,
   makes what a shop's database holds: a connection with its mappings, a
   closed POS shift whose documents the worker posted (done lines and their
   attempts), a failed line, webhook log rows (a delivery and its events);
3. upgrades the database with this tree's module (``-u pos_accounting_sync``);
4. checks every record of the module's models is still there (same ids,
   same counts), the XML ids of its groups, crons, menus, actions and views
   resolve, and that the next shift posts: another session is closed, the
   worker runs and the sandbox holds its documents.

Exit code 0 when all of that holds. Run by scripts/odoo_tests.py (the full
run) with ``--template``: a copy of its test database after the module's
uninstall (Odoo and the module's dependencies installed, the module not),
so only the module itself is installed here; alone, the database is made
from nothing (the dependencies' install takes most of the time).
"""

import argparse
import ast
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_env import REPO, dropdb, ensure_postgres, find_odoo, free_port, odoo_command, run_in_odoo  # noqa: E402

MODULE = "pos_accounting_sync"
#: main before the restructuring of issue #23 (the layout shops run today)
BASE = "7b82ebe0386b2949731dc0e93337d9b81ac217f6"
LOG_DIR = REPO / ".odoo-test"
MARK = "UPGRADE-CHECK-JSON:"

#: POS setup and a shift, the way the module's tests and benches build them;
#: runs with the old module (phase 2) and with the new one (phase 4)
SHIFT = r'''
import time
from odoo import fields
Job = env["accounting.sync.job"]
env = env(user=env.ref("base.user_admin"), su=True)
def shift(config, cash, tag, count=3):
    config.open_ui()
    session = config.current_session_id
    session.set_opening_control(0, None)
    product = env["product.product"].search([("default_code", "=", "UPG-ITEM")])
    orders = []
    for i in range(count):
        total = round(product.lst_price * 1.11, 2)
        uid = "upgrade-%s-%s-%d" % (tag, session.id, i)
        orders.append({
            "name": "Order %s" % uid, "uuid": uid, "session_id": session.id, "partner_id": False,
            "amount_paid": total, "amount_total": total, "amount_tax": 0.0, "amount_return": 0,
            "lines": [(0, 0, {"product_id": product.id, "qty": 1, "price_unit": product.lst_price,
                              "price_subtotal": product.lst_price, "price_subtotal_incl": total, "discount": 0,
                              "tax_ids": [(6, 0, product.taxes_id.ids)]})],
            "payment_ids": [(0, 0, {"amount": total, "payment_method_id": cash.id})],
            "pricelist_id": config.pricelist_id.id, "sequence_number": i + 1, "user_id": env.uid,
            "last_order_preparation_change": "{}", "date_order": fields.Datetime.to_string(fields.Datetime.now())})
    env["pos.order"].sync_from_ui(orders)
    session.post_closing_cash_details(sum(session.order_ids.payment_ids.mapped("amount")))
    result = session.close_session_from_ui()
    if not result.get("successful"):
        sys.exit("closing failed: %s" % result)
    # the worker has its own model since the house (the old module ran it on the job)
    (env["accounting.sync.worker"] if "accounting.sync.worker" in env else Job)._process_jobs()
    jobs = Job.search([("res_model", "=", "pos.session"), ("res_id", "=", session.id)])
    if not jobs or set(jobs.mapped("state")) != {"done"}:
        sys.exit("the shift's documents were not posted: %s" % [(j.reference, j.state, j.error_message)
                                                                   for j in jobs])
    return session, jobs
'''

#: phase 2: what a shop's database holds, made by the old module
POPULATE = SHIFT + r'''
from accounting_connectors.client import ConnectionConfig
Connection = env["accounting.connection"]
Connection.search([]).action_archive()
env.flush_all()
conn = Connection.create(dict(Connection._vals_from_config(ConnectionConfig(**PARAMS["config"])),
                              name="upgrade check", company_id=env.company.id, state="connected",
                              rate_limit_per_minute=600000))
seeded = PARAMS["seeded"]
tax = env["account.tax"].create({"name": "PPN 11% (upgrade)", "amount": 11, "type_tax_use": "sale",
                                 "company_id": env.company.id})
env["product.product"].create({"name": "Upgrade item", "default_code": "UPG-ITEM", "list_price": 20000,
                               "available_in_pos": True, "taxes_id": [(6, 0, tax.ids)]})
journal = env["account.journal"].create({"name": "Upgrade cash", "type": "cash", "code": "UPGC",
                                         "company_id": env.company.id})
cash = env["pos.payment.method"].create({"name": "Upgrade cash", "journal_id": journal.id})
config = env["pos.config"].create({"name": "Upgrade outlet", "payment_method_ids": [(6, 0, cash.ids)]})
conn.write({
    "default_customer_ref": seeded["walkin"], "sales_sync_mode": "session_close",
    "rounding_account": seeded["rounding"], "receivable_account": seeded["receivable"],
    "cash_difference_account": seeded["cash_difference"],
    "outlet_map_ids": [(0, 0, {"pos_config_id": config.id})],
    "payment_map_ids": [(0, 0, {"payment_method_id": cash.id, "remote_account": seeded["cash"]})],
    "tax_map_ids": [(0, 0, {"tax_id": tax.id, "remote_tax": seeded["tax11"]})],
})
session, jobs = shift(config, cash, "old")
# a failed line: a document the accounting system refused
failed = Job.create({"connection_id": conn.id, "res_model": "res.partner", "res_id": env.user.partner_id.id,
                     "kind": "customer", "reference": "UPG/FAILED/1", "state": "failed",
                     "error_message": "Refused by the accounting system (upgrade check)"})
# the webhook log: a delivery and its events
delivery = env["accounting.webhook.event"].create({"connection_id": conn.id, "body": "{}",
                                                   "event_types": "PURCHASE_INVOICE"})
env["accounting.inbound.event"].create([
    {"connection_id": conn.id, "source": "webhook", "delivery_id": delivery.id, "state": state,
     "event_type": "PURCHASE_INVOICE", "remote_id": "UPG-%s" % i}
    for i, state in enumerate(("done", "failed", "ignored"))])
env.flush_all()
'''

#: what must survive the upgrade: every row of the module's models, by id,
#: and every XML id of the module that names a group, cron, menu, action or view
SNAPSHOT = r'''
rows = {}
for name in sorted(env.registry.models):
    Model = env[name]
    if not name.startswith("accounting.") or Model._abstract or Model._transient or not Model._auto:
        continue
    env.cr.execute('SELECT id FROM "%s" ORDER BY id' % Model._table)
    rows[name] = [r[0] for r in env.cr.fetchall()]
kinds = ("res.groups", "ir.cron", "ir.ui.menu", "ir.ui.view", "ir.actions.act_window", "ir.actions.server",
         "ir.actions.client", "ir.actions.report", "ir.rule", "mail.activity.type")
xmlids = sorted("%s.%s" % (d.module, d.name) for d in env["ir.model.data"].search(
    [("module", "=", "pos_accounting_sync"), ("model", "in", kinds)]))
print("UPGRADE-CHECK-JSON:" + json.dumps({"rows": rows, "xmlids": xmlids}))
'''

#: phase 4: the next shift, with the upgraded module
NEXT_SHIFT = SHIFT + r'''
conn = env["accounting.connection"].search([("name", "=", "upgrade check")])
config = env["pos.config"].search([("name", "=", "Upgrade outlet")])
cash = env["pos.payment.method"].search([("name", "=", "Upgrade cash")])
unresolved = [x for x in PARAMS["xmlids"] if not env.ref(x, raise_if_not_found=False)]
session, jobs = shift(config, cash, "new")
print("UPGRADE-CHECK-JSON:" + json.dumps({"unresolved": unresolved, "chain": session._accounting_chain(),
                                          "jobs": jobs.mapped("reference")}))
'''


def removed_on_purpose():
    """XML ids a migration script of this tree deletes on purpose (the views
    folded into the view they extended: ``FOLDED`` of a pre-migration)."""
    removed = set()
    for script in sorted((REPO / "pos_accounting_sync" / "migrations").glob("*/pre-migration.py")):
        for node in ast.walk(ast.parse(script.read_text())):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FOLDED" for t in node.targets):
                removed |= {"pos_accounting_sync.%s" % key for key in ast.literal_eval(node.value)}
    return removed


def step(label, started):
    print("upgrade check: %s (%.0f s)" % (label, time.time() - started), flush=True)


def params(values):
    """The line that hands ``values`` to a body run in Odoo (as PARAMS)."""
    return "PARAMS = json.loads(%r)\n" % json.dumps(values)


def payload(out):
    line = next((line for line in reversed(out.splitlines()) if line.startswith(MARK)), None)
    return json.loads(line[len(MARK):]) if line else None


def export(ref, target):
    """The module and the connector package of ``ref``, as files in ``target``."""
    archive = target / "tree.tar"
    with open(archive, "wb") as out:
        subprocess.run(["git", "-C", str(REPO), "archive", ref, MODULE, "accounting_connectors"], stdout=out,
                       check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()


def odoo(addons, source, log, *args):
    cmd, env = odoo_command(addons, *args, source=source)
    with open(log, "w") as out:
        return subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=source).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="ref", default=BASE, help="git ref of the module to upgrade from")
    parser.add_argument("--template", help="start from a copy of this database (the module not installed)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    odoo_module, addons = find_odoo()
    if odoo_module is None:
        print("upgrade check: SKIPPED, Odoo not found: %s" % addons)
        return 0
    why = ensure_postgres()
    if why:
        print("upgrade check: PostgreSQL not reachable: %s" % why)
        return 1
    from accounting_connectors.sandbox import SandboxServer  # noqa: PLC0415 - after the Odoo check

    LOG_DIR.mkdir(exist_ok=True)
    started = time.time()
    db = "pas_upgrade_%d_%d" % (os.getpid(), int(started))
    common = ["-d", db, "--db-filter", "^%s$" % db, "--http-port", str(free_port()), "--stop-after-init",
              "--max-cron-threads=0", "--log-level=warn"]
    sandbox = SandboxServer("127.0.0.1", 0).start()
    try:
        with tempfile.TemporaryDirectory(prefix="pas-upgrade-") as tmp:
            old = Path(tmp)
            export(args.ref, old)
            old_addons = [p for p in addons if Path(p).resolve() != REPO] + [str(old)]
            step("module of %s exported" % args.ref[:12], started)
            if args.template:
                subprocess.run(["createdb", "-T", args.template, db], check=True)
            if odoo(old_addons, old, LOG_DIR / "upgrade-check-install.log", "-i", MODULE, *common):
                print("upgrade check: FAILED, the module of %s did not install (see %s)"
                      % (args.ref, LOG_DIR / "upgrade-check-install.log"))
                return 1
            step("installed the module of %s" % args.ref[:12], started)
            config = sandbox.accurate_config()
            keys = ("provider", "base_url", "sandbox", "auth_method", "api_token", "signature_secret")
            body = params({"config": {k: getattr(config, k) for k in keys},
                           "seeded": sandbox.app("accurate").seeded}) + POPULATE + SNAPSHOT
            rc, out = run_in_odoo(old_addons, db, body, source=old)
            before = payload(out)
            if rc or before is None:
                print("upgrade check: FAILED to make the old database:\n%s" % out[-3000:])
                return 1
            step("old database: %d rows in %d models, %d xml ids" % (
                sum(map(len, before["rows"].values())), len(before["rows"]), len(before["xmlids"])), started)
        # 3. upgrade with this tree
        if odoo(addons, REPO, LOG_DIR / "upgrade-check-upgrade.log", "-u", MODULE, *common):
            print("upgrade check: FAILED, -u %s exited with an error (see %s)"
                  % (MODULE, LOG_DIR / "upgrade-check-upgrade.log"))
            return 1
        step("upgraded with this tree", started)
        # 4. everything still there
        rc, out = run_in_odoo(addons, db, SNAPSHOT)
        after = payload(out)
        if rc or after is None:
            print("upgrade check: FAILED to read the upgraded database:\n%s" % out[-3000:])
            return 1
        problems = []
        for model, ids in before["rows"].items():
            now = after["rows"].get(model)
            if now is None:
                problems.append("model %s is gone (%d rows before)" % (model, len(ids)))
            elif now != ids:
                problems.append("%s: %d rows before, %d after; missing ids %s" % (
                    model, len(ids), len(now), sorted(set(ids) - set(now))[:20]))
        removed = removed_on_purpose()
        missing = sorted(set(before["xmlids"]) - set(after["xmlids"]) - removed)
        if missing:
            problems.append("XML ids gone: %s" % ", ".join(missing))
        # 5. the next shift posts, and the old XML ids resolve in the new code
        before_docs = len(sandbox.app("accurate").dump("sales_invoice") or [])
        rc, out = run_in_odoo(addons, db, params({"xmlids": before["xmlids"]}) + NEXT_SHIFT)
        result = payload(out)
        if rc or result is None:
            problems.append("the next shift did not post:\n%s" % out[-3000:])
        else:
            unresolved = sorted(set(result["unresolved"]) - removed)
            if unresolved:
                problems.append("XML ids that no longer resolve: %s" % ", ".join(unresolved))
            invoices = sandbox.app("accurate").dump("sales_invoice") or []
            rows = list(invoices.values()) if isinstance(invoices, dict) else list(invoices)
            if not any(str(row.get("number", "")).startswith(result["chain"]) for row in rows) \
                    or len(rows) <= before_docs:
                problems.append("the sandbox holds no invoice of the next shift %s (references %s)"
                                % (result["chain"], result["jobs"]))
        step("next shift checked", started)
        for p in problems:
            print("upgrade check: PROBLEM: %s" % p)
        total = sum(map(len, before["rows"].values()))
        print("upgrade check from %s: %s; %d rows in %d models and %d xml ids kept; took %.0f s" % (
            args.ref[:12], "FAILED" if problems else "passed", total, len(before["rows"]), len(before["xmlids"]),
            time.time() - started))
        return 1 if problems else 0
    finally:
        sandbox.stop()
        if not args.keep_db:
            dropdb(db)


if __name__ == "__main__":
    sys.exit(main())
