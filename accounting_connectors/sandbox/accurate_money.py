"""Money side of the Accurate imitation: journal vouchers with a customer as
subsidiary (refunds, cash over/short), bank transfers (with their bank
charges), deleting a sales receipt, and the
read-outs a reconciliation needs (each customer's balance, the money in each
cash/bank account), computed from the documents the store holds."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from .accurate_vocab import ZERO, Refused, date_field, lines_of, money, text


def _day(text_date):
    return datetime.strptime(text_date, "%d/%m/%Y").date()


class AccurateMoneyMixin:
    """Mixed into :class:`.accurate_store.AccurateStore`."""

    def check_paid_after(self, payload, invoice):
        """Accurate refuses a payment dated before the invoice it pays unless
        ``passValidateInvoiceDate`` is set (accurate-openapi: sales-receipt)."""
        if payload.get("passValidateInvoiceDate") is True:
            return
        if _day(date_field(payload, "transDate")) < _day(invoice["transDate"]):
            raise Refused("paid_before", invoice["number"])

    def returnable(self, invoice, item_no):
        """Quantity of ``item_no`` on ``invoice`` not yet returned."""
        sold = sum((line["quantity"] for line in invoice["detailItem"] if line["itemNo"] == item_no), ZERO)
        returned = sum((line["quantity"] for ret in self.records["sales-return"].values()
                        if (ret.get("invoice") or {}).get("id") == invoice["id"]
                        for line in ret["detailItem"] if line["itemNo"] == item_no), ZERO)
        return sold - returned

    def check_return_quantities(self, invoice, lines):
        wanted = defaultdict(lambda: ZERO)
        for line in lines:
            wanted[line["itemNo"]] += line["quantity"]
        for item_no, qty in wanted.items():
            if qty > self.returnable(invoice, item_no):
                raise Refused("over_returned", item_no, invoice["number"])

    def _build_journal_voucher(self, p):
        lines, debit, credit = [], ZERO, ZERO
        for row in lines_of(p, "detailJournalVoucher"):
            account = self.lookup("glaccount", row.get("accountNo"))
            amount, side = money(row, "amount"), text(row, "amountType")
            if side not in ("DEBIT", "CREDIT"):
                raise Refused("bad_field", "amountType")
            if amount <= 0:
                raise Refused("bad_field", "amount")
            line = {"account": {"no": account["no"], "name": account["name"]}, "accountNo": account["no"],
                    "amount": amount, "amountType": side, "memo": row.get("memo", "")}
            if row.get("customerNo") not in (None, ""):
                if row.get("subsidiaryType") != "CUSTOMER":
                    raise Refused("required", "subsidiaryType")
                if account["accountType"] != "ACCOUNT_RECEIVABLE":
                    raise Refused("not_receivable", account["no"])
                customer = self.lookup("customer", row["customerNo"])
                line["customer"] = {"customerNo": customer["customerNo"], "name": customer["name"]}
            debit, credit = (debit + amount, credit) if side == "DEBIT" else (debit, credit + amount)
            lines.append(line)
        if debit != credit:
            raise Refused("unbalanced")
        return {"transDate": date_field(p, "transDate"), "detailJournalVoucher": lines,
                "branchName": p.get("branchName", ""), "description": p.get("description", "")}, []

    def delete(self, module, args):
        """``delete.do`` (by id or number); only sales receipts here."""
        if module != "sales-receipt":
            raise Refused("no_edit")
        record = self.find(module, args)
        if record is None:
            raise Refused("not_found", module)
        self.refuse_locked(record.get("transDate"), "locked_delete")
        for row in record["detailInvoice"]:
            invoice = self.records["sales-invoice"][row["invoice"]["id"]]
            invoice["_paid"] -= row["paymentAmount"] + sum(
                (d["amount"] for d in row.get("detailDiscount") or []), ZERO)
        del self.records[module][record["id"]]
        return record

    def _build_bank_transfer(self, p):
        src = self.cash_account(p.get("fromBankNo"), "fromBankNo")
        dst = self.cash_account(p.get("toBankNo"), "toBankNo")
        amount = money(p, "fromBankAmount")
        if amount <= 0:
            raise Refused("bad_field", "fromBankAmount")
        charges = []
        for row in lines_of(p, "detailBankTransfer", required=False):
            account = self.lookup("glaccount", row.get("accountNo"))
            text(row, "bankChargeType")
            charge = money(row, "amount")
            if charge <= 0:
                raise Refused("bad_field", "amount")
            charges.append({"account": {"no": account["no"], "name": account["name"]},
                            "amount": charge, "bankChargeType": row["bankChargeType"],
                            "expenseName": text(row, "expenseName")})
        fees = sum((c["amount"] for c in charges), ZERO)
        if fees >= amount:  # nothing would reach the destination bank
            raise Refused("bad_field", "detailBankTransfer")
        return {"transDate": date_field(p, "transDate"), "fromBank": {"no": src["no"]},
                "toBank": {"no": dst["no"]}, "fromBankAmount": amount, "toBankAmount": amount - fees,
                "detailBankTransfer": charges,
                "description": p.get("description", "")}, []

    # --- read-outs ----------------------------------------------------------------
    def customer_balances(self):
        """customerNo -> what the customer owes (negative: a credit)."""
        out = defaultdict(lambda: ZERO)
        for inv in self.records["sales-invoice"].values():
            out[inv["customer"]["customerNo"]] += inv["totalAmount"]
        for rec in self.records["sales-receipt"].values():
            out[rec["customer"]["customerNo"]] -= rec["chequeAmount"] + sum(
                (d["amount"] for row in rec["detailInvoice"] for d in row.get("detailDiscount") or []), ZERO)
        for ret in self.records["sales-return"].values():
            out[ret["customer"]["customerNo"]] -= ret["totalAmount"]
        for jv in self.records["journal-voucher"].values():
            for line in jv["detailJournalVoucher"]:
                if line.get("customer"):
                    sign = 1 if line["amountType"] == "DEBIT" else -1
                    out[line["customer"]["customerNo"]] += sign * line["amount"]
        return {k: v for k, v in sorted(out.items())}

    def account_money(self):
        """Cash/bank account number -> money booked into it by the documents."""
        cash = {a["no"] for a in self.records["glaccount"].values() if a["accountType"] == "CASH_BANK"}
        out = {no: Decimal(0) for no in sorted(cash)}
        for rec in self.records["sales-receipt"].values():
            out[rec["bank"]["no"]] += rec["chequeAmount"]
        for jv in self.records["journal-voucher"].values():
            for line in jv["detailJournalVoucher"]:
                if line["accountNo"] in out:
                    out[line["accountNo"]] += line["amount"] if line["amountType"] == "DEBIT" else -line["amount"]
        for bt in self.records["bank-transfer"].values():
            out[bt["fromBank"]["no"]] -= bt["fromBankAmount"]
            out[bt["toBank"]["no"]] += bt["toBankAmount"]
        return out
