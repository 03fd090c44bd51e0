from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSyncLogUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Connection = cls.env["accounting.connection"]
        Connection.search([("company_id", "=", cls.env.company.id),
                           ("provider", "=", "accurate")]).action_archive()
        cls.env.flush_all()
        cls.connection = Connection.create({
            "name": "Accurate UI", "provider": "accurate", "auth_method": "api_token",
            "base_url": "http://127.0.0.1:9", "sandbox": True, "api_token": "aat.ui-test",
            "signature_secret": "ui-test-secret"})
        source = cls.env["res.partner.category"].create({"name": "UI source"})
        Job = cls.env["accounting.sync.job"]
        cls.done = Job._enqueue(cls.connection, "sales_invoice", source, "INV/TOUR/DONE")
        cls.done.write({"state": "done", "remote_number": "SI.2026.00001"})
        cls.failed = Job._enqueue(cls.connection, "sales_invoice", source, "INV/TOUR/FAILED")
        cls.failed.write({"state": "failed", "attempts": 3, "error_kind": "data",
                          "error_message": "The product Teh Botol has no internal reference (SKU)."})
        cls.blocked = Job._enqueue(cls.connection, "sales_receipt", source, "RCP/TOUR/BLOCKED",
                                   depends_on=cls.failed)

    def test_accountant_filters_failed_opens_and_retries(self):
        self.start_tour("/odoo", "pos_accounting_sync_log_tour", login="admin")
        self.assertEqual(self.failed.state, "pending")
        self.assertEqual(self.failed.attempts, 0)
        self.assertEqual(self.done.state, "done", "a done document is never sent again")
        self.assertEqual((self.blocked.state, self.blocked.blocked_by_id), ("blocked", self.failed),
                         "its receipt waits until it is sent")
