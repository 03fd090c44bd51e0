"""The addon's plain Python (``tools/``) tested directly: the shop's
business day and its edges, money rounding, settlement CSV parsing; and the
one business-day rule seen from the documents (a sale and a stock move of
the same evening carry the same date). The first classes need no ORM
beyond a company and a currency."""

from datetime import date, datetime
from decimal import Decimal
from unittest.mock import patch

from odoo.tests import Form, TransactionCase, tagged

from ..tools import amounts, settlement_csv, shop_time
from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestToolsShopTime(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Asia/Jakarta"

    def test_business_day_turns_at_local_midnight(self):
        # 23:59:59 WIB is still the 15th; one second later the 16th
        self.assertEqual(shop_time.local_date(datetime(2024, 6, 15, 16, 59, 59), self.company), date(2024, 6, 15))
        self.assertEqual(shop_time.local_date(datetime(2024, 6, 15, 17, 0, 0), self.company), date(2024, 6, 16))
        # a string as Odoo stores it
        self.assertEqual(shop_time.local_date("2024-06-15 17:00:00", self.company), date(2024, 6, 16))

    def test_outlet_then_company_then_jakarta(self):
        config = self.env["pos.config"].search([("company_id", "=", self.company.id)], limit=1)
        evening = datetime(2024, 6, 15, 15, 30)  # 22:30 WIB, 00:30 WIT the next day
        self.assertEqual(shop_time.local_date(evening, config=config), date(2024, 6, 15))
        with patch.object(shop_time, "outlet_tz_name", lambda c: "Asia/Jayapura" if c == config else ""):
            self.assertEqual(shop_time.local_date(evening, self.company, config), date(2024, 6, 16))
            self.assertEqual(shop_time.local_date(evening, self.company), date(2024, 6, 15))
        self.company.partner_id.tz = "Asia/Makassar"  # WITA: 23:30
        self.assertEqual(shop_time.local_date(evening, self.company), date(2024, 6, 15))
        self.assertEqual(shop_time.local_date(datetime(2024, 6, 15, 16, 30), self.company), date(2024, 6, 16))
        self.company.partner_id.tz = False  # nothing set anywhere: Jakarta
        self.assertEqual(shop_time.shop_tz(self.company).zone, "Asia/Jakarta")
        self.assertEqual(shop_time.shop_tz(None).zone, "Asia/Jakarta")
        with patch.object(shop_time, "outlet_tz_name", lambda c: "Mars/Olympus"):
            self.assertEqual(shop_time.shop_tz(self.company, config).zone, "Asia/Jakarta")


@tagged("post_install", "-at_install")
class TestToolsAmounts(TransactionCase):

    def test_money_is_exact_and_rounded_as_the_currency(self):
        idr = self.env.ref("base.IDR")
        usd = self.env.ref("base.USD")
        self.assertEqual(amounts.money(usd, 0.1 + 0.2), Decimal("0.30"))
        self.assertEqual(amounts.money(usd, 2.675), Decimal("2.68"))  # Odoo rounds half up, float noise aside
        self.assertEqual(amounts.money(usd, None), Decimal("0.00"))
        self.assertEqual(amounts.money(idr, 22199.5), Decimal(idr.round(22199.5)).quantize(
            Decimal(1).scaleb(-idr.decimal_places)))
        self.assertEqual(amounts.dec(1.5, 4), Decimal("1.5000"))
        self.assertEqual(str(amounts.plain(Decimal("2.000"))), "2")
        self.assertEqual(str(amounts.plain(Decimal("2.500"))), "2.5")
        self.assertEqual(str(amounts.plain(Decimal("10.00"))), "10")


@tagged("post_install", "-at_install")
class TestToolsSettlementCsv(TransactionCase):

    def test_amounts_both_conventions(self):
        self.assertEqual(settlement_csv.parse_amount("Rp 1.000.000"), Decimal("1000000"))
        self.assertEqual(settlement_csv.parse_amount("1.000.000,50"), Decimal("1000000.50"))
        self.assertEqual(settlement_csv.parse_amount("1,000,000.50"), Decimal("1000000.50"))
        self.assertEqual(settlement_csv.parse_amount("1.500"), Decimal("1500"))
        self.assertEqual(settlement_csv.parse_amount("2,5"), Decimal("2.5"))

    def test_rows_with_semicolons_and_formula_cells(self):
        data = "\ufeffTanggal;Metode;Jumlah;MDR\n15/06/2024;QRIS;1.000.000;7.000\n".encode()
        rows = settlement_csv.read_rows(settlement_csv.decode(data))
        self.assertEqual([(r["date"], r["method"], r["gross"], r["fee"]) for r in rows],
                         [("15/06/2024", "QRIS", "1.000.000", "7.000")])
        self.assertEqual(settlement_csv.parse_date("15/06/2024"), date(2024, 6, 15))
        self.assertTrue(settlement_csv.is_formula("=SUM(A1)"))
        self.assertFalse(settlement_csv.is_formula("-1.500"))


@tagged("post_install", "-at_install")
class TestShopDayOfDocuments(PosSyncCase):
    """One rule for every document: a sale and a stock move of the same
    evening, in an outlet with its own time zone, carry the same date."""

    def test_sale_and_stock_move_of_one_evening(self):
        session = self.open_shift()
        order = self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        evening = datetime(2024, 6, 15, 15, 30)  # 22:30 in Jakarta, 00:30 the 16th in Jayapura
        order.date_order = evening
        warehouse = self.config.picking_type_id.warehouse_id
        move = self.env["stock.move"].create({
            "name": "count", "product_id": self.kopi.id, "product_uom_qty": 1, "product_uom": self.kopi.uom_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": self.kopi.property_stock_inventory.id, "date": evening})
        outlet_tz = patch.object(shop_time, "outlet_tz_name",
                                 lambda c: "Asia/Jayapura" if c == self.config else "")
        with outlet_tz:
            sale_day = shop_time.business_date(order, session)
            self.assertEqual(sale_day, date(2024, 6, 16))
            self.assertEqual(move._accounting_local_date(), sale_day)
        # without the outlet's own zone both follow the company's
        self.assertEqual(move._accounting_local_date(), shop_time.business_date(order, session))


@tagged("post_install", "-at_install")
class TestProductFormSafe(TransactionCase):
    """Odoo's own product form with the module installed: a new product's
    onchanges write on unsaved (NewId) records, which the hooks skip."""

    def test_new_product_onchange_in_odoo_form(self):
        form = Form(self.env["product.product"])
        form.name = "Es Kopi Susu"
        form.default_code = "EKS-01"
        form.lst_price = 18000
        form.barcode = "899000000001"
        product = form.save()
        self.assertEqual(product.default_code, "EKS-01")
        form.name = "Es Kopi Susu Gula Aren"  # an edit of the saved product: its own write
        self.assertEqual(form.save().name, "Es Kopi Susu Gula Aren")

    def test_new_combo_product_in_odoo_form(self):
        # as Odoo's point_of_sale test_product_combo_creation does
        component = self.env["product.product"].create({"name": "Kopi", "default_code": "K-1"})
        combo = self.env["product.combo"].create({
            "name": "Drink", "combo_item_ids": [(0, 0, {"product_id": component.id, "extra_price": 0})]})
        form = Form(self.env["product.product"])
        form.name = "Breakfast"
        form.lst_price = 100
        form.type = "combo"
        form.combo_ids = combo
        product = form.save()
        self.assertEqual(product.combo_ids, combo)
        form.type = "consu"
        self.assertFalse(form.save().combo_ids)

    def test_new_template_in_odoo_form(self):
        with Form(self.env["product.template"]) as form:
            form.name = "Roti Bakar"
            form.default_code = "RB-01"
        self.assertEqual(form.record.product_variant_ids.default_code, "RB-01")
