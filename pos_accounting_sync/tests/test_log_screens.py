"""Buttons and labels a user reads (issue #13): stat buttons with a count
and a label, one Accounting button on a product, proper field labels,
Product Validation from the menu with editable rows and a true "sent"
status, and a webhook log in words."""

import re

from accounting_connectors.client import WebhookEvent

from odoo.tests import TransactionCase, tagged

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
