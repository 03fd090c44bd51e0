"""Remote requests per stock document, against the sandbox (no Odoo needed).

Prints, per provider, the requests one validated transfer costs (its
transfer out and transfer in) and the requests a stock count of 1,000 lines
costs (one adjustment document: Accurate takes every line in one save.do;
Jurnal takes every line in one stock_adjustments POST, after resolving the
1,000 product names from the product list in pages of 1,000).

    PYTHONPATH=. python3 bench/bench_stock_requests.py [--lines 1000]
"""

import argparse
from datetime import date
from decimal import Decimal

from accounting_connectors.client import make_client
from accounting_connectors.documents import AdjustmentLine, Item, ItemAdjustment, ItemTransfer, TransferLine
from accounting_connectors.sandbox import SandboxServer

DAY = date(2026, 3, 10)
WAREHOUSES = {"accurate": ("Utama", "Cabang", ""), "jurnal": ("Gudang Utama", "Outlet B", "Transit")}


def measure(server, provider, n_lines):
    server.reset()
    app = server.app(provider)
    config = getattr(server, provider + "_config")(rate_limits=[(10 ** 6, 60.0)])
    client = make_client(config)
    src, dst, transit = WAREHOUSES[provider]
    if provider == "jurnal":
        for name in ("Outlet B", "Transit"):
            app.store.add("warehouses", {"name": name, "code": name[:3].upper(), "custom_id": None})
    skus = ["SKU-%04d" % i for i in range(n_lines)]
    client.post_many([Item(sku, name="Barang %s" % sku) for sku in skus])
    account = app.seeded["adjustment"]
    client.post(ItemAdjustment("SEED", date=DAY, account=account, lines=[
        AdjustmentLine(skus[0], Decimal(10), "in", unit_cost=Decimal(1000), warehouse=src)]))

    fresh = make_client(config)  # a worker run starts with empty caches
    server.request_count.clear()
    fresh.post(ItemTransfer("TO-1", direction="out", date=DAY, warehouse=src, other_warehouse=dst,
                            transit_warehouse=transit, lines=[TransferLine(skus[0], Decimal(2))]))
    fresh.post(ItemTransfer("TI-1", direction="in", date=DAY, warehouse=dst, other_warehouse=src,
                            transit_warehouse=transit, out_ref="TO-1", lines=[TransferLine(skus[0], Decimal(2))]))
    per_transfer = server.request_count[provider]

    fresh = make_client(config)
    server.request_count.clear()
    fresh.post(ItemAdjustment("COUNT-1", date=DAY, account=account, lines=[
        AdjustmentLine(sku, Decimal(3), "in", unit_cost=Decimal(1500), warehouse=src) for sku in skus]))
    per_count = server.request_count[provider]
    return per_transfer, per_count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--tiny", action="store_true", help="a count of 20 lines: CI checks it runs")
    args = parser.parse_args()
    if args.tiny:
        args.lines = 20
    with SandboxServer() as server:
        for provider in ("accurate", "jurnal"):
            transfer, count = measure(server, provider, args.lines)
            print("%-8s requests per validated transfer (out + in): %d; per count of %d lines: %d"
                  % (provider, transfer, args.lines, count))


if __name__ == "__main__":
    main()
