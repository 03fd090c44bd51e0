"""Setting up a connection on its form, as an admin does: the methods each
provider offers, what a changed secret does to the status, set hours as
Indonesians write them, pickers that offer only the fitting accounts, the
walk-in customer picked from the fetched customers."""

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AccountingSyncCase

CREDENTIALS = ("api_token", "signature_secret", "oauth_client_id", "oauth_client_secret", "access_token",
               "refresh_token", "client_id", "client_secret", "api_key")


@tagged("post_install", "-at_install")
class TestConnectionSetup(AccountingSyncCase):

    def setUp(self):
        super().setUp()
        self.admin = self.env.ref("base.user_admin")
        self.Connection = self.env["accounting.connection"].with_user(self.admin)

    def visible_credentials(self, form):
        return [f for f in CREDENTIALS if not form._get_modifier(f, "invisible")]

    # --- Auth Method -----------------------------------------------------------------
    def test_each_provider_offers_its_own_auth_methods_and_shows_their_fields(self):
        self.connections["jurnal"].action_archive()
        self.env.flush_all()
        offered = {"accurate": ("accurate_auth_method", {"api_token": ["api_token", "signature_secret"],
                                                         "oauth": ["oauth_client_id", "oauth_client_secret",
                                                                   "access_token", "refresh_token"]}),
                   "jurnal": ("jurnal_auth_method", {"hmac": ["client_id", "client_secret"],
                                                     "apikey": ["api_key"]})}
        for provider, (fname, methods) in offered.items():
            field = self.Connection._fields[fname]
            self.assertEqual(set(dict(field._description_selection(self.env))), set(methods),
                             "%s offers only its own methods" % provider)
        form = Form(self.Connection)
        form.name = "Jurnal shop"
        form.provider = "jurnal"
        self.assertEqual(form.auth_method, "hmac", "Jurnal starts on its own method")
        self.assertTrue(form._get_modifier("accurate_auth_method", "invisible"),
                        "Accurate's methods are not offered for Jurnal")
        for method, fields_shown in offered["jurnal"][1].items():
            form.jurnal_auth_method = method
            self.assertEqual(self.visible_credentials(form), fields_shown, method)
        form.jurnal_auth_method = "hmac"
        form.client_id = "my-client"
        conn = form.save()
        self.assertEqual(conn.auth_method, "hmac")
        with Form(conn) as form:
            form.jurnal_auth_method = "apikey"
            form.api_key = "legacy-key"
        self.assertEqual(conn.auth_method, "apikey", "picking a method on the form stores it")
        # Accurate: each of its methods leaves its own fields to fill
        accurate = self.connections["accurate"]
        with Form(accurate.with_user(self.admin)) as form:
            self.assertTrue(form._get_modifier("jurnal_auth_method", "invisible"),
                            "Jurnal's methods are not offered for Accurate")
            for method, fields_shown in offered["accurate"][1].items():
                form.accurate_auth_method = method
                self.assertEqual(self.visible_credentials(form), fields_shown, method)
            form.accurate_auth_method = "api_token"

    # --- status after a credential changes -----------------------------------------
    def test_editing_a_secret_makes_a_connected_connection_not_tested(self):
        conn = self.connections["jurnal"]
        conn.action_test_connection()
        self.assertEqual(conn.state, "connected")
        conn.name = "Jurnal - Toko Sejahtera"  # not a credential
        conn.client_secret = conn.client_secret  # the same value
        self.assertEqual(conn.state, "connected")
        with Form(conn.with_user(self.admin)) as form:
            form.client_secret = "typed-again"
        self.assertEqual(conn.state, "draft", "the old test said nothing about the new secret")
        self.assertFalse(conn.state_message)
        self.assertEqual(conn._fields["state"].convert_to_export(conn.state, conn), "Not tested")
        # the connection's own refresh of a token is no edit
        accurate = self.connections["accurate"]
        accurate.with_context(accounting_learnt_credentials=True).write({"access_token": "refreshed"})
        self.assertEqual(accurate.state, "connected")
        accurate.api_token = "aat.new"
        self.assertEqual(accurate.state, "draft")
        # a paused connection stays paused until it is tested again
        conn.state = "paused"
        conn.client_secret = "third"
        self.assertEqual(conn.state, "paused")

    # --- set hours ----------------------------------------------------------------------
    def test_hours_accept_dots_and_only_the_shown_value_is_checked(self):
        conn = self.connections["accurate"]
        conn.write({"sales_sync_mode": "scheduled", "sales_sync_hours": "08.00, 21.30"})
        self.assertEqual([t.strftime("%H:%M") for t in conn._parse_hours(conn.sales_sync_hours)],
                         ["08:00", "21:30"])
        conn.sales_sync_hours = "21:30; 7.15"
        self.assertEqual([t.strftime("%H:%M") for t in conn._parse_hours(conn.sales_sync_hours)],
                         ["07:15", "21:30"])
        for wrong in ("soon", "25.00", "21.3", "8:75"):
            with self.assertRaisesRegex(ValidationError, "not a time of day"):
                conn.sales_sync_hours = wrong
        # a value left in a field the chosen mode hides does not block saving
        conn.write({"sales_sync_mode": "session_close", "sales_sync_hours": "after lunch"})
        conn.write({"transfer_sync_mode": "realtime", "transfer_sync_hours": "99"})
        conn.name = "Accurate - Toko Sejahtera"
        self.assertEqual(conn.sales_sync_hours, "after lunch")
        # ... until that mode is chosen again
        with self.assertRaisesRegex(ValidationError, "after lunch"):
            conn.sales_sync_mode = "scheduled"

    # --- account pickers ----------------------------------------------------------------
    def offered(self, record, fname, **values):
        """The remote options the form's picker for ``fname`` offers."""
        domain = safe_eval(record._fields[fname].domain, dict(
            {"id": record.id, "connection_id": record.connection_id.id if "connection_id" in record else False},
            **values))
        return self.env["accounting.remote.option"].search(domain)

    def test_account_pickers_offer_only_the_fitting_account_types(self):
        for provider in ("accurate", "jurnal"):
            conn = self.connections[provider]
            codes = self.sandbox.app(provider).seeded
            conn.action_fetch_remote_lists()
            sales = self.offered(conn, "sales_account_option_id").mapped("code")
            self.assertIn(codes["sales"], sales)
            self.assertNotIn(codes["cash"], sales, "%s: cash is not a sales account" % provider)
            self.assertNotIn(codes["receivable"], sales)
            receivable = self.offered(conn, "receivable_account_option_id")
            self.assertEqual(set(receivable.mapped("account_group")), {"receivable"}, provider)
            self.assertIn(codes["receivable"], receivable.mapped("code"))
            fee = self.offered(conn, "fee_account_option_id").mapped("code")
            self.assertIn(codes["fee"], fee)
            self.assertNotIn(codes["sales"], fee)
            for role in ("cash_difference", "adjustment", "rounding", "discount"):
                self.assertIn(codes[role], self.offered(conn, role + "_account_option_id").mapped("code"), role)
            cash_method = self.env["pos.payment.method"].search([]).filtered(lambda m: m.type == "cash")[:1]
            line = self.env["accounting.payment.map"].create({
                "connection_id": conn.id, "payment_method_id": cash_method.id})
            cash = self.offered(line, "remote_account_option_id", payment_method_type="cash")
            self.assertEqual(set(cash.mapped("code")), {codes["cash"], codes["bank"]}, provider)
            on_account = self.offered(line, "remote_account_option_id", payment_method_type="pay_later")
            self.assertEqual(on_account.mapped("code"), [codes["receivable"]],
                             "the Customer Account method is mapped to the receivable")
            self.assertEqual(line._fields["remote_account_option_id"].string, "Account")

    def test_remote_options_list_by_type(self):
        conn = self.connections["jurnal"]
        conn.action_fetch_remote_lists()
        action = conn.action_view_remote_options()
        self.assertEqual(action["res_model"], "accounting.remote.option")
        groups = self.env["accounting.remote.option"]._read_group(
            action["domain"], ["option_type"], ["__count"])
        self.assertEqual({t for t, _n in groups}, {"account", "warehouse", "customer", "tax"})
        self.assertEqual(conn.remote_option_count, sum(n for _t, n in groups))

    # --- walk-in customer -----------------------------------------------------------------
    def test_walk_in_customer_is_picked_from_the_fetched_customers(self):
        for provider in ("accurate", "jurnal"):
            conn = self.connections[provider]
            app = self.sandbox.app(provider)
            if provider == "accurate":
                app.store.insert("customer", {"customerNo": "C.00042", "name": "Umum Cabang Dua"})
                code = "C.00042"
            else:
                app.store.add("customers", {"display_name": "Umum Cabang Dua", "custom_id": "UMUM-2"})
                code = "UMUM-2"
            conn.action_fetch_remote_lists()
            offered = self.offered(conn, "default_customer_option_id")
            self.assertIn(app.seeded["walkin"], offered.mapped("code"))
            self.assertFalse(offered.filtered(lambda o: o.option_type != "customer"))
            with Form(conn.with_user(self.admin)) as form:
                form.default_customer_option_id = offered.filtered(lambda o: o.code == code)
            self.assertEqual(conn.default_customer_ref, code, "documents name the picked customer")
            self.assertEqual(conn.default_customer_option_id.name, "Umum Cabang Dua")
