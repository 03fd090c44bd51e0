"""Accurate's webhook goes silent: its 7-day subscription lapsed (the
portal may still say active) or was "renewed" with another application's
token. The hourly watchdog compares what Accurate lists as changed with
what webhooks announced; the backstop poll receives what they missed, in
order, once; one to-do says the subscription lapsed and how to renew it."""

from datetime import timedelta

from accounting_connectors.sandbox.accurate import OTHER_API_TOKEN, OTHER_APPLICATION, OTHER_SIGNATURE_SECRET

from odoo import fields
from odoo.tests import HttpCase, tagged

from .inbound_common import InboundCase, WebhookMixin


@tagged("post_install", "-at_install")
class TestWebhookSilence(WebhookMixin, InboundCase, HttpCase):
    provider = "accurate"

    def setUp(self):
        super().setUp()
        self.app = self.sandbox.app("accurate")
        self.addCleanup(setattr, self.sandbox, "clock_offset", 0.0)
        # tested and working (setting the database id asked for a new test); Odoo believes the
        # subscription good for days, so the daily renewal leaves it alone
        self.connection.write({"state": "connected", "webhook_expires_on": fields.Date.today() + timedelta(days=5)})

    def entered_earlier(self, minutes, *args, **kwargs):
        """A purchase a person entered in Accurate ``minutes`` ago."""
        self.sandbox.clock_offset = -60 * minutes
        try:
            return self.accurate_purchase(*args, **kwargs)
        finally:
            self.sandbox.clock_offset = 0.0

    def watchdog(self):
        """The hourly watchdog exactly as the scheduler runs it (as OdooBot)."""
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_webhook_watchdog")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        cron.method_direct_trigger()
        self.env.invalidate_all()

    def lapsed_todos(self):
        return self.connection.activity_ids.filtered(lambda a: a.accounting_problem == "inbound_lapsed")

    def test_lapsed_subscription_every_purchase_received_once_and_one_todo(self):
        self.accurate_purchase([("AD23", 1, "Utama")])
        self.wait_webhooks(1)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 1, "delivered while the subscription lived")

        self.app.lapse_webhook(days_ago=2)
        first = self.entered_earlier(50, [("AD23", 5, "Utama")])
        second = self.entered_earlier(40, [("BX10", 3, "Cabang")], kind="receipt")
        self.entered_earlier(30, [("AD23", 2, "Utama")], kind="return", invoiceNumber=first["number"])
        self.sandbox.clock_offset = -20 * 60
        self.admin("POST", "accurate/%s" % second["id"], {"detailItem": [
            {"itemNo": "BX10", "quantity": 4, "unitPrice": 1000, "warehouseName": "Cabang"}]})
        self.sandbox.clock_offset = 0.0
        self.assertEqual(len(self.app.undelivered), 4, "Accurate sent nothing and said nothing")
        self.assertEqual(len(self.sandbox.webhook_log), 1)
        self.run_cron()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 1, "no webhook, nothing received yet")

        self.watchdog()
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 1 + 5 - 2)
        self.assertEqual(self.on_hand(self.gula, self.wh_branch), 4, "the edited receipt, as Accurate has it now")
        self.assertEqual(len(self.pickings()), 4, "one transfer per document: none for the superseded version")
        poll = self.env["accounting.webhook.event"].search([("connection_id", "=", self.connection.id),
                                                             ("source", "=", "poll")])
        self.assertEqual(len(poll), 1)
        self.assertEqual(poll.inbound_event_ids.mapped("remote_id"),
                         [str(first["id"]), str(self.sandbox_dump("purchase_return")[0]["id"]), str(second["id"])],
                         "queued in the order Accurate changed them (the edited receipt last)")
        self.assertEqual(set(poll.inbound_event_ids.mapped("state")), {"done"})
        todo = self.lapsed_todos()
        self.assertEqual(len(todo), 1, "one to-do for the whole silence")
        self.assertEqual(todo.user_id, self.connection.user_id)
        self.assertIn("went silent", todo.note)
        self.assertIn(first["number"], todo.note)
        self.assertIn("renewed the subscription now", todo.note)
        self.assertGreater(self.app.webhook_expires_at, self.sandbox.now(), "renewed by the owning application")

        # the watchdog looks again over the same hours, then the silent webhooks arrive at last: nothing twice
        before = (self.on_hand(self.kopi, self.wh_main), self.on_hand(self.gula, self.wh_branch),
                  len(self.pickings()))
        self.connection.webhook_watch_cursor -= timedelta(hours=2)
        self.watchdog()
        self.assertEqual(len(self.env["accounting.webhook.event"].search([
            ("connection_id", "=", self.connection.id), ("source", "=", "poll")])), 1, "nothing missed any more")
        self.assertEqual(len(self.lapsed_todos()), 1, "still silent: the to-do stays, once")
        for body in self.app.undelivered:
            self.assertEqual(self.post(body).status_code, 200)
        self.run_cron()
        self.assertEqual((self.on_hand(self.kopi, self.wh_main), self.on_hand(self.gula, self.wh_branch),
                          len(self.pickings())), before)

        # webhooks flow again: the next watchdog run closes the to-do
        self.entered_earlier(15, [("AD23", 1, "Utama")])
        self.wait_webhooks(2)
        self.run_cron()
        self.connection.webhook_watch_cursor -= timedelta(hours=1)
        self.watchdog()
        self.assertFalse(self.lapsed_todos(), "closed once webhooks announce the changes again")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), before[0] + 1)

    def test_renewal_with_another_applications_token_is_caught(self):
        self.connection.write({"api_token": OTHER_API_TOKEN, "signature_secret": OTHER_SIGNATURE_SECRET,
                               "state": "connected"})
        self.app.lapse_webhook(days_ago=1)
        lapsed_on = self.app.webhook_expires_at
        self.connection.webhook_expires_on = fields.Date.today()  # due for renewal
        self.env.ref("pos_accounting_sync.ir_cron_accounting_renew_webhooks").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.app.webhook_expires_at, lapsed_on, "Accurate extended nothing")
        self.assertEqual(self.connection.webhook_application, OTHER_APPLICATION)
        self.assertLess(self.connection.webhook_expires_on, fields.Date.today())
        todo = self.connection.activity_ids.filtered(lambda a: a.accounting_problem == "inbound_renew")
        self.assertEqual(len(todo), 1)
        self.assertIn("nothing was extended", todo.note)
        self.assertIn(OTHER_APPLICATION, todo.note)
        self.assertIn("Renew", todo.note)
