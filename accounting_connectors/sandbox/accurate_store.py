"""State and validation of the Accurate imitation (routes: ``accurate.py``).

Records are kept in the shape ``detail.do`` returns (a subset of Accurate's
~300 fields). Business refusals raise :class:`Refused`, which the routes turn
into Accurate's ``200 {"s":false,"d":[...]}`` in the caller's language.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from ..accurate.auth import TIMESTAMP_FORMAT, WIB
from .accurate_money import AccurateMoneyMixin
from .accurate_vocab import (
    DETAIL_KEYS,
    MASTERS,
    MODULES,
    ZERO,
    Refused,
    date_field,
    lines_of,
    money,
    text,
)

#: the database's PPN records (description, rate); the first is what a line
#: with ``useTax1`` and no ``tax1Name`` gets (the database's default PPN)
SEED_TAXES = (("PPN 11%", Decimal("11")), ("PPN 12%", Decimal("12")),
              # the rate of Odoo's generic demo chart, so the demo's first sale posts
              ("VAT 15% (demo)", Decimal("15")))
DEFAULT_WAREHOUSE = "Utama"
TRANSIT_WAREHOUSE = "Transit (AOL System)"


class AccurateStore(AccurateMoneyMixin):
    def __init__(self, clock, accept_duplicates=lambda: False):
        self.clock = clock
        self.accept_duplicates = accept_duplicates  # the server's mode, read at each save
        self.reset()

    # --- state -------------------------------------------------------------
    def reset(self):
        self.records = {module: {} for module in MODULES}
        self.stock = defaultdict(lambda: ZERO)  # (itemNo, warehouse) -> quantity
        self._next_id = 100
        self._seq = defaultdict(int)
        self.insert("warehouse", {"name": DEFAULT_WAREHOUSE, "defaultWarehouse": True})
        self.insert("warehouse", {"name": "Cabang", "defaultWarehouse": False})
        for no, name, kind in (
            ("1101", "Kas", "CASH_BANK"), ("1102", "Bank BCA", "CASH_BANK"),
            ("1103", "Piutang Usaha", "ACCOUNT_RECEIVABLE"), ("1301", "Persediaan", "INVENTORY"),
            ("4101", "Penjualan", "REVENUE"), ("4102", "Potongan Penjualan", "REVENUE"),
            ("5101", "Penyesuaian Persediaan", "COGS"), ("6101", "Biaya MDR", "EXPENSE"),
            ("7101", "Pendapatan Lain-lain (Pembulatan)", "OTHER_INCOME"),
            ("7102", "Selisih Kas", "OTHER_EXPENSE"),
        ):
            self.insert("glaccount", {"no": no, "name": name, "accountType": kind})
        self.insert("glaccount", {"no": "2105", "name": "PPN Keluaran", "accountType": "OTHER_CURRENT_LIABILITY"})
        for description, rate in SEED_TAXES:
            self.insert("tax", {"description": description, "rate": rate, "taxType": "PPN",
                                "salesTaxGlAccountNo": "2105", "purchaseTaxGlAccountNo": "2105"})
        self.insert("customer", {"customerNo": "C.00001", "name": "Pelanggan Umum"})
        self.insert("vendor", {"vendorNo": "V.00001", "name": "PT Pemasok Sandbox"})

    def now_text(self):
        return datetime.fromtimestamp(self.clock(), WIB).strftime(TIMESTAMP_FORMAT)

    def insert(self, module, record):
        self._next_id += 1
        record = dict(record, id=self._next_id, lastUpdate=self.now_text())
        key = MODULES[module][2]
        if not record.get(key):
            # auto-numbering skips numbers already taken (the seeded walk-in customer is C.00001)
            number = None
            while number is None or self.by_number(module, number):
                self._seq[module] += 1
                number = "%s.%05d" % (MODULES[module][3], self._seq[module])
            record[key] = number
        record.setdefault("suspended", False)
        self.records[module][record["id"]] = record
        return record

    def by_number(self, module, number):
        key = MODULES[module][2]
        return next((r for r in self.records[module].values() if r.get(key) == number), None)

    def lookup(self, module, number, field=None):
        """The record of an existing master/document, else the "tidak tepat" refusal."""
        record = self.by_number(module, number) if number not in (None, "") else None
        if record is None:
            raise Refused("not_found", module) if field is None else Refused("required", field)
        return record

    def find(self, module, args):
        """``detail.do``: by id or the module's alternative key."""
        if args.get("id"):
            try:
                return self.records[module].get(int(args["id"]))
            except ValueError:
                return None
        alt = DETAIL_KEYS.get(module, "number")
        number = args.get(alt) or args.get("number")
        return self.by_number(module, number) if number else None

    # --- views ---------------------------------------------------------------
    def view(self, module, record):
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        if module == "item":
            per_wh = {wh: q for (no, wh), q in self.stock.items() if no == record["no"]}
            out["balance"] = sum(per_wh.values(), ZERO)
            out["detailWarehouseData"] = [{"warehouseName": wh, "name": wh, "balance": q}
                                          for wh, q in sorted(per_wh.items())]
        if module == "sales-invoice":
            owing = max(record["totalAmount"] - record["_paid"] - self._returned(record), ZERO)
            out["outstanding"] = out["primeOwing"] = owing
            out["statusOutstanding"] = "FULLY_PAID" if owing <= 0 else (
                "PARTIALLY_PAID" if record["_paid"] > 0 else "OUTSTANDING")
        return out

    def _returned(self, invoice):
        """What returns against ``invoice`` took off it."""
        return sum((r["totalAmount"] for r in self.records["sales-return"].values()
                    if (r.get("invoice") or {}).get("id") == invoice["id"]), ZERO)

    def owing(self, invoice):
        return max(invoice["totalAmount"] - invoice["_paid"] - self._returned(invoice), ZERO)

    # --- saving ------------------------------------------------------------------
    def save(self, module, payload):
        """Validate and store one ``save.do`` body; returns the stored record."""
        if not isinstance(payload, dict):
            raise Refused("bad_field", "data")
        if payload.get("id") not in (None, ""):
            return self._update(module, payload)
        number_key = MODULES[module][2]
        number = payload.get(number_key) or (payload.get("number") if module in MASTERS else None)
        if number and self.by_number(module, str(number)) and not self.accept_duplicates():
            raise Refused("duplicate", module, str(number))
        builder = getattr(self, "_build_" + module.replace("-", "_"))
        record, effects = builder(payload)
        if number:
            record[number_key] = str(number)
        record = self.insert(module, record)
        for apply in effects:  # only once everything validated: all or nothing
            apply(record)
        return record

    def _update(self, module, payload):
        if module not in MASTERS:
            raise Refused("no_edit")
        try:
            record = self.records[module].get(int(payload["id"]))
        except (TypeError, ValueError):
            record = None
        if record is None:
            raise Refused("not_found", module)
        number_key = MODULES[module][2]
        new_number = payload.get(number_key)
        if new_number and new_number != record[number_key] and self.by_number(module, new_number):
            raise Refused("duplicate", module, new_number)
        # rebuilt from the stored record overlaid with the new fields: validated like a create
        changes, _effects = getattr(self, "_build_" + module)(dict(record, **payload))
        record.update(changes)
        record["lastUpdate"] = self.now_text()
        return record

    def _build_customer(self, p):
        fields = ("email", "mobilePhone", "billStreet", "billCity", "billZipCode", "billCountry", "npwpNo")
        record = {"name": text(p, "name"), "customerNo": p.get("customerNo") or p.get("number") or ""}
        record.update({f: str(p[f]) for f in fields if p.get(f)})
        return record, []

    def _build_vendor(self, p):
        return {"name": text(p, "name"), "vendorNo": p.get("vendorNo") or ""}, []

    def _build_item(self, p):
        item_type = p.get("itemType") or "INVENTORY"
        if item_type not in ("INVENTORY", "SERVICE", "NON_INVENTORY", "GROUP"):
            raise Refused("bad_field", "itemType")
        unit = p.get("unit1Name") or "PCS"
        record = {"no": p.get("no") or "", "name": text(p, "name"), "itemType": item_type,
                  "unit1Name": unit, "unit1": {"name": unit},
                  "unitPrice": money(p, "unitPrice", required=False)}
        record.update({f: p[f] for f in ("upcNo", "vendorPrice") if p.get(f) not in (None, "")})
        if p.get("salesGlAccountNo"):
            record["salesGlAccountNo"] = self.lookup("glaccount", str(p["salesGlAccountNo"]))["no"]
        return record, []

    def _build_tax(self, p):
        tax_type = p.get("taxType") or "PPN"
        if tax_type not in ("PPN", "PPNBM", "PPH23", "PPHPS4", "PPH21", "PPH15", "PPH22"):
            raise Refused("bad_field", "taxType")
        self.lookup("glaccount", text(p, "salesTaxGlAccountNo"))
        self.lookup("glaccount", text(p, "purchaseTaxGlAccountNo"))
        return {"description": text(p, "description"), "rate": money(p, "rate"), "taxType": tax_type,
                "salesTaxGlAccountNo": p["salesTaxGlAccountNo"],
                "purchaseTaxGlAccountNo": p["purchaseTaxGlAccountNo"]}, []

    def _line_tax(self, row):
        """The PPN record of a line: its ``tax1Name``, else the database's
        default PPN; an unknown name is refused ("Pajak tidak tepat")."""
        if not row.get("useTax1"):
            return None
        name = row.get("tax1Name")
        if name:
            tax = self.lookup("tax", str(name))
        else:
            tax = next(t for t in self.records["tax"].values() if t["taxType"] == "PPN")
        if tax["taxType"] != "PPN":
            raise Refused("bad_field", "tax1Name")
        return {"description": tax["description"], "rate": tax["rate"]}

    def _build_warehouse(self, p):
        return {"name": text(p, "name"), "description": p.get("description", "")}, []

    def _build_glaccount(self, p):
        return {"no": text(p, "no"), "name": text(p, "name"), "accountType": text(p, "accountType")}, []

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

    # --- sales -----------------------------------------------------------------------
    def _priced_lines(self, p):
        rows, out = lines_of(p, "detailItem"), []
        for row in rows:
            item = self.lookup("item", row.get("itemNo"))
            qty, price = money(row, "quantity", required=False, default=Decimal(1)), money(row, "unitPrice")
            disc = money(row, "itemCashDiscount", required=False)
            out.append({"item": {"no": item["no"], "name": item["name"]}, "itemNo": item["no"],
                        "quantity": qty, "unitPrice": price, "itemCashDiscount": disc,
                        "useTax1": bool(row.get("useTax1")), "tax1": self._line_tax(row),
                        "totalPrice": qty * price - disc,
                        "warehouse": {"name": self._warehouse(row)}, "detailName": row.get("detailName", "")})
        return rows, out

    def _totals(self, p, lines, expenses):
        """Tax once per tax record on the document (as Accurate does), each
        rounded to the cent; ``tax1Amount`` is their sum."""
        sub = sum((line["totalPrice"] for line in lines), ZERO)
        bases = {}
        for line in lines:
            if line["tax1"]:
                key = (line["tax1"]["description"], line["tax1"]["rate"])
                bases[key] = bases.get(key, ZERO) + line["totalPrice"]
        extra = sum((e["expenseAmount"] for e in expenses), ZERO)
        tax = ZERO
        for (_name, rate), base in bases.items():
            if p.get("inclusiveTax"):
                tax += (base - base * 100 / (100 + rate)).quantize(Decimal("0.01"))
            else:
                tax += (base * rate / 100).quantize(Decimal("0.01"))
        total = sub + extra + (ZERO if p.get("inclusiveTax") else tax)
        return {"subTotal": sub, "tax1Amount": tax, "totalExpense": extra, "totalAmount": total,
                "inclusiveTax": bool(p.get("inclusiveTax")), "taxable": bool(p.get("taxable")),
                "detailTax": [{"taxDescription": name, "rate": rate, "base": base}
                              for (name, rate), base in bases.items()]}

    def _expenses(self, p, required=False):
        out = []
        for row in lines_of(p, "detailExpense", required=required):
            account = self.lookup("glaccount", row.get("accountNo"))
            out.append({"account": {"no": account["no"], "name": account["name"]},
                        "expenseName": row.get("expenseName", ""),
                        "expenseAmount": money(row, "expenseAmount")})
        return out

    def _header(self, p, party="customer"):
        key = "customerNo" if party == "customer" else "vendorNo"
        who = self.lookup(party, text(p, key))
        return {"transDate": date_field(p, "transDate"), party: {key: who[key], "name": who["name"]},
                party + "Id": who["id"], "branchName": p.get("branchName", ""),
                "description": p.get("description", "")}

    def _build_sales_invoice(self, p):
        record = self._header(p)
        rows, lines = self._priced_lines(p)
        expenses = self._expenses(p)
        record.update(self._totals(p, lines, expenses), detailItem=lines, detailExpense=expenses, _paid=ZERO)
        return record, [self._apply(self._moves(rows, -1))]

    def _build_sales_return(self, p):
        record = self._header(p)
        return_type = text(p, "returnType")
        if return_type not in ("INVOICE", "NO_INVOICE", "DELIVERY", "INVOICE_DP"):
            raise Refused("bad_field", "returnType")
        if "taxNumber" not in p:
            raise Refused("required", "taxNumber")
        record.update(returnType=return_type, taxDate=date_field(p, "taxDate"), taxNumber=p["taxNumber"])
        if return_type == "INVOICE":
            invoice = self.lookup("sales-invoice", text(p, "invoiceNumber"))
            record["invoice"] = {"number": invoice["number"], "id": invoice["id"]}
        if "detailExpense" not in p:  # required, even if only as []
            raise Refused("required", "detailExpense")
        rows, lines = self._priced_lines(p)
        if return_type == "INVOICE":
            self.check_return_quantities(invoice, lines)
        expenses = self._expenses(p)
        record.update(self._totals(p, lines, expenses), detailItem=lines, detailExpense=expenses)
        return record, [self._apply(self._moves(rows, +1))]

    def cash_account(self, number, field):
        account = self.lookup("glaccount", text({field: number}, field))
        if account["accountType"] != "CASH_BANK":
            raise Refused("not_cash", number)
        return account

    def _build_sales_receipt(self, p):
        record = self._header(p)
        bank = self.cash_account(p.get("bankNo"), "bankNo")
        cheque = money(p, "chequeAmount")
        payments, total = [], ZERO
        for row in lines_of(p, "detailInvoice"):
            invoice = self.lookup("sales-invoice", row.get("invoiceNo") or row.get("invoiceNumber"))
            amount = money(row, "paymentAmount")
            if amount <= 0 or amount > self.owing(invoice):
                raise Refused("overpaid", invoice["number"])
            self.check_paid_after(p, invoice)
            payments.append((invoice, amount))
            total += amount
        if total != cheque:
            raise Refused("cheque")
        record.update(bank={"no": bank["no"], "name": bank["name"]}, chequeAmount=cheque,
                      detailInvoice=[{"invoice": {"number": inv["number"], "id": inv["id"]},
                                      "invoiceNo": inv["number"], "paymentAmount": amt}
                                     for inv, amt in payments])

        def pay(_record):
            for inv, amt in payments:
                inv["_paid"] += amt
        return record, [pay]

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

    def _build_bank_transfer(self, p):
        src = self.cash_account(p.get("fromBankNo"), "fromBankNo")
        dst = self.cash_account(p.get("toBankNo"), "toBankNo")
        amount = money(p, "fromBankAmount")
        charges = []
        for row in lines_of(p, "detailBankTransfer", required=False):
            account = self.lookup("glaccount", row.get("accountNo"))
            text(row, "bankChargeType")
            charges.append({"account": {"no": account["no"], "name": account["name"]},
                            "amount": money(row, "amount"), "bankChargeType": row["bankChargeType"],
                            "expenseName": text(row, "expenseName")})
        fees = sum((c["amount"] for c in charges), ZERO)
        return {"transDate": date_field(p, "transDate"), "fromBank": {"no": src["no"]},
                "toBank": {"no": dst["no"]}, "fromBankAmount": amount, "toBankAmount": amount - fees,
                "detailBankTransfer": charges,
                "description": p.get("description", "")}, []

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
