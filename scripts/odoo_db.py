"""Create, or update, a database with the module installed, once, for
``pytest-odoo`` and for looking around:

    python3 scripts/odoo_db.py [--db pas_dev] [--drop]

Installs ``pos_accounting_sync`` (demo data included) with ``python3 -m odoo``
when the database does not exist yet, upgrades it (``-u``) when it does, and
writes an Odoo configuration file next to the test logs
(``.odoo-test/<db>.conf``: addons path and database) that
``pytest --odoo-config`` reads. Tests run on it roll back, so it is prepared
once and reused.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_env import REPO, dropdb, ensure_postgres, find_odoo, free_port, odoo_command  # noqa: E402

MODULE = "pos_accounting_sync"
LOG_DIR = REPO / ".odoo-test"


def db_exists(name):
    out = subprocess.run(["psql", "-lqtA"], capture_output=True, text=True).stdout
    return any(line.split("|")[0] == name for line in out.splitlines())


def write_config(addons, db):
    path = LOG_DIR / ("%s.conf" % db)
    path.write_text("[options]\naddons_path = %s\ndb_name = %s\ndbfilter = ^%s$\n"
                    "http_port = %d\nmax_cron_threads = 0\n" % (",".join(addons), db, db, free_port()))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="pas_dev")
    parser.add_argument("--drop", action="store_true", help="drop the database first (a fresh install)")
    args = parser.parse_args(argv)
    odoo, addons = find_odoo()
    if odoo is None:
        print("odoo-db: Odoo not found: %s" % addons)
        return 1
    why = ensure_postgres()
    if why:
        print("odoo-db: PostgreSQL not reachable: %s" % why)
        return 1
    LOG_DIR.mkdir(exist_ok=True)
    if args.drop:
        dropdb(args.db)
    how = "-u" if db_exists(args.db) else "-i"
    cmd, env = odoo_command(addons, how, MODULE, "-d", args.db, "--stop-after-init", "--max-cron-threads=0",
                            "--http-port", str(free_port()), "--log-level=warn")
    print("odoo-db: %s %s in %s ..." % ("updating" if how == "-u" else "installing", MODULE, args.db), flush=True)
    rc = subprocess.run(cmd, env=env, cwd=LOG_DIR).returncode
    if rc:
        print("odoo-db: Odoo exited with code %s" % rc)
        return rc
    conf = write_config(addons, args.db)
    print("odoo-db: ready. Run a behaviour with:\n"
          "  %s -m pytest pos_accounting_sync/tests --odoo-config=%s -k <words>" % (
              Path(sys.executable).name, conf.relative_to(REPO)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
