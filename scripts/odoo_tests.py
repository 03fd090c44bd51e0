"""Run the addon's tests in a real Odoo, or say plainly that they were skipped.

    python3 scripts/odoo_tests.py [--tags /pos_accounting_sync] [--keep-db]

Creates a throw-away database, installs the module with its tests, checks
that install and upgrade log no warning and that it uninstalls cleanly,
then drops the database. Exit code 0 only when everything passed.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from odoo_env import (  # noqa: E402
    REPO,
    dropdb,
    ensure_postgres,
    find_odoo,
    free_port,
    odoo_command,
    run_in_odoo,
)

MODULE = "pos_accounting_sync"
TIMEOUT = int(os.environ.get("ODOO_TEST_TIMEOUT", 2700))
LOG_DIR = REPO / ".odoo-test"
STARTED = re.compile(r"odoo\.addons\.%s\.tests\.\S+: Starting (\S+) \.\.\." % MODULE)
FAILURE = re.compile(r" (ERROR|CRITICAL) .*?: (FAIL|ERROR): (\S+)")
SKIP = re.compile(r"skipped (\S+)")
FIRST_TEST = re.compile(r"odoo\.addons\.\w+\.tests\.\S+: (Starting|running)")
WARN = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def run(cmd, env, log_path, echo, timeout=TIMEOUT):
    """Run Odoo, keep its whole log in a file, echo only what matters; a run
    over ``timeout`` seconds is killed (a hung test must not hang CI)."""
    lines = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, cwd=LOG_DIR)
        timer = threading.Timer(timeout, _kill, (proc, timeout))
        timer.start()
        for line in proc.stdout:
            log.write(line)
            lines.append(line.rstrip("\n"))
            if echo(line):
                print(line, end="", flush=True)
        proc.wait()
        timer.cancel()
    return proc.returncode, lines


def _kill(proc, timeout):
    print("Odoo addon tests: still running after %d s, stopped" % timeout, flush=True)
    proc.kill()


def warnings_of(lines):
    """Warnings a module install must not produce (Odoo's own root-user
    notice and test-only noise excluded)."""
    return [line for line in lines if WARN.match(line) and "Running as user 'root'" not in line]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", default="/" + MODULE)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--no-lifecycle", action="store_true", help="skip the upgrade/uninstall checks")
    args = parser.parse_args(argv)

    odoo, addons = find_odoo()
    if odoo is None:
        print("Odoo addon tests: SKIPPED, Odoo not found: %s. Make `import odoo` work for this "
              "interpreter (see README, 'Running the addon tests')." % addons)
        return 0
    why = ensure_postgres()
    if why:
        print("Odoo addon tests: FAILED to reach PostgreSQL: %s" % why)
        return 1
    LOG_DIR.mkdir(exist_ok=True)
    db = "pas_test_%d_%d" % (os.getpid(), int(time.time()))
    common = ["-d", db, "--http-port", str(free_port()), "--db-filter", "^%s$" % db,
              "--stop-after-init", "--log-level=test", "--max-cron-threads=0"]
    print("Odoo addon tests: Odoo %s, database %s, log in %s" % (odoo.release.version, db, LOG_DIR))
    started = time.time()
    try:
        # 1. install with demo data and run the tests
        cmd, env = odoo_command(addons, "-i", MODULE, "--test-enable", "--test-tags", args.tags, *common)
        rc, lines = run(cmd, env, LOG_DIR / "install-and-test.log",
                        lambda line: FAILURE.search(line) or WARN.match(line) and "root" not in line)
        tests = len({m.group(1) for m in map(STARTED.search, lines) if m})
        failed = sorted({m.group(3) for m in map(FAILURE.search, lines) if m})
        skipped = [m.group(1) for line in lines if MODULE in line for m in [SKIP.search(line)] if m]
        problems = []
        # warnings logged while loading modules, before the first test starts
        first_test = next((i for i, line in enumerate(lines) if FIRST_TEST.search(line)), len(lines))
        install_warnings = warnings_of(lines[:first_test])
        if install_warnings:
            problems.append("install logged %d warning(s)" % len(install_warnings))
        if rc and not failed:
            problems.append("Odoo exited with code %s" % rc)
        # 2. upgrade and uninstall in the same database
        lifecycle_ok = 0
        if not args.no_lifecycle and not failed:
            cmd, env = odoo_command(addons, "-u", MODULE, *common)
            rc_u, up = run(cmd, env, LOG_DIR / "upgrade.log", lambda line: WARN.match(line))
            if rc_u or warnings_of(up):
                problems.append("upgrade logged %d warning(s)" % len(warnings_of(up)))
            else:
                lifecycle_ok += 1
            rc_x, out = uninstall(addons, db)
            if rc_x:
                problems.append("uninstall failed:\n%s" % out[-2000:])
            else:
                lifecycle_ok += 1
        for p in problems:
            print("Odoo addon tests: PROBLEM: %s" % p)
        passed = tests - len(failed) - len(skipped) + lifecycle_ok
        print("Odoo addon tests took %.0f s; %d skipped%s" % (
            time.time() - started, len(skipped), (": " + ", ".join(skipped)) if skipped else ""))
        print("odoo: %d passed, %d failed" % (passed, len(failed) + len(problems)))
        if tests == 0:
            print("Odoo addon tests: no test ran, that is a failure")
            return 1
        return 1 if failed or problems else 0
    finally:
        if not args.keep_db:
            dropdb(db)


def uninstall(addons, db):
    rc, out = run_in_odoo(addons, db, """
env['ir.module.module'].search([('name', '=', '%s')]).button_immediate_uninstall()
env.cr.execute("SELECT count(*) FROM ir_model WHERE model LIKE 'accounting.%%'")
left = env.cr.fetchone()[0]
if left:
    sys.exit('models left after uninstall: %%s' %% left)
""" % MODULE)
    (LOG_DIR / "uninstall.log").write_text(out)
    return rc, out


if __name__ == "__main__":
    sys.exit(main())
