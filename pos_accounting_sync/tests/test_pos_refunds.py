"""A refund of something sold in an earlier shift: the everyday case where
the shift that refunds has no invoice to return against."""

from decimal import Decimal

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestPosRefundOfEarlierSale(PosSyncCase):

    def test_refund_only_shift_posts_its_return_and_restocks(self):
        first = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.close_from_ui(first)
        self.run_worker()

        second = self.open_shift()
        self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
        self.close_from_ui(second)
        self.run_worker()

        jobs = self.env["accounting.sync.job"].search([("chain", "=", second._accounting_chain())])
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        reference = "%s/RET" % second._accounting_chain()
        if self.provider == "accurate":
            row = self.remote("sales_return")[reference]
            self.assertEqual(row["returnType"], "NO_INVOICE")
            self.assertEqual(self.remote_total("sales_return", row), Decimal("22200"))
        else:
            # Jurnal returns only against an invoice: money back as a credit
            # memo, the goods back on the shelf by a stock adjustment
            memos = [m for m in self.sandbox_dump("credit_memo") if m.get("custom_id") == reference]
            self.assertEqual(len(memos), 1)
            self.assertEqual(Decimal(str(memos[0]["original_amount"])), Decimal("22200"))
            adjustments = [a for a in self.sandbox_dump("item_adjustment")
                           if a.get("custom_id") == reference + "/STOCK"]
            self.assertEqual(len(adjustments), 1)
        # the return, then the cash paid back as a refund of its own (a
        # receipt cannot carry money going out)
        self.assertEqual(sorted(jobs.mapped("kind")), ["customer_refund", "sales_return"])


@tagged("post_install", "-at_install")
class TestPosRefundOfEarlierSaleJurnal(TestPosRefundOfEarlierSale):
    provider = "jurnal"
