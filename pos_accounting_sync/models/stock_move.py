from odoo import fields, models

from ..tools.shop_time import local_date
from .accounting_sync_job import STATE_SEVERITY, STATES

#: the context the inbound purchase flow validates its pickings with: their
#: moves are already in the accounting system, so they are not posted back
INBOUND_CONTEXT = "accounting_inbound"


class StockMove(models.Model):
    _inherit = "stock.move"

    accounting_sync_state = fields.Selection(
        STATES, compute="_compute_accounting_sync_state", compute_sudo=True, string="Accounting Sync",
        help="The worst state of the documents that carry this move to the accounting system.")

    def _accounting_documents(self):
        return self.env["accounting.stock.document"].sudo().search([("move_ids", "in", self.ids)])

    def _compute_accounting_sync_state(self):
        rank = {state: i for i, state in enumerate(STATE_SEVERITY)}
        docs = self._accounting_documents() if self.ids else self.env["accounting.stock.document"]
        for move in self:
            states = docs.filtered(lambda d, m=move: m in d.move_ids).job_id.mapped("state")
            move.accounting_sync_state = min(states, key=rank.get) if states else False

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        # every validation path ends here: pickings (partial or not, returns),
        # inventory counts (is_inventory) and scrap; a rollback takes the
        # documents along, and nothing calls the accounting system here
        done = moves.filtered(lambda m: m.state == "done") if moves else moves
        if done and not self.env.context.get(INBOUND_CONTEXT):
            self.env["accounting.stock.document"].sudo()._collect_moves(done)
        return moves

    # --- what a move is for the accounting system --------------------------------
    def _accounting_skipped(self):
        """Moves another flow posts: POS sales and refunds (the sales documents
        carry their stock), receipts made from the accounting system."""
        self.ensure_one()
        picking = self.picking_id
        return bool(picking and (picking.pos_session_id or picking.pos_order_id
                                 or picking.accounting_from_remote))

    def _accounting_legs(self, connection):
        """``[(doc_type, warehouse location, other location)]`` this move posts
        on ``connection``; empty when it posts nothing (unmapped, within one
        remote warehouse, to/from partners)."""
        self.ensure_one()
        src, dst = self.location_id, self.location_dest_id
        src_wh = connection._remote_warehouse(src) if src.usage == "internal" else ""
        dst_wh = connection._remote_warehouse(dst) if dst.usage == "internal" else ""
        if "inventory" in (src.usage, dst.usage):
            scrap = self.scrap_id or src.scrap_location or dst.scrap_location
            kind = "scrap" if scrap else "adjustment"
            if dst_wh:
                return [(kind, dst, "in")]
            return [(kind, src, "out")] if src_wh else []
        if src_wh and dst.usage == "transit":
            return [("transfer_out", src, self._accounting_destination())]
        if dst_wh and src.usage == "transit":
            return [("transfer_in", dst, None)]
        if src_wh and dst_wh and src_wh != dst_wh:
            return [("transfer_out", src, dst), ("transfer_in", dst, None)]
        return []

    def _accounting_destination(self):
        """Where goods sent into transit are bound: the next move of a
        resupply route, or for a returned receipt where they first came from."""
        self.ensure_one()
        nxt = self.move_dest_ids.filtered(lambda m: m.state != "cancel")[:1]
        if nxt:
            return nxt.location_dest_id
        origin = self.origin_returned_move_id.move_orig_ids[:1]
        return origin.location_id if origin else self.env["stock.location"]

    def _accounting_quantity(self):
        """Done quantity in the product's unit."""
        self.ensure_one()
        return self.product_uom._compute_quantity(self.quantity, self.product_id.uom_id)

    def _accounting_value(self, quantity):
        """Odoo's valuation of ``quantity`` of this move (absolute, company
        currency): its valuation layers prorated, else the product's cost."""
        self.ensure_one()
        layers = self.sudo().stock_valuation_layer_ids
        done = self._accounting_quantity()
        if layers and done:
            return abs(sum(layers.mapped("value"))) * quantity / done
        return self.product_id.standard_price * quantity

    def _accounting_outlet(self):
        """The outlet (pos.config) of the warehouse this move leaves or
        enters, if any: its time zone makes the move's business day, as it
        does the outlet's sales."""
        self.ensure_one()
        warehouse = self.location_id.warehouse_id or self.location_dest_id.warehouse_id
        if not warehouse:
            return self.env["pos.config"]
        return self.env["pos.config"].sudo().search(
            [("picking_type_id.warehouse_id", "=", warehouse.id), ("company_id", "=", self.company_id.id)],
            order="id", limit=1)

    def _accounting_local_date(self):
        self.ensure_one()
        return local_date(self.date or fields.Datetime.now(), self.company_id, self._accounting_outlet())
