"""The webhook door over real HTTP: each bad input gets its answer, a log
row where the sender is genuine, and never any stock."""

import json

import requests

from odoo.tests import HttpCase, tagged

from .inbound_common import InboundCase, WebhookMixin


@tagged("post_install", "-at_install")
class TestWebhookDoor(WebhookMixin, InboundCase, HttpCase):
    provider = "accurate"

    def setUp(self):
        super().setUp()
        self.sandbox.webhook_url = None
        self.invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        self.good = self.envelope("PURCHASE_INVOICE", self.invoice["id"], self.invoice["number"])

    def deliveries(self):
        return self.env["accounting.webhook.event"].search([("connection_id", "=", self.connection.id)],
                                                           order="id")

    def assert_no_stock(self):
        self.run_cron()
        self.assertFalse(self.env["accounting.inbound.event"].search([("state", "!=", "ignored")]),
                         "no event was queued")
        self.assertFalse(self.pickings())
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 0)

    def test_wrong_token_is_counted_with_the_address_and_never_read(self):
        for _i in range(2):
            answer = self.post(self.good, url=self.hook_url(token="not-the-token"))
            self.assertEqual(answer.status_code, 404)
        answer = self.post(self.good, url=self.hook_url().replace("/%s/" % self.connection.id, "/999999/"))
        self.assertEqual(answer.status_code, 404)
        refusals = self.env["accounting.webhook.refusal"].search([], order="id")
        self.assertEqual([(r.remote_addr, r.reason, r.count) for r in refusals],
                         [("127.0.0.1", "wrong token", 2), ("127.0.0.1", "wrong token", 1)])
        self.assertEqual(refusals[0].connection_id, self.connection)
        self.assertFalse(self.deliveries(), "the body is not stored as a delivery")
        wrong_db = self.hook_url().replace("/%s/" % self.env.cr.dbname, "/other_db/")
        self.assertEqual(self.post(self.good, url=wrong_db).status_code, 404)
        self.assert_no_stock()

    def test_envelope_for_another_accurate_database_is_refused_and_logged(self):
        answer = self.post(self.envelope("PURCHASE_INVOICE", self.invoice["id"], "PI.1", database="1742775"))
        self.assertEqual(answer.status_code, 403)
        delivery = self.deliveries()
        self.assertEqual(delivery.state, "refused")
        self.assertIn("1742775", delivery.error_message)
        self.assertFalse(delivery.inbound_event_ids)
        self.assert_no_stock()

    def test_malformed_json_wrong_type_and_unknown_event_get_a_clear_4xx(self):
        cases = [
            (self.post(None, raw="[{not json"), 400, "Not an Accurate webhook"),
            (self.post(None, raw='{"no": "type"}'), 400, "has no type"),
            (self.post(self.good, content_type="text/plain"), 415, "text/plain"),
            (self.post(self.envelope("PURCHASE_INVOICE_V2", 1, "X")), 400, "PURCHASE_INVOICE_V2"),
        ]
        deliveries = self.deliveries()
        self.assertEqual(len(deliveries), 4)
        for (answer, status, words), delivery in zip(cases, deliveries, strict=True):
            self.assertEqual(answer.status_code, status, answer.text)
            self.assertFalse(answer.json()["ok"])
            self.assertEqual(delivery.state, "refused")
            self.assertIn(words, delivery.error_message)
        self.assert_no_stock()

    def test_oversized_body_is_refused_before_it_is_read(self):
        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.webhook_max_bytes", "300")
        big = self.good + [dict(self.good[0], uuid="u%d" % i) for i in range(10)]
        self.assertGreater(len(json.dumps(big)), 300)
        self.assertEqual(self.post(big).status_code, 413)

        def chunks():  # no Content-Length: the limit is enforced while reading the stream
            for _i in range(20):
                yield b" " * 100
        answer = requests.post(self.hook_url(), data=chunks(), timeout=10,
                               headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        self.assertEqual(answer.status_code, 413)
        deliveries = self.deliveries()
        self.assertEqual(deliveries.mapped("state"), ["refused", "refused"])
        self.assertEqual(deliveries.mapped("body"), [False, False], "an oversized body is not kept")
        self.assertGreater(deliveries[0].body_size, 300)
        self.assert_no_stock()
        self.assertEqual(self.post(self.good).status_code, 200, "a body under the limit still passes")

    def test_url_check_and_subscription_renewal(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        answer = self.url_open(self.hook_url())
        self.assertEqual(answer.json(), {"ok": True, "connection": self.connection.id})
        self.assertIn(self.env.cr.dbname, self.connection.webhook_url, "the URL names the database")
        self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "connected", self.connection.state_message)
        self.assertIn("answers", self.connection.webhook_check_message)
        self.assertTrue(self.connection.webhook_expires_on)
        self.connection.webhook_expires_on = False
        self.env.ref("pos_accounting_sync.ir_cron_accounting_renew_webhooks").method_direct_trigger()
        self.assertTrue(self.connection.webhook_expires_on, "renewed by the daily cron")
        self.assertFalse(self.deliveries(), "a check is not a delivery")
