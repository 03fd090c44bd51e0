"""POS order lines -> accounting_connectors invoice lines.

Plain helpers shared by the per-shift (pos.session) and per-order (pos.order)
documents. Amounts come from what Odoo itself computed and rounded on each
line (``price_subtotal`` / ``price_subtotal_incl``), so a grouped remote line
totals exactly what the session's journal entry holds for those lines; the
only figure the remote system computes itself is the tax of the document,
and :func:`rounding_gap` measures how far that lands from Odoo's.
"""

from collections import OrderedDict
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytz

from odoo import _, fields
from odoo.exceptions import UserError

from accounting_connectors.documents import ZERO, InvoiceLine

HUNDRED = Decimal("100")
#: the business day of a shop with no time zone set anywhere (Indonesia's WIB)
DEFAULT_TZ = "Asia/Jakarta"


def shop_tz(config):
    """The shop's time zone: the outlet's (a ``tz`` field, where a module
    adds one), else the company's partner's, else Asia/Jakarta. Never the
    user's: the worker runs as OdooBot, who has none."""
    name = (config and "tz" in config._fields and config.tz) or config.company_id.partner_id.tz or DEFAULT_TZ
    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return pytz.timezone(DEFAULT_TZ)


def local_date(config, moment):
    """The shop's calendar day of a UTC ``moment`` (naive datetime, as Odoo stores it)."""
    moment = fields.Datetime.to_datetime(moment) or datetime.utcnow()
    return pytz.utc.localize(moment).astimezone(shop_tz(config)).date()


def business_date(source, session, stop_at=None):
    """The date every document of ``source`` carries: an order's local day
    (per-order posting), else the day of the session's journal entry (what
    the books hold), else the local day the shift closed."""
    config = session.config_id
    if source._name == "pos.order":
        return local_date(config, source.date_order)
    if session.move_id:
        return session.move_id.date
    return local_date(config, stop_at or session.stop_at)


def dec(value, digits=2):
    """Exact Decimal of an already-rounded Odoo float (never float maths)."""
    return Decimal("%.*f" % (digits, value or 0.0))


def plain(value):
    """2.000 -> 2, 2.500 -> 2.5 (never 1E+1)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def money(currency, value):
    return dec(currency.round(value or 0.0), currency.decimal_places)


def tax_rate(line):
    """Percent rate of the line's taxes (after fiscal position); only plain
    percent taxes can be expressed as a remote line's tax rate."""
    taxes = line.tax_ids_after_fiscal_position.flatten_taxes_hierarchy()
    if any(t.amount_type != "percent" for t in taxes):
        raise UserError(_(
            "The product “%(product)s” carries a tax that is not a plain percentage; "
            "the accounting system only receives percentage taxes.",
            product=line.product_id.display_name))
    if len(set(taxes.mapped("price_include"))) > 1:
        raise UserError(_(
            "The product “%(product)s” mixes taxes included in and excluded from the price.",
            product=line.product_id.display_name))
    return plain(dec(sum(taxes.mapped("amount")), 4)), bool(taxes) and taxes[0].price_include


def postable_lines(lines):
    """Lines that carry goods: an Odoo 18 combo parent line is only a header
    (its price is spread over the component lines), so it is skipped and its
    components post instead, keeping remote stock right."""
    return lines.filtered(lambda l: not (l.product_id.type == "combo"
                                         and l.currency_id.is_zero(l.price_subtotal_incl)))


def check_skus(products):
    """Raise one plain message naming every product that cannot be posted."""
    problems = products._accounting_sku_problems()
    if problems:
        raise UserError(_(
            "These products cannot be posted until they have a unique internal reference "
            "(SKU): %s. Fix them (Products > Internal Reference), then press Retry.",
            "; ".join("%s (%s)" % (p.display_name, why) for p, why in problems.items())))


def group_lines(lines, warehouse="", sign=1):
    """Group POS lines with the given quantity sign by product, unit price,
    discount and tax: ``(InvoiceLine list, tax_included, odoo_total)``.

    The remote line's money = quantity x unit price - discount_amount equals
    the sum of Odoo's rounded subtotals (tax included when the prices are)."""
    groups = OrderedDict()
    included_flags = set()
    lines = postable_lines(lines).filtered(lambda l: (l.qty > 0) == (sign > 0) and l.qty)
    for line in lines.sorted(lambda l: (l.product_id.id, l.id)):
        rate, included = tax_rate(line)
        if rate:
            included_flags.add(included)
        key = (line.product_id.id, line.price_unit, line.discount, rate)
        groups.setdefault(key, []).append(line)
    if len(included_flags) > 1:
        raise UserError(_("This shift mixes prices with tax included and excluded; "
                          "post them from separate outlets."))
    tax_included = included_flags == {True}
    out, odoo_total = [], ZERO
    for (_pid, price_unit, discount, rate), group in groups.items():
        first = group[0]
        currency = first.currency_id
        price_digits = first.env["decimal.precision"].precision_get("Product Price")
        qty_digits = first.product_uom_id.rounding and max(
            0, -Decimal(str(first.product_uom_id.rounding)).as_tuple().exponent) or 3
        quantity = sum((dec(abs(l.qty), qty_digits) for l in group), ZERO)
        unit_price = dec(price_unit, price_digits)
        field = "price_subtotal_incl" if tax_included else "price_subtotal"
        line_money = sum((money(currency, abs(l[field])) for l in group), ZERO)
        odoo_total += sum((money(currency, abs(l.price_subtotal_incl)) for l in group), ZERO)
        description = (first.full_product_name
                       or first.product_id.with_context(display_default_code=False).display_name)
        if discount:
            description = "%s (-%s%%)" % (description, plain(dec(discount, 2)))
        out.append(InvoiceLine(
            item_ref=first.product_id.default_code or "",
            quantity=plain(quantity),
            unit_price=unit_price,
            description=description,
            discount_amount=quantity * unit_price - line_money,
            tax_rate=rate,
            warehouse=warehouse,
            unit=first.product_uom_id.name or "",
        ))
    return out, tax_included, odoo_total


def remote_total(invoice_lines, tax_included):
    """What the accounting system will total these lines to: line money plus
    the tax it computes once per rate on the document (Accurate and Jurnal
    both tax the document, not each line)."""
    base_by_rate = OrderedDict()
    total = ZERO
    for line in invoice_lines:
        line_money = line.quantity * line.unit_price - line.discount_amount
        total += line_money
        base_by_rate[line.tax_rate] = base_by_rate.get(line.tax_rate, ZERO) + line_money
    if tax_included:
        return total
    for rate, base in base_by_rate.items():
        total += (base * rate / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return total


def rounding_gap(invoice_lines, tax_included, odoo_total):
    """Odoo's total minus the remote one: booked on the rounding account so
    the remote document totals exactly what Odoo recorded."""
    return odoo_total - remote_total(invoice_lines, tax_included)
