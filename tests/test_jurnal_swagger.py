"""Every request body the Jurnal client builds validates against the body
schema of the official Swagger file (``shared/contracts/jurnal-swagger.json``)."""

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
from accounting_connectors.sandbox.server import SandboxServer

jsonschema = pytest.importorskip("jsonschema")

from jurnal_swagger import (  # noqa: E402
    body_schema,
    documented_fields,
    documented_table,
    load_swagger,
    sent_bodies,
)

from accounting_connectors.sandbox.jurnal_fields import DOCUMENTED  # noqa: E402

#: each create's own reference in the test below (not the ones it refers to, like an invoice's number)
OWN_REFERENCE = {"products/batch_create": "SKU-1", "customers/batch_create": "C-1", "products": "SKU-3",
                 "customers": "C-2", "sales_invoices": "INV-1", "receive_payments": "PAY-1",
                 "sales_returns": "RET-1", "warehouse_transfers": "TR-1", "stock_adjustments": "ADJ-1",
                 "bank_transfers": "BT-1", "journal_entries": "BT-2"}

DAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def swagger():
    return load_swagger()


def test_every_request_body_matches_the_swagger(swagger):
    with SandboxServer() as sandbox:
        client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
        bodies = sent_bodies(client)
        client.post_many([Item("SKU-1", name="Kopi", sale_price=D("15000")), Item("SKU-2", name="Teh"),
                          Customer("C-1", name="Budi", street="Jl. Merdeka 1", city="Bandung")])
        item = client.post(Item("SKU-3", name="Gula", item_type="service"))
        client.post(Item("SKU-3", name="Gula Aren", remote_id=item.remote_id))
        cust = client.post(Customer("C-2", name="Sari", email="sari@example.com"))
        client.post(Customer("C-2", name="Sari W.", remote_id=cust.remote_id))
        client.post(SalesInvoice("INV-1", customer_ref="C-1", date=DAY, lines=[
            InvoiceLine("SKU-1", D("2"), D("15000"), discount_amount=D("3000"), tax_rate=D("11")),
            InvoiceLine("SKU-2", D("1"), D("8000"))], rounding_amount=D("-100"), rounding_account="7-70099"))
        client.post(SalesReceipt("PAY-1", date=DAY, account="1-10001",
                                 lines=[ReceiptLine("INV-1", D("10000"))]))
        client.post(SalesReturn("RET-1", date=DAY, invoice_ref="INV-1",
                                lines=[InvoiceLine("SKU-2", D("1"), D("8000"))]))
        sandbox.app("jurnal").store.add("warehouses", {"name": "Outlet B", "code": "OB"})
        client.post(ItemTransfer("TR-1", date=DAY, warehouse="Gudang Utama", other_warehouse="Outlet B",
                                 lines=[TransferLine("SKU-1", D("1"))]))
        client.post(ItemAdjustment("ADJ-1", date=DAY, account="Inventory Adjustments", lines=[
            AdjustmentLine("SKU-1", D("5"), "in", unit_cost=D("9000"), warehouse="Gudang Utama")]))
        client.post(BankTransfer("BT-1", date=DAY, from_account="1-10001", to_account="1-10002",
                                 amount=D("25000")))
        client.post(BankTransfer("BT-2", date=DAY, from_account="1-10002", to_account="1-10001",
                                 amount=D("10000"), fee=D("70"), fee_account="6-60217"))

    seen = set()
    for method, path, body in bodies:
        schema, template = body_schema(swagger, method, path)
        assert schema is not None, "no body schema in the swagger for %s %s" % (method, path)
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(body), key=str)
        assert not errors, "%s %s: %s" % (method, path, "; ".join(e.message for e in errors[:5]))
        if method == "POST":  # our reference travels in a field the contract documents for it
            documented = documented_fields(swagger, method, path)
            ref = OWN_REFERENCE[path.split("/api/v1/", 1)[1]]
            carriers = {key for key, value in _leaves(body) if isinstance(value, str) and ref in value}
            assert carriers & documented, "%s: the reference is only in %s" % (path, sorted(carriers))
        seen.add((method, template.rsplit("/api/v1/", 1)[1]))
    assert seen == {
        ("POST", "products/batch_create"), ("POST", "customers/batch_create"), ("POST", "products"),
        ("PATCH", "products/{id}"), ("POST", "customers"), ("PATCH", "customers/{id}"),
        ("POST", "sales_invoices"), ("POST", "receive_payments"), ("POST", "sales_returns"),
        ("POST", "warehouse_transfers"), ("POST", "stock_adjustments"), ("POST", "bank_transfers"),
        ("POST", "journal_entries")}


def _leaves(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, key)
    else:
        yield key, value


def test_the_sandbox_keeps_exactly_the_documented_fields(swagger):
    """The sandbox's table (accounting_connectors/sandbox/jurnal_fields.py)
    is the Swagger's; regenerate it with ``python3 tests/jurnal_swagger.py``."""
    assert DOCUMENTED == documented_table(swagger)
    assert "custom_id" not in DOCUMENTED[("POST", "sales_returns")]
    assert "memo" in DOCUMENTED[("POST", "sales_returns")]


def test_the_sandbox_drops_undocumented_fields():
    with SandboxServer() as sandbox:
        client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)]))
        body = {"product": {"name": "Kopi", "product_code": "K-1", "unit_name": "PCS", "custom_id": "K-1",
                            "colour": "brown"}}
        data, _res = client._call("POST", "/products", body=body)
        assert data["product"]["custom_id"] == "K-1" and "colour" not in data["product"]
        stored = sandbox.app("jurnal").dump("item")[0]
        assert "colour" not in stored
