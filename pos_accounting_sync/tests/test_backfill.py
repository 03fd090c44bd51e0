"""Ordered backfill: 30 past shifts posted oldest first, surviving a worker
killed half-way, never posting again what real-time sync posted."""

from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


class WorkerKilled(BaseException):
    """The server stops in the middle of a backfill (a kill, not an error:
    the crons' per-record isolation catches errors only)."""


@tagged("post_install", "-at_install")
class TestBackfill(PosSyncCase):
    shifts = 30

    def past_shifts(self, days):
        """One walk-in sale per shift, each closed on its day (in the order
        given) while the outlet was not mapped yet: nothing was queued."""
        outlet = self.connection.outlet_map_ids
        outlet.active = False
        sessions = {}
        for n, day in enumerate(days):
            with freeze_time(datetime.combine(day, time(9, 0))):  # 16:00 in Jakarta
                session = self.open_shift()
                self.sell([(self.kopi, 1 + n % 3)], payments=[(self.cash_pm1, 22200 * (1 + n % 3))])
                self.close_from_ui(session)
            self.assertEqual(session.move_id.date, day)
            sessions[day] = session
        outlet.active = True
        return sessions

    def run_cron(self, xmlid):
        self.env.ref("pos_accounting_sync." + xmlid).sudo().method_direct_trigger()

    def remote_invoices(self):
        """``[(remote id, our reference, business date)]`` in the order the sandbox saved them."""
        ref_key, date_key = ("number", "transDate") if self.provider == "accurate" else ("custom_id",
                                                                                       "transaction_date")
        rows = [(int(row["id"]), row[ref_key], datetime.strptime(row[date_key], "%d/%m/%Y").date())
                for row in self.sandbox_dump("sales_invoice") if str(row.get(ref_key) or "").startswith("POS/")]
        return sorted(rows)

    def test_backfill_posts_past_shifts_oldest_first_and_survives_a_restart(self):
        today = fields.Date.today()
        first = today - timedelta(days=self.shifts + 10)
        # closed in a scrambled order: the backfill follows the business date, not the record's id
        days = [first + timedelta(days=(7 * i) % self.shifts) for i in range(self.shifts)]
        sessions = self.past_shifts(days)
        # one shift already went out in real time before anyone thought of a backfill
        early = sessions[first + timedelta(days=4)]
        early._accounting_enqueue_sales()
        self.run_worker()
        early_jobs = self.jobs_of(early)
        self.assertEqual(set(early_jobs.mapped("state")), {"done"}, early_jobs.mapped("error_message"))
        already = self.remote_invoices()
        self.assertEqual(len(already), 1)

        backfill = self.env["accounting.backfill"].create(
            {"connection_id": self.connection.id, "date_from": first})
        backfill.action_start()
        self.assertEqual(backfill.total_count, self.shifts)
        self.assertEqual(backfill.item_ids.mapped("business_date"), sorted(days))

        # the server dies while queueing the 16th shift
        Item = type(self.env["accounting.backfill.item"])
        original, queued = Item._queue, []

        def dying(item):
            if len(queued) == 15:
                raise WorkerKilled
            queued.append(item.business_date)
            return original(item)

        with patch.object(Item, "_queue", dying):
            for _run in range(40):  # a run ends within the cron's time budget: the next one goes on
                try:
                    self.run_cron("ir_cron_accounting_sync_worker")
                except WorkerKilled:
                    break
            else:
                self.fail("the worker never reached the 16th shift")
        self.assertEqual(backfill.state, "running")
        # what the dying run had counted died with it (its savepoint); the counters come from the documents
        backfill._refresh()
        self.assertEqual(backfill.done_count, 15, "the progress survives: 15 shifts posted")
        self.assertAlmostEqual(backfill.progress, 50.0)
        self.assertEqual(len(self.remote_invoices()), 1 + 14, "the early shift is among the first 15")

        # after the restart, the backfill's cron and the worker take over where it stopped
        for _run in range(40):
            self.run_cron("ir_cron_accounting_backfill")
            self.run_cron("ir_cron_accounting_sync_worker")
            if backfill.state != "running":
                break
        self.assertEqual(backfill.state, "done", backfill.item_ids.mapped("message"))
        self.assertEqual((backfill.done_count, backfill.failed_count, backfill.progress), (self.shifts, 0, 100.0))

        remote = self.remote_invoices()
        refs = [ref for _id, ref, _day in remote]
        self.assertEqual(sorted(refs), sorted("%s/INV" % s._accounting_chain() for s in sessions.values()),
                         "every shift posted exactly once")
        # in date order, as the accounting system received them
        sent_by_backfill = [day for _id, _ref, day in remote if (_id, _ref, day) not in already]
        self.assertEqual(sent_by_backfill, sorted(d for d in days if sessions[d] != early))
        # the shift real-time sync posted was left alone
        self.assertEqual(self.jobs_of(early), early_jobs)
        self.assertEqual(set(self.jobs_of(early).mapped("attempts")), {1})

    def test_backfill_starts_no_earlier_than_the_go_live_date(self):
        self.connection.go_live_date = date(2026, 1, 1)
        with self.assertRaisesRegex(UserError, "go-live date"):
            self.env["accounting.backfill"].create({"connection_id": self.connection.id,
                                                    "date_from": date(2025, 12, 1)})


@tagged("post_install", "-at_install")
class TestBackfillJurnal(TestBackfill):
    provider = "jurnal"

    def test_backfill_waits_for_live_mode(self):
        self.connection.sudo().live_mode = False
        backfill = self.env["accounting.backfill"].create(
            {"connection_id": self.connection.id, "date_from": fields.Date.today()})
        with self.assertRaisesRegex(UserError, "not in live mode yet"):
            backfill.action_start()
