"""A 2xx answer that holds no document is never a success: for every kind
of document both clients post, an empty body, an object without the
document, ``{"s": true}`` without ``r``... is an AmbiguousError, the
sandbox saved nothing, and the look-up by reference finds nothing (so the
engine sends it again, once)."""

from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.delivery import deliver
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
from accounting_connectors.errors import AmbiguousError

DAY = date(2026, 11, 20)
BODIES = {
    "accurate": ["", '{"s": true}', '{"s": true, "r": {}}', '{"s": true, "d": ["Berhasil disimpan"]}',
                 '{"s": true, "r": {"number": "X", "id": null}}', '{"d": "ok"}'],
    "jurnal": ["", "{}", '{"%(key)s": {}}', '{"%(key)s": {"id": null, "custom_id": "%(ref)s"}}',
               '{"%(key)s": "ok"}', '{"message": "created"}'],
}
KEYS = {"customer": "customer", "item": "product", "sales_invoice": "sales_invoice",
        "sales_receipt": "receive_payment", "sales_return": "sales_return", "item_transfer": "warehouse_transfer",
        "item_adjustment": "stock_adjustment", "bank_transfer": "bank_transfer", "fee": "journal_entry"}


def documents(seeded, other_warehouse):
    wh = seeded["warehouse"]
    return {
        "customer": Customer("C-NEW", name="Toko Baru"),
        "item": Item("SKU-NEW", name="Teh Manis", sale_price=D("8000")),
        "sales_invoice": SalesInvoice("INV-NEW", customer_ref="C-E", date=DAY,
                                      lines=[InvoiceLine("SKU-E", D("1"), D("15000"), warehouse=wh)]),
        "sales_receipt": SalesReceipt("PAY-NEW", customer_ref="C-E", date=DAY, account=seeded["cash"],
                                      lines=[ReceiptLine("INV-E", D("15000"))]),
        "sales_return": SalesReturn("RET-NEW", customer_ref="C-E", date=DAY, invoice_ref="INV-E",
                                    lines=[InvoiceLine("SKU-E", D("1"), D("15000"), warehouse=wh)]),
        "item_transfer": ItemTransfer("TR-NEW", date=DAY, warehouse=wh, other_warehouse=other_warehouse,
                                      lines=[TransferLine("SKU-E", D("1"))]),
        "item_adjustment": ItemAdjustment("ADJ-NEW", date=DAY, account=seeded["adjustment"], lines=[
            AdjustmentLine("SKU-E", D("2"), "in", unit_cost=D("9000"), warehouse=wh)]),
        "bank_transfer": BankTransfer("BT-NEW", date=DAY, from_account=seeded["cash"], to_account=seeded["bank"],
                                      amount=D("25000")),
        "fee": BankTransfer("BTF-NEW", date=DAY, from_account=seeded["cash"], to_account=seeded["bank"],
                            amount=D("25000"), fee=D("70"), fee_account=seeded["fee"]),
    }


@pytest.fixture
def shop(sandbox, request):
    provider = request.param
    app = sandbox.app(provider)
    client = make_client(getattr(sandbox, "%s_config" % provider)(rate_limits=[(10 ** 6, 1.0)]))
    other = "Cabang"
    if provider == "jurnal":
        other = "Outlet B"
        app.store.add("warehouses", {"name": other, "code": "OB"})
    deliver(client, Customer("C-E", name="Toko Empty"))
    deliver(client, Item("SKU-E", name="Kopi Empty", sale_price=D("15000"), cost_price=D("9000")))
    deliver(client, ItemAdjustment("ADJ-E", date=DAY, account=app.seeded["adjustment"], lines=[
        AdjustmentLine("SKU-E", D("20"), "in", unit_cost=D("9000"), warehouse=app.seeded["warehouse"])]))
    deliver(client, SalesInvoice("INV-E", customer_ref="C-E", date=DAY, lines=[
        InvoiceLine("SKU-E", D("3"), D("15000"), warehouse=app.seeded["warehouse"])]))
    return provider, client, documents(app.seeded, other)


def _saved(sandbox, provider, doc):
    """Every remote copy of ``doc`` (by reference; a Jurnal return by its memo tag)."""
    state = sandbox.app(provider).dump()
    out = []
    for rows in state.values():
        for row in rows if isinstance(rows, list) else []:
            if provider == "accurate":
                keys = ("number", "customerNo", "no")
                out += [row for k in keys if row.get(k) == doc.reference]
            elif row.get("custom_id") == doc.reference or "[%s]" % doc.reference in str(row.get("memo")):
                out.append(row)
    return out


@pytest.mark.parametrize("shop", ["accurate", "jurnal"], indirect=True)
@pytest.mark.parametrize("kind", sorted(KEYS))
def test_a_2xx_without_the_document_is_ambiguous(sandbox, shop, kind):
    provider, client, docs = shop
    doc = docs[kind]
    where = "/save.do" if provider == "accurate" else ""
    for body in BODIES[provider]:
        body = body % {"key": KEYS[kind], "ref": doc.reference}
        sandbox.add_fault("empty", provider=provider, method="POST", path_contains=where, body=body)
        with pytest.raises(AmbiguousError) as err:
            client.post(doc)
        assert "may or may not have been saved" in err.value.message
        assert sandbox.faults.pending() == [], "the fault did not hit the create"
        assert _saved(sandbox, provider, doc) == []
        assert client.find(doc.kind, doc.reference) is None
    # the same document, answered normally: saved once, found by its reference
    result = client.post(doc)
    assert result.remote_id.isdigit() and len(_saved(sandbox, provider, doc)) == 1
    assert client.find(doc.kind, doc.reference).remote_id == result.remote_id
