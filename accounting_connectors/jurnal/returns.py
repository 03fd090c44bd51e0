"""Sales returns on Jurnal, with or without the invoice they came from.

Jurnal's ``sales_returns`` only take back lines of one invoice. A POS shift
also refunds what was bought in an earlier shift (not on this shift's
invoice) or refunds without selling at all (no invoice). Such a return is
booked the way Jurnal books a return without invoice:

- a **credit memo** to the customer for the money (``custom_id`` and
  ``transaction_no`` = our reference). Its lines are account lines only
  (``account_name``, ``description``, ``credit`` in the Swagger): one line per
  returned product on the sales-return account, the tax on the output-tax
  account;
- a **stock adjustment in** (``custom_id``/``transaction_no`` = reference +
  ``/STOCK``) for the tracked products, because a credit memo moves no stock.

A return against its invoice carries our reference in ``memo`` as
``[reference]``: the Swagger documents no ``custom_id`` or
``transaction_no`` on a sales return's create body, so neither is sent
(returns posted by older versions may still carry a ``custom_id``, which
:func:`carries` honours), and :func:`find` searches the invoice's returns
(or, without the invoice, the returns list) for that memo before any retry.

Jurnal values a sales return at the invoice line's own price after its
discount, whatever the return says. When Odoo's credit note values the
returned goods otherwise (a partial credit note that does not give back a
taxed or global discount, a line discount removed), that return would
credit less (or more) than Odoo: :func:`credits_as_odoo` sends it as a
credit memo with Odoo's figures instead, so the customer's balance is
Odoo's to the rupiah.

The adjustment goes first and is looked up before it is sent, so a retry
after a lost answer never books the stock twice; the credit memo goes last,
so finding it (``find("sales_return", reference)``) means the whole return
is in Jurnal. Its body is built before anything is sent, so a return Jurnal
cannot take (unknown product or account) leaves nothing behind.
"""

import re
from decimal import Decimal

from ..documents import ZERO, AdjustmentLine, ItemAdjustment, dec
from ..errors import ValidationError
from . import lookup, mapping

STOCK_SUFFIX = "/STOCK"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
#: chart names tried when the connection names no account (Jurnal's default chart first)
RETURN_ACCOUNTS = ("Retur Penjualan", "Sales Returns", "Sales Return")
TAX_ACCOUNTS = ("PPN Keluaran", "VAT Out", "Output VAT")


def post(client, doc):
    """Post a SalesReturn: against its invoice when every line fits it,
    else as a credit memo plus a stock adjustment."""
    if doc.deductions:
        raise ValidationError(code="jurnal.return_withholding", params={"ref": doc.invoice_ref})
    invoice = client.find("sales_invoice", doc.invoice_ref) if doc.invoice_ref else None
    if doc.invoice_ref and not invoice:
        raise ValidationError(code="jurnal.no_invoice_to_return", params={"ref": doc.invoice_ref})
    # a return whose money goes back (a CustomerRefund follows) must leave a
    # credit memo to refund from, not lower the invoice's amount owing
    keys = invoice_lines(invoice.data, doc.lines) if invoice and not doc.refunded else None
    if doc.regional_taxes:
        # a return line takes back whole units of an invoice line at its price:
        # a partial PB1 is only exact as an account line of a credit memo
        keys = None
    repriced = keys is not None and not credits_as_odoo(invoice.data, keys, doc)
    if repriced:
        keys = None  # Jurnal would value it at the invoice's prices: a credit memo carries Odoo's
    if keys is not None:
        body = mapping.sales_return_payload(doc, keys, client.options)
        body["sales_return"]["memo"] = tagged_memo(doc.description, doc.reference)
        return client._send("POST", "/sales_returns", body, "sales_return")
    body = credit_memo_body(client, doc, repriced)  # resolves everything before the first write
    restock(client, doc)
    return client._send("POST", "/credit_memos", body, "credit_memo")


def invoice_lines(invoice, lines):
    """``[({"transaction_line_id": id}, quantity)]`` when every returned
    product is on the invoice in at least that quantity, else None."""
    found = {}  # product code -> (first line id, quantity invoiced)
    for line in invoice.get("transaction_lines_attributes") or []:
        code = (line.get("product") or {}).get("code")
        line_id, qty = found.get(code, (line.get("id"), ZERO))
        found[code] = (line_id, qty + dec(line.get("quantity"), malformed=ZERO))
    wanted = {}
    for line in lines:
        wanted[line.item_ref] = wanted.get(line.item_ref, ZERO) + line.quantity
    if any(code not in found or qty > found[code][1] for code, qty in wanted.items()):
        return None
    return [({"transaction_line_id": found[line.item_ref][0]}, line.quantity) for line in lines]


def jurnal_credit(invoice, keys):
    """What Jurnal credits for a return of ``keys`` (``[({"transaction_line_id":
    id}, quantity)]``) against ``invoice`` (its GET answer): each returned
    unit at the invoice line's own price after its discount, tax included
    (Jurnal values a sales return at the invoice, whatever the return says)."""
    lines = {str(line.get("id")): line for line in invoice.get("transaction_lines_attributes") or []}
    inclusive = str(invoice.get("use_tax_inclusive", False)).lower() == "true"
    total = ZERO
    for key, quantity in keys:
        line = lines.get(str(key.get("transaction_line_id"))) or {}
        sold = dec(line.get("quantity"), malformed=ZERO)
        if not sold:
            return None
        rate = dec((line.get("line_tax") or {}).get("rate"), malformed=ZERO) or ZERO
        unit = dec(line.get("amount"), malformed=ZERO) / sold
        total += quantity * (unit if inclusive else unit * (1 + rate / HUNDRED))
    return total.quantize(CENT)


def odoo_credit(doc):
    """What the return credits in Odoo: every line after its discount, with
    its tax, to the cent (as :func:`credit_memo_body` books it)."""
    return sum((net + tax for net, tax in (split_tax(line, doc.tax_included) for line in doc.lines)), ZERO)


def credits_as_odoo(invoice, keys, doc):
    """Whether a sales return against ``invoice`` would credit what Odoo's
    credit note does, within a rupiah. It does not when the credit note's
    prices differ from the invoice's: a discount on the invoice (a line %,
    a fixed amount, a global or taxed discount spread over the lines) that
    the partial credit note does not give back, or one it gives differently."""
    jurnal = jurnal_credit(invoice, keys)
    return jurnal is not None and abs(jurnal - odoo_credit(doc)) < 1


def split_tax(line, tax_included):
    """(amount before tax, tax) of a line, to the cent."""
    gross = line.quantity * line.unit_price - (line.discount_amount or ZERO)
    rate = (line.tax_rate or ZERO) / HUNDRED
    if tax_included:
        tax = (gross - gross / (1 + rate)).quantize(CENT)
        return gross - tax, tax
    return gross, (gross * rate).quantize(CENT)


def credit_memo_body(client, doc, repriced=False):
    """The credit memo of a return (``repriced``: its goods are on the
    invoice, at other prices than the invoice's)."""
    if not doc.lines:
        raise ValidationError(code="jurnal.return_no_lines", params={"ref": doc.reference})
    account = _return_account(client)
    tax_account = _named_account(client, "tax_account_name", TAX_ACCOUNTS)
    lines, tax_total = [], ZERO
    for line in doc.lines:
        name = client._product(line.item_ref)["name"]
        net, tax = split_tax(line, doc.tax_included)
        if not tax_account:  # no output-tax account in the chart: the line carries its tax
            net, tax = net + tax, ZERO
        text = "%s [%s] x %s @ %s" % (name, line.item_ref, mapping.num(line.quantity),
                                      mapping.num(line.unit_price))
        if line.discount_amount:
            text += " - %s" % mapping.num(line.discount_amount)
        lines.append({"account_name": account, "description": text, "credit": mapping.num(net)})
        tax_total += tax
    if tax_total:
        lines.append({"account_name": tax_account, "description": "PPN", "credit": mapping.num(tax_total)})
    for regional in mapping.regional_lines(doc):  # PB1 back from its own account, never as PPN
        lines.append({"account_name": client._account_name(regional.account), "description": regional.description,
                      "credit": mapping.num(regional.unit_price)})
    if repriced:
        default = "Return %s of invoice %s at the credit note's prices" % (doc.reference, doc.invoice_ref)
    elif doc.invoice_ref:
        default = "Return %s (items not on invoice %s)" % (doc.reference, doc.invoice_ref)
    else:
        default = "Return %s without invoice" % doc.reference
    memo = doc.description or default
    return {"credit_memo": mapping._drop_empty({
        "person_name": client._person_name(doc.customer_ref),
        "person_type": "customer",
        "transaction_date": mapping.dmy(doc.date),
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": memo,
        "transaction_account_lines_attributes": lines,
    })}


def restock(client, doc):
    """The stock adjustment in for the tracked products; the one Jurnal
    already holds under our reference is returned instead of a second."""
    lines = [AdjustmentLine(line.item_ref, line.quantity, "in", warehouse=line.warehouse)
             for line in doc.lines if line.quantity > 0 and _tracked(client._product(line.item_ref))]
    if not lines:
        return None
    reference = doc.reference + STOCK_SUFFIX
    found = client.find("item_adjustment", reference)
    if found:
        return found
    return client.post(ItemAdjustment(reference, date=doc.date, lines=lines,
                                      account=client.options.get("return_stock_account", ""),
                                      description="Stock back from return %s" % doc.reference))


def tagged_memo(memo, reference):
    """The memo with our reference in it, where :func:`carries` finds it."""
    return "%s [%s]" % (memo or "Return", reference)


def reference_of(rec):
    """Our reference of a sales return Jurnal holds (its ``custom_id``, else
    the tag :func:`tagged_memo` put in its memo), or None."""
    if rec.get("custom_id"):
        return rec["custom_id"]
    found = re.search(r"\[([^\[\]]+)\]\s*$", rec.get("memo") or "") if isinstance(rec.get("memo"), str) else None
    return found.group(1) if found else None


def carries(rec, reference):
    """Whether a sales return Jurnal holds is ours: by ``custom_id`` where
    Jurnal kept it, else by the reference tag in its memo."""
    memo = rec.get("memo")
    return rec.get("custom_id") == reference or (isinstance(memo, str) and "[%s]" % reference in memo)


def find(client, reference, parent=None):
    """The return (or the credit memo of a return without invoice) carrying
    ``reference``, or None. With ``parent`` (its invoice reference) the
    invoice's own returns are read; without it, the returns list (at most
    ``lookup.FIND_MAX_PAGES`` pages)."""
    listed = through_invoice(client, reference, parent) if parent else False
    if listed is False:  # no invoice named, or it does not list its returns: search them all
        listed = next((lookup.found(r) for r in client._pages("sales_returns", max_pages=lookup.max_pages(client))
                       if carries(r, reference)), None)
    return listed or find_credit_memo(client, reference)


def through_invoice(client, reference, parent):
    """Our return among the returns of invoice ``parent`` (each read by its
    id); None when it is not there, False when the invoice cannot tell."""
    invoice = client.find("sales_invoice", parent)
    if invoice is None or not isinstance(invoice.data.get("sales_returns"), list):
        return False
    for entry in invoice.data["sales_returns"]:
        ident = entry.get("id") if isinstance(entry, dict) else None
        if ident in (None, ""):
            continue
        rec, res = lookup.get(client, "sales_returns", "sales_return", ident)
        if rec is not None and carries(rec, reference):
            return lookup.found(rec, res)
    return None


def find_credit_memo(client, reference):
    return lookup.find_one(client, "credit_memo", reference)


def _tracked(product):
    return str(product.get("track_inventory", True)).lower() not in ("false", "0", "none")


def _named_account(client, option, names):
    if client.options.get(option):
        return client._account_name(client.options[option])
    accounts = {a["name"]: a for a in client.list_accounts()}
    return next((name for name in names if name in accounts), None)


def _return_account(client):
    """The account the returned sales are booked against: the connection's,
    else the chart's sales-return account, else its first income account."""
    name = _named_account(client, "sales_return_account_name", RETURN_ACCOUNTS)
    name = name or next((a["name"] for a in client.list_accounts()
                         if any(w in (a["type"] or "").lower() for w in ("income", "pendapatan"))
                         and "other" not in (a["type"] or "").lower()), None)
    if not name:
        raise ValidationError(code="jurnal.no_return_account")
    return name
