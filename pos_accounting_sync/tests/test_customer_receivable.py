"""Jurnal fixes the receivable account on a customer when it is created: a
customer sent while the connection used another receivable keeps it. The
mapping health check warns about those customers, naming them, and its fix
moves them (PATCH customers) to the connection's receivable; Accurate,
whose documents name their own receivable, gets no such warning."""

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

OTHER = ("Piutang Lain", "1-10199")


@tagged("post_install", "-at_install")
class TestCustomerReceivableJurnal(PosSyncCase):
    provider = "jurnal"

    def setUp(self):
        super().setUp()
        with self.sandbox.lock:
            self.sandbox.app("jurnal").store.add(
                "accounts", {"name": OTHER[0], "number": OTHER[1], "category": "Accounts Receivable"})

    def remote_receivable(self, partner):
        job = self.jobs_of(partner).filtered(lambda j: j.kind == "customer" and j.state == "done")
        row = next(r for r in self.sandbox_dump("customer") if str(r["id"]) == job.remote_id)
        return row["default_ar_account"]["number"]

    def rows(self):
        return self.env["accounting.mapping.health"].search([
            ("connection_id", "=", self.connection.id), ("problem", "=", "receivable_differs")])

    def test_customer_on_another_receivable_is_warned_and_updated(self):
        # the customer went out while the connection used another receivable account
        self.connection.receivable_account = OTHER[1]
        self.customer._accounting_enqueue_customer(self.connection)
        self.run_worker()
        self.assertEqual(self.remote_receivable(self.customer), OTHER[1])
        # the accountant moves the connection back to Piutang Usaha: the customer stays where it was
        self.connection.receivable_account = self.codes["receivable"]
        self.env["accounting.mapping.health"]._action_check(self.connection)
        row = self.rows()
        self.assertEqual(len(row), 1, self.env["accounting.mapping.health"].search([]).mapped("message"))
        self.assertIn(self.customer.name, row.message)
        self.assertIn(OTHER[1], row.message)
        self.assertIn(self.codes["receivable"], row.message)
        self.assertEqual(self.remote_receivable(self.customer), OTHER[1], "checking moves nothing")

        before = next(r for r in self.sandbox_dump("customer") if r["display_name"] == self.customer.name)
        payable = dict(before["default_ap_account"])
        action = row.action_open_fix()
        self.assertEqual(action["res_model"], "accounting.customer.receivable")
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
        self.assertEqual(wizard.connection_id, self.connection)
        self.assertEqual(wizard.customer_count, 1, "the seeded walk-in customer is already on Piutang Usaha")
        self.assertIn(self.customer.name, wizard.customer_text)
        wizard.action_update()
        self.assertEqual(self.remote_receivable(self.customer), self.codes["receivable"])
        self.assertFalse(self.rows(), "the warning goes once every customer moved")
        # what the customer was created with otherwise stays
        after = next(r for r in self.sandbox_dump("customer") if r["display_name"] == self.customer.name)
        self.assertEqual(after["default_ap_account"], payable)
        self.assertEqual(after["id"], before["id"])

    def test_no_warning_when_every_customer_is_on_the_connection_receivable(self):
        self.customer._accounting_enqueue_customer(self.connection)
        self.run_worker()
        self.env["accounting.mapping.health"]._action_check(self.connection)
        self.assertFalse(self.rows())


@tagged("post_install", "-at_install")
class TestCustomerReceivableAccurate(PosSyncCase):
    provider = "accurate"

    def test_accurate_gets_no_receivable_warning(self):
        self.customer._accounting_enqueue_customer(self.connection)
        self.run_worker()
        self.env["accounting.mapping.health"]._action_check(self.connection)
        self.assertFalse(self.env["accounting.mapping.health"].search([
            ("connection_id", "=", self.connection.id), ("problem", "=", "receivable_differs")]))
