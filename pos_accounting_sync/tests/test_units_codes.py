"""Units and item codes, both providers: a product sold by the pack of 6 is
sent in its item's unit (quantity x 6, price / 6, the line's money and the
document's total Odoo's to the rupiah); an internal reference typed with
spaces around it (" SUSU-01 ") is one item code, "SUSU-01", on the item
and on every line that names it; a unit of another kind is refused naming
the product and both units."""

from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from ..tools.item_units import item_code, unit_ratio
from ..tools.sync_causes import SyncDataError
from .pos_sync_common import PosSyncCase

D = Decimal


@tagged("post_install", "-at_install")
class TestUnitsCodesAccurate(PosSyncCase):
    provider = "accurate"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units = cls.env.ref("uom.product_uom_unit")
        cls.pack6 = cls.env["uom.uom"].create({
            "name": "Pack of 6", "category_id": cls.units.category_id.id, "uom_type": "bigger", "factor_inv": 6})
        cls.susu = cls.create_product("Susu UHT", cls.categ_basic, 10000.0, tax_ids=[cls.tax11.id])
        cls.susu.default_code = " SUSU-01 "
        cls.connection.invoice_sync = True

    def sync(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()

    def remote_lines(self, row):
        """``[(item code, quantity, unit price, line money)]`` of a remote invoice."""
        if self.provider == "accurate":
            return [(l["itemNo"], D(str(l["quantity"])), D(str(l["unitPrice"])), D(str(l["totalPrice"])))
                    for l in row["detailItem"]]
        return [(l["product"]["code"], D(str(l["quantity"])), D(str(l["rate"])), D(str(l["amount"])))
                for l in row["transaction_lines_attributes"]]

    def remote_items(self):
        key = "no" if self.provider == "accurate" else "product_code"
        return {row[key]: row for row in self.sandbox_dump("item")}

    def item_unit(self, row):
        return row["unit1Name"] if self.provider == "accurate" else row["unit"]["name"]

    def test_sold_by_the_pack_goes_out_in_the_item_unit(self):
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [
                (0, 0, {"product_id": self.susu.id, "quantity": 2, "product_uom_id": self.pack6.id,
                        "price_unit": 55000}),
                (0, 0, {"product_id": self.susu.id, "quantity": 3, "price_unit": 10000}),
            ]})
        move.action_post()
        self.sync()
        jobs = self.jobs_of(move)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        item = self.remote_items()["SUSU-01"]
        self.assertEqual(self.item_unit(item), self.units.name, "the item is pushed in the product's unit")
        row = self.remote("sales_invoice")[move._accounting_invoice_ref()]
        lines = sorted(self.remote_lines(row), key=lambda l: l[1])
        self.assertEqual([(code, qty) for code, qty, _p, _m in lines], [("SUSU-01", 3), ("SUSU-01", 12)])
        # 2 packs of 6 at 55,000 = 12 units at 9,166.67, the line still 110,000 to the rupiah
        _code, _qty, price, line_money = lines[1]
        self.assertEqual(price, D("9166.67"))
        self.assertEqual(line_money.quantize(D("0.01")), D("110000.00"))
        self.assertEqual(self.remote_total("sales_invoice", row), D("%.2f" % move.amount_total))
        self.assertEqual(self.remote_tax(row), D("%.2f" % move.amount_tax))
        if self.provider == "accurate":
            self.assertEqual({l["itemUnit"]["name"] for l in row["detailItem"]}, {self.units.name})

    def test_spaced_reference_posts_under_one_code_everywhere(self):
        self.assertEqual(item_code(self.susu), "SUSU-01")
        session = self.open_shift()
        self.sell([(self.susu, 3)], payments=[(self.cash_pm1, 33300)])
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.customer.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [(0, 0, {"product_id": self.susu.id, "quantity": 1, "price_unit": 10000})]})
        move.action_post()
        self.sync()
        jobs = self.jobs_of(session) | self.jobs_of(move)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        items = self.remote_items()
        self.assertIn("SUSU-01", items)
        self.assertFalse([code for code in items if code != code.strip()], "no item under a spaced code")
        item_jobs = self.env["accounting.sync.job"].search([
            ("connection_id", "=", self.connection.id), ("kind", "=", "item"),
            ("res_model", "=", "product.product"), ("res_id", "=", self.susu.id)])
        self.assertEqual(item_jobs.mapped("reference"), ["SUSU-01"], "one item, pushed once")
        shift_ref = jobs.filtered(lambda j: j.kind == "sales_invoice" and j.res_model == "pos.session").reference
        invoices = self.remote("sales_invoice")
        for row in (invoices[shift_ref], invoices[move._accounting_invoice_ref()]):
            codes = {code for code, _q, _p, _m in self.remote_lines(row)}
            self.assertIn("SUSU-01", codes)
            self.assertFalse({c for c in codes if c != c.strip()})
        # a second product typed "SUSU-01" without spaces is the same code: both are refused, named
        twin = self.create_product("Susu Kotak", self.categ_basic, 9000.0)
        twin.default_code = "SUSU-01"
        problems = (self.susu | twin)._accounting_sku_problems()
        self.assertEqual(set(problems), {self.susu, twin})
        self.assertIn("SUSU-01", problems[twin])

    def test_unit_of_another_kind_is_refused_naming_both(self):
        kg = self.env.ref("uom.product_uom_kgm")
        self.assertEqual(unit_ratio(self.pack6, self.susu), 6)
        self.assertEqual(unit_ratio(self.units, self.susu), 1)
        with self.assertRaises(SyncDataError) as refused:
            unit_ratio(kg, self.susu)
        text = str(refused.exception)
        for word in ("Susu UHT", kg.name, self.units.name):
            self.assertIn(word, text)


@tagged("post_install", "-at_install")
class TestUnitsCodesJurnal(TestUnitsCodesAccurate):
    provider = "jurnal"
