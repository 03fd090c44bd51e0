"""The reconciliation holds whatever the posting granularity (issue #20),
both providers over the sandbox: an outlet's day of shifts posted once a
day compares per outlet-day without a difference (the day's documents
counted once, not once a shift; a refund folded into an earlier day's
documents counted on that day), as invoices with items and with the walk-in
sales as one journal entry (compared per remote account); a document a
person deletes or edits in the accounting system afterwards is flagged with
its cause."""

import time
from datetime import timedelta

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

#: the output-tax (PPN Keluaran) account the sandboxes are seeded with
PPN_ACCOUNT = {"accurate": "2105", "jurnal": "2-20500"}


class DayReconciliationMixin:
    """Yesterday: two shifts (cash and bank sales, a customer's account);
    today, while yesterday's documents still wait, a third shift refunds
    one of yesterday's cash sales (folded into yesterday's documents) and
    sells one more. Each day then goes out once."""

    sales_posting = "items"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.write({"sales_sync_mode": "daily", "sales_posting": cls.sales_posting, "day_post_hour": 0.0,
                              "settle_delay_hours": 0, "sales_account": cls.codes["sales"]})
        cls.connection.tax_map_ids.write({"tax_account": PPN_ACCOUNT[cls.provider]})

    def setUp(self):
        super().setUp()
        # the shop's zone is the users' (Odoo dates entries in the user's): one "today" at any hour
        self.env.company.partner_id.tz = "UTC"
        self.env.user.tz = self.env.ref("base.user_root").tz = "UTC"
        self.Line = self.env["accounting.reconciliation.line"]
        # the person's changes come seconds after the posting here, not minutes
        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.remote_change_grace_seconds", "0")

    # --- the two days ------------------------------------------------------------------
    def refund(self, sale, lines, payments):
        """A refund of ``sale``'s lines, as the POS sends it (each line names the line it gives back)."""
        data = self.create_ui_order_data(lines, payments=payments)
        for _c, _i, vals in data["lines"]:
            vals["refunded_orderline_id"] = sale.lines.filtered(
                lambda l, pid=vals["product_id"]: l.product_id.id == pid)[:1].id
        return self.env["pos.order"].browse(self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"])

    def two_days(self):
        """Returns (yesterday's outlet day, today's, the folded refund)."""
        first = self.open_shift()
        sale = self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.sell([(self.roti, 3)], payments=[(self.pay_later_pm, 49950)], customer=self.customer)
        self.close_from_ui(first)
        second = self.open_shift()
        self.sell([(self.kopi, 1, 10), (self.roti, 1)], payments=[(self.bank_pm1, 36630)])
        self.close_from_ui(second)
        yesterday = first._accounting_day(self.connection)
        self.assertEqual(yesterday.session_ids, first | second)
        for session in yesterday.session_ids:
            self.move_back(session, 1)
        yesterday.date -= timedelta(days=1)
        third = self.open_shift()
        refund = self.refund(sale, [(self.kopi, -1)], [(self.cash_pm1, -22200)])
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16650)])
        self.close_from_ui(third)
        self.assertEqual(refund.accounting_folded_session_id, first, "folded into yesterday's waiting documents")
        today = third._accounting_day(self.connection)
        self.assertEqual((today.session_ids, today.date), (third, yesterday.date + timedelta(days=1)))
        for day in (yesterday, today):
            day.action_post_now()
        self.run_worker()
        self.env.invalidate_all()
        for day in (yesterday, today):
            jobs = self.jobs_of(day)
            self.assertTrue(jobs)
            self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
            for session in day.session_ids:
                self.assertFalse(self.jobs_of(session), "the day's shifts post nothing of their own")
        time.sleep(1.1)  # what a person changes now is stamped later than the posting
        return yesterday, today, refund

    def reconcile(self):
        """Compare the last three days, read again from the accounting system (not the cache)."""
        today = self.Line._reconciliation_today(self.connection)
        start = today - timedelta(days=2)
        return self.Line._reconcile(self.connection, start, today, reread_from=start)

    def day_lines(self, lines, day):
        return lines.filtered(lambda l: l.date == day.date and l.pos_config_id == self.config)

    def line(self, lines, measure, subject=None):
        found = lines.filtered(lambda l: l.measure == measure and (subject is None or l.subject == subject))
        self.assertEqual(len(found), 1, [(l.measure, l.subject) for l in lines])
        return found

    def assertNoDifference(self, lines):
        self.assertTrue(lines)
        self.assertFalse(lines.filtered("is_difference"), [
            (str(l.date), l.measure, l.subject, l.odoo_value, l.remote_value, l.cause) for l in lines
            if l.is_difference])

    def key(self, account):
        """How the report names a remote account (Jurnal: by name, Accurate: by number)."""
        return self.Line._reconciliation_account_key(self.connection)(account)


class DayItemsTests(DayReconciliationMixin):

    def test_day_of_shifts_agrees_and_a_deleted_receipt_is_flagged(self):
        yesterday, today, _refund = self.two_days()
        lines = self.reconcile()
        self.assertNoDifference(lines)
        first = self.day_lines(lines, yesterday)
        sales = self.line(first, "sales")
        # the day's documents once, not once a shift: sales of both shifts, the customer's due once
        self.assertEqual((sales.odoo_value, sales.remote_value), (130980.0, 130980.0))
        self.assertEqual(sales.session_ids, yesterday.session_ids)
        self.assertTrue(sales.job_ids and sales.job_ids <= self.jobs_of(yesterday))
        self.assertIn("%s/INV" % yesterday._accounting_chain(), sales.remote_refs)
        self.assertEqual(self.line(first, "customer", self.customer.display_name).odoo_value, 49950.0)
        # the refund taken today counts on yesterday, whose documents carry it
        self.assertEqual(self.line(first, "returns").odoo_value, 22200.0)
        self.assertEqual(self.line(first, "money", self.key(self.codes["cash"])).odoo_value, 22200.0)
        self.assertEqual(self.line(first, "money", self.key(self.codes["bank"])).odoo_value, 36630.0)
        second = self.day_lines(lines, today)
        self.assertEqual(self.line(second, "sales").odoo_value, 16650.0)
        self.assertFalse(second.filtered(lambda l: l.measure == "returns"))
        self.assertEqual(self.line(second, "money", self.key(self.codes["cash"])).remote_value, 16650.0)
        self.assertFalse(lines.filtered(lambda l: l.measure == "journal"))

        # a person deletes yesterday's bank receipt
        bank_ref = "%s/RCV/%s" % (yesterday._accounting_chain(), self.bank_pm1.id)
        self.person("delete", "sales_receipt", bank_ref)
        lines = self.reconcile()
        bank = self.line(self.day_lines(lines, yesterday), "money", self.key(self.codes["bank"]))
        self.assertEqual((bank.odoo_value, bank.remote_value, bank.cause), (36630.0, 0.0, "changed_remotely"))
        job = self.jobs_of(yesterday).filtered(lambda j: j.reference == bank_ref)
        self.assertIn(job, bank.job_ids)
        self.assertEqual(job.remote_change, "deleted")
        self.assertEqual(lines.filtered("is_difference"), bank)


class DayJournalTests(DayReconciliationMixin):

    sales_posting = "journal_entry"

    def journal_lines(self, lines):
        return lines.filtered(lambda l: l.measure == "journal")

    def test_day_as_journal_entry_agrees_then_edited_and_deleted(self):
        yesterday, today, _refund = self.two_days()
        lines = self.reconcile()
        self.assertNoDifference(lines)
        first = self.day_lines(lines, yesterday)
        journal = self.journal_lines(first)
        # per remote account, debit positive: the cash and bank received, the sales and PPN credited
        by_account = {l.subject: l.remote_value for l in journal}
        self.assertEqual(by_account[self.key(self.codes["cash"])], 22200.0)  # 44,400 sold, 22,200 refunded
        self.assertEqual(by_account[self.key(self.codes["bank"])], 36630.0)
        self.assertAlmostEqual(sum(by_account.values()), 0.0, places=2)  # the entry balances
        self.assertLess(by_account[self.key(self.codes["sales"])], 0)
        self.assertLess(by_account[self.key(PPN_ACCOUNT[self.provider])], 0)
        self.assertTrue(all(l.remote_refs == "%s/JE" % yesterday._accounting_chain() for l in journal))
        # the customer's account keeps its invoice and the invoice measures; no walk-in sale there
        sales = self.line(first, "sales")
        self.assertEqual((sales.odoo_value, sales.remote_value), (49950.0, 49950.0))
        self.assertEqual(self.line(first, "customer", self.customer.display_name).remote_value, 49950.0)
        self.assertFalse(first.filtered(lambda l: l.measure in ("returns", "money")))
        second = self.journal_lines(self.day_lines(lines, today))
        self.assertEqual({l.subject: l.odoo_value for l in second}[self.key(self.codes["cash"])], 16650.0)

        # a person edits yesterday's entry (the cash line) and deletes today's
        cash = self.codes["cash"]
        self.person("edit", "journal_entry", "%s/JE" % yesterday._accounting_chain(), {"lines": {cash: "20000"}})
        self.person("delete", "journal_entry", "%s/JE" % today._accounting_chain())
        lines = self.reconcile()
        edited = self.line(self.day_lines(lines, yesterday), "journal", self.key(cash))
        self.assertEqual((edited.odoo_value, edited.remote_value, edited.cause),
                         (22200.0, 20000.0, "changed_remotely"))
        entry_job = self.jobs_of(yesterday).filtered(lambda j: j.kind == "journal_entry")
        self.assertEqual(entry_job.remote_change, "edited")
        self.assertIn(entry_job, edited.job_ids)
        gone = self.journal_lines(self.day_lines(lines, today)).filtered("is_difference")
        self.assertTrue(gone)
        self.assertEqual(set(gone.mapped("cause")), {"changed_remotely"})
        self.assertFalse(any(gone.mapped("remote_value")))
        self.assertEqual(self.jobs_of(today).filtered(lambda j: j.kind == "journal_entry").remote_change, "deleted")
        # nothing else differs: the invoice measures still agree
        self.assertFalse(lines.filtered(lambda l: l.is_difference and l.measure != "journal"))


@tagged("post_install", "-at_install")
class TestReconciliationDay(DayItemsTests, PosSyncCase):
    provider = "accurate"


@tagged("post_install", "-at_install")
class TestReconciliationDayJurnal(DayItemsTests, PosSyncCase):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestReconciliationDayJournal(DayJournalTests, PosSyncCase):
    provider = "accurate"


@tagged("post_install", "-at_install")
class TestReconciliationDayJournalJurnal(DayJournalTests, PosSyncCase):
    provider = "jurnal"
