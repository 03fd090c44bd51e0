from odoo import fields, models


class StockPicking(models.Model):
    """Transfers post through their moves (stock_move.py). Receipts and
    returns made from the accounting system's purchases already are in the
    accounting system: whatever posts Odoo's stock moves out skips pickings
    with ``accounting_inbound_document_id`` set (they are also created and
    validated with ``accounting_inbound=True`` in the context)."""

    _name = "stock.picking"
    _inherit = ["stock.picking", "accounting.stock.sync.mixin"]
    _accounting_move_field = "picking_id"

    #: the marker the inbound purchase flow sets on pickings it makes from
    #: the accounting system's purchases: their stock is already there
    accounting_from_remote = fields.Boolean(
        string="From the Accounting System", copy=False, readonly=True,
        help="Made from a purchase entered in the accounting system: not posted back as inventory.")
    accounting_inbound_document_id = fields.Many2one(
        "accounting.inbound.document", string="From Accounting Document", readonly=True, copy=False,
        index="btree_not_null", ondelete="restrict")
    accounting_inbound_event_id = fields.Many2one(
        "accounting.inbound.event", string="From Accounting Event", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null")
    accounting_inbound_ref = fields.Char(
        string="Accounting Reference", readonly=True, copy=False,
        help="provider:document type:remote id of the purchase document this transfer follows.")
