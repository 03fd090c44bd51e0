from odoo import api, models
from odoo.tools import float_compare


class AccountingStockDocumentCollect(models.Model):
    """Validated stock moves -> stock documents (who posts what, grouped how)."""

    _inherit = "accounting.stock.document"

    @api.model
    def _collect_moves(self, moves):
        """Turn done moves into documents for every connection of their
        company; real-time connections queue them at once (the worker sends
        them after this transaction commits)."""
        docs = self.browse()
        for company in moves.company_id:
            mine = moves.filtered(lambda m: m.company_id == company and not m._accounting_skipped())
            for conn in self.env["accounting.connection"]._for_company(company):
                docs |= self._collect_for(conn, mine.filtered(lambda m, c=conn: c._is_live(m.date)))
        jobs = docs.filtered(lambda d: d.connection_id.transfer_sync_mode != "scheduled")._queue()
        if jobs:
            self.env["accounting.sync.job"]._trigger_worker()
        return docs

    @api.model
    def _collect_for(self, conn, moves):
        scheduled = conn.transfer_sync_mode == "scheduled"
        batch, receipts = {}, []
        for move in moves:
            qty = move._accounting_quantity()
            if float_compare(qty, 0, precision_rounding=move.product_id.uom_id.rounding) <= 0:
                continue
            day = move._accounting_local_date()
            for doc_type, location, other in move._accounting_legs(conn):
                if doc_type == "transfer_in":
                    receipts.append((move, location, qty, day))  # after the outs of this set
                    continue
                direction = other if doc_type in ("adjustment", "scrap") else ""
                other_loc = other if doc_type == "transfer_out" else None
                doc = self._document_for(conn, doc_type, location, other_loc, day, None, scheduled, batch)
                doc._add(move, qty, direction)
        for move, location, qty, day in receipts:
            for out_doc, part in self._allocate(conn, move, qty):
                doc = self._document_for(conn, "transfer_in", location, out_doc, day, out_doc, scheduled, batch)
                doc._add(move, part)
        return self.browse([d.id for d in batch.values()])

    def _document_for(self, conn, doc_type, location, other, day, out_doc, scheduled, batch):
        """The document collecting this warehouse pair and day: new for each
        validated move set in real time, the open draft at set hours."""
        remote = conn._remote_warehouse(location)
        if out_doc is not None:
            other_wh, remote_other = out_doc.warehouse_id, out_doc.remote_warehouse or ""
        elif other:
            other_wh = other.warehouse_id
            remote_other = conn._remote_warehouse(other) if other.usage == "internal" else ""
        else:
            other_wh, remote_other = self.env["stock.warehouse"], ""
        key = (doc_type, remote, remote_other, day, out_doc.id if out_doc else False)
        if key in batch:
            return batch[key]
        doc = self.browse()
        if scheduled:
            doc = self.search([
                ("connection_id", "=", conn.id), ("state", "=", "draft"), ("doc_type", "=", doc_type),
                ("remote_warehouse", "=", remote), ("remote_other_warehouse", "=", remote_other or False),
                ("date", "=", day), ("out_document_id", "=", out_doc.id if out_doc else False)], limit=1)
        if not doc:
            doc = self.create({
                "connection_id": conn.id, "doc_type": doc_type, "date": day,
                "warehouse_id": location.warehouse_id.id, "other_warehouse_id": other_wh.id,
                "remote_warehouse": remote, "remote_other_warehouse": remote_other or False,
                "out_document_id": out_doc.id if out_doc else False})
        batch[key] = doc
        return doc

    def _allocate(self, conn, move, qty):
        """``[(transfer out, quantity)]`` that a receipt out of transit takes
        its goods from: the transfers out it is linked to (resupply chain, the
        returned delivery, the same move of a one-step transfer), then any
        other with goods of that product still in transit, those bound for
        this warehouse first, oldest first. What no transfer out covers comes
        back with an empty one."""
        linked_moves = move | move.move_orig_ids | move.origin_returned_move_id
        outs = self.search([("connection_id", "=", conn.id), ("doc_type", "=", "transfer_out"),
                            ("move_ids", "in", linked_moves.ids)], order="id")
        here = conn._remote_warehouse(move.location_dest_id)
        others = self.search([("connection_id", "=", conn.id), ("doc_type", "=", "transfer_out"),
                              ("line_ids.product_id", "=", move.product_id.id), ("id", "not in", outs.ids)],
                             order="id").sorted(lambda d: d.remote_other_warehouse != here)
        rounding = move.product_id.uom_id.rounding
        result, left = [], qty
        for out in outs | others:
            take = min(out._in_transit(move.product_id), left)
            if float_compare(take, 0, precision_rounding=rounding) > 0:
                result.append((out, take))
                left -= take
            if float_compare(left, 0, precision_rounding=rounding) <= 0:
                return result
        return result + [(self.browse(), left)]
