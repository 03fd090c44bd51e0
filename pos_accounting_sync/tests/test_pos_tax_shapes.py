"""Shifts as real shops close them: several tax rates in one order, prices
with tax included and excluded in one shift, rewards and discounts, tips and
service charges, cash rounding up and down. Each remote document must total,
and tax, exactly what Odoo booked."""

import json
from decimal import Decimal

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

D = Decimal


@tagged("post_install", "-at_install")
class TestPosTaxShapes(PosSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        company = cls.env.company.id
        cls.tax12 = Tax.create({"name": "PPN 12%", "amount": 12, "amount_type": "percent",
                                "type_tax_use": "sale", "company_id": company})
        cls.tax11_incl = Tax.create({"name": "PPN 11% (termasuk)", "amount": 11, "amount_type": "percent",
                                     "type_tax_use": "sale", "company_id": company,
                                     "price_include_override": "tax_included"})
        cls.gula = cls.create_product("Gula Aren 1kg", cls.categ_basic, 100000.0, tax_ids=[cls.tax12.id])
        cls.teh = cls.create_product("Teh Botol", cls.categ_basic, 10000.0, tax_ids=[cls.tax12.id])
        cls.air = cls.create_product("Air Mineral", cls.categ_basic, 11100.0, tax_ids=[cls.tax11_incl.id])
        cls.permen = cls.create_product("Permen", cls.categ_basic, 1000.0, tax_ids=[cls.tax11.id])
        for product, code in ((cls.gula, "GULA-01"), (cls.teh, "TEH-12"), (cls.air, "AIR-01"),
                              (cls.permen, "PERMEN")):
            product.default_code = code
        # lines Odoo creates without an internal reference
        Product = cls.env["product.product"]
        cls.discount = Product.create({"name": "Diskon Member", "type": "service", "available_in_pos": True,
                                       "lst_price": -5000.0, "taxes_id": [(6, 0, cls.tax11.ids)]})
        cls.service = Product.create({"name": "Service Charge", "type": "service", "available_in_pos": True,
                                      "lst_price": 3000.0, "taxes_id": [(6, 0, cls.tax11.ids)]})
        cls.tip = cls.config.tip_product_id or Product.create({"name": "Tips", "type": "service"})
        cls.tip.write({"lst_price": 5000.0, "taxes_id": [(5, 0, 0)], "available_in_pos": True})
        cls.config.write({"iface_tipproduct": True, "tip_product_id": cls.tip.id})
        accounts = cls.sandbox.app(cls.provider).seeded
        cls.connection.write({
            "tip_account": accounts["rounding"],  # other income
            "service_account": accounts["sales"],
            "tax_map_ids": [(0, 0, {"tax_id": cls.tax12.id, "remote_tax": cls.codes["tax12"]}),
                            (0, 0, {"tax_id": cls.tax11_incl.id, "remote_tax": cls.codes["tax11"]})],
        })

    # --- helpers -----------------------------------------------------------------
    def assert_receipts(self, session, invoice, paid):
        """One receipt per payment method, each with what was paid by it."""
        receipts = self.remote("sales_receipt")
        for method, amount in paid.items():
            row = receipts["%s/RCV/%s" % (session._accounting_chain(), method.id)]
            self.assertEqual(self.receipt_lines(row), [("%s/INV" % session._accounting_chain(), D(amount))])
        status = self.client.invoice_status("%s/INV" % session._accounting_chain())
        self.assertTrue(status["paid"], "the receipts pay the invoice exactly: %s" % status)

    def odoo_tax(self, session):
        return self.session_move_totals(session)[1]

    def remote_lines(self, invoice):
        """``[(item code, tax name, line money)]`` of a remote invoice."""
        if self.provider == "accurate":
            return sorted((l["itemNo"], (l.get("tax1") or {}).get("description") or "", D(str(l["totalPrice"])))
                          for l in invoice["detailItem"])
        return sorted((l["product"]["code"], l["line_tax"]["name"] or "", D(str(l["amount"])))
                      for l in invoice["transaction_lines_attributes"])

    def tax_name(self, key):
        return self.codes[key]

    # --- taxes -------------------------------------------------------------------------
    def test_two_rates_in_one_order(self):
        """11% + 12% in one order: 100,000 @12% + 20,000 @11% = 134,200 (a
        single-rate document would say 133,200 and refuse the receipt)."""
        session = self.open_shift()
        self.sell([(self.gula, 1), (self.kopi, 1)], payments=[(self.cash_pm1, 134200)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("134200"))
        self.assertEqual(self.remote_tax(invoice), D("14200"))
        self.assertEqual(self.remote_tax(invoice), self.odoo_tax(session))
        self.assertEqual(self.remote_lines(invoice), [
            ("GULA-01", self.tax_name("tax12"), D("100000")), ("KOPI-01", self.tax_name("tax11"), D("20000"))])
        self.assert_receipts(session, invoice, {self.cash_pm1: 134200})

    def test_tax_included_and_excluded_in_one_shift(self):
        """2 x Air 11,100 (11% included) by cash; Kopi (11% excluded) + Teh
        (12% excluded) by bank: one tax-excluded document with Odoo's money."""
        session = self.open_shift()
        self.sell([(self.air, 2)], payments=[(self.cash_pm1, 22200)])
        self.sell([(self.kopi, 1), (self.teh, 1)], payments=[(self.bank_pm1, 33400)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("55600"))
        self.assertEqual(self.remote_tax(invoice), D("5600"))
        self.assertEqual(self.remote_tax(invoice), self.odoo_tax(session))
        self.assertIn(("AIR-01", self.tax_name("tax11"), D("20000")), self.remote_lines(invoice))
        self.assert_receipts(session, invoice, {self.cash_pm1: 22200, self.bank_pm1: 33400})

    def test_only_tax_included_prices(self):
        """3 x Air 11,100 included: a tax-included document, tax 3,300."""
        session = self.open_shift()
        self.sell([(self.air, 3)], payments=[(self.cash_pm1, 33300)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("33300"))
        self.assertEqual(self.remote_tax(invoice), self.odoo_tax(session))
        self.assertEqual(self.remote_tax(invoice), D("3300"))

    def test_unmapped_tax_fails_naming_it_and_where_to_map_it(self):
        self.connection.tax_map_ids.filtered(lambda m: m.tax_id == self.tax12).unlink()
        session = self.open_shift()
        self.sell([(self.teh, 1)], payments=[(self.cash_pm1, 11200)])
        self.close_from_ui(session)
        self.run_worker()
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(invoice.state, "failed")
        self.assertIn("PPN 12%", invoice.error_message)
        self.assertIn("Taxes", invoice.error_message)
        self.assertFalse(self.remote("sales_invoice"))

    # --- rewards, discounts, tips, service charges ----------------------------------
    def test_discount_service_charge_and_tip(self):
        """2 x Kopi 44,400, a member discount -5,550 (11%), a service charge
        3,330 (11%) and a tip of 5,000: 47,180, tax 4,180. Nothing waits for
        an internal reference; no line has a negative price."""
        session = self.open_shift()
        self.sell([(self.kopi, 2), (self.discount, 1), (self.service, 1), (self.tip, 1)],
                  payments=[(self.cash_pm1, 47180)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("47180"))
        self.assertEqual(self.remote_tax(invoice), D("4180"))
        self.assertEqual(self.remote_tax(invoice), self.odoo_tax(session))
        accounts = self.sandbox.app(self.provider).seeded
        self.assertEqual(self.remote_lines(invoice), sorted([
            ("ACC-%s" % accounts["rounding"], "", D("5000")),  # the tip, on its account
            ("ACC-%s" % accounts["sales"], self.tax_name("tax11"), D("3000")),  # the service charge
            ("KOPI-01", self.tax_name("tax11"), D("35000")),  # 40,000 less the 5,000 discount
        ]))
        self.assertFalse(self.env["accounting.sync.job"].search(
            [("res_model", "=", "product.product"), ("res_id", "in", (self.discount | self.service | self.tip).ids)]),
            "no item is queued for lines that are not goods")
        self.assert_receipts(session, invoice, {self.cash_pm1: 47180})
        self.assert_account_item(accounts["sales"])

    def test_tip_without_its_account_goes_to_sales_gift_card_never(self):
        """An unmapped tips account falls back to the sales account (income
        either way) and holds nothing; no fallback is taken for a liability."""
        accounts = self.sandbox.app(self.provider).seeded
        self.connection.write({"tip_account": False, "sales_account": accounts["sales"]})
        session = self.open_shift()
        self.sell([(self.kopi, 1), (self.tip, 1)], payments=[(self.cash_pm1, 27200)])
        invoice = self.close_and_post(session)
        self.assertIn(("ACC-%s" % accounts["sales"], "", D("5000")), self.remote_lines(invoice))
        with self.assertRaisesRegex(Exception, "Gift Card Account"):
            self.connection._line_account("gift_card_account", session.order_ids.lines[:1])

    def test_refund_of_a_discounted_order(self):
        """The refund of 2 x Kopi with the member discount gives back the
        discount too: the return totals 38,850 like the sale, no line negative."""
        session = self.open_shift()
        self.sell([(self.kopi, 2), (self.discount, 1)], payments=[(self.cash_pm1, 38850)])
        self.sell([(self.kopi, -2), (self.discount, -1)], payments=[(self.cash_pm1, -38850)])
        invoice = self.close_and_post(session)
        ret = self.remote("sales_return")["%s/RET" % session._accounting_chain()]
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("38850"))
        self.assertEqual(self.remote_total("sales_return", ret), D("38850"))
        self.assertEqual(self.remote_tax(invoice), D("3850"))

    def assert_account_item(self, account):
        """The account item sells to its account (how each provider carries an account line)."""
        code = "ACC-%s" % account
        if self.provider == "accurate":
            item = next(i for i in self.sandbox_dump("item") if i["no"] == code)
            self.assertEqual(item["salesGlAccountNo"], account)
        else:
            product = next(p for p in self.sandbox_dump("item") if p.get("product_code") == code)
            name = next(a["name"] for a in self.client.list_accounts() if a["number"] == account)
            self.assertEqual(product["sell_account"]["name"], name)

    # --- cash rounding -----------------------------------------------------------------
    def set_cash_rounding(self, method):
        self.config.cash_rounding = True
        self.config.rounding_method = self.env["account.cash.rounding"].create({
            "name": "Rp 100 %s" % method, "rounding": 100, "strategy": "add_invoice_line",
            "rounding_method": method,
            "profit_account_id": self.company["default_cash_difference_income_account_id"].id,
            "loss_account_id": self.company["default_cash_difference_expense_account_id"].id,
        })

    def sell_rounded(self, method, paid):
        """One Roti (16,650) paid ``paid`` in cash under ``method`` to Rp 100."""
        self.set_cash_rounding(method)
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, paid)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D(paid))
        self.assertEqual(self.remote_tax(invoice), D("1650"))
        self.assert_receipts(session, invoice, {self.cash_pm1: paid})
        return session

    def test_cash_rounding_up(self):
        self.sell_rounded("HALF-UP", 16700)

    def test_cash_rounding_down_by_name_on_jurnal(self):
        session = self.sell_rounded("DOWN", 16600)
        if self.provider == "jurnal":
            request = json.loads(self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice").request_body)
            body = json.loads(request["body"])["sales_invoice"]
            self.assertEqual((body["witholding_account_name"], body["witholding_value"]),
                             ("Pendapatan Lain - Pembulatan", 50), "the account's name, not its number")

    def test_rounding_on_sale_and_refund_in_one_shift(self):
        """Roti + Permen 17,760 paid 17,800 and a refund of Permen 1,110 paid
        back 1,100: remote invoice minus return = 16,700, the drawer's money."""
        self.set_cash_rounding("HALF-UP")
        session = self.open_shift()
        self.sell([(self.roti, 1), (self.permen, 1)], payments=[(self.cash_pm1, 17800)])  # 17,760
        self.sell([(self.permen, -1)], payments=[(self.cash_pm1, -1100)])
        invoice = self.close_and_post(session)
        ret = self.remote("sales_return")["%s/RET" % session._accounting_chain()]
        net = self.remote_total("sales_invoice", invoice) - self.remote_total("sales_return", ret)
        self.assertEqual(net, D("16700"))

    # --- everything at once ---------------------------------------------------------------
    def test_mixed_shift(self):
        """Two rates, included and excluded prices, a discount, a service
        charge, a tip and cash rounding to Rp 100, paid by cash and bank."""
        self.set_cash_rounding("HALF-UP")
        session = self.open_shift()
        # 134,200 + 11,100 - 5,550 + 3,330 + 5,000 = 148,080 -> 148,100
        self.sell([(self.gula, 1), (self.kopi, 1), (self.air, 1), (self.discount, 1), (self.service, 1),
                   (self.tip, 1)], payments=[(self.cash_pm1, 48100), (self.bank_pm1, 100000)])
        # 2 x Teh 22,400 + Permen 1,110 = 23,510 -> 23,500
        self.sell([(self.teh, 2), (self.permen, 1)], payments=[(self.bank_pm1, 23500)])
        invoice = self.close_and_post(session)
        self.assertEqual(self.remote_total("sales_invoice", invoice), D("171600"))
        self.assertEqual(self.remote_tax(invoice), self.odoo_tax(session))
        self.assert_receipts(session, invoice, {self.cash_pm1: 48100, self.bank_pm1: 123500})


@tagged("post_install", "-at_install")
class TestPosTaxShapesJurnal(TestPosTaxShapes):
    provider = "jurnal"
