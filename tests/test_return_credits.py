"""Returns equal Odoo's credit notes on Jurnal, inside the published
contract of ``POST /sales_returns``.

Jurnal values a sales return at the invoice line's own price after its
discount (Rp 42,180 for a unit Odoo credits at Rp 44,400 when the invoice
took 5 % off it); when the credit note's prices are not the invoice's the
return is booked as a credit memo with Odoo's figures instead. A return
body carries only fields the Swagger documents for that operation (no
``custom_id``, no ``transaction_no``): the sandbox refuses the others."""

from datetime import date
from decimal import Decimal as D

import pytest
from jurnal_swagger import sent_bodies

from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice, SalesReturn
from accounting_connectors.jurnal import returns

DAY = date(2025, 3, 14)
WH = "Gudang Utama"


@pytest.fixture
def client(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))
    for sku in ("SKU-A", "SKU-B"):
        client.post(Item(sku, name="Barang %s" % sku, sale_price=D("40000"), cost_price=D("9000")))
    client.post(Customer("C-1", name="Budi Santoso"))
    return client


def line(sku, qty, price, discount="0"):
    return InvoiceLine(sku, D(qty), D(price), discount_amount=D(discount), tax_rate=D("11"), tax_code="PPN",
                       warehouse=WH)


def balance(sandbox):
    return D(sandbox.app("jurnal").dump("customer_balance")["Budi Santoso"])


def test_a_full_price_credit_note_on_a_discounted_invoice_credits_odoo_s_amount(client, sandbox):
    # a taxed global discount of 5 %, spread over the lines as Odoo's builder does
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[
        line("SKU-A", "1", "40000", "2000"), line("SKU-B", "1", "60000", "3000")]))
    before = balance(sandbox)
    assert before == D("105450")  # 95,000 + 11 %
    bodies = sent_bodies(client)
    result = client.post(SalesReturn("RET-1", customer_ref="C-1", date=DAY, invoice_ref="INV-1",
                                     lines=[line("SKU-A", "1", "40000")]))
    # Jurnal's own return would have credited 42,180: Odoo's 44,400 goes as a credit memo
    assert result.data["original_amount"] == "44400.0"
    assert before - balance(sandbox) == D("44400")
    assert [path for _m, path, _b in bodies][-1].endswith("/credit_memos")
    assert sandbox.app("jurnal").dump("stock")["SKU-A"] == {WH: "0.0"}  # the unit came back


@pytest.mark.parametrize("discount", ["0", "2000"])
def test_a_credit_note_at_the_invoice_s_own_price_stays_a_sales_return(client, sandbox, discount):
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[
        line("SKU-A", "2", "40000", discount)]))
    before = balance(sandbox)
    bodies = sent_bodies(client)
    # the credit note gives back the unit's share of the discount, as Odoo's reversal does
    result = client.post(SalesReturn("RET-1", customer_ref="C-1", date=DAY, invoice_ref="INV-1",
                                     lines=[line("SKU-A", "1", "40000", str(D(discount) / 2))]))
    expected = (D("40000") - D(discount) / 2) * D("1.11")
    assert D(result.data["return_amount"]) == expected and before - balance(sandbox) == expected
    method, path, body = bodies[-1]
    assert path.endswith("/sales_returns")
    assert "custom_id" not in body["sales_return"] and "transaction_no" not in body["sales_return"]
    assert body["sales_return"]["memo"].endswith("[RET-1]")
    assert client.find("sales_return", "RET-1", "INV-1").remote_id == result.remote_id


def test_the_sandbox_refuses_undocumented_fields_on_a_sales_return(client):
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[line("SKU-A", "1", "40000")]))
    invoice = client.find("sales_invoice", "INV-1").data
    body = {"sales_return": {"invoice_no": "INV-1", "transaction_date": "2025-03-14", "custom_id": "RET-1",
                             "transaction_no": "RET-1", "transaction_return_lines_attributes": [
                                 {"transaction_line_id": invoice["transaction_lines_attributes"][0]["id"],
                                  "return_quantity": "1"}]}}
    with pytest.raises(Exception) as caught:
        client._send("POST", "/sales_returns", body, "sales_return")
    assert "unpermitted parameters: :custom_id, :transaction_no" in str(caught.value)


def test_odoo_credit_counts_tax_included_lines_at_the_price_paid():
    doc = SalesReturn("R", lines=[InvoiceLine("A", D("1"), D("44400"), discount_amount=D("2220"),
                                              tax_rate=D("11"))], tax_included=True)
    assert returns.odoo_credit(doc) == D("42180")
