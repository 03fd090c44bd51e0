"""A shop with stock on hand goes live: the opening balances post what
Odoo held at the start of the go-live day, once, before the first day's
documents; the first day's reconciliation then shows no stock difference.
Before they are posted, the difference is named "stock never sent"."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .stock_sync_common import StockSyncCase

EQUITY = {"accurate": ("3101", "Ekuitas Saldo Awal"), "jurnal": ("3-30999", "Ekuitas Saldo Awal")}


@tagged("post_install", "-at_install")
class TestOpeningBalances(StockSyncCase):

    def setUp(self):
        super().setUp()
        number, name = EQUITY[self.provider]
        app = self.sandbox.app(self.provider)
        if self.provider == "jurnal":
            app.store.add("accounts", {"name": name, "number": number, "category": "Equity"})
        else:
            app.store.insert("glaccount", {"no": number, "name": name, "accountType": "EQUITY"})
        # what the shop held before going live: on hand in Odoo, never sent
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(self.kopi, self.wh_a.lot_stock_id, 40)
        Quant._update_available_quantity(self.roti, self.wh_b.lot_stock_id, 12)
        self.connection.go_live_date = fields.Date.context_today(self.connection)
        self.leave_demo_shop_aside()

    def leave_demo_shop_aside(self):
        """The database's demo shop is another business: its outlets are
        mapped with Sync unticked (a choice the check respects); its own
        warehouses' pending moves are cancelled and the others older than
        the check looks at."""
        company = self.connection.company_id
        configs = self.env["pos.config"].search([("company_id", "=", company.id)])
        self.connection.outlet_map_ids = [(0, 0, {"pos_config_id": c.id, "active": False}) for c in configs]
        others = self.env["stock.warehouse"].search([("company_id", "=", company.id)]) - self.wh_a - self.wh_b
        moves = self.env["stock.move"].search([("warehouse_id", "in", others.ids)]) | self.env["stock.move"].search(
            ["|", ("location_id.warehouse_id", "in", others.ids), ("location_dest_id.warehouse_id", "in", others.ids)])
        moves.filtered(lambda m: m.state not in ("done", "cancel"))._action_cancel()
        moves.write({"date": fields.Datetime.subtract(fields.Datetime.now(), days=30)})

    def reconcile_today(self):
        Line = self.env["accounting.reconciliation.line"]
        today = Line._reconciliation_today(self.connection)
        return Line._reconcile(self.connection, today, today).filtered(lambda l: l.measure == "stock")

    def test_stock_on_hand_posted_once_then_the_first_day_reconciles(self):
        before = self.reconcile_today()
        kopi = before.filtered(lambda l: l.product_id == self.kopi)
        self.assertEqual(kopi.cause, "stock_not_sent", before.mapped("cause"))
        self.assertIn("never sent", kopi.cause_note)
        # the first day's document: a count at A finds 38 Kopi
        count = self.count(self.wh_a, self.kopi, 38)
        first_day = self.jobs_of(count)
        self.assertTrue(first_day)
        self.assertFalse(self.env["accounting.opening.balance"].search([]).job_ids)

        action = self.connection.action_open_opening_balance()
        opening = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(self.connection.action_open_opening_balance()["res_id"], opening.id, "one per connection")
        opening.opening_account = EQUITY[self.provider][0]
        self.assertIn("item(s)", opening.summary)
        opening.action_post()
        self.assertEqual(opening.state, "queued")
        self.run_worker()
        jobs = opening.job_ids
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(opening.state, "posted")
        self.assertEqual(self.env["accounting.sync.job"].search(opening.action_view_jobs()["domain"]), jobs)
        self.assertEqual(set(first_day.mapped("state")), {"done"}, first_day.mapped("error_message"))
        # the first day's count went out after the opening, so the remote went 40 -> 38
        self.assertGreater(min(first_day.mapped("remote_id"), key=int), max(
            jobs.filtered(lambda j: j.kind == "item_adjustment").mapped("remote_id"), key=int))
        self.assertStockMatches()
        self.assertFalse(self.reconcile_today(), "the first day starts equal")
        # exactly once: posting again is refused and nothing more goes out
        with self.assertRaisesRegex(UserError, "posted once"):
            opening.action_post()

    def test_going_live_is_refused_while_a_mapping_is_missing(self):
        opening = self.env["accounting.opening.balance"].create({
            "connection_id": self.connection.id, "opening_account": EQUITY[self.provider][0],
            "date": self.connection.go_live_date})
        self.connection.adjustment_account = False
        with self.assertRaisesRegex(UserError, "cannot go live"):
            opening.action_post()
        self.assertEqual(opening.state, "draft")
        self.assertFalse(opening.job_ids)


@tagged("post_install", "-at_install")
class TestOpeningBalancesJurnal(TestOpeningBalances):
    provider = "jurnal"
