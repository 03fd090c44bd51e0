"""Jurnal purchases reach Odoo by polling (Jurnal has no purchase webhook)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .inbound_common import InboundCase


@tagged("post_install", "-at_install")
class TestInboundJurnal(InboundCase):
    provider = "jurnal"

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

    # --- verify before acting, isolation, bounded windows -----------------------------
    def test_a_listed_purchase_not_readable_yet_is_read_again_not_lost(self):
        invoice = self.jurnal_invoice([("AD23", 4)])
        # Jurnal lists it but its read answers "no such id" for a moment
        self.sandbox.add_fault("not_found", provider="jurnal", path_contains="purchase_invoices/%s" % invoice["id"])
        self.poll()
        event = self.env["accounting.inbound.event"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual((event.state, event.attempts), ("received", 1))
        self.assertIn("does not show this document yet", event.reason)
        self.assertFalse(event.document_id.deleted, "never flagged deleted")
        self.poll()
        self.assertEqual(len(event.search([("connection_id", "=", self.connection.id)])), 1)
        event.sudo().next_attempt_at = "2000-01-01 00:00:00"  # its pause is over
        self.poll()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 4)

    def test_one_failing_connection_does_not_stop_the_other_companys_poll(self):
        Connection = self.env["accounting.connection"]
        company_b = self.env["res.company"].create({"name": "Toko B"})
        wh_b = self.env["stock.warehouse"].search([("company_id", "=", company_b.id)], limit=1)
        Connection.create(dict(
            Connection._vals_from_config(self.sandbox.jurnal_config()), name="jurnal B", company_id=company_b.id,
            request_timeout=1, state="connected", rate_limit_per_minute=600000,
            user_id=self.env.ref("base.user_admin").id,
            warehouse_map_ids=[(0, 0, {"warehouse_id": wh_b.id, "remote_warehouse": "Gudang Utama"})]))
        # company A's connection comes first and is refused by Jurnal
        self.connection.write({"client_secret": "not-the-secret"})
        self.connection.state = "connected"
        self.jurnal_invoice([("AD23", 4)])
        self.poll()
        self.assertEqual(self.on_hand(self.kopi, wh_b), 4, "company B still polled and received")
        self.assertFalse(self.connection.purchase_poll_cursor, "company A's poll is rolled back")
        summary = self.connection._problem_summary("inbound_poll")
        activity = self.connection.activity_ids.filtered(lambda a: a.summary == summary)
        self.assertEqual(len(activity), 1, "reported on the failing connection")
        self.assertIn("jurnal test", activity.note)
        self.connection.write({"client_secret": self.sandbox.jurnal_config().client_secret})
        self.connection.state = "connected"
        self.poll()
        self.assertFalse(self.connection.activity_ids.filtered(lambda a: a.summary == summary),
                         "closed by the next successful poll")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 4)

    def test_a_huge_poll_window_is_read_over_several_runs(self):
        self.connection.go_live_date = False
        day = 86400
        self.addCleanup(setattr, self.sandbox, "clock_offset", 0.0)
        for days_ago, qty in ((150, 1), (60, 2), (0, 4)):  # created on those days in Jurnal
            self.sandbox.clock_offset = -days_ago * day
            self.jurnal_invoice([("AD23", qty)])
        self.sandbox.clock_offset = 0
        today = fields.Date.context_today(self.connection)
        self.connection.purchase_poll_cursor = fields.Datetime.now() - timedelta(days=200)
        self.poll()
        self.assertEqual(self.connection.purchase_poll_cursor.date(), today - timedelta(days=201 - 31),
                         "one run reads 31 creation days, and the next goes on from there")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)
        self.poll()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 1, "the next 31 days")
        runs = 2
        while self.connection.purchase_poll_cursor.date() < today and runs < 12:
            self.poll()
            runs += 1
        self.assertEqual(runs, 7)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 7, "every purchase received once")
        self.assertEqual(len(self.pickings()), 3)
