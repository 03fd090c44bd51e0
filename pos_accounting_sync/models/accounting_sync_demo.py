"""The demo shop: an Indonesian company as our users first meet the module.

``scripts/odoo_demo.py`` (``make demo``) installs the module with
``l10n_id`` and calls :meth:`AccountingSyncDemo._indonesian_shop`: a company
in Indonesia on the ``l10n_id`` chart, in rupiah, selling PPN goods (the
chart's ST1, 12% on a DPP of 11/12 = 11% of the price, and ST3, 12%) in a
coffee shop, and food under the regional restaurant tax (PB1 10%) in a
restaurant outlet; both sandbox connections are made for it and prepared
(tested, lists fetched, mapped)."""

from odoo import api, models

COMPANY_NAME = "Toko Kopi Nusantara"
SHOP, RESTAURANT = "Toko Kopi Nusantara", "Warung Nusantara (PB1)"
#: PB1 (Pajak Barang dan Jasa Tertentu, makanan dan minuman): 10% in most regions
PB1_RATE = 10.0
#: (name, SKU, price in rupiah, tax: ST1 / ST3 / PB1, the outlet it is sold in, storable)
PRODUCTS = (
    ("Kopi Susu Gula Aren", "KOPI-001", 22000, "ST1", SHOP, False),
    ("Roti Bakar Cokelat", "ROTI-001", 18000, "ST1", SHOP, True),
    ("Biji Kopi Gayo 250 g", "BIJI-250", 95000, "ST1", SHOP, True),
    ("Tumbler Nusantara", "TUMB-001", 150000, "ST3", SHOP, True),
    ("Nasi Goreng Kampung", "NASGOR-01", 35000, "PB1", RESTAURANT, False),
    ("Es Teh Manis", "ESTEH-01", 8000, "PB1", RESTAURANT, False),
)


class AccountingSyncDemo(models.AbstractModel):
    _name = "accounting.sync.demo"
    _description = "Accounting Sync Demo Shop"

    @api.model
    def _indonesian_shop(self, url=None):
        """Make (once) the Indonesian demo company, its outlets, products and
        taxes, give it to the admin, and make and prepare the two sandbox
        connections on it (``url``: the sandbox). Returns the company.
        The generic demo company's sandbox connections are archived: the demo
        shows one shop."""
        company = self.env["res.company"].search([("name", "=", COMPANY_NAME)], limit=1) or self._demo_company()
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
        Connection = self.env["accounting.connection"]
        Connection.search([("company_id", "!=", company.id), ("name", "like", "(sandbox)")]).active = False
        self._demo_outlets(company)
        Connection = Connection.with_company(company).with_context(allowed_company_ids=company.ids)
        # a sandbox connection put away (by hand, or by scripts/screenshots.py) comes back, not a second one
        for provider in ("accurate", "jurnal"):
            if not Connection.search_count([("company_id", "=", company.id), ("provider", "=", provider)]):
                Connection.with_context(active_test=False).search(
                    [("company_id", "=", company.id), ("provider", "=", provider), ("name", "like", "(sandbox)")],
                    order="id", limit=1).active = True
        Connection._create_demo_connections(url or "http://127.0.0.1:8899")
        Connection._demo_prepare(url)
        for connection in Connection.search([("company_id", "=", company.id)]):
            if connection.state == "connected":
                connection._propose_tax_map()  # the outlets' taxes, now that the outlets are mapped
        return company

    @api.model
    def _demo_company(self):
        indonesia = self.env.ref("base.id")
        rupiah = self.env.ref("base.IDR")
        rupiah.active = True
        company = self.env["res.company"].create({
            "name": COMPANY_NAME, "country_id": indonesia.id, "currency_id": rupiah.id,
            "street": "Jl. Braga No. 12", "city": "Bandung", "zip": "40111",
            "state_id": self.env["res.country.state"].search(
                [("country_id", "=", indonesia.id), ("code", "=", "JB")], limit=1).id,
        })
        self.env.user.company_ids |= company
        self.env["account.chart.template"].try_loading("id", company=company, install_demo=False)
        # Odoo makes a new company's warehouse only in its own tests: the shop's is made here
        if not self.env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
            self.env["stock.warehouse"].create({"name": "Gudang Bandung", "code": "BDG", "company_id": company.id})
        return company

    @api.model
    def _demo_taxes(self, company):
        """``{"ST1": tax, "ST3": tax, "PB1": tax}`` of ``company``: the chart's
        PPN taxes, and PB1 (not in the chart: a regional tax) made once."""
        Tax = self.env["account.tax"].with_company(company)
        taxes = {code: self.env.ref("account.%s_tax_%s" % (company.id, code)) for code in ("ST1", "ST3")}
        pb1 = Tax.search([("company_id", "=", company.id), ("name", "=", "PB1 10%")], limit=1)
        if not pb1:
            group = self.env["account.tax.group"].create({
                "name": "PB1", "company_id": company.id, "country_id": company.country_id.id})
            pb1 = Tax.create({
                "name": "PB1 10%", "description": "PB1", "amount": PB1_RATE, "amount_type": "percent",
                "type_tax_use": "sale", "company_id": company.id, "tax_group_id": group.id,
                "invoice_label": "PB1 10%", "country_id": company.country_id.id})
        taxes["PB1"] = pb1
        return taxes

    @api.model
    def _demo_outlets(self, company):
        """The coffee shop and the restaurant, with their products."""
        Config = self.env["pos.config"].with_company(company).with_context(allowed_company_ids=company.ids)
        configs = {}
        for name in (SHOP, RESTAURANT):
            config = Config.search([("company_id", "=", company.id), ("name", "=", name)], limit=1)
            if not config:
                journal, methods = Config._create_journal_and_payment_methods(
                    cash_journal_vals={"name": "Kas %s" % name, "show_on_dashboard": False})
                config = Config.create({"name": name, "company_id": company.id, "journal_id": journal.id,
                                        "payment_method_ids": methods})
            configs[name] = config
        taxes = self._demo_taxes(company)
        Product = self.env["product.product"].with_company(company)
        for name, sku, price, tax, _outlet, storable in PRODUCTS:
            if Product.search_count([("default_code", "=", sku), ("company_id", "=", company.id)]):
                continue
            Product.create({
                "name": name, "default_code": sku, "list_price": price, "company_id": company.id,
                "available_in_pos": True, "is_storable": storable, "taxes_id": [(6, 0, taxes[tax].ids)]})
        return configs
