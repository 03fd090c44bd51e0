"""An item the accounting system no longer has (deleted there, or a new
database behind the same credentials) while Odoo holds it as sent: the
refusal is recognised, the item is sent again and the document retried,
once, with a line in the history; otherwise the refusal names the item in
Odoo's terms. An admin can also resend items and customers by hand."""

from urllib.parse import quote

import requests

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestMasterResend(PosSyncCase):

    def delete_remote(self, kind, code):
        resp = requests.delete("%s/_sandbox/masters/%s/%s/%s" % (self.sandbox.url, self.provider, kind,
                                                                quote(code, safe="")), timeout=5)
        self.assertEqual(resp.status_code, 200, resp.text)

    def posted_shift(self):
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        self.run_worker()
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        return session

    def item_job(self, product):
        return self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id),
                                                       ("kind", "=", "item"), ("res_id", "=", product.id)])

    def test_item_deleted_remotely_is_sent_again_once_and_the_shift_posts(self):
        self.posted_shift()
        item = self.item_job(self.kopi)
        old_id = item.remote_id
        self.delete_remote("item", "KOPI-01")
        self.assertNotIn("KOPI-01", self.sandbox_references("item"))
        session = self.open_shift()
        self.sell([(self.kopi, 2)], payments=[(self.cash_pm1, 44400)])
        self.close_from_ui(session)
        self.run_worker()
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertEqual(self.sandbox_references("item").count("KOPI-01"), 1, "sent again, once")
        self.assertNotEqual(item.remote_id, old_id, "the item line holds the new remote id")
        self.assertEqual(len(item.attempt_ids.filtered(lambda a: a.event == "resent")), 1)
        invoice = jobs.filtered(lambda j: j.kind == "sales_invoice")
        resent = invoice.attempt_ids.filtered(lambda a: a.event == "resent")
        self.assertEqual(len(resent), 1)
        self.assertIn(self.kopi.display_name, resent.message)
        self.assertIn("%s/INV" % session._accounting_chain(), self.remote("sales_invoice"))

    def test_refusal_of_an_unknown_item_names_the_item(self):
        self.posted_shift()
        self.delete_remote("item", "KOPI-01")
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        invoice = self.jobs_of(session).filtered(lambda j: j.kind == "sales_invoice")
        self.run_worker(limit=1)
        self.assertEqual(invoice.state, "pending", invoice.error_message)
        # gone again before the retry: the resend happens once, then the refusal names the item
        self.delete_remote("item", "KOPI-01")
        self.run_worker()
        self.assertEqual(invoice.state, "failed")
        self.assertIn(self.kopi.display_name, invoice.error_message)
        self.assertIn("product.product,%s" % self.kopi.id, invoice.cause_refs)
        self.assertEqual(len(invoice.attempt_ids.filtered(lambda a: a.event == "resent")), 1)

    def test_admin_resends_a_deleted_item_by_hand(self):
        self.posted_shift()
        self.delete_remote("item", "KOPI-01")
        action = self.connection.action_resend_masters()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        wizard.action_resend()
        self.assertIn("1 sent again", wizard.summary)
        self.assertIn("KOPI-01", self.sandbox_references("item"))
        # from the product's Action menu: it is there now, nothing is sent twice
        action = self.env["accounting.master.resend"].action_open(self.kopi.product_tmpl_id, self.connection)
        wizard = self.env["accounting.master.resend"].browse(action["res_id"])
        self.assertEqual(wizard.product_ids, self.kopi)
        wizard.action_resend()
        self.assertIn("0 sent again, 1 still", wizard.summary)
        self.assertEqual(self.sandbox_references("item").count("KOPI-01"), 1)


@tagged("post_install", "-at_install")
class TestMasterResendJurnal(TestMasterResend):
    provider = "jurnal"
