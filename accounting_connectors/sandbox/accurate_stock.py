"""Stock of the Accurate imitation: stock moves of item lines, item
transfers (out to the transit warehouse, in from it, never more than was
sent), item adjustments, no stock below zero for either, and
``item/list-stock.do``. Mixed into :class:`.accurate_store.AccurateStore`."""


from .accurate_vocab import ZERO, Refused, date_field, lines_of, money, text

DEFAULT_WAREHOUSE = "Utama"
TRANSIT_WAREHOUSE = "Transit (AOL System)"


class AccurateStockMixin:
    """Mixed into :class:`.accurate_store.AccurateStore` (uses its
    ``lookup``, ``records`` and ``stock``)."""

    # --- stock ---------------------------------------------------------------------
    def _warehouse(self, row, header=None):
        name = row.get("warehouseName") or header or DEFAULT_WAREHOUSE
        if name != TRANSIT_WAREHOUSE:
            self.lookup("warehouse", name)
        return name

    def _moves(self, rows, sign, header_wh=None):
        """Validated stock moves of item lines: [(itemNo, warehouse, signed qty)]."""
        moves = []
        for row in rows:
            item = self.lookup("item", row.get("itemNo"))
            qty = money(row, "quantity")
            if item["itemType"] == "INVENTORY":
                moves.append((item["no"], self._warehouse(row, header_wh), qty * sign))
        return moves

    def _apply(self, moves):
        def apply(_record):
            for no, wh, qty in moves:
                self.stock[(no, wh)] += qty
        return apply

    # --- inventory and cash ------------------------------------------------------------
    def _check_stock(self, moves):
        """Accurate keeps no stock below zero (unconfirmed for sales, which the
        sandbox leaves lenient): refuse a transfer or adjustment out of a
        warehouse that does not hold the quantity."""
        need = {}
        for no, wh, qty in moves:
            need[(no, wh)] = need.get((no, wh), ZERO) + qty
        for (no, wh), qty in need.items():
            have = self.stock.get((no, wh), ZERO)  # .get: a refusal must not add a row
            if qty < 0 and have + qty < 0:
                raise Refused("short", no, wh, have)

    def _build_item_transfer(self, p):
        kind = text(p, "itemTransferType")
        if kind not in ("TRANSFER_OUT", "TRANSFER_IN"):
            raise Refused("bad_field", "itemTransferType")
        wh = self._warehouse({"warehouseName": text(p, "warehouseName")})
        if wh == TRANSIT_WAREHOUSE:  # the system warehouse is never chosen, only implied
            raise Refused("not_found", "warehouse")
        rows = lines_of(p, "detailItem")
        record = {"transDate": date_field(p, "transDate"), "itemTransferType": kind, "warehouseName": wh,
                  "referenceWarehouseName": p.get("referenceWarehouseName", ""),
                  "detailItem": [{"itemNo": r.get("itemNo"), "quantity": money(r, "quantity")} for r in rows],
                  "description": p.get("description", "")}
        effects = []
        if kind == "TRANSFER_OUT":
            other = self._warehouse({"warehouseName": text(p, "referenceWarehouseName")})
            if other in (wh, TRANSIT_WAREHOUSE):
                raise Refused("bad_field", "referenceWarehouseName")
            moves = self._moves(rows, -1, wh) + self._moves(rows, +1, TRANSIT_WAREHOUSE)
            record.update(_received={}, itemTransferOutStatus="WAITING")
        else:
            # a receipt is always made from its send document ("Terima Barang"),
            # for at most what that document still has in transit
            source = self.lookup("item-transfer", text(p, "fromItemTransferNo"))
            if source["itemTransferType"] != "TRANSFER_OUT":
                raise Refused("not_found", "item-transfer")
            record["fromItemTransferNo"] = source["number"]
            moves = self._moves(rows, -1, TRANSIT_WAREHOUSE) + self._moves(rows, +1, wh)
            sent, got = {}, dict(source["_received"])
            for line in source["detailItem"]:
                sent[line["itemNo"]] = sent.get(line["itemNo"], ZERO) + line["quantity"]
            for line in record["detailItem"]:
                left = sent.get(line["itemNo"], ZERO) - got.get(line["itemNo"], ZERO)
                if line["quantity"] > left:
                    raise Refused("not_sent", line["itemNo"], source["number"], left)
                got[line["itemNo"]] = got.get(line["itemNo"], ZERO) + line["quantity"]

            def receive(_record):
                source["_received"] = got
                source["itemTransferOutStatus"] = "RECEIVED" if all(
                    got.get(no, ZERO) >= qty for no, qty in sent.items()) else "PARTIAL"
            effects.append(receive)
        self._check_stock(moves)
        return record, [self._apply(moves)] + effects

    def _build_item_adjustment(self, p):
        account = p.get("adjustmentAccountNo") or "5101"  # the database preference's default
        self.lookup("glaccount", account)
        lines, moves = [], []
        for row in lines_of(p, "detailItem"):
            kind = row.get("itemAdjustmentType") or "ADJUSTMENT_IN"
            if kind not in ("ADJUSTMENT_IN", "ADJUSTMENT_OUT"):
                raise Refused("bad_field", "itemAdjustmentType")
            sign = 1 if kind == "ADJUSTMENT_IN" else -1
            moves += self._moves([row], sign)
            lines.append({"itemNo": row.get("itemNo"), "itemAdjustmentType": kind,
                          "quantity": money(row, "quantity"),
                          "unitCost": money(row, "unitCost", required=False),
                          "warehouseName": self._warehouse(row)})
        self._check_stock(moves)
        return {"transDate": date_field(p, "transDate"), "adjustmentAccountNo": account, "detailItem": lines,
                "description": p.get("description", "")}, [self._apply(moves)]

    def stock_list(self, args):
        """``item/list-stock.do`` rows of one warehouse (all warehouses when
        none is named): ``{id, no, name, quantity}``."""
        name = args.get("warehouseName")
        if name and name != TRANSIT_WAREHOUSE:
            self.lookup("warehouse", name)
        rows = []
        for item in self.records["item"].values():
            if item["itemType"] != "INVENTORY":
                continue
            qty = sum((q for (no, wh), q in self.stock.items()
                       if no == item["no"] and (not name or wh == name)), ZERO)
            rows.append({"id": item["id"], "no": item["no"], "name": item["name"], "quantity": qty})
        return rows
