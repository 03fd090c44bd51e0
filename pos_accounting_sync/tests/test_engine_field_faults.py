"""Faults from the field (issue #14): every connector error kind has a
place, the monthly quota pauses one connection, a 2xx without the document
is never "done", the run fits Odoo's cron limits, outlets and warehouses
post to one connection, and the admin's settings are checked on save."""

import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest.mock import patch

from accounting_connectors import errors as cerr
from accounting_connectors.client import RemoteResult
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice
from accounting_connectors.ratelimit import limiter_key

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import config

from ..models import accounting_sync_worker as worker
from ..models.accounting_sync_job import ERROR_HANDLING
from .common import AccountingSyncCase


class FieldFaultScenario:
    """Jobs whose source is a partner tag and whose document is
    ``self.documents[reference]`` (as in test_engine), on both connections."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["res.partner.category"].create({"name": "Field faults"})

    def setUp(self):
        super().setUp()
        self.documents = {}
        test = self

        def build(record, job):
            return test.documents[job.reference]

        Tag = type(self.env["res.partner.category"])
        self.startPatcher(patch.object(Tag, "_accounting_sync_document", build, create=True))

    def enqueue(self, document, connection=None):
        self.documents[document.reference] = document
        return self.env["accounting.sync.job"]._enqueue(
            connection or self.connection, document.kind, self.tag, document.reference)

    @contextmanager
    def assertRefused(self, pattern):
        """The save is refused with a message matching ``pattern``, and
        undone as the user's transaction would be."""
        with self.assertRaisesRegex(ValidationError, pattern), self.env.cr.savepoint():
            yield
        self.env.invalidate_all()

    def run_cron(self):
        """The worker as Odoo's cron runs it (its user and context)."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").method_direct_trigger()

    def masters(self, connection=None, suffix=""):
        jobs = self.enqueue(Customer(reference="C-FF" + suffix, name="Toko Lapangan"), connection) | self.enqueue(
            Item(reference="SKU-FF" + suffix, name="Teh Tarik", sale_price=Decimal("12000")), connection)
        return jobs

    def invoice(self, ref, suffix=""):
        return SalesInvoice(reference=ref, customer_ref="C-FF" + suffix, date=date.today(),
                            lines=[InvoiceLine("SKU-FF" + suffix, Decimal("1"), Decimal("12000"))])

    # --- 2. a 2xx answer without the document ---------------------------------------
    def test_empty_answer_is_looked_up_and_never_done_without_remote_id(self):
        self.masters()
        self.run_worker()
        body = '{"s": true}' if self.provider == "accurate" else "{}"
        job = self.enqueue(self.invoice("INV/EMPTY/1"))
        self.sandbox.add_fault("empty", provider=self.provider, method="POST", body=body)
        self.run_worker()
        self.assertNotEqual(job.state, "done", "an answer without the document is no proof it was saved")
        self.assertFalse(job.remote_id)
        self.assertTrue(job.needs_lookup, "the next attempt must look it up first")
        self.assertEqual(job.error_kind, "ambiguous")
        self.assertEqual(self.sandbox_references("sales_invoice"), [])
        self.force_due(job)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertTrue(job.remote_id)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/EMPTY/1"])

    def test_empty_body_and_a_result_without_remote_id_are_not_success(self):
        self.masters()
        self.run_worker()
        job = self.enqueue(self.invoice("INV/EMPTY/2"))
        self.sandbox.add_fault("empty", provider=self.provider, method="POST")  # no body at all
        self.run_worker()
        self.assertEqual((job.state, job.remote_id, job.needs_lookup), ("pending", False, True))
        # a client that hands back a result naming no document (a connector bug)
        client_class = type(self.connection._get_client())
        self.force_due(job)
        job.needs_lookup = False
        with patch.object(client_class, "post", lambda client, doc: RemoteResult(remote_id="")):
            self.run_worker()
        self.assertEqual((job.state, job.remote_id, job.needs_lookup), ("pending", False, True))
        self.force_due(job)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/EMPTY/2"])


@tagged("post_install", "-at_install")
class TestFieldFaultsAccurate(FieldFaultScenario, AccountingSyncCase):
    provider = "accurate"

    # --- 4. outlets, warehouses and connections: one place each --------------------
    def test_outlet_posts_to_one_connection(self):
        outlet = self.env["pos.config"].create({"name": "Outlet Kemang"})
        self.connections["accurate"].outlet_map_ids = [(0, 0, {"pos_config_id": outlet.id})]
        with self.assertRefused("Kemang already posts to accurate test"):
            self.connections["jurnal"].outlet_map_ids = [(0, 0, {"pos_config_id": outlet.id})]
        with self.assertRefused("Kemang is already mapped on accurate test"):
            self.connections["accurate"].outlet_map_ids = [(0, 0, {"pos_config_id": outlet.id})]
        # unticked on Accurate: Jurnal may take it, and Accurate may not take it back
        on_accurate = self.connections["accurate"].outlet_map_ids
        on_accurate.active = False
        self.connections["jurnal"].outlet_map_ids = [(0, 0, {"pos_config_id": outlet.id})]
        with self.assertRefused("already posts to jurnal test"):
            on_accurate.active = True

    def test_warehouse_posts_to_one_connection(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.connections["jurnal"].warehouse_map_ids = [
            (0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Gudang Utama"})]
        with self.assertRefused("already posts to jurnal test"):
            self.connections["accurate"].warehouse_map_ids = [
                (0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Gudang"})]
        with self.assertRefused(r"already mapped on jurnal test \(to Gudang Utama\)"):
            self.connections["jurnal"].warehouse_map_ids = [
                (0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Gudang 2"})]

    def test_second_connection_of_a_provider_names_the_existing_one(self):
        with self.assertRefused("already has an active Accurate Online connection: "
                                                     "accurate test"):
            self.env["accounting.connection"].create({"name": "Accurate kedua", "provider": "accurate"})
        payment = self.env["pos.payment.method"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.connection.payment_map_ids = [(0, 0, {"payment_method_id": payment.id, "remote_account": "1101"})]
        with self.assertRefused("is already mapped on accurate test \\(to 1101\\)"):
            self.connection.payment_map_ids = [(0, 0, {"payment_method_id": payment.id})]
        # an archived one does not count
        second = self.env["accounting.connection"].create(
            {"name": "Accurate cadangan", "provider": "accurate", "active": False})
        with self.assertRefused("connection: accurate test"):
            second.active = True

    # --- 5. the run fits Odoo's cron limits ----------------------------------------
    def test_run_budget_follows_the_servers_cron_limits(self):
        # (server options, Odoo's kill limit, budget with 30 s requests)
        cases = [
            ({"limit_time_real_cron": -1, "limit_time_real": 120}, 120, 36.0),  # Odoo's defaults
            ({"limit_time_real_cron": 0, "limit_time_real": 300}, 300, 150.0),
            ({"limit_time_real_cron": 600, "limit_time_real": 120}, 600, 240.0),
            ({"limit_time_real_cron": 45, "limit_time_real": 0}, 45, 4.5),
        ]
        for options, limit, budget in cases:
            with self.subTest(options=options), patch.dict(config.options, options):
                self.assertEqual(worker.cron_time_limit(), limit)
                self.assertAlmostEqual(worker.run_budget(30), budget)
                if limit >= 120:  # the last job's look-up and post end before 80 % of the limit
                    self.assertLessEqual(worker.run_budget(30) + 2 * 30, 0.8 * limit)
        with patch.dict(config.options, {"limit_time_real_cron": 0, "limit_time_real": 0}):
            self.assertIsNone(worker.cron_time_limit())
            self.assertEqual(worker.run_budget(30), worker.RUN_BUDGET_MAX)

    def test_run_out_of_time_hands_over_and_loses_nothing(self):
        jobs = self.env["accounting.sync.job"]
        for i in range(12):
            jobs |= self.enqueue(Customer(reference="C-BUDGET-%02d" % i, name="Toko %d" % i))
        Cron = self.env["ir.cron.trigger"]
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker")
        before = Cron.search_count([("cron_id", "=", cron.id)])
        # a 2 s cron limit leaves a 0.2 s budget: one or a few documents per run
        self.sandbox.add_fault("latency", count=50, provider=self.provider, seconds=0.15)
        with patch.dict(config.options, {"limit_time_real_cron": 2}):
            self.run_cron()
        done = jobs.filtered(lambda j: j.state == "done")
        self.assertTrue(done, "the run sent something")
        self.assertLess(len(done), len(jobs), "the run stopped at its budget")
        self.assertEqual(set((jobs - done).mapped("state")), {"pending"})
        self.assertGreater(Cron.search_count([("cron_id", "=", cron.id)]), before, "the next run is triggered")
        for _i in range(12):
            if all(j.state == "done" for j in jobs):
                break
            with patch.dict(config.options, {"limit_time_real_cron": 2}):
                self.run_cron()
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self.assertEqual(self.sandbox_references("customer", prefix="C-BUDGET"),
                         ["C-BUDGET-%02d" % i for i in range(12)])

    # --- 7. one rate limit per credential, shared through PostgreSQL ------------------
    def test_rate_limit_is_shared_by_every_worker_of_a_credential(self):
        conn = self.connection
        config = conn._connection_config(api_token=conn.sudo().api_token, database_id=conn.database_id)
        config.rate_limits = [(3, 60.0)]
        # two workers' limiters (two processes): nothing shared in memory
        first, second = conn._shared_limiter(config), conn._shared_limiter(config)
        self.assertEqual(first.key, limiter_key(config))
        self.assertNotIn(conn.sudo().api_token, first.key, "the table holds a hash, never the secret")
        first.key = second.key = "test:%s" % uuid.uuid4().hex  # a window of its own for this test
        self.addCleanup(self._drop_limit_row, first.key)
        first.max_wait = second.max_wait = 0.0
        stamps = [first.acquire(), second.acquire(), first.acquire()]
        with self.assertRaises(cerr.RateLimitedError) as caught:
            second.acquire()
        self.assertGreater(caught.exception.retry_after, 50, "the window is a minute")
        for stamp in stamps:
            first.release(stamp)  # answered: counted at the answer, still in the window
        with self.assertRaises(cerr.RateLimitedError):
            second.acquire()

    def _drop_limit_row(self, key):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("DELETE FROM accounting_rate_limit WHERE key = %s", [key])

    # --- 3. the admin's settings are checked on save ---------------------------------
    def test_connection_settings_are_checked_on_save(self):
        for vals in ({"request_timeout": -5}, {"rate_limit_per_minute": -1},
                     {"base_url": "http://exa mple.com"}):
            with self.subTest(vals=vals), self.assertRefused("accurate test: "):
                self.connection.write(vals)
        self.connection.write({"request_timeout": 20, "base_url": self.sandbox.url})


@tagged("post_install", "-at_install")
class TestFieldFaultsJurnal(FieldFaultScenario, AccountingSyncCase):
    provider = "jurnal"

    # --- 1. every error kind has a place ---------------------------------------------
    def test_every_connector_error_kind_has_a_place_and_a_behaviour(self):
        selection = dict(self.env["accounting.sync.job"]._fields["error_kind"].selection)
        self.assertFalse(set(cerr.ERROR_KINDS) - set(selection), "kinds the log cannot store")
        self.assertFalse(set(cerr.ERROR_KINDS) - set(ERROR_HANDLING), "kinds the worker has no behaviour for")
        classes = {cls.kind: cls for cls in _subclasses(cerr.ConnectorError)}
        self.assertEqual(set(classes), set(cerr.ERROR_KINDS), "ERROR_KINDS lists every error class")
        expected = {"transient": "pending", "rate_limited": "pending", "auth": "pending", "quota": "pending",
                    "ambiguous": "pending", "permanent": "failed", "duplicate": "failed",
                    "not_found": "failed", "period_locked": "pending", "unapproved": "pending"}
        for kind in cerr.ERROR_KINDS:
            with self.subTest(kind=kind):
                job = self.enqueue(Customer(reference="C-KIND-" + kind, name=kind))
                job.write({"state": "running", "attempts": 1})
                job._on_error(classes[kind]("refused: %s" % kind, retry_after=1), worker._Run(self.env, False),
                              None)
                self.assertEqual((job.state, job.error_kind), (expected[kind], kind))
                self.assertIn(kind, job.error_message)

    # --- 1. the monthly quota ------------------------------------------------------------
    def test_monthly_quota_pauses_that_connection_only(self):
        accurate, jurnal = self.connections["accurate"], self.connections["jurnal"]
        jurnal_jobs = self.masters(jurnal)
        accurate_jobs = self.masters(accurate, suffix="-A")
        self.sandbox.add_fault("quota", method="POST")
        self.run_cron()
        # Accurate's documents went out in the same run
        self.assertEqual(set(accurate_jobs.mapped("state")), {"done"})
        self.assertEqual(self.sandbox_references("customer", "accurate", prefix="C-FF"), ["C-FF-A"])
        # Jurnal: paused until the first day of next month, nothing spent, nothing lost
        self.assertEqual(set(jurnal_jobs.mapped("state")), {"pending"})
        self.assertEqual(jurnal_jobs.mapped("attempts"), [0, 0])
        self.assertEqual(jurnal_jobs[0].error_kind or jurnal_jobs[1].error_kind, "quota")
        until = jurnal.paused_until
        self.assertTrue(until)
        local = fields.Datetime.context_timestamp(jurnal.with_context(tz="Asia/Jakarta"), until)
        self.assertEqual((local.day, local.hour, local.minute), (1, 0, 0))
        self.assertGreater(until, fields.Datetime.now())
        self.assertLess(until - fields.Datetime.now(), timedelta(days=32))
        quota = jurnal.activity_ids.filtered(lambda a: "quota" in a.summary)
        self.assertEqual(len(quota), 1)
        self.assertIn("Monthly limit exceeded", quota.note)
        self.assertFalse(accurate.activity_ids.filtered(lambda a: "quota" in a.summary))
        # later runs leave the paused connection alone: one activity, no request
        before = self.sandbox.request_count["jurnal"]
        self.run_cron()
        self.run_cron()
        self.assertEqual(self.sandbox.request_count["jurnal"], before)
        self.assertEqual(len(jurnal.activity_ids.filtered(lambda a: "quota" in a.summary)), 1)
        # the admin raised the plan: Resume sync sends them now
        jurnal.action_resume_sync()
        self.assertFalse(jurnal.paused_until)
        self.assertFalse(jurnal.activity_ids.filtered(lambda a: "quota" in a.summary))
        self.run_cron()
        self.assertEqual(set(jurnal_jobs.mapped("state")), {"done"}, jurnal_jobs.mapped("error_message"))
        self.assertEqual(self.sandbox_references("customer", "jurnal", prefix="C-FF"), ["C-FF"])

    def test_quota_pause_ends_with_the_month(self):
        jurnal = self.connections["jurnal"]
        jobs = self.masters(jurnal)
        self.sandbox.add_fault("quota", method="POST")
        self.run_cron()
        self.assertTrue(jurnal.paused_until)
        self.assertEqual(
            self.env["accounting.connection"]._next_quota_period(datetime(2026, 12, 15, 3, 0)),
            datetime(2026, 12, 31, 17, 0), "00:00 on 1 January in Jakarta is 17:00 UTC the day before")
        jurnal.paused_until = fields.Datetime.now() - timedelta(seconds=1)  # the new month has begun
        self.run_cron()
        self.assertFalse(jurnal.paused_until)
        self.assertFalse(jurnal.activity_ids.filtered(lambda a: "quota" in a.summary))
        self.assertEqual(set(jobs.mapped("state")), {"done"})


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
