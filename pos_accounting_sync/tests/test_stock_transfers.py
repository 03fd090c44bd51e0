"""Transfers between mapped warehouses, posted through the transit warehouse,
with remote stock checked against Odoo's after every step (both providers)."""

from decimal import Decimal

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase
from .stock_sync_common import StockSyncCase


@tagged("post_install", "-at_install")
class TestStockTransfersAccurate(StockSyncCase):
    provider = "accurate"

    def _stock_a(self, kopi=10, roti=6):
        self.count(self.wh_a, self.kopi, kopi)
        self.count(self.wh_a, self.roti, roti)
        self.run_worker_as_cron()

    def test_two_step_resupply_with_partial_receipt_and_backorder(self):
        self._stock_a()
        delivery, receipt = self.resupply([(self.kopi, 5), (self.roti, 2)])
        self.validate(delivery)
        self.run_worker_as_cron()
        # 1. sent, not received: the transit warehouse holds exactly what is on the way
        self.assertEqual(self.remote_stock()[(self.remote_transit, "KOPI-B")], Decimal(5))
        self.assertStockMatches()
        # 2. a partial receipt (3 of 5 Kopi, both Roti) posts what moved; the rest waits in a backorder
        self.validate(receipt, {self.kopi: 3})
        backorder = receipt.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 2)
        self.run_worker_as_cron()
        self.assertStockMatches()
        self.assertEqual(self.remote_stock()[(self.remote_transit, "KOPI-B")], Decimal(2))
        # 3. the backorder received: transit empty
        self.validate(backorder)
        self.run_worker_as_cron()
        self.assertStockMatches()
        self.assertEqual(self.remote_stock()[(self.remote_transit, "KOPI-B")], Decimal(0))
        jobs = self.jobs_of(delivery | receipt | backorder)
        self.assertAllDone(jobs)
        # one transfer out, two transfers in, each receiving from that transfer out
        docs = self.env["accounting.stock.document"].search([("job_id", "in", jobs.ids)])
        outs = docs.filtered(lambda d: d.doc_type == "transfer_out")
        self.assertEqual(len(outs), 1)
        self.assertEqual(docs.filtered(lambda d: d.doc_type == "transfer_in").out_document_id, outs)
        self.assertEqual(receipt.accounting_sync_state, "done")
        self.assertEqual(len(receipt.accounting_sync_job_ids), 1)

    def test_goods_never_sent_post_their_item_first(self):
        """A product the accounting system has never seen (never sold, no item
        sent): the count and the transfer queue its item first, once."""
        gula = self._product("Gula Pasir", "GULA-P", 12000.0, self.kopi.categ_id)
        counted = self.count(self.wh_a, gula, 6)
        picking = self.validate(self.internal(self.wh_a, self.wh_b, [(gula, 4)]))
        self.run_worker_as_cron()
        items = self.env["accounting.sync.job"].search([
            ("connection_id", "=", self.connection.id), ("kind", "=", "item"), ("reference", "=", "GULA-P")])
        self.assertEqual(len(items), 1, "the item is queued once, before the first document moving it")
        self.assertAllDone(items | self.jobs_of(counted) | self.jobs_of(picking))
        remote = self.remote_stock()
        self.assertEqual((remote[(self.remote_a, "GULA-P")], remote[(self.remote_b, "GULA-P")]),
                         (Decimal(2), Decimal(4)))

    def test_one_step_transfer_and_its_return(self):
        self._stock_a()
        picking = self.validate(self.internal(self.wh_a, self.wh_b, [(self.kopi, 4), (self.roti, 1)]))
        self.run_worker_as_cron()
        out, inn = self.jobs_of(picking).sorted("id")
        self.assertAllDone(out | inn)
        # both legs in one chain, the receipt after (and depending on) the transfer out
        self.assertEqual(out.chain, inn.chain)
        self.assertEqual(inn.depends_on_id, out)
        self.assertStockMatches()
        returned = self.validate(self.return_of(picking, {self.kopi: 3}))
        self.run_worker_as_cron()
        self.assertAllDone(self.jobs_of(returned))
        self.assertStockMatches()
        self.assertEqual(self.remote_stock()[(self.remote_b, "KOPI-B")], Decimal(1))

    def test_returned_receipt_goes_back_through_transit(self):
        self._stock_a()
        delivery, receipt = self.resupply([(self.kopi, 4)])
        self.validate(delivery)
        self.validate(receipt)
        back_out = self.validate(self.return_of(receipt, {self.kopi: 4}))
        self.run_worker_as_cron()
        self.assertStockMatches()  # 4 back in transit, on both sides
        back_in = self.validate(self.return_of(delivery, {self.kopi: 4}))
        self.run_worker_as_cron()
        self.assertAllDone(self.jobs_of(back_out | back_in))
        self.assertStockMatches()
        self.assertEqual(self.remote_stock()[(self.remote_a, "KOPI-B")], Decimal(10))

    def test_cancelled_transfer_posts_nothing(self):
        self._stock_a()
        before = self.env["accounting.sync.job"].search_count([])
        delivery, receipt = self.resupply([(self.kopi, 2)])
        (delivery | receipt).action_cancel()
        picking = self.internal(self.wh_a, self.wh_b, [(self.roti, 1)])
        picking.action_cancel()
        self.run_worker_as_cron()
        self.assertEqual(self.env["accounting.sync.job"].search_count([]), before)
        self.assertStockMatches()

    def test_moves_within_a_warehouse_post_nothing(self):
        self._stock_a()
        shelf = self.env["stock.location"].create({"name": "Rak 1", "location_id": self.wh_a.lot_stock_id.id})
        picking = self.env["stock.picking"].create({
            "picking_type_id": self.wh_a.int_type_id.id, "location_id": self.wh_a.lot_stock_id.id,
            "location_dest_id": shelf.id, "move_ids": [(0, 0, {
                "name": "shelf", "product_id": self.kopi.id, "product_uom_qty": 2,
                "product_uom": self.kopi.uom_id.id, "location_id": self.wh_a.lot_stock_id.id,
                "location_dest_id": shelf.id})]})
        picking.action_confirm()
        self.validate(picking)
        self.assertFalse(self.jobs_of(picking))
        self.assertStockMatches()

    def test_receipt_made_from_the_accounting_system_is_not_posted_back(self):
        vendor = self.env["res.partner"].create({"name": "PT Pemasok"})
        receipt = self.env["stock.picking"].create({
            "partner_id": vendor.id, "picking_type_id": self.wh_a.in_type_id.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.wh_a.lot_stock_id.id, "accounting_from_remote": True,
            "move_ids": [(0, 0, {"name": "kopi", "product_id": self.kopi.id, "product_uom_qty": 3,
                                 "product_uom": self.kopi.uom_id.id,
                                 "location_id": self.env.ref("stock.stock_location_suppliers").id,
                                 "location_dest_id": self.wh_a.lot_stock_id.id})]})
        receipt.action_confirm()
        self.validate(receipt)
        delivery, _receipt_b = self.resupply([(self.kopi, 1)])
        delivery.accounting_from_remote = True  # the same marker skips any picking
        self.validate(delivery)
        self.assertFalse(self.jobs_of(receipt | delivery))

    def test_transfer_in_waits_for_a_failed_transfer_out(self):
        """A product without SKU fails its item and the transfer out (named in
        the message); the count waits behind the item, the transfer in stays
        blocked until the cause is fixed and the failed lines retried."""
        self.count(self.wh_a, self.no_sku, 5)
        self.run_worker_as_cron()
        picking = self.validate(self.internal(self.wh_a, self.wh_b, [(self.no_sku, 2)]))
        self.run_worker_as_cron()
        out, inn = self.jobs_of(picking).sorted("id")
        Job = self.env["accounting.sync.job"]
        failed = Job.search([("connection_id", "=", self.connection.id), ("state", "=", "failed")])
        # the item (queued with the count) and the transfer out each fail naming the product
        self.assertEqual(set(failed.mapped("kind")), {"item", "item_transfer"})
        self.assertIn(out, failed)
        for job in failed:
            self.assertIn("Gula Aren", job.error_message)
        self.assertEqual(inn.state, "blocked")
        count_job = Job.search([("connection_id", "=", self.connection.id), ("kind", "=", "item_adjustment")])
        self.assertNotEqual(count_job.state, "done")
        self.no_sku.default_code = "GULA-A"
        failed.action_retry()
        self.run_worker_as_cron()
        self.assertAllDone(failed | out | inn | count_job)
        self.assertEqual(self.remote_stock()[(self.remote_b, "GULA-A")], Decimal(2))


@tagged("post_install", "-at_install")
class TestStockTransfersJurnal(TestStockTransfersAccurate):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestStockPosNotPostedAsInventory(PosSyncCase):
    """A shift in a mapped warehouse: its sales and refund move Odoo's stock,
    but only the shift's sales documents carry that remotely."""

    def test_pos_moves_make_no_stock_document(self):
        warehouse = self.config.picking_type_id.warehouse_id
        self.connection.write({"adjustment_account": self.codes["adjustment"], "warehouse_map_ids": [
            (0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": self.codes["warehouse"]})]})
        session = self.standard_shift()
        self.close_from_ui(session)
        pickings = self.env["stock.picking"].search([("pos_session_id", "=", session.id)])
        self.assertTrue(pickings.move_ids.filtered(lambda m: m.state == "done"))
        self.assertFalse(self.env["accounting.stock.document"].search(
            [("move_ids", "in", pickings.move_ids.ids)]))
