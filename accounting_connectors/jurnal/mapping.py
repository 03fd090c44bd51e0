"""Documents -> Jurnal request bodies (``<kind>_payload``, named as Accurate's
builders in :mod:`..accurate.mapping`), and Jurnal purchases -> documents.

Pure functions: whatever needs a look-up (an account number's name, a
product's name, an invoice line id) is resolved by the client and passed in.
Every create carries ``custom_id`` = our reference (the idempotency key) and
``transaction_no`` = our reference where Jurnal numbers the record, so the
accountant finds the POS number in Jurnal and a repeat is refused twice over.
Money is emitted exactly: an integral Decimal as a JSON integer (the swagger
types amounts as integers), anything else as its exact decimal string,
never a float.
"""

from datetime import date, datetime
from decimal import Decimal

from ..documents import ZERO, InvoiceLine, PurchaseDocument, PurchaseLine, account_item_ref, dec
from ..errors import ValidationError

HUNDRED = Decimal("100")


def num(value):
    """Exact JSON value of a Decimal: int when integral, else a string."""
    value = Decimal(value or 0)
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def iso(day):
    """YYYY-MM-DD: what sales invoices, payments and returns document."""
    return day.isoformat() if day else date.today().isoformat()


def dmy(day, sep="/"):
    """DD/MM/YYYY: what warehouse transfers and stock adjustments document."""
    day = day or date.today()
    return day.strftime(f"%d{sep}%m{sep}%Y")


def _drop_empty(body):
    return {k: v for k, v in body.items() if v not in ("", None, [])}


# --- master data ----------------------------------------------------------
def customer_payload(doc, options=None):
    options = options or {}
    address = ", ".join(p for p in (doc.street, doc.city, doc.zip, doc.country) if p)
    body = _drop_empty({
        "display_name": doc.name or doc.reference,
        "email": doc.email,
        "phone": doc.phone,
        "billing_address": address,
        "address": address,
        # Jurnal's customer has one tax number (``tax_no``); the NIK and NITKU
        # have no field of their own there and are written in its other details
        "tax_no": doc.npwp or doc.nik,
        "other_detail": _identity_detail(doc),
        "default_ar_account_name": options.get("ar_account_name"),
        "default_ap_account_name": options.get("ap_account_name"),
        "source": "api",
        "custom_id": doc.reference,
    })
    return {"customer": body}


def _identity_detail(doc):
    """``"NIK 317...; NITKU 0123..."``: the Coretax numbers ``tax_no`` does not hold."""
    parts = []
    if doc.nik and doc.npwp:
        parts.append("NIK %s" % doc.nik)
    if doc.nitku:
        parts.append("NITKU %s" % doc.nitku)
    return "; ".join(parts)


def item_payload(doc, options=None):
    options = options or {}
    tracked = doc.item_type == "inventory"
    body = _drop_empty({
        "name": doc.name or doc.reference,
        "product_code": doc.reference,
        "unit_name": doc.unit or "PCS",
        "custom_id": doc.reference,
        "description": doc.barcode and "Barcode %s" % doc.barcode,
        "is_sold": True,
        "is_bought": True,
        # the swagger types prices as strings here
        "sell_price_per_unit": str(num(doc.sale_price)),
        "buy_price_per_unit": str(num(doc.cost_price)),
        "sell_account_name": options.get("sell_account_name"),
        "buy_account_name": options.get("buy_account_name"),
        "track_inventory": "true" if tracked else "false",
        "inventory_asset_account_name": tracked and options.get("inventory_account_name") or None,
    })
    return {"product": body}


# --- sales ------------------------------------------------------------------
def _discount_percent(line):
    """Jurnal's line discount is a percent; ours is money for the line."""
    gross = line.quantity * line.unit_price
    if not line.discount_amount:
        return None
    if not gross:
        raise ValidationError(code="jurnal.discount_no_amount", params={"item": line.item_ref})
    percent = line.discount_amount * HUNDRED / gross
    # exact when it terminates; otherwise 10 places (far below 1 rupiah on any real line)
    return num(percent.quantize(Decimal("1e-10")))


def _tax_name(line):
    """The line's Jurnal tax (``line_tax_name``), from the connection's tax
    mapping; a taxed line without one is refused here, naming it."""
    if not line.tax_rate:
        return None
    if not line.tax_code:
        raise ValidationError(code="jurnal.no_tax_mapped", params={
            "rate": num(line.tax_rate), "line": line.description or line.item_ref})
    if line.dpp_percent:
        # Jurnal's sales invoice has no DPP: its tax is the rate on the line money
        raise ValidationError(code="jurnal.no_dpp", params={
            "tax": line.tax_code, "rate": num(line.tax_rate), "line": line.description or line.item_ref})
    return line.tax_code


def regional_lines(doc):
    """Regional taxes (PB1) as Jurnal lines: an untaxed line of the account
    item selling to the tax's liability account (as tips and service
    charges travel), so the amount is owed there and never counts in
    Jurnal's tax (``tax_amount``). A sell tax of its own would not do:
    a Jurnal line carries one tax, and a PB1 line also carries PPN."""
    out = []
    for regional in doc.regional_taxes:
        if not regional.account:
            raise ValidationError(code="invoice.regional_tax_no_account", params={
                "ref": doc.reference, "tax": regional.name, "amount": str(regional.amount)})
        out.append(InvoiceLine(item_ref=account_item_ref(regional.account), quantity=Decimal(1),
                               unit_price=regional.amount, description=regional.name or "PB1",
                               account=regional.account))
    return out


def _warehouse(lines, fallback=""):
    names = {line.warehouse for line in lines if getattr(line, "warehouse", "")}
    if len(names) > 1:
        raise ValidationError(code="jurnal.one_warehouse", params={"names": ", ".join(sorted(names))})
    return names.pop() if names else fallback


def sales_invoice_payload(doc, person_name, options=None):
    options = options or {}
    lines = []
    for line in list(doc.lines) + regional_lines(doc):
        lines.append(_drop_empty({
            "product_code": line.item_ref,
            "description": line.description,
            "quantity": num(line.quantity),
            "rate": num(line.unit_price),
            "discount": _discount_percent(line),
            "line_tax_name": _tax_name(line),
        }))
    if not lines:
        raise ValidationError(code="jurnal.invoice_no_lines", params={"ref": doc.reference})
    body = {
        "transaction_date": iso(doc.date),
        "due_date": iso(doc.due_date or doc.date),
        "person_name": person_name,
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": doc.description,
        "warehouse_name": _warehouse(doc.lines),
        "use_tax_inclusive": bool(doc.tax_included),
        "transaction_lines_attributes": lines,
    }
    if doc.rounding_amount:
        _add_rounding(body, doc, options)
    if doc.prepaid_amount:
        _add_prepaid(body, doc, options)
    if doc.deductions:
        _add_deductions(body, doc, options)
    return {"sales_invoice": _drop_empty(body)}


def _add_deductions(body, doc, options):
    """Untaxed amounts off the invoice (discount, voucher, marketplace fee):
    Jurnal's one withholding (value), on the account the client resolved
    into ``deduction_account_name`` (all deductions share it)."""
    name = options.get("deduction_account_name")
    if not name:
        raise ValidationError(code="jurnal.deduction_no_account", params={
            "ref": doc.reference, "amount": str(num(sum((d.amount for d in doc.deductions), ZERO)))})
    if body.get("witholding_value"):
        raise ValidationError(code="jurnal.one_withholding", params={"ref": doc.reference})
    body.update(witholding_account_name=name, witholding_type="value",
                witholding_value=num(sum((d.amount for d in doc.deductions), ZERO)))


def _add_prepaid(body, doc, options):
    """Gift cards/eWallets spent: a withholding (value) on the liability
    account, by NAME; Jurnal has one withholding per invoice."""
    name = options.get("prepaid_account_name")
    if not name:
        raise ValidationError(code="jurnal.no_gift_card_account", params={
            "ref": doc.reference, "amount": num(doc.prepaid_amount)})
    if body.get("witholding_value"):
        raise ValidationError(code="jurnal.rounding_and_gift_card", params={"ref": doc.reference})
    body.update(witholding_account_name=name, witholding_type="value", witholding_value=num(doc.prepaid_amount))


def _add_rounding(body, doc, options):
    """Cash rounding and every rounding gap, on the connection's rounding
    account: a rounding down is a withholding (a debit on that account that
    lowers the receivable; Jurnal takes its NAME, resolved by the client
    into ``rounding_account_name``); a rounding up is a line of the account
    item of that account (``rounding_item_code``, kept by the client), since
    a Jurnal sales invoice has no free account line."""
    if doc.rounding_amount < ZERO:
        name = options.get("rounding_account_name")
        if not name:
            raise ValidationError(code="jurnal.no_rounding_account", params={
                "ref": doc.reference, "amount": num(doc.rounding_amount)})
        body.update(witholding_account_name=name, witholding_type="value",
                    witholding_value=num(-doc.rounding_amount))
        return
    code = options.get("rounding_item_code")
    if not code:
        raise ValidationError(code="jurnal.no_rounding_up_account", params={
        "ref": doc.reference, "amount": num(doc.rounding_amount)})
    body["transaction_lines_attributes"].append(
        {"product_code": code, "quantity": 1, "rate": num(doc.rounding_amount), "description": "Rounding"})


def sales_receipt_payload(doc, deposit_to_name, options=None):
    """A receive payment; what the payer kept back (a marketplace fee) is
    its withholding: each record pays the invoice money plus deduction, the
    deposit account receives the money only."""
    options = options or {}
    records = [{"transaction_no": line.invoice_ref, "amount": num(line.settled)} for line in doc.lines]
    if not records:
        raise ValidationError(code="jurnal.payment_no_invoice", params={"ref": doc.reference})
    day, memo = dated_on_invoices(doc)
    kept = sum((d.amount for line in doc.lines for d in line.deductions), ZERO)
    withholding = {}
    if kept:
        if not options.get("deduction_account_name"):
            raise ValidationError(code="jurnal.payment_deduction_no_account",
                                  params={"ref": doc.reference, "amount": str(num(kept))})
        withholding = {"witholding_account_name": options["deduction_account_name"],
                       "witholding_type": "value", "witholding_value": num(kept)}
    return {"receive_payment": _drop_empty({
        **withholding,
        "transaction_date": iso(day),
        "records_attributes": records,
        "custom_id": doc.reference,
        "payment_method_name": options.get("payment_method_name") or "Cash",
        "is_draft": False,
        "deposit_to_name": deposit_to_name,
        "memo": memo,
    })}


def dated_on_invoices(doc):
    """(date, memo) of a receive payment: Jurnal refuses a payment dated
    before the invoice it pays and has no bypass, so such a payment is dated
    on the latest invoice's date and its memo says so."""
    latest = max((line.invoice_date for line in doc.lines if line.invoice_date), default=None)
    if not (latest and doc.date and latest > doc.date):
        return doc.date, doc.description
    note = "Paid on %s; dated on the invoice's date %s (Jurnal takes no payment dated before its invoice)" % (
        doc.date.strftime("%d/%m/%Y"), latest.strftime("%d/%m/%Y"))
    return latest, "%s. %s" % (doc.description, note) if doc.description else note


def sales_return_payload(doc, return_lines, options=None):
    """``return_lines``: ``[(resolved line key dict, quantity)]`` where the key
    is ``{"transaction_line_id": id}`` or ``{"product_name": name}``."""
    if not doc.invoice_ref:
        raise ValidationError(code="jurnal.return_no_invoice", params={"ref": doc.reference})
    lines = [dict(key, return_quantity=num(qty)) for key, qty in return_lines]
    return {"sales_return": _drop_empty({
        "transaction_date": iso(doc.date),
        "invoice_no": doc.invoice_ref,
        # no custom_id / transaction_no: the Swagger documents neither for this
        # operation; our reference travels in the memo (returns.tagged_memo)
        "warehouse_name": _warehouse(doc.lines),
        "memo": doc.description,
        "transaction_return_lines_attributes": lines,
    })}


# --- inventory and money movements ----------------------------------------
def item_transfer_payload(doc, from_name, to_name, product_names):
    lines = [{"product_name": product_names[line.item_ref], "quantity": num(line.quantity)}
             for line in doc.lines]
    return {"warehouse_transfer": _drop_empty({
        "from_warehouse_name": from_name,
        "to_warehouse_name": to_name,
        "transaction_date": dmy(doc.date),
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": doc.description,
        "warehouse_transfer_lines_attributes": lines,
    })}


def item_adjustment_payload(doc, account_name, product_names, options=None):
    """Stock In/Out (``maintain_actual`` false): only ``difference`` is read."""
    options = options or {}
    lines = []
    for line in doc.lines:
        diff = line.quantity if line.direction == "in" else -line.quantity
        entry = {"product_name": product_names[line.item_ref], "difference": num(diff)}
        if line.direction == "in" and line.unit_cost:
            entry.update(use_custom_average_price=True, average_price=num(line.unit_cost))
        lines.append(entry)
    return {"stock_adjustment": _drop_empty({
        "stock_adjustment_type": "General",
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "warehouse_name": _warehouse(doc.lines),
        "account_name": account_name,
        "date": dmy(doc.date),
        "memo": doc.description,
        "maintain_actual": False,
        "lines_attributes": lines,
    })}


def bank_transfer_payload(doc, from_name, to_name):
    """A plain transfer; with a fee, see :func:`fee_journal_entry_payload`."""
    return {"bank_transfer": _drop_empty({
        "refund_from_name": from_name,
        "deposit_to_name": to_name,
        "transaction_date": iso(doc.date),
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": doc.description,
        "transfer_amount": num(doc.amount),
    })}


def fee_journal_entry_payload(doc, from_name, to_name, fee_name):
    """A payout with a fee kept by the provider: Jurnal's bank transfer has
    no fee, so one balanced journal entry books both legs atomically."""
    net = doc.amount - doc.fee
    lines = [{"account_name": to_name, "debit": num(net)},
             {"account_name": fee_name, "debit": num(doc.fee)},
             {"account_name": from_name, "credit": num(doc.amount)}]
    return {"journal_entry": _drop_empty({
        "transaction_date": iso(doc.date),
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": doc.description,
        "transaction_account_lines_attributes": lines,
    })}


# --- inbound purchases --------------------------------------------------------
def parse_date(value):
    """Jurnal answers DD/MM/YYYY (sometimes YYYY-MM-DD or DD-MM-YYYY)."""
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return None


def _person(data):
    person = data.get("person") or {}
    name = person.get("display_name") or person.get("name") or ""
    return str(person.get("id") or ""), name


def purchase_invoice(data):
    """A ``purchase_invoice`` object -> PurchaseDocument (item_ref = product code)."""
    vendor_id, vendor_name = _person(data)
    warehouse = (data.get("warehouse") or {}).get("name") or ""
    lines = []
    for line in data.get("transaction_lines_attributes") or []:
        prod = line.get("product") or {}
        lines.append(PurchaseLine(item_ref=prod.get("code") or prod.get("name") or "",
                                  quantity=dec(line.get("quantity"), malformed=ZERO),
                                  unit_price=dec(line.get("rate"), malformed=ZERO),
                                  warehouse=warehouse, unit=(line.get("unit") or {}).get("name", "")))
    return PurchaseDocument(
        reference=data.get("transaction_no") or "", doc_type="invoice", remote_id=str(data.get("id")),
        vendor_ref=vendor_id, vendor_name=vendor_name, date=parse_date(data.get("transaction_date")),
        lines=lines, total=dec(data.get("original_amount"), malformed=ZERO), deleted=bool(data.get("deleted_at")),
        version=str(data.get("updated_at") or ""), created_on=_created_on(data))


def purchase_return(data, invoice=None):
    """A ``purchase_return`` object -> PurchaseDocument. Return lines name only
    the invoice line, so the invoice (when given) supplies product codes."""
    vendor_id, vendor_name = _person(data)
    warehouse = (data.get("warehouse") or {}).get("name") or ""
    codes = {}
    for line in (invoice or {}).get("transaction_lines_attributes") or []:
        prod = line.get("product") or {}
        codes[line.get("id")] = prod.get("code") or prod.get("name") or ""
    lines = []
    for line in data.get("transaction_return_lines_attributes") or []:
        orig = line.get("transaction_line") or {}
        ref = codes.get(line.get("transaction_line_id")) or orig.get("product") or ""
        lines.append(PurchaseLine(item_ref=ref, quantity=dec(line.get("return_quantity"), malformed=ZERO),
                                  unit_price=dec(orig.get("rate"), malformed=ZERO), warehouse=warehouse,
                                  unit=orig.get("unit") or ""))
    return PurchaseDocument(
        reference=data.get("transaction_no") or "", doc_type="return", remote_id=str(data.get("id")),
        vendor_ref=vendor_id, vendor_name=vendor_name, date=parse_date(data.get("transaction_date")),
        lines=lines, invoice_ref=data.get("invoice_no") or "", total=dec(data.get("return_amount"), malformed=ZERO),
        deleted=bool(data.get("deleted_at")), version=str(data.get("updated_at") or ""),
        created_on=_created_on(data))


def _created_on(data):
    """``created_at`` (ISO 8601 with ``Z``) as a date, the key of Jurnal's
    ``start_date``/``end_date`` list filter; None when absent."""
    try:
        return date.fromisoformat(str(data.get("created_at") or "")[:10])
    except ValueError:
        return None
