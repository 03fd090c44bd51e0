from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AccountingSyncCase


@tagged("post_install", "-at_install")
class TestSecurity(AccountingSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.write({"api_token": "aat.secret-token-value", "signature_secret": "sig-secret-value"})
        cls.cashier = new_test_user(cls.env, "sync_cashier", groups="point_of_sale.group_pos_user")
        cls.sync_user = new_test_user(
            cls.env, "sync_accountant",
            groups="base.group_user,base.group_allow_export,pos_accounting_sync.group_accounting_sync_user")
        cls.sync_admin = new_test_user(
            cls.env, "sync_admin", groups="base.group_user,pos_accounting_sync.group_accounting_sync_manager")
        cls.source = cls.env["res.partner.category"].create({"name": "Security source"})

    def test_cashier_without_sync_groups_enqueues_but_cannot_read_the_log(self):
        Job = self.env["accounting.sync.job"].with_user(self.cashier)
        job = Job._enqueue(self.connection.with_user(self.cashier), "customer",
                           self.source.with_user(self.cashier), "C-CASHIER")
        self.assertTrue(job.exists())
        with self.assertRaises(AccessError):
            Job.search([]).mapped("reference")
        with self.assertRaises(AccessError):
            self.connection.with_user(self.cashier).read(["name"])
        # the helpers feature code calls from a cashier's transaction work too
        self.assertIn(self.connection, self.env["accounting.connection"].with_user(self.cashier)._for_company(
            self.env.company))

    def test_cashier_closes_a_session_without_sync_groups(self):
        config = self.env["pos.config"].create({"name": "Sync Security Shop"})
        config.with_user(self.cashier).open_ui()
        session = config.current_session_id
        session.with_user(self.cashier).action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")

    def test_sync_user_reads_the_log_and_retries_but_not_secrets(self):
        job = self.env["accounting.sync.job"]._enqueue(self.connection, "customer", self.source, "C-SEC")
        job.write({"state": "failed", "error_message": "Nope"})
        as_user = job.with_user(self.sync_user)
        self.assertEqual(as_user.error_message, "Nope")
        as_user.action_retry()
        self.assertEqual(job.state, "pending")
        conn = self.connection.with_user(self.sync_user)
        self.assertEqual(conn.name, self.connection.name)
        for secret in ("api_token", "signature_secret", "client_secret", "api_key", "refresh_token"):
            with self.assertRaises(AccessError, msg=secret):
                conn.read([secret])
            self.assertNotIn(secret, conn.fields_get())
        with self.assertRaises(AccessError):
            conn.export_data(["api_token"])
        with self.assertRaises(AccessError):
            conn.write({"name": "renamed"})
        with self.assertRaises(AccessError):
            self.env["accounting.connection"].with_user(self.sync_user).create({"name": "x"})

    def test_sync_admin_manages_secrets(self):
        conn = self.connection.with_user(self.sync_admin)
        self.assertEqual(conn.api_token, "aat.secret-token-value")
        conn.write({"signature_secret": "another-secret"})
        self.assertEqual(self.connection.signature_secret, "another-secret")

    def test_company_b_cannot_see_company_a_jobs(self):
        company_b = self.env["res.company"].create({"name": "Toko B"})
        user_b = new_test_user(self.env, "sync_b",
                               groups="base.group_user,pos_accounting_sync.group_accounting_sync_manager",
                               company_id=company_b.id, company_ids=[Command.set(company_b.ids)])
        conn_b = self.env["accounting.connection"].create({
            "name": "B", "company_id": company_b.id, "provider": "jurnal", "auth_method": "hmac"})
        job_a = self.env["accounting.sync.job"]._enqueue(self.connection, "customer", self.source, "C-A")
        job_b = self.env["accounting.sync.job"]._enqueue(conn_b, "customer", self.source, "C-B")
        Job = self.env["accounting.sync.job"].with_user(user_b)
        self.assertEqual(Job.search([("reference", "in", ("C-A", "C-B"))]), job_b)
        with self.assertRaises(AccessError):
            job_a.with_user(user_b).read(["reference"])
        self.assertEqual(self.env["accounting.connection"].with_user(user_b).search([]), conn_b)
