"""A flood at the webhook door of a real Odoo server, and one genuine purchase in it.

Run by hand against a throw-away database where pos_accounting_sync is
installed (it commits, and leaves its connection archived)::

    PYTHONPATH=. python3 bench/bench_webhook_flood.py --db pas_bench \\
        --addons-path=/path/to/odoo/addons,/path/to/odoo/odoo/addons,. [--tiny]

Starts the sandbox and an Odoo server on 127.0.0.1 as Odoo's default dev
server runs (threaded, no workers, two cron threads), then sends, for
``--seconds`` (20): ``--deliveries`` (500) webhook calls spread evenly
(purchase events naming unknown documents, events of unused types, bad
JSON, wrong tokens) and, at once, ``--slow`` (50) form posts that declare a
100 kB body and send it one byte at a time. Halfway, a purchase entered in
the sandbox's Accurate is delivered as Accurate would. Prints the door's
latency (p50/p95/max), how soon the slow posts were answered, that every
wrong-token call was counted (no serialization error), whether the token
appears in the server's log, and whether the genuine delivery was answered
200 and became a receipt. Every request goes to 127.0.0.1 only.
"""

import argparse
import collections
import json
import random
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from odoo_env import free_port, odoo_command  # noqa: E402

DATABASE_ID = "96400"  # the sandbox's Accurate database


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--tiny", action="store_true", help="60 deliveries and 10 slow posts in 5 s")
    args = parser.parse_args()
    if args.tiny:
        args.deliveries, args.slow, args.seconds = 60, 10, 5.0

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    from accounting_connectors.sandbox import SandboxServer

    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db, "--log-level", "warn"])
    registry = Registry(args.db)
    with SandboxServer("127.0.0.1", 0) as sandbox, registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        conn, product, warehouse = _setup(env, sandbox)
        cr.commit()
        port = free_port()
        log = tempfile.NamedTemporaryFile("w+", prefix="bench_webhook_flood_", suffix=".log", delete=False)
        server = _start_odoo(args, port, log)
        try:
            base = "http://127.0.0.1:%s/pos_accounting_sync/webhook/%s/%s/" % (port, args.db, conn.id)
            token = conn.webhook_token
            requests.get(base + token, timeout=30).raise_for_status()  # a warm server, as one in use is
            before = _refusals(cr, conn)
            genuine = _purchase(sandbox)
            result = _flood(args, base, token, genuine)
            cr.commit()  # a fresh snapshot for what the server did
            counted = _refusals(cr, conn) - before
            done_at = _wait_applied(cr, conn, genuine, result["genuine_sent"], timeout=180)
            env.invalidate_all()
            on_hand = product.with_context(warehouse_id=warehouse.id).qty_available
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # request threads stuck on a body (the code before #18)
                server.kill()
                server.wait(timeout=30)
        log.seek(0)
        server_log = log.read()
        _report(args, result, counted, done_at, on_hand, server_log, token)
        conn.active = False
        cr.commit()


def _setup(env, sandbox):
    """An Accurate connection to the sandbox (connected, its main warehouse
    mapped) and a stored product both sides know."""
    Connection = env["accounting.connection"]
    Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")]).action_archive()
    env.flush_all()
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    conn = Connection.create(dict(
        Connection._vals_from_config(sandbox.accurate_config()), name="bench webhook flood",
        state="connected", database_id=DATABASE_ID, rate_limit_per_minute=600000,
        warehouse_map_ids=[(0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Utama"})]))
    product = env["product.product"].search([("default_code", "=", "AD23")], limit=1) or env[
        "product.product"].create({"name": "Kopi Bubuk", "default_code": "AD23", "is_storable": True,
                                   "type": "consu"})
    sandbox.app("accurate").store.save("item", {"no": "AD23", "name": "Item AD23", "itemType": "INVENTORY"})
    return conn, product, warehouse


def _purchase(sandbox):
    today = time.strftime("%d/%m/%Y")
    answer = requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=10, json={
        "type": "invoice", "vendorNo": "V.00001", "transDate": today,
        "detailItem": [{"itemNo": "AD23", "quantity": 7, "unitPrice": 1000, "warehouseName": "Utama"}]})
    answer.raise_for_status()
    return answer.json()


def _envelope(kind, record_id, number):
    head, *rest = kind.lower().split("_")
    prefix = head + "".join(p.capitalize() for p in rest)
    return {"uuid": str(uuid.uuid4()), "type": kind, "databaseId": int(DATABASE_ID),
            "data": [{prefix + "Id": record_id, prefix + "No": number, "action": "WRITE"}]}


def _start_odoo(args, port, log):
    cmd, env = odoo_command(args.addons_path.split(","), "-d", args.db, "--db-filter", "^%s$" % args.db,
                            "--http-interface", "127.0.0.1", "--http-port", str(port), "--log-level", "info")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get("http://127.0.0.1:%s/web/health" % port, timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("Odoo did not answer on port %s within 120 s" % port)


def _flood(args, base, token, genuine):
    """Send the flood; returns latencies, statuses and the genuine answer."""
    rng = random.Random(18)
    latencies, statuses, lock = [], collections.Counter(), threading.Lock()
    kinds = ["purchase"] * 4 + ["noise"] * 3 + ["bad_json"] + ["wrong_token"] * 2
    plan = [rng.choice(kinds) for _i in range(args.deliveries)]
    start = time.monotonic()
    result = {"plan": collections.Counter(plan)}

    def send(i, kind):
        time.sleep(max(0.0, start + i * args.seconds / args.deliveries - time.monotonic()))
        url, data = base + token, None
        if kind == "purchase":  # documents the sandbox does not hold: fetches that find nothing
            data = json.dumps([_envelope("PURCHASE_INVOICE", 900000 + i * 10 + n, "PI.X%s" % i)
                               for n in range(rng.randint(1, 5))])
        elif kind == "noise":
            data = json.dumps([_envelope("ITEM_QUANTITY", 800000 + i, "IQ.%s" % i)])
        elif kind == "bad_json":
            data = '[{"uuid": "x", "type": '
        else:
            url, data = base + "not-the-token-%s" % i, json.dumps([_envelope("PURCHASE_INVOICE", 1, "PI.1")])
        t0 = time.monotonic()
        try:
            status = requests.post(url, data=data, timeout=60, headers={"Content-Type": "application/json"}
                                   ).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        with lock:
            latencies.append(time.monotonic() - t0)
            statuses[(kind, status)] += 1

    def send_genuine():
        time.sleep(args.seconds / 2)
        result["genuine_sent"] = time.time()
        t0 = time.monotonic()
        answer = requests.post(base + token, timeout=60, headers={"Content-Type": "application/json"},
                               data=json.dumps([_envelope("PURCHASE_INVOICE", genuine["id"], genuine["number"])]))
        result["genuine"] = (answer.status_code, time.monotonic() - t0)

    slow_times = []
    threads = [threading.Thread(target=_slow_form_post, args=(base + token, slow_times, lock))
               for _i in range(args.slow)]
    threads += [threading.Thread(target=send_genuine)]
    # at most 40 delivery senders at a time, each on its schedule
    pool, queue = [], list(enumerate(plan))

    def sender():
        while True:
            with lock:
                if not queue:
                    return
                i, kind = queue.pop(0)
            send(i, kind)
    pool = [threading.Thread(target=sender) for _i in range(min(40, len(plan)))]
    for thread in threads + pool:
        thread.start()
    for thread in threads + pool:
        thread.join(timeout=args.seconds + 120)
    result.update(latencies=sorted(latencies), statuses=statuses, slow=sorted(slow_times),
                  elapsed=time.monotonic() - start)
    return result


def _slow_form_post(url, times, lock):
    """A form post declaring 100 kB and sending a byte every 0.2 s: how
    soon (seconds) the server answers, and with what."""
    host_port, path = url.split("//", 1)[1].split("/", 1)
    host, port = host_port.split(":")
    t0 = time.monotonic()
    outcome = "no answer in 30 s"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(("POST /%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      "Content-Length: 100000\r\n\r\na=" % (path, host_port)).encode())
        while time.monotonic() - t0 < 30:
            readable, _w, _x = select.select([sock], [], [], 0.2)
            try:
                if readable:
                    head = sock.recv(64).decode("latin-1")
                    outcome = head.split("\r\n", 1)[0].split(" ", 2)[1] if head else "closed"
                    break
                sock.sendall(b"x")
            except OSError:
                outcome = "closed"
                break
    with lock:
        times.append((time.monotonic() - t0, outcome))


def _refusals(cr, conn):
    cr.execute("SELECT COALESCE(SUM(count), 0) FROM accounting_webhook_refusal WHERE connection_id = %s",
               [conn.id])
    return cr.fetchone()[0]


def _wait_applied(cr, conn, genuine, sent_at, timeout):
    """Seconds from the genuine delivery to its event done and a receipt, or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        cr.commit()
        cr.execute("""SELECT e.state, p.id FROM accounting_inbound_event e
                        LEFT JOIN stock_picking p ON p.accounting_inbound_document_id = e.document_id
                                                 AND p.state = 'done'
                       WHERE e.connection_id = %s AND e.remote_id = %s""", [conn.id, str(genuine["id"])])
        rows = cr.fetchall()
        if any(state == "done" and picking for state, picking in rows):
            return time.time() - sent_at
        time.sleep(1)
    return None


def _serialization_failures(server_log):
    """(failures of a query on the door's tables, the tables of the others)
    from the server log: Odoo logs each as "bad query" with the statement."""
    door, elsewhere = 0, []
    for block in server_log.split("bad query:")[1:]:
        head = block[:2000]
        if "could not serialize" not in head:
            continue
        table = re.search(r'(?:UPDATE|INSERT INTO|FROM)\s+"?(\w+)', head)
        name = table.group(1) if table else "?"
        if name.startswith("accounting_webhook"):
            door += 1
        else:
            elsewhere.append(name)
    return door, elsewhere


def _report(args, result, counted, done_at, on_hand, server_log, token):
    lat = result["latencies"]

    def pct(p):
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")
    by_status = collections.Counter()
    for (kind, status), n in result["statuses"].items():
        by_status["%s %s" % (kind, status)] += n
    slow = result["slow"]
    wrong = result["plan"]["wrong_token"]
    status, genuine_time = result.get("genuine", ("not sent", 0))
    print("Webhook flood: %d deliveries in %.1f s (%.1f/s) + %d slow form posts at once, Odoo's dev server"
          % (len(lat), result["elapsed"], len(lat) / max(result["elapsed"], 0.001), len(slow)))
    print("  door latency: p50 %.3f s, p95 %.3f s, max %.3f s" % (pct(50), pct(95), pct(100)))
    print("  answers: %s" % ", ".join("%s: %d" % kv for kv in sorted(by_status.items())))
    print("  slow form posts: %s answered, slowest after %.2f s (%s)" % (
        sum(1 for _t, o in slow if o.startswith("4")), max((t for t, _o in slow), default=0),
        ", ".join("%s x%d" % kv for kv in collections.Counter(o for _t, o in slow).items())))
    door, elsewhere = _serialization_failures(server_log)
    print("  wrong-token calls: %d sent, %d counted; serialization failures at the door: %d%s" % (
        wrong, counted, door, " (elsewhere: %s)" % ", ".join(elsewhere) if elsewhere else ""))
    print("  lines of the server log with the token: %d (webhook request lines: %d)" % (
        sum(1 for line in server_log.splitlines() if token in line),
        sum(1 for line in server_log.splitlines() if "/pos_accounting_sync/webhook/" in line)))
    print("  genuine delivery: HTTP %s in %.3f s; %s; on hand AD23: %s" % (
        status, genuine_time, "applied (receipt done) %.1f s after it was sent" % done_at if done_at
        else "NOT applied within 180 s", on_hand))


if __name__ == "__main__":
    main()
