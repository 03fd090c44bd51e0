"""Credit memos of the Jurnal imitation (``/credit_memos``).

The Swagger's create body is ``{"credit_memo": {person_id | person_name,
person_type, transaction_date, transaction_no, memo, custom_id,
transaction_account_lines_attributes: [{account_name, description, credit}]}}``
and the answer is **200** ``{"credit_memo": {..., transaction_type: {id: 13,
name: "Credit Memo"}, transaction_status: Open, remaining, original_amount,
person: {id, person_name}}}``. The lines name accounts only: a credit memo
moves no stock. ``GET /credit_memos/{id}`` takes Jurnal's id only.
"""

from decimal import Decimal

from .jurnal_docs import _lines, _ref
from .jurnal_store import dec, dmy, invalid, money, parse_date, status

ZERO = Decimal(0)
KEY = "transaction_account_lines_attributes"


def _amount(value):
    """Integral money as an integer, as the Swagger example answers."""
    return int(value) if value == value.to_integral_value() else money(value)


def credit_memo(store, payload):
    kind = str(payload.get("person_type") or "customer").lower()
    if kind not in ("customer", "vendor"):
        invalid("Person type must be customer or vendor", field="person_type")
    if not payload.get("person_id") and not payload.get("person_name"):
        invalid("Person can't be blank", field="person_name")
    person = store.person(payload, "customers" if kind == "customer" else "vendors")
    day = parse_date(payload.get("transaction_date"))
    lines, total = [], ZERO
    for line in _lines(payload, KEY):
        if not isinstance(line, dict):
            invalid("%s is not valid" % KEY.replace("_", " ").capitalize(), field=KEY)
        acc = store.account(line.get("account_name"), line.get("account_id"), field=KEY)
        amount = dec(line.get("credit"), "credit")
        if amount <= 0:
            invalid("Credit must be greater than 0", field=KEY)
        total += amount
        lines.append({"id": store.next_id(), "description": line.get("description") or "",
                      "debit": 0, "credit": _amount(amount), "line_tax": {"id": None, "name": None, "rate": None},
                      "account": dict(_ref(acc, "number"), category={"name": acc["category"]})})
    return {"transaction_no": store.number("credit_memos", payload), "custom_id": payload.get("custom_id"),
            "transaction_date": dmy(day), "due_date": None, "memo": payload.get("memo"),
            "original_amount": money(total), "remaining": money(total), "subtotal": _amount(total),
            "tax_amount": "0.0", "witholding_value": "0.0", "witholding_type": "percent",
            "witholding_amount": 0, "transaction_type": {"id": 13, "name": "Credit Memo"},
            "transaction_status": status(1), KEY: lines, "person_type": kind,
            "person": {"id": person["id"], "person_name": person["display_name"],
                       "display_name": person["display_name"]},
            "is_reconciled": False, "tax_details": [], "attachments": [], "tags": None,
            "currency_code": "IDR", "currency_rate": 1, "deletable": True, "editable": True}
