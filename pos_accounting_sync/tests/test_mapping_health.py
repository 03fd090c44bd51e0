"""Mapping health: what is in use and unmapped, and what is mapped to a code
the accounting system no longer has, is listed with the documents it would
break, and those documents fail with that sentence before any request; a
fix sends them by itself."""

import json
from contextlib import contextmanager
from urllib.parse import quote

import requests

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestMappingHealth(PosSyncCase):

    def run_cron(self, xmlid):
        self.env.ref("pos_accounting_sync.%s" % xmlid).method_direct_trigger()

    def delete_remote(self, kind, code):
        resp = requests.delete("%s/_sandbox/masters/%s/%s/%s" % (self.sandbox.url, self.provider, kind,
                                                                quote(code, safe="")), timeout=5)
        self.assertEqual(resp.status_code, 200, resp.text)

    @contextmanager
    def assertNothingSaved(self):
        """The accounting system holds the same documents after as before."""
        app = self.sandbox.app(self.provider)
        before = json.dumps(app.dump(), default=str, sort_keys=True)
        yield
        self.assertEqual(json.dumps(app.dump(), default=str, sort_keys=True), before, "something was sent")

    def shift(self, methods, sales):
        session = self._start_pos_session(methods, 0)
        for lines, method, amount in sales:
            self.sell(lines, payments=[(method, amount)])
        self.close_from_ui(session)
        return session

    def rows(self, **where):
        rows = self.env["accounting.mapping.health"].search([("connection_id", "=", self.connection.id)])
        return rows.filtered(lambda r: all(r[k] == v for k, v in where.items()))

    def test_deleted_account_is_listed_before_its_receipt_is_sent(self):
        session = self.shift(self.cash_pm1 | self.bank_pm1, [
            ([(self.kopi, 1)], self.cash_pm1, 22200), ([(self.roti, 2)], self.bank_pm1, 33300)])
        jobs = self.jobs_of(session)
        bank_receipt = jobs.filtered(lambda j: j.reference.endswith("/RCV/%s" % self.bank_pm1.id))
        self.assertEqual(bank_receipt.state, "pending")
        # someone deletes the bank account in the accounting system overnight
        self.delete_remote("account", self.codes["bank"])
        self.run_cron("ir_cron_accounting_mapping_health")
        row = self.rows(problem="missing_remote", remote_code=self.codes["bank"])
        self.assertEqual(len(row), 1, self.rows().mapped("message"))
        self.assertEqual(row.category, "payment")
        self.assertIn(self.bank_pm1.name, row.message)
        self.assertIn("no longer exists", row.message)
        # it names the pending document it would break, and only that one
        self.assertEqual(row.job_ids, bank_receipt)
        self.assertEqual(self.connection.health_count, len(self.rows()))

        self.run_cron("ir_cron_accounting_sync_worker")
        self.assertEqual(bank_receipt.state, "failed")
        self.assertIn(row.message, bank_receipt.error_message)
        self.assertNotIn(bank_receipt.reference, self.remote("sales_receipt"))
        self.assertFalse(bank_receipt.request_body, "nothing was sent for it")
        # the rest of the shift went out
        cash_receipt = jobs.filtered(lambda j: j.reference.endswith("/RCV/%s" % self.cash_pm1.id))
        self.assertEqual(cash_receipt.state, "done", cash_receipt.error_message)

        # the accountant maps the method to an account that exists: it goes out by itself
        self.connection.payment_map_ids.filtered(lambda m: m.payment_method_id == self.bank_pm1).remote_account = \
            self.codes["cash"]
        self.assertEqual(bank_receipt.state, "pending")
        self.run_cron("ir_cron_accounting_sync_worker")
        self.assertEqual(bank_receipt.state, "done", bank_receipt.error_message)
        self.assertIn(bank_receipt.reference, self.remote("sales_receipt"))
        self.run_cron("ir_cron_accounting_mapping_health")
        self.assertFalse(self.rows(problem="missing_remote"))

    def test_check_mappings_sends_nothing_and_renamed_warehouse_is_listed(self):
        self.connection.outlet_map_ids.remote_warehouse = self.codes["warehouse"]
        session = self.shift(self.cash_pm1, [([(self.kopi, 1)], self.cash_pm1, 22200)])
        resp = requests.post("%s/_sandbox/masters/%s/warehouse/%s" % (
            self.sandbox.url, self.provider, quote(self.codes["warehouse"], safe="")),
            json={"name": "Gudang Pusat"}, timeout=5)
        self.assertEqual(resp.status_code, 200, resp.text)
        with self.assertNothingSaved():
            self.connection.action_check_mapping_health()
        row = self.rows(problem="missing_remote", remote_code=self.codes["warehouse"])
        self.assertEqual(row.category, "outlet")
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(row.job_ids, invoice, "the invoice carries the outlet's warehouse")
        self.run_worker()
        self.assertEqual(invoice.state, "failed")
        self.assertIn(row.message, invoice.error_message)
        self.assertFalse(self.remote("sales_invoice"), "the invoice was not sent")

    def test_unmapped_payment_method_and_tax_in_use_are_listed(self):
        qris = self.env["pos.payment.method"].create({"name": "QRIS", "journal_id": self.bank_pm1.journal_id.id})
        tax12 = self.env["account.tax"].create({
            "name": "PPN 12%", "amount": 12, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": self.env.company.id})
        teh = self.create_product("Es Teh", self.categ_basic, 10000.0, tax_ids=[tax12.id])
        teh.default_code = "TEH-01"
        session = self.shift(self.cash_pm1 | qris, [([(self.kopi, 1)], qris, 22200),
                                                    ([(teh, 1)], self.cash_pm1, 11200)])
        self.connection.action_check_mapping_health()
        method_row = self.rows(problem="unmapped", res_model="pos.payment.method", res_id=qris.id)
        self.assertEqual(method_row.category, "payment")
        self.assertIn(qris.name, method_row.message)
        qris_receipt = self.jobs_of(session).filtered(lambda j: j.reference.endswith("/RCV/%s" % qris.id))
        self.assertEqual(method_row.job_ids, qris_receipt)
        tax_row = self.rows(problem="unmapped", res_model="account.tax", res_id=tax12.id)
        self.assertIn("PPN 12%", tax_row.message)
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(tax_row.job_ids, invoice)
        # mapped methods and taxes are not listed
        self.assertFalse(self.rows(res_model="pos.payment.method", res_id=self.cash_pm1.id))
        self.assertFalse(self.rows(res_model="account.tax", res_id=self.tax11.id))
        # the Fix link opens a new mapping line for that method on this connection
        action = method_row.action_open_fix()
        self.assertEqual((action["res_model"], action["context"].get("default_payment_method_id")),
                         ("accounting.payment.map", qris.id))

        self.run_worker()
        self.assertEqual(invoice.state, "failed")
        self.assertEqual(invoice.cause_refs, "|account.tax,%s|" % tax12.id)
        # mapping the tax sends the invoice (and so the receipts) by itself
        self.env["accounting.tax.map"].create({"connection_id": self.connection.id, "tax_id": tax12.id,
                                               "remote_tax": self.codes["tax12"]})
        self.assertEqual(invoice.state, "pending")
        self.run_worker()
        self.assertEqual(invoice.state, "done", invoice.error_message)
        self.assertEqual(qris_receipt.state, "failed")
        self.assertIn(qris.name, qris_receipt.error_message)
        self.env["accounting.payment.map"].create({"connection_id": self.connection.id,
                                                   "payment_method_id": qris.id,
                                                   "remote_account": self.codes["bank"]})
        self.run_worker()
        self.assertEqual(qris_receipt.state, "done", qris_receipt.error_message)

    def test_account_a_pending_document_needs_is_listed_and_setting_it_sends_it(self):
        delivery = self.env["product.product"].create({
            "name": "Ongkos Kirim", "type": "service", "available_in_pos": True, "list_price": 5000,
            "taxes_id": [(5, 0, 0)]})
        session = self.shift(self.cash_pm1, [([(self.kopi, 1), (delivery, 1)], self.cash_pm1, 27200)])
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.connection.action_check_mapping_health()
        row = self.rows(problem="unmapped", res_model="accounting.connection")
        self.assertEqual(row.category, "account")
        self.assertIn("Ongkos Kirim", row.message)
        self.assertEqual(row.job_ids, invoice)
        self.run_worker()
        self.assertEqual(invoice.state, "failed")
        # the connection (any fix of it retries) and the very account (what health counts it against)
        self.assertEqual(invoice.cause_refs, "|accounting.connection,%s|conn_field:%s:service_account|" % (
            self.connection.id, self.connection.id))
        # the admin picks the account on the connection: the shift goes out by itself
        self.connection.service_account = self.codes["sales"]
        self.assertEqual(invoice.state, "pending")
        self.run_worker()
        self.assertEqual(set(self.jobs_of(session).mapped("state")), {"done"},
                         self.jobs_of(session).mapped("error_message"))


@tagged("post_install", "-at_install")
class TestMappingHealthJurnal(TestMappingHealth):
    provider = "jurnal"
