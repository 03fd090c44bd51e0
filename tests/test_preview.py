"""Dry run of a post (client.preview): the request the real post sends,
built by the same mapping code, with no request reaching the sandbox."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.documents import (
    BankTransfer,
    Customer,
    InvoiceLine,
    Item,
    ItemTransfer,
    SalesInvoice,
    SalesReturn,
    TransferLine,
)
from accounting_connectors.errors import ValidationError

DAY = date(2026, 2, 3)


def sent_body(result):
    return json.loads(result.request["body"])


def test_accurate_preview_is_the_body_the_post_sends(sandbox):
    client = make_client(sandbox.accurate_config(rate_limits=[(1000, 1.0)]))
    client.post(Item("KOPI-01", name="Kopi", sale_price=D("20000")))
    doc = SalesInvoice("POS/S1/INV", customer_ref=sandbox.app("accurate").seeded["walkin"], date=DAY,
                       lines=[InvoiceLine("KOPI-01", D("2"), D("20000"), warehouse="Utama")])
    fresh = make_client(sandbox.accurate_config(rate_limits=[(1000, 1.0)]))
    sandbox.request_count.clear()
    preview = fresh.preview(doc)
    assert sandbox.request_count["accurate"] == 0
    assert (preview.method, preview.path) == ("POST", "/accurate/api/sales-invoice/save.do")
    assert preview.body["number"] == "POS/S1/INV" and preview.body["transDate"] == "03/02/2026"
    posted = fresh.post(doc)
    assert preview.body == sent_body(posted)


def test_jurnal_preview_names_accounts_from_the_given_chart(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    chart = client.list_accounts()
    doc = BankTransfer("BT-9", date=DAY, from_account="1-10001", to_account="1-10002", amount=D("125000.50"))
    sandbox.request_count.clear()
    preview = client.preview(doc, accounts=chart)
    assert sandbox.request_count["jurnal"] == 0
    assert preview.method == "POST" and preview.path.endswith("/bank_transfers")
    assert preview.placeholders == []
    assert preview.body == sent_body(client.post(doc))
    assert '"125000.5' in preview.pretty()


def test_jurnal_preview_marks_remote_names_and_sends_nothing(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    doc = SalesInvoice("POS/S2/INV", customer_ref="UMUM", date=DAY,
                       lines=[InvoiceLine("ROTI-01", D("1"), D("15000"), warehouse="Gudang Utama")])
    sandbox.request_count.clear()
    preview = client.preview(doc)  # no chart given, nothing known: placeholders, no look-up
    assert sandbox.request_count["jurnal"] == 0
    assert preview.path.endswith("/sales_invoices")
    assert "<customer UMUM in Jurnal>" in preview.placeholders
    assert preview.body["sales_invoice"]["custom_id"] == "POS/S2/INV"
    # the client is untouched afterwards: a real post still resolves real names
    client.post(Customer("C-77", name="Sari"))
    client.post(Item("ROTI-01", name="Roti", sale_price=D("15000")))
    doc.customer_ref = "C-77"
    sent = sent_body(client.post(doc))["sales_invoice"]
    assert sent["person_name"] == "Sari" and "<" not in json.dumps(sent)


def test_preview_refuses_what_the_post_refuses(sandbox):
    provider = "jurnal"
    client = make_client(sandbox.jurnal_config(rate_limits=[(1000, 60.0)]))
    doc = ItemTransfer("TO-1", direction="out", date=DAY, warehouse="", other_warehouse="",
                       lines=[TransferLine("KOPI-01", D("1"))])
    sandbox.request_count.clear()
    with pytest.raises(ValidationError) as refused:
        client.preview(doc)
    assert sandbox.request_count[provider] == 0
    assert "warehouse" in refused.value.message.lower()


def test_jurnal_return_against_an_invoice_says_it_depends_on_it(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    doc = SalesReturn("POS/S1/RET", customer_ref="UMUM", date=DAY, invoice_ref="POS/S1/INV",
                      lines=[InvoiceLine("KOPI-01", D("1"), D("20000"), warehouse="Gudang Utama")])
    sandbox.request_count.clear()
    preview = client.preview(doc)
    assert sandbox.request_count["jurnal"] == 0
    assert preview.method is None and "POS/S1/INV" in preview.note
