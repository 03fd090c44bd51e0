from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestProductValidation(PosSyncCase):
    """Only products with their own internal reference become items."""

    def test_counts_lists_and_pushes_valid_products(self):
        no_sku = self.create_product("Es Teh", self.categ_basic, 5000.0)
        twin_a = self.create_product("Donat Coklat", self.categ_basic, 8000.0)
        twin_b = self.create_product("Donat Keju", self.categ_basic, 8000.0)
        twin_a.default_code = twin_b.default_code = "DONAT"
        not_sold = self.create_product("Not Sold", self.categ_basic, 1.0)
        session = self.open_shift()
        for product in (self.kopi, self.roti, no_sku, twin_a, twin_b):
            self.sell([(product, 1)], payments=[(self.cash_pm1, product.lst_price * (1.11 if product.taxes_id else 1))])
        self.assertEqual(session.state, "opened", "sales of an open shift count too")

        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        self.assertEqual(wizard.product_count, 5)
        self.assertNotIn(not_sold, wizard.product_ids, "only products sold in mapped outlets")
        self.assertEqual(wizard.missing_sku_ids, no_sku)
        self.assertEqual(wizard.duplicate_sku_ids, twin_a | twin_b)
        self.assertEqual(wizard.valid_ids, self.kopi | self.roti)

        before = sum(self.sandbox.request_count.values())
        wizard.action_push()
        self.assertEqual(sorted(self.sandbox_references("item")), ["KOPI-01", "ROTI-01"])
        if self.provider == "accurate":  # a bulk save: one request for the lot (+ the token check)
            self.assertLessEqual(sum(self.sandbox.request_count.values()) - before, 2)
        jobs = self.env["accounting.sync.job"].search(
            [("kind", "=", "item"), ("reference", "in", ["KOPI-01", "ROTI-01"])])
        self.assertEqual(jobs.mapped("state"), ["done", "done"])
        self.assertEqual(self.kopi.accounting_sync_job_count, 1)
        wizard.invalidate_recordset()
        self.assertEqual(wizard.to_push_count, 0, "pushed products are not offered again")

    def test_combo_posts_its_components(self):
        combo_line = self.env["product.combo"].create({
            "name": "Paket Sarapan", "company_id": self.env.company.id,
            "combo_item_ids": [(0, 0, {"product_id": self.kopi.id, "extra_price": 0})],
        })
        combo_roti = self.env["product.combo"].create({
            "name": "Roti", "company_id": self.env.company.id,
            "combo_item_ids": [(0, 0, {"product_id": self.roti.id, "extra_price": 0})],
        })
        combo = self.env["product.product"].create({
            "name": "Paket Sarapan", "type": "combo", "available_in_pos": True, "lst_price": 30000,
            "company_id": self.env.company.id, "taxes_id": [(5, 0, 0)],
            "combo_ids": [(6, 0, (combo_line | combo_roti).ids)],
        })
        session = self.open_shift()
        # what the POS UI sends for a combo: a header line and one line per component
        data = self.create_ui_order_data([(combo, 1), (self.kopi, 1), (self.roti, 1)],
                                         payments=[(self.cash_pm1, 38850)])
        header, kopi_line, roti_line = (line[2] for line in data["lines"])
        for uuid, line in (("h", header), ("k", kopi_line), ("r", roti_line)):
            line["uuid"] = "%s-%s" % (uuid, data["uuid"])
        header.update(price_unit=0, price_subtotal=0, price_subtotal_incl=0,
                      combo_line_ids=[kopi_line["id"], roti_line["id"]])
        data.update(amount_total=38850, amount_tax=3850, amount_paid=38850)
        self.env["pos.order"].sync_from_ui([data])
        self.close_from_ui(session)
        self.run_worker()
        invoice = self.remote("sales_invoice")["%s/INV" % session._accounting_chain()]
        if self.provider == "accurate":
            self.assertEqual(sorted(line["itemNo"] for line in invoice["detailItem"]), ["KOPI-01", "ROTI-01"])
        self.assertEqual(self.remote_total("sales_invoice", invoice), self.session_move_totals(session)[0])
        self.assertNotIn(combo, self.env["accounting.sync.job"].search([("kind", "=", "item")]).mapped(
            lambda j: self.env["product.product"].browse(j.res_id)))


@tagged("post_install", "-at_install")
class TestProductValidationJurnal(TestProductValidation):
    provider = "jurnal"
