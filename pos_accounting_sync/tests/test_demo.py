"""The demo's one-step preparation, against a real sandbox: what an admin
trying the module finds ready to click."""

from odoo.tests import tagged

from .common import AccountingSyncCase


@tagged("post_install", "-at_install")
class TestDemoPrepare(AccountingSyncCase):

    def test_demo_connections_are_tested_fetched_and_mapped(self):
        Connection = self.env["accounting.connection"]
        (Connection.search([("company_id", "=", self.env.company.id)])
         - self.connections["accurate"] - self.connections["jurnal"]).action_archive()
        configs = self.env["pos.config"].search([("company_id", "=", self.env.company.id)])
        self.assertTrue(configs, "point_of_sale gives the company at least one outlet")
        self.connections["accurate"].state = self.connections["jurnal"].state = "draft"

        Connection._demo_prepare()

        accurate, jurnal = self.connections["accurate"], self.connections["jurnal"]
        for conn in (accurate, jurnal):
            seeded = self.sandbox.app(conn.provider).seeded
            self.assertEqual(conn.state, "connected", conn.state_message)
            self.assertEqual(conn.sales_account, seeded["sales"])
            self.assertEqual(conn.rounding_account, seeded["rounding"])
            self.assertEqual(conn.default_customer_ref, seeded["walkin"])
        # only one connection posts the outlets, or both systems would get every sale
        self.assertEqual(accurate.outlet_map_ids.pos_config_id, configs)
        self.assertFalse(jurnal.outlet_map_ids)
        cash = accurate.payment_map_ids.filtered(lambda m: m.payment_method_id.type == "cash")
        self.assertTrue(cash)
        self.assertEqual(set(cash.mapped("remote_account")), {self.codes["cash"]})
        for conn in (accurate, jurnal):
            # the form shows the picks: none of them is left empty behind a filled code
            self.assertTrue(all(conn.payment_map_ids.mapped("remote_account_option_id")), conn.name)
            self.assertEqual(conn.default_customer_option_id.code, conn.default_customer_ref)
            self.assertEqual(conn.user_id, self.env.ref("base.user_admin"), "its to-dos reach the admin")
        names = accurate.payment_map_ids.payment_method_id.mapped("name")
        self.assertEqual(len(names), len(set(names)), "each mapped method reads differently: %s" % names)
        self.assertFalse(accurate.payment_map_ids.filtered(lambda m: m.payment_method_id.type == "pay_later"))

    def test_demo_connections_give_their_to_dos_to_the_admin(self):
        Connection = self.env["accounting.connection"]
        Connection.search([("company_id", "=", self.env.company.id)]).action_archive()
        self.env.flush_all()
        Connection.with_user(self.env.ref("base.user_root"))._create_demo_connections(self.sandbox.url)
        demo = Connection.search([("company_id", "=", self.env.company.id)])
        self.assertEqual(sorted(demo.mapped("provider")), ["accurate", "jurnal"])
        admin = self.env.ref("base.user_admin")
        self.assertEqual(demo.user_id, admin, "not OdooBot, whom nobody reads")
        # what a cron run (as OdooBot) raises on a demo connection reaches the admin
        demo.with_user(self.env.ref("base.user_root"))._raise_problem("auth", "The credentials were refused.")
        self.assertTrue(demo.activity_ids)
        self.assertEqual(demo.activity_ids.user_id, admin)


@tagged("post_install", "-at_install")
class TestDemoIndonesianShop(AccountingSyncCase):
    """The demo as our users first meet the product: an Indonesian shop on
    the l10n_id chart, in rupiah, with PPN goods and a PB1 restaurant."""

    def test_demo_is_an_indonesian_shop_ready_to_sell(self):
        Demo = self.env["accounting.sync.demo"]
        company = Demo._indonesian_shop(self.sandbox.url)
        self.assertEqual(company.country_id.code, "ID")
        self.assertEqual(company.currency_id.name, "IDR")
        self.assertEqual(company.chart_template, "id")
        self.assertEqual(self.env.ref("base.user_admin").company_id, company, "the admin lands in the shop")
        st1 = self.env.ref("account.%s_tax_ST1" % company.id)
        st3 = self.env.ref("account.%s_tax_ST3" % company.id)
        Product = self.env["product.product"]
        taxes = {p.default_code: p.taxes_id for p in Product.search([("company_id", "=", company.id)])}
        self.assertEqual(taxes["KOPI-001"], st1)
        self.assertEqual(taxes["TUMB-001"], st3)
        self.assertEqual((taxes["NASGOR-01"].name, taxes["NASGOR-01"].amount), ("PB1 10%", 10.0))
        configs = self.env["pos.config"].search([("company_id", "=", company.id)])
        self.assertEqual(sorted(configs.mapped("name")), ["Toko Kopi Nusantara", "Warung Nusantara (PB1)"])
        connections = self.env["accounting.connection"].search([("company_id", "=", company.id)])
        self.assertEqual(sorted(connections.mapped("provider")), ["accurate", "jurnal"])
        for conn in connections:
            self.assertEqual(conn.state, "connected", conn.state_message)
            # the chart's PPN taxes are mapped to the remote taxes of their rate
            mapped = {m.tax_id: m.remote_tax_option_id.rate for m in conn.tax_map_ids}
            self.assertEqual((mapped.get(st1), mapped.get(st3)), (st1.amount, st3.amount), conn.name)
        accurate = connections.filtered(lambda c: c.provider == "accurate")
        self.assertEqual(accurate.outlet_map_ids.pos_config_id, configs)
        self.assertTrue(all(accurate.payment_map_ids.mapped("remote_account")))
        # the generic demo company's sandbox connections are put away: the demo shows one shop
        self.assertFalse(self.env["accounting.connection"].search(
            [("company_id", "!=", company.id), ("name", "like", "(sandbox)")]))
        # run again (the demo starts again): nothing is made twice
        self.assertEqual(Demo._indonesian_shop(self.sandbox.url), company)
        self.assertEqual(self.env["pos.config"].search_count([("company_id", "=", company.id)]), 2)
        self.assertEqual(Product.search_count([("company_id", "=", company.id)]), len(taxes))
        self.assertEqual(self.env["accounting.connection"].search_count([("company_id", "=", company.id)]), 2)
