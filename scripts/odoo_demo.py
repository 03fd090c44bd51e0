"""The demo: Odoo with pos_accounting_sync talking to the local sandbox.

    python3 scripts/odoo_demo.py [--db pas_demo] [--port 8069] [--sandbox-port 8899] [--reset]
    make demo [DEMO_DB=pas_demo] [DEMO_PORT=8069] [SANDBOX_PORT=8899]

With Odoo importable: creates the database (once), installs the module with
``l10n_id`` and demo data, makes the Indonesian demo shop (a company in
Bandung on the l10n_id chart, in rupiah, with PPN goods and a PB1 restaurant:
``models/accounting_sync_demo.py``) and its two connections to the sandbox,
starts the sandbox of Accurate and Jurnal on localhost and serves Odoo;
Ctrl-C stops both. Without Odoo it serves the sandbox alone and says what
the full demo needs.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_env import REPO, ensure_postgres, find_odoo, odoo_command, run_in_odoo  # noqa: E402

sys.path.insert(0, str(REPO))
from accounting_connectors.sandbox import SandboxServer  # noqa: E402

MODULE = "pos_accounting_sync"


def _db_exists(name):
    out = subprocess.run(["psql", "-lqt"], capture_output=True, text=True).stdout
    return any(line.split("|")[0].strip() == name for line in out.splitlines())


def _webhook_url(db, port):
    """The Accurate demo connection's webhook URL, for the sandbox to call."""
    import psycopg2  # only with Odoo, which needs it anyway

    with psycopg2.connect(dbname=db) as cnx, cnx.cursor() as cr:
        cr.execute("""SELECT id, webhook_token FROM accounting_connection
                      WHERE provider = 'accurate' AND active ORDER BY id LIMIT 1""")
        row = cr.fetchone()
    return row and "http://127.0.0.1:%s/%s/webhook/%s/%s/%s" % (port, MODULE, db, row[0], row[1])


def sandbox_only(args, reason):
    print("Odoo is not available: %s." % reason)
    print("The full demo needs Odoo 18.0 importable by this Python (or ODOO_ADDONS_PATH set to its addons")
    print("folders) and a PostgreSQL server. Serving the sandbox alone meanwhile.\n")
    server = SandboxServer("127.0.0.1", args.sandbox_port)
    server.start()
    acc, jur = server.accurate_config(), server.jurnal_config()
    print("Sandbox of Accurate Online and Jurnal on %s" % server.url)
    print("  Accurate: API token %s, signature secret %s" % (acc.api_token, acc.signature_secret))
    print("  Jurnal:   client id %s, client secret %s" % (jur.client_id, jur.client_secret))
    print("  What it holds: GET %s/_sandbox/state/accurate (or /jurnal). Ctrl-C stops it." % server.url)
    server.serve_forever()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="pas_demo")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--sandbox-port", type=int, default=8899,
                        help="port of the sandbox on 127.0.0.1; the demo connections are pointed at it "
                             "(default 8899)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args(argv)

    odoo, addons = find_odoo()
    if odoo is None:
        return sandbox_only(args, addons)
    problem = ensure_postgres()
    if problem:
        return sandbox_only(args, "PostgreSQL does not answer (%s)" % problem)

    if args.reset and _db_exists(args.db):
        subprocess.run(["dropdb", args.db], check=True)
    if not _db_exists(args.db):
        print("Creating database %s with %s and demo data (a few minutes the first time)..."
              % (args.db, MODULE))
        cmd, env = odoo_command(addons, "-d", args.db, "-i", "l10n_id,%s" % MODULE, "--stop-after-init",
                                "--http-port", str(args.port), "--log-level=warn")
        if subprocess.run(cmd, env=env, cwd=REPO).returncode:
            print("Installing the module failed; see the log above.")
            return 1

    sandbox = SandboxServer("127.0.0.1", args.sandbox_port, webhook_url=_webhook_url(args.db, args.port))
    sandbox.start()
    # with the sandbox up: the Indonesian shop, its connections tested, lists fetched, outlets mapped
    rc, out = run_in_odoo(addons, args.db, "env['accounting.sync.demo']._indonesian_shop(%r)" % sandbox.url)
    if rc:
        print("Preparing the demo connections failed (they can be set up by hand):\n%s" % out[-2000:])
    url = "http://localhost:%s" % args.port
    acc, jur = sandbox.accurate_config(), sandbox.jurnal_config()
    print("""
Sandbox of Accurate Online and Jurnal: %(sandbox)s
Odoo: %(url)s   (database %(db)s, login admin / admin)

Sandbox credentials (to set up a connection by hand; Host = %(sandbox)s):
  Accurate, API token:  API Token %(acc_token)s
                        Signature Secret %(acc_secret)s
  Jurnal, HMAC:         Client ID %(jur_id)s
                        Client Secret %(jur_secret)s

Where to click:
  1. Point of Sale > Accounting Sync > Configuration > Connections > "Accurate (sandbox)": already
     tested, lists fetched, the company "Toko Kopi Nusantara" (l10n_id chart, rupiah) with its coffee
     shop (PPN ST1/ST3) and its PB1 restaurant mapped with their cash/bank methods (see its tabs;
     "Jurnal (sandbox)" is tested too, with no outlet: map one there to try Jurnal instead).
  2. Open a POS session, sell, close the session: its documents are queued and sent within a minute;
     what the sandbox holds: %(sandbox)s/_sandbox/state/accurate/sales_invoice
  3. Point of Sale > Accounting Sync > Operations > Sync Log: filter Failed, open a line, read why,
     Retry.
  4. Faults on demand:  curl -X POST %(sandbox)s/_sandbox/faults -d '{"kind": "503", "count": 3}'
Ctrl-C stops Odoo and the sandbox.
""" % {"sandbox": sandbox.url, "url": url, "db": args.db, "acc_token": acc.api_token,
       "acc_secret": acc.signature_secret, "jur_id": jur.client_id, "jur_secret": jur.client_secret})
    cmd, env = odoo_command(addons, "-d", args.db, "--db-filter", "^%s$" % args.db,
                            "--http-port", str(args.port), "--http-interface", "127.0.0.1")
    try:
        return subprocess.run(cmd, env=env, cwd=REPO).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
