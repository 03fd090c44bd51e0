"""The ``filter.<field>.op`` / ``filter.<field>.val`` filters of the
Accurate imitation's ``list.do`` (accurate-notes 2.4): which field of a
record's view a filter reads, how values are typed (dates, timestamps, ids,
Decimals) and compared. Module functions taking the store."""

from datetime import datetime
from decimal import Decimal

from ..accurate import auth
from .accurate_vocab import Refused


def _value(store, module, record, field):
    view = store.view(module, record)
    if field in ("no", "customerNo") and module == "customer":
        return view.get("customerNo")
    if field in ("no", "vendorNo") and module == "vendor":
        return view.get("vendorNo")
    for party in ("customer", "vendor"):
        if field == party + "No" and isinstance(view.get(party), dict):
            return view[party].get(field)
    if field == "outstanding":
        return str(view.get("outstanding", 0) > 0).lower()
    return view.get(field)


def _typed(field, value):
    if value is None:
        return None
    if field == "transDate":
        return datetime.strptime(value, "%d/%m/%Y")
    if field == "lastUpdate":
        return datetime.strptime(value, auth.TIMESTAMP_FORMAT)
    if field == "id":
        return int(value)
    if isinstance(value, Decimal):
        return value
    return str(value).lower() if isinstance(value, bool) else str(value)


def _matches(store, module, record, args):
    filters = {}
    for key, val in args.items():
        if not key.startswith("filter."):
            continue
        field, _sep, rest = key[len("filter."):].partition(".")
        spec = filters.setdefault(field, {"op": "EQUAL", "vals": []})
        if rest == "op":
            spec["op"] = val.upper()
        elif rest.startswith("val") or rest == "":
            spec["vals"].append(val)
    for field, spec in filters.items():
        op, vals = spec["op"], spec["vals"]
        if field == "keywords":
            words = " ".join(str(record.get(k, "")) for k in ("number", "no", "customerNo", "name")).lower()
            if not all(v.lower() in words for v in vals):
                return False
            continue
        try:
            have = _typed(field, _value(store, module, record, field))
            want = [_typed(field, v) for v in vals]
        except ValueError:
            raise Refused("bad_field", "filter.%s" % field) from None
        if not _compare(op, have, want):
            return False
    return True


def _compare(op, have, want):
    if op == "EMPTY":
        return have in (None, "")
    if op == "NOT_EMPTY":
        return have not in (None, "")
    if have is None or not want:
        return op == "NOT_EQUAL"
    first = want[0]
    checks = {
        "EQUAL": lambda: have in want, "NOT_EQUAL": lambda: have not in want,
        "GREATER_THAN": lambda: have > first, "GREATER_EQUAL_THAN": lambda: have >= first,
        "LESS_THAN": lambda: have < first, "LESS_EQUAL_THAN": lambda: have <= first,
        "BETWEEN": lambda: first <= have <= want[-1], "NOT_BETWEEN": lambda: not first <= have <= want[-1],
        "CONTAIN": lambda: str(first).lower() in str(have).lower(),
    }
    return checks.get(op, checks["EQUAL"])()
