"""Locked periods (Jurnal's Kunci Periode / Tutup Buku, Accurate's Tutup
Buku), both providers, the worker run by its cron as OdooBot: a document
dated in a locked period is refused; it waits in its own cause (no retry
storm, one line in the digest, "waiting: period locked" on the
reconciliation) until the accountant reopens the period, or it posts on
the first open day with its own date in the memo, as the connection says.
A void of a settlement dated in a locked period always waits."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .invoice_rules_common import InvoiceRulesCase, dec


@tagged("post_install", "-at_install")
class TestPeriodLocksAccurate(InvoiceRulesCase):
    provider = "accurate"

    def setUp(self):
        super().setUp()
        # the shop's business day may be ahead of UTC: the lock covers today and tomorrow
        self.locked_until = fields.Date.today() + timedelta(days=1)

    def memo(self, kind, reference):
        row = self.remote(kind)[reference]
        return row["description"] if self.provider == "accurate" else row["memo"]

    def remote_day(self, kind, reference):
        text = self.remote(kind)[reference]["transDate" if self.provider == "accurate" else "transaction_date"]
        day, month, year = text.split("/")
        return fields.Date.to_date("%s-%s-%s" % (year, month, day))

    def late_shift(self):
        self.lock(self.locked_until)
        session = self.standard_shift()
        self.close_from_ui(session)
        self.sync()
        return self.jobs_of(session)

    def test_late_shift_waits_with_one_to_do_and_posts_once_reopened(self):
        jobs = self.late_shift()
        invoices = jobs.filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(set(jobs.filtered(lambda j: j.kind not in ("item", "customer")).mapped("state")),
                         {"pending"}, "nothing of the shift went out")
        invoice = invoices.filtered(lambda j: j.error_kind)[:1]
        self.assertEqual((invoice.error_kind, invoice.locked_until), ("period_locked", self.locked_until))
        self.assertIn("Waiting: period locked", invoice.error_message)
        self.assertIn(self.locked_until.isoformat(), invoice.error_message)
        self.assertEqual(invoice.attempts, 0, "waiting spends no attempt")
        self.assertGreater(invoice.next_attempt_at, fields.Datetime.now() + timedelta(hours=23))
        self.assertFalse(self.remote("sales_invoice"), "nothing was saved in the locked period")
        # the cron runs again and again: nothing is sent before the next day
        sent = len(invoice.attempt_ids.filtered(lambda a: a.event == "sent"))
        for _run in range(3):
            self.sync()
        self.assertEqual(len(invoice.attempt_ids.filtered(lambda a: a.event == "sent")), sent, "no retry storm")
        # one line in the digest for the connection, naming the lock date
        digest = self.connection._post_digest()
        self.assertEqual(str(digest.note).count(self.locked_until.isoformat()), 1, digest.note)
        self.assertIn("Retry Locked Period", str(digest.note))
        # the reconciliation shows the day as waiting for the locked period, not as unexplained
        today = fields.Date.today()
        lines = self.env["accounting.reconciliation.line"]._reconcile(
            self.connection, today - timedelta(days=1), today + timedelta(days=1))
        differences = lines.filtered("is_difference")
        self.assertTrue(differences)
        money = differences.filtered(lambda d: d.measure != "stock")
        self.assertTrue(money)
        self.assertEqual(set(money.mapped("cause")), {"period_locked"}, money.mapped("cause_note"))
        # the accountant reopens the period and presses Retry Locked Period
        self.lock(None)
        self.connection.action_retry_period_locked()
        self.sync()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        for job in invoices:
            self.assertLessEqual(self.remote_day("sales_invoice", job.reference), self.locked_until,
                                 "posted with its own date")

    def test_late_shift_posts_on_the_first_open_day_with_its_date_in_the_memo(self):
        self.connection.period_lock_policy = "first_open_day"
        jobs = self.late_shift()
        self.sync()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        first_open = self.locked_until + timedelta(days=1)
        for invoice in jobs.filtered(lambda j: j.kind == "sales_invoice"):
            self.assertEqual(self.remote_day("sales_invoice", invoice.reference), first_open)
            self.assertTrue(invoice.moved_from and invoice.moved_from <= self.locked_until)
            self.assertIn("Original date %s" % invoice.moved_from.isoformat(),
                          self.memo("sales_invoice", invoice.reference))
            self.assertIn(first_open.isoformat(), invoice.error_message)
        for receipt in jobs.filtered(lambda j: j.kind == "sales_receipt"):
            self.assertEqual(self.remote_day("sales_receipt", receipt.reference), first_open)

    def test_void_of_a_settlement_in_a_locked_period_waits_for_the_reopening(self):
        self.connection.period_lock_policy = "first_open_day"  # a void cannot move: it waits all the same
        move = self.invoice([(self.kopi, 2, 20000, {})])
        self.pay(move, 44400)
        self.sync()
        receipt = self.jobs_of(move).filtered(lambda j: j.kind == "sales_receipt")
        self.assertEqual(receipt.state, "done")
        self.lock(self.locked_until)
        move.line_ids.remove_move_reconcile()  # the settlement is undone in Odoo
        self.sync()
        void = self.jobs_of(move).filtered(lambda j: j.kind == "receipt_void")
        self.assertEqual((void.state, void.error_kind), ("pending", "period_locked"), void.error_message)
        self.assertIn(receipt.reference, self.remote("sales_receipt"), "the receipt is still there")
        # a day later the cron tries again; the period was reopened meanwhile
        self.lock(None)
        self.force_due(void)
        self.sync()
        self.assertEqual(void.state, "done", void.error_message)
        self.assertNotIn(receipt.reference, self.remote("sales_receipt"))

    def test_refund_against_last_month_s_invoice_into_a_locked_period(self):
        last_month = fields.Date.today().replace(day=1) - timedelta(days=10)
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.roti, 1, 15000, {})], date=last_month)
        self.sync()
        self.assertEqual(set(self.jobs_of(move).mapped("state")), {"done"})
        self.locked_until = fields.Date.today().replace(day=1) - timedelta(days=1)  # last month is closed
        self.lock(self.locked_until)
        reversal = self.credit_note(move, keep=self.kopi, date=last_month)
        self.sync()
        job = self.jobs_of(reversal)
        self.assertEqual((job.state, job.error_kind), ("pending", "period_locked"), job.error_message)
        # the admin chooses to post on the first open day, and presses Retry Locked Period
        self.connection.period_lock_policy = "first_open_day"
        self.connection.action_retry_period_locked()
        self.sync()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(job.moved_from, last_month)
        self.assertEqual(self.credited(job.reference), dec(reversal.amount_total))
        self.assertEqual(self.customer_balance(), dec(move.amount_total - reversal.amount_total))


@tagged("post_install", "-at_install")
class TestPeriodLocksJurnal(TestPeriodLocksAccurate):
    provider = "jurnal"
