"""The inbound crons: the daily vacuum thins the sync history that went
well and keeps what an accountant must still act on or account for; the
webhook cron does not let one connection's failing accounting system hold
up the others."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .inbound_common import DATABASE_ID, InboundCase


@tagged("post_install", "-at_install")
class TestInboundRetention(InboundCase):
    provider = "jurnal"

    def age(self, table, column, ids, days=100):
        """Rows made ``days`` ago (the test cannot wait three months)."""
        self.env.flush_all()
        self.env.cr.execute("UPDATE %s SET %s = %s - interval '%s days' WHERE id = ANY(%%s)"  # noqa: S608
                            % (table, column, column, int(days)), [list(ids)])
        self.env.invalidate_all()

    def make_job(self, reference, state, events):
        partner = self.env["res.partner"].create({"name": reference})
        job = self.env["accounting.sync.job"]._enqueue(self.connection, "customer", partner, reference)
        job.sudo().write({"state": state})
        Attempt = self.env["accounting.sync.attempt"].sudo()
        attempts = Attempt.create([{"job_id": job.id, "event": event, "attempt": n}
                                   for n, event in enumerate(events, 1)])
        self.age("accounting_sync_attempt", "date", attempts.ids)
        return job, attempts

    def test_vacuum_thins_old_done_rows_and_keeps_refused_and_failed(self):
        Event = self.env["accounting.inbound.event"]
        Delivery = self.env["accounting.webhook.event"]
        self.jurnal_invoice([("AD23", 3)])
        received = self.poll()
        self.jurnal_invoice([("ZZ99", 1)])
        failed = self.poll()
        self.connection.go_live_date = fields.Date.today()
        self.admin("POST", "jurnal", {"purchase_invoice": {
            "person_name": "PT Pemasok Jaya", "warehouse_name": "Gudang Utama",
            "transaction_date": (fields.Date.today() - timedelta(days=3)).strftime("%d/%m/%Y"),
            "transaction_lines_attributes": [{"product_code": "BX10", "quantity": 5, "rate": 1000}]}})
        ignored = self.poll()
        refused = Delivery.create({"connection_id": self.connection.id, "refused_reason": "Not JSON"})
        self.assertEqual([d.state for d in (received, failed, ignored, refused)],
                         ["done", "failed", "ignored", "refused"])
        old = received | failed | ignored | refused
        for column in ("received_at", "processed_at"):
            self.age("accounting_webhook_event", column, old.ids)
        documents = (received | failed | ignored).inbound_event_ids.document_id
        self.age("accounting_inbound_document", "write_date", documents.ids)
        self.jurnal_invoice([("BX10", 2)])
        recent = self.poll()
        sent_job, sent_attempts = self.make_job("RET-SENT", "done", ["failed", "retried", "done"])
        failed_job, failed_attempts = self.make_job("RET-FAILED", "failed", ["failed", "failed"])
        vacuum = Event._gc_accounting_history
        self.assertTrue(getattr(vacuum, "_autovacuum", False), "run by Odoo's daily vacuum")

        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.log_retention_days", "0")
        vacuum()
        self.assertEqual(len(old.exists()), 4, "0 days: everything is kept")

        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.log_retention_days", "90")
        done_event = received.inbound_event_ids
        picking = done_event.picking_ids
        vacuum()
        self.assertEqual(old.exists(), failed | refused, "refused and failed deliveries are kept")
        self.assertTrue(failed.inbound_event_ids.filtered(lambda e: e.state == "failed"))
        self.assertFalse(done_event.exists())
        self.assertTrue(recent.exists(), "younger than 90 days")
        # what was received stays: the document with its transfers
        self.assertTrue(picking.exists())
        self.assertEqual(picking.accounting_inbound_document_id.picking_ids, picking)
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 3)
        kept = documents.exists()
        self.assertEqual(kept, documents.filtered("picking_ids") | failed.inbound_event_ids.document_id,
                         "a document from which nothing was made goes with its events")
        self.assertLess(len(kept), len(documents))
        self.assertEqual(sent_attempts.exists(), sent_attempts[-1:], "a sent document keeps its last line")
        self.assertEqual(failed_attempts.exists(), failed_attempts, "a failed document keeps all")
        self.assertTrue(sent_job.exists() and failed_job.exists())


@tagged("post_install", "-at_install")
class TestInboundCronIsolation(InboundCase):
    provider = "accurate"

    def deliver(self, connection, record_id, number):
        body = self.envelope("PURCHASE_INVOICE", record_id, number)
        delivery = self.env["accounting.webhook.event"]._store_delivery(
            connection, json.dumps(body), connection._get_client().parse_webhook(body))
        return delivery.inbound_event_ids

    def test_an_unreachable_connection_does_not_hold_up_the_others(self):
        Connection = self.env["accounting.connection"]
        company_b = self.env["res.company"].create({"name": "Toko B"})
        unreachable = Connection.create(dict(
            Connection._vals_from_config(self.sandbox.accurate_config()), name="accurate B",
            company_id=company_b.id, base_url="http://127.0.0.1:9", request_timeout=1, state="connected",
            database_id=DATABASE_ID, rate_limit_per_minute=600000))
        waiting = self.env["accounting.inbound.event"]
        for n in range(3):  # queued first: the oldest events are the unreachable connection's
            waiting |= self.deliver(unreachable, 900 + n, "PI.B%s" % n)
        invoice = self.accurate_purchase([("AD23", 5, "Utama")])
        ours = self.deliver(self.connection, invoice["id"], invoice["number"])
        self.run_cron()
        self.assertEqual(ours.state, "done")
        self.assertEqual(self.on_hand(self.kopi, self.wh_main), 5)
        self.assertEqual(waiting.mapped("state"), ["received"] * 3)
        self.assertIn("Will try again", waiting[0].reason)
        self.assertEqual(waiting.mapped("attempts"), [1, 0, 0],
                         "after its first failure the connection's other events wait for the next run")
