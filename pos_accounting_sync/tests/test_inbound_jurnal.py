"""Jurnal purchases reach Odoo by polling (Jurnal has no purchase webhook)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .inbound_common import InboundCase


@tagged("post_install", "-at_install")
class TestInboundJurnal(InboundCase):
    provider = "jurnal"

    def poll(self):
        """The poll cron exactly as the scheduler runs it (it also processes)."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_poll_purchases").method_direct_trigger()
        self.env.invalidate_all()

    def test_overlapping_polls_receive_each_invoice_once(self):
        self.jurnal_invoice([("AD23", 5), ("BX10", 2)])
        self.poll()
        first_cursor = self.connection.purchase_poll_cursor
        self.assertTrue(first_cursor)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5)
        self.assertEqual(self.on_hand(self.gula, self.wh_main), 2)
        self.jurnal_invoice([("AD23", 1)])
        self.connection.purchase_poll_cursor = first_cursor - timedelta(days=3)  # a wider, overlapping window
        self.poll()
        self.poll()
        pickings = self.pickings()
        self.assertEqual(len(pickings), 2, "each invoice received once")
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 6)
        vendor = pickings.partner_id
        self.assertEqual(vendor.name, "PT Pemasok Jaya")
        self.assertEqual(len(self.env["accounting.inbound.event"].search([("connection_id", "=", self.connection.id)])),
                         2, "an unchanged document is not queued again")

    def test_edit_and_delete_seen_by_the_next_poll(self):
        invoice = self.jurnal_invoice([("AD23", 5)])
        self.poll()
        self.admin("POST", "jurnal/%s" % invoice["id"], {"transaction_lines_attributes": [
            {"product_code": "AD23", "quantity": 9, "rate": 1000}]})
        self.poll()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 9)
        self.assertEqual(self.pickings().mapped("move_ids.quantity"), [5, 4])
        self.admin("DELETE", "jurnal/%s" % invoice["id"])
        self.poll()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)
        self.assertEqual(self.pickings().mapped("picking_type_code"), ["incoming", "incoming", "outgoing"])
        self.poll()
        self.assertEqual(len(self.pickings()), 3, "a deleted document is not reversed twice")

    def test_purchase_return_becomes_a_done_return(self):
        invoice = self.jurnal_invoice([("AD23", 10)])
        self.admin("POST", "jurnal", {"purchase_return": {
            "invoice_no": invoice["transaction_no"], "transaction_date": self.today_text(),
            "transaction_return_lines_attributes": [
                {"transaction_line_id": invoice["transaction_lines_attributes"][0]["id"], "return_quantity": 3}]}})
        self.poll()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 7)
        ret = self.pickings(picking_type_code="outgoing")
        self.assertEqual((ret.state, ret.move_ids.quantity), ("done", 3))
        self.assertTrue(ret.accounting_inbound_ref.startswith("jurnal:return:"))

    def test_missing_sku_waits_for_retry(self):
        self.jurnal_invoice([("ZZ99", 2)])
        self.poll()
        event = self.env["accounting.inbound.event"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual(event.state, "failed")
        self.assertIn("ZZ99", event.reason)
        self.poll()
        self.assertEqual(len(event.search([("connection_id", "=", self.connection.id)])), 1,
                         "the poll does not pile up copies of a failed event")
        self.env["product.product"].create({"name": "Teh", "default_code": "ZZ99", "is_storable": True})
        event.action_retry()
        self.assertEqual(event.state, "done")

    def test_purchase_dated_before_go_live_is_left_alone(self):
        self.connection.go_live_date = fields.Date.today()
        yesterday = (fields.Date.today() - timedelta(days=1)).strftime("%d/%m/%Y")
        self.admin("POST", "jurnal", {"purchase_invoice": {
            "person_name": "PT Pemasok Jaya", "transaction_date": yesterday, "warehouse_name": "Gudang Utama",
            "transaction_lines_attributes": [{"product_code": "AD23", "quantity": 5, "rate": 1000}]}})
        self.jurnal_invoice([("BX10", 1)])
        self.poll()
        events = self.env["accounting.inbound.event"].search([("connection_id", "=", self.connection.id)],
                                                             order="remote_id")
        self.assertEqual(events.mapped("state"), ["ignored", "done"])
        self.assertIn("go-live", events[0].reason)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)

    def test_sync_user_reads_the_log_without_stock_rights(self):
        self.jurnal_invoice([("AD23", 2)])
        self.poll()
        user = self.env["res.users"].create({
            "name": "Akuntan", "login": "akuntan-inbound",
            "groups_id": [(6, 0, [self.env.ref("pos_accounting_sync.group_accounting_sync_user").id])]})
        self.assertFalse(user.has_group("stock.group_stock_user"))
        events = self.env["accounting.inbound.event"].with_user(user).search([])
        self.assertEqual(events.picking_count, 1)
        delivery = self.env["accounting.webhook.event"].with_user(user).search([])
        self.assertEqual(delivery.read(["state", "picking_count"])[0]["state"], "done")
        with self.assertRaises(AccessError):
            events.write({"state": "received"})
