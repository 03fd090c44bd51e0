"""Accurate purchases reach Odoo by webhook: the sandbox posts real HTTP
calls to Odoo's test server; the webhook cron makes the pickings."""

from odoo.tests import HttpCase, tagged

from .inbound_common import InboundCase, WebhookMixin


@tagged("post_install", "-at_install")
class TestInboundAccurate(WebhookMixin, InboundCase, HttpCase):
    provider = "accurate"

    def test_purchase_invoice_becomes_done_receipts_in_the_mapped_warehouses(self):
        invoice = self.accurate_purchase([("AD23", 5, "Utama"), ("BX10", 3, "Cabang"), ("AD23", 2, "Utama")])
        log = self.wait_webhooks(1)
        self.assertEqual(log[0]["status"], 200)
        delivery = self.env["accounting.webhook.event"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual(delivery.state, "received", "answered before any processing")
        self.assertEqual(delivery.remote_addr, "127.0.0.1")
        self.assertFalse(self.pickings(), "nothing is made before the cron runs")
        self.run_cron()
        pickings = self.pickings()
        self.assertEqual(len(pickings), 2, "one receipt per mapped warehouse")
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertEqual(set(pickings.mapped("picking_type_code")), {"incoming"})
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 7)
        self.assertEqual(self.on_hand(self.gula, self.wh_branch), 3)
        self.assertEqual(self.on_hand(self.kopi, self.wh_branch), 0)
        vendor = pickings.partner_id
        self.assertEqual((vendor.name, vendor.accounting_vendor_no), ("PT Pemasok Sandbox", "V.00001"))
        self.assertEqual(set(pickings.mapped("accounting_inbound_ref")), {"accurate:invoice:%s" % invoice["id"]})
        self.assertEqual(set(pickings.mapped("origin")), {invoice["number"]})
        # the stock-out flow leaves them alone: their stock is already in the accounting system
        self.assertEqual(set(pickings.mapped("accounting_from_remote")), {True})
        self.assertFalse(self.env["accounting.stock.document"].search([("move_ids", "in", pickings.move_ids.ids)]))
        self.assertEqual(delivery.state, "done")
        event = delivery.inbound_event_ids
        self.assertEqual((event.state, event.picking_ids), ("done", pickings))
        self.assertEqual(event.version, "%012d" % 0)

    def test_purchase_return_and_goods_received_without_invoice(self):
        invoice = self.accurate_purchase([("AD23", 10, "Utama")])
        self.accurate_purchase([("AD23", 4, "Utama")], kind="return", invoiceNumber=invoice["number"])
        self.accurate_purchase([("BX10", 6, "Cabang")], kind="receipt")
        self.wait_webhooks(3)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 6)
        self.assertEqual(self.on_hand(self.gula, self.wh_branch), 6)
        ret = self.pickings(accounting_inbound_ref="accurate:return:%s" % self.sandbox_dump(
            "purchase_return")[0]["id"])
        self.assertEqual((ret.state, ret.picking_type_code), ("done", "outgoing"))
        self.assertEqual(ret.location_dest_id.usage, "supplier")
        self.assertEqual(ret.move_ids.quantity, 4)
        types = self.env["accounting.inbound.event"].search([]).mapped("event_type")
        self.assertEqual(sorted(types), ["PURCHASE_INVOICE", "PURCHASE_RETURN", "RECEIVE_ITEM"])

    def test_redelivery_and_reprocessing_make_one_receipt(self):
        self.accurate_purchase([("AD23", 5, "Utama")])
        body = self.wait_webhooks(1)[0]["body"]
        self.assertEqual(self.post(body).status_code, 200, "the same delivery again (same uuid)")
        self.run_cron()
        again = self.env["accounting.inbound.event"].search([], order="id")
        self.assertEqual(again.mapped("state"), ["done", "ignored"])
        self.assertIn("same uuid", again[1].reason)
        # a new uuid for the same document version, and Retry of the done event
        body[0]["uuid"] = "another-uuid"
        self.post(body)
        self.run_cron()
        again[0].write({"state": "failed"})
        again[0].action_retry()
        self.assertEqual(len(self.pickings()), 1)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5)
        self.assertIn("Already applied", self.env["accounting.inbound.event"].search([], order="id")[-1].reason)

    def test_edits_adjust_the_difference_whatever_order_they_arrive_in(self):
        self.sandbox.webhook_url = None  # the calls are delivered by hand below, out of order
        invoice = self.accurate_purchase([("AD23", 5, "Utama"), ("BX10", 2, "Utama")])
        first = self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"])
        self.admin("POST", "accurate/%s" % invoice["id"], {"detailItem": [
            {"itemNo": "AD23", "quantity": 8, "unitPrice": 1000, "warehouseName": "Utama"}]})
        second = self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"])
        self.post(second)
        self.post(first)
        self.run_cron()
        self.assertEqual(len(self.pickings()), 1, "the newest version only, once")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 8)
        self.assertEqual(self.on_hand(self.gula, self.wh_main), 0, "the line removed by the edit")
        # a later edit down: a return to the vendor for the difference
        self.admin("POST", "accurate/%s" % invoice["id"], {"detailItem": [
            {"itemNo": "AD23", "quantity": 3, "unitPrice": 1000, "warehouseName": "Utama"},
            {"itemNo": "BX10", "quantity": 1, "unitPrice": 1000, "warehouseName": "Cabang"}]})
        self.post(self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"]))
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 3)
        self.assertEqual(self.on_hand(self.gula, self.wh_branch), 1)
        out = self.pickings(picking_type_code="outgoing")
        self.assertEqual((out.move_ids.product_id, out.move_ids.quantity), (self.kopi, 5))
        document = self.pickings().accounting_inbound_document_id
        self.assertEqual(document.version, "%012d" % 2)

    def test_delete_reverses_what_was_received_and_late_writes_do_nothing(self):
        self.sandbox.webhook_url = None
        invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        write = self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"])
        self.post(write)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5)
        self.admin("DELETE", "accurate/%s" % invoice["id"])
        self.post(self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"], action="DELETE"))
        self.post(write)  # the old WRITE delivered again after the delete
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)
        self.assertEqual(self.pickings().mapped("picking_type_code"), ["incoming", "outgoing"])
        events = self.env["accounting.inbound.event"].search([], order="id")
        self.assertEqual(events.mapped("state"), ["done", "done", "ignored"])

    def test_delete_arriving_before_its_write_makes_nothing(self):
        self.sandbox.webhook_url = None
        invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        self.admin("DELETE", "accurate/%s" % invoice["id"])
        self.post(self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"], action="DELETE"))
        self.post(self.envelope("PURCHASE_INVOICE", invoice["id"], invoice["number"]))
        self.run_cron()
        self.assertFalse(self.pickings())
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)

    def test_missing_sku_fails_in_words_once_per_connection_then_retry_receives(self):
        self.accurate_purchase([("ZZ99", 4, "Utama"), ("AD23", 1, "Utama")])
        self.accurate_purchase([("ZZ99", 1, "Cabang")])
        self.wait_webhooks(2)
        self.run_cron()
        failed = self.env["accounting.inbound.event"].search([("state", "=", "failed")])
        self.assertEqual(len(failed), 2)
        self.assertIn("No product with SKU ZZ99", failed[0].reason)
        self.assertFalse(self.pickings(), "nothing half-received: the AD23 line waits too")
        summary = self.connection._problem_summary("inbound_failed")
        activities = self.connection.activity_ids.filtered(lambda a: a.summary == summary)
        self.assertEqual(len(activities), 1, "one activity for the connection, not one per event")
        self.assertEqual(activities.user_id, self.connection.user_id)
        product = self.env["product.product"].create({"name": "Teh", "default_code": "ZZ99", "is_storable": True})
        failed.delivery_id.action_reprocess()
        self.assertEqual(set(failed.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(product, self.wh_main), 4)
        self.assertEqual(self.on_hand(product, self.wh_branch), 1)
        self.assertFalse(self.connection.activity_ids.filtered(lambda a: a.summary == summary))

    def test_unmapped_warehouse_and_other_event_types(self):
        self.connection.warehouse_map_ids.filtered(lambda m: m.remote_warehouse == "Cabang").unlink()
        self.accurate_purchase([("AD23", 4, "Cabang")])
        self.wait_webhooks(1)
        self.post(self.envelope("SALES_INVOICE", 901, "SI.1"))
        self.run_cron()
        events = self.env["accounting.inbound.event"].search([], order="id")
        self.assertEqual(events.mapped("state"), ["failed", "ignored"])
        self.assertIn("“Cabang” is not mapped", events[0].reason)
        self.assertIn("SALES_INVOICE events are not used", events[1].reason)
        self.assertFalse(self.pickings())
