"""The Accurate imitation itself, spoken to with plain signed HTTP requests:
envelopes, paging, filters, validation texts, OAuth grants, admin paths."""

import base64
from urllib.parse import quote

import pytest
import requests

from accounting_connectors.accurate import auth
from accounting_connectors.accurate.webhook import parse
from accounting_connectors.sandbox.accurate import API_TOKEN, CLIENT_ID, CLIENT_SECRET, SIGNATURE_SECRET


def call(sandbox, method, path, lang=None, **kwargs):
    stamp = auth.format_timestamp(sandbox.now())
    headers = {"Authorization": "Bearer " + API_TOKEN, "X-Api-Timestamp": stamp,
               "X-Api-Signature": auth.sign(SIGNATURE_SECRET, stamp)}
    if lang:
        headers["X-Language-Profile"] = lang
    resp = requests.request(method, sandbox.url + path, headers=headers, timeout=5, **kwargs)
    return resp.status_code, resp.json()


def save(sandbox, module, body, lang=None):
    return call(sandbox, "POST", "/accurate/api/%s/save.do" % module, lang, json=body)[1]


def test_api_token_do_key_follows_the_language(sandbox):
    _status, body = call(sandbox, "POST", "/api/api-token.do")
    assert body["d"]["data usaha"]["host"] == sandbox.url
    _status, body = call(sandbox, "POST", "/api/api-token.do", "US")
    assert body["d"]["database"]["alias"] == "Toko Sandbox"


def test_save_answers_with_the_record_in_r_and_messages_in_d(sandbox):
    body = save(sandbox, "customer", {"customerNo": "C-77", "name": "Sari", "transDate": "01/05/2024"})
    assert body["s"] is True
    assert body["d"] == ['Pelanggan "C-77" berhasil disimpan']
    assert body["r"]["customerNo"] == "C-77" and isinstance(body["r"]["id"], int)
    status, detail = call(sandbox, "GET", "/accurate/api/customer/detail.do?customerNo=C-77")
    assert status == 200 and detail["d"]["id"] == body["r"]["id"]


def test_validation_texts_and_their_english(sandbox):
    invoice = {"customerNo": "C.00001", "transDate": "2024-05-01",
               "detailItem": [{"itemNo": "X", "quantity": 1, "unitPrice": 1}]}
    assert save(sandbox, "sales-invoice", invoice) == {"s": False,
                                                       "d": ['Invalid field value for field "transDate".']}
    invoice["transDate"] = "01/05/2024"
    assert save(sandbox, "sales-invoice", invoice)["d"] == ["Barang & Jasa tidak tepat"]
    assert save(sandbox, "sales-invoice", invoice, "US")["d"] == ["Item & Service is not valid"]
    invoice["customerNo"] = "NOBODY"
    assert save(sandbox, "sales-invoice", invoice)["d"] == ["Pelanggan tidak tepat"]
    del invoice["customerNo"]
    assert save(sandbox, "sales-invoice", invoice)["d"] == ["customerNo harus diisi"]
    status, body = call(sandbox, "GET", "/accurate/api/sales-invoice/detail.do?number=NONE")
    assert status == 200 and body == {"s": False, "d": ["Faktur Penjualan tidak tepat"]}


def test_sales_return_requires_tax_fields_and_expense_list(sandbox):
    save(sandbox, "item", {"no": "A1", "name": "A", "itemType": "INVENTORY"})
    ret = {"customerNo": "C.00001", "transDate": "01/05/2024", "returnType": "NO_INVOICE",
           "taxDate": "01/05/2024", "detailItem": [{"itemNo": "A1", "quantity": 1, "unitPrice": 5}]}
    assert save(sandbox, "sales-return", ret)["d"] == ["taxNumber harus diisi"]
    ret["taxNumber"] = ""
    assert save(sandbox, "sales-return", ret)["d"] == ["detailExpense harus diisi"]
    ret["detailExpense"] = []
    assert save(sandbox, "sales-return", ret)["s"] is True


def test_duplicate_number_for_the_same_document_type_only(sandbox):
    save(sandbox, "item", {"no": "A1", "name": "A"})
    adj = {"number": "DOC-1", "transDate": "01/05/2024", "adjustmentAccountNo": "5101",
           "detailItem": [{"itemNo": "A1", "quantity": 1, "itemAdjustmentType": "ADJUSTMENT_IN",
                           "unitCost": 1}]}
    assert save(sandbox, "item-adjustment", adj)["s"] is True
    body = save(sandbox, "item-adjustment", adj)
    assert body["s"] is False and "DOC-1" in body["d"][0] and "sudah digunakan" in body["d"][0]
    transfer = {"number": "DOC-1", "transDate": "01/05/2024", "fromBankNo": "1101", "toBankNo": "1102",
                "fromBankAmount": 10}
    assert save(sandbox, "bank-transfer", transfer)["s"] is True


def test_list_paging_fields_and_filters(sandbox):
    for n in range(45):
        save(sandbox, "customer", {"customerNo": "P%02d" % n, "name": "Toko %d" % n})
    status, body = call(sandbox, "GET", "/accurate/api/customer/list.do")
    assert status == 200 and body["d"][0] == {"id": body["d"][0]["id"]}  # no fields= -> id only
    assert body["sp"]["pageSize"] == 20 and body["sp"]["rowCount"] == 46 and body["sp"]["pageCount"] == 3
    _s, page3 = call(sandbox, "GET", "/accurate/api/customer/list.do?fields=customerNo,name,bogus"
                                     "&sp.page=3&sp.pageSize=20")
    assert [r["customerNo"] for r in page3["d"]] == ["P39", "P40", "P41", "P42", "P43", "P44"]
    assert "bogus" not in page3["d"][0]
    _s, hit = call(sandbox, "GET", "/accurate/api/customer/list.do?fields=customerNo"
                                   "&filter.no.op=EQUAL&filter.no.val=P07")
    assert hit["d"] == [{"customerNo": "P07"}]
    _s, many = call(sandbox, "GET", "/accurate/api/customer/list.do?fields=customerNo&filter.no.op=EQUAL"
                                    "&filter.no.val[0]=P01&filter.no.val[1]=P02")
    assert [r["customerNo"] for r in many["d"]] == ["P01", "P02"]
    _s, words = call(sandbox, "GET", "/accurate/api/customer/list.do?fields=name&sp.pageSize=100"
                                     "&filter.keywords.op=CONTAIN&filter.keywords.val=Toko%204")
    assert sorted(r["name"] for r in words["d"]) == ["Toko 4"] + ["Toko 4%d" % n for n in range(5)]


def test_transdate_filters_compare_dates_not_text(sandbox):
    save(sandbox, "item", {"no": "A1", "name": "A"})
    for number, day in (("X1", "31/01/2024"), ("X2", "01/02/2024"), ("X3", "15/03/2024")):
        save(sandbox, "purchase-invoice", {"number": number, "vendorNo": "V.00001", "transDate": day,
                                           "detailItem": [{"itemNo": "A1", "quantity": 1}]})
    query = "filter.transDate.op=BETWEEN&filter.transDate.val[0]=%s&filter.transDate.val[1]=%s" % (
        quote("01/02/2024", safe=""), quote("31/03/2024", safe=""))
    _s, body = call(sandbox, "GET", "/accurate/api/purchase-invoice/list.do?fields=number&" + query)
    assert [r["number"] for r in body["d"]] == ["X2", "X3"]


def test_bulk_save_reports_each_record_and_caps_at_100(sandbox):
    _s, body = call(sandbox, "POST", "/accurate/api/item/bulk-save.do",
                    json={"data": [{"no": "K1", "name": "Satu"}, {"no": "K1", "name": "Dua"}]})
    assert body["s"] is False
    assert body["d"][0]["s"] is True and body["d"][0]["r"]["no"] == "K1"
    assert body["d"][1]["s"] is False and "sudah digunakan" in body["d"][1]["d"][0]
    _s, body = call(sandbox, "POST", "/accurate/api/item/bulk-save.do",
                    json={"data": [{"no": "N%d" % n, "name": "n"} for n in range(101)]})
    assert body == {"s": False, "d": ["Maksimal 100 data dalam satu permintaan"]}


def test_receipt_needs_a_cash_account_and_matching_total(sandbox):
    save(sandbox, "item", {"no": "A1", "name": "A", "itemType": "SERVICE"})
    save(sandbox, "sales-invoice", {"number": "I1", "customerNo": "C.00001", "transDate": "01/05/2024",
                                    "detailItem": [{"itemNo": "A1", "quantity": 1, "unitPrice": 100}]})
    receipt = {"customerNo": "C.00001", "transDate": "01/05/2024", "bankNo": "4101", "chequeAmount": 100,
               "detailInvoice": [{"invoiceNo": "I1", "paymentAmount": 100}]}
    assert save(sandbox, "sales-receipt", receipt)["d"] == ["Akun 4101 bukan akun Kas/Bank"]
    receipt.update(bankNo="1101", chequeAmount=90)
    assert "tidak sama" in save(sandbox, "sales-receipt", receipt)["d"][0]
    receipt["detailInvoice"][0]["invoiceNo"] = "I9"
    assert save(sandbox, "sales-receipt", receipt)["d"] == ["Faktur Penjualan tidak tepat"]


def test_unknown_paths_and_layers(sandbox):
    status, body = call(sandbox, "GET", "/accurate/api/spaceship/list.do")
    assert status == 404 and body == {"s": False, "d": ["URL API tidak tepat"]}
    status, body = call(sandbox, "GET", "/api/nothing.do")
    assert status == 404


def test_oauth_grants(sandbox):
    app = sandbox.app("accurate")
    basic = "Basic " + base64.b64encode(("%s:%s" % (CLIENT_ID, CLIENT_SECRET)).encode()).decode()
    resp = requests.post(sandbox.url + "/oauth/token", headers={"Authorization": basic}, timeout=5,
                         data={"grant_type": "authorization_code", "code": "sandbox-auth-code",
                               "redirect_uri": "http://localhost/cb"})
    token = resp.json()
    assert token["token_type"] == "bearer" and token["access_token"] == app.access_token
    resp = requests.post(sandbox.url + "/oauth/token", headers={"Authorization": basic}, timeout=5,
                         data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    assert resp.status_code == 200 and resp.json()["access_token"] != token["access_token"]
    resp = requests.post(sandbox.url + "/oauth/token", timeout=5,
                         headers={"Authorization": "Basic " + base64.b64encode(b"x:y").decode()},
                         data={"grant_type": "refresh_token", "refresh_token": app.refresh_token})
    assert resp.status_code == 401 and resp.json() == {"error": "invalid_client"}

    bearer = {"Authorization": "Bearer " + app.access_token}
    dbs = requests.get(sandbox.url + "/api/db-list.do", headers=bearer, timeout=5).json()
    assert dbs["d"][0]["id"] == 96400
    opened = requests.get(sandbox.url + "/api/open-db.do?id=96400", headers=bearer, timeout=5).json()
    assert opened["d"] == ["Proses Berhasil Dilakukan"] and opened["host"] == sandbox.url
    data = requests.get(sandbox.url + "/accurate/api/item/list.do", timeout=5,
                        headers=dict(bearer, **{"X-Session-ID": "stale"})).json()
    assert data == {"s": False, "d": ["Data Session Key tidak tepat"]}
    data = requests.get(sandbox.url + "/accurate/api/item/list.do", timeout=5,
                        headers=dict(bearer, **{"X-Session-ID": opened["session"]}))
    assert data.status_code == 200 and data.json()["s"] is True


def test_webhook_renew_and_rate_limit(sandbox):
    _s, body = call(sandbox, "GET", "/api/webhook-renew.do")
    assert body["s"] is True and len(body["d"]) == 10
    # the API reference lists GET only (accurate-api-docs 1)
    status, body = call(sandbox, "POST", "/api/webhook-renew.do")
    assert status == 405 and body["s"] is False
    sandbox.rate_limits = True
    answers = [call(sandbox, "GET", "/accurate/api/warehouse/list.do") for _ in range(10)]
    limited = [b for status, b in answers if status == 429]
    assert limited and limited[0]["s"] is False and "Terlalu banyak request" in limited[0]["d"][0]


def test_admin_purchase_and_dump(sandbox):
    save(sandbox, "item", {"no": "A1", "name": "A"})
    record = requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=5, json={
        "type": "invoice", "vendorNo": "V.00001", "transDate": "02/05/2024",
        "detailItem": [{"itemNo": "A1", "quantity": 3, "unitPrice": 1000}]}).json()
    assert record["number"].startswith("PI.") and record["vendor"]["vendorNo"] == "V.00001"
    bad = requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=5, json={
        "type": "return", "vendorNo": "NOBODY", "transDate": "02/05/2024", "detailItem": []}).json()
    assert bad == {"s": False, "d": ["Pemasok tidak tepat"]}
    state = requests.get(sandbox.url + "/_sandbox/state/accurate", timeout=5).json()
    assert state["stock"] == {"A1": {"Utama": "3"}}
    assert [p["number"] for p in state["purchase_invoice"]] == [record["number"]]
    assert {w["name"] for w in state["warehouse"]} == {"Utama", "Cabang"}
    assert {"1101", "1102", "4101", "4102", "5101", "6101", "7101", "1103"} <= {
        a["no"] for a in state["glaccount"]}


def test_webhook_parser_is_tolerant_and_clear():
    events = parse({"uuid": "u1", "type": "SALES_INVOICE", "databaseId": 5,
                    "data": [{"salesInvoiceId": 9, "salesInvoiceNo": "SI.1", "action": "DELETE"}]})
    assert [(e.type, e.remote_id, e.number, e.action) for e in events] == [
        ("SALES_INVOICE", "9", "SI.1", "DELETE")]
    assert parse(b'[{"type":"ITEM","data":[{"id":3}]}]')[0].remote_id == "3"
    for garbage, words in (("<html>", "not JSON"), ("", "empty"), ("42", "list of events"),
                           ('[{"data":[]}]', "no type"), ('[{"type":"ITEM","data":[{}]}]', "without an id")):
        with pytest.raises(ValueError, match=words):
            parse(garbage)
