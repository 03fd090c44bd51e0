"""Late and offline orders: orders a cashier took offline reach Odoo after
their shift was closed (Odoo 18 moves them into the outlet's open session)
or in a rescue session. Each is posted exactly once, on its own, dated on
the business day it was taken; the digest names it and the
reconciliation explains it."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytz

from odoo import fields
from odoo.tests import tagged

from ..tools.shop_time import local_date, shop_tz
from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestLateOrdersAccurate(PosSyncCase):
    provider = "accurate"

    def setUp(self):
        super().setUp()
        # Odoo dates a session's entry in the closing user's zone: the shop's and the users' zones are one,
        # so "yesterday" is one day for both whatever the hour the tests run (CI failed from 00:00 WIB)
        self.env.company.partner_id.tz = "UTC"
        self.env.user.tz = self.env.ref("base.user_root").tz = "UTC"
        self.Job = self.env["accounting.sync.job"]
        self.Line = self.env["accounting.reconciliation.line"]

    def run_worker_cron(self):
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
        cron.method_direct_trigger()
        self.env.invalidate_all()

    def offline_order(self, lines, payments, session, taken):
        """What the POS sends for an order taken offline at ``taken`` (UTC) in ``session``."""
        data = self.create_ui_order_data(lines, payments=payments)
        data.update(session_id=session.id, date_order=fields.Datetime.to_string(taken))
        return data

    def sync(self, data):
        order_id = self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"]
        return self.env["pos.order"].browse(order_id)

    def own_jobs(self, orders):
        return self.Job.search([("connection_id", "=", self.connection.id), ("res_model", "=", "pos.order"),
                                ("res_id", "in", orders.ids)])

    def remote_invoice_of(self, order):
        job = self.own_jobs(order).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(len(job), 1)
        refs = self.sandbox_references("sales_invoice")
        self.assertEqual(refs.count(job.reference), 1, "posted exactly once")
        return self.remote("sales_invoice")[job.reference]

    def remote_day(self, row):
        return datetime.strptime(row["transDate" if self.provider == "accurate" else "transaction_date"],
                                 "%d/%m/%Y").date()

    def test_a_rescue_session_posts_once_dated_on_the_orders_business_day(self):
        shift = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(shift)
        self.run_worker_cron()
        # yesterday at 10:00 in the shop: both orders (5 minutes apart) on one business day at any hour
        day = local_date(fields.Datetime.now() - timedelta(days=1), config=self.config)
        taken = shop_tz(config=self.config).localize(datetime.combine(day, time(10))).astimezone(
            pytz.utc).replace(tzinfo=None)
        # as Odoo made them for orders of a closed shift: a recovery session of the outlet
        rescue = self.env["pos.session"].create({"config_id": self.config.id, "rescue": True,
                                                 "name": "(RESCUE FOR %s)" % shift.name})
        rescue.action_pos_session_open()
        first = self.sync(self.offline_order([(self.kopi, 2)], [(self.cash_pm1, 44400)], rescue, taken))
        second = self.sync(self.offline_order([(self.roti, 1)], [(self.bank_pm1, 16650)], rescue,
                                              taken + timedelta(minutes=5)))
        orders = first | second
        self.assertEqual(orders.session_id, rescue)
        self.assertEqual(orders.mapped("accounting_late"), [True, True])
        rescue.action_pos_session_closing_control()
        self.assertEqual(rescue.state, "closed")
        self.run_worker_cron()
        self.assertFalse(self.jobs_of(rescue), "the rescue session queues no shift documents of its own")
        jobs = self.own_jobs(orders)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        for order in orders:
            row = self.remote_invoice_of(order)
            self.assertEqual(self.remote_day(row), day, "dated on the day the order was taken")
            self.assertEqual(self.remote_total("sales_invoice", row), Decimal("%.2f" % order.amount_total))
        # closing it again (or any later close path) queues nothing more
        self.assertFalse(rescue._accounting_enqueue_sales())
        self.run_worker_cron()
        self.assertEqual(len(self.sandbox_references("sales_invoice")), 3, "the shift's and one per late order")
        # the reconciliation puts them on their day and says why
        lines = self.Line._reconcile(self.connection, day, local_date(fields.Datetime.now(), config=self.config))
        mine = lines.filtered(lambda l: rescue in l.session_ids)
        self.assertTrue(mine)
        self.assertEqual(set(mine.mapped("date")), {day})
        self.assertFalse(mine.filtered("is_difference"),
                         [(l.measure, l.subject, l.odoo_value, l.remote_value) for l in mine])
        sales = mine.filtered(lambda l: l.measure == "sales")
        self.assertEqual(sales.remote_value, 61050.0)
        self.assertIn(first.name, sales.cause_note)
        self.assertIn("reached Odoo after their shift was closed", sales.cause_note)

    def test_an_order_synced_after_its_shift_was_posted_posts_once_and_the_digest_names_it(self):
        shift = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        # taken offline in that shift; the POS syncs it only tomorrow
        offline = self.offline_order([(self.roti, 1)], [(self.bank_pm1, 16650)], shift, fields.Datetime.now())
        self.close_from_ui(shift)
        self.move_back(shift, 1)
        offline["date_order"] = fields.Datetime.to_string(fields.Datetime.from_string(offline["date_order"])
                                                          - timedelta(days=1))
        self.run_worker_cron()
        self.assertEqual(set(self.jobs_of(shift).mapped("state")), {"done"})
        day = shift.move_id.date

        today_shift = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        late = self.sync(offline)
        self.assertEqual(late.session_id, today_shift, "Odoo moved it into the open session")
        self.assertEqual((late.accounting_late, late.accounting_taken_in_session_id), (True, shift))
        self.run_worker_cron()
        row = self.remote_invoice_of(late)
        self.assertEqual(self.remote_day(row), day, "dated on the day it was taken, not the day it arrived")
        self.assertEqual(self.remote_total("sales_invoice", row), Decimal("16650.00"))
        self.close_from_ui(today_shift)
        self.run_worker_cron()
        shift_invoice = self.remote("sales_invoice")["%s/INV" % today_shift._accounting_chain()]
        self.assertEqual(self.remote_total("sales_invoice", shift_invoice), Decimal("22200.00"),
                         "the session it landed in leaves it out")
        self.assertEqual(len(self.sandbox_references("sales_invoice")), 3)

        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_morning_digest")
        cron.method_direct_trigger()
        self.env.invalidate_all()
        digest = self.connection.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_digest"))
        self.assertEqual(len(digest), 1)
        self.assertIn(late.name, digest.note)
        self.assertIn(shift.name, digest.note)
        self.assertIn(fields.Date.to_string(day), digest.note)

        today = local_date(fields.Datetime.now(), config=self.config)
        lines = self.Line._reconcile(self.connection, day, today)
        self.assertFalse(lines.filtered("is_difference"),
                         [(l.date, l.measure, l.odoo_value, l.remote_value) for l in lines if l.is_difference])
        sales = lines.filtered(lambda l: l.measure == "sales" and today_shift in l.session_ids)
        self.assertIn(late.name, sales.cause_note, "the reconciliation explains the late order")


@tagged("post_install", "-at_install")
class TestLateOrdersJurnal(TestLateOrdersAccurate):
    provider = "jurnal"
