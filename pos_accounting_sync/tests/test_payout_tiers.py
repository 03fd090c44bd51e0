"""MDR tiers, both providers: a micro merchant's QRIS day, transactions on
both sides of Rp 500,000, pays 0% below and 0.3% above on each
transaction; the remote fee equals the tier rule to the rupiah, entered by
hand or from a settlement report whose rows share a settlement reference.
A method that takes the report's own fee books exactly that fee, and
refuses a row that states none."""

from decimal import Decimal

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.mdr_tiers import TierError, parse_tiers, tier_fee, transaction_fee
from .payout_common import PayoutCase

D = Decimal
MICRO = "0% up to 500000; 0.3%"
#: a QRIS day: two transactions at or under the threshold, two above (512,345 x 0.3% = 1,537.035)
DAY = (D(350000), D(500000), D(750000), D(512345))
DAY_FEE = D(0) + D(0) + D(2250) + D(1537)


@tagged("post_install", "-at_install")
class TestPayoutTiers(PayoutCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.card_map.write({"mdr_rule": "tiers", "mdr_tiers": MICRO})

    def test_tier_rule_reads_and_prices_each_transaction(self):
        tiers = parse_tiers(MICRO)
        self.assertEqual(tiers, [(D(500000), D(0)), (None, D("0.3"))])
        self.assertEqual(transaction_fee(D(500000), tiers), 0, "up to the threshold, included")
        self.assertEqual(transaction_fee(D(500001), tiers), 1500, "above it, on the whole transaction")
        self.assertEqual(transaction_fee(D(500500), tiers), 1502, "1,501.5 rounds half up")
        self.assertEqual(tier_fee(DAY, tiers), DAY_FEE)
        self.assertEqual(parse_tiers("0,5% s/d Rp 100.000\n0.7"), [(D(100000), D("0.5")), (None, D("0.7"))])
        for bad in ("0.3% up to 500000", "0.7%; 0.3%", "1% up to 9; 0% up to 5; 0.3%", "abc", "", "100%"):
            with self.assertRaises(TierError, msg=bad):
                parse_tiers(bad)
        with self.assertRaises(ValidationError) as refused:
            self.card_map.mdr_tiers = "0% up to 500000"
        self.assertIn(self.card.name, str(refused.exception))

    def test_micro_merchant_qris_day_posts_the_tier_fee(self):
        self.card_shift(100)  # 2,220,000 on the method
        gross = sum(DAY)
        payout = self.payout(float(gross), transaction_amounts="\n".join(str(a) for a in DAY))
        self.assertEqual(payout.fee_amount, float(DAY_FEE))
        flat = float(self.Payout._fee_of(float(gross), 0.3))
        self.assertNotEqual(payout.fee_amount, flat, "the tier rule is not a flat rate on the gross")
        self.assertEqual(payout.net_amount, float(gross - DAY_FEE))
        payout.action_post()
        self.run_cron()
        self.assertEqual(payout.job_state, "done", payout.job_error)
        self.assertEqual(self.remote_transfers(), {payout.name: [(gross, DAY_FEE)]})
        self.assertEqual(self.remote_accounts()[self.codes["fee"]], DAY_FEE)
        # a day of small transactions only pays nothing; transactions must add up to the gross
        small = self.payout(100000, transaction_amounts="60000\n40000")
        self.assertEqual(small.fee_amount, 0)
        with self.assertRaises(ValidationError) as refused:
            self.payout(100000, transaction_amounts="60000\n30000")
        self.assertIn("add up to", str(refused.exception))

    def test_settlement_rows_of_one_reference_are_one_payout_priced_by_tier(self):
        self.card_shift(100)
        report = "Tanggal;MID;Jumlah;Biaya;Referensi\n" + "".join(
            "15/06/2026;MID-0042;%s;9.999;QR-0615\n" % amount for amount in DAY)
        wizard = self.import_report(report)
        self.assertEqual(wizard.matched_count, 4, wizard.line_ids.mapped("reason"))
        self.assertEqual(sorted(wizard.line_ids.mapped("fee")), [0, 0, 1537, 2250],
                         "each row is a transaction; the report's fee gives way to the tiers")
        wizard.action_post_matched()
        [payout] = wizard.payout_ids
        self.assertEqual((D(str(payout.gross_amount)), D(str(payout.fee_amount))), (sum(DAY), DAY_FEE))
        self.run_cron()
        self.assertEqual(self.remote_transfers(), {payout.name: [(sum(DAY), DAY_FEE)]})

    def test_report_fee_choice_books_the_file_fee(self):
        self.card_shift(100)
        self.card_map.mdr_rule = "file"
        wizard = self.import_report("Tanggal;MID;Jumlah;Biaya;Referensi\n"
                                    "15/06/2026;MID-0042;750.000;2.251;F-1\n"
                                    "16/06/2026;MID-0042;400.000;;F-2\n")
        rows = {line.reference: line for line in wizard.line_ids}
        self.assertEqual((rows["F-1"].status, rows["F-1"].fee), ("matched", 2251))
        self.assertEqual(rows["F-2"].status, "unmatched")
        self.assertIn("states no fee", rows["F-2"].reason)
        wizard.action_post_matched()
        [payout] = wizard.payout_ids
        self.run_cron()
        self.assertEqual(self.remote_transfers(), {payout.name: [(D(750000), D(2251))]})


@tagged("post_install", "-at_install")
class TestPayoutTiersJurnal(TestPayoutTiers):
    provider = "jurnal"
