"""Inventory scenarios over the sandbox: two mapped warehouses (A and an
outlet B supplied from A through the company's transit location), stocked
products known remotely, and helpers that drive Odoo's own stock flows
(resupply routes, backorders, return wizard, counts, scrap)."""

from decimal import Decimal

from accounting_connectors.documents import Item

from odoo.tests import Form

from .common import AccountingSyncCase

TRANSIT = {"accurate": "Transit (AOL System)", "jurnal": "Transit"}
REMOTE_WH = {"accurate": ("Utama", "Cabang"), "jurnal": ("Gudang Utama", "Outlet B")}
SCRAP_ACCOUNT = {"accurate": ("5102", "Beban Barang Rusak"), "jurnal": ("5-50400", "Beban Barang Rusak")}


class StockSyncCase(AccountingSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.partner_id.tz = "Asia/Jakarta"
        # the person validating lives elsewhere: dates must not follow them
        env.user.tz = "Pacific/Honolulu"
        # warehouses of their own: demo stock elsewhere is neither mapped nor compared
        cls.wh_a = env["stock.warehouse"].create({"name": "Gudang A", "code": "GDA"})
        cls.wh_b = env["stock.warehouse"].create({"name": "Outlet B", "code": "OUTB"})
        cls.wh_b.resupply_wh_ids = [(6, 0, cls.wh_a.ids)]
        cls.route_a_to_b = env["stock.route"].search(
            [("supplied_wh_id", "=", cls.wh_b.id), ("supplier_wh_id", "=", cls.wh_a.id)], limit=1)
        cls.transit_loc = cls.company.internal_transit_location_id
        category = env["product.category"].create({"name": "Sync stock", "property_cost_method": "average"})
        cls.kopi = cls._product("Kopi Bubuk", "KOPI-B", 9000.0, category)
        cls.roti = cls._product("Roti Tawar", "ROTI-T", 7250.5, category)
        cls.no_sku = cls._product("Gula Aren", False, 5000.0, category)
        remote_a, remote_b = REMOTE_WH[cls.provider]
        (env["accounting.connection"].search([("company_id", "=", cls.company.id)])
         - cls.connection).action_archive()
        cls.connection.write({
            "transfer_sync_mode": "realtime",
            "adjustment_account": cls.codes["adjustment"],
            "scrap_account": SCRAP_ACCOUNT[cls.provider][0],
            "transit_warehouse": TRANSIT[cls.provider] if cls.provider == "jurnal" else False,
            "warehouse_map_ids": [(0, 0, {"warehouse_id": cls.wh_a.id, "remote_warehouse": remote_a}),
                                  (0, 0, {"warehouse_id": cls.wh_b.id, "remote_warehouse": remote_b})],
        })
        cls.remote_a, cls.remote_b, cls.remote_transit = remote_a, remote_b, TRANSIT[cls.provider]

    @classmethod
    def _product(cls, name, code, cost, category):
        return cls.env["product.product"].create({
            "name": name, "default_code": code, "is_storable": True, "standard_price": cost,
            "categ_id": category.id})

    def setUp(self):
        super().setUp()
        app = self.sandbox.app(self.provider)
        account_no, account_name = SCRAP_ACCOUNT[self.provider]
        if self.provider == "jurnal":
            for name in ("Outlet B", "Transit"):
                app.store.add("warehouses", {"name": name, "code": name[:3].upper(), "custom_id": None})
            app.store.add("accounts", {"name": account_name, "number": account_no, "category": "Cost of Sales"})
        else:
            app.store.insert("glaccount", {"no": account_no, "name": account_name, "accountType": "COGS"})
        client = self.connection._get_client()
        for product in (self.kopi, self.roti):
            client.post(Item(product.default_code, name=product.name, cost_price=Decimal("0")))

    # --- running things the way production does --------------------------------------
    def run_worker_as_cron(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").method_direct_trigger()

    def jobs_of(self, records):
        """Jobs of the documents that carry these pickings', scraps' or moves' moves."""
        moves = records if records._name == "stock.move" else records.move_ids
        docs = self.env["accounting.stock.document"].search([("move_ids", "in", moves.ids)])
        return docs.job_id

    # --- Odoo stock flows ----------------------------------------------------------------
    def count(self, warehouse, product, quantity):
        """A stock count (opname) applied: Odoo makes an is_inventory move."""
        quant = self.env["stock.quant"].with_context(inventory_mode=True).create({
            "product_id": product.id, "location_id": warehouse.lot_stock_id.id,
            "inventory_quantity": quantity})
        quant.action_apply_inventory()
        return self.env["stock.move"].search([("product_id", "=", product.id), ("is_inventory", "=", True)],
                                             order="id desc", limit=1)

    def validate(self, picking, quantities=None, backorder=True):
        """Validate with done quantities ``{product: qty}`` (default: all);
        a shortfall makes a backorder (or not)."""
        for move in picking.move_ids:
            qty = (quantities or {}).get(move.product_id, move.product_uom_qty)
            move.quantity = qty
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            wizard = Form(self.env["stock.backorder.confirmation"].with_context(**result["context"])).save()
            wizard.process() if backorder else wizard.process_cancel_backorder()
        return picking

    def internal(self, src, dst, lines):
        """A one-step internal transfer between two warehouses' stock."""
        picking = self.env["stock.picking"].create({
            "picking_type_id": src.int_type_id.id, "location_id": src.lot_stock_id.id,
            "location_dest_id": dst.lot_stock_id.id,
            "move_ids": [(0, 0, {"name": p.name, "product_id": p.id, "product_uom_qty": q,
                                 "product_uom": p.uom_id.id, "location_id": src.lot_stock_id.id,
                                 "location_dest_id": dst.lot_stock_id.id}) for p, q in lines]})
        picking.action_confirm()
        picking.action_assign()
        return picking

    def resupply(self, lines, name="RESUPPLY"):
        """B asks A for goods through the resupply route: a delivery at A into
        transit and a receipt at B out of transit, chained by Odoo."""
        Group = self.env["procurement.group"]
        group = Group.create({"name": name})
        Group.run([Group.Procurement(p, q, p.uom_id, self.wh_b.lot_stock_id, name, name, self.company,
                                     {"warehouse_id": self.wh_b, "route_ids": self.route_a_to_b,
                                      "group_id": group}) for p, q in lines])
        pickings = self.env["stock.picking"].search([("group_id", "=", group.id)])
        delivery = pickings.filtered(lambda p: p.location_dest_id == self.transit_loc)
        receipt = pickings - delivery
        delivery.action_assign()
        return delivery, receipt

    def return_of(self, picking, quantities):
        wizard = Form(self.env["stock.return.picking"].with_context(
            active_ids=picking.ids, active_id=picking.id, active_model="stock.picking")).save()
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.product_id, 0)
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        returned.action_assign()
        return returned

    def scrap(self, warehouse, product, quantity):
        scrap = self.env["stock.scrap"].create({
            "product_id": product.id, "scrap_qty": quantity, "location_id": warehouse.lot_stock_id.id})
        scrap.action_validate()
        return scrap

    # --- what must hold --------------------------------------------------------------
    def remote_stock(self):
        """{(remote warehouse, SKU): Decimal} as the sandbox holds it."""
        raw = self.sandbox.app(self.provider).dump("stock")
        return {(wh, sku): Decimal(str(q)) for sku, per in raw.items() for wh, q in per.items()}

    def odoo_stock(self):
        out = {}
        for name, wh in ((self.remote_a, self.wh_a), (self.remote_b, self.wh_b)):
            for p in (self.kopi, self.roti):
                out[(name, p.default_code)] = p.with_context(warehouse_id=wh.id).qty_available
        for p in (self.kopi, self.roti):
            out[(self.remote_transit, p.default_code)] = p.with_context(location=self.transit_loc.id).qty_available
        return out

    def assertStockMatches(self):
        """Remote quantity per item and warehouse (transit included) equals
        Odoo's on hand, read both from the sandbox's state and through the
        parity action (which reads the provider's stock endpoints)."""
        remote = self.remote_stock()
        for key, qty in self.odoo_stock().items():
            self.assertEqual(remote.get(key, Decimal(0)), Decimal(str(qty)), key)
        action = self.connection.action_check_stock_parity()
        diffs = self.env[action["res_model"]].search(action["domain"])
        self.assertFalse(diffs, [(d.remote_warehouse, d.item_code, d.odoo_quantity, d.remote_quantity)
                                 for d in diffs])

    def assertAllDone(self, jobs):
        self.assertTrue(jobs)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
