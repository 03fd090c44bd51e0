"""Accurate's webhook subscription lapses silently: deliveries stop after
its end, a renewal with another application's token answers success and
extends nothing, and what changed meanwhile is listed by ``lastUpdate``."""

from datetime import datetime, timedelta

import requests

from accounting_connectors.accurate.auth import WIB
from accounting_connectors.client import make_client
from accounting_connectors.sandbox.accurate import OTHER_API_TOKEN, OTHER_APPLICATION, OTHER_SIGNATURE_SECRET


def purchase(sandbox, code="A1", qty=2):
    sandbox.app("accurate").store.save("item", {"no": code, "name": code, "itemType": "INVENTORY"})
    return requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=5, json={
        "type": "invoice", "vendorNo": "V.00001", "transDate": datetime.now().strftime("%d/%m/%Y"),
        "detailItem": [{"itemNo": code, "quantity": qty, "unitPrice": 1000}]}).json()


def test_renewal_is_a_get_and_extends_seven_days(sandbox):
    client = make_client(sandbox.accurate_config())
    end = datetime.strptime(client.renew_webhook(), "%d/%m/%Y").date()
    assert end == (datetime.fromtimestamp(sandbox.now()) + timedelta(days=7)).date()
    assert client.webhook_application() == "Sandbox POS Sync"


def test_another_applications_token_renews_nothing(sandbox):
    app = sandbox.app("accurate")
    app.lapse_webhook(days_ago=2)
    before = datetime.fromtimestamp(app.webhook_expires_at).strftime("%d/%m/%Y")
    other = make_client(sandbox.accurate_config(api_token=OTHER_API_TOKEN, signature_secret=OTHER_SIGNATURE_SECRET))
    assert other.renew_webhook() == before, "success, expiry unchanged"
    assert other.webhook_application() == OTHER_APPLICATION
    assert sandbox.now() > app.webhook_expires_at


def test_deliveries_stop_after_the_end_and_changes_are_listed(sandbox):
    sandbox.webhook_url = "http://127.0.0.1:9/nowhere"
    app = sandbox.app("accurate")
    start = datetime.now(WIB) - timedelta(minutes=1)
    purchase(sandbox)
    app.lapse_webhook()
    second = purchase(sandbox, "B2", 3)
    assert len(app.undelivered) == 1 and app.undelivered[0][0]["data"][0]["purchaseInvoiceId"] == second["id"]
    client = make_client(sandbox.accurate_config())
    rows = client.list_changed_purchases(start, datetime.now(WIB) + timedelta(minutes=1))
    assert [(r["doc_type"], r["number"]) for r in rows] == [("invoice", r["number"]) for r in rows]
    assert len(rows) == 2 and rows[1]["remote_id"] == str(second["id"])
    assert rows[0]["version"] == "%012d" % 0
    # the owner's renewal brings deliveries back
    client.renew_webhook()
    purchase(sandbox, "C3", 1)
    assert len(app.undelivered) == 1
