"""JurnalClient against the sandbox over real HTTP: every document kind,
errors in plain words, paging, idempotency look-ups, batches, polling."""

from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.documents import (
    AdjustmentLine,
    BankTransfer,
    Customer,
    InvoiceLine,
    Item,
    ItemAdjustment,
    ItemTransfer,
    ReceiptLine,
    SalesInvoice,
    SalesReceipt,
    SalesReturn,
    TransferLine,
)
from accounting_connectors.errors import (
    AmbiguousError,
    ConnectorError,
    DuplicateError,
    RateLimitedError,
    TransientError,
    ValidationError,
)
from accounting_connectors.sandbox.base import Response

DAY = date(2025, 3, 14)


@pytest.fixture
def client(sandbox):
    # a generous limit: the tests send more than Jurnal's 40/min on purpose
    return make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))


def seed(client, *skus):
    for sku in skus or ("SKU-1", "SKU-2"):
        client.post(Item(sku, name="Kopi %s" % sku, sale_price=D("15000"), cost_price=D("9000")))
    client.post(Customer("C-1", name="Budi Santoso", email="budi@example.com"))


def invoice(ref="INV-1", qty="3", price="15000", sku="SKU-1", **kw):
    return SalesInvoice(ref, customer_ref="C-1", date=DAY, lines=[
        InvoiceLine(sku, D(qty), D(price), warehouse="Gudang Utama")], **kw)


def test_post_every_kind_updates_the_books(client, sandbox):
    seed(client)
    client.post(Item("SKU-1", name="Kopi Susu", sale_price=D("16000"),
                     remote_id=client.find("item", "SKU-1").remote_id))
    client.post(invoice(qty="4"))
    client.post(SalesReceipt("PAY-1", customer_ref="C-1", date=DAY, account="1-10001",
                             lines=[ReceiptLine("INV-1", D("60000"))]))
    client.post(SalesReturn("RET-1", customer_ref="C-1", date=DAY, invoice_ref="INV-1",
                            lines=[InvoiceLine("SKU-1", D("1"), D("15000"), warehouse="Gudang Utama")]))
    sandbox.app("jurnal").store.add("warehouses", {"name": "Transit", "code": "TR"})
    client.post(ItemTransfer("TR-OUT", direction="out", date=DAY, warehouse="Gudang Utama",
                             other_warehouse="Transit", lines=[TransferLine("SKU-2", D("2"))]))
    client.post(ItemTransfer("TR-IN", direction="in", date=DAY, warehouse="Unassigned", out_ref="TR-OUT",
                             lines=[TransferLine("SKU-2", D("2"))]))
    client.post(ItemAdjustment("ADJ-1", date=DAY, account="5-50300", lines=[
        AdjustmentLine("SKU-2", D("10"), "in", unit_cost=D("9000"), warehouse="Gudang Utama"),
        AdjustmentLine("SKU-1", D("1"), "out", warehouse="Gudang Utama")]))
    client.post(BankTransfer("BT-1", date=DAY, from_account="1-10001", to_account="1-10002",
                             amount=D("50000")))
    fee = client.post(BankTransfer("BT-2", date=DAY, from_account="1-10002", to_account="1-10001",
                                   amount=D("10000"), fee=D("70"), fee_account="6-60217"))
    state = sandbox.app("jurnal").dump()
    assert [c["display_name"] for c in state["customer"]] == ["Pelanggan Umum", "Budi Santoso"]
    assert state["item"][0]["name"] == "Kopi Susu"
    inv = state["sales_invoice"][0]
    assert (inv["custom_id"], inv["original_amount"], inv["transaction_status"]["name"]) == \
        ("INV-1", "60000.0", "Paid")
    assert state["sales_return"][0]["return_amount"] == "15000.0"
    assert state["sales_receipt"][0]["total"] == "60000.0"
    assert state["item_transfer"][1]["from_warehouse"]["name"] == "Transit"
    assert state["stock"]["SKU-1"] == {"Gudang Utama": "-4.0"}  # -4 sold +1 returned -1 adjusted
    assert state["stock"]["SKU-2"] == {"Gudang Utama": "8.0", "Transit": "0.0", "Unassigned": "2.0"}
    assert state["bank_transfer"][0]["transfer_amount"] == "50000.0"
    assert fee.data["total_debit"] == "10000.0" and state["journal_entry"][0]["custom_id"] == "BT-2"
    assert state["balance"]["Beban Komisi & Fee"] == "70.0"
    assert state["balance"]["Kas"] == str(D("60000") - D("50000") + D("9930")) + ".0"


def test_decimal_money_and_discount_are_exact(client, sandbox):
    seed(client)
    doc = invoice(qty="3", price="15000.50")
    doc.lines[0].discount_amount = D("4500.15")  # exactly 10 %
    result = client.post(doc)
    assert '"rate": "15000.5"' in result.request["body"] and '"discount": 10' in result.request["body"]
    assert result.data["original_amount"] == "40501.35"


def test_unknown_product_is_refused_in_jurnals_words(client):
    seed(client)
    with pytest.raises(ValidationError) as err:
        client.post(invoice(sku="NOPE"))
    assert "Product not found: NOPE" in err.value.message
    assert err.value.status == 422 and not isinstance(err.value, DuplicateError)


def test_repeated_reference_is_a_duplicate(client):
    seed(client)
    first = client.post(invoice())
    with pytest.raises(DuplicateError) as err:
        client.post(invoice())
    assert "already been used" in err.value.message and err.value.status == 409
    assert client.find("sales_invoice", "INV-1").remote_id == first.remote_id


def test_product_made_by_hand_with_our_sku_is_adopted_not_refused(client, sandbox):
    """A shop that already keeps its products in Jurnal: our item's SKU is
    that product's code (no custom_id on it); the post is a duplicate and
    the look-up finds the product by its code."""
    made = client._call("POST", "/products", body={"product": {
        "name": "Kopi dari Jurnal", "product_code": "SKU-HAND", "unit_name": "PCS", "is_sold": True,
        "sell_price_per_unit": "15000"}})[0]["product"]
    assert not made.get("custom_id")
    with pytest.raises(DuplicateError):
        client.post(Item("SKU-HAND", name="Kopi", sale_price=D("15000")))
    assert client.find("item", "SKU-HAND").remote_id == str(made["id"])
    assert client.find("item", "SKU-NONE") is None


def test_find_by_reference(client):
    seed(client)
    client.post(invoice(ref="POS/2025/0001"))
    client.post(SalesReceipt("PAY/1", date=DAY, account="Kas",
                             lines=[ReceiptLine("POS/2025/0001", D("100"))]))
    assert client.find("sales_invoice", "POS/2025/0001").number == "POS/2025/0001"
    assert client.find("sales_receipt", "PAY/1").data["total"] == "100.0"
    assert client.find("item", "SKU-2").data["product_code"] == "SKU-2"
    assert client.find("customer", "C-1").data["display_name"] == "Budi Santoso"
    assert client.find("sales_invoice", "NOPE") is None
    assert client.find("item", "NOPE") is None
    assert client.find("bank_transfer", "NOPE") is None


def test_paging_reads_every_page(client, sandbox):
    seed(client)
    for n in range(5):
        sandbox.app("jurnal").store.add("warehouses", {"name": "Outlet %s" % n, "code": "O%s" % n})
    before = sandbox.request_count["jurnal"]
    names = [w["name"] for w in client._pages("warehouses", page_size=3)]
    assert len(names) == 7 and names[-1] == "Outlet 4"
    assert sandbox.request_count["jurnal"] - before == 3
    cash = {"number": "1-10001", "name": "Kas", "type": "Cash & Bank"}
    assert cash.items() <= client.list_accounts()[0].items()
    assert [w["name"] for w in client.list_warehouses()][:2] == ["Unassigned", "Gudang Utama"]


def test_post_many_batches_and_skips_existing(client, sandbox):
    for n in range(10):
        client.post(Item("P-%03d" % n, name="Produk %s" % n))
    items = [Item("P-%03d" % n, name="Produk %s" % n) for n in range(150)]
    before = sandbox.request_count["jurnal"]
    results = client.post_many(items)
    assert sandbox.request_count["jurnal"] - before == 3  # one listing + two batches (100 + 40)
    assert all(not isinstance(r, Exception) for r in results)
    assert len(sandbox.app("jurnal").dump("item")) == 150
    assert results[0].remote_id == client.find("item", "P-000").remote_id
    again = client.post_many(items)  # a retry after a timeout must not duplicate anything
    assert len(sandbox.app("jurnal").dump("item")) == 150 and not any(isinstance(r, Exception) for r in again)


def test_post_many_reports_each_failure(client):
    results = client.post_many([Item("A", name="A"), Item("B", name=""), Item("A", name="A again"),
                                Customer("C-9", name="Siti")])
    assert results[0].number == "A" and results[3].data["display_name"] == "Siti"
    assert isinstance(results[2], DuplicateError)
    # an empty name falls back to the reference, so B is accepted with name "B"
    assert results[1].data["name"] == "B"


def test_invoice_paid_after_partial_then_full_payment(client):
    seed(client)
    client.post(invoice(qty="2"))
    assert client.invoice_status("INV-1") == {"paid": False, "outstanding": D("30000.0"), "status": "Open"}
    client.post(SalesReceipt("PAY-1", date=DAY, account="Kas", lines=[ReceiptLine("INV-1", D("10000"))]))
    assert client.invoice_status("INV-1")["status"] == "Partial"
    client.post(SalesReceipt("PAY-2", date=DAY, account="1-10002", lines=[ReceiptLine("INV-1", D("20000"))]))
    status = client.invoice_status("INV-1")
    assert status["paid"] and status["outstanding"] == 0 and status["status"] == "Paid"
    with pytest.raises(ValidationError, match="remaining balance"):
        client.post(SalesReceipt("PAY-3", date=DAY, account="Kas", lines=[ReceiptLine("INV-1", D("1"))]))


def test_list_purchases_polls_what_a_person_entered(client, sandbox):
    seed(client)
    app = sandbox.app("jurnal")
    inv = app.create_purchase({"purchase_invoice": {
        "person_name": "CV Sumber Kopi", "transaction_date": "2025-03-14", "warehouse_name": "Gudang Utama",
        "transaction_lines_attributes": [{"product_code": "SKU-1", "quantity": 12, "rate": 9000}]}})
    ret = app.create_purchase({"purchase_return": {
        "invoice_no": inv["transaction_no"], "transaction_date": "2025-03-15",
        "transaction_return_lines_attributes": [{"transaction_line_id":
                                                 inv["transaction_lines_attributes"][0]["id"],
                                                 "return_quantity": "2"}]}})
    assert "error" not in ret
    today = date.fromtimestamp(sandbox.now())
    docs = client.list_purchases(today, today)
    assert [(d.doc_type, d.vendor_name, d.lines[0].item_ref, d.lines[0].quantity) for d in docs] == [
        ("invoice", "CV Sumber Kopi", "SKU-1", D("12")), ("return", "CV Sumber Kopi", "SKU-1", D("2"))]
    assert docs[0].total == D("108000") and docs[1].invoice_ref == inv["transaction_no"]
    assert app.dump()["stock"]["SKU-1"] == {"Gudang Utama": "10.0"}
    again = client.fetch_purchase("return", docs[1].remote_id)
    assert again.lines[0].item_ref == "SKU-1" and again.date == date(2025, 3, 15)


def test_html_page_is_a_readable_error(client, sandbox):
    sandbox.add_fault("html", provider="jurnal")
    with pytest.raises(ConnectorError) as err:
        client.list_accounts()
    assert isinstance(err.value, TransientError)
    assert "error page" in err.value.message and "<html" not in err.value.message


def test_timeout_is_ambiguous_for_a_create_and_transient_for_a_list(sandbox):
    client = make_client(sandbox.jurnal_config(timeout=(2, 0.5), rate_limits=[(10000, 60.0)]))
    seed(client)
    sandbox.add_fault("timeout", provider="jurnal", method="POST", seconds=1.5)
    with pytest.raises(AmbiguousError):
        client.post(invoice())
    assert client.find("sales_invoice", "INV-1") is not None  # it was saved: look up before retrying
    sandbox.add_fault("timeout", provider="jurnal", method="GET", seconds=1.5)
    with pytest.raises(TransientError) as err:
        client.list_warehouses()
    assert not isinstance(err.value, AmbiguousError)


def test_server_error_on_write_is_ambiguous(client, sandbox):
    sandbox.add_fault("502", provider="jurnal", method="POST")
    with pytest.raises(AmbiguousError):
        client.post(Customer("C-5", name="Andi"))


def test_rate_limit_and_monthly_quota(client, sandbox, monkeypatch):
    sandbox.add_fault("429", provider="jurnal")
    with pytest.raises(RateLimitedError) as err:
        client.list_accounts()
    # bare (no Retry-After): until the client's minute window rolls, not a fixed minute
    assert err.value.retryable and 0 < err.value.retry_after <= 61.0
    client.transport.limiter._closed_until = 0.0  # the quota case below is not held back by it
    app = sandbox.app("jurnal")
    monkeypatch.setattr(app, "rate_limited_response", lambda: Response(
        429, {"message": "Monthly limit exceeded. Please wait until next month or upgrade your package."}))
    sandbox.add_fault("429", provider="jurnal")
    with pytest.raises(ConnectorError) as err:
        client.list_accounts()
    assert not isinstance(err.value, RateLimitedError) and not err.value.retryable
    assert err.value.kind == "quota"
    assert "monthly API package" in err.value.message
