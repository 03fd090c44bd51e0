"""The monthly quota (issue #19): our requests counted per credential and
month, the share of Jurnal's package on the connection, the digest's
warning from 80%, and Post the past's estimate before Start, which must
match the requests the backfill then makes (counted by the sandbox)."""

from datetime import datetime, time, timedelta

from freezegun import freeze_time

from accounting_connectors.documents import Customer

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import AccountingSyncCase, TagDocumentsMixin
from .pos_sync_common import PosSyncCase


def sandbox_requests(case):
    return sum(case.sandbox.request_count.values())


@tagged("post_install", "-at_install")
class TestQuota(TagDocumentsMixin, AccountingSyncCase):
    provider = "jurnal"

    def setUp(self):
        super().setUp()
        key = self.connection._limiter_key()

        def drop():
            with db_connect(self.env.cr.dbname).cursor() as cr:
                cr.execute("DELETE FROM accounting_rate_limit WHERE key = %s", [key])

        drop()
        self.addCleanup(drop)

    def test_requests_are_counted_and_the_package_share_shown(self):
        conn = self.connection
        conn.jurnal_monthly_package = 10
        self.assertEqual((conn.quota_month_count, conn.quota_share), (0, 0.0))
        for i in range(3):
            self.enqueue(Customer("QUOTA-%d" % i, name="Pelanggan %d" % i))
        self.run_worker()
        conn.invalidate_recordset(["quota_month_count", "quota_share"])
        sent = sandbox_requests(self)
        self.assertGreaterEqual(sent, 3)
        self.assertEqual(conn.quota_month_count, sent, "one count per request that really left")
        self.assertAlmostEqual(conn.quota_share, 100.0 * sent / 10)

    def test_digest_warns_from_80_percent_of_the_package(self):
        conn = self.connection
        for i in range(4):
            self.enqueue(Customer("QUOTA-D%d" % i, name="Pelanggan %d" % i))
        self.run_worker()
        sent = sandbox_requests(self)
        conn.jurnal_monthly_package = int(sent / 0.79) + 1  # under 80%: nothing to say
        conn.invalidate_recordset(["quota_month_count", "quota_share"])
        self.assertLess(conn.quota_share, 80)
        digest = conn._post_digest()  # it may speak of other things (mappings), never of the package
        self.assertNotIn("Monthly API package", str(digest.note or ""))
        conn.jurnal_monthly_package = int(sent / 0.85)  # 85% and more
        conn.invalidate_recordset(["quota_month_count", "quota_share"])
        self.assertGreaterEqual(conn.quota_share, 80)
        digest = conn._post_digest()
        self.assertTrue(digest)
        self.assertIn("Monthly API package", str(digest.note))
        self.assertIn("%s of the %s requests" % (sent, conn.jurnal_monthly_package), str(digest.note))


@tagged("post_install", "-at_install")
class TestBackfillEstimate(PosSyncCase):
    """The estimate shown before Start equals what the backfill sends."""

    shifts = 8

    def past_shifts(self, first):
        outlet = self.connection.outlet_map_ids
        outlet.active = False
        for n in range(self.shifts):
            day = first + timedelta(days=n)
            with freeze_time(datetime.combine(day, time(9, 0))):
                session = self.open_shift()
                self.sell([(self.kopi, 1 + n % 2)], payments=[(self.cash_pm1, 22200 * (1 + n % 2))])
                if n % 3 == 0:  # a card payment and a refund now and then: more kinds of documents
                    self.sell([(self.roti, 1)], payments=[(self.bank_pm1, 16650)])
                if n % 4 == 1:
                    self.sell([(self.kopi, -1)], payments=[(self.cash_pm1, -22200)])
                self.close_from_ui(session)
        outlet.active = True

    def test_estimate_equals_the_requests_made(self):
        first = fields.Date.today() - timedelta(days=self.shifts + 3)
        self.past_shifts(first)
        key = self.connection._limiter_key()
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("DELETE FROM accounting_rate_limit WHERE key = %s", [key])
        backfill = self.env["accounting.backfill"].create({"connection_id": self.connection.id, "date_from": first})
        estimate = backfill.estimate_requests
        self.assertGreater(estimate, 2 * self.shifts)
        self.assertTrue(backfill.estimate_fits_package)
        self.assertIn("About %s requests" % estimate, backfill.estimate_note)
        # the package left decides whether it may start this month
        if self.provider == "jurnal":
            backfill.connection_id.jurnal_monthly_package = estimate // 2
            backfill.invalidate_recordset()
            self.assertFalse(backfill.estimate_fits_package)
            self.assertIn("only %s requests left" % (estimate // 2), backfill.estimate_note)
            backfill.connection_id.jurnal_monthly_package = 0
            backfill.invalidate_recordset()
        before = sandbox_requests(self)
        backfill.action_start()
        for _run in range(40):
            self.env.ref("pos_accounting_sync.ir_cron_accounting_backfill").sudo().method_direct_trigger()
            self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()
            if backfill.state != "running":
                break
        self.assertEqual(backfill.state, "done", backfill.item_ids.mapped("message"))
        self.assertEqual(backfill.failed_count, 0)
        made = sandbox_requests(self) - before
        self.assertLessEqual(abs(made - estimate), 0.1 * made,
                             "estimate %s, requests made %s" % (estimate, made))


@tagged("post_install", "-at_install")
class TestBackfillEstimateJurnal(TestBackfillEstimate):
    provider = "jurnal"
