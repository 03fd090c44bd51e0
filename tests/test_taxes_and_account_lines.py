"""Taxes, account lines and rounding as both sandboxes check them over real
HTTP: each line carries its own tax, the document is taxed once per tax, an
unknown tax and an account number where a name is due are refused."""

from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice
from accounting_connectors.errors import ConnectorError

DAY = date(2026, 3, 2)
TAXES = {"accurate": ("PPN 11%", "PPN 12%"), "jurnal": ("PPN", "PPN 12%")}
ROUNDING = {"accurate": "7101", "jurnal": "7-70099"}


@pytest.fixture(params=["accurate", "jurnal"])
def provider(request):
    return request.param


@pytest.fixture()
def client(sandbox, provider):
    config = (sandbox.accurate_config(rate_limits=[(1000, 1.0)]) if provider == "accurate"
              else sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client = make_client(config)
    for sku, price in (("GULA", "100000"), ("KOPI", "20000")):
        client.post(Item(sku, name=sku.title(), sale_price=D(price)))
    client.post(Customer("C-1", name="Budi Santoso"))
    return client


def invoice(lines, **kw):
    return SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=lines, **kw)


def totals(sandbox, provider):
    [row] = [r for r in sandbox.app(provider).dump("sales_invoice")
             if r.get("number", r.get("custom_id")) == "INV-1"]
    if provider == "accurate":
        return D(str(row["totalAmount"])), D(str(row["tax1Amount"]))
    return D(str(row["original_amount"])), D(str(row["tax_amount"]))


def test_taxes_are_listed_with_their_rates(client, provider):
    taxes = {t["name"]: t["rate"] for t in client.list_taxes()}
    ppn11, ppn12 = TAXES[provider]
    assert taxes[ppn11] == D("11") and taxes[ppn12] == D("12")


def test_two_rates_in_one_document_are_taxed_each_at_its_rate(client, sandbox, provider):
    ppn11, ppn12 = TAXES[provider]
    client.post(invoice([InvoiceLine("GULA", D(1), D("100000"), tax_rate=D(12), tax_code=ppn12),
                         InvoiceLine("KOPI", D(1), D("20000"), tax_rate=D(11), tax_code=ppn11)]))
    assert totals(sandbox, provider) == (D("134200"), D("14200"))


def test_an_unknown_tax_is_refused(client, provider):
    with pytest.raises(ConnectorError) as err:
        client.post(invoice([InvoiceLine("KOPI", D(1), D("20000"), tax_rate=D(10), tax_code="PPN 10%")]))
    assert ("Pajak tidak tepat" if provider == "accurate" else "Tax PPN 10% not found") in err.value.message


def test_a_taxed_line_without_its_remote_tax_is_refused_before_sending(client, sandbox, provider):
    with pytest.raises(ConnectorError, match="No .* tax is mapped for the 12% tax of Gula"):
        client.post(invoice([InvoiceLine("GULA", D(1), D("100000"), tax_rate=D(12), description="Gula")]))


def test_account_line_goes_to_its_account_with_its_tax(client, sandbox, provider):
    """A service charge booked to the sales account, taxed like any line."""
    ppn11 = TAXES[provider][0]
    account = "4101" if provider == "accurate" else "4-40000"
    client.post(invoice([InvoiceLine("KOPI", D(1), D("20000"), tax_rate=D(11), tax_code=ppn11),
                         InvoiceLine("ACC-%s" % account, D(1), D("3000"), description="Service Charge",
                                     tax_rate=D(11), tax_code=ppn11, account=account)]))
    assert totals(sandbox, provider) == (D("25530"), D("2530"))


@pytest.mark.parametrize("gap", ["50", "-50"])
def test_rounding_up_and_down_lands_on_the_rounding_account(client, sandbox, provider, gap):
    ppn11 = TAXES[provider][0]
    client.post(invoice([InvoiceLine("KOPI", D(1), D("15000"), tax_rate=D(11), tax_code=ppn11)],
                        rounding_amount=D(gap), rounding_account=ROUNDING[provider]))
    assert totals(sandbox, provider)[0] == D("16650") + D(gap)


def test_jurnal_refuses_an_account_number_where_it_takes_a_name(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client.post(Item("KOPI", name="Kopi", sale_price=D("20000")))
    body = {"sales_invoice": {"person_name": "Pelanggan Umum", "transaction_date": "2026-03-02",
                              "transaction_lines_attributes": [{"product_code": "KOPI", "quantity": 1,
                                                                "rate": 20000}],
                              "witholding_account_name": "7-70099", "witholding_type": "value",
                              "witholding_value": 50}}
    with pytest.raises(ConnectorError, match="Account 7-70099 not found"):
        client._call("POST", "/sales_invoices", body=body)
    body["sales_invoice"]["witholding_account_name"] = "Pendapatan Lain - Pembulatan"
    data, _res = client._call("POST", "/sales_invoices", body=body)
    assert data["sales_invoice"]["original_amount"] == "19950.0"


def test_gift_card_spent_lowers_what_is_owed_on_its_account(client, sandbox, provider):
    """A gift card paid 10,000 of a 22,200 sale: the invoice stays 22,200 of
    sales and tax, the customer owes 12,200; Jurnal gets the account's name."""
    ppn11 = TAXES[provider][0]
    account = "2105" if provider == "accurate" else "2-20500"  # a liability of the seeded chart
    client.post(invoice([InvoiceLine("KOPI", D(1), D("20000"), tax_rate=D(11), tax_code=ppn11)],
                        prepaid_amount=D("10000"), prepaid_account=account))
    total, tax = totals(sandbox, provider)
    assert tax == D("2200")
    assert client.invoice_status("INV-1")["outstanding"] == D("12200")
    if provider == "jurnal":
        [row] = sandbox.app("jurnal").dump("sales_invoice")
        assert total == D("12200") and row["witholding_amount"] == "10000.0"
    else:
        assert total == D("12200")


def test_jurnal_refuses_two_withholdings_before_sending(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    client.post(Item("KOPI", name="Kopi", sale_price=D("20000")))
    with pytest.raises(ConnectorError, match="one withholding per invoice"):
        client.post(SalesInvoice("INV-2", customer_ref="WALKIN", date=DAY,
                                 lines=[InvoiceLine("KOPI", D(1), D("20000"))],
                                 rounding_amount=D("-50"), rounding_account="7-70099",
                                 prepaid_amount=D("5000"), prepaid_account="2-20500"))
    assert not sandbox.app("jurnal").dump("sales_invoice")
