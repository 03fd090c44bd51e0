"""Exact money: Odoo floats (already rounded by Odoo) to Decimal, the one
way every document of the addon does it (never float maths)."""

from decimal import Decimal


def dec(value, digits=2):
    """Exact Decimal of an already-rounded Odoo float, to ``digits`` places."""
    return Decimal("%.*f" % (digits, value or 0.0))


def money(currency, value):
    """``value`` rounded as ``currency`` rounds it, as an exact Decimal."""
    return dec(currency.round(value or 0.0), currency.decimal_places)


def plain(value):
    """2.000 -> 2, 2.500 -> 2.5 (never 1E+1)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
