"""Stock parity (the per-connection action and its daily cron) and the
transfer sync mode at set hours, grouped per warehouse pair and local day."""

from decimal import Decimal

from freezegun import freeze_time

from odoo.tests import tagged

from .stock_sync_common import StockSyncCase


@tagged("post_install", "-at_install")
class TestStockParityAccurate(StockSyncCase):
    provider = "accurate"

    def _make_remote_difference(self):
        """Someone adds 5 Roti by hand in the accounting system, in B."""
        app = self.sandbox.app(self.provider)
        if self.provider == "accurate":
            app.store.stock[("ROTI-T", self.remote_b)] += Decimal(5)
        else:
            product = app.store.get("products", "ROTI-T", by=("product_code",))
            warehouse = app.store.get("warehouses", self.remote_b, by=("name",))
            app.store.move(product, warehouse, Decimal(5))

    def test_parity_lists_a_remote_difference_with_its_documents(self):
        self.count(self.wh_a, self.roti, 6)
        picking = self.validate(self.internal(self.wh_a, self.wh_b, [(self.roti, 2)]))
        self.run_worker_as_cron()
        self.assertStockMatches()  # 1. no difference
        self._make_remote_difference()
        action = self.connection.action_check_stock_parity()
        diffs = self.env[action["res_model"]].search(action["domain"])
        # 2. exactly one difference: the item and warehouse touched by hand
        self.assertEqual([(d.remote_warehouse, d.item_code, d.odoo_quantity, d.remote_quantity, d.difference)
                          for d in diffs], [(self.remote_b, "ROTI-T", 2.0, 7.0, 5.0)])
        self.assertEqual(diffs.product_id, self.roti)
        # 3. linked to the jobs that moved that item in or out of B (the transfer in)
        self.assertEqual(diffs.job_ids, self.jobs_of(picking).filtered(
            lambda j: j.reference.startswith("TI-")))
        self.assertEqual(self.connection.parity_difference_count, 1)

    def test_daily_cron_raises_a_todo_on_differences(self):
        self.count(self.wh_a, self.kopi, 3)
        self.run_worker_as_cron()
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_stock_parity")
        cron.method_direct_trigger()
        self.assertFalse(self.connection.parity_line_ids)
        self._make_remote_difference()
        cron.method_direct_trigger()
        self.assertEqual(self.connection.parity_line_ids.item_code, "ROTI-T")
        self.assertIn("stock differs", " ".join(self.connection.activity_ids.mapped("summary")))

    def test_set_hours_group_per_warehouse_pair_and_local_day(self):
        """Set hours 12:00 and 22:00 Jakarta. Four transfers on two local days
        (one at 23:30 on the 10th, two at 00:30 and one back at 01:00 on the
        11th, all on the 10th in UTC) become three pairs of documents at 12:00."""
        self.connection.write({"transfer_sync_mode": "scheduled", "transfer_sync_hours": "12:00, 22:00"})
        scheduler = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_scheduled")
        with freeze_time("2026-03-10 15:05:00"):  # 22:05 WIB: the counts go out at the 22:00 run
            counts = self.count(self.wh_a, self.kopi, 10) | self.count(self.wh_a, self.roti, 10)
            self.assertFalse(self.jobs_of(counts))
            scheduler.method_direct_trigger()
            self.assertEqual(len(self.jobs_of(counts)), 1)  # one adjustment for warehouse A that day
        with freeze_time("2026-03-10 16:30:00"):  # 23:30 WIB on the 10th
            first = self.validate(self.internal(self.wh_a, self.wh_b, [(self.kopi, 1)]))
            scheduler.method_direct_trigger()  # the 22:00 set hour was served already
        with freeze_time("2026-03-10 17:30:00"):  # 00:30 WIB on the 11th
            second = self.validate(self.internal(self.wh_a, self.wh_b, [(self.kopi, 2)]))
            third = self.validate(self.internal(self.wh_a, self.wh_b, [(self.roti, 3)]))
        with freeze_time("2026-03-10 18:00:00"):
            back = self.validate(self.internal(self.wh_b, self.wh_a, [(self.kopi, 1)]))
            scheduler.method_direct_trigger()  # before 12:00: nothing queued
        transfers = first | second | third | back
        self.assertFalse(self.jobs_of(transfers))
        with freeze_time("2026-03-11 05:05:00"):  # 12:05 WIB
            scheduler.method_direct_trigger()
        self.run_worker_as_cron()
        jobs = self.jobs_of(transfers)
        self.assertAllDone(jobs)
        docs = self.env["accounting.stock.document"].search([("job_id", "in", jobs.ids)])
        pairs = sorted((d.doc_type, d.remote_warehouse, str(d.date), len(d.line_ids)) for d in docs)
        self.assertEqual(pairs, sorted([
            ("transfer_out", self.remote_a, "2026-03-10", 1), ("transfer_in", self.remote_b, "2026-03-10", 1),
            ("transfer_out", self.remote_a, "2026-03-11", 2), ("transfer_in", self.remote_b, "2026-03-11", 2),
            ("transfer_out", self.remote_b, "2026-03-11", 1), ("transfer_in", self.remote_a, "2026-03-11", 1)]))
        self.assertEqual(len(jobs), 6)  # 6 remote documents for 4 validated transfers
        self.assertStockMatches()

    def test_switching_back_to_real_time_sends_what_waited(self):
        self.connection.write({"transfer_sync_mode": "scheduled", "transfer_sync_hours": "22:00"})
        moves = self.count(self.wh_a, self.kopi, 4) | self.count(self.wh_b, self.roti, 2)
        self.assertFalse(self.jobs_of(moves))
        self.connection.transfer_sync_mode = "realtime"
        self.assertEqual(len(self.jobs_of(moves)), 2)  # one adjustment per warehouse
        self.run_worker_as_cron()
        self.assertAllDone(self.jobs_of(moves))
        self.assertStockMatches()


@tagged("post_install", "-at_install")
class TestStockParityJurnal(TestStockParityAccurate):
    provider = "jurnal"
