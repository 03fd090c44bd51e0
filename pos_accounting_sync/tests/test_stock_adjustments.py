"""Stock counts, adjustments and scrap posted as item adjustments with the
mapped account and Odoo's valued unit cost (both providers)."""

from decimal import Decimal

from odoo.tests import tagged

from .stock_sync_common import SCRAP_ACCOUNT, StockSyncCase


@tagged("post_install", "-at_install")
class TestStockAdjustmentsAccurate(StockSyncCase):
    provider = "accurate"

    def _remote_adjustments(self):
        """{our reference: [(sku, signed qty, unit cost)], account} from the sandbox."""
        out = {}
        for row in self.sandbox_dump("item_adjustment"):
            if self.provider == "accurate":
                lines = [(l["itemNo"], l["quantity"] * (1 if l["itemAdjustmentType"] == "ADJUSTMENT_IN" else -1),
                          l["unitCost"]) for l in row["detailItem"]]
                out[row["number"]] = (lines, row["adjustmentAccountNo"])
            else:
                lines = [(l["product"]["code"], Decimal(l["difference"]), Decimal(l["average_price"]))
                         for l in row["stock_adjustment_lines_attributes"]]
                out[row["custom_id"]] = (lines, row["account"]["number"])
        return out

    def _odoo_value(self, moves):
        return Decimal(str(abs(sum(moves.stock_valuation_layer_ids.mapped("value")))))

    def test_count_adjustment_and_scrap_match_odoo(self):
        # 1. a first count: 12 Kopi and 8 Roti found in A, valued at the products' cost
        kopi_in = self.count(self.wh_a, self.kopi, 12)
        roti_in = self.count(self.wh_a, self.roti, 8)
        self.run_worker_as_cron()
        self.assertStockMatches()
        # 2. a later count finds 9 Kopi: an adjustment out of 3
        kopi_out = self.count(self.wh_a, self.kopi, 9)
        # 3. 2 Roti scrapped in A
        scrap = self.scrap(self.wh_a, self.roti, 2)
        self.run_worker_as_cron()
        self.assertAllDone(self.jobs_of(scrap))
        self.assertEqual(scrap.accounting_sync_state, "done")
        # the moves history shows it per line, with the documents one click away
        history = kopi_out.move_line_ids
        self.assertEqual(history.accounting_sync_state, "done")
        self.assertEqual(self.env["accounting.sync.job"].search(
            history.action_view_accounting_sync_jobs()["domain"]), self.jobs_of(kopi_out))
        self.assertStockMatches()
        remote = self._remote_adjustments()
        docs = self.env["accounting.stock.document"].search([("connection_id", "=", self.connection.id)])
        by_move = {m: d for d in docs for m in d.move_ids}
        # the count in carries Odoo's unit cost; the value sent equals Odoo's valuation
        lines, account = remote[by_move[kopi_in].name]
        self.assertEqual(account, self.codes["adjustment"])
        self.assertEqual(lines[0][:2], ("KOPI-B", Decimal(12)))
        if self.provider == "accurate" or lines[0][1] > 0:
            self.assertEqual(lines[0][1] * lines[0][2], self._odoo_value(kopi_in))
        roti_lines, _acc = remote[by_move[roti_in].name]
        self.assertEqual(roti_lines[0][2] * 8, self._odoo_value(roti_in))  # 7,250.50 each
        out_lines, _acc = remote[by_move[kopi_out].name]
        self.assertEqual(out_lines[0][:2], ("KOPI-B", Decimal(-3)))
        if self.provider == "accurate":
            self.assertEqual(out_lines[0][2] * 3, self._odoo_value(kopi_out))
        scrap_lines, scrap_account = remote[by_move[scrap.move_ids].name]
        self.assertEqual(scrap_account, SCRAP_ACCOUNT[self.provider][0])
        self.assertEqual(scrap_lines[0][:2], ("ROTI-T", Decimal(-2)))

    def test_count_at_the_outlet_posts_to_its_warehouse(self):
        self.count(self.wh_b, self.roti, 4)
        self.count(self.wh_a, self.kopi, 1)
        self.run_worker_as_cron()
        self.assertStockMatches()
        self.assertEqual(self.remote_stock()[(self.remote_b, "ROTI-T")], Decimal(4))

    def test_business_date_is_the_shops_whoever_runs_the_worker(self):
        """Validated at 00:30 on 11 March in Jakarta (17:30 UTC on the 10th)
        by a user living in Honolulu (still the 10th there): the document
        carries Jakarta's date, and the worker runs as the cron does."""
        from freezegun import freeze_time

        with freeze_time("2026-03-10 17:30:00"):
            move = self.count(self.wh_a, self.kopi, 2)
        self.run_worker_as_cron()
        doc = self.env["accounting.stock.document"].search([("move_ids", "in", move.ids)])
        self.assertEqual(str(doc.date), "2026-03-11")
        row = next(r for r in self.sandbox_dump("item_adjustment")
                   if r.get("number", r.get("custom_id")) == doc.name)
        self.assertEqual(row.get("transDate") or row.get("date"), "11/03/2026")


@tagged("post_install", "-at_install")
class TestStockAdjustmentsJurnal(TestStockAdjustmentsAccurate):
    provider = "jurnal"
