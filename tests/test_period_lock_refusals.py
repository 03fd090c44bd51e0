"""Locked periods and approval, connector side: each provider's refusal
(over HTTP, from the sandbox's admin lock) is a PeriodLockedError carrying
the lock date, or a NotApprovedError; the sandbox refuses creating, changing
and voiding anything dated in the locked period, and nothing after it."""

from datetime import date
from decimal import Decimal as D

import pytest
import requests

from accounting_connectors import documents as docs
from accounting_connectors.client import make_client
from accounting_connectors.errors import NotApprovedError, PeriodLockedError, ValidationError, period_lock

LOCKED = date(2026, 10, 31)
INSIDE, AFTER = date(2026, 10, 30), date(2026, 11, 2)


@pytest.mark.parametrize("words, until", [
    ("Tanggal transaksi berada dalam periode yang sudah dikunci: ... tanggal kunci periode (31/10/2026).",
     date(2026, 10, 31)),
    ("Transaksi tidak dapat disimpan karena tanggal transaksi berada pada periode yang sudah ditutup "
     "(Tutup Buku s/d 30/09/2026)", date(2026, 9, 30)),
    ("The transaction cannot be saved: its date is in a closed period (books closed up to 28/02/2025)",
     date(2025, 2, 28)),
    ("Transaction date is before the lock date 2026-01-31", date(2026, 1, 31)),
    ("Periode sudah dikunci", None),
])
def test_lock_refusals_are_read_with_their_date(words, until):
    assert period_lock(words) == (True, until)


@pytest.mark.parametrize("words", ["Barang & Jasa tidak tepat", "Nomor Faktur \"X\" sudah digunakan",
                                   "Transaction date can't be blank", ""])
def test_other_refusals_are_not_locks(words):
    assert period_lock(words) == (False, None)


def admin(sandbox, path, body):
    return requests.post(sandbox.url + "/_sandbox/" + path, json=body, timeout=5)


def shop(client, customer):
    client.post(docs.Item("SKU-1", name="Kopi", sale_price=D("15000"), cost_price=D("9000")))
    client.post(docs.Customer(customer, name="Budi Santoso"))


def invoice(ref, day, customer):
    return docs.SalesInvoice(ref, customer_ref=customer, date=day,
                             lines=[docs.InvoiceLine("SKU-1", D("2"), D("15000"))])


def receipt(ref, day, customer, account, invoice_ref="INV-1", amount="30000"):
    return docs.SalesReceipt(ref, customer_ref=customer, date=day, account=account,
                        lines=[docs.ReceiptLine(invoice_ref, D(amount))])


@pytest.fixture(params=["jurnal", "accurate"])
def provider(request, sandbox):
    config = getattr(sandbox, request.param + "_config")(rate_limits=[(10000, 60.0)], timeout=(2, 5))
    app = sandbox.app(request.param)
    customer = "C-1" if request.param == "jurnal" else "C.00002"
    client = make_client(config)
    shop(client, customer)
    return request.param, client, customer, app.seeded["cash"]


def test_creating_in_a_locked_period_is_refused_with_the_lock_date(provider, sandbox):
    name, client, customer, _cash = provider
    assert admin(sandbox, "period_lock/" + name, {"until": LOCKED.isoformat()}).json()["locked_until"] == \
        "2026-10-31"
    with pytest.raises(PeriodLockedError) as caught:
        client.post(invoice("INV-1", INSIDE, customer))
    exc = caught.value
    assert exc.kind == "period_locked" and not exc.retryable and exc.locked_until == LOCKED
    assert "2026-10-31" in exc.message and exc.provider_message in exc.message
    assert client.find("sales_invoice", "INV-1") is None  # nothing saved
    # the day after the lock is open; reopening opens the rest
    assert client.post(invoice("INV-2", date(2026, 11, 1), customer)).remote_id
    admin(sandbox, "period_lock/" + name, {"until": None})
    assert client.post(invoice("INV-1", INSIDE, customer)).remote_id


def test_voiding_a_receipt_dated_in_a_locked_period_is_refused(provider, sandbox):
    name, client, customer, cash = provider
    client.post(invoice("INV-1", INSIDE, customer))
    client.post(receipt("RCV-1", INSIDE, customer, cash))
    admin(sandbox, "period_lock/" + name, {"until": LOCKED.isoformat()})
    with pytest.raises(PeriodLockedError) as caught:
        client.post(docs.ReceiptVoid("RCV-1/VOID", receipt_ref="RCV-1"))
    assert caught.value.locked_until == LOCKED
    assert client.find("sales_receipt", "RCV-1") is not None  # still there
    admin(sandbox, "period_lock/" + name, {"until": None})
    client.post(docs.ReceiptVoid("RCV-1/VOID", receipt_ref="RCV-1"))
    assert client.find("sales_receipt", "RCV-1") is None


@pytest.mark.parametrize("body, words", [({"until": "31/10/2026"}, "YYYY-MM-DD"), ({}, "until"),
                                         ({"until": 5}, "YYYY-MM-DD"), ({"until": None, "x": 1}, "until")])
def test_bad_lock_requests_are_refused(sandbox, body, words):
    res = admin(sandbox, "period_lock/jurnal", body)
    assert res.status_code == 400 and words in res.json()["error"]
    assert admin(sandbox, "period_lock/xero", {"until": None}).status_code == 404


def test_a_receipt_against_an_unapproved_invoice_waits_for_its_approval(sandbox):
    client = make_client(sandbox.accurate_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))
    shop(client, "C.00002")
    assert admin(sandbox, "approval/accurate", {"save_unapproved": True}).status_code == 200
    saved = client.post(invoice("INV-1", AFTER, "C.00002"))
    assert saved.data["approvalStatus"] == "UNAPPROVED"
    with pytest.raises(NotApprovedError) as caught:
        client.post(receipt("RCV-1", AFTER, "C.00002", "1101"))
    assert caught.value.kind == "unapproved" and "approve it in Accurate" in caught.value.message
    assert "belum disetujui" in caught.value.provider_message
    assert admin(sandbox, "approval/accurate", {"approve": "INV-1"}).status_code == 200
    assert client.find("sales_invoice", "INV-1").data["approvalStatus"] == "APPROVED"
    assert client.post(receipt("RCV-1", AFTER, "C.00002", "1101")).remote_id
    assert admin(sandbox, "approval/accurate", {"approve": "NOPE"}).status_code == 404


def test_a_lock_refusal_is_not_a_plain_refusal_and_other_refusals_stay_plain(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))
    shop(client, "C-1")
    with pytest.raises(ValidationError) as caught:
        client.post(docs.SalesInvoice("INV-9", customer_ref="C-1", date=AFTER,
                                 lines=[docs.InvoiceLine("NOPE", D("1"), D("1"))]))
    assert not isinstance(caught.value, PeriodLockedError)
