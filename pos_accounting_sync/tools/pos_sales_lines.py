"""POS order lines -> accounting_connectors invoice lines.

Plain helpers shared by the per-shift (pos.session) and per-order (pos.order)
documents. Amounts come from what Odoo itself computed and rounded on each
line (``price_subtotal`` / ``price_subtotal_incl``), so a grouped remote line
totals exactly what the session's journal entry holds for those lines; the
only figure the remote system computes itself is the tax of the document,
and :func:`rounding_gap` measures how far that lands from Odoo's.
"""

from collections import OrderedDict
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from accounting_connectors.documents import ZERO, InvoiceLine, RegionalTax, account_item_ref

from ..models import accounting_messages as msgs
from .amounts import dec, money, plain
from .item_units import item_code, unit_ratio
from .sync_causes import SyncDataError

HUNDRED = Decimal("100")


def line_tax(line, connection=None):
    """``(rate, included, tax)`` of a POS line after fiscal position: a
    remote line carries one plain percentage tax (``tax`` empty when
    untaxed). Taxes ``connection`` maps as regional (PB1) are not the
    line's tax: they travel apart (:func:`regional_taxes`)."""
    taxes = line.tax_ids_after_fiscal_position.flatten_taxes_hierarchy().filtered("amount")
    if connection:
        taxes -= connection._regional_taxes()
    if any(t.amount_type != "percent" for t in taxes) or len(taxes) > 1:
        raise msgs.user_error(line.env, "pos.product_carries_accounting_system", product=line.product_id.display_name,
                              taxes=", ".join(taxes.mapped("name")))
    return plain(dec(taxes.amount, 4)) if taxes else ZERO, bool(taxes.price_include), taxes


def line_dpp(connection, tax):
    """The DPP (percent, :func:`accounting_connectors.documents.dpp_percent`)
    a line taxed with ``tax`` carries: ZERO on the full price."""
    if not tax:
        return ZERO
    mapped = connection._tax_map_line(tax)
    return dec(mapped.dpp_percent, 6) if mapped and mapped.treatment == "ppn_dpp" else ZERO


def line_tax_amounts(line):
    """``[(tax, amount float)]`` of one POS line, each tax as Odoo computes
    the line (price after discount, on the line's own base: a service-charge
    line taxed with PB1 adds its base, so PB1 is on subtotal plus service
    charge); unrounded, in Odoo's order."""
    price = line.price_unit * (1 - (line.discount or 0.0) / 100.0)
    res = line.tax_ids_after_fiscal_position.compute_all(
        price, line.order_id.currency_id, line.qty, product=line.product_id, partner=line.order_id.partner_id)
    return [(line.env["account.tax"].browse(row["id"]), row["amount"]) for row in res["taxes"]]


def _regional_amounts(line, regional):
    """``{tax: amount}`` of the regional taxes of one POS line (see :func:`line_tax_amounts`)."""
    if not (line.tax_ids_after_fiscal_position.flatten_taxes_hierarchy() & regional):
        return {}
    out = {}
    for tax, amount in line_tax_amounts(line):
        if tax in regional:
            out[tax] = out.get(tax, 0.0) + amount
    return out


def regional_taxes(lines, connection, sign=1):
    """The regional taxes (PB1) of the POS lines of that quantity sign, one
    :class:`RegionalTax` per tax with Odoo's amount (positive) and the
    account the connection maps it to."""
    regional = connection._regional_taxes()
    lines = postable_lines(lines).filtered(lambda l: (l.qty > 0) == (sign > 0) and l.qty)
    if not regional or not lines:
        return []
    currency = lines[:1].currency_id
    totals = OrderedDict()
    for line in lines.sorted("id"):
        for tax, amount in _regional_amounts(line, regional).items():
            totals[tax] = totals.get(tax, 0.0) + amount
    return [RegionalTax(name=tax.invoice_label or tax.name, account=connection._tax_map_line(tax).regional_account,
                        amount=money(currency, amount * sign))
            for tax, amount in totals.items() if not currency.is_zero(amount)]


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
        names = "; ".join("%s (%s)" % (p.display_name, why) for p, why in problems.items())
        raise msgs.user_error(products.env, "pos.products_posted_until_they", names, cls=SyncDataError,
                              causes=list(problems))


def _gift_card_products(env):
    """Products that sell a gift card or an eWallet top-up (a liability,
    not a sale), when the loyalty module is installed."""
    if "loyalty.program" not in env:
        return env["product.product"]
    programs = env["loyalty.program"].sudo().with_context(active_test=False).search(
        [("program_type", "in", ("gift_card", "ewallet"))])
    return programs.trigger_product_ids | programs.rule_ids.product_ids


def _redeems_gift_card(line):
    reward = "reward_id" in line._fields and line.reward_id
    return bool(reward) and reward.program_id.program_type in ("gift_card", "ewallet")


def line_role(line, connection, gift_cards):
    """What a POS line is on the remote document: ``("goods", "")`` an
    item; ``("account", field)`` a line booked to the connection's account
    ``field``; ``("prepaid", field)`` a gift card/eWallet spent (lowers what
    is owed); ``("discount", "")`` a reward, promotion or global discount,
    spread over the lines it discounts. Only goods need an internal reference;
    a connection posting journal entries books goods to its sales account."""
    product = line.product_id
    if _redeems_gift_card(line):
        return "prepaid", "gift_card_account"
    if line.currency_id.compare_amounts(line.price_subtotal_incl * (1 if line.qty > 0 else -1), 0) < 0:
        return "discount", ""
    if product == line.order_id.config_id.tip_product_id:
        return "account", "tip_account"
    if product in gift_cards:
        return "account", "gift_card_account"
    if not item_code(product) and product.type == "service":
        return "account", "service_account"
    if connection.sales_posting == "journal_entry":
        return "account", "sales_account"  # no item: items and stock stay in Odoo
    return "goods", ""


def goods_lines(lines, connection):
    gift_cards = _gift_card_products(lines.env)
    return lines.filtered(lambda l: line_role(l, connection, gift_cards)[0] == "goods")


def _ceil(value, digits):
    step = Decimal(1).scaleb(-digits)
    return value.quantize(step, rounding=ROUND_CEILING)


def group_lines(lines, connection, warehouse="", sign=1):
    """The remote lines of the POS lines with the given quantity sign:
    ``(InvoiceLine list, tax_included, odoo_total, prepaid)``.

    - goods are grouped by product, unit price, discount and tax; lines that
      are not goods go to the connection's accounts (:func:`line_role`);
      rewards and discounts are spread over the lines with the same tax as
      line discounts, so each tax's base (and so the remote tax) is Odoo's;
    - each line carries its own remote tax (the connection's tax mapping);
    - a document is tax-included only when every taxed line is: with both
      kinds in one shift, every line goes out tax-excluded with the money
      Odoo computed without tax (``price_subtotal``) and the per-line vs
      per-document tax rounding is left to :func:`rounding_gap`;
    - line money = quantity x unit price - discount_amount equals the sum of
      Odoo's rounded subtotals; ``odoo_total`` is what Odoo booked, tax
      included; ``prepaid`` is what gift cards/eWallets paid (positive)."""
    gift_cards = _gift_card_products(lines.env)
    lines = postable_lines(lines).filtered(lambda l: (l.qty > 0) == (sign > 0) and l.qty)
    if not lines:
        return [], False, ZERO, ZERO
    currency = lines[:1].currency_id
    taxed = [found for found in (line_tax(l, connection) for l in lines) if found[0]]
    tax_included = bool(taxed) and all(included for _r, included, _t in taxed)
    field = "price_subtotal_incl" if tax_included else "price_subtotal"
    regional = connection._regional_taxes()
    # each line's regional taxes, computed once (Odoo's compute_all per line); {} without any
    regional_of = {line.id: _regional_amounts(line, regional) for line in lines} if regional else {}

    def regional_money(line):
        return money(currency, sum(regional_of.get(line.id, {}).values(), 0.0))

    def line_money_of(line):
        """Odoo's money of the line without its regional taxes (they travel apart)."""
        amount = money(currency, line[field])
        if tax_included:
            amount -= regional_money(line)
        return amount
    price_digits = lines.env["decimal.precision"].precision_get("Product Price")
    groups, discounts = OrderedDict(), []
    odoo_total, prepaid = ZERO, ZERO
    for line in lines.sorted(lambda l: (l.product_id.id, l.id)):
        odoo_total += money(currency, line.price_subtotal_incl) * sign
        # what the regional taxes (sent apart, see regional_taxes) add
        odoo_total -= regional_money(line) * sign
        role, account_field = line_role(line, connection, gift_cards)
        if role == "prepaid":
            connection._line_account(account_field, line)  # named in the error when unmapped
            prepaid -= money(currency, line.price_subtotal_incl) * sign
            continue
        rate, included, tax = line_tax(line, connection)
        code = connection._remote_tax(tax) if rate else ""
        if role == "discount":
            discounts.append((line, (rate, code), -line_money_of(line) * sign))
            continue
        account = connection._line_account(account_field, line) if role == "account" else ""
        dpp = line_dpp(connection, tax)
        # a price with a regional tax inside it is sent as Odoo's money without it
        included = included or bool(tax_included and regional_of.get(line.id))
        key = (account or line.product_id.id, line.price_unit, line.discount, rate, code, included, dpp,
               line.product_uom_id.id)
        groups.setdefault(key, []).append(line)
    out = []
    for (_what, price_unit, discount, rate, code, included, dpp, _uom), group in groups.items():
        first = group[0]
        qty_digits = first.product_uom_id.rounding and max(
            0, -Decimal(str(first.product_uom_id.rounding)).as_tuple().exponent) or 3
        quantity = sum((dec(abs(l.qty), qty_digits) for l in group), ZERO)
        line_money = sum((line_money_of(l) * sign for l in group), ZERO)
        role, account_field = line_role(first, connection, gift_cards)
        # goods go out in the remote item's unit (the product's): a pack of 6 is 6 units
        ratio = unit_ratio(first.product_uom_id, first.product_id) if role == "goods" else Decimal(1)
        quantity = plain(quantity * ratio)
        if included and (not tax_included or regional):
            # an included price in a tax-excluded document: Odoo's untaxed money
            unit_price = _ceil(line_money / quantity, price_digits)
        else:
            unit_price = _ceil(dec(price_unit, price_digits) / ratio, price_digits)
        account = connection._line_account(account_field, first) if role == "account" else ""
        description = (first.full_product_name
                       or first.product_id.with_context(display_default_code=False).display_name)
        if discount:
            description = "%s (-%s%%)" % (description, plain(dec(discount, 2)))
        out.append(InvoiceLine(
            item_ref=account_item_ref(account) if account else item_code(first.product_id),
            quantity=plain(quantity),
            unit_price=unit_price,
            description=description,
            discount_amount=quantity * unit_price - line_money,
            tax_rate=rate,
            tax_code=code,
            dpp_percent=dpp,
            warehouse="" if account else warehouse,
            unit="" if account else first.product_id.uom_id.name or "",
            account=account,
        ))
    _spread_discounts(out, discounts, currency)
    return out, tax_included, odoo_total, prepaid


def _spread_discounts(out, discounts, currency):
    """Each reward/discount line lowers the goods with its tax (all lines
    with its tax when the goods hold too little), in proportion to their
    money (to the cent; the last takes the rest), so the remote document is
    never given a negative-price item."""
    cent = Decimal(1).scaleb(-currency.decimal_places)
    for line, tax_key, amount in discounts:
        targets = [l for l in out if (l.tax_rate, l.tax_code) == tax_key
                   and l.quantity * l.unit_price - l.discount_amount > 0]
        goods = [l for l in targets if not l.account]
        if sum((l.quantity * l.unit_price - l.discount_amount for l in goods), ZERO) >= amount:
            targets = goods  # a discount lowers the goods first, not the tip or service charge
        base = sum((l.quantity * l.unit_price - l.discount_amount for l in targets), ZERO)
        if amount > base:
            raise msgs.user_error(currency.env, "pos.discounts_lines_same_tax",
                                  line=line.full_product_name or line.product_id.display_name, amount=amount,
                                  base=base)
        left = amount
        for i, target in enumerate(targets):
            share = left if i == len(targets) - 1 else (
                amount * (target.quantity * target.unit_price - target.discount_amount) / base
            ).quantize(cent, rounding=ROUND_HALF_EVEN)
            target.discount_amount += share
            left -= share


def remote_total(invoice_lines, tax_included):
    """What the accounting system will total these lines to: line money plus
    the tax it computes once per rate on the document (Accurate and Jurnal
    both tax the document, not each line)."""
    base_by_tax = OrderedDict()
    total = ZERO
    for line in invoice_lines:
        line_money = line.quantity * line.unit_price - line.discount_amount
        total += line_money
        key = (line.tax_code, line.tax_rate)
        base_by_tax[key] = base_by_tax.get(key, ZERO) + line_money
    if tax_included:
        return total
    for (_code, rate), base in base_by_tax.items():
        total += (base * rate / HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return total


def rounding_gap(invoice_lines, tax_included, odoo_total, prepaid=ZERO):
    """Odoo's total minus the remote one (whose gift cards/eWallets paid
    ``prepaid``): booked on the rounding account so the remote document
    totals exactly what Odoo recorded."""
    return odoo_total + prepaid - remote_total(invoice_lines, tax_included)
