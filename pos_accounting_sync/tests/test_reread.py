"""Re-read any day: a document a person edits in the accounting system on
an older day (no webhook: Jurnal sends none, Accurate's may be missed) is
found by the nightly re-read of the rolling window, within the requests the
connection allows a night, and by *Read again* on the chosen days; the
daily reconciliation alone would keep the figures it read before."""

import time
from datetime import timedelta

import requests

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestRereadAccurate(PosSyncCase):
    provider = "accurate"

    def setUp(self):
        super().setUp()
        # the shop's zone is the users' (Odoo dates entries in the user's): one "today" at any hour
        self.env.company.partner_id.tz = "UTC"
        self.env.user.tz = self.env.ref("base.user_root").tz = "UTC"
        self.Line = self.env["accounting.reconciliation.line"]
        self.today = self.Line._reconciliation_today(self.connection)
        # the person's edits come seconds after the posting here, not days
        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.remote_change_grace_seconds", "0")

    def cron(self, xmlid):
        """A cron exactly as the scheduler runs it (as OdooBot)."""
        cron = self.env.ref("pos_accounting_sync." + xmlid)
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        cron.method_direct_trigger()
        self.env.invalidate_all()

    def shift_of(self, days_ago):
        """A shift closed ``days_ago`` days ago (walk-in sales of 44,400 cash
        and 16,650 bank), posted by the worker cron."""
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.sell([(self.roti, 1)], payments=[(self.bank_pm1, 16650)])
        self.close_from_ui(session)
        self.move_back(session, days_ago)
        self.cron("ir_cron_accounting_sync_worker")
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        time.sleep(1.1)  # what a person changes now is stamped later than the posting
        return session, jobs

    def person_edits_total(self, reference, total):
        amount = "totalAmount" if self.provider == "accurate" else "original_amount"
        answer = requests.post("%s/_sandbox/sales/%s/edit" % (self.sandbox.url, self.provider), timeout=5,
                               json={"kind": "sales_invoice", "reference": reference, "changes": {amount: total}})
        self.assertEqual(answer.status_code, 200, answer.text)

    def sales_line(self, day):
        line = self.Line.search([("connection_id", "=", self.connection.id), ("date", "=", day),
                                 ("measure", "=", "sales")])
        self.assertEqual(len(line), 1)
        return line

    def test_an_edit_twenty_days_ago_is_flagged_by_the_nightly_reread_and_read_again(self):
        session, jobs = self.shift_of(20)
        day = self.today - timedelta(days=20)
        reference = "%s/INV" % session._accounting_chain()
        invoice_job = jobs.filtered(lambda j: j.reference == reference)
        self.cron("ir_cron_accounting_reconciliation")
        sales = self.sales_line(day)
        self.assertEqual((sales.odoo_value, sales.remote_value, sales.is_difference), (61050.0, 61050.0, False))

        self.person_edits_total(reference, "50000")  # no webhook reaches Odoo
        self.cron("ir_cron_accounting_reconciliation")
        self.assertEqual(self.sales_line(day).remote_value, 61050.0,
                         "the daily run reads only yesterday and today again: day -20 comes from its cache")

        self.cron("ir_cron_accounting_reread")
        sales = self.sales_line(day)
        self.assertEqual((sales.remote_value, sales.is_difference, sales.cause), (50000.0, True, "changed_remotely"))
        self.assertIn(invoice_job.display_name, sales.cause_note, "the note names the document")
        self.assertEqual(invoice_job.remote_change, "edited")
        self.assertEqual(self.connection.reread_cursor, self.today, "the default window fits the budget")

        # Read again on that day's lines finds a later edit at once
        self.person_edits_total(reference, "40000")
        self.cron("ir_cron_accounting_reconciliation")
        self.assertEqual(self.sales_line(day).remote_value, 50000.0)
        lines = self.Line.search([("connection_id", "=", self.connection.id), ("date", "=", day)])
        other_day = self.Line.search([("connection_id", "=", self.connection.id), ("date", "!=", day)])
        untouched = {l.id: l.checked_at for l in other_day}
        self.assertEqual(lines.action_refresh()["tag"], "soft_reload")
        sales = self.sales_line(day)
        self.assertEqual((sales.remote_value, sales.cause), (40000.0, "changed_remotely"))
        self.assertIn(invoice_job.display_name, sales.cause_note)
        self.assertEqual({l.id: l.checked_at for l in other_day.exists()}, untouched, "only the selected day")

    def test_a_window_over_the_budget_is_read_over_several_nights(self):
        session, _jobs = self.shift_of(33)
        reference = "%s/INV" % session._accounting_chain()
        self.cron("ir_cron_accounting_reconciliation")
        self.person_edits_total(reference, "50000")
        day = self.today - timedelta(days=33)
        self.connection.write({"reread_window_days": 35, "reread_max_requests": 4})
        first = self.today - timedelta(days=34)
        nights = []
        for _night in range(6):
            before = self.sandbox.request_count[self.provider]
            self.cron("ir_cron_accounting_reread")
            nights.append((self.connection.reread_cursor, self.sandbox.request_count[self.provider] - before))
        chunk = timedelta(days=6)
        self.assertEqual([cursor for cursor, _n in nights], [
            first + chunk, first + chunk * 2 + timedelta(days=1), first + chunk * 3 + timedelta(days=2),
            first + chunk * 4 + timedelta(days=3), self.today, first + chunk])
        # a chunk costs one list of each kind of document (3), Jurnal's first also its accounts: a
        # second chunk would pass the budget of 4
        self.assertLessEqual(max(n for _c, n in nights), 4, nights)
        self.assertEqual(min(n for _c, n in nights), 3, nights)
        sales = self.sales_line(day)
        self.assertEqual((sales.remote_value, sales.cause), (50000.0, "changed_remotely"))


@tagged("post_install", "-at_install")
class TestRereadJurnal(TestRereadAccurate):
    provider = "jurnal"
