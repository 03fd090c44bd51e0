"""A person deletes or renames an account or a warehouse in the accounting
system (sandbox admin ``/_sandbox/masters``): the lists stop showing it and
documents naming it are refused in the provider's words; bad input is a 4xx."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer, InvoiceLine, Item, ReceiptLine, SalesInvoice, SalesReceipt
from accounting_connectors.errors import ConnectorError
from accounting_connectors.masters import missing_master

PROVIDERS = ("accurate", "jurnal")


def _client(sandbox, provider):
    config = sandbox.accurate_config() if provider == "accurate" else sandbox.jurnal_config()
    return make_client(config)


def _masters(sandbox, method, provider, kind, code, body=None):
    return requests.request(method, "%s/_sandbox/masters/%s/%s/%s" % (sandbox.url, provider, kind, code),
                            json=body, timeout=5)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_deleted_account_leaves_the_chart_and_refuses_a_receipt(sandbox, provider):
    client = _client(sandbox, provider)
    seeded = sandbox.app(provider).seeded
    bank = seeded["bank"]
    assert bank in {a["number"] for a in client.list_accounts()}
    resp = _masters(sandbox, "DELETE", provider, "account", bank)
    assert resp.status_code == 200, resp.text
    client = _client(sandbox, provider)  # Jurnal's client caches the chart per client
    assert bank not in {a["number"] for a in client.list_accounts()}
    # a receipt into the deleted account is refused, nothing is saved
    client.post(Customer(reference="C-MST-1", name="Budi"))
    customer = seeded["walkin"]
    client.post(Item(reference="SKU-MST", name="Teh", sale_price=Decimal("5000")))
    client.post(SalesInvoice(reference="INV/MST/1", customer_ref=customer, date=date.today(),
                             lines=[InvoiceLine("SKU-MST", Decimal("1"), Decimal("5000"))]))
    with pytest.raises(ConnectorError) as refused:
        client.post(SalesReceipt(reference="RCV/MST/1", customer_ref=customer, date=date.today(), account=bank,
                                 lines=[ReceiptLine("INV/MST/1", Decimal("5000"))]))
    assert refused.value.kind == "permanent"
    assert not [r for r in sandbox.app(provider).dump("sales_receipt").__iter__()
                if "RCV/MST/1" in str(r)]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_renamed_warehouse_is_listed_under_its_new_name(sandbox, provider):
    old = sandbox.app(provider).seeded["warehouse"]
    resp = _masters(sandbox, "POST", provider, "warehouse", old, {"name": "Gudang Baru"})
    assert resp.status_code == 200, resp.text
    names = {w["name"] for w in _client(sandbox, provider).list_warehouses()}
    assert "Gudang Baru" in names and old not in names


@pytest.mark.parametrize("method, path, body, status, words", [
    ("DELETE", "xero/account/1101", None, 404, "xero"),
    ("DELETE", "accurate/unicorn/1101", None, 404, "unicorn"),
    ("DELETE", "accurate/account/9999", None, 404, "9999"),
    ("DELETE", "jurnal/account/9-99999", None, 404, "9-99999"),
    ("POST", "accurate/warehouse/Cabang", {}, 400, "new name"),
    ("POST", "accurate/warehouse/Cabang", {"name": "Utama"}, 409, "already exists"),
    ("PATCH", "accurate/account/1101", None, 405, "POST"),
])
def test_bad_masters_input_is_a_4xx_with_a_sentence(sandbox, method, path, body, status, words):
    resp = requests.request(method, "%s/_sandbox/masters/%s" % (sandbox.url, path), json=body, timeout=5)
    assert resp.status_code == status, resp.text
    assert words.lower() in resp.json()["error"].lower()
    # nothing was changed
    assert "1101" in {a["number"] for a in _client(sandbox, "accurate").list_accounts()}


def test_default_warehouse_cannot_be_deleted(sandbox):
    default = sandbox.app("accurate").seeded["warehouse"]
    resp = _masters(sandbox, "DELETE", "accurate", "warehouse", default)
    assert resp.status_code == 409
    assert default in {w["name"] for w in _client(sandbox, "accurate").list_warehouses()}



@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_item_deleted_there_is_refused_as_an_unknown_item(sandbox, provider):
    """An item deleted in the accounting system (its stock with it): an
    invoice naming it is refused as the provider refuses an unknown item."""
    client = _client(sandbox, provider)
    client.post(Item(reference="LOST-01", name="Barang Hilang", sale_price=Decimal("1000")))
    resp = _masters(sandbox, "DELETE", provider, "item", "LOST-01")
    assert resp.status_code == 200, resp.text
    client = _client(sandbox, provider)  # Jurnal's client remembers products per client
    assert client.find("item", "LOST-01") is None
    with pytest.raises(ConnectorError) as refused:
        client.post(SalesInvoice(reference="INV/LOST/1", customer_ref=sandbox.app(provider).seeded["walkin"],
                                 date=date.today(), lines=[InvoiceLine("LOST-01", Decimal("1"), Decimal("1000"))]))
    exc = refused.value
    assert missing_master(provider, exc.code, exc.params, exc.provider_message) == (
        "item", "" if provider == "accurate" else "LOST-01")
