"""Amounts taken off an invoice or kept back from a payment (discounts,
vouchers, marketplace fees), both providers over real HTTP: where each
lands, what the invoice still owes, what reached the bank, and what each
sandbox refuses."""

from datetime import date
from decimal import Decimal as D

import pytest
from jurnal_swagger import body_schema, load_swagger, sent_bodies

from accounting_connectors.client import make_client
from accounting_connectors.documents import (
    Customer,
    Deduction,
    InvoiceLine,
    Item,
    ReceiptLine,
    ReceiptVoid,
    SalesInvoice,
    SalesReceipt,
)
from accounting_connectors.errors import ConnectorError
from accounting_connectors.sandbox import jurnal_money

DAY = date(2025, 3, 14)
CODES = {"accurate": {"bank": "1102", "fee": "6101", "discount": "4102"},
         "jurnal": {"bank": "1-10002", "fee": "6-60217", "discount": "4-40100"}}


@pytest.fixture(params=["accurate", "jurnal"])
def setup(request, sandbox):
    provider = request.param
    config = (sandbox.accurate_config(language="US") if provider == "accurate"
              else sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client = make_client(config)
    client.post(Item("SKU-1", name="Kopi", sale_price=D("20000")))
    client.post(Customer("C-9", name="Budi"))
    return provider, client, sandbox.app(provider)


def bank_money(provider, app):
    if provider == "accurate":
        return D(str(app.store.account_money()[CODES[provider]["bank"]]))
    return D(str(jurnal_money.account_money(app.store)[CODES[provider]["bank"]]))


def total(provider, row):
    return D(str(row["totalAmount"] if provider == "accurate" else row["original_amount"]))


def test_marketplace_fee_kept_back_settles_the_invoice(setup):
    provider, client, app = setup
    codes = CODES[provider]
    client.post(SalesInvoice("INV-1", customer_ref="C-9", date=DAY,
                             lines=[InvoiceLine("SKU-1", D("5"), D("20000"))]))
    client.post(SalesReceipt("INV-1/RCV/1", customer_ref="C-9", date=DAY, account=codes["bank"],
                             lines=[ReceiptLine("INV-1", D("40000"))]))
    client.post(SalesReceipt("INV-1/RCV/2", customer_ref="C-9", date=DAY, account=codes["bank"],
                             lines=[ReceiptLine("INV-1", D("57000"), deductions=[
                                 Deduction(codes["fee"], D("3000"), "Komisi marketplace")])]))
    status = client.invoice_status("INV-1")
    assert status["paid"] and D(str(status["outstanding"])) == 0
    assert bank_money(provider, app) == D("97000"), "the fee never reached the bank"
    # voiding the receipt puts the whole settled amount back, fee included
    client.post(ReceiptVoid("INV-1/RCV/2/VOID", receipt_ref="INV-1/RCV/2"))
    assert D(str(client.invoice_status("INV-1")["outstanding"])) == D("60000")
    assert bank_money(provider, app) == D("40000")


def test_invoice_deduction_lowers_what_is_owed(setup):
    provider, client, app = setup
    codes = CODES[provider]
    client.post(SalesInvoice("INV-2", customer_ref="C-9", date=DAY,
                             lines=[InvoiceLine("SKU-1", D("2"), D("20000"))],
                             deductions=[Deduction(codes["fee"], D("2500"), "Biaya layanan")]))
    row = client.find("sales_invoice", "INV-2").data
    assert total(provider, row) == D("37500")
    assert D(str(client.invoice_status("INV-2")["outstanding"])) == D("37500")


def test_jurnal_refuses_deductions_on_two_accounts(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client.post(Item("SKU-1", name="Kopi", sale_price=D("20000")))
    client.post(Customer("C-9", name="Budi"))
    codes = CODES["jurnal"]
    with pytest.raises(ConnectorError, match="one withholding account"):
        client.post(SalesInvoice("INV-3", customer_ref="C-9", date=DAY,
                                 lines=[InvoiceLine("SKU-1", D("2"), D("20000"))],
                                 deductions=[Deduction(codes["fee"], D("2500")),
                                             Deduction(codes["discount"], D("1000"))]))
    assert client.find("sales_invoice", "INV-3") is None, "nothing half-posted"


def test_accurate_refuses_a_discount_on_an_unknown_account(sandbox):
    client = make_client(sandbox.accurate_config(language="US"))
    client.post(Item("SKU-1", name="Kopi", sale_price=D("20000")))
    client.post(Customer("C-9", name="Budi"))
    client.post(SalesInvoice("INV-4", customer_ref="C-9", date=DAY, lines=[InvoiceLine("SKU-1", D("1"), D("20000"))]))
    with pytest.raises(ConnectorError):
        client.post(SalesReceipt("INV-4/RCV/1", customer_ref="C-9", date=DAY, account="1102",
                                 lines=[ReceiptLine("INV-4", D("19000"), deductions=[Deduction("9999", D("1000"))])]))
    assert D(str(client.invoice_status("INV-4")["outstanding"])) == D("20000")


def test_jurnal_withholding_bodies_follow_the_swagger(sandbox):
    swagger = load_swagger()
    jsonschema = pytest.importorskip("jsonschema")
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client.post(Item("SKU-1", name="Kopi", sale_price=D("20000")))
    client.post(Customer("C-1", name="Budi"))
    bodies = sent_bodies(client)
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[InvoiceLine("SKU-1", D("2"), D("20000"))],
                             deductions=[Deduction("6-60217", D("1000"))]))
    client.post(SalesReceipt("INV-1/RCV/1", customer_ref="C-1", date=DAY, account="1-10002",
                             lines=[ReceiptLine("INV-1", D("38000"), deductions=[Deduction("6-60217", D("1000"))])]))
    for method, path, body in bodies:
        schema, _template = body_schema(swagger, method, path)
        if schema is None:
            continue
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(body))
        assert not errors, "%s %s: %s" % (method, path, errors[:3])
    payment = [b for _m, p, b in bodies if p.endswith("/receive_payments")][0]["receive_payment"]
    assert payment["witholding_value"] == 1000 and payment["witholding_account_name"] == "Beban Komisi & Fee"
    assert payment["records_attributes"] == [{"transaction_no": "INV-1", "amount": 39000}]
