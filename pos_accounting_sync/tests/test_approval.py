"""Accurate's approval: a sales invoice Accurate saves unapproved (an
approval rule of the database) holds its receipts with a sentence that
says to approve it in Accurate; the approval cron (as OdooBot) reads it
back every hour and, once a person approved it, the receipts go out. Until
then the reconciliation does not count it as posted."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .invoice_rules_common import InvoiceRulesCase, dec


@tagged("post_install", "-at_install")
class TestApprovalAccurate(InvoiceRulesCase):
    provider = "accurate"

    def check_approvals(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_approval_check").with_user(
            self.odoobot).method_direct_trigger()

    def test_invoice_saved_unapproved_blocks_its_receipts_until_approved(self):
        self.admin("approval/accurate", {"save_unapproved": True})
        move = self.invoice([(self.kopi, 2, 20000, {})])
        self.pay(move, 30000)
        self.sync()
        jobs = self.jobs_of(move)
        invoice = jobs.filtered(lambda j: j.kind == "sales_invoice")
        receipt = jobs.filtered(lambda j: j.kind == "sales_receipt")
        self.assertEqual((invoice.state, invoice.remote_approval), ("done", "unapproved"))
        self.assertEqual((receipt.state, receipt.blocked_by_id, receipt.error_kind),
                         ("blocked", invoice, "unapproved"))
        self.assertIn("approve it in Accurate", receipt.error_message)
        self.assertFalse(self.remote("sales_receipt"), "nothing was paid against an unapproved invoice")
        # the reconciliation does not count the unapproved invoice as posted
        today = fields.Date.today()
        self.assertNotIn(invoice.reference, [r["reference"] for r in self.client.list_sales_documents(
            today - timedelta(days=1), today + timedelta(days=1))])
        self.assertEqual(jobs._waiting_on_accounting_system()[0], "unapproved")
        self.assertIn(invoice.reference, str(self.connection._post_digest().note))
        # the hourly check finds it still unapproved: nothing moves
        self.check_approvals()
        self.assertEqual((invoice.remote_approval, receipt.state), ("unapproved", "blocked"))
        # a person approves it in Accurate; the next check releases the receipt
        self.admin("approval/accurate", {"approve": invoice.reference})
        self.check_approvals()
        self.assertEqual((invoice.remote_approval, receipt.state), ("approved", "pending"))
        self.sync()
        self.assertEqual(receipt.state, "done", receipt.error_message)
        self.assertEqual(self.receipt_lines(self.remote("sales_receipt")[receipt.reference]),
                         [(invoice.reference, dec(30000))])
        self.assertIsNone(jobs._waiting_on_accounting_system())

    def test_a_receipt_refused_for_an_unapproved_invoice_waits_an_hour(self):
        move = self.invoice([(self.kopi, 1, 20000, {})])
        self.sync()
        invoice = self.jobs_of(move)
        # approval withdrawn in Accurate after the invoice was posted approved
        self.sandbox.app("accurate").store.by_number("sales-invoice", invoice.reference)["approvalStatus"] = \
            "UNAPPROVED"
        self.pay(move, 22200)
        self.sync()
        receipt = self.jobs_of(move).filtered(lambda j: j.kind == "sales_receipt")
        self.assertEqual((receipt.state, receipt.error_kind, receipt.attempts), ("pending", "unapproved", 0))
        self.assertIn("belum disetujui", receipt.provider_message)
        self.assertGreater(receipt.next_attempt_at, fields.Datetime.now() + timedelta(minutes=55))
