"""One purchase document of the accounting system as Odoo received it.

Stock follows the remote document by convergence: the pickings linked to the
document are the truth of what was received so far; applying a version
compares its lines with that and makes one receipt (or return to the vendor)
per warehouse for the difference only. Applying the same version twice
therefore makes nothing, an edit makes the delta, a deletion reverses all.
"""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

#: remote document type -> direction of its goods (+1 into our stock)
DOC_SIGNS = {"invoice": 1, "receipt": 1, "return": -1}


class InboundDataError(UserError):
    """A cause the accountant fixes in Odoo (missing SKU, unmapped
    warehouse); the event then waits for Retry."""


class AccountingInboundDocument(models.Model):
    _name = "accounting.inbound.document"
    _description = "Purchase Document Received from the Accounting System"
    _order = "id"
    _rec_name = "remote_number"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade",
                                    index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    doc_type = fields.Selection(
        [("invoice", "Purchase invoice"), ("receipt", "Goods received"), ("return", "Purchase return")],
        string="Document Type", required=True, readonly=True)
    remote_id = fields.Char(required=True, readonly=True, string="Remote ID")
    remote_number = fields.Char(readonly=True, string="Number")
    version = fields.Char(readonly=True, help="The remote edit counter last applied (Accurate optLock, "
                                              "Jurnal updated_at).")
    deleted = fields.Boolean(
        readonly=True, help="Received, then confirmed deleted in the accounting system (read there): what it "
                            "made is reversed. Not final: if the system shows it again, it is received again.")
    remote_created_on = fields.Date(readonly=True, help="The day the remote system created it (Jurnal).")
    vendor_id = fields.Many2one("res.partner", readonly=True)
    picking_ids = fields.One2many("stock.picking", "accounting_inbound_document_id", string="Transfers",
                                  readonly=True)
    event_ids = fields.One2many("accounting.inbound.event", "document_id", readonly=True)

    _sql_constraints = [
        ("remote_uniq", "unique(connection_id, doc_type, remote_id)",
         "A remote document is received once per connection."),
    ]

    @api.model
    def _lock_for(self, connection, doc_type, remote_id):
        """The document row, created if new, locked until the end of the
        transaction: events of one document never run side by side."""
        cr = self.env.cr
        cr.execute("""
            INSERT INTO accounting_inbound_document (connection_id, company_id, doc_type, remote_id,
                                                     deleted, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, false, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (connection_id, doc_type, remote_id) DO NOTHING
        """, (connection.id, connection.company_id.id, doc_type, str(remote_id), self.env.uid, self.env.uid))
        cr.execute("""SELECT id FROM accounting_inbound_document
                      WHERE connection_id = %s AND doc_type = %s AND remote_id = %s
                      FOR NO KEY UPDATE""", (connection.id, doc_type, str(remote_id)))
        document = self.browse(cr.fetchone()[0])
        # what another worker committed while we waited for the lock (pickings
        # and moves included) must be read again, not taken from our cache
        self.env.invalidate_all()
        return document

    # --- what the remote document asks for ------------------------------------
    def _target(self, purchase):
        """{(location, product): (qty in product unit, uom, qty in that uom)}
        that ``purchase`` (a PurchaseDocument, or None once deleted) puts in
        our stock; returns leave a negative quantity. Raises InboundDataError
        naming every missing SKU or unmapped warehouse."""
        self.ensure_one()
        if purchase is None or purchase.deleted:
            return {}
        sign = DOC_SIGNS[self.doc_type]
        missing, unmapped, target = [], [], {}
        for line in purchase.lines:
            product = self._product_for(line.item_ref, missing)
            location = self._location_for(line.warehouse, unmapped)
            if not product or not location:
                continue
            uom = self._uom_for(product, line.unit)
            qty = sign * float(line.quantity)
            slot = target.setdefault((location, product), {"qty": 0.0, "uom": uom, "uom_qty": 0.0})
            slot["qty"] += uom._compute_quantity(qty, product.uom_id, rounding_method="HALF-UP")
            if slot["uom"] == uom:
                slot["uom_qty"] += qty
            else:  # one product counted in two units: use the product's own
                slot["uom"] = product.uom_id
        for (_location, product), slot in target.items():
            if slot["uom"] == product.uom_id:
                slot["uom_qty"] = slot["qty"]
        problems = []
        if missing:
            problems.append(_("No product with SKU %(skus)s (set it as the product's Internal Reference, "
                              "then press Retry).", skus=", ".join(sorted(set(missing)))))
        if unmapped:
            problems.append(_("The remote warehouse %(names)s is not mapped to an Odoo warehouse: map it "
                              "(Connections > Warehouses), then press Retry.",
                              names=", ".join("“%s”" % n for n in sorted(set(unmapped)))))
        if problems:
            raise InboundDataError(" ".join(problems))
        return {key: (v["qty"], v["uom"], v["uom_qty"]) for key, v in target.items()}

    def _product_for(self, sku, missing):
        company = self.connection_id.company_id
        products = self.env["product.product"].with_context(active_test=True).search([
            ("default_code", "=", sku), ("company_id", "in", (False, company.id))], limit=2)
        if len(products) != 1:
            if len(products) > 1:
                raise InboundDataError(_("Several products have the SKU %(sku)s; keep one.", sku=sku))
            missing.append(sku or _("(empty)"))
            return None
        return products

    def _location_for(self, remote_warehouse, unmapped):
        """The stock location the remote warehouse is mapped to (a mapped
        location wins over its warehouse's stock location)."""
        maps = self.connection_id.warehouse_map_ids.filtered(
            lambda m: (m.remote_warehouse or "").strip().lower() == (remote_warehouse or "").strip().lower())
        line = maps.filtered("location_id")[:1] or maps[:1]
        if not line:
            unmapped.append(remote_warehouse or _("(none)"))
            return None
        return line.location_id or line.warehouse_id.lot_stock_id

    def _uom_for(self, product, unit_name):
        """The unit the goods were counted in, when Odoo knows it by name in
        the product's unit category; the product's unit otherwise (Accurate
        names the base unit PCS, Odoo "Units")."""
        if unit_name:
            uom = self.env["uom.uom"].search([("name", "=ilike", unit_name.strip()),
                                              ("category_id", "=", product.uom_id.category_id.id)], limit=1)
            if uom:
                return uom
        return product.uom_id

    def _received(self):
        """{(location, product): qty in product unit} our done pickings of this
        document put in (positive) or took out of (negative) stock."""
        self.ensure_one()
        net = defaultdict(float)
        moves = self.picking_ids.move_ids.filtered(lambda m: m.state == "done")
        for move in moves:
            if move.location_dest_id.usage == "internal":
                net[(move.location_dest_id, move.product_id)] += move.product_qty
            if move.location_id.usage == "internal":
                net[(move.location_id, move.product_id)] -= move.product_qty
        return net

    def _was_received(self):
        """Whether a version of this document was ever applied (a picking
        made, or a version read and found to need none). Only such a
        document is reversed and flagged deleted when the accounting system
        no longer has it: an id never received may still be created."""
        self.ensure_one()
        return bool(self.version or self.picking_ids)

    # --- making stock follow -----------------------------------------------------
    def _apply(self, purchase, event):
        """Make the pickings that bring our stock to what ``purchase`` says;
        returns them (empty when nothing differs)."""
        self.ensure_one()
        target, received = self._target(purchase), self._received()
        vendor = self.vendor_id
        if purchase is not None and not purchase.deleted:
            vendor = self._vendor(purchase)
        deltas = defaultdict(list)  # (location, direction) -> [(product, uom, qty)]
        for key in set(target) | set(received):
            location, product = key
            want, uom, uom_qty = target.get(key, (0.0, product.uom_id, 0.0))
            diff = want - received.get(key, 0.0)
            if float_is_zero(diff, precision_rounding=product.uom_id.rounding):
                continue
            if not received.get(key) and float_compare(diff, want, precision_rounding=product.uom_id.rounding) == 0:
                deltas[(location, diff > 0)].append((product, uom, abs(uom_qty)))  # as counted remotely
            else:
                deltas[(location, diff > 0)].append((product, product.uom_id, abs(diff)))
        pickings = self.env["stock.picking"]
        for (location, incoming), lines in sorted(deltas.items(), key=lambda kv: (kv[0][0].id, not kv[0][1])):
            pickings |= self._make_picking(location, incoming, lines, vendor, purchase, event)
        self.write({"vendor_id": vendor.id if vendor else False,
                    "remote_number": (purchase.reference if purchase else False) or self.remote_number,
                    "deleted": purchase is None or purchase.deleted,  # only a received one is given None
                    "remote_created_on": (purchase.created_on if purchase else None) or self.remote_created_on})
        return pickings

    def _vendor(self, purchase):
        """The vendor by its remote number (Accurate vendorNo, Jurnal person
        id), created when Odoo does not know it yet."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        company = self.connection_id.company_id
        if not purchase.vendor_ref and not purchase.vendor_name:
            return Partner
        vendor = Partner.search([("accounting_vendor_no", "=", purchase.vendor_ref),
                                 ("company_id", "in", (False, company.id))], limit=1) \
            if purchase.vendor_ref else Partner
        if not vendor:
            vendor = Partner.create({"name": purchase.vendor_name or purchase.vendor_ref, "supplier_rank": 1,
                                     "is_company": True, "accounting_vendor_no": purchase.vendor_ref or False})
        return vendor

    def _make_picking(self, location, incoming, lines, vendor, purchase, event):
        warehouse = location.warehouse_id
        if not warehouse:
            raise InboundDataError(_("The location %(loc)s belongs to no warehouse; map a warehouse or one "
                                     "of its locations.", loc=location.display_name))
        partner_location = (vendor.property_stock_supplier if vendor else False) \
            or self.env.ref("stock.stock_location_suppliers")
        picking_type = warehouse.in_type_id if incoming else warehouse.out_type_id
        src, dst = (partner_location, location) if incoming else (location, partner_location)
        origin = "%s %s" % (self.remote_number or (purchase.reference if purchase else ""), self.remote_id)
        Picking = self.env["stock.picking"].with_context(accounting_inbound=True, mail_notrack=True)
        picking = Picking.create({
            "picking_type_id": picking_type.id,
            "partner_id": vendor.id if vendor else False,
            "location_id": src.id,
            "location_dest_id": dst.id,
            "origin": (purchase.reference if purchase else self.remote_number) or origin.strip(),
            "company_id": self.connection_id.company_id.id,
            "accounting_inbound_document_id": self.id,
            "accounting_from_remote": True,  # the stock-out flow leaves it alone
            "accounting_inbound_event_id": event.id,
            "accounting_inbound_ref": "%s:%s:%s" % (self.connection_id.provider, self.doc_type, self.remote_id),
            "move_ids": [(0, 0, {
                "name": product.display_name, "product_id": product.id, "product_uom": uom.id,
                "product_uom_qty": qty, "location_id": src.id, "location_dest_id": dst.id,
                "company_id": self.connection_id.company_id.id,
            }) for product, uom, qty in lines],
        })
        picking.action_confirm()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        result = picking.with_context(skip_backorder=True, picking_ids_not_to_backorder=picking.ids,
                                      skip_sms=True).button_validate()
        if result is not True or picking.state != "done":
            raise InboundDataError(_("Odoo could not validate %(picking)s by itself (lots or serial numbers "
                                     "needed?). Validate it by hand.", picking=picking.name))
        return picking
