"""Accurate purchases reach Odoo by webhook: the sandbox posts real HTTP
calls to Odoo's test server; the webhook cron makes the pickings."""

from odoo import fields
from odoo.exceptions import AccessError
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


@tagged("post_install", "-at_install")
class TestInboundAccurateVerified(WebhookMixin, InboundCase, HttpCase):
    """Nothing in a webhook is trusted but the id it names: each scenario's
    deliveries are sent by the sandbox over real HTTP to Odoo's webhook
    route, and what Odoo does follows what Accurate answers when asked."""

    provider = "accurate"

    def announce(self, remote_id, action="WRITE", number=""):
        """The sandbox sends Accurate's webhook for ``remote_id`` whatever it
        holds (early, late, or forged by whoever has the URL)."""
        return self.admin("POST", "accurate/%s/announce" % remote_id, {"action": action, "number": number})

    def events(self, remote_id=None):
        domain = [("connection_id", "=", self.connection.id)]
        domain += [("remote_id", "=", str(remote_id))] if remote_id else []
        return self.env["accounting.inbound.event"].search(domain, order="id")

    def documents(self):
        return self.env["accounting.inbound.document"].search([("connection_id", "=", self.connection.id)])

    def edit_and_receive(self, invoice, qty, webhooks):
        """A person sets the purchase to ``qty`` AD23 in Utama; its webhook
        (the ``webhooks``-th delivery) is received and processed."""
        self.admin("POST", "accurate/%s" % invoice["id"], {"detailItem": [
            {"itemNo": "AD23", "quantity": qty, "unitPrice": 1000, "warehouseName": "Utama"}]})
        self.wait_webhooks(webhooks)
        self.run_cron()

    def let_time_pass(self):
        """The events waiting to be read again are due (instead of sleeping)."""
        self.events().filtered(lambda e: e.state == "received").sudo().write(
            {"next_attempt_at": "2000-01-01 00:00:00"})

    def test_delete_of_a_purchase_that_still_exists_reverses_nothing(self):
        invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5)
        # a DELETE webhook for a purchase Accurate still has (forged, or sent by mistake)
        self.announce(invoice["id"], "DELETE", invoice["number"])
        self.assertEqual(self.wait_webhooks(2)[1]["status"], 200)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5, "nothing reversed")
        self.assertEqual(self.pickings().mapped("picking_type_code"), ["incoming"], "the receipt is kept")
        delete = self.events(invoice["id"]).filtered(lambda e: e.action == "DELETE")
        self.assertEqual(delete.state, "ignored")
        self.assertIn("still has it", delete.reason)
        self.assertFalse(self.documents().deleted)
        # a genuine edit afterwards is still applied
        self.edit_and_receive(invoice, 8, webhooks=3)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 8)
        # and a real deletion (gone at Accurate) reverses the receipts
        self.admin("DELETE", "accurate/%s" % invoice["id"])
        self.wait_webhooks(4)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)
        self.assertEqual(self.pickings().mapped("picking_type_code"), ["incoming", "incoming", "outgoing"])
        self.assertTrue(self.documents().deleted)
        self.assertIn("checked there", self.events(invoice["id"])[-1].reason)

    def test_ids_announced_before_they_exist_are_received_when_created(self):
        first = self.accurate_purchase([("AD23", 1, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        soon = [first["id"] + 1, first["id"] + 2, first["id"] + 3]  # the sandbox numbers ids in turn
        self.announce(soon[0])
        self.announce(soon[1])
        self.announce(soon[2], "DELETE")
        self.wait_webhooks(4)
        self.run_cron()
        writes = self.events(soon[0]) | self.events(soon[1])
        self.assertEqual(writes.mapped("state"), ["received", "received"], "read again later, not concluded")
        self.assertIn("does not show this document yet", writes[0].reason)
        delete = self.events(soon[2])
        self.assertEqual(delete.state, "done")
        self.assertIn("never received it", delete.reason)
        for _run in range(3):  # the WRITEs are read again with backoff, then concluded "not there"
            self.let_time_pass()
            self.run_cron()
        self.assertEqual(writes.mapped("state"), ["done", "done"])
        self.assertEqual(writes.mapped("attempts"), [3, 3])
        self.assertFalse(self.documents().filtered("deleted"), "an id never received is never flagged deleted")
        # the real purchases that get those ids become receipts
        created = [self.accurate_purchase([("BX10", 2, "Utama")]),
                   self.accurate_purchase([("BX10", 3, "Cabang")]),
                   self.accurate_purchase([("AD23", 4, "Cabang")])]
        self.assertEqual([c["id"] for c in created], soon)
        self.wait_webhooks(7)
        self.run_cron()
        self.assertEqual(self.on_hand(self.gula, self.wh_main), 2)
        self.assertEqual(self.on_hand(self.gula, self.wh_branch), 3)
        self.assertEqual(self.on_hand(self.kopi, self.wh_branch), 4)
        self.assertEqual(len(self.pickings()), 4)

    def test_a_new_purchase_not_visible_yet_is_read_again_then_received(self):
        # Accurate answers "not found" for a moment after a creation (its read lags)
        self.sandbox.add_fault("not_found", provider="accurate", path_contains="purchase-invoice/detail")
        invoice = self.accurate_purchase([("AD23", 6, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        event = self.events(invoice["id"])
        self.assertEqual((event.state, event.attempts), ("received", 1))
        self.assertGreater(event.next_attempt_at, fields.Datetime.now(), "read again after a pause")
        self.assertFalse(self.pickings())
        self.run_cron()
        self.assertEqual(event.attempts, 1, "not before its time")
        self.let_time_pass()
        self.run_cron()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 6)

    def test_a_received_purchase_read_as_gone_then_found_again_is_received_again(self):
        invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        # a read says it is gone (a WRITE of a received document): reversed, flagged
        self.sandbox.add_fault("not_found", provider="accurate", path_contains="purchase-invoice/detail")
        self.announce(invoice["id"], number=invoice["number"])
        self.wait_webhooks(2)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)
        self.assertTrue(self.documents().deleted)
        # the next successful read wins: "deleted" is not final
        self.edit_and_receive(invoice, 7, webhooks=3)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 7)
        self.assertFalse(self.documents().deleted)
        self.assertIn("received again", self.events(invoice["id"])[-1].reason)

    def test_only_a_sync_manager_retries_a_failed_event(self):
        """A retried event makes receipts: the Retry button is the
        administrators' (as the view shows it); a Sync User is refused over
        RPC too, and a manager's retry receives the purchase."""
        self.accurate_purchase([("ZZ99", 2, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        event = self.events()
        self.assertEqual(event.state, "failed")
        product = self.env["product.product"].create({"name": "Teh", "default_code": "ZZ99", "is_storable": True})
        users = {}
        for login, group in (("akuntan-retry", "group_accounting_sync_user"),
                             ("admin-retry", "group_accounting_sync_manager")):
            users[login] = self.env["res.users"].create({
                "name": login, "login": login, "company_id": self.env.company.id,
                "company_ids": [(6, 0, self.env.company.ids)],
                "groups_id": [(6, 0, [self.env.ref("pos_accounting_sync.%s" % group).id])]})
        with self.assertRaises(AccessError):
            event.with_user(users["akuntan-retry"]).action_retry()
        self.assertEqual(event.state, "failed")
        self.assertFalse(users["admin-retry"].has_group("stock.group_stock_user"))
        event.with_user(users["admin-retry"]).action_retry()
        self.assertEqual(event.state, "done")
        self.assertEqual(self.on_hand(product, self.wh_main), 2)
