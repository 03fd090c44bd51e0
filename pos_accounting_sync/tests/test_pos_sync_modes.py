from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

D = Decimal


@tagged("post_install", "-at_install")
class TestPosSyncModes(PosSyncCase):

    def test_realtime_posts_each_order_once(self):
        self.connection.sales_sync_mode = "realtime"
        session = self.open_shift()
        order = self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        # the cashier's transaction only queued rows; nothing was sent yet
        self.assertFalse(self.remote("sales_invoice"))
        self.assertEqual(sorted(self.jobs_of(order).mapped("kind")), ["sales_invoice", "sales_receipt"])
        self.run_worker()
        inv = "%s/INV" % order._accounting_chain()
        self.assertEqual(self.remote_total("sales_invoice", self.remote("sales_invoice")[inv]), D("44400"))
        cash_receipt = self.remote("sales_receipt")["%s/RCV/%s" % (order._accounting_chain(), self.cash_pm1.id)]
        self.assertEqual(self.receipt_lines(cash_receipt),
                         [(inv, D("44400"))])
        order.invalidate_recordset(["accounting_sync_state"])
        self.assertEqual(order.accounting_sync_state, "done")

        self.close_from_ui(session)
        self.run_worker()
        self.assertFalse(self.jobs_of(session), "the shift does not post an order again")
        self.assertEqual(list(self.remote("sales_invoice")), [inv])

    def test_switching_realtime_to_session_close_mid_shift(self):
        self.connection.sales_sync_mode = "realtime"
        session = self.open_shift()
        first = self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.run_worker()
        self.connection.sales_sync_mode = "session_close"
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16650)])
        self.close_from_ui(session)
        self.run_worker()
        invoices = self.remote("sales_invoice")
        shift_inv = "%s/INV" % session._accounting_chain()
        self.assertEqual(sorted(invoices), sorted(["%s/INV" % first._accounting_chain(), shift_inv]))
        self.assertEqual(self.remote_total("sales_invoice", invoices[shift_inv]), D("16650"),
                         "the shift's invoice holds only the order not posted alone")
        total = sum(self.remote_total("sales_invoice", row) for row in invoices.values())
        self.assertEqual(total, self.session_move_totals(session)[0])

    def test_set_hours_wait_then_switching_mode_posts_once(self):
        self.connection.write({"sales_sync_mode": "scheduled", "sales_sync_hours": "03:00"})
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        jobs = self.jobs_of(session)
        self.assertTrue(jobs)
        self.assertTrue(all(j.next_attempt_at > fields.Datetime.now() for j in jobs),
                        "set-hours documents wait for the next set hour")
        self.run_worker()
        self.assertFalse(self.remote("sales_invoice"))

        # the set hour comes: everything closed since the last run goes out
        self.force_due(self.env["accounting.sync.job"].search([("chain", "=", session._accounting_chain())]))
        self.run_worker()
        self.assertEqual(list(self.remote("sales_invoice")), ["%s/INV" % session._accounting_chain()])

        # another shift waits; switching to "at session close" sends it now, once
        self.sandbox.reset()
        session2 = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16650)])
        self.close_from_ui(session2)
        self.connection.sales_sync_mode = "session_close"
        self.run_worker()
        self.assertEqual(list(self.remote("sales_invoice")), ["%s/INV" % session2._accounting_chain()])
        self.connection._collect_scheduled_documents()
        session2._accounting_enqueue_sales()
        self.run_worker()
        self.assertEqual(list(self.remote("sales_invoice")), ["%s/INV" % session2._accounting_chain()])

    def test_set_hours_collects_closed_shifts_without_documents(self):
        """A shift closed before its outlet was mapped is collected at the set hour."""
        self.connection.write({"sales_sync_mode": "scheduled", "sales_sync_hours": "03:00"})
        outlet = self.connection.outlet_map_ids
        outlet.active = False
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        self.assertFalse(self.jobs_of(session))
        outlet.active = True
        self.connection._collect_scheduled_documents()
        self.assertEqual(sorted(self.jobs_of(session).mapped("kind")), ["sales_invoice", "sales_receipt"])


@tagged("post_install", "-at_install")
class TestPosSyncModesJurnal(TestPosSyncModes):
    provider = "jurnal"
