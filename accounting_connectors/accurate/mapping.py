"""Documents -> Accurate payloads, and Accurate purchase details -> documents.

Pure functions: no HTTP, no clock (callers pass ``today`` where Accurate
wants a date the document has not got). Dates are ``dd/MM/yyyy`` strings;
money stays ``Decimal`` up to :func:`..jsonutil.dumps`, which writes the
exact decimal text as a JSON number (no float ever touches an amount).
"""

from datetime import date, datetime
from decimal import Decimal

from ..documents import (
    ZERO,
    BankTransfer,
    Customer,
    CustomerRefund,
    Item,
    ItemAdjustment,
    ItemTransfer,
    JournalEntry,
    PurchaseDocument,
    PurchaseLine,
    SalesInvoice,
    SalesReceipt,
    SalesReturn,
    dec,
)
from ..errors import ValidationError
from ..jsonutil import DATE_FORMAT, decimal_text

ITEM_TYPES = {"inventory": "INVENTORY", "service": "SERVICE", "non_inventory": "NON_INVENTORY"}
#: ``detailBankTransfer[].bankChargeType``: the enum's values are not in any
#: public source; this one is our best reading (charge taken from the source
#: side). Unconfirmed against the real service.
BANK_CHARGE_TYPE = "FROM"
ROUNDING_EXPENSE_NAME = "Pembulatan"
FEE_EXPENSE_NAME = "Biaya MDR"
PREPAID_EXPENSE_NAME = "Kartu Hadiah"
#: ``percentTaxable`` of an item taxed on the full price (Accurate's default)
FULL_DPP = Decimal("100")


def fmt_date(value):
    return value.strftime(DATE_FORMAT) if value else None


def parse_date(text):
    if not text:
        return None
    return datetime.strptime(text.strip()[:10], DATE_FORMAT).date()


def _put(payload, key, value):
    """Set optional fields only when they carry something."""
    if value not in (None, "", [], {}):
        payload[key] = value
    return payload


# --- outbound ----------------------------------------------------------------
def customer_payload(doc: Customer, today=None):
    payload = {"name": doc.name or doc.reference, "transDate": fmt_date(today or date.today())}
    _put(payload, "customerNo", doc.reference)
    _put(payload, "email", doc.email)
    _put(payload, "mobilePhone", doc.phone)
    _put(payload, "billStreet", doc.street)
    _put(payload, "billCity", doc.city)
    _put(payload, "billZipCode", doc.zip)
    _put(payload, "billCountry", doc.country)
    # Coretax identity: the NPWP (a buyer known by NIK: the NIK, which is its
    # NPWP since 2024) and the NITKU (S8's customer schema; not in S7's list)
    _put(payload, "npwpNo", doc.npwp or doc.nik)
    _put(payload, "nitku", doc.nitku)
    return _put(payload, "id", _int_id(doc.remote_id))


def item_payload(doc: Item, today=None):
    try:
        item_type = ITEM_TYPES[doc.item_type]
    except KeyError:
        raise ValidationError(code="accurate.unknown_item_type",
                                 params={"value": doc.item_type, "ref": doc.reference}) from None
    payload = {"no": doc.reference, "name": doc.name or doc.reference, "itemType": item_type,
               "unit1Name": doc.unit or "PCS", "unitPrice": doc.sale_price}
    _put(payload, "upcNo", doc.barcode)
    if doc.cost_price:
        payload["vendorPrice"] = doc.cost_price
    _put(payload, "salesGlAccountNo", doc.sales_account)
    return _put(payload, "id", _int_id(doc.remote_id))


def _item_lines(lines):
    out = []
    for line in lines:
        row = {"itemNo": line.item_ref, "quantity": line.quantity, "unitPrice": line.unit_price}
        if line.discount_amount:
            row["itemCashDiscount"] = line.discount_amount
        _put(row, "warehouseName", line.warehouse)
        # no itemUnitName: the quantity is in the item's own unit (the addon converts to it), and an item that
        # already existed in Accurate may name that unit otherwise ("PCS" for Odoo's "Units"): Accurate refuses
        # a unit the item has not, and takes the item's unit when none is given (itemUnitName is optional)
        _put(row, "detailName", line.description)
        if line.tax_rate and line.tax_rate > 0:
            if not line.tax_code:
                raise ValidationError(code="accurate.no_tax_mapped", params={
                    "rate": decimal_text(line.tax_rate), "line": line.description or line.item_ref})
            # PPN: the line's own tax record (11% and 12% may share a document);
            # Accurate taxes the document once per tax record, not per line
            row["useTax1"] = True
            row["tax1Name"] = line.tax_code
        out.append(row)
    return out


def sales_invoice_payload(doc: SalesInvoice, today=None):
    payload = {"number": doc.reference, "customerNo": doc.customer_ref, "transDate": fmt_date(doc.date),
               "inclusiveTax": bool(doc.tax_included), "detailItem": _item_lines(doc.lines)}
    if any(line.tax_rate and line.tax_rate > 0 for line in doc.lines):
        payload["taxable"] = True
    _put(payload, "branchName", doc.branch)
    _put(payload, "description", doc.description)
    if doc.rounding_amount:
        if not doc.rounding_account:
            raise ValidationError(code="accurate.no_rounding_account", params={
                "ref": doc.reference, "amount": str(doc.rounding_amount)})
        payload["detailExpense"] = [{"accountNo": doc.rounding_account, "expenseName": ROUNDING_EXPENSE_NAME,
                                     "expenseAmount": doc.rounding_amount}]
    if doc.prepaid_amount:
        if not doc.prepaid_account:
            raise ValidationError(code="accurate.no_gift_card_account", params={
                "ref": doc.reference, "amount": str(doc.prepaid_amount)})
        # a negative expense line: lowers what is owed, debits the liability
        payload.setdefault("detailExpense", []).append({
            "accountNo": doc.prepaid_account, "expenseName": PREPAID_EXPENSE_NAME,
            "expenseAmount": -doc.prepaid_amount})
    _deduction_expenses(payload, doc)
    _regional_expenses(payload, doc)
    return payload


def line_dpp(line):
    """The ``percentTaxable`` a taxed line needs on its item: its DPP, else
    the full price (100)."""
    return line.dpp_percent or FULL_DPP


def item_dpp_payload(remote_id, percent):
    """The edit of an item's DPP (``percentTaxable``, "persentase dasar
    pengenaan pajak", default 100, the one DPP lever Accurate's published
    API documents: on the item, not on the invoice line)."""
    return {"id": _int_id(remote_id), "percentTaxable": percent}


def _regional_expenses(payload, doc):
    """Regional taxes (PB1): Accurate has no regional tax type (its taxes are
    PPN, PPnBM and PPh), so each is a positive expense line ("biaya lain") on
    its liability account: it adds to what the customer owes (on a return,
    to what is credited back) and never enters the PPN total (``tax1Amount``)."""
    for regional in doc.regional_taxes:
        if not regional.account:
            raise ValidationError(code="invoice.regional_tax_no_account", params={
                "ref": doc.reference, "tax": regional.name, "amount": str(regional.amount)})
        payload.setdefault("detailExpense", []).append({
            "accountNo": regional.account, "expenseName": (regional.name or "PB1")[:50],
            "expenseAmount": regional.amount})


def _deduction_expenses(payload, doc):
    """Untaxed amounts off the invoice (discount, voucher, marketplace fee):
    negative expense lines, each on its own account (as gift cards are)."""
    for deduction in doc.deductions:
        if not deduction.account:
            raise ValidationError(code="invoice.deduction_no_account", params={
                "ref": doc.reference, "amount": str(deduction.amount), "what": deduction.description})
        payload.setdefault("detailExpense", []).append({
            "accountNo": deduction.account, "expenseName": (deduction.description or "Potongan")[:50],
            "expenseAmount": -deduction.amount})


def sales_receipt_payload(doc: SalesReceipt, today=None):
    payload = {"number": doc.reference, "customerNo": doc.customer_ref, "transDate": fmt_date(doc.date),
               "bankNo": doc.account, "chequeAmount": doc.amount,
               "detailInvoice": [_receipt_row(line) for line in doc.lines]}
    if any(line.invoice_date and doc.date and line.invoice_date > doc.date for line in doc.lines):
        # paid before the invoice's date (a deposit settled later): Accurate
        # refuses that unless told to, and the payment keeps its own date
        payload["passValidateInvoiceDate"] = True
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


def _receipt_row(line):
    """One paid invoice; what the payer kept back (a marketplace fee) is its
    ``detailDiscount`` on the fee's account: Accurate's "Informasi Diskon".
    Our reading: the discount settles the invoice besides ``paymentAmount``
    and does not enter the bank (``chequeAmount`` is the money only)."""
    row = {"invoiceNo": line.invoice_ref, "paymentAmount": line.amount}
    discounts = []
    for deduction in line.deductions:
        if not deduction.account:
            raise ValidationError(code="receipt.deduction_no_account", params={
                "ref": line.invoice_ref, "amount": str(deduction.amount), "what": deduction.description})
        discounts.append(_put({"accountNo": deduction.account, "amount": deduction.amount},
                              "discountNotes", deduction.description))
    return _put(row, "detailDiscount", discounts)


def sales_return_payload(doc: SalesReturn, today=None):
    payload = {"number": doc.reference, "customerNo": doc.customer_ref, "transDate": fmt_date(doc.date),
               "returnType": "INVOICE" if doc.invoice_ref else "NO_INVOICE",
               # taxDate/taxNumber are marked required; an empty tax number lets
               # Accurate apply its own tax-invoice numbering (per the spec text)
               "taxDate": fmt_date(doc.date), "taxNumber": "",
               "inclusiveTax": bool(doc.tax_included),
               "detailItem": _item_lines(doc.lines), "detailExpense": []}
    _put(payload, "invoiceNumber", doc.invoice_ref)
    if any(line.tax_rate and line.tax_rate > 0 for line in doc.lines):
        payload["taxable"] = True
    _deduction_expenses(payload, doc)
    _regional_expenses(payload, doc)
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


def item_transfer_payload(doc: ItemTransfer, today=None):
    if doc.direction not in ("out", "in"):
        raise ValidationError(code="accurate.transfer_direction",
                                 params={"ref": doc.reference, "value": doc.direction})
    payload = {"number": doc.reference, "transDate": fmt_date(doc.date),
               "itemTransferType": "TRANSFER_OUT" if doc.direction == "out" else "TRANSFER_IN",
               "warehouseName": doc.warehouse,
               # in the item's own unit, as sales lines (see _item_lines)
               "detailItem": [{"itemNo": line.item_ref, "quantity": line.quantity} for line in doc.lines]}
    _put(payload, "referenceWarehouseName", doc.other_warehouse)
    if doc.direction == "in":
        _put(payload, "fromItemTransferNo", doc.out_ref)
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


def item_adjustment_payload(doc: ItemAdjustment, today=None):
    lines = []
    for line in doc.lines:
        row = {"itemNo": line.item_ref, "quantity": line.quantity, "unitCost": line.unit_cost,
               "itemAdjustmentType": "ADJUSTMENT_OUT" if line.direction == "out" else "ADJUSTMENT_IN"}
        lines.append(_put(row, "warehouseName", line.warehouse))
    payload = {"number": doc.reference, "transDate": fmt_date(doc.date), "detailItem": lines}
    _put(payload, "adjustmentAccountNo", doc.account)
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


def bank_transfer_payload(doc: BankTransfer, today=None):
    payload = {"number": doc.reference, "transDate": fmt_date(doc.date), "fromBankNo": doc.from_account,
               "toBankNo": doc.to_account, "fromBankAmount": doc.amount}
    doc.check_fee()
    if doc.fee:
        payload["detailBankTransfer"] = [{"accountNo": doc.fee_account, "amount": doc.fee,
                                          "bankChargeType": BANK_CHARGE_TYPE,
                                          "expenseName": FEE_EXPENSE_NAME}]
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


def customer_refund_payload(doc: CustomerRefund, today=None):
    """A journal voucher: the customer's receivable (with the customer as
    subsidiary) debited, the cash/bank account credited."""
    if not doc.receivable_account:
        raise ValidationError(code="accurate.refund_no_receivable", params={"ref": doc.reference})
    if doc.amount <= ZERO:
        raise ValidationError(code="accurate.refund_no_amount", params={"ref": doc.reference})
    memo = doc.description or "Refund %s" % doc.return_ref
    rows = [{"accountNo": doc.receivable_account, "amount": doc.amount, "amountType": "DEBIT",
             "customerNo": doc.customer_ref, "subsidiaryType": "CUSTOMER", "memo": memo},
            {"accountNo": doc.account, "amount": doc.amount, "amountType": "CREDIT", "memo": memo}]
    payload = {"number": doc.reference, "transDate": fmt_date(doc.date), "detailJournalVoucher": rows}
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", memo)


def journal_voucher_payload(doc: JournalEntry, today=None):
    rows = []
    for line in doc.lines:
        for side, amount in (("DEBIT", line.debit), ("CREDIT", line.credit)):
            if amount:
                rows.append(_put({"accountNo": line.account, "amount": amount, "amountType": side},
                                 "memo", line.description))
    if not rows:
        raise ValidationError(code="accurate.entry_no_amount", params={"ref": doc.reference})
    payload = {"number": doc.reference, "transDate": fmt_date(doc.date), "detailJournalVoucher": rows}
    _put(payload, "branchName", doc.branch)
    return _put(payload, "description", doc.description)


#: document kind -> (Accurate module, payload builder)
BUILDERS = {
    "customer": ("customer", customer_payload),
    "item": ("item", item_payload),
    "sales_invoice": ("sales-invoice", sales_invoice_payload),
    "sales_receipt": ("sales-receipt", sales_receipt_payload),
    "sales_return": ("sales-return", sales_return_payload),
    "item_transfer": ("item-transfer", item_transfer_payload),
    "item_adjustment": ("item-adjustment", item_adjustment_payload),
    "bank_transfer": ("bank-transfer", bank_transfer_payload),
    "customer_refund": ("journal-voucher", customer_refund_payload),
    "journal_entry": ("journal-voucher", journal_voucher_payload),
}


def payload_for(doc, today=None):
    """``(module, payload)`` for one document."""
    try:
        module, build = BUILDERS[doc.kind]
    except KeyError:
        raise ValidationError(code="accurate.unknown_kind", params={"kind": doc.kind}) from None
    return module, build(doc, today=today)


def _int_id(remote_id):
    if not remote_id:
        return None
    text = str(remote_id)
    return int(text) if text.isdigit() else text


# --- inbound -----------------------------------------------------------------
def _name(obj, *keys):
    if isinstance(obj, dict):
        for key in keys:
            if obj.get(key):
                return str(obj[key])
    return ""


def purchase_from_detail(d, doc_type):
    """A ``purchase-invoice``/``purchase-return`` ``detail.do`` record as a
    PurchaseDocument. Tolerates nested objects (``item.no``) and flat keys
    (``itemNo``), since the return's shape is not publicly documented."""
    if not isinstance(d, dict) or "id" not in d:
        raise ValueError("Accurate returned a purchase %s without an id." % doc_type)
    lines = []
    for row in d.get("detailItem") or []:
        lines.append(PurchaseLine(
            item_ref=_name(row.get("item"), "no") or _name(row, "itemNo"),
            quantity=dec(row.get("quantity")),
            unit_price=dec(row.get("unitPrice")),
            warehouse=_name(row.get("warehouse"), "name") or _name(row, "warehouseName"),
            unit=_name(row.get("itemUnit"), "name") or _name(row, "itemUnitName"),
        ))
    vendor = d.get("vendor") or {}
    return PurchaseDocument(
        reference=str(d.get("number") or ""),
        doc_type=doc_type,
        remote_id=str(d["id"]),
        vendor_ref=_name(vendor, "vendorNo", "no") or _name(d, "vendorNo"),
        vendor_name=_name(vendor, "name"),
        date=parse_date(d.get("transDate")),
        lines=lines,
        invoice_ref=_name(d.get("invoice"), "number") or _name(d, "invoiceNumber"),
        total=dec(d.get("totalAmount")),
        version=purchase_version(d),
    )


def purchase_version(d):
    """Sortable edit counter of a ``detail.do`` record: ``optLock`` (raised by
    Accurate on every save) zero-padded, else ``lastUpdate`` (``dd/MM/yyyy
    HH:mm:ss``, Jakarta time) as ``yyyy-MM-dd HH:mm:ss``; "" when neither."""
    lock = d.get("optLock")
    if lock not in (None, "") and str(lock).isdigit():
        return "%012d" % int(lock)
    try:
        return datetime.strptime(str(d.get("lastUpdate") or ""), "%d/%m/%Y %H:%M:%S").strftime(
            "L%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ""
