"""Purchases of the Accurate imitation: purchase invoices, purchase
returns and receive items (entered "by a person" through the test hooks, or
through ``save.do``), and a person's edit or delete of one, which takes its
stock back out first. Mixed into :class:`.accurate_store.AccurateStore`."""


from .accurate_vocab import ZERO, Refused, lines_of, money


class AccuratePurchasesMixin:
    """Mixed into :class:`.accurate_store.AccurateStore`."""

    # --- purchases (entered "by a person", or through save.do) -------------------
    def _purchase(self, p, sign):
        record = self._header(p, party="vendor")
        rows, lines = lines_of(p, "detailItem"), []
        for row in rows:
            item = self.lookup("item", row.get("itemNo"))
            qty, price = money(row, "quantity"), money(row, "unitPrice", required=False)
            lines.append({"item": {"no": item["no"], "name": item["name"]},
                          "itemUnit": {"name": item["unit1Name"]}, "quantity": qty, "unitPrice": price,
                          "totalPrice": qty * price,
                          "warehouse": {"name": self._warehouse(row)}})
        record.update(detailItem=lines, totalAmount=sum((x["totalPrice"] for x in lines), ZERO),
                      billNumber=p.get("billNumber", ""), optLock=0)
        return record, [self._apply(self._moves(rows, sign))]

    #: purchase module -> stock direction (a return sends goods back to the vendor)
    PURCHASE_SIGNS = {"purchase-invoice": 1, "receive-item": 1, "purchase-return": -1}

    def _build_receive_item(self, p):
        return self._purchase(p, +1)

    def purchase_by_id(self, remote_id):
        """(module, record) of a purchase document, or (None, None)."""
        for module in self.PURCHASE_SIGNS:
            record = self.records[module].get(int(remote_id)) if str(remote_id).isdigit() else None
            if record:
                return module, record
        return None, None

    def _unapply(self, module, record):
        for line in record.get("detailItem") or []:
            item = self.by_number("item", line["item"]["no"])
            if item and item["itemType"] == "INVENTORY":
                self.stock[(line["item"]["no"], line["warehouse"]["name"])] -= (
                    line["quantity"] * self.PURCHASE_SIGNS[module])

    def edit_purchase(self, remote_id, payload):
        """A person edits a purchase document: validated like a new one, same
        id and number, ``optLock`` raised by one (Accurate's edit counter)."""
        module, record = self.purchase_by_id(remote_id)
        if record is None:
            raise Refused("not_found", "purchase-invoice")
        fields = ("transDate", "description", "branchName", "billNumber", "invoiceNumber")
        merged = {k: record.get(k) for k in fields if record.get(k) not in (None, "")}
        merged["vendorNo"] = record["vendor"]["vendorNo"]
        if record.get("invoice"):
            merged["invoiceNumber"] = record["invoice"]["number"]
        merged["detailItem"] = [{"itemNo": x["item"]["no"], "quantity": x["quantity"],
                                 "unitPrice": x["unitPrice"], "warehouseName": x["warehouse"]["name"]}
                                for x in record["detailItem"]]
        merged.update(payload or {})
        fresh, effects = getattr(self, "_build_" + module.replace("-", "_"))(merged)
        self._unapply(module, record)
        fresh.update(optLock=record.get("optLock", 0) + 1, lastUpdate=self.now_text())
        record.update(fresh)
        for apply in effects:
            apply(record)
        return module, record

    def delete_purchase(self, remote_id):
        module, record = self.purchase_by_id(remote_id)
        if record is None:
            raise Refused("not_found", "purchase-invoice")
        self._unapply(module, record)
        del self.records[module][record["id"]]
        return module, record

    def _build_purchase_invoice(self, p):
        return self._purchase(p, +1)

    def _build_purchase_return(self, p):
        record, effects = self._purchase(p, -1)
        if p.get("invoiceNumber"):
            invoice = self.lookup("purchase-invoice", p["invoiceNumber"])
            record["invoice"] = {"number": invoice["number"], "id": invoice["id"]}
        return record, effects
