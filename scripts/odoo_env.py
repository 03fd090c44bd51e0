"""Find the Odoo the machine has, and its PostgreSQL: shared by the test
runner and the demo. Nothing here installs or builds Odoo: Odoo is found
only when ``import odoo`` works (optionally helped by ``ODOO_ADDONS_PATH``).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def find_odoo():
    """(odoo module, addons path list) or (None, reason)."""
    try:
        import odoo  # optional by design
    except ImportError as exc:
        return None, "`import odoo` fails in %s (%s)" % (sys.executable, exc)
    paths = [p for p in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if p]
    if not paths:
        package = Path(odoo.__file__).resolve().parent
        paths = [str(p) for p in (package.parent / "addons", package / "addons") if p.is_dir()]
    paths.append(str(REPO))
    return odoo, paths


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_ok():
    try:
        import psycopg2
        psycopg2.connect(dbname="postgres", connect_timeout=3).close()
        return True, ""
    except Exception as exc:  # noqa: BLE001 - the reason is shown to the user
        return False, str(exc).strip()


def ensure_postgres():
    """Start the machine's PostgreSQL if none answers; make sure the current
    user has a role. Returns an error text, or '' when ready."""
    ok, why = _pg_ok()
    if ok:
        return ""
    if "role" in why and "does not exist" in why and os.geteuid() == 0:
        user = os.environ.get("PGUSER") or "root"
        subprocess.run(["runuser", "-u", "postgres", "--", "createuser", "-s", user], check=False)
        ok, why = _pg_ok()
        return "" if ok else why
    if shutil.which("pg_lsclusters"):
        out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            version, cluster = line.split()[:2]
            subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=False)
    elif shutil.which("service"):
        subprocess.run(["service", "postgresql", "start"], check=False)
    for _ in range(20):
        ok, why = _pg_ok()
        if ok:
            return ""
        if "role" in why and os.geteuid() == 0:
            return ensure_postgres()
        time.sleep(0.5)
    return why


def odoo_command(addons_path, *args, source=REPO):
    """``python -m odoo`` with the addons path; ``source`` (the tree whose
    ``accounting_connectors`` the module imports) goes first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "odoo", "--addons-path=" + ",".join(addons_path), *args]
    return cmd, env


def dropdb(name):
    subprocess.run(["dropdb", "--if-exists", name], check=False, capture_output=True)


def run_in_odoo(addons_path, db, body, source=REPO):
    """Run ``body`` (Python using ``env``, superuser) against ``db`` in a
    fresh interpreter and commit; returns (exit code, output). ``source``:
    as in ``odoo_command``."""
    code = (
        "import json, odoo, sys\n"
        "from odoo.tools import config\n"
        "config.parse_config(['--addons-path=%s', '-d', %r, '--log-level=warn'])\n"
        "registry = odoo.modules.registry.Registry.new(%r)\n"
        "with registry.cursor() as cr:\n"
        "    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})\n"
    ) % (",".join(addons_path), db, db)
    code += "".join("    %s\n" % line for line in body.strip().splitlines())
    cmd, env = odoo_command(addons_path, source=source)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=source)
    return proc.returncode, proc.stdout + proc.stderr
