from odoo import fields, models


class StockPicking(models.Model):
    """Receipts and returns made from the accounting system's purchases.

    They already are in the accounting system: whatever posts Odoo's stock
    moves out must skip pickings with ``accounting_inbound_document_id`` set
    (they are also created and validated with ``accounting_inbound=True`` in
    the context)."""

    _inherit = "stock.picking"

    accounting_inbound_document_id = fields.Many2one(
        "accounting.inbound.document", string="From Accounting Document", readonly=True, copy=False,
        index="btree_not_null", ondelete="restrict")
    accounting_inbound_event_id = fields.Many2one(
        "accounting.inbound.event", string="From Accounting Event", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null")
    accounting_inbound_ref = fields.Char(
        string="Accounting Reference", readonly=True, copy=False,
        help="provider:document type:remote id of the purchase document this transfer follows.")
