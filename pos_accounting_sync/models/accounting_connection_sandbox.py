from datetime import timedelta

from odoo import api, fields, models

from .accounting_connection import CONFIG_FIELDS


class AccountingConnectionSandbox(models.Model):
    """Connections made from a sandbox's ConnectionConfig (tests, demo data)."""

    _inherit = "accounting.connection"

    @api.model
    def _vals_from_config(self, config):
        """Field values for a record that reproduces ``config`` (sandbox
        credentials in tests and demo data)."""
        vals = {name: getattr(config, name) or False for name in CONFIG_FIELDS}
        vals.update(provider=config.provider, base_url=config.base_url or False, sandbox=config.sandbox,
                    rate_limit_per_minute=int(sum(n * 60.0 / s for n, s in config.rate_limits[:1]))
                    if config.rate_limits else 0)
        if not vals["auth_method"]:
            vals["auth_method"] = "api_token" if config.provider == "accurate" else "hmac"
        if config.provider == "jurnal":
            vals["live_mode"] = True  # a sandbox has no books to protect: it posts at once
        return vals

    @api.model
    def _create_demo_connections(self, url="http://127.0.0.1:8899"):
        """Demo data: one connection per provider to the local sandbox; the
        sandbox's own credentials are used, so no secret lives in the XML."""
        from accounting_connectors.sandbox import SandboxServer

        host, _sep, port = url.rpartition("//")[2].partition(":")
        sandbox = SandboxServer(host, int(port or 80))  # not started: only its credentials are read
        for config, name in ((sandbox.accurate_config(), "Accurate (sandbox)"),
                             (sandbox.jurnal_config(), "Jurnal (sandbox)")):
            domain = [("company_id", "=", self.env.company.id), ("provider", "=", config.provider)]
            if self.search_count(domain):
                continue
            self.create(dict(self._vals_from_config(config), name=name, base_url=url,
                             go_live_date=fields.Date.today() - timedelta(days=30),
                             # its to-dos reach the admin who tries the demo, not OdooBot
                             user_id=self.env.ref("base.user_admin").id))

    @api.model
    def _demo_prepare(self, url=None):
        """Demo: make the sandbox connections ready to click through: tested,
        remote lists fetched, accounts chosen from the sandbox's seeded chart,
        and on the Accurate one the company's outlets and payment methods
        mapped (one connection per outlet: both would post the same sales)."""
        from accounting_connectors.sandbox.accurate import AccurateApp
        from accounting_connectors.sandbox.jurnal import JurnalApp

        seeded = {"accurate": AccurateApp.seeded, "jurnal": JurnalApp.seeded}
        self._demo_name_cash_methods()
        for connection in self.search([("company_id", "=", self.env.company.id)]):
            codes = seeded[connection.provider]
            if url and connection.name.endswith("(sandbox)"):  # the sandbox runs on another port
                connection.base_url = url
            connection.with_context(accounting_no_webhook_check=True).action_test_connection()
            if connection.state != "connected":
                continue  # its message says why (sandbox not started?)
            connection.action_fetch_remote_lists()
            Option = self.env["accounting.remote.option"]

            def pick(code, option_type="account", connection=connection):
                return Option.search([("connection_id", "=", connection.id), ("option_type", "=", option_type),
                                      ("code", "=", code)], limit=1).id

            # every mapping through its pick, as an admin fills the form
            vals = {"default_customer_option_id": pick(codes["walkin"], "customer")}
            for role in ("sales", "discount", "rounding", "fee", "adjustment", "receivable", "cash_difference"):
                vals[role + "_account_option_id"] = pick(codes[role])
            # tips and service charges of the demo shop count as sales there
            vals["tip_account_option_id"] = vals["service_account_option_id"] = vals["sales_account_option_id"]
            # the company's sales taxes were proposed by Fetch lists (same rate, see accounting_tax_map.py)
            configs = self.env["pos.config"].search([("company_id", "=", connection.company_id.id)])
            if connection.provider == "accurate" and not connection.outlet_map_ids:
                vals["outlet_map_ids"] = [(0, 0, {"pos_config_id": c.id}) for c in configs]
            if not connection.payment_map_ids:  # both: moving an outlet to Jurnal just works
                methods = configs.payment_method_ids.filtered(lambda m: m.type in ("cash", "bank"))
                vals["payment_map_ids"] = [(0, 0, {
                    "payment_method_id": m.id,
                    "remote_account_option_id": pick(codes["cash" if m.type == "cash" else "bank"]),
                }) for m in methods]
            connection.write(vals)

    @api.model
    def _demo_name_cash_methods(self):
        """Odoo gives every shop of its demo a payment method named "Cash":
        the demo names each after its shop, so mappings tell them apart."""
        for config in self.env["pos.config"].search([("company_id", "=", self.env.company.id)]):
            for method in config.payment_method_ids.filtered(
                    lambda m: m.type == "cash" and m.name == "Cash" and len(m.config_ids) == 1):
                method.name = "Cash %s" % config.name
