"""AccurateClient end to end over real HTTP against the sandbox: every
document kind, refusals, look-ups, bulk, paging, payments, purchases and
webhooks, and the failures a user must see in plain words."""

import json
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from accounting_connectors.accurate.mapping import payload_for
from accounting_connectors.client import RemoteResult, make_client
from accounting_connectors.documents import (
    AdjustmentLine,
    BankTransfer,
    Customer,
    InvoiceLine,
    Item,
    ItemAdjustment,
    ItemTransfer,
    PurchaseDocument,
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
from accounting_connectors.jsonutil import dumps

PPN = "PPN 11%"  # the sandbox database's PPN record

DAY = date(2024, 5, 17)


@pytest.fixture()
def app(sandbox):
    return sandbox.app("accurate")


@pytest.fixture()
def client(sandbox):
    return make_client(sandbox.accurate_config(rate_limits=[(1000, 1.0)]))


@pytest.fixture()
def stocked(client):
    """Two inventory items and a service, known to Accurate."""
    for doc in (Item("KOPI", name="Kopi Susu", sale_price=D("18000")),
                Item("ROTI", name="Roti Bakar", sale_price=D("12500.50")),
                Item("ONGKIR", name="Ongkos Kirim", item_type="service", sale_price=D("10000"))):
        client.post(doc)
    return client


def invoice(ref, *lines, **kwargs):
    kwargs.setdefault("customer_ref", "C.00001")
    kwargs.setdefault("date", DAY)
    return SalesInvoice(ref, lines=list(lines), **kwargs)


# --- mapping details a user would notice ----------------------------------------------
def test_money_is_sent_as_exact_json_numbers():
    _module, payload = payload_for(invoice("INV-M", InvoiceLine("KOPI", D("3"), D("0.1"))))
    text = dumps(payload)
    assert '"unitPrice":0.1' in text and '"quantity":3' in text
    assert '"transDate":"17/05/2024"' in text
    assert json.loads(text, parse_float=D)["detailItem"][0]["unitPrice"] == D("0.1")


# --- each document kind -------------------------------------------------------------------
def test_customer_and_item_create_then_update_by_id(client, app):
    created = client.post(Customer("CUST-9", name="Budi", phone="0812"))
    assert created.number == "CUST-9" and created.remote_id
    client.post(Customer("CUST-9", name="Budi Santoso", remote_id=created.remote_id))
    customers = {c["customerNo"]: c for c in app.dump("customer")}
    assert customers["CUST-9"]["name"] == "Budi Santoso"
    assert customers["CUST-9"]["mobilePhone"] == "0812"

    item = client.post(Item("TEH", name="Teh", item_type="service", sale_price=D("7500.25")))
    client.post(Item("TEH", name="Teh Manis", item_type="service", sale_price=D("8000"),
                     remote_id=item.remote_id))
    [teh] = [i for i in app.dump("item") if i["no"] == "TEH"]
    assert (teh["name"], teh["itemType"], teh["unitPrice"]) == ("Teh Manis", "SERVICE", D("8000"))


def test_sales_invoice_totals_tax_discount_rounding_and_stock(stocked, app):
    result = stocked.post(invoice(
        "POS/2024/0001",
        InvoiceLine("KOPI", D("2"), D("18000"), discount_amount=D("1000"), tax_rate=D("11"), tax_code=PPN),
        InvoiceLine("ROTI", D("1"), D("12500.50"), warehouse="Cabang"),
        InvoiceLine("ONGKIR", D("1"), D("10000")),
        rounding_amount=D("-0.50"), rounding_account="7101"))
    assert result.number == "POS/2024/0001"
    [inv] = app.dump("sales_invoice")
    # 35000 taxed at 11% + 12500.50 + 10000 - 0.50 rounding
    assert inv["subTotal"] == D("57500.50")
    assert inv["tax1Amount"] == D("3850.00")
    assert inv["totalAmount"] == D("61350.00")
    assert inv["detailExpense"][0]["account"]["no"] == "7101"
    stock = app.dump("stock")
    assert stock["KOPI"] == {"Utama": D("-2")} and stock["ROTI"] == {"Cabang": D("-1")}
    assert "ONGKIR" not in stock  # services hold no stock


def test_inclusive_tax_invoice_total_is_the_price_paid(stocked, app):
    stocked.post(invoice("INV-INC", InvoiceLine("KOPI", D("1"), D("11100"), tax_rate=D("11"), tax_code=PPN),
                         tax_included=True))
    [inv] = app.dump("sales_invoice")
    assert inv["totalAmount"] == D("11100") and inv["tax1Amount"] == D("1100.00")


def test_receipts_pay_an_invoice_partially_then_fully(stocked, app):
    stocked.post(invoice("INV-P", InvoiceLine("KOPI", D("5"), D("18000"))))
    assert stocked.invoice_status("INV-P") == {"paid": False, "outstanding": D("90000"), "total": D("90000")}
    stocked.post(SalesReceipt("RCV-1", customer_ref="C.00001", date=DAY, account="1101",
                              lines=[ReceiptLine("INV-P", D("40000.25"))]))
    status = stocked.invoice_status("INV-P")
    assert status["paid"] is False and status["outstanding"] == D("49999.75")
    stocked.post(SalesReceipt("RCV-2", customer_ref="C.00001", date=DAY, account="1102",
                              lines=[ReceiptLine("INV-P", D("49999.75"))]))
    assert stocked.invoice_status("INV-P")["paid"] is True
    [inv] = app.dump("sales_invoice")
    assert inv["statusOutstanding"] == "FULLY_PAID"
    receipts = app.dump("sales_receipt")
    assert [r["chequeAmount"] for r in receipts] == [D("40000.25"), D("49999.75")]
    with pytest.raises(ValidationError) as err:  # more than is owed
        stocked.post(SalesReceipt("RCV-3", customer_ref="C.00001", date=DAY, account="1101",
                                  lines=[ReceiptLine("INV-P", D("1"))]))
    assert "INV-P" in err.value.message


def test_sales_return_with_and_without_invoice_puts_stock_back(stocked, app):
    stocked.post(invoice("INV-R", InvoiceLine("KOPI", D("3"), D("18000"))))
    stocked.post(SalesReturn("RET-1", customer_ref="C.00001", date=DAY, invoice_ref="INV-R",
                             lines=[InvoiceLine("KOPI", D("1"), D("18000"))]))
    stocked.post(SalesReturn("RET-2", customer_ref="C.00001", date=DAY,
                             lines=[InvoiceLine("KOPI", D("1"), D("18000"))]))
    returns = {r["number"]: r for r in app.dump("sales_return")}
    assert returns["RET-1"]["returnType"] == "INVOICE" and returns["RET-1"]["invoice"]["number"] == "INV-R"
    assert returns["RET-2"]["returnType"] == "NO_INVOICE"
    assert returns["RET-1"]["totalAmount"] == D("18000")
    assert app.dump("stock")["KOPI"]["Utama"] == D("-1")


def test_two_step_transfer_moves_stock_through_transit(stocked, app):
    stocked.post(ItemAdjustment("ADJ-0", date=DAY, account="5101", lines=[
        AdjustmentLine("KOPI", D("5"), "in", unit_cost=D("9000"), warehouse="Utama")]))
    stocked.post(ItemTransfer("TR-OUT-1", direction="out", date=DAY, warehouse="Utama",
                              other_warehouse="Cabang", lines=[TransferLine("KOPI", D("4"))]))
    assert app.dump("stock")["KOPI"] == {"Utama": D("1"), "Transit (AOL System)": D("4")}
    # a partial receipt, then the rest (a backorder)
    for ref, qty in (("TR-IN-1", "3"), ("TR-IN-2", "1")):
        stocked.post(ItemTransfer(ref, direction="in", date=DAY, warehouse="Cabang",
                                  other_warehouse="Utama", out_ref="TR-OUT-1",
                                  lines=[TransferLine("KOPI", D(qty))]))
    stock = app.dump("stock")["KOPI"]
    assert stock["Cabang"] == D("4") and stock["Transit (AOL System)"] == D("0")
    [out, received, _rest] = app.dump("item_transfer")
    assert received["fromItemTransferNo"] == "TR-OUT-1" and out["itemTransferOutStatus"] == "RECEIVED"
    assert stocked.stock_levels(["Cabang"]) == {"Cabang": {"KOPI": D("4"), "ROTI": D("0")}}


def test_transfers_refused_as_accurate_refuses_them(stocked, app):
    """1. out of stock; 2. a receipt without its send document; 3. more than was
    sent; 4. an unknown warehouse. Nothing of a refused document moves stock."""
    with pytest.raises(ValidationError, match="Kuantitas barang KOPI di gudang Utama tidak mencukupi"):
        stocked.post(ItemTransfer("TR-X", direction="out", date=DAY, warehouse="Utama",
                                  other_warehouse="Cabang", lines=[TransferLine("KOPI", D("1"))]))
    stocked.post(ItemAdjustment("ADJ-0", date=DAY, account="5101", lines=[
        AdjustmentLine("KOPI", D("2"), "in", unit_cost=D("9000"), warehouse="Utama")]))
    with pytest.raises(ValidationError, match="fromItemTransferNo harus diisi"):
        stocked.post(ItemTransfer("TR-IN-X", direction="in", date=DAY, warehouse="Cabang",
                                  lines=[TransferLine("KOPI", D("1"))]))
    stocked.post(ItemTransfer("TR-OUT", direction="out", date=DAY, warehouse="Utama",
                              other_warehouse="Cabang", lines=[TransferLine("KOPI", D("2"))]))
    with pytest.raises(ValidationError, match="melebihi sisa kirim Pemindahan Barang TR-OUT"):
        stocked.post(ItemTransfer("TR-IN-Y", direction="in", date=DAY, warehouse="Cabang",
                                  out_ref="TR-OUT", lines=[TransferLine("KOPI", D("3"))]))
    with pytest.raises(ValidationError, match="Gudang tidak tepat"):
        stocked.post(ItemTransfer("TR-IN-Z", direction="in", date=DAY, warehouse="Gudang Hilang",
                                  out_ref="TR-OUT", lines=[TransferLine("KOPI", D("1"))]))
    with pytest.raises(ValidationError, match="Kuantitas barang KOPI di gudang Cabang tidak mencukupi"):
        stocked.post(ItemAdjustment("ADJ-X", date=DAY, account="5101", lines=[
            AdjustmentLine("KOPI", D("1"), "out", warehouse="Cabang")]))
    assert app.dump("stock")["KOPI"] == {"Utama": D("0"), "Transit (AOL System)": D("2")}
    assert [t["number"] for t in app.dump("item_transfer")] == ["TR-OUT"]


def test_stock_adjustment_in_and_out(stocked, app):
    stocked.post(ItemAdjustment("ADJ-0", date=DAY, account="5101", lines=[
        AdjustmentLine("ROTI", D("5"), "in", unit_cost=D("7000"), warehouse="Cabang")]))
    stocked.post(ItemAdjustment("ADJ-1", date=DAY, account="5101", lines=[
        AdjustmentLine("KOPI", D("10"), "in", unit_cost=D("9000.5")),
        AdjustmentLine("ROTI", D("2"), "out", warehouse="Cabang")]))
    stock = app.dump("stock")
    assert stock["KOPI"]["Utama"] == D("10") and stock["ROTI"]["Cabang"] == D("3")
    [_seed, adj] = app.dump("item_adjustment")
    assert [line["itemAdjustmentType"] for line in adj["detailItem"]] == ["ADJUSTMENT_IN", "ADJUSTMENT_OUT"]
    assert adj["detailItem"][0]["unitCost"] == D("9000.5")
    levels = stocked.stock_levels(["Utama", "Cabang", "Transit (AOL System)"])
    assert levels == {"Utama": {"KOPI": D("10"), "ROTI": D("0")}, "Cabang": {"KOPI": D("0"), "ROTI": D("3")},
                      "Transit (AOL System)": {"KOPI": D("0"), "ROTI": D("0")}}


def test_bank_transfer_books_the_mdr_fee(client, app):
    client.post(BankTransfer("PAYOUT-1", date=DAY, from_account="1101", to_account="1102",
                             amount=D("1000000"), fee=D("7000.40"), fee_account="6101"))
    [transfer] = app.dump("bank_transfer")
    assert transfer["fromBankAmount"] == D("1000000")
    assert transfer["toBankAmount"] == D("992999.60")
    assert transfer["detailBankTransfer"][0]["account"]["no"] == "6101"


# --- refusals ---------------------------------------------------------------------------------
def test_unknown_item_is_refused_in_the_providers_words(sandbox, stocked):
    english = make_client(sandbox.accurate_config(language="US", rate_limits=[(1000, 1.0)]))
    with pytest.raises(ValidationError) as err:
        english.post(invoice("INV-X", InvoiceLine("NOPE", D("1"), D("1"))))
    # our sentence around Accurate's words, which stay as they came beside it
    assert err.value.message == "Accurate refused it: Item & Service is not valid"
    assert (err.value.code, err.value.provider_message) == ("accurate.refused", "Item & Service is not valid")
    # Accurate's own default language is Indonesian: we do not ask it for English
    with pytest.raises(ValidationError) as err:
        stocked.post(invoice("INV-X", InvoiceLine("NOPE", D("1"), D("1"))))
    assert err.value.provider_message == "Barang & Jasa tidak tepat"
    assert err.value.response["status"] == 200  # HTTP 200 with s:false


def test_duplicate_number_is_a_duplicate_error(stocked, app):
    stocked.post(invoice("INV-D", InvoiceLine("KOPI", D("1"), D("18000"))))
    with pytest.raises(DuplicateError) as err:
        stocked.post(invoice("INV-D", InvoiceLine("KOPI", D("1"), D("18000"))))
    assert "INV-D" in err.value.message
    assert len(app.dump("sales_invoice")) == 1


# --- look-ups, paging, bulk -----------------------------------------------------------------
def test_find_by_reference(stocked):
    stocked.post(invoice("INV-F", InvoiceLine("KOPI", D("1"), D("18000"))))
    found = stocked.find("sales_invoice", "INV-F")
    assert isinstance(found, RemoteResult) and found.number == "INV-F"
    assert found.data["totalAmount"] == D("18000")
    assert stocked.find("item", "ROTI").data["name"] == "Roti Bakar"
    assert stocked.find("customer", "C.00001").data["name"] == "Pelanggan Umum"
    assert stocked.find("sales_invoice", "INV-NONE") is None


def test_listing_follows_pages(sandbox, client, app):
    seeded = len(app.store.records["glaccount"])
    for n in range(120):
        app.store.insert("glaccount", {"no": "8%03d" % n, "name": "Akun %d" % n, "accountType": "EXPENSE"})
    before = sandbox.request_count["accurate"]
    client.config.data_host = sandbox.url  # skip discovery to count list pages only
    accounts = client.list_accounts()
    assert len(accounts) == seeded + 120 and accounts[-1]["number"] == "8119"
    assert sandbox.request_count["accurate"] - before == 2
    assert {"number": "1101", "name": "Kas", "type": "CASH_BANK"}.items() <= accounts[0].items()
    assert [w["name"] for w in client.list_warehouses()] == ["Utama", "Cabang"]


def test_bulk_save_of_250_items_takes_3_requests(sandbox, client, app):
    client.list_warehouses()  # host discovery out of the way
    items = [Item("B%03d" % n, name="Barang %d" % n, sale_price=D(n) + D("0.5")) for n in range(250)]
    items[7] = Item("B001", name="duplicate of B001")
    before = sandbox.request_count["accurate"]
    results = client.post_many(items)
    assert sandbox.request_count["accurate"] - before == 3
    assert isinstance(results[7], DuplicateError)
    assert all(isinstance(r, RemoteResult) for i, r in enumerate(results) if i != 7)
    assert results[249].number == "B249"
    saved = {i["no"]: i for i in app.dump("item")}
    assert len(saved) == 249 and saved["B249"]["unitPrice"] == D("249.5")


def test_post_many_posts_transactions_one_by_one_in_order(stocked):
    results = stocked.post_many([invoice("INV-A", InvoiceLine("KOPI", D("1"), D("1"))),
                                 invoice("INV-B", InvoiceLine("NOPE", D("1"), D("1"))),
                                 Customer("C-BULK", name="Bulk")])
    assert isinstance(results[0], RemoteResult) and isinstance(results[1], ValidationError)
    assert results[2].number == "C-BULK"


# --- purchases: webhook and polling ---------------------------------------------------------
@pytest.fixture()
def receiver():
    """A local HTTP server that records webhook bodies."""
    bodies, arrived = [], threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()
            arrived.set()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/hook" % httpd.server_address[1], bodies, arrived
    httpd.shutdown()
    httpd.server_close()


def test_purchase_webhook_becomes_a_purchase_document(sandbox, stocked, app, receiver):
    url, bodies, arrived = receiver
    sandbox.webhook_url = url
    resp = requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=5, json={
        "type": "invoice", "vendorNo": "V.00001", "transDate": "16/05/2024", "billNumber": "BILL-77",
        "detailItem": [{"itemNo": "KOPI", "quantity": 24, "unitPrice": "9000.25",
                        "warehouseName": "Cabang"}]})
    assert resp.status_code == 200 and resp.json()["number"]
    assert arrived.wait(5), "the sandbox did not deliver the webhook"
    [event] = stocked.parse_webhook(bodies[0])
    assert (event.type, event.action, event.database_id) == ("PURCHASE_INVOICE", "WRITE", "96400")
    doc = stocked.fetch_purchase("invoice", event.remote_id)
    assert isinstance(doc, PurchaseDocument)
    assert (doc.reference, doc.vendor_ref, doc.date) == (event.number, "V.00001", date(2024, 5, 16))
    [line] = doc.lines
    assert (line.item_ref, line.quantity, line.unit_price, line.warehouse) == ("KOPI", D("24"), D("9000.25"),
                                                                              "Cabang")
    assert doc.total == D("216006")
    assert app.dump("stock")["KOPI"]["Cabang"] == D("24")


def test_purchase_returns_are_polled_by_date(stocked, app):
    inv = app.create_purchase({"type": "invoice", "vendorNo": "V.00001", "transDate": "10/05/2024",
                               "detailItem": [{"itemNo": "ROTI", "quantity": 5, "unitPrice": 6000}]})
    app.create_purchase({"type": "return", "vendorNo": "V.00001", "transDate": "12/05/2024",
                         "invoiceNumber": inv["number"],
                         "detailItem": [{"itemNo": "ROTI", "quantity": 2, "unitPrice": 6000}]})
    app.create_purchase({"type": "invoice", "vendorNo": "V.00001", "transDate": "01/04/2024",
                         "detailItem": [{"itemNo": "ROTI", "quantity": 1, "unitPrice": 6000}]})
    docs = stocked.list_purchases(date(2024, 5, 1), date(2024, 5, 31))
    assert [(d.doc_type, d.total) for d in docs] == [("invoice", D("30000")), ("return", D("12000"))]
    assert docs[1].invoice_ref == inv["number"]
    assert app.dump("stock")["ROTI"]["Utama"] == D("4")


# --- failures in plain words ------------------------------------------------------------------
def test_html_page_instead_of_data_is_explained(sandbox, client):
    client.list_warehouses()
    sandbox.add_fault("html", path_contains="/warehouse/")
    with pytest.raises(ConnectorError) as err:
        client.list_warehouses()
    assert "HTTP 502" in err.value.message and "<html" not in err.value.message


@pytest.fixture()
def garbage_host():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"s":true,"d":[{"id":1'  # cut short
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_malformed_json_is_explained(sandbox, garbage_host):
    client = make_client(sandbox.accurate_config(data_host=garbage_host, rate_limits=[(1000, 1.0)]))
    with pytest.raises(ConnectorError) as err:
        client.list_warehouses()
    assert "not JSON" in err.value.message and '"id":1' in err.value.message


def test_read_timeout_is_ambiguous_for_a_save_and_transient_for_a_list(sandbox, app, stocked):
    slow = make_client(sandbox.accurate_config(timeout=(2, 0.5), rate_limits=[(1000, 1.0)]))
    slow.list_warehouses()
    sandbox.add_fault("timeout", seconds=1.5, path_contains="/save.do")
    with pytest.raises(AmbiguousError) as err:
        slow.post(invoice("INV-T", InvoiceLine("KOPI", D("1"), D("18000"))))
    assert "may or may not" in err.value.message
    # the engine's next step: look it up instead of posting again
    assert slow.find("sales_invoice", "INV-T").number == "INV-T"
    sandbox.add_fault("timeout", seconds=1.5, path_contains="/list.do")
    with pytest.raises(TransientError) as err:
        slow.list_warehouses()
    assert not isinstance(err.value, AmbiguousError)


def test_server_errors_and_rate_limits(sandbox, client, app):
    client.list_warehouses()
    sandbox.add_fault("500", path_contains="/save.do")
    with pytest.raises(AmbiguousError):
        client.post(Customer("C-500", name="x"))
    assert app.dump("customer")[-1]["customerNo"] != "C-500"
    sandbox.add_fault("503", path_contains="/list.do")
    with pytest.raises(TransientError) as err:
        client.list_warehouses()
    assert not isinstance(err.value, AmbiguousError) and "HTTP 503" in err.value.message
    sandbox.add_fault("429")
    with pytest.raises(RateLimitedError) as err:
        client.list_warehouses()
    assert err.value.retry_after == 1.0


def test_purchases_changed_since_a_moment(stocked, app):
    app.create_purchase({"type": "invoice", "vendorNo": "V.00001", "transDate": "10/05/2024",
                         "detailItem": [{"itemNo": "KOPI", "quantity": 1, "unitPrice": 100}]})
    just_before = datetime.now(timezone.utc) - timedelta(minutes=1)
    assert [d.total for d in stocked.list_purchases(just_before)] == [D("100")]
    assert stocked.list_purchases(just_before + timedelta(minutes=5)) == []
