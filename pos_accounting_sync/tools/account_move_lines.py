"""Customer invoice lines (account.move.line) -> accounting_connectors
invoice lines and deductions.

- goods (a product with an internal reference) are item lines;
- a line of a mapped kind (accounting.invoice.line.kind) that adds money
  (shipping, a charge) is a line of the account item of its remote account,
  with its own tax;
- a line of a mapped kind that takes money off without tax (a marketplace
  fee, a platform voucher, an untaxed discount) is a deduction on its remote
  account;
- a line that takes money off with tax (a discount on taxed goods), mapped
  or not, lowers the goods of its tax as line discounts: neither provider
  takes a negative taxed line, and this keeps each tax's base, so the remote
  tax, equal to Odoo's.

Money comes from what Odoo computed on each line (``price_subtotal`` /
``price_total``); the tax the remote system computes per document is the
only figure left to it, and any gap goes on the rounding account.
"""

from decimal import Decimal
from types import SimpleNamespace

from accounting_connectors.documents import ZERO, Deduction, InvoiceLine, RegionalTax, account_item_ref

from ..models import accounting_messages as msgs
from .amounts import dec, money, plain
from .item_units import item_code, unit_ratio
from .pos_sales_lines import _ceil, _spread_discounts, check_skus, line_dpp, rounding_gap


def move_line_tax(line, connection=None):
    """``(rate, included, tax)`` of an invoice line: one plain percentage tax
    (``tax`` empty when untaxed), or a plain error naming the line. Taxes
    ``connection`` maps as regional (PB1) travel apart (:func:`move_regional_taxes`)."""
    taxes = line.tax_ids.flatten_taxes_hierarchy().filtered("amount")
    if connection:
        taxes -= connection._regional_taxes()
    if any(t.amount_type != "percent" for t in taxes) or len(taxes) > 1:
        raise msgs.user_error(line.env, "invoice.invoice_line_carries_accounting",
                              line=line.name or line.product_id.display_name, taxes=", ".join(taxes.mapped("name")))
    return plain(dec(taxes.amount, 4)) if taxes else ZERO, bool(taxes.price_include), taxes


def product_lines(move):
    return move.invoice_line_ids.filtered(lambda l: l.display_type == "product")


def goods_products(move, connection):
    """Products that travel as items (to create remotely first)."""
    return product_lines(move).filtered(
        lambda l: not connection._invoice_line_kind(l) and l.product_id
        and not l.currency_id.compare_amounts(l.price_subtotal, 0) < 0).product_id


def invoice_lines(move, connection, warehouse=""):
    """``(InvoiceLine list, deductions, tax_included, rounding gap)`` of a
    customer invoice or credit note (quantities and money positive)."""
    currency = move.currency_id
    lines = product_lines(move)
    taxed = [found for found in (move_line_tax(l, connection) for l in lines) if found[0]]
    tax_included = bool(taxed) and all(included for _r, included, _t in taxed)
    regional = connection._regional_taxes()
    # with a regional tax the money goes out without any tax (its own is sent apart)
    tax_included = tax_included and not (lines.tax_ids.flatten_taxes_hierarchy() & regional)
    field = "price_total" if tax_included else "price_subtotal"
    price_digits = move.env["decimal.precision"].precision_get("Product Price")
    out, deductions, discounts = [], [], []
    goods = lines.filtered(lambda l: not connection._invoice_line_kind(l)
                           and not currency.compare_amounts(l.price_subtotal, 0) < 0)
    missing = goods.filtered(lambda l: not l.product_id)
    if missing:
        raise msgs.user_error(connection.env, "invoice.invoice_line_product_give", line=missing[0].name,
                              conn=connection.display_name)
    check_skus(goods.product_id)
    for line in lines.sorted(lambda l: (l.sequence, l.id)):
        kind = connection._invoice_line_kind(line)
        rate, included, tax = move_line_tax(line, connection)
        code = connection._remote_tax(tax) if rate else ""
        line_money = money(currency, line[field])
        label = line.name or line.product_id.display_name or ""
        if line_money < 0:
            if kind and not rate:
                deductions.append(Deduction(account=kind.remote_account, amount=-line_money,
                                            description=label[:100]))
            else:
                discounts.append((SimpleNamespace(full_product_name=label, product_id=line.product_id),
                                  (rate, code), -line_money))
            continue
        account = kind.remote_account if kind else ""
        # goods go out in the remote item's unit (the product's): a pack of 6 is 6 units
        ratio = Decimal(1) if account else unit_ratio(line.product_uom_id, line.product_id)
        quantity = plain((dec(abs(line.quantity), 3) or dec(1)) * ratio)
        if included and not tax_included:
            unit_price = _ceil(money(currency, line.price_subtotal) / quantity, price_digits)
        else:
            unit_price = _ceil(dec(line.price_unit, price_digits) / ratio, price_digits)
        out.append(InvoiceLine(
            item_ref=account_item_ref(account) if account else item_code(line.product_id),
            quantity=plain(quantity), unit_price=unit_price, description=label[:200],
            discount_amount=quantity * unit_price - line_money, tax_rate=rate, tax_code=code,
            dpp_percent=line_dpp(connection, tax),
            warehouse="" if account else warehouse,
            unit="" if account else line.product_id.uom_id.name or "", account=account))
    _spread_discounts(out, discounts, currency)
    taken_off = sum((d.amount for d in deductions), ZERO)
    regional_total = sum((r.amount for r in move_regional_taxes(move, connection)), ZERO)
    gap = rounding_gap(out, tax_included, money(currency, abs(move.amount_total)) - regional_total,
                       prepaid=taken_off)
    return out, deductions, tax_included, gap


def move_regional_taxes(move, connection):
    """The regional taxes (PB1) of a customer invoice or credit note as Odoo
    booked them (its tax lines), one :class:`RegionalTax` per tax, positive."""
    regional = connection._regional_taxes()
    out = []
    for tax in regional:
        booked = move.line_ids.filtered(lambda l, t=tax: l.tax_line_id == t)
        amount = money(move.currency_id, abs(sum(booked.mapped("balance"))))
        if amount:
            out.append(RegionalTax(name=tax.invoice_label or tax.name,
                                   account=connection._tax_map_line(tax).regional_account, amount=amount))
    return out
