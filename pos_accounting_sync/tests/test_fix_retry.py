"""A failure whose cause is fixed in Odoo goes again by itself, on every
connection and in chain order; every item of a shift is checked up front, so
three products without SKU are reported together, each with its reason."""

import json

from odoo.tests import tagged

from .common import AccountingSyncCase
from .pos_sync_common import PosSyncCase


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
