from decimal import Decimal

from odoo import _, api, fields, models
from odoo.tools import float_compare

from . import accounting_messages as msgs
from ..tools.item_units import item_code
from ..tools.connection_fields import field_causes
from ..tools.sync_causes import SyncDataError

from accounting_connectors.documents import AdjustmentLine, ItemAdjustment, ItemTransfer, TransferLine

DOC_TYPES = [
    ("transfer_out", "Transfer Out"),
    ("transfer_in", "Transfer In"),
    ("adjustment", "Adjustment"),
    ("scrap", "Scrap"),
]
#: our reference prefix per document type (stored remotely as number/custom_id)
PREFIX = {"transfer_out": "TO", "transfer_in": "TI", "adjustment": "ADJ", "scrap": "SCR"}
JOB_KIND = {"transfer_out": "item_transfer", "transfer_in": "item_transfer",
            "adjustment": "item_adjustment", "scrap": "item_adjustment"}
#: how finely a unit cost is sent: far below a rupiah on any real quantity
COST_QUANT = Decimal("0.000001")


class AccountingStockDocument(models.Model):
    """One remote stock document (a transfer out or in, an adjustment) made
    from validated stock moves. In real-time mode a validated move set makes
    its own documents; at set hours, moves of the same warehouse pair and
    local day gather in one draft document until the next set hour."""

    _name = "accounting.stock.document"
    _description = "Accounting Stock Document"
    _order = "id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False)
    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    doc_type = fields.Selection(DOC_TYPES, string="Type", required=True, readonly=True)
    state = fields.Selection([("draft", "Waiting for the set hour"), ("queued", "Queued")], string="Status",
                             default="draft", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, help="The shop's business date of the moves.")
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    other_warehouse_id = fields.Many2one(
        "stock.warehouse", readonly=True,
        help="Transfer out: where the goods go; transfer in: where they came from.")
    remote_warehouse = fields.Char(readonly=True)
    remote_other_warehouse = fields.Char(readonly=True)
    out_document_id = fields.Many2one(
        "accounting.stock.document", string="Transfer Out", readonly=True, index="btree_not_null",
        help="The transfer out whose goods in transit this transfer in receives.")
    line_ids = fields.One2many("accounting.stock.document.line", "document_id", readonly=True)
    move_ids = fields.Many2many("stock.move", string="Stock Moves", readonly=True)
    picking_ids = fields.Many2many("stock.picking", compute="_compute_picking_ids", string="Transfers")
    job_id = fields.Many2one("accounting.sync.job", readonly=True, index="btree_not_null")
    job_state = fields.Selection(related="job_id.state", string="Sync Status")

    def _compute_picking_ids(self):
        for doc in self:
            doc.picking_ids = doc.move_ids.picking_id

    @api.model_create_multi
    def create(self, vals_list):
        docs = super().create(vals_list)
        for doc in docs:
            doc.name = "%s-%s" % (PREFIX[doc.doc_type], doc.id)
        return docs

    # --- collecting: validated stock moves -> documents (who posts what, grouped how) ---
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

    # --- filling ---------------------------------------------------------------
    def _add(self, move, quantity, direction=""):
        """Add ``quantity`` (product unit) of ``move``'s product to this document."""
        self.ensure_one()
        line = self.line_ids.filtered(lambda l: l.product_id == move.product_id and l.direction == direction)
        value = move._accounting_value(quantity) if self.doc_type in ("adjustment", "scrap") else 0.0
        if line:
            line.write({"quantity": line.quantity + quantity, "value": line.value + value})
        else:
            self.env["accounting.stock.document.line"].create({
                "document_id": self.id, "product_id": move.product_id.id, "quantity": quantity,
                "direction": direction, "value": value})
        self.move_ids = [(4, move.id)]

    def _queue(self):
        """Queue the remote document (after the transfer out it receives from)."""
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for doc in self.filtered(lambda d: d.state == "draft"):
            depends_on = None
            if doc.out_document_id:
                doc.out_document_id._queue()
                depends_on = doc.out_document_id.job_id
            chain = doc.out_document_id.name if doc.out_document_id else doc.name
            # goods never sold yet are unknown remotely: their items go first, in the same chain
            jobs |= doc.line_ids.product_id._accounting_enqueue_items(doc.connection_id, chain="STOCK/%s" % chain)
            doc.job_id = Job._enqueue(doc.connection_id, JOB_KIND[doc.doc_type], doc, doc.name,
                                      doc_key=doc.doc_type, chain="STOCK/%s" % chain, depends_on=depends_on)
            doc.state = "queued"
            if doc.job_id.state == "pending":
                # due now: at set hours this runs at the set hour itself
                doc.job_id.sudo().next_attempt_at = fields.Datetime.now()
            jobs |= doc.job_id
        return jobs

    def _in_transit(self, product):
        """What this transfer out still has in transit of ``product``."""
        self.ensure_one()
        sent = sum(self.line_ids.filtered(lambda l: l.product_id == product).mapped("quantity"))
        received = sum(self.search([("out_document_id", "=", self.id)]).line_ids.filtered(
            lambda l: l.product_id == product).mapped("quantity"))
        return sent - received

    # --- the worker's calls --------------------------------------------------------
    def _accounting_sync_document(self, job):
        self.ensure_one()
        lines = self.line_ids.filtered(lambda l: l.quantity > 0)
        missing = lines.product_id.filtered(lambda p: not item_code(p))
        if missing:
            raise msgs.user_error(self.env, "stock.products_have_internal_reference",
                                  names=", ".join(missing.mapped("display_name")))
        conn = self.connection_id
        if self.doc_type in ("adjustment", "scrap"):
            return self._adjustment_document(lines)
        transit = conn.transit_warehouse or ""
        if conn.provider == "jurnal" and not transit:
            raise msgs.user_error(self.env, "stock.choose_transit_warehouse_connection", conn=conn.display_name)
        out_ref = ""
        if self.doc_type == "transfer_in":
            if not self.out_document_id and conn.provider == "accurate":
                raise msgs.user_error(self.env, "stock.nothing_sent_transit_goods", wh=self.remote_warehouse)
            out_ref = self.out_document_id.job_id.reference or ""
        elif not self.remote_other_warehouse and conn.provider == "accurate":
            raise msgs.user_error(self.env, "stock.accurate_needs_destination_transfer", wh=self.remote_warehouse)
        return ItemTransfer(
            self.name, direction="out" if self.doc_type == "transfer_out" else "in", date=self.date,
            warehouse=self.remote_warehouse, other_warehouse=self.remote_other_warehouse or "",
            out_ref=out_ref, transit_warehouse=transit, description=self._description_text(),
            lines=[TransferLine(item_code(l.product_id), l._decimal_quantity()) for l in lines])

    def _adjustment_document(self, lines):
        conn = self.connection_id
        account = conn.adjustment_account
        if self.doc_type == "scrap":
            account = conn.scrap_account or account
        if not account:
            # the document waits for that account: choosing it on the connection sends it again
            raise msgs.user_error(self.env, "stock.choose_adjustment_account_connection", conn=conn.display_name,
                                  cls=SyncDataError, causes=field_causes(conn, "adjustment_account"))
        return ItemAdjustment(
            self.name, date=self.date, account=account, description=self._description_text(),
            lines=[AdjustmentLine(item_code(l.product_id), l._decimal_quantity(), l.direction,
                                  unit_cost=l._unit_cost(), warehouse=self.remote_warehouse)
                   for l in lines])

    def _description_text(self):
        origins = self.move_ids.picking_id.mapped("name") or self.move_ids.scrap_id.mapped("name")
        return ", ".join(origins)[:200] if origins else _("Inventory adjustment")


class AccountingStockDocumentLine(models.Model):
    _name = "accounting.stock.document.line"
    _description = "Accounting Stock Document Line"

    document_id = fields.Many2one("accounting.stock.document", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="restrict")
    quantity = fields.Float(digits="Product Unit of Measure", help="In the product's unit.")
    direction = fields.Selection([("in", "In"), ("out", "Out")], help="Adjustments only.")
    value = fields.Float(help="Odoo's valuation of these moves (absolute), in the company currency.")

    def _decimal_quantity(self):
        precision = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return Decimal(str(round(self.quantity, precision))).normalize()

    def _unit_cost(self):
        """Odoo's valued unit cost: value / quantity, exact up to COST_QUANT."""
        currency = self.document_id.company_id.currency_id
        value = Decimal(str(currency.round(self.value)))
        qty = self._decimal_quantity()
        return (value / qty).quantize(COST_QUANT).normalize() if qty else Decimal(0)
