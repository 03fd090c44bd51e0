"""Reading back the sales documents of a day (what a reconciliation
compares with Odoo), both providers over real HTTP: only the documents of
the dates asked, their totals, tax and cash/bank account, all pages; and the
sandbox's admin hooks for a person who edits, deletes or re-enters a synced
document (Accurate then sends its WRITE/DELETE webhook)."""

import time
from datetime import date
from decimal import Decimal as D

import pytest
import requests
from test_money_out import setup  # noqa: F401 - both providers, an item SKU-1 and a customer C-9
from test_purchase_edits import hooks  # noqa: F401 - the webhook collector fixture

from accounting_connectors.client import make_client
from accounting_connectors.documents import (
    InvoiceLine,
    JournalEntry,
    JournalLine,
    ReceiptLine,
    SalesInvoice,
    SalesReceipt,
)

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


# --- POS sales posted as journal entries (issue 20) -----------------------------------
ACCOUNTS = {"accurate": {"cash": "1101", "sales": "4101", "tax": "2105", "over": "7102"},
            "jurnal": {"cash": "1-10001", "sales": "4-40000", "tax": "2-20500", "over": "8-80100"}}


def entry(client, provider, reference, day=DAY, sales="20000", tax="2200"):
    """A POS sales journal entry: cash debited, sales and tax credited."""
    acc = ACCOUNTS[provider]
    total = D(sales) + D(tax)
    client.post(JournalEntry(reference, date=day, description="Sales", lines=[
        JournalLine(acc["cash"], debit=total), JournalLine(acc["sales"], credit=D(sales)),
        JournalLine(acc["tax"], credit=D(tax))]))


def entries(rows):
    """``{reference: {account: debit - credit}}`` of the journal-entry rows."""
    out = {}
    for row in rows:
        if row["kind"] == "journal_entry":
            lines = out.setdefault(row["reference"], {})
            for line in row["lines"]:
                lines[line["account"]] = lines.get(line["account"], D(0)) + line["debit"] - line["credit"]
    return out


def test_pos_journal_entries_are_read_back_with_their_lines(setup, sandbox):  # noqa: F811
    provider, client, _app, _customer = setup
    acc = ACCOUNTS[provider]
    entry(client, provider, "POS/D7/20250314/JE")
    entry(client, provider, "POS/00012/JE", sales="10000", tax="1100")
    entry(client, provider, "POS/D7/20250315/JE", day=LATER)
    # not ours, or not a sales entry: cash over/short, a person's entry
    client.post(JournalEntry("POS/00012/CASH", date=DAY, lines=[
        JournalLine(acc["cash"], debit=D("500")), JournalLine(acc["over"], credit=D("500"))]))
    client.post(JournalEntry("JE-HAND-1", date=DAY, lines=[
        JournalLine(acc["cash"], debit=D("700")), JournalLine(acc["over"], credit=D("700"))]))
    sell(client, provider, "POS/S1/INV", DAY)
    # only when asked: the sales lists alone otherwise
    assert not [r for r in client.list_sales_documents(DAY, DAY) if r["kind"] == "journal_entry"]
    sandbox.request_count.clear()
    rows = client.list_sales_documents(DAY, DAY, journal_entries=True)
    spent = sandbox.request_count[provider]
    assert entries(rows) == {
        "POS/D7/20250314/JE": {acc["cash"]: D("22200"), acc["sales"]: D("-20000"), acc["tax"]: D("-2200")},
        "POS/00012/JE": {acc["cash"]: D("11100"), acc["sales"]: D("-10000"), acc["tax"]: D("-1100")}}
    je = next(r for r in rows if r["reference"] == "POS/D7/20250314/JE")
    assert (je["date"], je["total"], je["tax"], je["remote_id"] != "") == (DAY, D("22200"), D(0), True)
    assert je["updated"]
    assert all(isinstance(line[k], D) for line in je["lines"] for k in ("debit", "credit"))
    if provider == "jurnal":
        assert {line["account_name"] for line in je["lines"]} >= {"Kas"}
    # the sales documents are still there
    assert ("sales_invoice", "POS/S1/INV", D("40000")) in by_kind(rows)
    # Accurate: the four lists and one detail per POS entry of the day (the other vouchers: none);
    # Jurnal: the four lists, each entry's lines in the list
    assert spent == (4 + 2 if provider == "accurate" else 4)
    assert set(entries(client.list_sales_documents(DAY, LATER, journal_entries=True))) == {
        "POS/D7/20250314/JE", "POS/00012/JE", "POS/D7/20250315/JE"}


def test_person_edits_and_deletes_a_journal_entry(setup, sandbox, hooks):  # noqa: F811
    provider, client, _app, _customer = setup
    acc = ACCOUNTS[provider]
    entry(client, provider, "POS/D7/20250314/JE")
    entry(client, provider, "POS/00012/JE", sales="10000", tax="1100")
    admin(sandbox, provider, "edit", {"kind": "journal_entry", "reference": "POS/D7/20250314/JE",
                                      "changes": {"lines": {acc["cash"]: "21200", acc["sales"]: "19000"}}})
    admin(sandbox, provider, "delete", {"kind": "journal_entry", "reference": "POS/00012/JE"})
    rows = client.list_sales_documents(DAY, DAY, journal_entries=True)
    assert entries(rows) == {
        "POS/D7/20250314/JE": {acc["cash"]: D("21200"), acc["sales"]: D("-19000"), acc["tax"]: D("-2200")}}
    assert next(r for r in rows if r["kind"] == "journal_entry")["total"] == D("21200")
    if provider == "accurate":  # no webhook event for a journal voucher: the next one is the invoice's
        sell(client, provider, "POS/S1/INV", DAY)
        admin(sandbox, provider, "edit", {"kind": "sales_invoice", "reference": "POS/S1/INV",
                                          "changes": {"description": "a person's note"}})
        assert [(e.type, e.number) for e in hooks(1)] == [("SALES_INVOICE", "POS/S1/INV")]
        time.sleep(0.3)  # the log line is written once the delivery is answered
        assert [w["body"][0]["type"] for w in sandbox.webhook_log] == ["SALES_INVOICE"]
    admin(sandbox, provider, "edit", {"kind": "journal_entry", "reference": "POS/D7/20250314/JE",
                                      "changes": {"lines": {"9-99999": "1"}}}, status=400)
    admin(sandbox, provider, "edit", {"kind": "journal_entry", "reference": "POS/D7/20250314/JE",
                                      "changes": {"lines": {acc["cash"]: "lots"}}}, status=400)
