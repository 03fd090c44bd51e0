"""Transactions of the Jurnal imitation: each builder validates a request
body as Jurnal does, applies it (stock, balances, invoice status) and
returns the record in Jurnal's response shape."""

from decimal import Decimal

from .jurnal_money import check_paid_after
from .jurnal_store import dec, dmy, invalid, money, parse_date, parse_dmy, status

ZERO = Decimal(0)


def _ref(rec, *keys):
    return {k: rec.get(k) for k in ("id", "name", "code") + keys if k in rec or k == "id"}


def _lines(payload, key):
    lines = payload.get(key)
    if not isinstance(lines, list) or not lines:
        invalid("%s can't be blank" % key.replace("_", " ").capitalize(), field=key)
    return lines


def _trade_lines(store, payload, warehouse):
    """Invoice-style lines -> (response lines, subtotal, tax). The tax is
    computed once per tax on the document and rounded to the cent, like the
    tax summary Jurnal prints (``tax_details``)."""
    inclusive = bool(payload.get("use_tax_inclusive"))
    out, gross, bases = [], ZERO, {}
    for line in _lines(payload, "transaction_lines_attributes"):
        prod = store.product(line)
        qty = dec(line.get("quantity", 1), "quantity")
        rate = dec(line.get("rate", prod.get("sell_price_per_unit")), "rate")
        disc = dec(line.get("discount"), "discount")
        if qty <= 0:
            invalid("Quantity must be greater than 0", field="transaction_lines_attributes")
        amount = qty * rate * (1 - disc / 100)
        tax_name = line.get("line_tax_name")
        tax_rate = dec(store.tax(tax_name)["rate"]) / 100 if tax_name else ZERO
        tax = amount - amount / (1 + tax_rate) if inclusive else amount * tax_rate
        gross += amount
        if tax_name:
            bases[(tax_name, tax_rate)] = bases.get((tax_name, tax_rate), ZERO) + amount
        out.append({"id": store.next_id(), "quantity": money(qty), "rate": money(rate),
                    "discount": money(disc), "amount": money(amount), "description": line.get("description")
                    or prod["name"], "line_tax": {"name": tax_name, "rate": money(tax_rate * 100)},
                    "product": {"id": prod["id"], "name": prod["name"], "code": prod["product_code"],
                                "product_custom_id": prod.get("custom_id"),
                                "track_inventory": prod["track_inventory"]},
                    "unit": prod.get("unit"), "_qty": qty,
                    # what one unit cost the customer, tax included: the refund of a return
                    "_net": (amount if inclusive else amount + tax) / qty})
        store.move(prod, warehouse, -qty if payload.get("_sale", True) else qty)
    tax_total = ZERO
    for (_name, tax_rate), base in bases.items():
        tax_total += (base - base / (1 + tax_rate) if inclusive else base * tax_rate).quantize(Decimal("0.01"))
    subtotal = gross.quantize(Decimal("0.01")) - (tax_total if inclusive else ZERO)
    return out, subtotal, tax_total


def tax_details(lines, inclusive):
    """``tax_details`` of a document: per Jurnal tax, its rate and amount
    (computed once per tax, as :func:`_trade_lines` does)."""
    bases = {}
    for line in lines:
        name = (line.get("line_tax") or {}).get("name")
        if name:
            key = (name, dec(line["line_tax"]["rate"]) / 100)
            bases[key] = bases.get(key, ZERO) + dec(line["amount"])
    return [{"tax_name": name, "rate": money(rate * 100),
             "amount": money((base - base / (1 + rate) if inclusive else base * rate).quantize(Decimal("0.01")))}
            for (name, rate), base in bases.items()]


def sales_invoice(store, payload, table="sales_invoices", people="customers"):
    person = store.person(payload, people)
    day = parse_date(payload.get("transaction_date"))
    due = parse_date(payload["due_date"], "due_date") if payload.get("due_date") else day
    warehouse = store.warehouse(payload)
    lines, subtotal, tax = _trade_lines(store, payload, warehouse)
    withholding = dec(payload.get("witholding_value"), "witholding value")
    if withholding:
        store.account(payload.get("witholding_account_name"), field="witholding_account_name")
        if payload.get("witholding_type", "percent") == "percent":
            withholding = (subtotal + tax) * withholding / 100
    total = subtotal + tax + dec(payload.get("shipping_price")) - withholding
    rec = {"transaction_no": store.number(table, payload), "custom_id": payload.get("custom_id"),
           "status": "approved", "transaction_date": dmy(day), "due_date": dmy(due),
           "person": {"id": person["id"], "display_name": person["display_name"]},
           "warehouse": _ref(warehouse), "memo": payload.get("memo"), "subtotal": money(subtotal),
           "tax_amount": money(tax), "witholding_amount": money(withholding),
           "original_amount": money(total), "remaining": money(total), "amount_receive": "0.0",
           "transaction_status": status(1), "transaction_lines_attributes": lines, "payments": [],
           "source": "apikey", "currency_code": "IDR",
           "use_tax_inclusive": bool(payload.get("use_tax_inclusive")),  # in the Swagger's answer
           "sales_returns": [],  # filled by each return, as in the Swagger's example answer
           "tax_details": tax_details(lines, bool(payload.get("use_tax_inclusive")))}
    if payload.get("deposit_to_name") and dec(payload.get("deposit")):
        acc = store.account(payload["deposit_to_name"], field="deposit_to_name", cash=True)
        rec["deposit_to"] = _ref(acc, "number")
        pay(store, rec, dec(payload["deposit"]), acc, None)
    return rec


def pay(store, invoice, amount, account, payment):
    remaining = dec(invoice["remaining"])
    if amount <= 0 or amount > remaining:
        invalid("Amount can't be greater than the remaining balance (%s) of %s"
                % (money(remaining), invoice["transaction_no"]), field="records_attributes")
    remaining -= amount
    invoice["remaining"] = money(remaining)
    invoice["amount_receive"] = money(dec(invoice["amount_receive"]) + amount)
    invoice["transaction_status"] = status(3 if remaining == 0 else 4)
    if payment:
        invoice["payments"].append({k: payment[k] for k in ("id", "transaction_no", "transaction_date")})
    store.book(account, amount)


def receive_payment(store, payload):
    day = parse_date(payload.get("transaction_date"))
    if not payload.get("payment_method_name") and not payload.get("payment_method_id"):
        invalid("Payment method can't be blank", field="payment_method_name")
    method = payload.get("payment_method_name") and store.get(
        "payment_methods", payload["payment_method_name"], by=("name",))
    if payload.get("payment_method_name") and not method:  # a name alone is created
        method = store.add("payment_methods", {"name": payload["payment_method_name"]})
    method = method or store.get("payment_methods", payload["payment_method_id"], by=("id",))
    if not method:
        invalid("Payment method not found", field="payment_method_id")
    acc = store.account(payload.get("deposit_to_name"), field="deposit_to_name", cash=True)
    rec = {"id": store.next_id(), "transaction_no": store.number("receive_payments", payload),
           "custom_id": payload.get("custom_id"), "transaction_date": dmy(day),
           "transaction_type": {"id": 2, "name": "Receive Payment"},
           "payment_method": {"id": method["id"], "name": method["name"]},
           "deposit_to": _ref(acc, "number"), "is_draft": bool(payload.get("is_draft")),
           "memo": payload.get("memo"), "records": []}
    total = ZERO
    invoices = []
    for record in _lines(payload, "records_attributes"):
        inv = store.get("sales_invoices", record.get("transaction_no"), by=("transaction_no",))
        if not inv:
            invalid("Transaction no %s not found" % record.get("transaction_no"), field="records_attributes")
        invoices.append((inv, dec(record.get("amount"))))
    for inv, amount in invoices:
        check_paid_after(inv, day)
        pay(store, inv, amount, acc, rec)
        total += amount
        rec["records"].append({"transaction_id": inv["id"], "transaction_no": inv["transaction_no"],
                               "amount": money(amount), "transaction_type": "Invoice",
                               "transaction_balance_due": inv["remaining"]})
    rec["person"] = invoices[0][0]["person"]
    rec["total"] = money(total)
    _withhold(store, payload, rec, acc, total)
    return rec


def _withhold(store, payload, rec, deposit, total):
    """A payment's withholding (what the payer kept back): booked on its
    account and not deposited; ``total`` stays what the invoices were paid."""
    value = dec(payload.get("witholding_value"), "witholding value")
    if not value:
        return
    account = store.account(payload.get("witholding_account_name"), field="witholding_account_name")
    if payload.get("witholding_type", "percent") == "percent":
        value = (total * value / 100).quantize(Decimal("0.01"))
    if value < 0 or value >= total:
        invalid("Witholding value must be less than the amount paid", field="witholding_value")
    store.book(deposit, -value)
    store.book(account, value)
    rec.update(witholding={"account": _ref(account, "number"), "amount": money(value)},
               witholding_amount=money(value))


def sales_return(store, payload, table="sales_returns", invoices="sales_invoices", sign=1):
    inv = None
    if payload.get("invoice_id"):
        inv = store.get(invoices, payload["invoice_id"], by=("id",))
    if payload.get("invoice_no"):
        by_no = store.get(invoices, payload["invoice_no"], by=("transaction_no",))
        if inv and by_no is not inv:
            invalid("Invoice id and invoice no do not match", field="invoice_no")
        inv = by_no
    if not inv:
        invalid("Invoice %s not found" % (payload.get("invoice_no") or payload.get("invoice_id")),
                field="invoice_no")
    day = parse_date(payload.get("transaction_date"))
    has_wh = any(payload.get(k) for k in ("warehouse_id", "warehouse_name", "warehouse_code"))
    warehouse = store.warehouse(payload) if has_wh else store.tables["warehouses"][inv["warehouse"]["id"]]
    out, total = [], ZERO
    for line in _lines(payload, "transaction_return_lines_attributes"):
        match = [x for x in inv["transaction_lines_attributes"]
                 if str(x["id"]) == str(line.get("transaction_line_id"))
                 or str(x["product"]["id"]) == str(line.get("product_id"))
                 or x["product"]["name"] == line.get("product_name")]
        if not match:
            invalid("Transaction line not found on invoice %s" % inv["transaction_no"],
                    field="transaction_return_lines_attributes")
        qty = dec(line.get("return_quantity"), "return quantity")
        orig = match[0]
        done = orig.get("_returned", ZERO)
        if qty < 0 or qty + done > orig["_qty"]:
            invalid("Return quantity must be between 0 and %s" % money(orig["_qty"] - done),
                    field="return_quantity")
        orig["_returned"] = done + qty
        total += qty * orig["_net"]
        store.move(store.get("products", orig["product"]["id"], by=("id",)), warehouse, qty * sign)
        out.append({"id": store.next_id(), "transaction_line_id": orig["id"], "return_quantity": money(qty),
                    "product": orig["product"], "transaction_line": {"product": orig["product"]["name"],
                                                                    "quantity": orig["quantity"],
                                                                    "rate": orig["rate"]}})
    total = total.quantize(Decimal("0.01"))
    inv["remaining"] = money(max(ZERO, dec(inv["remaining"]) - total))
    if dec(inv["remaining"]) == 0:
        inv["transaction_status"] = status(3 if dec(inv["amount_receive"]) else 2)
    rec_id, number = store.next_id(), store.number(table, payload)
    if table == "sales_returns":
        inv.setdefault("sales_returns", []).append(
            {"id": rec_id, "transaction_no": number, "transaction_date": dmy(day)})
    return {"id": rec_id, "transaction_no": number, "custom_id": payload.get("custom_id"),
            "transaction_date": dmy(day), "invoice_id": inv["id"], "invoice_no": inv["transaction_no"],
            "person": inv["person"], "warehouse": _ref(warehouse), "memo": payload.get("memo"),
            "return_amount": money(total), "transaction_return_lines_attributes": out}


def warehouse_transfer(store, payload):
    for key in ("from_warehouse_name", "to_warehouse_name"):
        side = key.split("_")[0] + "_"
        if not payload.get(key) and payload.get(side + "warehouse_id") is None:
            invalid("%s can't be blank" % key.replace("_", " ").capitalize(), field=key)
    src = store.warehouse(payload, "from_", default=None)
    dst = store.warehouse(payload, "to_", default=None)
    if src is dst:
        invalid("From warehouse and to warehouse must be different", field="to_warehouse_name")
    day = parse_dmy(payload.get("transaction_date"), "transaction_date")
    out = []
    for line in _lines(payload, "warehouse_transfer_lines_attributes"):
        prod = store.product(line)
        qty = dec(line.get("quantity"), "quantity")
        if qty <= 0:
            invalid("Quantity must be greater than 0", field="warehouse_transfer_lines_attributes")
        store.move(prod, src, -qty)
        store.move(prod, dst, qty)
        out.append({"id": store.next_id(), "quantity": money(qty),
                    "product": {"id": prod["id"], "name": prod["name"], "code": prod["product_code"]}})
    return {"transaction_no": store.number("warehouse_transfers", payload),
            "custom_id": payload.get("custom_id"),
            "transaction_date": day.isoformat(), "memo": payload.get("memo"),
            "from_warehouse": _ref(src), "to_warehouse": _ref(dst), "warehouse_transfer_line_attributes": out}


def stock_adjustment(store, payload):
    warehouse = store.warehouse(payload)
    acc = store.account_by_name(payload.get("account_name") or "Inventory Adjustments")
    day = parse_dmy(payload.get("date"), "date")
    actual_mode = bool(payload.get("maintain_actual"))
    out = []
    for line in _lines(payload, "lines_attributes"):
        prod = store.product(line)
        recorded = store.on_hand(prod, warehouse)
        if actual_mode:
            actual = dec(line.get("actual_quantity"), "actual quantity")
            diff = actual - recorded
        else:
            diff = dec(line.get("difference"), "difference")
            actual = recorded + diff
        store.move(prod, warehouse, diff)
        out.append({"id": store.next_id(), "product": {"id": prod["id"], "name": prod["name"],
                                                       "code": prod["product_code"]},
                    "recorded_quantity": money(recorded), "actual_quantity": money(actual),
                    "difference": money(diff), "average_price": money(dec(line.get("average_price")))})
    return {"transaction_no": store.number("stock_adjustments", payload),
            "custom_id": payload.get("custom_id"),
            "date": dmy(day), "adjustment_type": payload.get("stock_adjustment_type") or "General",
            "maintain_actual": actual_mode, "account": _ref(acc, "number"), "warehouse": _ref(warehouse),
            "memo": payload.get("memo"), "stock_adjustment_lines_attributes": out}


def bank_transfer(store, payload):
    for key in ("refund_from_name", "deposit_to_name", "transaction_date", "transaction_no",
                "transfer_amount"):
        if payload.get(key) in (None, "") and not payload.get(key.replace("_name", "_id")):
            invalid("%s can't be blank" % key.replace("_", " ").capitalize(), field=key)
    src = store.account(payload.get("refund_from_name"), payload.get("refund_from_id"),
                        field="refund_from_name", cash=True)
    dst = store.account(payload.get("deposit_to_name"), payload.get("deposit_to_id"),
                        field="deposit_to_name", cash=True)
    amount = dec(payload["transfer_amount"], "transfer amount")
    if amount <= 0:
        invalid("Transfer amount must be greater than 0", field="transfer_amount")
    store.book(src, -amount)
    store.book(dst, amount)
    return {"transaction_no": store.number("bank_transfers", payload), "custom_id": payload.get("custom_id"),
            "transaction_date": dmy(parse_date(payload["transaction_date"])),
            "transfer_amount": money(amount), "original_amount": money(amount), "memo": payload.get("memo"),
            "transaction_status": status(2), "refund_from": _ref(src, "number", "category"),
            "deposit_to": _ref(dst, "number", "category")}


def journal_entry(store, payload):
    day = parse_date(payload.get("transaction_date"))
    lines, debit, credit = [], ZERO, ZERO
    for line in _lines(payload, "transaction_account_lines_attributes"):
        acc = store.account(line.get("account_name"), line.get("account_id"))
        d, c = dec(line.get("debit"), "debit"), dec(line.get("credit"), "credit")
        debit, credit = debit + d, credit + c
        store.book(acc, d - c)
        lines.append({"id": store.next_id(), "debit": money(d), "credit": money(c),
                      "account": _ref(acc, "number", "category")})
    if debit != credit:
        invalid("Total debit must be equal to total credit", field="transaction_account_lines_attributes")
    return {"transaction_no": store.number("journal_entries", payload), "custom_id": payload.get("custom_id"),
            "transaction_date": dmy(day), "memo": payload.get("memo"), "transaction_status": status(2),
            "transaction_account_lines": lines, "total_debit": money(debit), "total_credit": money(credit)}


def purchase_invoice(store, payload):
    rec = sales_invoice(store, dict(payload, _sale=False, deposit_to_name=None),
                        table="purchase_invoices", people="vendors")
    rec["source"] = "web"  # entered by a person in Jurnal
    return rec


def purchase_return(store, payload):
    rec = sales_return(store, payload, table="purchase_returns", invoices="purchase_invoices", sign=-1)
    rec["source"] = "web"
    return rec
