"""Reading back the sales documents of a day (what a reconciliation
compares with Odoo), both providers over real HTTP: only the documents of
the dates asked, their totals, tax and cash/bank account, all pages; and the
sandbox's admin hooks for a person who edits, deletes or re-enters a synced
document (Accurate then sends its WRITE/DELETE webhook)."""

from datetime import date
from decimal import Decimal as D

import pytest
import requests
from test_money_out import setup  # noqa: F401 - both providers, an item SKU-1 and a customer C-9
from test_purchase_edits import hooks  # noqa: F401 - the webhook collector fixture

from accounting_connectors.client import make_client
from accounting_connectors.documents import InvoiceLine, ReceiptLine, SalesInvoice, SalesReceipt

DAY, LATER = date(2025, 3, 14), date(2025, 3, 15)
CASH = {"accurate": "1101", "jurnal": "Kas"}


def sell(client, provider, ref, day, qty="2", tax=D(0)):
    client.post(SalesInvoice(ref, customer_ref="C-9", date=day,
                             lines=[InvoiceLine("SKU-1", D(qty), D("20000"), tax_rate=tax,
                                                tax_code=tax and ("PPN 11%" if provider == "accurate" else "PPN")
                                                or "")]))
    amount = D(qty) * 20000 * (1 + tax / 100)
    client.post(SalesReceipt(ref + "/RCV", customer_ref="C-9", date=day, account=CASH[provider],
                             lines=[ReceiptLine(invoice_ref=ref, amount=amount, invoice_date=day)]))


def admin(sandbox, provider, action, body, status=200):
    answer = requests.post("%s/_sandbox/sales/%s/%s" % (sandbox.url, provider, action), json=body, timeout=5)
    assert answer.status_code == status, answer.text
    return answer.json()


def by_kind(rows):
    return sorted((r["kind"], r["reference"], r["total"]) for r in rows)


def test_lists_only_the_days_asked_with_totals_and_accounts(setup):  # noqa: F811
    provider, client, _app, _customer = setup
    sell(client, provider, "POS/S1/INV", DAY)
    sell(client, provider, "POS/S2/INV", LATER, qty="3")
    rows = client.list_sales_documents(DAY, DAY)
    assert by_kind(rows) == [("sales_invoice", "POS/S1/INV", D("40000")),
                             ("sales_receipt", "POS/S1/INV/RCV", D("40000"))]
    receipt = next(r for r in rows if r["kind"] == "sales_receipt")
    assert receipt["date"] == DAY and receipt["account"] in ("1101", "Kas")
    assert len(client.list_sales_documents(DAY, LATER)) == 4
    assert client.list_sales_documents(date(2025, 3, 16), date(2025, 3, 20)) == []


def test_invoice_tax_is_read(setup):  # noqa: F811
    provider, client, _app, _customer = setup
    if provider == "jurnal" and not any(t["name"] == "PPN" for t in client.list_taxes()):
        pytest.skip("the Jurnal sandbox seeds no tax named PPN")
    sell(client, provider, "POS/S3/INV", DAY, qty="1", tax=D(11))
    [invoice] = [r for r in client.list_sales_documents(DAY, DAY) if r["kind"] == "sales_invoice"]
    assert (invoice["total"], invoice["tax"]) == (D("22200"), D("2200"))


def test_accurate_list_pages_through_every_invoice(sandbox):
    client = make_client(sandbox.accurate_config(language="US"))
    store = sandbox.app("accurate").store
    store.save("item", {"no": "SKU-1", "name": "Kopi", "itemType": "SERVICE"})
    for n in range(130):
        store.save("sales-invoice", {"number": "POS/B%d/INV" % n, "customerNo": "C.00001", "transDate": "14/03/2025",
                                     "detailItem": [{"itemNo": "SKU-1", "quantity": 1, "unitPrice": 1000}]})
    client.list_taxes()  # the host look-up of an API token is made once
    sandbox.request_count.clear()
    rows = client.list_sales_documents(DAY, DAY)
    assert len({r["reference"] for r in rows}) == 130
    # two pages of invoices (100 a page), one each of returns and receipts
    assert sandbox.request_count["accurate"] == 4


def test_person_edits_deletes_and_reenters(setup, sandbox, hooks):  # noqa: F811
    provider, client, _app, _customer = setup
    sell(client, provider, "POS/S1/INV", DAY)
    changes = {"totalAmount": "45000"} if provider == "accurate" else {"original_amount": "45000"}
    admin(sandbox, provider, "edit", {"kind": "sales_invoice", "reference": "POS/S1/INV", "changes": changes})
    admin(sandbox, provider, "copy", {"kind": "sales_invoice", "reference": "POS/S1/INV"})
    admin(sandbox, provider, "delete", {"kind": "sales_receipt", "reference": "POS/S1/INV/RCV"})
    assert by_kind(client.list_sales_documents(DAY, DAY)) == [
        ("sales_invoice", "POS/S1/INV", D("45000")), ("sales_invoice", "POS/S1/INV", D("45000"))]
    if provider == "accurate":
        events = hooks(3)
        assert [(e.type, e.action, e.number) for e in events] == [
            ("SALES_INVOICE", "WRITE", "POS/S1/INV"), ("SALES_INVOICE", "WRITE", "POS/S1/INV"),
            ("SALES_RECEIPT", "DELETE", "POS/S1/INV/RCV")]
        assert events[0].remote_id != events[1].remote_id  # the copy is another document
    admin(sandbox, provider, "delete", {"kind": "sales_invoice", "reference": "POS/NOPE"}, status=404)
    admin(sandbox, provider, "edit", {"kind": "sales_invoice", "reference": "POS/S1/INV",
                                      "changes": {"customer": "X"}}, status=400)
    admin(sandbox, provider, "fly", {"kind": "sales_invoice", "reference": "POS/S1/INV"}, status=404)
