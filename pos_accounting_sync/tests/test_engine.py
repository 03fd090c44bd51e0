import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from unittest.mock import patch

from accounting_connectors.documents import (
    Customer, InvoiceLine, Item, ReceiptLine, SalesInvoice, SalesReceipt,
)
from accounting_connectors.sandbox import SandboxServer

from odoo import SUPERUSER_ID, api, fields
from odoo.api import Transaction
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from .common import AccountingSyncCase, TagDocumentsMixin


class EngineScenario(TagDocumentsMixin):
    """Source records are partner tags whose document is whatever the test
    puts in ``self.documents[reference]`` (an exception is raised instead),
    so the engine is tested without depending on the POS features."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def masters(self):
        """The customer and the item the invoices below use, posted now."""
        jobs = self.enqueue(Customer(reference="C-ENG", name="Toko Engine")) | self.enqueue(
            Item(reference="SKU-ENG", name="Kopi Susu", sale_price=Decimal("15000")))
        self.run_worker()
        self.assertEqual(set(jobs.mapped("state")), {"done"})

    def invoice(self, ref, **kwargs):
        return SalesInvoice(reference=ref, customer_ref="C-ENG", date=date.today(),
                            lines=[InvoiceLine("SKU-ENG", Decimal("2"), Decimal("15000"))], **kwargs)

    def receipt(self, ref, invoice_ref, amount="30000"):
        return SalesReceipt(reference=ref, customer_ref="C-ENG", date=date.today(),
                            account=self.codes["cash"], lines=[ReceiptLine(invoice_ref, Decimal(amount))])

    @contextmanager
    def assertNoProviderCall(self):
        before = sum(self.sandbox.request_count.values())
        yield
        self.assertEqual(sum(self.sandbox.request_count.values()), before, "the accounting system was called")

    def activities(self, connection=None):
        return (connection or self.connection).activity_ids

    # --- queueing ------------------------------------------------------------------
    def test_enqueue_is_idempotent_and_never_calls_the_provider(self):
        with self.assertNoProviderCall():
            first = self.enqueue(self.invoice("INV/IDEM/1"))
            again = self.env["accounting.sync.job"]._enqueue(
                self.connection, "sales_invoice", self.tag, "INV/IDEM/1")
        self.assertEqual(first, again)
        self.assertEqual(first.state, "pending")
        self.assertEqual(first.res_name, "Sync source")

    # --- ordering and dependencies -------------------------------------------------
    def test_receipt_waits_for_its_invoice_and_chain_goes_oldest_first(self):
        self.masters()
        # the receipt is queued first: only depends_on keeps it behind the invoice
        inv_doc = self.invoice("INV/CHAIN/1")
        self.documents[inv_doc.reference] = inv_doc
        receipt = self.enqueue(self.receipt("RCP/CHAIN/1", "INV/CHAIN/1"), chain="S1", sequence=20)
        invoice = self.enqueue(inv_doc, chain="S1", sequence=10)
        receipt.depends_on_id = invoice
        self.assertEqual(self.run_worker(limit=1), 1)
        self.assertEqual((invoice.state, receipt.state), ("done", "pending"))
        self.run_worker()
        self.assertEqual(receipt.state, "done", receipt.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/CHAIN/1"])
        self.assertEqual(self.sandbox_references("sales_receipt"), ["RCP/CHAIN/1"])
        self.assertEqual(invoice.remote_id and invoice.remote_number and True, True)
        self.assertIn(("INV/CHAIN/1", invoice.remote_id), self.done_calls)

    def test_data_error_fails_in_words_blocks_dependants_and_retry_posts_fixed_data(self):
        self.masters()
        invoice = self.enqueue(self.invoice("INV/DATA/1"), chain="S2")
        self.documents["INV/DATA/1"] = UserError("The product “Teh Botol” has no internal reference (SKU).")
        receipt = self.enqueue(self.receipt("RCP/DATA/1", "INV/DATA/1"), chain="S2", depends_on=invoice)
        self.run_worker()
        self.assertEqual((invoice.state, invoice.error_kind), ("failed", "data"))
        self.assertIn("Teh Botol", invoice.error_message)
        self.assertEqual(receipt.state, "blocked")
        self.assertIn(invoice.reference, receipt.error_message)
        self.assertFalse(self.sandbox_references("sales_invoice"))
        # the accountant fixes the product, then presses Retry on the invoice
        self.documents["INV/DATA/1"] = self.invoice("INV/DATA/1")
        invoice.action_retry()
        self.assertEqual(receipt.state, "blocked", "released only once the invoice is posted")
        self.run_worker()
        self.assertEqual((invoice.state, receipt.state), ("done", "done"))
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/DATA/1"])

    def test_provider_refusal_fails_with_its_message_and_is_not_retried(self):
        self.masters()
        doc = self.invoice("INV/REFUSED/1")
        doc.lines[0].item_ref = "NO-SUCH-SKU"
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual((job.state, job.error_kind), ("failed", "permanent"))
        self.assertTrue(job.error_message and "Traceback" not in job.error_message)
        self.assertTrue(job.response_body)
        self.force_due(job)
        with self.assertNoProviderCall():
            self.run_worker()
        self.assertEqual(job.attempts, 1)

    # --- faults ----------------------------------------------------------------------
    def test_server_error_backs_off_then_posts_once(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/500/1"))
        self.sandbox.add_fault("503", provider=self.provider, method="POST")
        self.run_worker()
        self.assertEqual((job.state, job.attempts), ("pending", 1))
        # a 5xx after the body left may or may not have been applied: either way it waits
        self.assertIn(job.error_kind, ("transient", "ambiguous"))
        self.assertGreater(job.next_attempt_at, fields.Datetime.now())
        with self.assertNoProviderCall():
            self.run_worker()  # not due yet
        self.force_due(job)
        self.run_worker()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/500/1"])

    def test_rate_limited_waits_without_spending_an_attempt(self):
        if self.provider == "jurnal":
            # Jurnal's windows are fixed on the clock's minute: start well inside one, so that the window
            # the 429 closes has not rolled by itself before the test looks (CI failed once at hh:mm:00)
            left = 60 - time.time() % 60
            if left < 20:
                time.sleep(left + 1)
        self.masters()
        jobs = self.enqueue(self.invoice("INV/429/1")) | self.enqueue(self.invoice("INV/429/2"))
        self.sandbox.add_fault("429", provider=self.provider, method="POST")
        self.run_worker()
        first = jobs[0]
        self.assertEqual((first.state, first.error_kind, first.attempts), ("pending", "rate_limited", 0))
        self.assertEqual(jobs[1].attempts, 0, "the connection is left alone for the rest of the run")
        self.force_due(jobs)
        if self.provider == "jurnal":
            # a bare 429 closes Jurnal's tripped window until it rolls on its clock: no retry storm before
            with self.assertNoProviderCall():
                self.run_worker()
            self.assertEqual(set(jobs.mapped("state")), {"pending"})
            self.roll_rate_windows()
            self.force_due(jobs)
        self.run_worker()
        self.assertEqual(set(jobs.mapped("state")), {"done"})
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/429/1", "INV/429/2"])

    def test_saved_then_connection_dropped_is_adopted_not_posted_twice(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/DROP/1"))
        self.sandbox.add_fault("commit_drop", provider=self.provider, method="POST")
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertTrue(job.remote_id)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/DROP/1"])

    def test_timeout_after_commit_is_looked_up_first(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/TIMEOUT/1"))
        # Odoo's test harness raises any HTTP timeout below 10 s to 10 s
        self.sandbox.add_fault("timeout", provider=self.provider, method="POST", seconds=10.5)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/TIMEOUT/1"])

    def test_connection_reset_before_saving_posts_once_later(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/RESET/1"))
        self.sandbox.add_fault("reset", provider=self.provider, method="POST")
        self.run_worker()
        self.assertEqual(job.state, "pending")
        self.assertIn(job.error_kind, ("ambiguous", "transient"))
        self.force_due(job)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/RESET/1"])

    def test_gives_up_after_max_attempts(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/GIVEUP/1"))
        job.max_attempts = 2
        self.sandbox.add_fault("500", count=5, provider=self.provider, method="POST")
        for _i in range(4):
            self.force_due(job)
            self.run_worker()
        self.assertEqual((job.state, job.attempts), ("failed", 2))
        self.assertIn("Gave up after 2 attempts", job.error_message)
        # the responsible hears of it in the morning digest, not per document
        self.assertFalse(self.activities())
        self.connection._post_digest()
        self.assertEqual(len(self.activities()), 1)
        self.assertIn("INV/GIVEUP/1", str(self.activities().note))

    def test_duplicate_reference_is_adopted(self):
        self.masters()
        doc = self.invoice("INV/DUP/1")
        self.connection._get_client().post(doc)  # e.g. sent by a worker whose log was lost
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/DUP/1"])

    # --- crashed worker -------------------------------------------------------------
    def test_job_left_running_by_a_dead_worker_is_looked_up_then_finished(self):
        self.masters()
        posted = self.invoice("INV/CRASH/1")
        self.connection._get_client().post(posted)  # the dead worker had posted it
        lost = self.invoice("INV/CRASH/2")  # ...and died before posting this one
        jobs = self.enqueue(posted) | self.enqueue(lost)
        jobs.write({"state": "running", "attempts": 1})  # nobody holds their locks
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["done", "done"], jobs.mapped("error_message"))
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/CRASH/1", "INV/CRASH/2"])

    def test_job_running_in_a_live_worker_is_left_alone(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/LIVE/1"))
        # another worker holds it: its lease runs for another minute
        job.write({"state": "running", "attempts": 1, "lease_token": "other-worker",
                   "lease_until": fields.Datetime.now() + timedelta(minutes=1)})
        with self.assertNoProviderCall():
            self.run_worker()
        self.assertEqual((job.state, job.lease_token), ("running", "other-worker"))
        # the lease passes without renewal: the worker died; look it up, then send
        job.lease_until = fields.Datetime.now() - timedelta(seconds=1)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertEqual(self.sandbox_references("sales_invoice"), ["INV/LIVE/1"])

    # --- credentials -----------------------------------------------------------------
    def break_credentials(self):
        field = "signature_secret" if self.provider == "accurate" else "client_secret"
        good = self.connection[field]
        self.connection[field] = "wrong-secret-value"
        # as if the provider revoked it: the connection still counts as tested (an
        # edit in Odoo makes it "Not tested", and the worker would leave it alone)
        self.connection.state = "connected"
        return field, good

    def test_refused_credentials_pause_the_connection_with_one_activity(self):
        jobs = self.enqueue(Customer(reference="C-AUTH-1", name="A")) | self.enqueue(
            Customer(reference="C-AUTH-2", name="B"))
        field, good = self.break_credentials()
        self.run_worker()
        self.assertEqual(self.connection.state, "paused")
        self.assertEqual(jobs.mapped("state"), ["pending", "pending"])
        self.assertEqual(jobs.mapped("attempts"), [0, 0])
        self.run_worker()
        self.assertEqual(len(self.activities()), 1)
        self.assertEqual(self.activities().user_id, self.connection.user_id)
        self.assertNotIn("wrong-secret-value", jobs[0].request_body or "")
        # the admin fixes the secret and tests the connection: the queue resumes
        self.connection[field] = good
        self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "connected")
        self.assertFalse(self.activities())
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["done", "done"])

    def test_test_connection_explains_what_is_wrong(self):
        self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "connected", self.connection.state_message)
        self.break_credentials()
        result = self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "error")
        self.assertEqual(result["params"]["type"], "danger")
        self.assertTrue(self.connection.state_message)
        self.connection.base_url = "http://127.0.0.1:9"  # nothing listens there
        self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "error")
        self.assertIn("127.0.0.1:9", self.connection.state_message)

    def test_test_connection_names_a_wrong_clock(self):
        self.sandbox.clock_offset = 3600  # the accounting system's clock an hour ahead of ours
        self.addCleanup(setattr, self.sandbox, "clock_offset", 0.0)
        self.connection.action_test_connection()
        self.assertEqual(self.connection.state, "error")
        self.assertIn("clock", self.connection.state_message)
        self.assertIn("NTP", self.connection.state_message)

    def test_secrets_never_reach_the_log_columns(self):
        self.masters()
        job = self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id)], limit=1)
        secrets = [s for s in self.sandbox.app(self.provider).client_config().secrets() if s]
        self.assertTrue(secrets, "the connection has credentials to leak")
        self.assertTrue(job.request_body)
        for secret in secrets:
            self.assertNotIn(secret, job.request_body)
            self.assertNotIn(secret, job.response_body or "")

    # --- lists, mappings, schedule -----------------------------------------------------
    def test_fetch_lists_offers_remote_codes(self):
        self.connection.action_fetch_remote_lists()
        accounts = self.connection.remote_option_ids.filtered(lambda o: o.option_type == "account")
        warehouses = self.connection.remote_option_ids.filtered(lambda o: o.option_type == "warehouse")
        self.assertIn(self.codes["cash"], accounts.mapped("code"))
        self.assertTrue(warehouses)
        cash = accounts.filtered(lambda o: o.code == self.codes["cash"])
        self.connection.sales_account_option_id = cash
        self.assertEqual(self.connection.sales_account, self.codes["cash"])
        self.connection.action_fetch_remote_lists()  # again: no duplicates, mapping kept
        self.assertEqual(len(self.connection.remote_option_ids.filtered(
            lambda o: o.code == self.codes["cash"] and o.option_type == "account")), 1)
        self.assertEqual(self.connection.sales_account, self.codes["cash"])

    def test_mapping_helpers(self):
        method = self.env["pos.payment.method"].create({"name": "QRIS Test"})
        with self.assertRaisesRegex(UserError, "QRIS Test"):
            self.connection._payment_account(method)
        self.connection.payment_map_ids = [(0, 0, {"payment_method_id": method.id, "remote_account": "1102"})]
        self.assertEqual(self.connection._payment_account(method), "1102")
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)
        self.connection.warehouse_map_ids = [
            (0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Gudang"})]
        self.assertEqual(self.connection._remote_warehouse(warehouse.lot_stock_id), "Gudang")
        self.connection.go_live_date = date.today()
        self.assertFalse(self.connection._is_live(date.today() - timedelta(days=1)))
        self.assertTrue(self.connection._is_live(date.today()))
        self.assertIn(self.connection, self.env["accounting.connection"]._for_company(self.env.company))

    def test_sales_at_set_hours_wait_for_the_hour(self):
        self.connection.write({"sales_sync_mode": "scheduled", "sales_sync_hours": "00:00"})
        self.masters()  # customers and items are not held back
        job = self.enqueue(self.invoice("INV/SCHED/1"))
        self.assertGreater(job.next_attempt_at, fields.Datetime.now())
        with self.assertNoProviderCall():
            self.run_worker()
        self.assertEqual(job.state, "pending")

    # --- accountant actions ----------------------------------------------------------
    def test_cancel_many_and_retry_many(self):
        jobs = self.enqueue(Customer(reference="C-X1", name="X1")) | self.enqueue(
            Customer(reference="C-X2", name="X2"))
        jobs.action_cancel()
        self.assertEqual(jobs.mapped("state"), ["cancelled", "cancelled"])
        with self.assertNoProviderCall():
            self.run_worker()
        jobs.action_retry()
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["done", "done"])
        with self.assertRaises(UserError):
            jobs.action_retry()  # done documents are never sent again
        self.assertEqual(self.sandbox_references("customer", prefix="C-X"), ["C-X1", "C-X2"])


@tagged("post_install", "-at_install")
class TestEngineAccurate(EngineScenario, AccountingSyncCase):
    provider = "accurate"


@tagged("post_install", "-at_install")
class TestEngineJurnal(EngineScenario, AccountingSyncCase):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestTwoWorkers(TransactionCase):
    """Two workers on their own database connections drain one queue while the
    sandbox injects faults: no document is posted twice, none is lost, no job
    is processed by both at once, and receipts never overtake their invoice.

    Runs on committed data (real concurrency cannot share the test
    transaction) and removes everything it created."""

    N = 25

    def test_two_workers_at_once(self):
        dbname = self.env.cr.dbname
        in_progress, overlaps, built = {}, [], []
        guard = threading.Lock()

        def build(record, job):
            with guard:
                if job.id in in_progress:
                    overlaps.append(job.reference)
                in_progress[job.id] = threading.current_thread().name
            time.sleep(0.003)  # widen the window a double claim would need
            with guard:
                in_progress.pop(job.id, None)
                built.append(job.reference)
            return documents[job.reference]

        documents = {}
        Tag = type(self.env["res.partner.category"])
        self.startPatcher(patch.object(Tag, "_accounting_sync_document", build, create=True))
        with SandboxServer("127.0.0.1", 0) as sandbox:
            ids = self._setup(dbname, sandbox, documents)
            try:
                for kind in ("500", "commit_drop", "reset", "429", "503"):
                    sandbox.add_fault(kind, count=2, provider="accurate", method="POST",
                                      path_contains="sales-")
                processed = self._drain(dbname, ids["connection"])
                with db_connect(dbname).cursor() as cr:
                    cr.execute("""SELECT reference, state, error_code, date_done FROM accounting_sync_job
                                  WHERE connection_id = %s""", [ids["connection"]])
                    rows = {r[0]: r[1:] for r in cr.fetchall()}
                app = sandbox.app("accurate")
                invoices = sorted(r["number"] for r in app.dump("sales_invoice"))
                receipts = sorted(r["number"] for r in app.dump("sales_receipt"))
            finally:
                self._cleanup(dbname, ids)
        self.assertFalse(overlaps, "a job was processed by two workers at once")
        self.assertEqual({ref: v[0] for ref, v in rows.items() if v[0] != "done"}, {}, rows)
        self.assertEqual(invoices, sorted("INV/CC/%02d" % i for i in range(self.N)))
        self.assertEqual(receipts, sorted("RCP/CC/%02d" % i for i in range(self.N)))
        for i in range(self.N):
            self.assertLessEqual(rows["INV/CC/%02d" % i][2], rows["RCP/CC/%02d" % i][2])
        self.assertTrue(all(processed), "both workers took part: %s" % processed)

    def _setup(self, dbname, sandbox, documents):
        with db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Connection = env["accounting.connection"]
            archived = Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")])
            archived.action_archive()
            env.flush_all()
            conn = Connection.create(dict(Connection._vals_from_config(sandbox.accurate_config()),
                                          name="two workers", rate_limit_per_minute=600000,
                                          request_timeout=1, state="connected"))
            tag = env["res.partner.category"].create({"name": "Two workers"})
            Job = env["accounting.sync.job"]

            def enqueue(doc, **kw):
                documents[doc.reference] = doc
                return Job._enqueue(conn, doc.kind, tag, doc.reference, **kw)

            enqueue(Customer(reference="C-CC", name="Toko Paralel"), chain="masters")
            item = enqueue(Item(reference="SKU-CC", name="Es Teh", sale_price=Decimal("5000")),
                           chain="masters")
            for i in range(self.N):
                ref = "INV/CC/%02d" % i
                invoice = enqueue(SalesInvoice(
                    reference=ref, customer_ref="C-CC", date=date.today(),
                    lines=[InvoiceLine("SKU-CC", Decimal("1"), Decimal("5000"))]),
                    chain="S%d" % i, depends_on=item)
                enqueue(SalesReceipt(reference="RCP/CC/%02d" % i, customer_ref="C-CC", date=date.today(),
                                     account="1101", lines=[ReceiptLine(ref, Decimal("5000"))]),
                        chain="S%d" % i, depends_on=invoice)
            return {"connection": conn.id, "tag": tag.id, "archived": archived.ids}

    def _drain(self, dbname, connection_id, workers=2, deadline=90):
        counts = [0] * workers
        stop = time.monotonic() + deadline

        registry = self.env.registry

        def work(n):
            with self._worker_cursor(dbname) as cr:
                # hand the registry over: looking it up by name waits for the
                # lock the test runner holds
                cr.transaction = Transaction(registry)
                env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
                conn = env["accounting.connection"].browse(connection_id)
                while time.monotonic() < stop:
                    counts[n] += env["accounting.sync.worker"]._process_jobs(connection=conn)
                    cr.commit()  # pylint: disable=invalid-commit
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    # skip the backoff waits: make retried jobs due at once
                    cr.execute("""UPDATE accounting_sync_job SET next_attempt_at = now() AT TIME ZONE 'UTC'
                                  WHERE connection_id = %s AND state = 'pending'""", [connection_id])
                    cr.execute("""SELECT count(*) FROM accounting_sync_job
                                  WHERE connection_id = %s AND state IN ('pending', 'running')""",
                               [connection_id])
                    left = cr.fetchone()[0]
                    cr.commit()  # pylint: disable=invalid-commit
                    if not left:
                        return
                    time.sleep(0.05)

        threads = [threading.Thread(target=work, args=(n,), name="worker-%d" % n) for n in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return counts

    def _worker_cursor(self, dbname):
        return db_connect(dbname).cursor()

    def _cleanup(self, dbname, ids):
        with db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["accounting.sync.job"].search([("connection_id", "=", ids["connection"])]).unlink()
            conn = env["accounting.connection"].browse(ids["connection"])
            conn.activity_ids.unlink()
            conn.unlink()
            env["res.partner.category"].browse(ids["tag"]).unlink()
            env.flush_all()
            env["accounting.connection"].browse(ids["archived"]).action_unarchive()
