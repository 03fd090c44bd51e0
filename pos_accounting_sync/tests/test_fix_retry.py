"""A failure whose cause is fixed in Odoo goes again by itself, on every
connection and in chain order; every item of a shift is checked up front, so
three products without SKU are reported together, each with its reason."""

import json

from odoo.tests import tagged

from .common import AccountingSyncCase
from .pos_sync_common import PosSyncCase
from .stock_sync_common import StockSyncCase


@tagged("post_install", "-at_install")
class TestShiftItemsCheckedUpFront(PosSyncCase):

    def test_three_missing_skus_are_reported_together(self):
        teh, kue, air = (self.create_product(name, self.categ_basic, price, tax_ids=[self.tax11.id])
                         for name, price in (("Es Teh Manis", 10000.0), ("Kue Lapis", 5000.0),
                                             ("Air Mineral", 4000.0)))
        session = self.open_shift()
        self.sell([(teh, 1), (kue, 2), (air, 1)], payments=[(self.cash_pm1, 26640)])
        self.close_from_ui(session)
        Job = self.env["accounting.sync.job"]
        items = Job.search([("chain", "=", session._accounting_chain()), ("kind", "=", "item"),
                            ("connection_id", "=", self.connection.id)])
        self.assertEqual(len(items), 3)
        app = self.sandbox.app(self.provider)
        before = json.dumps(app.dump(), default=str, sort_keys=True)
        self.run_worker(limit=1)
        # one claim, no request: all three failed, each naming its own product only
        self.assertEqual(json.dumps(app.dump(), default=str, sort_keys=True), before)
        self.assertEqual(items.mapped("state"), ["failed"] * 3, items.mapped("error_message"))
        for job in items:
            product = self.env["product.product"].browse(job.res_id)
            self.assertIn(product.name, job.error_message)
            self.assertIn("no internal reference", job.error_message)
            others = (teh | kue | air) - product
            self.assertFalse([o.name for o in others if o.name in job.error_message])
            self.assertEqual(job.cause_refs, "|product.product,%s|" % product.id)
        self.run_worker()
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(invoice.state, "blocked")
        self.assertFalse(self.remote("sales_invoice"))
        # the shop fixes the three products: the whole shift goes out by itself
        teh.default_code, kue.default_code = "TEH-02", "KUE-01"
        self.assertEqual(set(items.filtered(lambda j: j.state == "pending").mapped("res_id")), {teh.id, kue.id})
        air.product_tmpl_id.default_code = "AIR-01"
        self.assertEqual(set(items.mapped("state")), {"pending"})
        self.assertIn("AIR-01", items.mapped("reference"), "the item takes its new SKU as reference")
        self.run_worker()
        jobs = self.jobs_of(session) | items
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(list(self.remote("sales_invoice")), ["%s/INV" % session._accounting_chain()])


@tagged("post_install", "-at_install")
class TestShiftItemsCheckedUpFrontJurnal(TestShiftItemsCheckedUpFront):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestFixRetriesEverywhere(AccountingSyncCase):
    """Both connections (Accurate and Jurnal) are active for the company."""

    def chains(self, product, partner):
        out = {}
        for provider, conn in self.connections.items():
            chain = "FIX/%s" % provider
            item = product._accounting_enqueue_items(conn, chain=chain)
            customer = partner._accounting_enqueue_customer(conn, chain=chain)
            out[provider] = (item, customer)
        return out

    def test_setting_the_sku_requeues_failed_jobs_on_both_connections_in_chain_order(self):
        product = self.env["product.product"].create({"name": "Kopi Gula Aren", "list_price": 18000})
        partner = self.env["res.partner"].create({"name": "Toko Sinar Jaya"})
        chains = self.chains(product, partner)
        self.run_worker()
        for provider, (item, customer) in chains.items():
            self.assertEqual((item.state, customer.state), ("failed", "blocked"), provider)
            self.assertIn("Kopi Gula Aren", item.error_message)
        # nobody presses Retry: giving the product its SKU is enough, on both connections
        product.default_code = "AREN-01"
        for provider, (item, customer) in chains.items():
            self.assertEqual((item.state, customer.state), ("pending", "blocked"), provider)
        self.run_worker()
        for provider, (item, customer) in chains.items():
            self.assertEqual((item.state, customer.state), ("done", "done"),
                             (provider, item.error_message, customer.error_message))
            # the item went out before the customer queued after it (the sandbox numbers in order)
            self.assertLess(int(item.remote_id), int(customer.remote_id), provider)
            self.assertIn("AREN-01", self.sandbox_references("item", provider))

    def test_other_products_and_other_writes_retry_nothing(self):
        product = self.env["product.product"].create({"name": "Roti Sobek"})
        other = self.env["product.product"].create({"name": "Roti Tawar"})
        job = product._accounting_enqueue_items(self.connection)
        self.run_worker()
        self.assertEqual(job.state, "failed")
        other.default_code = "TAWAR-01"
        product.standard_price = 3000  # a valuation write is not a fix
        self.assertEqual(job.state, "failed")
        product.default_code = "SOBEK-01"
        self.assertEqual(job.state, "pending")

    def test_retry_on_one_line_retries_the_product_on_every_connection(self):
        bakso = self.env["product.product"].create({"name": "Bakso Urat", "default_code": "BKS-01"})
        old = self.env["product.product"].create({"name": "Bakso Lama", "default_code": "BKS-01"})
        jobs = self.env["accounting.sync.job"]
        for conn in self.connections.values():
            jobs |= bakso._accounting_enqueue_items(conn)
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["failed", "failed"])
        self.assertIn("used by another product", jobs[0].error_message)
        # the cure is on another product: the accountant archives it, then presses Retry on one line
        old.active = False
        self.assertEqual(jobs.mapped("state"), ["failed", "failed"])
        jobs[:1].action_retry()
        self.assertEqual(jobs.mapped("state"), ["pending", "pending"])
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["done", "done"], jobs.mapped("error_message"))


@tagged("post_install", "-at_install")
class TestConnectionAccountFixResends(StockSyncCase):
    """Choosing a missing account on the connection sends again what failed
    on it, with no Retry; mapping health counts those documents until then."""

    def health_row(self, fname):
        return self.env["accounting.mapping.health"].search([
            ("connection_id", "=", self.connection.id), ("field_name", "=", fname)])

    def test_missing_adjustment_account_resends_the_counts_once_chosen(self):
        self.connection.adjustment_account = False
        moves = self.count(self.wh_a, self.kopi, 7) | self.count(self.wh_a, self.roti, 3)
        jobs = self.jobs_of(moves)
        self.run_worker()
        self.assertEqual(set(jobs.mapped("state")), {"failed"}, jobs.mapped("error_message"))
        self.assertIn("adjustment account", jobs[0].error_message)
        self.connection.action_check_mapping_health()
        row = self.health_row("adjustment_account")
        self.assertEqual(row.job_count, len(jobs), "the documents that failed on it are counted")
        digest = self.connection._post_digest()
        self.assertIn("documents: %s" % len(jobs), digest.note)
        # nobody presses Retry: choosing the account sends them, and health stops reporting it
        self.connection.adjustment_account = self.codes["adjustment"]
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        self.assertFalse(self.health_row("adjustment_account"))
        self.run_worker()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(self.remote_stock()[(self.remote_a, "KOPI-B")], 7)


@tagged("post_install", "-at_install")
class TestConnectionAccountFixResendsJurnal(TestConnectionAccountFixResends):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestRoundingAccountFixResends(PosSyncCase):

    def test_missing_rounding_account_resends_the_invoice_once_chosen(self):
        self.round_cash_to_100()
        self.connection.rounding_account = False
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16700)])
        self.close_from_ui(session)
        self.run_worker()
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(invoice.state, "failed")
        self.assertIn("rounding", invoice.error_message)
        self.assertIn("|accounting.connection,%s|" % self.connection.id, invoice.cause_refs)
        self.connection.action_check_mapping_health()
        row = self.env["accounting.mapping.health"].search([("connection_id", "=", self.connection.id),
                                                            ("field_name", "=", "rounding_account")])
        self.assertIn(invoice, row.job_ids)
        self.connection.rounding_account = self.codes["rounding"]
        self.assertEqual(invoice.state, "pending", "no Retry needed")
        self.run_worker()
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(self.remote_total("sales_invoice", self.remote("sales_invoice")[invoice.reference]), 16700)


@tagged("post_install", "-at_install")
class TestRoundingAccountFixResendsJurnal(TestRoundingAccountFixResends):
    provider = "jurnal"
