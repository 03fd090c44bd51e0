"""POS refunds on Jurnal: a return of products not on the shift's invoice
(or with no invoice) is booked as a credit memo plus a stock adjustment in;
a return that fits its invoice stays a sales return."""

from datetime import date
from decimal import Decimal as D

import pytest
from jurnal_swagger import body_schema, load_swagger, sent_bodies

from accounting_connectors.client import make_client
from accounting_connectors.delivery import deliver
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice, SalesReturn
from accounting_connectors.errors import AmbiguousError, DuplicateError
from accounting_connectors.jurnal import returns

PPN = "PPN"  # the sandbox company's 11% tax

DAY = date(2025, 3, 14)
WH = "Gudang Utama"


@pytest.fixture
def client(sandbox):
    return make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))


@pytest.fixture
def shop(client):
    """Two products, a customer and this shift's invoice (3 x SKU-1)."""
    for sku in ("SKU-1", "SKU-2"):
        client.post(Item(sku, name="Kopi %s" % sku, sale_price=D("15000"), cost_price=D("9000")))
    client.post(Item("SVC", name="Jasa Giling", item_type="service", sale_price=D("5000")))
    client.post(Customer("C-1", name="Budi Santoso"))
    client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[
        InvoiceLine("SKU-1", D("3"), D("15000"), warehouse=WH)]))
    return client


def refund(ref="RET-1", invoice_ref="INV-1", sku="SKU-2", qty="2", **kw):
    return SalesReturn(ref, customer_ref="C-1", date=DAY, invoice_ref=invoice_ref, lines=[
        InvoiceLine(sku, D(qty), D("15000"), tax_rate=D("11"), tax_code=PPN, warehouse=WH)], **kw)


def memos(sandbox, ref=None):
    rows = sandbox.app("jurnal").dump("credit_memo")
    return [r for r in rows if ref is None or r["custom_id"] == ref]


def adjustments(sandbox, ref):
    return [r for r in sandbox.app("jurnal").dump("item_adjustment")
            if r["custom_id"] == ref + returns.STOCK_SUFFIX]


def test_product_not_on_the_invoice_posts_as_a_credit_memo_and_restocks(shop, sandbox):
    result = shop.post(refund())
    assert result.data["transaction_type"]["name"] == "Credit Memo"
    assert result.data["custom_id"] == "RET-1" and result.number == "RET-1"
    memo = memos(sandbox, "RET-1")[0]
    assert memo["original_amount"] == "33300.0"  # 2 x 15000 + 11 % PPN
    assert memo["person"]["display_name"] == "Budi Santoso"
    lines = memo["transaction_account_lines_attributes"]
    assert [(x["account"]["name"], x["credit"]) for x in lines] == [("Retur Penjualan", 30000),
                                                                    ("PPN Keluaran", 3300)]
    assert "SKU-2" in lines[0]["description"]
    state = sandbox.app("jurnal").dump()
    assert state["stock"]["SKU-2"] == {WH: "2.0"}
    assert state["stock"]["SKU-1"] == {WH: "-3.0"}  # the invoice's sale, untouched
    assert state["sales_return"] == []
    (adj,) = adjustments(sandbox, "RET-1")
    assert adj["transaction_no"] == "RET-1/STOCK" and adj["maintain_actual"] is False
    assert state["sales_invoice"][0]["remaining"] == "45000.0"  # the invoice is not reduced


def test_return_without_invoice_posts_the_same_way(shop, sandbox):
    doc = refund("RET-2", invoice_ref="", sku="SKU-1", qty="1")
    doc.tax_included = True
    doc.lines.append(InvoiceLine("SVC", D("1"), D("5550"), tax_rate=D("11"), tax_code=PPN, discount_amount=D("0")))
    shop.post(doc)
    memo = memos(sandbox, "RET-2")[0]
    assert memo["original_amount"] == "20550.0"  # tax included: the refund is the price paid
    assert [x["credit"] for x in memo["transaction_account_lines_attributes"]] == [
        "13513.51", 5000, "2036.49"]
    assert "without invoice" in memo["memo"]
    (adj,) = adjustments(sandbox, "RET-2")  # the service line moves no stock
    assert [line["product"]["code"] for line in adj["stock_adjustment_lines_attributes"]] == ["SKU-1"]
    assert sandbox.app("jurnal").dump("stock")["SKU-1"] == {WH: "-2.0"}


def untaxed(doc):
    """The return of a line the invoice sold untaxed (INV-1): at its price."""
    for line in doc.lines:
        line.tax_rate, line.tax_code = D("0"), ""
    return doc


def test_return_of_products_on_the_invoice_stays_a_sales_return(shop, sandbox):
    result = shop.post(untaxed(refund(sku="SKU-1", qty="1")))
    # the Swagger documents no custom_id on a sales return: the sandbox drops it, the memo carries it
    assert result.data["invoice_no"] == "INV-1" and result.data["custom_id"] is None
    assert result.data["memo"].endswith("[RET-1]")
    state = sandbox.app("jurnal").dump()
    assert len(state["sales_return"]) == 1 and state["credit_memo"] == []
    assert state["item_adjustment"] == [] and state["stock"]["SKU-1"] == {WH: "-2.0"}
    assert shop.find("sales_return", "RET-1").remote_id == result.remote_id
    # more than the invoice sold: the surplus came from an earlier shift
    shop.post(refund("RET-3", sku="SKU-1", qty="4"))
    assert len(memos(sandbox, "RET-3")) == 1 and len(sandbox.app("jurnal").dump("sales_return")) == 1


def test_repeat_is_a_duplicate_and_is_found_again(shop, sandbox):
    first = shop.post(refund())
    with pytest.raises(DuplicateError):
        shop.post(refund())
    found = shop.find("sales_return", "RET-1")
    assert found is not None and found.remote_id == first.remote_id
    assert found.data["transaction_type"]["name"] == "Credit Memo"
    assert len(memos(sandbox)) == 1 and len(adjustments(sandbox, "RET-1")) == 1
    assert sandbox.app("jurnal").dump("stock")["SKU-2"] == {WH: "2.0"}
    assert shop.find("sales_return", "RET-404") is None


def test_credit_memo_route_answers_as_the_swagger_says(shop, sandbox):
    shop.post(refund())
    memo = memos(sandbox, "RET-1")[0]
    data, res = shop._call("GET", "/credit_memos/%s" % memo["id"])
    assert res.status == 200 and data["credit_memo"]["custom_id"] == "RET-1"
    data, _res = shop._call("GET", "/credit_memos", {"page": 1, "page_size": 5})
    assert data["total_count"] == 1 and data["credit_memos"][0]["id"] == memo["id"]
    body = returns.credit_memo_body(shop, refund())
    result = shop.transport.request("POST", shop.base + "/credit_memos", json_body=body,
                                    headers={"Content-Type": "application/json"}, sign=shop._signer())
    answer = result.json()
    assert result.status == 409 and answer["id"] == memo["id"]
    assert answer["error_full_messages"] == ["Custom (Custom id attribute had already been used.)"]
    for bad, words in (({"person_name": "Nobody"}, "Person customer Nobody not found"),
                       ({"transaction_account_lines_attributes": []}, "can't be blank"),
                       ({"transaction_account_lines_attributes": [{"account_name": "Nope", "credit": 5}]},
                        "Account Nope not found")):
        payload = {"credit_memo": dict(body["credit_memo"], custom_id="X-%s" % len(words),
                                   transaction_no="X-%s" % len(words), **bad)}
        result = shop.transport.request("POST", shop.base + "/credit_memos", json_body=payload,
                                        headers={"Content-Type": "application/json"}, sign=shop._signer())
        assert result.status == 422 and words in " ".join(result.json()["error_full_messages"])
    assert len(memos(sandbox)) == 1


def test_bodies_match_the_swagger(sandbox):
    jsonschema = pytest.importorskip("jsonschema")
    swagger = load_swagger()
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
    bodies = sent_bodies(client)
    client.post(Item("SKU-2", name="Teh", sale_price=D("15000")))
    client.post(Customer("C-1", name="Budi"))
    client.post(refund(invoice_ref=""))
    seen = set()
    for method, url_path, body in bodies[2:]:
        schema, template = body_schema(swagger, method, url_path)
        assert schema is not None, url_path
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(body))
        assert not errors, "%s: %s" % (url_path, "; ".join(e.message for e in errors))
        seen.add(template.rsplit("/", 1)[1])
    assert seen == {"credit_memos", "stock_adjustments"}


def test_lost_answer_ends_with_one_memo_and_one_adjustment(shop, sandbox):
    sandbox.add_fault("commit_drop", provider="jurnal", method="POST")  # the first POST: the adjustment
    result = deliver(shop, refund("RET-0"), backoff=0)
    assert result.data["custom_id"] == "RET-0"
    sandbox.add_fault("commit_drop", provider="jurnal", method="POST", path_contains="credit_memos")
    result = deliver(shop, refund("RET-1"), backoff=0)
    assert result.data["custom_id"] == "RET-1" and sandbox.faults.pending() == []
    sandbox.add_fault("commit_drop", provider="jurnal", method="POST", count=2)  # both answers lost
    deliver(shop, refund("RET-9"), backoff=0)
    for ref in ("RET-0", "RET-1", "RET-9"):
        assert len(memos(sandbox, ref)) == 1 and len(adjustments(sandbox, ref)) == 1
    assert sandbox.app("jurnal").dump("stock")["SKU-2"] == {WH: "6.0"}


@pytest.mark.parametrize("parent", ["INV-1", None])
def test_a_return_whose_answer_was_lost_is_found_by_its_memo(shop, sandbox, parent):
    """Found through its invoice's returns (or the returns list), never
    posted twice, even where the sandbox accepts a repeat."""
    sandbox.accept_duplicates = True
    shop.post(untaxed(refund("RET-0", sku="SKU-1", qty="1")))  # another return of the same invoice
    sandbox.add_fault("commit_drop", provider="jurnal", method="POST", path_contains="sales_returns")
    with pytest.raises(AmbiguousError):
        shop.post(untaxed(refund("RET-5", sku="SKU-1", qty="1")))
    found = shop.find("sales_return", "RET-5", parent=parent)
    saved = [r for r in sandbox.app("jurnal").dump("sales_return") if "[RET-5]" in (r["memo"] or "")]
    assert len(saved) == 1 and found.remote_id == str(saved[0]["id"])
    assert shop.find("sales_return", "RET-6", parent=parent) is None
    # the whole round: lost answer, look-up through the invoice (deliver passes it), no second post
    sandbox.add_fault("commit_drop", provider="jurnal", method="POST", path_contains="sales_returns")
    result = deliver(shop, untaxed(refund("RET-7", sku="SKU-1", qty="1")), backoff=0)
    saved = [r for r in sandbox.app("jurnal").dump("sales_return") if "[RET-7]" in r["memo"]]
    assert len(saved) == 1 and result.remote_id == str(saved[0]["id"])


def test_the_memo_reference_is_not_a_prefix_match(shop, sandbox):
    shop.post(untaxed(refund("RET-10", sku="SKU-1", qty="1")))
    assert shop.find("sales_return", "RET-1", parent="INV-1") is None
    assert shop.find("sales_return", "RET-1") is None
