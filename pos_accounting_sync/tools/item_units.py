"""The item's code and unit, the same on every document that names it.

An item is pushed under its code in its product's unit of measure
(:meth:`product.product._accounting_item_document`); every sales, return,
invoice and stock line names it by the same code (:func:`item_code`) and
counts it in that unit (:func:`unit_ratio`: quantity x ratio, price /
ratio), whatever unit Odoo sold it
in, so the accounting system never meets a code or a unit it does not know.
"""

from decimal import Decimal

from ..models import accounting_messages as msgs
from .sync_causes import SyncDataError

#: how finely a unit ratio is kept (Odoo stores factors to 12 places)
RATIO_QUANT = Decimal("1e-6")


def normalise_code(code):
    """An internal reference as the accounting system knows it: without the
    spaces (or tabs, non-breaking spaces) typed before or after it. ``code``:
    str or False; returns str ("" when there is none)."""
    return (code or "").strip()


def item_code(product):
    """The item code of ``product`` (a ``product.product``, one or empty):
    its internal reference normalised once (:func:`normalise_code`); the item
    push and every document line call this, never ``default_code`` itself."""
    return normalise_code(product.default_code)


def unit_ratio(uom, product):
    """How many of ``product``'s own units (the remote item's unit) one
    ``uom`` is, as a Decimal (6 for a pack of 6 units, 1 for the same unit).
    Raises SyncDataError naming the product and both units when ``uom`` is of
    another category (e.g. kg for an item counted in units)."""
    item_uom = product.uom_id
    if not uom or uom == item_uom:
        return Decimal(1)
    if uom.category_id != item_uom.category_id:
        raise msgs.user_error(product.env, "units.line_unit_not_item_unit", product=product.display_name,
                              unit=uom.name, item_unit=item_uom.name, cls=SyncDataError, causes=product)
    ratio = Decimal(repr(uom._compute_quantity(1.0, item_uom, round=False)))
    return ratio.quantize(RATIO_QUANT).normalize()

