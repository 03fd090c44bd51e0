"""Purchases edited and deleted by a person in the accounting system, as the
inbound sync reads them: a version that grows with each edit, WRITE/DELETE
webhooks (Accurate), deleted documents answered as NotFoundError, Jurnal's
list filtered by creation day."""

import threading
from datetime import date, timedelta
from decimal import Decimal as D
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from accounting_connectors.accurate.webhook import parse
from accounting_connectors.client import make_client
from accounting_connectors.errors import NotFoundError


@pytest.fixture()
def hooks(sandbox):
    """Webhook bodies the sandbox delivers, collected by a local server."""
    bodies, arrived = [], threading.Semaphore(0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()
            arrived.release()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sandbox.webhook_url = "http://127.0.0.1:%d/hook" % httpd.server_address[1]

    def wait(count):
        for _i in range(count):
            assert arrived.acquire(timeout=5), "the sandbox did not deliver a webhook"
        return [parse(body)[0] for body in bodies[-count:]]

    yield wait
    httpd.shutdown()
    httpd.server_close()


def admin(sandbox, method, path, body=None, status=200):
    answer = requests.request(method, sandbox.url + "/_sandbox/purchases/" + path, json=body, timeout=5)
    assert answer.status_code == status
    return answer.json()


def test_accurate_edit_raises_opt_lock_and_delete_sends_delete(sandbox, hooks):
    client = make_client(sandbox.accurate_config())
    sandbox.app("accurate").store.save("item", {"no": "KOPI", "name": "Kopi", "itemType": "INVENTORY"})
    line = {"itemNo": "KOPI", "quantity": 5, "unitPrice": 1000, "warehouseName": "Utama"}
    created = admin(sandbox, "POST", "accurate", {"vendorNo": "V.00001", "transDate": "16/05/2024",
                                                  "detailItem": [line]})
    [event] = hooks(1)
    first = client.fetch_purchase("invoice", event.remote_id)
    edited = admin(sandbox, "POST", "accurate/%s" % created["id"], {"detailItem": [dict(line, quantity=8)]})
    assert (edited["id"], edited["number"], edited["optLock"]) == (created["id"], created["number"], 1)
    [event] = hooks(1)
    assert (event.action, event.remote_id) == ("WRITE", str(created["id"]))
    second = client.fetch_purchase("invoice", event.remote_id)
    assert second.version > first.version and second.lines[0].quantity == D("8")
    assert sandbox.app("accurate").dump("stock")["KOPI"]["Utama"] == D("8")
    admin(sandbox, "DELETE", "accurate/%s" % created["id"])
    [event] = hooks(1)
    assert (event.type, event.action, event.number) == ("PURCHASE_INVOICE", "DELETE", created["number"])
    with pytest.raises(NotFoundError, match="tidak tepat"):
        client.fetch_purchase("invoice", created["id"])
    assert sandbox.app("accurate").dump("stock")["KOPI"]["Utama"] == 0
    again = admin(sandbox, "DELETE", "accurate/%s" % created["id"], status=422)  # refused in Accurate's words
    assert again == {"s": False, "d": ["Faktur Pembelian tidak tepat"]}


def test_accurate_goods_received_without_invoice(sandbox, hooks):
    client = make_client(sandbox.accurate_config())
    sandbox.app("accurate").store.save("item", {"no": "GULA", "name": "Gula", "itemType": "INVENTORY"})
    admin(sandbox, "POST", "accurate", {"type": "receipt", "vendorNo": "V.00001", "transDate": "16/05/2024",
                                        "detailItem": [{"itemNo": "GULA", "quantity": 3}]})
    [event] = hooks(1)
    assert (event.type, event.action) == ("RECEIVE_ITEM", "WRITE")
    doc = client.fetch_purchase("receipt", event.remote_id)
    assert (doc.doc_type, doc.reference[:3], doc.lines[0].quantity) == ("receipt", "RI.", D("3"))


def test_jurnal_edit_moves_updated_at_and_delete_leaves_the_list(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    app = sandbox.app("jurnal")
    app.store.add("products", {"name": "Kopi", "product_code": "KOPI", "unit": {"id": 1, "name": "Pcs"},
                               "track_inventory": True})
    created = admin(sandbox, "POST", "jurnal", {"purchase_invoice": {
        "person_name": "PT Pemasok Jaya", "transaction_date": "2025-03-14", "warehouse_name": "Gudang Utama",
        "transaction_lines_attributes": [{"product_code": "KOPI", "quantity": 4, "rate": 9000}]}})
    today = date.fromtimestamp(sandbox.now())
    [first] = client.list_purchases(today - timedelta(days=1), today)
    assert first.created_on == today and first.version == created["updated_at"]
    assert client.list_purchases(today + timedelta(days=1), today + timedelta(days=2)) == [], \
        "the list is filtered by creation day"
    edited = admin(sandbox, "POST", "jurnal/%s" % created["id"], {"transaction_lines_attributes": [
        {"product_code": "KOPI", "quantity": 6, "rate": 9000}]})
    assert edited["transaction_no"] == created["transaction_no"] and edited["updated_at"] > created["updated_at"]
    [second] = client.list_purchases(today, today)
    assert second.version > first.version and second.lines[0].quantity == D("6")
    assert app.dump()["stock"]["KOPI"] == {"Gudang Utama": "6.0"}
    admin(sandbox, "DELETE", "jurnal/%s" % created["id"])
    assert client.list_purchases(today, today) == []
    with pytest.raises(NotFoundError):
        client.fetch_purchase("invoice", created["id"])
    assert app.dump()["stock"]["KOPI"] == {"Gudang Utama": "0.0"}
