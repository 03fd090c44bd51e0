"""Jurnal transfers through a transit warehouse, stock adjustments and the
remote stock read-back, against the sandbox over real HTTP (the Accurate
side is in test_accurate_client.py)."""

from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.documents import AdjustmentLine, Item, ItemAdjustment, ItemTransfer, TransferLine
from accounting_connectors.errors import ValidationError

DAY = date(2025, 3, 14)


@pytest.fixture
def client(sandbox):
    client = make_client(sandbox.jurnal_config(rate_limits=[(10000, 60.0)], timeout=(2, 5)))
    store = sandbox.app("jurnal").store
    for name in ("Outlet B", "Transit"):
        store.add("warehouses", {"name": name, "code": name[:2].upper(), "custom_id": None})
    client.post(Item("SKU-1", name="Kopi", sale_price=D("15000"), cost_price=D("9000")))
    return client


def test_two_step_transfer_and_read_back(client, sandbox):
    """Out of Gudang Utama into Transit, received in Outlet B in two parts;
    stock_levels reads each warehouse back (transit included)."""
    client.post(ItemAdjustment("ADJ-0", date=DAY, account="5-50300", lines=[
        AdjustmentLine("SKU-1", D("5"), "in", unit_cost=D("9000"), warehouse="Gudang Utama")]))
    client.post(ItemTransfer("T-OUT", direction="out", date=DAY, warehouse="Gudang Utama",
                             other_warehouse="Outlet B", transit_warehouse="Transit",
                             lines=[TransferLine("SKU-1", D("4"))]))
    client.post(ItemTransfer("T-IN", direction="in", date=DAY, warehouse="Outlet B", other_warehouse="Gudang Utama",
                             transit_warehouse="Transit", out_ref="T-OUT", lines=[TransferLine("SKU-1", D("3"))]))
    levels = client.stock_levels(["Gudang Utama", "Transit", "Outlet B"])
    assert levels == {"Gudang Utama": {"SKU-1": D("1")}, "Transit": {"SKU-1": D("1")},
                      "Outlet B": {"SKU-1": D("3")}}
    [out, inn] = sandbox.app("jurnal").dump("item_transfer")
    assert (out["to_warehouse"]["name"], inn["from_warehouse"]["name"]) == ("Transit", "Transit")
    with pytest.raises(ValidationError, match="no warehouse named Gudang Hilang"):
        client.stock_levels(["Gudang Hilang"])


def _refusal(client, resource, body):
    """Jurnal's words for a raw request body the client would never build."""
    with pytest.raises(ValidationError) as err:
        client._call("POST", "/" + resource, body=body)
    return err.value.message


def test_sandbox_refuses_iso_dates_account_numbers_and_unknown_warehouses(client, sandbox):
    """What Jurnal's transfer/adjustment endpoints refuse: 1. an ISO date
    (they take dd/mm/yyyy), 2. an account number where a name is wanted,
    3. an unknown warehouse."""
    line = [{"product_name": "Kopi", "quantity": 1}]
    iso = _refusal(client, "warehouse_transfers", {"warehouse_transfer": {
        "from_warehouse_name": "Gudang Utama", "to_warehouse_name": "Transit",
        "transaction_date": "2025-03-14", "warehouse_transfer_lines_attributes": line}})
    assert "dd/mm/yyyy" in iso
    number = _refusal(client, "stock_adjustments", {"stock_adjustment": {
        "stock_adjustment_type": "General", "warehouse_name": "Gudang Utama", "account_name": "5-50300",
        "date": "14/03/2025", "maintain_actual": False,
        "lines_attributes": [{"product_name": "Kopi", "difference": 1}]}})
    assert "Account 5-50300 not found" in number
    unknown = _refusal(client, "warehouse_transfers", {"warehouse_transfer": {
        "from_warehouse_name": "Gudang Hilang", "to_warehouse_name": "Transit",
        "transaction_date": "14/03/2025", "warehouse_transfer_lines_attributes": line}})
    assert "Warehouse Gudang Hilang not found" in unknown
    assert sandbox.app("jurnal").dump("stock") == {}
