"""Money going out in the Jurnal imitation, and the read-outs a
reconciliation needs.

- ``POST /customer_credit_memo_refund`` (Swagger: ``person_id``,
  ``transaction_date``, ``refund_from_id``, ``credit_memo_refund_lines_attributes``
  of ``{credit_memo_id, refund_amount, description}``; answered **200**): each
  line pays out of the credit memo's remaining credit, never more, from a
  Cash & Bank account, never dated before the credit memo.
- ``DELETE /receive_payments/{id|custom_id}`` (204): the invoices get their
  remaining amount back and the deposit account its money out.
- read-outs: each customer's balance (open invoices less unused credit memos)
  and the money booked into each account, by account number.
"""

from datetime import datetime
from decimal import Decimal

from .jurnal_store import dec, dmy, invalid, money, parse_date, status

ZERO = Decimal(0)
KEY = "credit_memo_refund_lines_attributes"


def _day(text):
    return datetime.strptime(text, "%d/%m/%Y").date()


def customer_credit_memo_refund(store, payload):
    person = store.get("customers", payload.get("person_id"), by=("id",)) if payload.get("person_id") else None
    if not person:
        invalid("Person can't be blank", field="person_id")
    if not payload.get("refund_from_id"):
        invalid("Refund from can't be blank", field="refund_from_id")
    acc = store.account(ident=payload["refund_from_id"], field="refund_from_id", cash=True)
    day = parse_date(payload.get("transaction_date"))
    lines = payload.get(KEY)
    if not isinstance(lines, list) or not lines:
        invalid("Credit memo refund lines can't be blank", field=KEY)
    out, total, memos = [], ZERO, []
    for line in lines:
        memo = store.get("credit_memos", (line or {}).get("credit_memo_id"), by=("id",))
        if not memo or memo["person"]["id"] != person["id"]:
            invalid("Credit memo %s not found for %s" % ((line or {}).get("credit_memo_id"),
                                                         person["display_name"]), field=KEY)
        amount = dec(line.get("refund_amount"), "refund amount")
        if amount <= 0 or amount > dec(memo["remaining"]):
            invalid("Refund amount can't be greater than the remaining credit (%s) of %s"
                    % (money(memo["remaining"]), memo["transaction_no"]), field="refund_amount")
        if day < _day(memo["transaction_date"]):
            invalid("Transaction date can't be before the credit memo's date (%s)" % memo["transaction_date"],
                    field="transaction_date")
        memos.append((memo, amount))
        total += amount
        out.append({"id": store.next_id(), "credit_memo_id": memo["id"],
                    "description": line.get("description") or "", "refund_amount": money(amount)})
    refund_id, number = store.next_id(), store.number("customer_credit_memo_refund", payload)
    for (memo, amount), line in zip(memos, out, strict=True):
        memo.setdefault("credit_memo_refunds", []).append(
            {"id": refund_id, "transaction_no": number, "description": line["description"],
             "refund_amount": money(amount)})
        remaining = dec(memo["remaining"]) - amount
        memo["remaining"] = money(remaining)
        memo["transaction_status"] = status(3 if remaining == 0 else 4)
    store.book(acc, -total)
    return {"id": refund_id, "transaction_no": number,
            "custom_id": payload.get("custom_id"), "memo": payload.get("memo"),
            "transaction_date": dmy(day), "original_amount": money(total), "remaining": 0,
            "transaction_type": {"id": 14, "name": "Credit Memo Refund"}, "transaction_status": status(2),
            "refund_from_id": acc["id"], "refund_from_name": acc["name"],
            "person": {"id": person["id"], "display_name": person["display_name"], "person_type": "customer"},
            "credit_memo_refund_lines": out, "currency_code": "IDR", "currency_rate": 1}


def delete_receive_payment(store, rec):
    """Undo a receive payment's effects, then drop it."""
    acc = store.get("accounts", rec["deposit_to"]["id"], by=("id",))
    for record in rec["records"]:
        inv = store.get("sales_invoices", record["transaction_id"], by=("id",))
        amount = dec(record["amount"])
        remaining = dec(inv["remaining"]) + amount
        inv["remaining"] = money(remaining)
        inv["amount_receive"] = money(dec(inv["amount_receive"]) - amount)
        inv["payments"] = [p for p in inv["payments"] if p["id"] != rec["id"]]
        inv["transaction_status"] = status(1 if not inv["payments"] else 4)
        store.book(acc, -amount)
    if rec.get("witholding"):  # what the payer kept back goes back with it
        kept = dec(rec["witholding"]["amount"])
        store.book(acc, kept)
        store.book(store.get("accounts", rec["witholding"]["account"]["id"], by=("id",)), -kept)
    del store.tables["receive_payments"][rec["id"]]


def check_paid_after(invoice, day):
    """Jurnal takes no payment dated before the invoice it pays."""
    if day < _day(invoice["transaction_date"]):
        invalid("Transaction date can't be before the invoice's transaction date (%s) of %s"
                % (invoice["transaction_date"], invoice["transaction_no"]), field="transaction_date")


def customer_balances(store):
    """display name -> open invoices less unused credit memos."""
    out = {}
    for inv in store.tables["sales_invoices"].values():
        name = inv["person"]["display_name"]
        out[name] = out.get(name, ZERO) + dec(inv["remaining"])
    for memo in store.tables["credit_memos"].values():
        if memo.get("person_type", "customer") == "customer":
            name = memo["person"]["display_name"]
            out[name] = out.get(name, ZERO) - dec(memo["remaining"])
    return {k: money(v) for k, v in sorted(out.items())}


def account_money(store):
    """account number -> money booked, for the Cash & Bank accounts."""
    return {a["number"]: money(store.balances.get(a["id"], ZERO))
            for a in store.tables["accounts"].values() if a["category"] == "Cash & Bank"}
