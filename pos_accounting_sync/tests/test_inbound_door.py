"""The webhook door over real HTTP: each bad input gets its answer, a log
row where the sender is genuine, and never any stock."""

import io
import json
import logging
import threading
import time

import requests

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..controllers.webhook import WebhookTokenMask, install_token_mask, mask_token
from .inbound_common import InboundCase, WebhookMixin


class DoorCase(WebhookMixin, InboundCase, HttpCase):
    """Calls to the door by hand (the sandbox sends nothing itself); one
    purchase entered in the sandbox's Accurate, ``good`` its envelope."""

    provider = "accurate"

    def setUp(self):
        super().setUp()
        self.sandbox.webhook_url = None
        self.invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        self.good = self.envelope("PURCHASE_INVOICE", self.invoice["id"], self.invoice["number"])

    def deliveries(self):
        return self.env["accounting.webhook.event"].search([("connection_id", "=", self.connection.id)],
                                                           order="id")


@tagged("post_install", "-at_install")
class TestWebhookDoor(DoorCase):
    """Each bad input gets its answer, and never any stock."""

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
                         [("127.0.0.1", "wrong_token", 2), ("127.0.0.1", "wrong_token", 1)])
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


@tagged("post_install", "-at_install")
class TestWebhookDoorTrust(DoorCase):
    """What a careless or hostile sender holding (or guessing) the URL can
    do: every malformed call gets a prompt 4xx, the secret never reaches a
    log line, the token can be replaced, and one delivery cannot fill the
    queue that real purchases wait in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "door_manager", groups="base.group_user,pos_accounting_sync.group_accounting_sync_manager")
        cls.sync_user = new_test_user(
            cls.env, "door_user", groups="base.group_user,pos_accounting_sync.group_accounting_sync_user")

    def refusals(self):
        self.env.invalidate_all()
        return self.env["accounting.webhook.refusal"].search([], order="id")

    def timed_post(self, **kwargs):
        start = time.monotonic()
        answer = self.url_open(kwargs.pop("url", None) or self.hook_url(), timeout=15, **kwargs)
        self.env.invalidate_all()
        return answer, time.monotonic() - start

    def test_form_posts_are_refused_at_once_without_reading_the_body(self):
        form, form_time = self.timed_post(data={"payload": json.dumps(self.good)})
        multipart, multipart_time = self.timed_post(files={"payload": ("hook.json", json.dumps(self.good))})
        for answer, elapsed in ((form, form_time), (multipart, multipart_time)):
            self.assertEqual(answer.status_code, 415, answer.text)
            self.assertLess(elapsed, 5, "answered at once, not after a read of a drained stream")
            self.assertFalse(answer.json()["ok"])
        deliveries = self.deliveries()
        self.assertEqual(deliveries.mapped("state"), ["refused", "refused"])
        self.assertIn("application/x-www-form-urlencoded", deliveries[0].error_message)
        self.assertIn("multipart/form-data", deliveries[1].error_message)
        self.assertEqual(deliveries.mapped("body"), [False, False], "a form's body is never read")
        self.assertFalse(self.env["accounting.inbound.event"].search([]))
        self.assertEqual(self.post(self.good).status_code, 200, "the door still works after them")

    def test_deep_nesting_and_bad_json_are_400_not_500(self):
        deep = self.post(None, raw="[" * 200000 + "]" * 200000)
        bad = self.post(None, raw='[{"uuid": "x", "type": "PURCHASE_INVOICE", ')
        not_utf8 = self.post(None, raw=b"\xff\xfe[1]")
        for answer in (deep, bad, not_utf8):
            self.assertEqual(answer.status_code, 400, answer.text[:200])
            self.assertFalse(answer.json()["ok"])
        deliveries = self.deliveries()
        self.assertEqual(deliveries.mapped("state"), ["refused"] * 3)
        self.assertIn("nested", deliveries[0].error_message)
        self.assertLessEqual(len(deliveries[0].body), 4000, "the stored body is bounded")
        self.assertFalse(self.env["accounting.inbound.event"].search([]))

    def test_archived_connection_is_refused_like_an_unknown_webhook(self):
        self.connection.active = False
        answer = self.post(self.good)
        self.assertEqual(answer.status_code, 404)
        self.assertEqual(answer.json(), {"ok": False, "error": "unknown webhook"})
        self.assertEqual(self.url_open(self.hook_url()).status_code, 404, "the URL check too")
        self.assertEqual([(r.reason, r.count, r.connection_id) for r in self.refusals()],
                         [("archived", 2, self.connection)])
        self.assertFalse(self.deliveries())
        self.assertFalse(self.env["accounting.inbound.event"].search([]))
        self.connection.active = True
        self.assertEqual(self.post(self.good).status_code, 200)

    def test_rotating_the_token_refuses_the_old_url(self):
        old_url, old_token = self.hook_url(), self.connection.sudo().webhook_token
        with self.assertRaises(AccessError):
            self.connection.with_user(self.sync_user).action_rotate_webhook_token()
        self.assertEqual(self.post(self.good, url=old_url).status_code, 200, "a Sync User changed nothing")
        action = self.connection.with_user(self.manager).action_rotate_webhook_token()
        new_token = self.connection.sudo().webhook_token
        self.assertNotEqual(new_token, old_token)
        self.assertIn(new_token, self.connection.webhook_url)
        self.assertIn(self.connection.webhook_url, action["params"]["message"],
                      "the new URL is shown to paste into Accurate")
        self.assertEqual(self.post(self.good, url=old_url).status_code, 404)
        second = self.envelope("PURCHASE_INVOICE", self.invoice["id"], self.invoice["number"])
        self.assertEqual(self.post(second).status_code, 200, "the new URL works")
        self.assertEqual([r.reason for r in self.refusals()], ["wrong_token"])
        self.assertNotIn(self.hook_url().rsplit("/", 1)[1], str(self.connection.message_ids.mapped("body")),
                         "the new token is not written in the chatter")

    def test_a_day_of_deliveries_leaves_the_token_in_no_log_line(self):
        token = self.connection.sudo().webhook_token
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setLevel(logging.DEBUG)
        root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
        root.addHandler(handler)
        self.addCleanup(root.removeHandler, handler)
        for logger in (werkzeug, logging.getLogger("odoo.addons.pos_accounting_sync")):
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.INFO)
        self.url_open(self.hook_url())  # the connection's own reachability check (GET)
        self.assertEqual(self.post(self.good).status_code, 200)
        self.assertEqual(self.post(self.good, content_type="text/plain").status_code, 415)
        self.assertEqual(self.post(None, raw="{not json").status_code, 400)
        self.assertEqual(self.timed_post(data={"a": "b"})[0].status_code, 415)
        self.assertEqual(self.post(self.good, url=self.hook_url(token=token[:-2] + "xx")).status_code, 404)
        self.assertEqual(self.post(self.good, url=self.hook_url() + "/extra").status_code, 404)
        self.run_cron()
        self.assertTrue(self.pickings(), "the genuine delivery became a receipt")
        lines = stream.getvalue().splitlines()
        access = [line for line in lines if "/pos_accounting_sync/webhook/" in line]
        self.assertGreaterEqual(len(access), 6, "the request lines were captured:\n%s" % "\n".join(lines))
        self.assertTrue(all("***" in line for line in access), access)
        self.assertFalse([line for line in lines if token in line or token[:-2] in line])
        stored = self.deliveries()
        self.assertFalse([v for v in stored.mapped("body") + stored.mapped("error_message") if v and token in v])

    def test_the_mask_is_installed_once_and_leaves_other_lines_alone(self):
        werkzeug = logging.getLogger("werkzeug")
        before = list(werkzeug.filters)
        self.assertIs(install_token_mask("werkzeug"), install_token_mask("werkzeug"))
        self.assertEqual(werkzeug.filters, before, "installed when the module was loaded, once")
        self.assertEqual(sum(isinstance(f, WebhookTokenMask) for f in werkzeug.filters), 1)
        mask = WebhookTokenMask()
        other = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s %s',
                                  ("GET /web?debug=1 HTTP/1.1", "200", "-"), None)
        self.assertTrue(mask.filter(other))
        self.assertEqual(other.getMessage(), '"GET /web?debug=1 HTTP/1.1" 200 -')
        broken = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s %s", ("one",), None)
        self.assertTrue(mask.filter(broken), "a malformed line is passed on, not dropped")
        self.assertEqual(mask_token("POST /pos_accounting_sync/webhook/5/s3cr-et_?x=1 HTTP/1.1"),
                         "POST /pos_accounting_sync/webhook/5/***?x=1 HTTP/1.1")
        self.assertEqual(mask_token("/pos_accounting_sync/webhook/db1/5/s3cr-et/more"),
                         "/pos_accounting_sync/webhook/db1/5/***")
        self.assertEqual(mask_token("/pos_accounting_sync/webhook/5/s3cr-et/more"),
                         "/pos_accounting_sync/webhook/5/***")

    def test_one_delivery_cannot_fill_the_queue(self):
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("pos_accounting_sync.webhook_max_documents", "5")
        noise = [dict(self.envelope("ITEM_QUANTITY", 900 + i, "IQ.%s" % i)[0]) for i in range(8)]
        purchases = [dict(self.envelope("PURCHASE_INVOICE", 100 + i, "PI.%s" % i)[0]) for i in range(3)]
        answer = self.post(noise + purchases)
        self.assertEqual(answer.status_code, 200, answer.text)
        delivery = self.deliveries()
        events = delivery.inbound_event_ids
        self.assertEqual(len(events), 5, "one delivery stores at most the cap")
        self.assertEqual(sorted(events.filtered(lambda e: e.state == "received").mapped("remote_number")),
                         ["PI.0", "PI.1", "PI.2"], "the purchases are kept first")
        self.assertIn("6", delivery.skipped_note)
        too_many = [dict(self.envelope("RECEIVE_ITEM", 200 + i, "RI.%s" % i)[0]) for i in range(6)]
        answer = self.post(too_many)
        self.assertEqual(answer.status_code, 413)
        refused = self.deliveries()[-1]
        self.assertEqual(refused.state, "refused")
        self.assertIn("5", refused.error_message)
        self.assertFalse(refused.inbound_event_ids)

    def test_the_hourly_cap_answers_429_and_names_it(self):
        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.webhook_max_events_per_hour", "4")
        first = [dict(self.envelope("PURCHASE_INVOICE", 100 + i, "PI.%s" % i)[0]) for i in range(3)]
        self.assertEqual(self.post(first).status_code, 200)
        noise = self.envelope("ITEM_QUANTITY", 900, "IQ.1")
        self.assertEqual(self.post(noise).status_code, 200, "events that queue nothing are not capped")
        answer = self.post([dict(self.envelope("PURCHASE_RETURN", 300 + i, "PR.%s" % i)[0]) for i in range(2)])
        self.assertEqual(answer.status_code, 429)
        self.assertTrue(answer.headers.get("Retry-After"))
        refused = self.deliveries()[-1]
        self.assertEqual(refused.state, "refused")
        self.assertIn("4", refused.error_message)
        self.assertEqual(self.env["accounting.inbound.event"].search_count([("state", "=", "received")]), 3)

    def test_concurrent_wrong_token_calls_are_all_counted(self):
        bad_url = self.hook_url(token="guess")
        answers = []

        def call():
            answers.append(requests.post(bad_url, json=self.good, timeout=30).status_code)
        threads = [threading.Thread(target=call) for _i in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(answers, [404] * 12)
        self.assertEqual([(r.reason, r.count) for r in self.refusals()], [("wrong_token", 12)])
        long_addr = self.env["accounting.webhook.refusal"]._count("x" * 500, "wrong_token")
        self.assertEqual(len(long_addr.remote_addr), 64, "the address is bounded")
