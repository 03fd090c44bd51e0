"""PPN 2025 (12% on a DPP of 11/12) and regional taxes (PB1) as both
sandboxes check them over real HTTP: the payload shapes each provider's
published contract allows, the figures it computes back."""

from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.accurate import mapping as accurate_mapping
from accounting_connectors.client import make_client
from accounting_connectors.documents import (
    Customer,
    InvoiceLine,
    Item,
    RegionalTax,
    SalesInvoice,
    SalesReturn,
    account_item_ref,
    dpp_percent,
)
from accounting_connectors.errors import ConnectorError
from accounting_connectors.jurnal import mapping as jurnal_mapping

DAY = date(2026, 3, 2)
TAXES = {"accurate": ("PPN 11%", "PPN 12%"), "jurnal": ("PPN", "PPN 12%")}
PB1_ACCOUNT = {"accurate": "2106", "jurnal": "2-20600"}
DPP = D("91.666667")


@pytest.fixture(params=["accurate", "jurnal"])
def provider(request):
    return request.param


def make(sandbox, provider):
    config = (sandbox.accurate_config(rate_limits=[(1000, 1.0)]) if provider == "accurate"
              else sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client = make_client(config)
    for sku, price in (("BERAS", "50000"), ("PARFUM", "250000"), ("NASGOR", "35000")):
        client.post(Item(sku, name=sku.title(), sale_price=D(price)))
    client.post(Customer("C-1", name="Budi Santoso"))
    return client


@pytest.fixture()
def client(sandbox, provider):
    return make(sandbox, provider)


def st1(quantity, price, record, dpp=D(0)):
    return InvoiceLine("BERAS", D(quantity), D(price), tax_rate=D(11), tax_code=record, dpp_percent=dpp)


def st3(record):
    return InvoiceLine("PARFUM", D(1), D("250000"), tax_rate=D(12), tax_code=record)


def row_of(sandbox, provider, kind="sales_invoice", ref="INV-1"):
    return next(r for r in sandbox.app(provider).dump(kind)
                if r.get("number", r.get("custom_id")) == ref)


# --- pure shapes -------------------------------------------------------------------------
def test_dpp_percent_of_ppn_2025():
    assert dpp_percent(D(11), D(12)) == DPP
    assert dpp_percent(D(12), D(12)) == D(0)
    with pytest.raises(ValueError):
        dpp_percent(D(12), D(11))


def test_accurate_payload_keeps_dpp_off_the_line_and_pb1_as_expense():
    doc = SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[st1(2, "50000", "PPN 12%", DPP)],
                       regional_taxes=[RegionalTax("PB1", "2106", D("10000"))])
    payload = accurate_mapping.sales_invoice_payload(doc)
    [line] = payload["detailItem"]
    assert "percentTaxable" not in line and "dppAmount" not in line, "no DPP field on a sales line"
    assert line["tax1Name"] == "PPN 12%"
    assert payload["detailExpense"] == [{"accountNo": "2106", "expenseName": "PB1", "expenseAmount": D("10000")}]
    assert accurate_mapping.item_dpp_payload("7", DPP) == {"id": 7, "percentTaxable": DPP}


def test_jurnal_payload_pb1_is_an_untaxed_account_item_line():
    doc = SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[st1(1, "35000", "PPN")],
                       regional_taxes=[RegionalTax("PB1", "2-20600", D("3500"))])
    body = jurnal_mapping.sales_invoice_payload(doc, "Budi")["sales_invoice"]
    pb1 = body["transaction_lines_attributes"][-1]
    assert pb1["product_code"] == account_item_ref("2-20600")
    assert "line_tax_name" not in pb1 and pb1["rate"] == D("3500")


def test_jurnal_refuses_a_dpp_line_naming_it():
    doc = SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[st1(1, "50000", "PPN 12%", DPP)])
    with pytest.raises(ConnectorError) as caught:
        jurnal_mapping.sales_invoice_payload(doc, "Budi")
    assert caught.value.code == "jurnal.no_dpp"
    assert "DPP of 11/12" in str(caught.value) and "11%" in str(caught.value)


def test_regional_tax_without_account_is_refused(provider):
    doc = SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[st1(1, "35000", TAXES[provider][0])],
                       regional_taxes=[RegionalTax("PB1", "", D("3500"))])
    build = (accurate_mapping.sales_invoice_payload if provider == "accurate"
             else lambda d: jurnal_mapping.sales_invoice_payload(d, "Budi"))
    with pytest.raises(ConnectorError) as caught:
        build(doc)
    assert caught.value.code == "invoice.regional_tax_no_account"


# --- over HTTP --------------------------------------------------------------------------
def test_st1_and_st3_under_their_own_records(client, sandbox, provider):
    ppn11, ppn12 = TAXES[provider]
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[st1(2, "50000", ppn11), st3(ppn12)]))
    row = row_of(sandbox, provider)
    if provider == "accurate":
        assert {d["taxDescription"]: d["taxAmount"] for d in row["detailTax"]} == {
            ppn11: D("11000"), ppn12: D("30000")}
        assert row["tax1Amount"] == D("41000") and row["totalAmount"] == D("391000")
    else:
        assert {d["tax_name"]: d["amount"] for d in row["tax_details"]} == {ppn11: "11000.0", ppn12: "30000.0"}
        assert row["original_amount"] == "391000.0"


def test_accurate_st1_at_dpp_on_the_12_record(sandbox):
    """The item is given percentTaxable 91.666667 before the invoice; the tax
    is 12% of 11/12 of the price: 11,000 on 100,000, with ST3 at 30,000."""
    client = make(sandbox, "accurate")
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY,
                             lines=[st1(2, "50000", "PPN 12%", DPP), st3("PPN 12%")]))
    row = row_of(sandbox, "accurate")
    assert row["tax1Amount"] == D("41000") and row["totalAmount"] == D("391000")
    assert row["dppAmount"] == D("341666.67")
    items = {i["no"]: i for i in sandbox.app("accurate").dump("item")}
    assert items["BERAS"]["percentTaxable"] == DPP and "percentTaxable" not in items["PARFUM"]
    # a second document finds the item right and saves it as it is
    client.post(SalesInvoice("INV-2", customer_ref="C-1", date=DAY, lines=[st1(1, "50000", "PPN 12%", DPP)]))
    assert row_of(sandbox, "accurate", ref="INV-2")["tax1Amount"] == D("5500")


def test_accurate_one_item_cannot_carry_two_dpps(sandbox):
    client = make(sandbox, "accurate")
    with pytest.raises(ConnectorError) as caught:
        client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY,
                                 lines=[st1(1, "50000", "PPN 12%", DPP), st1(1, "50000", "PPN 12%")]))
    assert caught.value.code == "accurate.dpp_two_on_one_item"
    assert not sandbox.app("accurate").dump("sales_invoice")


def test_accurate_sandbox_refuses_dpp_on_a_line(sandbox):
    """Accurate's DPP lever is the item's: a DPP field on a sales line is refused in its words."""
    client = make(sandbox, "accurate")
    body = {"customerNo": "C-1", "transDate": "02/03/2026",
            "detailItem": [{"itemNo": "BERAS", "quantity": 1, "unitPrice": 50000, "useTax1": True,
                            "tax1Name": "PPN 12%", "percentTaxable": 91.666667}]}
    with pytest.raises(ConnectorError, match="percentTaxable"):
        client._call("POST", "data", client._data_url("sales-invoice", "save"), body=body, write=True)


def test_pb1_never_counts_as_ppn(client, sandbox, provider):
    """2 x Nasi Goreng 35,000 with PPN 11%; PB1 7,000 on its own account."""
    ppn11 = TAXES[provider][0]
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY,
                             lines=[InvoiceLine("NASGOR", D(2), D("35000"), tax_rate=D(11), tax_code=ppn11)],
                             regional_taxes=[RegionalTax("PB1", PB1_ACCOUNT[provider], D("7000"))]))
    row = row_of(sandbox, provider)
    if provider == "accurate":
        assert row["tax1Amount"] == D("7700") and row["totalAmount"] == D("84700")
        assert [(e["account"]["no"], e["expenseAmount"]) for e in row["detailExpense"]] == [("2106", D("7000"))]
    else:
        assert row["tax_amount"] == "7700.0" and row["original_amount"] == "84700.0"
    assert client.invoice_status("INV-1")["outstanding"] == D("84700")


def test_return_gives_pb1_back_on_its_account(client, sandbox, provider):
    ppn11 = TAXES[provider][0]
    line = InvoiceLine("NASGOR", D(2), D("35000"), tax_rate=D(11), tax_code=ppn11)
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[line],
                             regional_taxes=[RegionalTax("PB1", PB1_ACCOUNT[provider], D("7000"))]))
    back = InvoiceLine("NASGOR", D(1), D("35000"), tax_rate=D(11), tax_code=ppn11)
    client.post(SalesReturn("RET-1", customer_ref="C-1", date=DAY, lines=[back], invoice_ref="INV-1",
                            regional_taxes=[RegionalTax("PB1", PB1_ACCOUNT[provider], D("3500"))]))
    if provider == "accurate":
        row = row_of(sandbox, "accurate", "sales_return", "RET-1")
        assert row["tax1Amount"] == D("3850") and row["totalAmount"] == D("42350")
    else:
        [memo] = sandbox.app("jurnal").dump("credit_memo")
        credits = {line["account_name"] if "account_name" in line else line["account"]["name"]:
                   D(str(line["credit"])) for line in memo["transaction_account_lines_attributes"]}
        assert credits["Hutang Pajak Daerah (PB1)"] == D("3500") and credits["PPN Keluaran"] == D("3850")
