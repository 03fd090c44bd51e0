"""Payouts of a card method: the fee from the MDR rate (rupiah, half up),
the bank transfer from the clearing account to the bank with the fee on the
fee account, the clearing balance that refuses a payout too large, and a
payout that is never sent twice. Run for Accurate and for Jurnal."""

from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .payout_common import PayoutCase

D = Decimal


@tagged("post_install", "-at_install")
class TestPayouts(PayoutCase):

    def test_payout_posts_net_and_fee_to_the_mapped_accounts(self):
        self.card_shift(100)  # 2,220,000 on the card
        self.assertEqual(self.card_map.clearing_balance, 2220000)
        payout = self.payout(1000000)
        self.assertEqual((payout.mdr_rate, payout.fee_amount, payout.net_amount), (0.7, 7000, 993000))
        self.assertEqual(payout.clearing_available, 2220000)
        payout.action_post()
        self.assertEqual(payout.state, "posted")
        self.assertEqual(payout.job_id.kind, "bank_transfer")
        self.run_cron()
        self.assertEqual(payout.job_state, "done", payout.job_error)
        self.assertEqual(self.remote_transfers(), {payout.name: [(D(1000000), D(7000))]})
        # the shift's receipt put 2,220,000 in the clearing account; the payout took the gross out
        moved = self.remote_accounts()
        self.assertEqual({no: moved.get(no) for no in (self.clearing, self.codes["bank"], self.codes["fee"])}, {
            self.clearing: D(1220000), self.codes["bank"]: D(993000), self.codes["fee"]: D(7000)})
        self.assertEqual(self.card_map.clearing_balance, 1220000)

    def test_dry_run_of_a_payout_sends_and_queues_nothing(self):
        self.card_shift(100)
        payout = self.payout(1000000)
        Job = self.env["accounting.sync.job"]
        jobs_before, requests_before = Job.search_count([]), sum(self.sandbox.request_count.values())
        action = self.env["accounting.dry.run"].action_open(payout)
        wizard = self.env["accounting.dry.run"].browse(action["res_id"])
        self.assertEqual(wizard.connection_id, payout.connection_id)
        self.assertEqual(sum(self.sandbox.request_count.values()), requests_before, "the dry run made a request")
        self.assertEqual(Job.search_count([]), jobs_before, "the dry run queued a document")
        self.assertEqual((payout.state, payout.job_id), ("draft", Job))
        [line] = wizard.line_ids
        self.assertEqual((line.kind, line.status, line.reference), ("bank_transfer", "new", payout.name))
        self.assertIn("7000", line.payload)  # the fee travels with the transfer
        self.assertFalse(self.remote_transfers())

    def test_fee_rounds_to_the_rupiah_half_up_and_the_rate_can_be_overridden(self):
        self.card_shift(100)
        self.assertEqual(self.payout(333333).fee_amount, 2333)  # 2,333.331
        half = self.payout(1300, mdr_rate=0.5)  # 6.5: half up makes 7 (half even would make 6)
        self.assertEqual((half.fee_amount, half.net_amount), (7, 1293))
        self.assertEqual(self.payout(2000, mdr_rate=0.7).fee_amount, 14)
        override = self.payout(200000, mdr_rate=1.5)
        self.assertEqual((override.fee_amount, override.net_amount), (3000, 197000))
        self.assertEqual(self.card_map.mdr_rate, 0.7, "an override stays on its payout")
        override.action_post()
        self.run_worker()
        self.assertEqual(self.remote_transfers()[override.name], [(D(200000), D(3000))])

    def test_no_fee_posts_a_plain_transfer(self):
        self.card_shift(10)
        payout = self.payout(100000, mdr_rate=0)
        payout.action_post()
        self.run_worker()
        self.assertEqual(payout.job_state, "done", payout.job_error)
        self.assertEqual(self.remote_transfers(), {payout.name: [(D(100000), D(0))]})
        self.assertEqual(self.remote_accounts()[self.codes["bank"]], D(100000))

    def test_payout_over_the_clearing_balance_is_refused(self):
        self.card_shift(100)  # 2,220,000
        first = self.payout(2000000)
        # a savepoint, as a request's rollback would: the refused payout leaves nothing
        with self.assertRaisesRegex(ValidationError, "more than .* still holds in its clearing account"), \
                self.env.cr.savepoint():
            self.payout(220001)
        self.payout(220000)  # exactly what is left
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            first.write({"gross_amount": 2000001})
        self.assertEqual(self.card_map.clearing_balance, 0)
        first.action_cancel()
        self.assertEqual(self.card_map.clearing_balance, 2000000, "a cancelled payout frees its amount")

    def test_no_closed_shift_no_payout(self):
        session = self.open_shift()
        self.sell([(self.kopi, 10)], payments=[(self.card, 222000)])
        with self.assertRaises(ValidationError, msg="an open shift's money is not in the books yet"), \
                self.env.cr.savepoint():
            self.payout(100000)
        self.close_from_ui(session)
        self.assertTrue(self.payout(100000))

    def test_payout_posted_twice_is_sent_once(self):
        self.card_shift(50)
        payout = self.payout(1000000)
        payout.action_post()
        job = payout.job_id
        self.assertEqual(payout._accounting_enqueue(), job, "queueing again returns the same document")
        with self.assertRaises(UserError):
            payout.action_post()
        self.run_worker()
        self.assertEqual(payout._accounting_enqueue(), job)
        self.run_worker()
        self.assertEqual(self.env["accounting.sync.job"].search_count([("res_model", "=", "accounting.payout"),
                                                                      ("res_id", "=", payout.id)]), 1)
        self.assertEqual(self.remote_transfers(), {payout.name: [(D(1000000), D(7000))]})
        with self.assertRaises(UserError):
            payout.write({"gross_amount": 900000})

    def test_go_live_date_and_backfill_records(self):
        self.card_shift(100)
        today = fields.Date.context_today(self.Payout)
        self.connection.go_live_date = today - timedelta(days=5)
        early = self.payout(100000, date=today - timedelta(days=6))
        with self.assertRaisesRegex(UserError, "before the go-live date"):
            early.action_post()
        self.assertFalse(early._accounting_enqueue(), "nothing dated before the go-live date is queued")
        late = self.payout(200000, date=today - timedelta(days=1))
        mid = self.payout(300000, date=today - timedelta(days=3))
        posted = self.payout(400000, date=today - timedelta(days=4))
        posted.action_post()
        records = self.Payout._accounting_backfill_records(self.connection, today - timedelta(days=5))
        self.assertEqual(records, mid | late, "not yet queued, from the date on")
        self.assertEqual(records.mapped("date"), sorted(records.mapped("date")), "oldest first")
        for payout in records:
            payout._accounting_enqueue()
        self.assertFalse(self.Payout._accounting_backfill_records(self.connection, today - timedelta(days=5)))
        self.run_worker()
        self.assertEqual(sorted(self.remote_transfers()), sorted([posted.name, mid.name, late.name]))

    def test_missing_payout_account_is_said_before_queueing(self):
        self.card_shift(10)
        self.card_map.payout_account = False
        payout = self.payout(100000)
        with self.assertRaisesRegex(UserError, "needs a payout bank account"):
            payout.action_post()
        self.assertFalse(payout.job_id)
        # the connection's fee account serves a method that maps none
        self.card_map.write({"payout_account": self.codes["bank"], "payout_fee_account": False})
        self.connection.fee_account = self.codes["fee"]
        payout.action_post()
        self.run_worker()
        self.assertEqual(payout.job_state, "done", payout.job_error)
        self.assertEqual(self.remote_accounts()[self.codes["fee"]], D(700))


@tagged("post_install", "-at_install")
class TestPayoutsJurnal(TestPayouts):
    provider = "jurnal"
