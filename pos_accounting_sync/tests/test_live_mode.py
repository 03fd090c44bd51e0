"""Jurnal's live mode, and the dry run of what a record would send."""

import json

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .pos_sync_common import PosSyncCase

HELD = "Jurnal is not in live mode yet"


@tagged("post_install", "-at_install")
class TestJurnalLiveMode(PosSyncCase):
    provider = "jurnal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(cls.env, "live_admin", groups="base.group_user,"
                                  "pos_accounting_sync.group_accounting_sync_manager,point_of_sale.group_pos_manager")

    def run_cron_worker(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()

    def setUp(self):
        super().setUp()
        # going live checks what the outlet offers and how it is paid
        self.offer_own_menu()
        self.config.payment_method_ids = self.cash_pm1 | self.bank_pm1 | self.pay_later_pm

    def test_before_live_mode_nothing_posts_then_everything_goes(self):
        self.connection.sudo().live_mode = False  # a connection just set up
        session = self.standard_shift()
        self.close_from_ui(session)
        jobs = self.jobs_of(session)
        self.assertTrue(jobs)
        self.run_cron_worker()
        self.run_cron_worker()
        self.assertEqual(sum(self.sandbox.request_count.values()), 0, "no request before live mode")
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        self.assertEqual(set(jobs.mapped("attempts")), {0}, "waiting spends no attempt")
        self.assertTrue(all(HELD in (m or "") for m in jobs.mapped("error_message")), jobs.mapped("error_message"))
        self.assertEqual(self.sandbox_references("sales_invoice"), [])
        # the admin's own push of products is refused the same way
        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        with self.assertRaisesRegex(UserError, HELD):
            wizard.action_push()

        self.connection.with_user(self.admin).action_enable_live_mode()
        self.assertTrue(self.connection.live_mode and self.connection.live_since)
        self.run_cron_worker()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertIn("%s/INV" % session._accounting_chain(), self.sandbox_references("sales_invoice"))

    def test_live_mode_cannot_be_turned_off(self):
        self.connection.sudo().live_mode = False
        self.connection.with_user(self.admin).action_enable_live_mode()
        for user in (self.admin, self.env.ref("base.user_admin")):
            with self.assertRaisesRegex(UserError, "cannot be turned off"):
                self.connection.with_user(user).write({"live_mode": False})
            self.assertTrue(self.connection.live_mode)
        # the form offers no way back either: the toggle is read-only, the button gone once live
        arch = self.env["accounting.connection"].get_view(view_type="form")["arch"]
        self.assertRegex(arch, r'name="live_mode"[^>]*readonly="1"|readonly="1"[^>]*name="live_mode"')
        self.assertRegex(arch, r'action_enable_live_mode"[^>]*invisible="provider != \'jurnal\' or live_mode"')
        self.assertIn("cannot be turned off", arch)

    def test_go_live_date_still_applies_once_live(self):
        self.connection.go_live_date = "2099-01-01"
        session = self.standard_shift()
        self.close_from_ui(session)
        self.assertFalse(self.jobs_of(session))


@tagged("post_install", "-at_install")
class TestDryRun(PosSyncCase):
    """What a closed session would send, without sending or queueing."""

    def close_unqueued(self, shift):
        """A shift closed while its outlet was not mapped yet (nothing queued)."""
        outlet = self.connection.outlet_map_ids
        outlet.active = False
        session = shift()
        self.close_from_ui(session)
        outlet.active = True
        self.assertFalse(self.jobs_of(session))
        return session

    def dry_run(self, record):
        action = self.env["accounting.dry.run"].action_open(record)
        return self.env["accounting.dry.run"].browse(action["res_id"])

    def test_dry_run_sends_nothing_and_queues_nothing(self):
        session = self.close_unqueued(self.standard_shift)
        Job = self.env["accounting.sync.job"]
        Trigger = self.env["ir.cron.trigger"]
        jobs_before, triggers_before = Job.search_count([]), Trigger.search_count([])
        wizard = self.dry_run(session)
        self.assertEqual(sum(self.sandbox.request_count.values()), 0, "the dry run made a request")
        self.assertEqual(Job.search_count([]), jobs_before, "the dry run queued a document")
        self.assertEqual(Trigger.search_count([]), triggers_before, "the dry run woke the worker")
        lines = {line.reference: line for line in wizard.line_ids}
        inv = lines["%s/INV" % session._accounting_chain()]
        self.assertEqual(inv.status, "new")
        self.assertEqual(inv.method, "POST")
        payload = json.loads(inv.payload)
        body = payload if self.provider == "accurate" else payload["sales_invoice"]
        self.assertEqual(body["number" if self.provider == "accurate" else "custom_id"], inv.reference)
        self.assertEqual(json.loads(inv.document)["reference"], inv.reference)
        for secret in ("secret", self.connection.sudo().signature_secret or "x" * 40,
                       self.connection.sudo().client_secret or "x" * 40):
            self.assertNotIn(secret, inv.payload)
        self.assertEqual({l.status for l in wizard.line_ids} - {"new"}, set(),
                         [(l.reference, l.message) for l in wizard.line_ids])

        # what the dry run showed is what goes out
        session._accounting_enqueue_sales()
        self.run_worker()
        sent = self.jobs_of(session).filtered(lambda j: j.reference == inv.reference)
        self.assertEqual(sent.state, "done", sent.error_message)
        sent_body = json.loads(json.loads(sent.request_body)["body"])
        if self.provider == "accurate":
            self.assertEqual(sent_body, payload)
        else:  # Jurnal names (the customer's display name) are read when sending
            shown = json.loads(inv.payload.replace('"<customer %s in Jurnal>"' % self.codes["walkin"],
                                                   json.dumps(sent_body["sales_invoice"]["person_name"])))
            self.assertEqual(shown["sales_invoice"]["transaction_lines_attributes"],
                             sent_body["sales_invoice"]["transaction_lines_attributes"])
            self.assertEqual(shown["sales_invoice"]["transaction_date"], sent_body["sales_invoice"]["transaction_date"])

    def test_dry_run_names_the_missing_mapping_as_the_post_fails(self):
        session = self.close_unqueued(self.standard_shift)
        self.connection.payment_map_ids.filtered(lambda m: m.payment_method_id == self.bank_pm1).unlink()
        wizard = self.dry_run(session)
        refused = wizard.line_ids.filtered(lambda l: l.status == "refused")
        self.assertEqual(refused.mapped("reference"), ["%s/RCV/%s" % (session._accounting_chain(), self.bank_pm1.id)])
        self.assertIn(self.bank_pm1.name, refused.message)
        self.assertIn("1 would fail", wizard.summary)
        self.assertEqual(sum(self.sandbox.request_count.values()), 0)
        # the real post fails with the very same sentence
        session._accounting_enqueue_sales()
        self.run_worker()
        failed = self.jobs_of(session).filtered(lambda j: j.reference == refused.reference)
        self.assertEqual(failed.state, "failed")
        self.assertEqual(failed.error_message, refused.message)

    def test_dry_run_of_a_posted_session_shows_it_in_the_log(self):
        session = self.standard_shift()
        self.close_from_ui(session)
        self.run_worker()
        count = sum(self.sandbox.request_count.values())
        wizard = self.dry_run(session)
        self.assertEqual(sum(self.sandbox.request_count.values()), count)
        self.assertEqual(set(wizard.line_ids.mapped("status")), {"logged"})
        self.assertEqual(set(wizard.line_ids.mapped("log_state")), {"done"})
        self.assertIn("0 document(s) would be sent", wizard.summary)

    def test_dry_run_of_an_unmapped_outlet_says_so(self):
        session = self.close_unqueued(self.standard_shift)
        self.connection.outlet_map_ids.active = False
        wizard = self.dry_run(session)
        self.assertEqual(wizard.line_ids.status, "refused")
        self.assertIn("is not mapped", wizard.line_ids.message)


@tagged("post_install", "-at_install")
class TestDryRunJurnal(TestDryRun):
    provider = "jurnal"
