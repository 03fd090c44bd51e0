"""Provider-neutral documents.

Every document carries ``reference``: our own idempotency key, stored by the
remote system (Accurate ``number``, Jurnal ``custom_id``) so that a document is
never posted twice and can be looked up after an ambiguous failure.
Money is ``Decimal``; dates are ``datetime.date``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from .errors import ValidationError

ZERO = Decimal("0")
#: a ReceiptVoid's reference is the receipt's own plus this
VOID_SUFFIX = "/VOID"
#: the reference of a POS sales journal entry (sales posted as journal entries): ``POS/<chain>/JE``
POS_PREFIX, POS_JOURNAL_SUFFIX = "POS/", "/JE"


def is_pos_journal_entry(reference):
    """Whether ``reference`` (text or None) names one of our POS sales
    journal entries (``POS/.../JE``, the prefix in any case); the cash
    over/short entries (``.../CASH``), payout fees and refunds do not."""
    ref = str(reference or "")
    return ref[:len(POS_PREFIX)].upper() == POS_PREFIX and ref.endswith(POS_JOURNAL_SUFFIX)


def dec(value, default=ZERO, malformed=None):
    """An amount read from an answer or a request (int, float, Decimal, text
    or None) as an exact Decimal: a float through its shortest text
    (0.1 -> ``Decimal("0.1")``, never its binary value), None or "" ->
    ``default``. Text that is no number raises InvalidOperation (under
    :func:`.shapes.guarded`, an unexpected answer), or reads as ``malformed``
    when one is given."""
    if value is None or value == "":
        return default
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        if malformed is None:
            raise
        return malformed


@dataclass
class Document:
    reference: str

    #: the kind name the engine stores on a sync job (``sales_invoice``...)
    kind = "document"

    def parent_ref(self):
        """Our reference of the document this one hangs under (a return's
        invoice, a refund's return), or "": where the provider documents no
        field for our reference, the look-up searches through that parent."""
        return ""

    def to_dict(self):
        """Plain JSON-able dict (Decimals and dates as strings), for logs."""
        return _plain(dataclasses.asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


@dataclass
class Customer(Document):
    """A customer; ``reference`` is the number wanted remotely (or empty to
    let the remote system number it)."""

    kind = "customer"
    name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    zip: str = ""
    country: str = ""
    #: Coretax identity (digits only, "" when none): NPWP (16), NIK (16), NITKU (22)
    npwp: str = ""
    nik: str = ""
    nitku: str = ""
    #: the remote id once known: the client then updates instead of creating
    remote_id: str = ""


@dataclass
class Item(Document):
    """A product; ``reference`` is its SKU (Odoo internal reference)."""

    kind = "item"
    name: str = ""
    item_type: str = "inventory"  # inventory | service | non_inventory
    unit: str = "PCS"
    sale_price: Decimal = ZERO
    cost_price: Decimal = ZERO
    barcode: str = ""
    remote_id: str = ""
    #: the remote sales account of the item (account items, see InvoiceLine.account)
    sales_account: str = ""


@dataclass
class InvoiceLine:
    item_ref: str
    quantity: Decimal
    unit_price: Decimal
    description: str = ""
    #: discount in money for the whole line (not per unit)
    discount_amount: Decimal = ZERO
    #: tax rate in percent (11 for PPN 11%); prices exclude tax unless the
    #: invoice says ``tax_included``
    tax_rate: Decimal = ZERO
    warehouse: str = ""
    unit: str = ""
    #: the remote tax of the line (Accurate tax record name, Jurnal tax
    #: name), from the connection's tax mapping; empty when untaxed
    tax_code: str = ""
    #: a line booked to this remote account (tip, service charge, gift card
    #: sold) instead of an item: ``item_ref`` is then the account item the
    #: client keeps for it (:func:`account_item_ref`)
    account: str = ""
    #: the share of the line money the remote tax record's rate applies to,
    #: in percent (DPP, "dasar pengenaan pajak"); ZERO means the full price.
    #: PPN 2025: 11/12 of the price (91.666667) under a 12% record, so the
    #: tax is 11% of the price (see :func:`dpp_percent`)
    dpp_percent: Decimal = ZERO


def dpp_percent(effective_rate, record_rate):
    """The DPP (percent of the price, 6 places as Accurate's
    ``percentTaxable`` takes it) on which a tax record of ``record_rate``
    percent charges ``effective_rate`` percent of the price: 11 on a 12%
    record gives 91.666667. ZERO when the rates are equal (full price).
    Raises ValueError when the record's rate is not above the effective one."""
    effective_rate, record_rate = Decimal(effective_rate), Decimal(record_rate)
    if effective_rate == record_rate:
        return ZERO
    if not ZERO < effective_rate < record_rate:
        raise ValueError("a DPP below the price needs a record rate above the effective rate")
    return (effective_rate * 100 / record_rate).quantize(Decimal("0.000001"))


@dataclass
class RegionalTax:
    """A regional tax on the document (PB1, restaurant/hotel tax): not PPN,
    so never a tax of the accounting system; ``amount`` (positive, what
    Odoo computed on subtotal plus service charge) is owed on ``account``
    (remote liability account number)."""

    name: str
    account: str
    amount: Decimal


@dataclass
class Deduction:
    """An amount taken off what the customer owes, booked to ``account``
    (remote account number): an untaxed discount, voucher or marketplace fee
    on an invoice, or a fee the marketplace kept out of a payment."""

    account: str
    amount: Decimal  # positive
    description: str = ""


@dataclass
class SalesInvoice(Document):
    kind = "sales_invoice"
    customer_ref: str = ""
    date: date = None
    lines: list[InvoiceLine] = field(default_factory=list)
    branch: str = ""
    description: str = ""
    tax_included: bool = False
    #: rounding difference booked on this account (Odoo cash rounding)
    rounding_amount: Decimal = ZERO
    rounding_account: str = ""
    due_date: date = None
    #: what gift cards / eWallets paid (positive): lowers what the customer
    #: owes and is debited to this (liability) account
    prepaid_amount: Decimal = ZERO
    prepaid_account: str = ""
    #: untaxed amounts taken off the invoice, each on its own account
    #: (Accurate: negative expense lines; Jurnal: its one withholding)
    deductions: list[Deduction] = field(default_factory=list)
    #: regional taxes (PB1...) Odoo computed, each owed on its own account
    regional_taxes: list[RegionalTax] = field(default_factory=list)


@dataclass
class ReceiptLine:
    invoice_ref: str
    #: money received for this invoice (what enters the cash/bank account)
    amount: Decimal
    #: the date the paid invoice carries remotely, when known: a payment is
    #: never sent dated before it (see the providers' mappings)
    invoice_date: date = None
    #: kept back by the payer (a marketplace's fee): settles the invoice too,
    #: booked on each deduction's account ("Informasi Diskon" in Accurate)
    deductions: list[Deduction] = field(default_factory=list)

    @property
    def settled(self):
        """What this line takes off the invoice: money plus deductions."""
        return self.amount + sum((d.amount for d in self.deductions), ZERO)


@dataclass
class SalesReceipt(Document):
    """Money received into a cash/bank account, paying one or more invoices."""

    kind = "sales_receipt"
    customer_ref: str = ""
    date: date = None
    account: str = ""  # remote cash/bank account number
    lines: list[ReceiptLine] = field(default_factory=list)
    branch: str = ""
    description: str = ""

    @property
    def amount(self):
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class SalesReturn(Document):
    kind = "sales_return"
    customer_ref: str = ""
    date: date = None
    lines: list[InvoiceLine] = field(default_factory=list)
    invoice_ref: str = ""  # empty: a return not tied to an invoice
    branch: str = ""
    description: str = ""
    tax_included: bool = False
    def parent_ref(self):
        return self.invoice_ref

    #: where the refund money left from (cash/bank account), if refunded
    refund_account: str = ""
    #: the money goes back to the customer (CustomerRefund documents follow):
    #: the return must leave a credit to refund, not lower an open invoice
    refunded: bool = False
    #: deductions of the invoice given back with it (see SalesInvoice)
    deductions: list[Deduction] = field(default_factory=list)
    #: regional taxes (PB1...) Odoo computed, each owed on its own account
    regional_taxes: list[RegionalTax] = field(default_factory=list)


@dataclass
class TransferLine:
    item_ref: str
    quantity: Decimal
    unit: str = ""


@dataclass
class ItemTransfer(Document):
    """One leg of a two-step transfer: ``out`` of ``warehouse`` bound for
    ``other_warehouse``, or ``in`` to ``warehouse`` of what the transfer out
    ``out_ref`` (from ``other_warehouse``) put in transit. Goods wait in
    ``transit_warehouse`` in between: Jurnal moves them there by name,
    Accurate keeps its own system transit warehouse and ignores it."""

    kind = "item_transfer"
    direction: str = "out"  # out | in
    date: date = None
    warehouse: str = ""
    other_warehouse: str = ""
    out_ref: str = ""
    transit_warehouse: str = ""
    lines: list[TransferLine] = field(default_factory=list)
    branch: str = ""
    description: str = ""


@dataclass
class AdjustmentLine:
    item_ref: str
    quantity: Decimal  # always positive; direction says in or out
    direction: str = "in"  # in | out
    unit_cost: Decimal = ZERO
    warehouse: str = ""


@dataclass
class ItemAdjustment(Document):
    kind = "item_adjustment"
    date: date = None
    account: str = ""  # the reason (adjustment) account
    lines: list[AdjustmentLine] = field(default_factory=list)
    branch: str = ""
    description: str = ""


@dataclass
class BankTransfer(Document):
    """Money moved between two cash/bank accounts; ``fee`` (e.g. MDR) is kept
    by the provider and booked on ``fee_account``."""

    kind = "bank_transfer"
    date: date = None
    from_account: str = ""
    to_account: str = ""
    amount: Decimal = ZERO  # what left the source account
    fee: Decimal = ZERO
    fee_account: str = ""
    description: str = ""
    branch: str = ""

    def check_fee(self):
        """Refuse a fee below 0, one that eats the whole amount, or a fee
        without its account. Raises ValidationError (codes ``transfer.fee_range`` / ``transfer.no_fee_account``): the
        document fails, the connection goes on."""
        if self.fee < ZERO or self.fee >= self.amount:
            raise ValidationError(code="transfer.fee_range", params={
                "ref": self.reference, "fee": str(self.fee), "amount": str(self.amount)})
        if self.fee and not self.fee_account:
            raise ValidationError(code="transfer.no_fee_account",
                                  params={"ref": self.reference, "amount": str(self.fee)})


@dataclass
class CustomerRefund(Document):
    """Money paid back to a customer out of a cash/bank account, against the
    credit a sales return (``return_ref``) left. Accurate books it as a journal
    voucher (debit the customer's receivable, credit the cash account), Jurnal
    as a credit-memo refund of the return's credit memo."""

    kind = "customer_refund"
    customer_ref: str = ""
    date: date = None
    account: str = ""  # remote cash/bank account number the money left
    amount: Decimal = ZERO
    return_ref: str = ""
    #: the customers' receivable account (Accurate's journal voucher needs it)
    receivable_account: str = ""
    branch: str = ""
    description: str = ""

    def parent_ref(self):
        return self.return_ref


@dataclass
class JournalLine:
    account: str  # remote account number
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""


@dataclass
class JournalEntry(Document):
    """A balanced general-journal entry (cash over/short at closing...)."""

    kind = "journal_entry"
    date: date = None
    lines: list[JournalLine] = field(default_factory=list)
    branch: str = ""
    description: str = ""


@dataclass
class ReceiptVoid(Document):
    """Undo a sales receipt already posted (``receipt_ref``): the settlement
    behind it was undone in Odoo. Both providers delete the payment, which
    puts the invoice's amount owing back."""

    kind = "receipt_void"
    receipt_ref: str = ""
    description: str = ""


@dataclass
class PurchaseLine:
    item_ref: str
    quantity: Decimal
    unit_price: Decimal = ZERO
    warehouse: str = ""
    unit: str = ""


@dataclass
class PurchaseDocument(Document):
    """An inbound purchase invoice or return read from the remote system;
    ``reference`` is the remote document number."""

    kind = "purchase"
    doc_type: str = "invoice"  # invoice | return | receipt (goods received without an invoice)
    remote_id: str = ""
    vendor_ref: str = ""
    vendor_name: str = ""
    date: date = None
    lines: list[PurchaseLine] = field(default_factory=list)
    invoice_ref: str = ""  # for a return: the invoice it returns against
    total: Decimal = ZERO
    deleted: bool = False
    #: the remote edit counter as text that sorts like the edits (Accurate
    #: ``optLock`` zero-padded, Jurnal ``updated_at`` ISO): a higher one is newer
    version: str = ""
    created_on: date = None  # the day the remote system created it (Jurnal polling windows)


def account_item_ref(account):
    """The code of the service item that carries lines booked to a remote
    account (Jurnal has no account line on a sales invoice; one code per
    account on both providers keeps a single rule)."""
    return "ACC-%s" % account


KINDS = {
    cls.kind: cls
    for cls in (
        Customer,
        Item,
        SalesInvoice,
        SalesReceipt,
        SalesReturn,
        ItemTransfer,
        ItemAdjustment,
        BankTransfer,
        PurchaseDocument,
        CustomerRefund,
        JournalEntry,
        ReceiptVoid,
    )
}
