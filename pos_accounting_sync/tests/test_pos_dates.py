"""Dates as the shop lives them: the worker runs from the cron as OdooBot,
who has no time zone, on whatever day it runs; every document still carries
the shop's local business date of its source."""

from freezegun import freeze_time

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

#: 17:30 UTC on 1 March is 00:30 on 2 March in Asia/Jakarta (UTC+7)
AFTER_MIDNIGHT_WIB = "2026-03-01 17:30:00"
LOCAL_DAY = "02/03/2026"


@tagged("post_install", "-at_install")
class TestPosDates(PosSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Jakarta"
        cls.env.ref("base.user_root").tz = False  # OdooBot, who runs the cron

    def run_cron_worker(self):
        """The worker exactly as production runs it: the cron's own user and
        context, today (not the day the shift closed)."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()

    def remote_dates(self, kind):
        key = "transDate" if self.provider == "accurate" else "transaction_date"
        return {ref: row[key] for ref, row in self.remote(kind).items()}

    def test_shift_closed_after_midnight_posts_that_local_day(self):
        self.env.user.tz = "Asia/Jakarta"  # the cashier's browser
        with freeze_time(AFTER_MIDNIGHT_WIB):
            session = self.open_shift()
            self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
            self.sell([(self.roti, 1)], payments=[(self.bank_pm1, 16650)])
            self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
            self.close_from_ui(session)
        self.assertEqual(session.move_id.date.strftime("%d/%m/%Y"), LOCAL_DAY)
        self.run_cron_worker()
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        for kind in ("sales_invoice", "sales_return", "sales_receipt"):
            dates = self.remote_dates(kind)
            self.assertTrue(dates, kind)
            self.assertEqual(set(dates.values()), {LOCAL_DAY}, kind)

    def test_order_posted_alone_takes_its_local_day(self):
        self.connection.sales_sync_mode = "realtime"
        self.env.user.tz = False  # whoever sells: the order's own time decides
        session = self.open_shift()
        with freeze_time(AFTER_MIDNIGHT_WIB):
            order = self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.run_cron_worker()
        jobs = self.jobs_of(order)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(self.remote_dates("sales_invoice"), {"%s/INV" % order._accounting_chain(): LOCAL_DAY})
        self.assertEqual(set(self.remote_dates("sales_receipt").values()), {LOCAL_DAY})
        self.close_from_ui(session)


@tagged("post_install", "-at_install")
class TestPosDatesJurnal(TestPosDates):
    provider = "jurnal"
