"""Buttons and labels a user reads (issue #13): stat buttons with a count
and a label, one Accounting button on a product, proper field labels,
Product Validation from the menu with editable rows and a true "sent"
status, and a webhook log in words."""

import re

from accounting_connectors.client import WebhookEvent

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .pos_sync_common import PosSyncCase

#: words Odoo's label-from-field-name would spell wrongly
ACRONYMS = {"Api", "Url", "Id", "Ids", "Sku", "Pos", "Ppn", "Mdr", "Http", "Json", "Oauth", "Hmac", "Db", "Uom"}


def arch_of(env, model, view_type):
    return env[model].get_views([(False, view_type)])["views"][view_type]["arch"]


@tagged("post_install", "-at_install")
class TestLabels(TransactionCase):

    def test_no_field_of_the_module_has_a_made_up_label(self):
        wrong = []
        for model_name in self.env.registry.models:
            Model = self.env[model_name]
            for name, field in Model._fields.items():
                if "pos_accounting_sync" not in (getattr(field, "_modules", None) or ()):
                    continue
                words = set(re.findall(r"[A-Za-z]+", field.string or ""))
                if words & ACRONYMS or (name == "state" and field.string == "State"):
                    wrong.append("%s.%s: %s" % (model_name, name, field.string))
        self.assertFalse(wrong, "labels derived from field names")
        Connection = self.env["accounting.connection"]
        self.assertEqual(Connection._fields["api_token"].string, "API Token")
        self.assertEqual(Connection._fields["webhook_url"].string, "Webhook URL")
        self.assertEqual(Connection._fields["state"].string, "Status")
        self.assertEqual(self.env["accounting.sync.job"]._fields["remote_id"].string, "Remote ID")
        self.assertTrue(Connection._fields["api_token"].groups, "a label change keeps the field manager-only")

    def test_webhook_log_reads_event_names_and_explains_itself_when_empty(self):
        Connection = self.env["accounting.connection"]
        connection = Connection.search([], limit=1) or Connection.create({
            "name": "Webhook words", "provider": "accurate", "auth_method": "api_token",
            "base_url": "http://127.0.0.1:9", "sandbox": True, "api_token": "aat.words", "signature_secret": "words"})
        parsed = [WebhookEvent(uuid="u-1", type="PURCHASE_INVOICE", database_id="1", action="WRITE",
                               remote_id="11", number="PI.1"),
                  WebhookEvent(uuid="u-2", type="PURCHASE_RETURN", database_id="1", action="WRITE",
                               remote_id="12", number="PR.1")]
        delivery = self.env["accounting.webhook.event"]._store_delivery(connection, "[]", parsed)
        self.assertEqual(delivery.event_names, "Purchase invoice, Purchase return")
        names = sorted(delivery.inbound_event_ids.mapped("event_name"))
        self.assertEqual(names, ["Purchase invoice", "Purchase return"])
        listing = arch_of(self.env, "accounting.webhook.event", "list")
        self.assertIn('name="event_names"', listing)
        help_text = self.env.ref("pos_accounting_sync.action_accounting_webhook_event").help
        self.assertIn("Webhook URL", help_text)
        self.assertIn("Jurnal</b> has no purchase webhook", help_text)


@tagged("post_install", "-at_install")
class TestLogButtons(PosSyncCase):

    def test_session_button_counts_the_worst_documents_and_names_them(self):
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.sell([(self.roti, 1)], payments=[(self.bank_pm1, 16650)])
        self.close_from_ui(session)
        jobs = self.jobs_of(session)
        self.assertGreaterEqual(len(jobs), 3)
        session.invalidate_recordset()
        self.assertEqual(session.accounting_sync_summary, "%s Pending" % len(jobs))
        jobs[:2].sudo().write({"state": "failed"})
        session.invalidate_recordset()
        self.assertEqual(session.accounting_sync_summary, "2 Failed")
        form = arch_of(self.env, "pos.session", "form")
        button = re.search(r'<button name="action_view_accounting_sync_jobs".*?</button>', form, re.S).group(0)
        self.assertIn('class="o_stat_value"', button)
        self.assertIn('name="accounting_sync_summary"', button)
        self.assertNotIn("statinfo", button)

    def test_product_form_has_one_accounting_button(self):
        for model in ("product.product", "product.template"):
            form = arch_of(self.env, model, "form")
            self.assertEqual(form.count('name="action_view_accounting_sync_jobs"'), 1, model)
        self.env["accounting.sync.job"]._enqueue(self.connection, "item", self.kopi, "KOPI-01")
        self.assertEqual(self.kopi.product_tmpl_id.accounting_sync_summary, "1 Pending")

    # --- product validation -------------------------------------------------------------
    def test_product_validation_from_menu_with_editable_rows(self):
        menu = self.env.ref("pos_accounting_sync.menu_accounting_product_validation")
        action = menu.action.run()
        self.assertEqual(action["res_model"], "accounting.product.validation")
        wizard = self.env["accounting.product.validation"].browse(action["res_id"])
        self.assertEqual(wizard.connection_id, self.connection)
        form = arch_of(self.env, "accounting.product.validation", "form")
        for name in ("missing_sku_ids", "duplicate_sku_ids", "to_push_ids"):
            self.assertFalse(wizard._fields[name].readonly, name)
            self.assertNotRegex(form, r'<field name="%s"[^>]*readonly="(1|True)"' % name)

    def test_product_sent_after_its_sku_was_fixed_is_not_listed_as_unsent(self):
        es_teh = self.create_product("Es Teh", self.categ_basic, 5000.0)
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.sell([(es_teh, 1)], payments=[(self.cash_pm1, 5000)])
        self.close_from_ui(session)
        self.run_worker()
        item_job = self.jobs_of(es_teh)
        self.assertEqual(item_job.state, "failed", "no SKU yet")
        # the accountant gives it a SKU and retries the failed line
        es_teh.default_code = "ES-TEH"
        item_job.action_retry()
        self.run_worker()
        self.assertEqual(item_job.state, "done", item_job.error_message)
        self.assertIn("ES-TEH", self.sandbox_references("item"))
        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        self.assertIn(es_teh, wizard.valid_ids)
        self.assertNotIn(es_teh, wizard.to_push_ids, "it was sent")
        self.assertNotIn(self.kopi, wizard.to_push_ids)

    def test_sent_on_another_connection_is_not_sent_here(self):
        other = self.connections["jurnal" if self.provider == "accurate" else "accurate"]
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16650)])
        job = self.env["accounting.sync.job"]._enqueue(other, "item", self.roti, "ROTI-01")
        job.sudo().write({"state": "done"})
        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        self.assertIn(self.roti, wizard.to_push_ids, "sent to the other connection only")
        self.assertEqual(session.state, "opened")


@tagged("post_install", "-at_install")
class TestLogButtonsJurnal(TestLogButtons):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestScreens(PosSyncCase):
    """Pickers that offer only what fits, the reconciliation's columns, the
    grouped menu, chatter on the log and the payouts, labels without
    "Choice" (issue #22, item 7)."""

    def test_outlet_and_method_pickers_offer_only_what_is_free(self):
        other = self.connections["jurnal" if self.provider == "accurate" else "accurate"]
        other.action_unarchive()
        spare = self.config.copy({"name": "Outlet Kedua"})
        new_outlet = self.env["accounting.outlet.map"].new({"connection_id": other.id})
        self.assertNotIn(self.config, new_outlet.free_pos_config_ids._origin, "it syncs to an active connection")
        self.assertIn(spare, new_outlet.free_pos_config_ids._origin)
        mapped = self.connection.outlet_map_ids
        self.assertIn(self.config, mapped.free_pos_config_ids, "a row keeps its own outlet")
        # once the mapping stops syncing, the outlet may go to the other connection
        mapped.active = False
        self.assertIn(self.config, self.env["accounting.outlet.map"].new(
            {"connection_id": other.id}).free_pos_config_ids._origin)
        new_method = self.env["accounting.payment.map"].new({"connection_id": self.connection.id})
        self.assertNotIn(self.cash_pm1, new_method.free_payment_method_ids._origin, "already mapped here")
        self.assertIn(self.cash_pm1, self.env["accounting.payment.map"].new(
            {"connection_id": other.id}).free_payment_method_ids._origin)
        form = arch_of(self.env, "accounting.connection", "form")
        self.assertIn("domain=\"[('id', 'in', free_pos_config_ids)]\"", form)
        self.assertIn("domain=\"[('id', 'in', free_payment_method_ids)]\"", form)

    def test_payout_bank_picker_offers_cash_and_bank_accounts_only(self):
        self.connection.action_fetch_remote_lists()
        Option = self.env["accounting.remote.option"]
        accounts = Option.search([("connection_id", "=", self.connection.id), ("option_type", "=", "account")])
        self.assertGreater(len(set(accounts.mapped("account_group"))), 2, "the sandbox lists several kinds")
        for model, view in (("accounting.payment.map", "list"), ("accounting.connection", "form")):
            arch = arch_of(self.env, model, view)
            field = re.search(r'<field name="payout_account_option_id"[^>]*>', arch).group(0)
            domain = safe_eval(re.search(r'domain="([^"]*)"', field).group(1).replace("&apos;", "'"),
                               {"connection_id": self.connection.id})
            offered = Option.search(domain)
            self.assertTrue(offered, model)
            self.assertEqual(set(offered.mapped("account_group")), {"cash_bank"}, model)

    def test_payout_methods_hide_archived_connections(self):
        other = self.connections["jurnal" if self.provider == "accurate" else "accurate"]
        other.action_unarchive()
        elsewhere = self.env["accounting.payment.map"].create(
            {"connection_id": other.id, "payment_method_id": self.bank_pm1.id, "remote_account": "1-10001"})
        action = self.env.ref("pos_accounting_sync.action_accounting_payment_map_payout")
        domain = safe_eval(action.domain)
        self.assertIn(elsewhere, self.env["accounting.payment.map"].search(domain))
        other.action_archive()
        shown = self.env["accounting.payment.map"].search(domain)
        self.assertNotIn(elsewhere, shown)
        self.assertIn(self.connection.payment_map_ids[:1], shown)

    def test_reconciliation_shows_connection_and_when_checked_and_hides_archived(self):
        other = self.connections["jurnal" if self.provider == "accurate" else "accurate"]
        Line = self.env["accounting.reconciliation.line"].sudo()
        rows = Line.create([{"connection_id": conn.id, "date": "2026-01-05", "measure": "money",
                             "subject": conn.name, "odoo_value": 1, "remote_value": 2, "difference": 1,
                             "is_difference": True, "checked_at": "2026-01-06 01:00:00"}
                            for conn in (self.connection, other)])
        self.assertFalse(other.active)
        action = self.env.ref("pos_accounting_sync.action_accounting_reconciliation_line")
        self.assertTrue(safe_eval(action.context)["search_default_filter_active_connection"])
        search = arch_of(self.env, "accounting.reconciliation.line", "search")
        active_filter = re.search(r'<filter name="filter_active_connection"[^>]*domain="([^"]*)"', search).group(1)
        shown = Line.search(safe_eval(active_filter.replace("&apos;", "'")) + [("id", "in", rows.ids)])
        self.assertEqual(shown.connection_id, self.connection)
        listing = arch_of(self.env, "accounting.reconciliation.line", "list")
        self.assertRegex(listing, r'<field name="connection_id" optional="show"')
        self.assertRegex(listing, r'<field name="checked_at"[^>]*optional="show"')

    def test_menu_is_grouped(self):
        root = self.env.ref("pos_accounting_sync.menu_accounting_sync_root")
        groups = self.env["ir.ui.menu"].search([("parent_id", "=", root.id)])
        self.assertLessEqual(len(groups), 5)
        self.assertFalse(groups.filtered("action"), "the first level only groups")
        self.assertEqual(self.env.ref("pos_accounting_sync.menu_accounting_sync_job").parent_id.name, "Operations")
        self.assertEqual(self.env.ref("pos_accounting_sync.menu_accounting_connection").parent_id.name,
                         "Configuration")
        for group in groups:
            self.assertTrue(self.env["ir.ui.menu"].search_count([("parent_id", "=", group.id)]), group.name)

    def test_sync_log_and_payouts_have_chatter_tracking_the_status(self):
        for model in ("accounting.sync.job", "accounting.payout"):
            self.assertIn("mail.thread", self.env[model]._inherit, model)
            self.assertTrue(self.env[model]._fields["state"].tracking, model)
            self.assertIn("<chatter", arch_of(self.env, model, "form"), model)
        job = self.env["accounting.sync.job"]._enqueue(self.connection, "item", self.kopi, "KOPI-01")
        self.assertFalse(job.message_ids, "no message per queued line")
        # the test classes of Odoo's POS switch tracking off: on, as in production
        job.with_context(tracking_disable=False, mail_notrack=False).action_cancel()
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written when the transaction commits
        tracked = job.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(tracked[:1].new_value_char, "Cancelled")

    def test_no_label_ends_in_choice(self):
        wrong = ["%s.%s" % (name, fname) for name in self.env.registry.models
                 for fname, field in self.env[name]._fields.items()
                 if "pos_accounting_sync" in (getattr(field, "_modules", None) or ())
                 and (field.string or "").endswith("Choice")]
        self.assertFalse(wrong)
        self.assertEqual(self.env["accounting.connection"]._fields["sales_account_option_id"].string,
                         "Sales Account (from List)")

    # --- Indonesian readers read no English -------------------------------------------------
    def assert_no_english(self, en, id_, values=()):
        """``id_`` (the Indonesian rendering) keeps none of the English words of
        ``en`` but the values the sentence names."""
        self.assertTrue(en and id_)
        self.assertNotEqual(en, id_)
        # words Indonesian uses as they are, and the names the sentence quotes
        named = " ".join(list(values) + ["bank outlet online sandbox jurnal accurate internal"]).lower()
        english = {w for w in re.findall(r"[a-z]{4,}", en.lower()) if w not in named}
        left = {w for w in re.findall(r"[a-z]{4,}", id_.lower()) if w in english}
        self.assertFalse(left, "English left in %r (from %r)" % (id_, en))

    def test_reconciliation_reasons_and_health_texts_read_in_indonesian(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"].search([("name", "=", "pos_accounting_sync")])._update_translations(["id_ID"])
        # a mapping check that finds an unmapped tax and an account the outlets need
        tax = self.env["account.tax"].create({"name": "PB1 10%", "amount": 10, "amount_type": "percent",
                                              "type_tax_use": "sale", "company_id": self.env.company.id})
        self.create_product("Nasi Goreng", self.categ_basic, 30000.0, tax_ids=[tax.id])
        self.config.write({"cash_rounding": True, "rounding_method": self.env["account.cash.rounding"].create(
            {"name": "Rp 100", "rounding": 100, "rounding_method": "HALF-UP"}).id})
        self.connection.rounding_account = False
        self.connection.action_check_mapping_health()
        rows = self.env["accounting.mapping.health"].search([("connection_id", "=", self.connection.id)])
        self.assertTrue(rows.filtered(lambda r: tax.name in r.message), rows.mapped("message"))
        self.assertTrue(rows.filtered(lambda r: r.field_name == "rounding_account"), rows.mapped("message"))
        for row in rows:
            self.assert_no_english(row.with_context(lang="en_US").message_text,
                                   row.with_context(lang="id_ID").message_text,
                                   [tax.name, self.connection.display_name, row.res_name or ""]
                                   + self.config.mapped("display_name") + self.config.payment_method_ids.mapped("name")
                                   # products the sentence names (demo data's English names)
                                   + self.env["product.product"].search([("available_in_pos", "=", True)]).mapped(
                                       "display_name"))
        # the reconciliation's causes, as codes
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        jobs = self.jobs_of(session)
        Line = self.env["accounting.reconciliation.line"]
        for cause_jobs, unposted in ((jobs, session.browse()), (jobs.browse(), session)):
            cause, stored = Line._reconciliation_cause(self.connection, cause_jobs, [], None, unposted)
            self.assertEqual(cause, "not_posted")
            line = Line.sudo().create({"connection_id": self.connection.id, "date": "2026-01-05",
                                       "measure": "sales", "is_difference": True, "cause": cause,
                                       "cause_message": stored})
            self.assert_no_english(line.with_context(lang="en_US").cause_note,
                                   line.with_context(lang="id_ID").cause_note,
                                   jobs.mapped("reference") + [session.name])
        jobs[:1].sudo()._set_failed({"error_note": False, "error_code": "job.nothing_to_send",
                                     "error_args": {"name": "X"}})
        cause, stored = Line._reconciliation_cause(self.connection, jobs, [], None, session.browse())
        self.assertEqual(cause, "failed")
        line = Line.sudo().create({"connection_id": self.connection.id, "date": "2026-01-05", "measure": "sales",
                                   "is_difference": True, "cause": cause, "cause_message": stored})
        self.assertIn(jobs[:1].reference, line.with_context(lang="id_ID").cause_note)
        # the list shows one line a row: the first sentence, and how many more
        note = line.cause_note.splitlines()
        self.assertTrue(line.cause_summary.startswith(note[0]))
        if len(note) > 1:
            self.assertIn("(and %s more)" % (len(note) - 1), line.cause_summary)
        self.assert_no_english(line.with_context(lang="en_US").cause_note,
                               line.with_context(lang="id_ID").cause_note, jobs.mapped("reference") + ["X"])

    # --- the dry run and Post the past read in words --------------------------------------------
    def test_dry_run_reads_labels_and_post_the_past_says_why_a_record_failed(self):
        Line = self.env["accounting.dry.run.line"]
        self.assertEqual(Line._fields["kind"].type, "selection")
        self.assertEqual(dict(Line._fields["kind"]._description_selection(self.env))["sales_invoice"],
                         "Sales Invoice")
        self.assertEqual(dict(Line._fields["log_state"]._description_selection(self.env))["done"], "Done")
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.close_from_ui(session)
        action = self.env["accounting.dry.run"].action_open(session)
        wizard = self.env["accounting.dry.run"].browse(action["res_id"])
        self.assertIn("sales_invoice", wizard.line_ids.mapped("kind"))
        # Post the past: a record whose document failed says why; no Stop before it starts
        backfill = self.env["accounting.backfill"].create({"connection_id": self.connection.id,
                                                           "date_from": "2026-01-01"})
        form = arch_of(self.env, "accounting.backfill", "form")
        stop = re.search(r'<button name="action_cancel"[^>]*>', form).group(0)
        self.assertIn("invisible=\"state != 'running'\"", stop)
        job = self.jobs_of(session)[:1]
        job.sudo()._set_failed({"error_code": "job.nothing_to_send", "error_args": {"name": "Toko"}})
        item = self.env["accounting.backfill.item"].sudo().create({
            "backfill_id": backfill.id, "res_model": "pos.session", "res_id": session.id, "name": session.name,
            "state": "failed", "job_ids": [(6, 0, job.ids)]})
        self.assertIn("Toko has nothing to send.", item.reason)
        self.assertIn(job.reference, item.reason)
        self.assertIn('name="reason"', arch_of(self.env, "accounting.backfill.item", "list"))

    def test_tax_picker_offers_remote_taxes_of_the_same_rate(self):
        self.connection.action_fetch_remote_lists()
        Option = self.env["accounting.remote.option"]
        taxes = Option.search([("connection_id", "=", self.connection.id), ("option_type", "=", "tax")])
        self.assertGreater(len(set(taxes.mapped("rate"))), 1, "the sandbox lists 11% and 12%")
        arch = arch_of(self.env, "accounting.connection", "form")
        field = re.search(r'<field name="remote_tax_option_id"[^>]*>', arch).group(0)
        domain = re.search(r'domain="([^"]*)"', field).group(1)
        domain = domain.replace("&apos;", "'").replace("&gt;", ">").replace("&lt;", "<")
        tax_map = self.connection.tax_map_ids[:1]

        def offered():
            return Option.search(safe_eval(domain, {
                "connection_id": self.connection.id, "picker_rate_min": tax_map.picker_rate_min,
                "picker_rate_max": tax_map.picker_rate_max}))
        self.assertTrue(offered())
        self.assertEqual(set(offered().mapped("rate")), {tax_map.tax_id.amount})
        # PPN at DPP 11/12: the remote PPN record is the higher rate (12% for an 11% Odoo tax)
        tax_map.treatment = "ppn_dpp"
        self.assertTrue(offered())
        self.assertTrue(all(rate > tax_map.tax_id.amount for rate in offered().mapped("rate")))
