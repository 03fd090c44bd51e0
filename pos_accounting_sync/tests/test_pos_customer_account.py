from decimal import Decimal

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

D = Decimal


@tagged("post_install", "-at_install")
class TestPosCustomerAccount(PosSyncCase):
    """Pay-later sales: an open invoice on the customer; each settlement in
    Odoo (partial ones too) posts a receipt until the invoice shows Paid."""

    def settle(self, session, amount):
        """Register a customer payment in Odoo and reconcile it with the
        customer's receivable line of the session, as the accountant does."""
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": self.customer.id,
            "amount": amount, "journal_id": self.bank_pm1.journal_id.id,
        })
        payment.action_post()
        account = self.customer.property_account_receivable_id
        lines = (payment.move_id.line_ids | session.move_id.line_ids).filtered(
            lambda l: l.account_id == account and l.partner_id == self.customer and not l.reconciled)
        lines.reconcile()
        return payment

    def test_settlements_post_receipts_until_paid(self):
        self.connection.use_partner_ref_as_customer_no = True
        session = self.open_shift()
        self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.close_from_ui(session)
        self.run_worker()
        ar = "%s/AR/%s" % (session._accounting_chain(), self.customer.id)
        invoice = self.remote("sales_invoice")[ar]
        # with the option on, the remote customer number is the partner's reference
        self.assertEqual(self.customer.accounting_customer_no, "CUST-001")
        if self.provider == "accurate":
            self.assertEqual(invoice["customer"]["customerNo"], "CUST-001")
        self.assertFalse(self.client.invoice_status(ar)["paid"])

        self.settle(session, 20000)
        self.run_worker()
        receipts = self.remote("sales_receipt")
        self.assertEqual(len(receipts), 1)
        self.assertEqual(self.receipt_lines(next(iter(receipts.values()))), [(ar, D("20000"))])
        status = self.client.invoice_status(ar)
        self.assertFalse(status["paid"])
        self.assertEqual(D(str(status["outstanding"])), D("29950"))

        self.settle(session, 29950)
        self.run_worker()
        receipts = self.remote("sales_receipt")
        self.assertEqual(len(receipts), 2)
        self.assertTrue(self.client.invoice_status(ar)["paid"], "the invoice shows Paid remotely")
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))

    def test_partner_without_reference_is_numbered_remotely(self):
        self.connection.use_partner_ref_as_customer_no = True
        self.customer.ref = False
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.pay_later_pm, 16650)], customer=self.customer)
        self.close_from_ui(session)
        self.run_worker()
        number = self.customer.accounting_customer_no
        self.assertTrue(number, "the number the accounting system gave is kept on the partner")
        job = self.jobs_of(self.customer)
        self.assertEqual(job.state, "done")
        self.assertEqual(job.remote_number, number)

    def test_settlement_into_unmapped_journal_says_so(self):
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.pay_later_pm, 16650)], customer=self.customer)
        self.close_from_ui(session)
        self.run_worker()
        self.connection.payment_map_ids.filtered(lambda m: m.payment_method_id == self.bank_pm1).unlink()
        self.settle(session, 16650)
        self.run_worker()
        job = self.jobs_of(session).filtered(lambda j: "/PAY/" in j.reference)
        self.assertEqual(job.state, "failed")
        self.assertIn(self.bank_pm1.journal_id.name, job.error_message)


@tagged("post_install", "-at_install")
class TestPosCustomerAccountJurnal(TestPosCustomerAccount):
    provider = "jurnal"
