"""Customers and items as the providers keep them: the Coretax identity
(NPWP, NIK, NITKU) reaches the customer's tax fields and a malformed one is
refused in the provider's words; Jurnal keeps the receivable on the
customer and moves it on request; an Accurate line names one of its item's
units or is refused."""

from datetime import date
from decimal import Decimal

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice
from accounting_connectors.errors import ConnectorError

NPWP = "0123456789012345"
NITKU = NPWP + "000000"


def _client(sandbox, provider):
    config = sandbox.accurate_config() if provider == "accurate" else sandbox.jurnal_config()
    return make_client(config)


def _customer(sandbox, provider, number):
    rows = sandbox.app(provider).dump("customer")
    key = "customerNo" if provider == "accurate" else "custom_id"
    return next(row for row in rows if row.get(key) == number)


def test_accurate_customer_carries_npwp_and_nitku(sandbox):
    client = _client(sandbox, "accurate")
    client.post(Customer(reference="C-NPWP-1", name="PT Maju", npwp=NPWP, nitku=NITKU))
    row = _customer(sandbox, "accurate", "C-NPWP-1")
    assert (row["npwpNo"], row["nitku"]) == (NPWP, NITKU)
    # a buyer known by NIK: the NIK is its tax number
    client.post(Customer(reference="C-NIK-1", name="Budi", nik="3171234567890123"))
    assert _customer(sandbox, "accurate", "C-NIK-1")["npwpNo"] == "3171234567890123"


def test_accurate_refuses_a_malformed_npwp_in_its_words(sandbox):
    client = _client(sandbox, "accurate")
    with pytest.raises(ConnectorError) as refused:
        client.post(Customer(reference="C-BAD-1", name="PT Salah", npwp="12345"))
    assert "npwpNo" in refused.value.message and "tidak valid" in refused.value.message
    assert not [r for r in sandbox.app("accurate").dump("customer") if r.get("customerNo") == "C-BAD-1"]


def test_jurnal_customer_carries_tax_no_and_the_rest_in_other_detail(sandbox):
    client = _client(sandbox, "jurnal")
    client.post(Customer(reference="C-NPWP-2", name="PT Jaya", npwp=NPWP, nik="3171234567890123", nitku=NITKU))
    row = _customer(sandbox, "jurnal", "C-NPWP-2")
    assert row["tax_no"] == NPWP
    assert row["other_detail"] == "NIK 3171234567890123; NITKU %s" % NITKU


def test_walk_in_customer_carries_no_identity(sandbox):
    for provider in ("accurate", "jurnal"):
        walkin = sandbox.app(provider).seeded["walkin"]
        key = "customerNo" if provider == "accurate" else "custom_id"
        row = next(r for r in sandbox.app(provider).dump("customer") if r.get(key) == walkin)
        assert not row.get("npwpNo") and not row.get("tax_no")


def test_jurnal_keeps_the_receivable_on_the_customer_and_moves_it_on_request(sandbox):
    app = sandbox.app("jurnal")
    with sandbox.lock:
        app.store.add("accounts", {"name": "Piutang Lain", "number": "1-10199", "category": "Accounts Receivable"})
    client = _client(sandbox, "jurnal")
    created = client.post(Customer(reference="C-AR-1", name="Toko Lama"))
    listed = {c["number"]: c for c in client.list_customers()}
    receivable = listed["C-AR-1"]["receivable"]
    assert receivable and receivable != "1-10199"
    # a customer update re-states the same receivable: nothing moves
    client.post(Customer(reference="C-AR-1", name="Toko Lama", remote_id=created.remote_id))
    assert {c["number"]: c for c in _client(sandbox, "jurnal").list_customers()}["C-AR-1"]["receivable"] \
        == receivable
    client.set_customer_receivable(created.remote_id, "1-10199")
    listed = {c["number"]: c for c in _client(sandbox, "jurnal").list_customers()}
    assert listed["C-AR-1"]["receivable"] == "1-10199"
    assert _customer(sandbox, "jurnal", "C-AR-1")["display_name"] == "Toko Lama"


def test_accurate_line_in_a_unit_the_item_has_not_is_refused(sandbox):
    """The sandbox refuses a line in a unit the item has not, as Accurate does;
    the connector sends none (its quantities are in the item's own unit), so
    an item that existed in Accurate under another unit name ("PCS") still
    takes Odoo's sales."""
    client = _client(sandbox, "accurate")
    client.post(Item(reference="SUSU-01", name="Susu", unit="Units", sale_price=Decimal("10000")))
    sandbox.app("accurate").store.save("item", {"no": "TEH-01", "name": "Teh", "itemType": "INVENTORY",
                                                 "unit1Name": "PCS"})
    walkin = sandbox.app("accurate").seeded["walkin"]
    payload = {"number": "INV/UNIT/1", "customerNo": walkin, "transDate": date.today().strftime("%d/%m/%Y"),
               "detailItem": [{"itemNo": "SUSU-01", "quantity": 2, "unitPrice": 60000,
                               "itemUnitName": "Pack of 6"}]}
    body, _result = client._call("POST", "data", client._data_url("sales-invoice", "save"), body=payload,
                                 write=True, check=False)
    assert body.get("s") is False and "Pack of 6" in str(body.get("d")) and "SUSU-01" in str(body.get("d"))
    client.post(SalesInvoice(reference="INV/UNIT/2", customer_ref=walkin, date=date.today(), lines=[
        InvoiceLine("SUSU-01", Decimal("12"), Decimal("10000"), unit="Units"),
        InvoiceLine("TEH-01", Decimal("3"), Decimal("5000"), unit="Units")]))
    invoice = next(r for r in sandbox.app("accurate").dump("sales_invoice") if r["number"] == "INV/UNIT/2")
    assert [line["itemUnit"] for line in invoice["detailItem"]] == [{"name": "Units"}, {"name": "PCS"}]
