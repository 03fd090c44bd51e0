"""Sales documents of the Accurate imitation: sales invoices, sales returns
and sales receipts (priced lines, each line's PPN record, expenses, totals
with tax once per tax record, payments against what an invoice still owes).
Mixed into :class:`.accurate_store.AccurateStore`."""

from decimal import Decimal

from .accurate_vocab import ZERO, Refused, date_field, lines_of, money, text

#: DPP fields some integrations guess on a sales line; Accurate's published
#: API has none there (its DPP lever is the item's ``percentTaxable``)
LINE_DPP_FIELDS = ("percentTaxable", "dppAmount")


class AccurateSalesMixin:
    """Mixed into :class:`.accurate_store.AccurateStore` (uses its
    ``lookup``/``owing`` and the stock moves of :mod:`.accurate_stock`)."""

    # --- sales -----------------------------------------------------------------------
    def _priced_lines(self, p):
        rows, out = lines_of(p, "detailItem"), []
        for row in rows:
            item = self.lookup("item", row.get("itemNo"))
            unit = self._line_unit(item, row)
            qty, price = money(row, "quantity", required=False, default=Decimal(1)), money(row, "unitPrice")
            disc = money(row, "itemCashDiscount", required=False)
            for lever in LINE_DPP_FIELDS:  # Accurate's DPP is the item's, not the line's
                if lever in row:
                    raise Refused("bad_field", lever)
            out.append({"item": {"no": item["no"], "name": item["name"]}, "itemNo": item["no"],
                        "percentTaxable": Decimal(str(item.get("percentTaxable") or 100)),
                        "quantity": qty, "unitPrice": price, "itemCashDiscount": disc,
                        "useTax1": bool(row.get("useTax1")), "tax1": self._line_tax(row),
                        "totalPrice": qty * price - disc, "itemUnit": {"name": unit},
                        "warehouse": {"name": self._warehouse(row)}, "detailName": row.get("detailName", "")})
        return rows, out

    @staticmethod
    def _line_unit(item, row):
        """The unit a line counts the item in: ``itemUnitName``, one of the
        item's own units (``unit1Name``..``unit5Name``), else refused;
        absent, the item's first unit."""
        units = [item.get("unit%sName" % n) for n in range(1, 6) if item.get("unit%sName" % n)]
        unit = row.get("itemUnitName")
        if unit in (None, ""):
            return units[0] if units else ""
        if str(unit) not in units:
            raise Refused("unit", unit, item["no"])
        return str(unit)

    def _totals(self, p, lines, expenses):
        """Tax once per tax record on the document (as Accurate does), each
        rounded to the cent, on the DPP of its lines: a line's DPP is its
        money times its item's ``percentTaxable`` (default 100; PPN 2025:
        91.666667 under a 12% record). ``tax1Amount`` is their sum (PPN
        only: expense lines such as a regional tax never enter it),
        ``dppAmount`` the DPP of every taxed line, ``detailTax`` the figures
        per tax record."""
        sub = sum((line["totalPrice"] for line in lines), ZERO)
        inclusive = bool(p.get("inclusiveTax"))
        bases = {}
        for line in lines:
            if line["tax1"]:
                key = (line["tax1"]["description"], line["tax1"]["rate"])
                share = line["percentTaxable"] / 100
                rate = line["tax1"]["rate"] / 100
                gross = line["totalPrice"]
                net = gross / (1 + share * rate) if inclusive else gross
                base, dpp, tax = bases.get(key, (ZERO, ZERO, ZERO))
                bases[key] = (base + gross, dpp + net * share,
                              tax + (gross - net if inclusive else net * share * rate))
        extra = sum((e["expenseAmount"] for e in expenses), ZERO)
        cent = Decimal("0.01")
        details = [{"taxDescription": name, "rate": rate, "base": base, "dppAmount": dpp.quantize(cent),
                    "taxAmount": tax.quantize(cent)} for (name, rate), (base, dpp, tax) in bases.items()]
        tax = sum((d["taxAmount"] for d in details), ZERO)
        total = sub + extra + (ZERO if inclusive else tax)
        return {"subTotal": sub, "tax1Amount": tax, "totalExpense": extra, "totalAmount": total,
                "dppAmount": sum((d["dppAmount"] for d in details), ZERO),
                "inclusiveTax": inclusive, "taxable": bool(p.get("taxable")), "detailTax": details}

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
            self.refuse_unapproved(invoice)
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
            self.refuse_unapproved(invoice)
            amount = money(row, "paymentAmount")
            discounts = self._receipt_discounts(row)
            settled = amount + sum((d["amount"] for d in discounts), ZERO)
            if amount < 0 or settled <= 0 or settled > self.owing(invoice):
                raise Refused("overpaid", invoice["number"])
            self.check_paid_after(p, invoice)
            payments.append((invoice, amount, discounts, settled))
            total += amount
        if total != cheque:
            raise Refused("cheque")
        record.update(bank={"no": bank["no"], "name": bank["name"]}, chequeAmount=cheque,
                      detailInvoice=[{"invoice": {"number": inv["number"], "id": inv["id"]},
                                      "invoiceNo": inv["number"], "paymentAmount": amt,
                                      "detailDiscount": discounts}
                                     for inv, amt, discounts, settled in payments])

        def pay(_record):
            for inv, _amt, _discounts, settled in payments:
                inv["_paid"] += settled
        return record, [pay]

    def _receipt_discounts(self, row):
        """``detailDiscount[]`` of a paid invoice ("Informasi Diskon"): each
        an existing account and a positive amount; it settles the invoice
        besides the payment and does not enter the bank (our reading)."""
        out = []
        for disc in lines_of(row, "detailDiscount", required=False):
            account = self.lookup("glaccount", disc.get("accountNo"))
            amount = money(disc, "amount")
            if amount <= 0:
                raise Refused("bad_field", "amount")
            out.append({"account": {"no": account["no"], "name": account["name"]}, "accountNo": account["no"],
                        "amount": amount, "discountNotes": disc.get("discountNotes", "")})
        return out

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
