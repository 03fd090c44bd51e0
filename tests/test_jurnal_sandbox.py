"""The Jurnal imitation spoken to directly: status codes, envelopes, error
shapes in Jurnal's words, stock bookkeeping, admin endpoints, rate limits."""

import requests

from accounting_connectors.jurnal import auth

V1 = "/public/jurnal/api/v1/"


def call(sandbox, method, path, body=None):
    app = sandbox.app("jurnal")
    date_value = auth.http_date(sandbox.now())
    headers = {"Date": date_value, "Content-Type": "application/json",
               "Authorization": auth.authorization(app.client_id, app.client_secret, date_value,
                                                   method, path)}
    resp = requests.request(method, sandbox.url + path, json=body, headers=headers, timeout=5)
    return resp.status_code, resp.json() if resp.content else None


def product(sandbox, code, **extra):
    return call(sandbox, "POST", V1 + "products", {"product": dict(
        name="Produk " + code, unit_name="Pcs", product_code=code, custom_id=code, track_inventory="true",
        **extra)})


def test_create_status_codes_and_wrappers(sandbox):
    status, body = product(sandbox, "A")
    assert status == 201 and body["product"]["custom_id"] == "A" and body["product"]["source"] == "apikey"
    status, body = call(sandbox, "POST", V1 + "warehouses", {"warehouse": {"name": "Outlet 2", "code": "O2"}})
    assert status == 200 and body["warehouse"]["name"] == "Outlet 2"
    status, body = call(sandbox, "POST", V1 + "bank_transfers", {"bank_transfer": {
        "refund_from_name": "Kas", "deposit_to_name": "Rekening Bank", "transaction_date": "15-06-2024",
        "transaction_no": "BT1", "transfer_amount": 750000, "custom_id": "BT1"}})
    assert status == 200 and body["bank_transfer"]["transfer_amount"] == "750000.0"
    assert body["bank_transfer"]["transaction_date"] == "15/06/2024"


def test_list_envelope_and_paging(sandbox):
    for n in range(5):
        product(sandbox, "P%s" % n)
    status, body = call(sandbox, "GET", V1 + "products?page=2&page_size=2")
    assert status == 200
    assert (body["total_count"], body["current_page"], body["total_pages"]) == (5, 2, 3)
    assert [p["product_code"] for p in body["products"]] == ["P2", "P3"]
    status, body = call(sandbox, "GET", V1 + "sales_invoices?sort_key=id")
    assert status == 422 and body == {"errors": "Unprocessable Entity"}


def test_repeated_custom_id_is_409_but_batch_does_not_check(sandbox):
    product(sandbox, "A")
    status, body = product(sandbox, "A")
    assert status == 409 and body["custom_id"] == "(Custom id attribute had already been used.)"
    assert body["error_full_messages"] == ["Custom (Custom id attribute had already been used.)"]
    row = {"customer": {"display_name": "Sama", "custom_id": "DUP"}}
    row2 = {"customer": {"display_name": "Sama 2", "custom_id": "DUP"}}
    status, body = call(sandbox, "POST", V1 + "customers/batch_create", {"customers": [row, row2]})
    assert status == 200 and [r["customer"]["status"] for r in body["customers"]] == [201, 201]
    assert sum(c["custom_id"] == "DUP" for c in sandbox.app("jurnal").dump("customer")) == 2


def test_unknown_references_in_jurnals_words(sandbox):
    product(sandbox, "A")
    line = [{"product_code": "A", "quantity": 1, "rate": 1000}]
    cases = [
        ({"person_name": "Nobody", "transaction_date": "2025-01-02", "transaction_lines_attributes": line},
         "Person customer Nobody not found"),
        ({"person_name": "Pelanggan Umum", "transaction_date": "2025-01-02",
          "transaction_lines_attributes": [{"product_name": "Ghost", "quantity": 1}]},
         "Product not found: Ghost"),
        ({"person_name": "Pelanggan Umum", "transaction_date": "2025-01-02", "warehouse_name": "Nowhere",
          "transaction_lines_attributes": line}, "Warehouse Nowhere not found"),
        ({"person_name": "Pelanggan Umum", "transaction_date": "2025-01-02", "deposit_to_name": "Brankas",
          "deposit": 1000, "transaction_lines_attributes": line}, "Account Brankas not found"),
    ]
    for invoice, words in cases:
        status, body = call(sandbox, "POST", V1 + "sales_invoices", {"sales_invoice": invoice})
        assert status == 422 and body["error_full_messages"] == [words]


def test_refused_request_leaves_nothing_behind(sandbox):
    product(sandbox, "A")
    status, _body = call(sandbox, "POST", V1 + "sales_invoices", {"sales_invoice": {
        "person_name": "Pelanggan Umum", "transaction_date": "2025-01-02",
        "transaction_lines_attributes": [{"product_code": "A", "quantity": 3}, {"product_code": "X"}]}})
    assert status == 422
    state = sandbox.app("jurnal").dump()
    assert state["sales_invoice"] == [] and state["stock"] == {}


def test_stock_per_warehouse_and_invoice_status(sandbox):
    product(sandbox, "A")
    call(sandbox, "POST", V1 + "warehouses", {"warehouse": {"name": "Outlet 2"}})
    status, body = call(sandbox, "POST", V1 + "stock_adjustments", {"stock_adjustment": {
        "warehouse_name": "Gudang Utama", "account_name": "Inventory Adjustments", "date": "01/01/2025",
        "maintain_actual": True, "lines_attributes": [{"product_name": "Produk A", "actual_quantity": 20}]}})
    assert status == 201
    assert body["stock_adjustment"]["stock_adjustment_lines_attributes"][0]["difference"] == "20.0"
    status, _ = call(sandbox, "POST", V1 + "warehouse_transfers", {"warehouse_transfer": {
        "from_warehouse_name": "Gudang Utama", "to_warehouse_name": "Outlet 2",
        "transaction_date": "02/01/2025",
        "warehouse_transfer_lines_attributes": [{"product_name": "Produk A", "quantity": 5}]}})
    assert status == 200
    status, body = call(sandbox, "POST", V1 + "sales_invoices", {"sales_invoice": {
        "person_name": "Pelanggan Umum", "transaction_date": "2025-01-03", "warehouse_name": "Outlet 2",
        "deposit_to_name": "Kas", "deposit": 1000,
        "transaction_lines_attributes": [{"product_code": "A", "quantity": 2, "rate": 1500}]}})
    invoice = body["sales_invoice"]
    assert status == 201 and invoice["transaction_status"]["name"] == "Partial"
    assert (invoice["original_amount"], invoice["remaining"]) == ("3000.0", "2000.0")
    status, body = call(sandbox, "POST", V1 + "receive_payments", {"receive_payment": {
        "transaction_date": "2025-01-04", "payment_method_name": "Transfer",
        "deposit_to_name": "Rekening Bank", "custom_id": "RP1",
        "records_attributes": [{"transaction_no": invoice["transaction_no"], "amount": 2000}]}})
    assert status == 201
    status, body = call(sandbox, "GET", V1 + "sales_invoices/%s" % invoice["id"])
    assert body["sales_invoice"]["transaction_status"]["name"] == "Paid"
    assert body["sales_invoice"]["remaining"] == "0.0"
    assert sandbox.app("jurnal").dump("stock") == {"A": {"Gudang Utama": "15.0", "Outlet 2": "3.0"}}


def test_lookup_by_custom_id_or_id(sandbox):
    _s, created = product(sandbox, "SKU/1")
    status, body = call(sandbox, "GET", V1 + "products/SKU%2F1")
    assert status == 200 and body["product"]["id"] == created["product"]["id"]
    status, body = call(sandbox, "GET", V1 + "products/NOPE")
    assert status == 422 and body == {"errors": "Unprocessable Entity"}


def test_legacy_apikey_path(sandbox):
    app = sandbox.app("jurnal")
    resp = requests.get(sandbox.url + "/core/api/v1/accounts.json", headers={"apikey": app.api_key},
                        timeout=5)
    assert resp.status_code == 200 and "accounts" in resp.json()
    resp = requests.get(sandbox.url + "/core/api/v1/accounts", headers={"apikey": "nope"}, timeout=5)
    assert resp.status_code == 403


def test_admin_purchase_dump_and_reset(sandbox):
    product(sandbox, "A")
    resp = requests.post(sandbox.url + "/_sandbox/purchases/jurnal", json={"purchase_invoice": {
        "person_name": "PT Pemasok Jaya", "transaction_date": "2025-02-01",
        "transaction_lines_attributes": [{"product_code": "A", "quantity": 4, "rate": 500}]}}, timeout=5)
    assert resp.status_code == 200 and resp.json()["original_amount"] == "2000.0"
    state = requests.get(sandbox.url + "/_sandbox/state/jurnal", timeout=5).json()
    for kind in ("customer", "item", "sales_invoice", "sales_receipt", "sales_return", "item_transfer",
                 "item_adjustment", "bank_transfer", "purchase_invoice", "purchase_return"):
        assert kind in state
    assert state["stock"] == {"A": {"Unassigned": "4.0"}}
    status, body = call(sandbox, "GET", V1 + "purchase_invoices?sort_key=created_at&start_date=01/01/2000")
    assert body["total_count"] == 1
    bad = requests.post(sandbox.url + "/_sandbox/purchases/jurnal", json={"purchase_invoice": {
        "person_name": "X", "transaction_date": "2025-02-01",
        "transaction_lines_attributes": [{"product_code": "NOPE"}]}}, timeout=5).json()
    assert bad["error"]["error_full_messages"] == ["Product not found: NOPE"]
    requests.post(sandbox.url + "/_sandbox/reset", timeout=5)
    assert sandbox.app("jurnal").dump("item") == []
    assert [c["display_name"] for c in sandbox.app("jurnal").dump("customer")] == ["Pelanggan Umum"]


def test_rate_limit_answer(sandbox):
    """The published per-consumer minute (30) then Jurnal's bare 429."""
    sandbox.rate_limits = True
    statuses = [call(sandbox, "GET", V1 + "warehouses")[0] for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert call(sandbox, "GET", V1 + "warehouses")[1] == {"message": "API rate limit exceeded"}
