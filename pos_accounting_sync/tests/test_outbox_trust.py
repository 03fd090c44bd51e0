"""Least privilege on the outbox: what a job posts is the engine's alone,
the worker builds nothing of another company, every action checks its own
group, Retry works in a multi-company database, and the jobs of a
connection that is not tested wait. Run as a company-A Sync User with
``with_user``, so access rights and record rules apply."""

import inspect

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import AccountingSyncCase

SECRET_NAME = "Rahasia Toko B"
SECRET_MAIL = "pemilik@toko-b.example"


@tagged("post_install", "-at_install")
class TestOutboxTrust(AccountingSyncCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Toko B"})
        both = [Command.set((cls.company_a | cls.company_b).ids)]
        cls.sync_user = new_test_user(
            cls.env, "trust_accountant", groups="base.group_user,pos_accounting_sync.group_accounting_sync_user",
            company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        cls.manager = new_test_user(
            cls.env, "trust_admin", groups="base.group_user,pos_accounting_sync.group_accounting_sync_manager",
            company_id=cls.company_a.id, company_ids=[Command.set(cls.company_a.ids)])
        # a user of both companies without the sync groups (a cashier, a stock clerk)
        cls.plain_user = new_test_user(
            cls.env, "trust_plain", groups="base.group_user,point_of_sale.group_pos_user,stock.group_stock_user",
            company_id=cls.company_a.id, company_ids=both)
        Connection = cls.env["accounting.connection"]
        cls.connection_b = Connection.create(dict(
            Connection._vals_from_config(cls.sandbox.accurate_config()),
            name="accurate B", company_id=cls.company_b.id, request_timeout=cls.request_timeout,
            state="connected", rate_limit_per_minute=600000))
        cls.partner_a = cls.env["res.partner"].create({"name": "Pelanggan A", "company_id": cls.company_a.id})
        cls.partner_b = cls.env["res.partner"].create({
            "name": SECRET_NAME, "email": SECRET_MAIL, "phone": "+62 811 0000 999",
            "street": "Jl. Rahasia 9", "company_id": cls.company_b.id})
        cls.shared = cls.env["res.partner"].create({"name": "Pelanggan Bersama"})

    def requests_made(self):
        return sum(self.sandbox.request_count.values())

    def assert_nothing_of_b(self, job):
        """Nothing of company B in what the job kept or shows."""
        job.invalidate_recordset()
        kept = " ".join(str(job[f] or "") for f in (
            "request_body", "response_body", "error_message", "request_text", "response_text", "cause_display"))
        for secret in (SECRET_NAME, SECRET_MAIL, "Rahasia"):
            self.assertNotIn(secret, kept)

    # --- 1. what a job posts is never writable by users -------------------------
    def test_users_cannot_write_what_a_job_posts(self):
        job = self.partner_a._accounting_enqueue_customer(self.connection)
        other = self.shared._accounting_enqueue_customer(self.connection)
        tampering = {
            "res_model": "res.partner", "res_id": self.partner_b.id, "connection_id": self.connection_b.id,
            "state": "failed", "request_body": '{"name": "x"}', "kind": "sales_invoice", "doc_key": "x",
            "reference": "CUST/OTHER", "chain": "other", "sequence": 1, "depends_on_id": other.id,
            "res_name": "x", "remote_id": "99", "attempts": 0, "error_message": "edited",
        }
        for user in (self.sync_user, self.manager):
            for field, value in tampering.items():
                with self.assertRaises(AccessError, msg="%s wrote %s" % (user.login, field)):
                    job.with_user(user).write({field: value})
            # a deleted line would let its document be queued and posted again
            with self.assertRaises(AccessError, msg="%s deleted a job" % user.login):
                job.with_user(user).unlink()
            with self.assertRaises(AccessError, msg="%s created a job" % user.login):
                self.env["accounting.sync.job"].with_user(user).create({
                    "connection_id": self.connection.id, "res_model": "res.partner", "res_id": self.partner_b.id,
                    "kind": "customer", "reference": "CUST/FORGED"})
        self.assertRecordValues(job, [{"res_id": self.partner_a.id, "connection_id": self.connection.id,
                                       "state": "pending", "request_body": False}])
        # what the screens offer still works, and reads stay open
        job.with_user(self.sync_user).action_cancel()
        self.assertEqual(job.state, "cancelled")
        job.with_user(self.sync_user).action_retry()
        self.assertEqual(job.state, "pending")
        self.assertEqual(job.with_user(self.sync_user).reference, "CUST/%s" % self.partner_a.id)

    # --- 2. the worker builds nothing of another company ---------------------
    def test_job_pointed_at_another_companys_partner_is_never_built(self):
        job = self.partner_a._accounting_enqueue_customer(self.connection)
        # a tampered row (only the engine can write it now): company A's job names B's partner
        job.sudo().write({"res_id": self.partner_b.id})
        with self.assertLogs("odoo.addons.pos_accounting_sync", level="WARNING"):
            self.run_worker()
        self.assertEqual(self.requests_made(), 0, "nothing may be sent for another company's record")
        self.assertRecordValues(job, [{"state": "failed", "error_kind": "data", "request_body": False}])
        as_user = job.with_user(self.sync_user)
        self.assertIn("does not belong to %s" % self.company_a.name, as_user.error_message)
        self.assert_nothing_of_b(as_user)
        self.assertFalse(self.sandbox_dump("customer") and [
            c for c in self.sandbox_dump("customer") if c.get("name") == SECRET_NAME])
        # Retry by the accountant rebuilds it: refused again, still nothing sent
        as_user.action_retry()
        with self.assertLogs("odoo.addons.pos_accounting_sync", level="WARNING"):
            self.run_worker()
        self.assertEqual(job.state, "failed")
        self.assertEqual(self.requests_made(), 0)

    def test_record_reaching_another_companys_partner_is_never_built(self):
        job = self.partner_a._accounting_enqueue_customer(self.connection)
        # company A's contact tied (by SQL: Odoo's forms would not) to B's partner
        self.env.cr.execute("UPDATE res_partner SET parent_id = %s WHERE id = %s",
                            [self.partner_b.id, self.partner_a.id])
        self.partner_a.invalidate_recordset(["parent_id"])
        with self.assertLogs("odoo.addons.pos_accounting_sync", level="WARNING"):
            self.run_worker()
        self.assertEqual(self.requests_made(), 0)
        self.assertEqual(job.state, "failed")
        message = job.with_user(self.sync_user).error_message
        self.assertIn(self.env["res.partner"]._fields["parent_id"].string, message)
        self.assert_nothing_of_b(job.with_user(self.sync_user))

    def test_shared_and_own_records_still_go_out(self):
        jobs = (self.partner_a | self.shared)._accounting_enqueue_customer(self.connection)
        self.run_worker()
        self.assertEqual(jobs.mapped("state"), ["done", "done"], jobs.mapped("error_message"))

    # --- 3. Retry and Cancel in a multi-company database ---------------------------
    def test_retry_and_cancel_touch_only_the_users_companys_jobs(self):
        job_a = self.shared._accounting_enqueue_customer(self.connection)
        job_b = self.shared._accounting_enqueue_customer(self.connection_b)
        (job_a | job_b).write({"state": "failed", "error_message": "Nope"})
        as_user = job_a.with_user(self.sync_user)
        # Retry on a customer retries its failed lines on every connection the user may read
        as_user.action_retry()
        self.assertEqual(job_a.state, "pending")
        self.assertEqual(job_b.state, "failed", "company B's line is not the company-A user's to retry")
        self.assertFalse(job_b.attempt_ids.filtered(lambda a: a.event == "retried"))
        as_user.action_cancel()
        self.assertEqual((job_a.state, job_b.state), ("cancelled", "failed"))
        with self.assertRaises(AccessError):
            job_b.with_user(self.sync_user).action_retry()
        self.assertEqual(job_b.state, "failed")

    # --- 4. every action checks its own group ---------------------------------
    def test_manager_actions_are_refused_to_a_sync_user(self):
        self.connection.paused_until = "2099-01-01 00:00:00"
        conn = self.connection.with_user(self.sync_user)
        for action in ("action_resume_sync", "action_test_connection", "action_fetch_remote_lists",
                       "action_check_mapping_health", "action_check_stock_parity", "action_enable_live_mode"):
            with self.assertRaises(AccessError, msg=action):
                getattr(conn, action)()
        self.assertTrue(self.connection.paused_until, "a Sync User resumed the sync")
        self.assertEqual(self.requests_made(), 0)
        # the administrator's own buttons work
        self.connection.with_user(self.manager).action_resume_sync()
        self.assertFalse(self.connection.paused_until)
        self.connection.state = "draft"
        self.connection.with_user(self.manager).action_test_connection()
        self.assertEqual(self.connection.state, "connected", self.connection.state_message)

    def test_every_action_of_the_addon_refuses_users_without_the_sync_groups(self):
        """Every ``action_*`` / ``button_*`` method the addon defines (not
        Odoo's own, which the addon only extends) refuses a user without
        the sync groups, before doing anything: a new unchecked action fails here."""
        checked = []
        for model_name in sorted(self.env.registry):
            cls = type(self.env[model_name])
            for name in sorted(dir(cls)):
                if not name.startswith(("action_", "button_")) or not callable(getattr(cls, name, None)):
                    continue
                owners = [k.__module__ for k in cls.__mro__ if name in vars(k)]
                if not owners or not all(m.startswith("odoo.addons.pos_accounting_sync.") for m in owners):
                    continue  # Odoo's own action (kept to Odoo's rights), or not ours
                method = getattr(self.env[model_name].with_user(self.plain_user).browse(), name)
                extra = [p for p in list(inspect.signature(method).parameters.values())
                         if p.default is inspect.Parameter.empty and p.kind == p.POSITIONAL_OR_KEYWORD]
                with self.assertRaises(AccessError, msg="%s.%s" % (model_name, name)):
                    method(*[None] * len(extra))
                checked.append("%s.%s" % (model_name, name))
        # the list covers the buttons the screens show
        for expected in ("accounting.sync.job.action_retry", "accounting.sync.job.action_cancel",
                         "accounting.connection.action_resume_sync", "res.partner.action_view_accounting_sync_jobs",
                         "accounting.payout.action_post", "pos.session.action_accounting_retry"):
            self.assertIn(expected, checked)

    def test_every_model_of_the_addon_has_a_company_rule(self):
        """Stored models of the addon (not wizards: Odoo shows a wizard only
        to its creator) each have a record rule, so no company reads another's rows."""
        data = self.env["ir.model.data"].search([("module", "=", "pos_accounting_sync"), ("model", "=", "ir.model")])
        models = self.env["ir.model"].browse(data.mapped("res_id"))
        own = [m for m in models if m.model in self.env and self.env[m.model]._original_module == "pos_accounting_sync"]
        self.assertIn("accounting.webhook.refusal", [m.model for m in own])
        missing = [m.model for m in own
                   if not self.env[m.model]._transient and not self.env[m.model]._abstract
                   and not self.env["ir.rule"].sudo().search_count([("model_id", "=", m.id)])]
        self.assertFalse(missing, "models without a company rule")

    def test_refusals_and_rate_limits_are_kept_to_their_company(self):
        Refusal = self.env["accounting.webhook.refusal"].sudo()
        mine = Refusal._count("10.0.0.1", "wrong token", self.connection)
        theirs = Refusal._count("10.0.0.2", "wrong token", self.connection_b)
        anonymous = Refusal._count("10.0.0.3", "unknown connection")
        manager_b = new_test_user(
            self.env, "trust_admin_b", groups="base.group_user,pos_accounting_sync.group_accounting_sync_manager",
            company_id=self.company_b.id, company_ids=[Command.set(self.company_b.ids)])
        seen = self.env["accounting.webhook.refusal"].with_user(self.manager).search([])
        self.assertIn(mine, seen)
        self.assertNotIn(theirs, seen)
        self.assertIn(anonymous, seen)
        self.assertNotIn(mine, self.env["accounting.webhook.refusal"].with_user(manager_b).search([]))
        with self.assertRaises(AccessError):
            self.env["accounting.webhook.refusal"].with_user(self.sync_user).search([])
        # a credential's shared window is recorded for the company of the connection that opened it
        limiter = self.connection._shared_limiter(self.connection._connection_config())
        self.assertEqual(limiter.company_id, self.company_a.id)
        Limit = self.env["accounting.rate.limit"]
        row_a = Limit.sudo().create({"key": "trust-a", "company_id": self.company_a.id})
        row_b = Limit.sudo().create({"key": "trust-b", "company_id": self.company_b.id})
        self.assertEqual(Limit.with_user(self.manager).search([("key", "like", "trust-")]), row_a)
        self.assertEqual(Limit.with_user(manager_b).search([("key", "like", "trust-")]), row_b)

    # --- 5. a connection that is not tested holds its jobs ---------------------------
    def test_jobs_of_an_untested_connection_wait_until_it_is_tested(self):
        job = self.partner_a._accounting_enqueue_customer(self.connection)
        # an administrator changes the credentials: the connection is "Not tested"
        self.connection.with_user(self.manager).write({"api_token": "aat.another-token"})
        self.assertEqual(self.connection.state, "draft")
        self.connection.with_user(self.manager).write({"api_token": self.sandbox.accurate_config().api_token})
        self.assertEqual(self.connection.state, "draft")
        self.assertEqual(self.run_worker(), 0)
        self.assertEqual(self.requests_made(), 0, "a connection not tested received a request")
        self.assertRecordValues(job, [{"state": "pending", "attempts": 0}])
        note = job.with_user(self.sync_user).next_attempt_note
        self.assertIn("not tested", note)
        self.connection.with_user(self.manager).action_test_connection()
        self.assertEqual(self.connection.state, "connected", self.connection.state_message)
        self.run_worker()
        self.assertEqual(job.state, "done", job.error_message)
        self.assertTrue(job.remote_id)
        self.assertIn("Pelanggan A", [c.get("name") for c in self.sandbox_dump("customer")])
        self.assertFalse(job.with_user(self.sync_user).next_attempt_note)

    # --- 6. one connection's failure does not stop the others ---------------------
    def test_an_unexpected_error_on_one_connection_leaves_the_others_running(self):
        broken = self.shared._accounting_enqueue_customer(self.connection_b)
        fine = self.partner_a._accounting_enqueue_customer(self.connection)
        broken.sudo().write({"next_attempt_at": "2000-01-01 00:00:00"})  # claimed first
        Connection = type(self.env["accounting.connection"])
        original = Connection._get_client
        company_b = self.company_b

        def get_client(conn, *args, **kwargs):
            if conn.company_id == company_b:
                raise RuntimeError("broken setup of B")
            return original(conn, *args, **kwargs)

        self.patch(Connection, "_get_client", get_client)
        with self.assertLogs("odoo.addons.pos_accounting_sync", level="ERROR"):
            self.run_worker()
        self.assertEqual(fine.state, "done", fine.error_message)
        self.assertRecordValues(broken, [{"state": "pending", "attempts": 0}])
        self.assertIn("broken setup of B", broken.error_message)

    def test_a_user_error_is_not_an_access_error(self):
        """A Sync User's Retry on a line that cannot be retried says why (the
        check lets them in)."""
        job = self.partner_a._accounting_enqueue_customer(self.connection)
        job.write({"state": "done"})
        with self.assertRaises(UserError) as caught:
            job.with_user(self.sync_user).action_retry()
        self.assertNotIsInstance(caught.exception, AccessError)
        self.assertIn("can be retried", str(caught.exception))
