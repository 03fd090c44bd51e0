"""Every object button of the addon's views, pressed as the user who sees it.

Each test presses one button as a Sync User (or Manager, where the view
says so) on a record that shows it, and checks what that user then sees:
the records the opened list holds (its domain searched as that user), the
form it opens, the flag it sets, the record's state after. The last class
reads every view of the module and fails when a view gets an object button
that is not a method of its model or that no test of the module presses.
"""

import re
from pathlib import Path
from unittest.mock import patch

import requests
from lxml import etree

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import AccountingSyncCase, TagDocumentsMixin
from .pos_sync_common import PosSyncCase

USER_GROUPS = "base.group_user,pos_accounting_sync.group_accounting_sync_user"
MANAGER_GROUPS = "base.group_user,pos_accounting_sync.group_accounting_sync_manager"


class ButtonsMixin:

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a shop's accountant: sync user who also sees the shop and its stock
        cls.sync_user = new_test_user(
            cls.env, "buttons_sync_user",
            groups=USER_GROUPS + ",point_of_sale.group_pos_user,stock.group_stock_user")
        cls.sync_manager = new_test_user(cls.env, "buttons_sync_manager", groups=MANAGER_GROUPS)

    def seen(self, action, user):
        """The records the window ``action`` shows to ``user``."""
        self.assertEqual(action["type"], "ir.actions.act_window")
        Model = self.env[action["res_model"]].with_user(user)
        if action.get("res_id"):
            return Model.browse(action["res_id"]).exists()
        return Model.search(action.get("domain") or [])


@tagged("post_install", "-at_install")
class TestButtons(ButtonsMixin, TagDocumentsMixin, AccountingSyncCase):
    """Buttons on records that need no POS shift."""

    def job(self, reference="BTN-1"):
        return self.env["accounting.sync.job"]._enqueue(self.connection, "customer", self.tag, reference)

    def test_sync_job_clear_remote_change(self):
        job = self.job()
        job.sudo().write({"state": "done", "remote_change": "edited", "remote_change_at": fields.Datetime.now(),
                          "remote_change_note": "total changed"})
        self.assertTrue(job.with_user(self.sync_user).action_clear_remote_change())
        job.invalidate_recordset()
        self.assertFalse(job.remote_change)
        self.assertFalse(job.remote_change_note)
        self.assertFalse(self.env["accounting.sync.job"].with_user(self.sync_user).search(
            [("id", "=", job.id), ("remote_change", "!=", False)]))

    def test_sync_job_open_source(self):
        job = self.job()
        action = job.with_user(self.sync_user).action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner.category", self.tag.id))
        self.assertEqual(action["views"], [(False, "form")])
        self.assertEqual(self.seen(action, self.sync_user), self.tag)

    def test_payout_open_job(self):
        job = self.job("PAYOUT/BTN")
        payment_map = self.env["accounting.payment.map"].create({
            "connection_id": self.connection.id, "remote_account": self.codes["bank"],
            "payment_method_id": self.env["pos.payment.method"].create({"name": "Card BTN"}).id})
        # what the shifts put in the clearing account is not this test's subject
        with patch.object(type(payment_map), "_clearing_available", lambda self, exclude=None: 10 ** 9):
            payout = self.env["accounting.payout"].create({
                "connection_id": self.connection.id, "payment_map_id": payment_map.id, "gross_amount": 100000})
        payout.sudo().job_id = job
        action = payout.with_user(self.sync_user).action_open_job()
        self.assertEqual((action["res_model"], action["views"]), ("accounting.sync.job", [(False, "form")]))
        self.assertEqual(self.seen(action, self.sync_user), job)

    def test_backfill_view_items(self):
        backfill = self.env["accounting.backfill"].create({
            "connection_id": self.connection.id, "date_from": fields.Date.today()})
        other = self.env["accounting.backfill"].create({
            "connection_id": self.connection.id, "date_from": fields.Date.today()})
        Item = self.env["accounting.backfill.item"]
        items = Item.create([{"backfill_id": backfill.id, "res_model": "res.partner.category", "res_id": self.tag.id,
                              "name": "item %s" % i, "sequence": i} for i in range(3)])
        Item.create({"backfill_id": other.id, "res_model": "res.partner.category", "res_id": self.tag.id})
        backfill.total_count = 3
        action = backfill.with_user(self.sync_user).action_view_items()
        self.assertEqual(action["res_model"], "accounting.backfill.item")
        self.assertEqual(self.seen(action, self.sync_user), items)

    def test_stock_parity_view_jobs(self):
        jobs = self.job("PARITY-1") | self.job("PARITY-2")
        self.job("PARITY-OTHER")
        product = self.env["product.product"].create({"name": "Parity item", "is_storable": True})
        parity = self.env["accounting.stock.parity"].create({
            "connection_id": self.connection.id, "product_id": product.id, "remote_warehouse": "Gudang Utama",
            "odoo_quantity": 5, "remote_quantity": 4, "difference": -1, "job_ids": [Command.set(jobs.ids)]})
        action = parity.with_user(self.sync_user).action_view_jobs()
        self.assertEqual(action["res_model"], "accounting.sync.job")
        self.assertFalse(action["context"].get("create", True))
        self.assertEqual(self.seen(action, self.sync_user), jobs)

    def health_row(self, jobs):
        return self.env["accounting.mapping.health"].create({
            "connection_id": self.connection.id, "category": "account", "problem": "missing_remote",
            "message": "Account 9999 is gone", "job_ids": [Command.set(jobs.ids)]})

    def test_mapping_health_view_jobs(self):
        jobs = self.job("HEALTH-1")
        self.job("HEALTH-OTHER")
        row = self.health_row(jobs)
        action = row.with_user(self.sync_user).action_view_jobs()
        self.assertEqual(action["res_model"], "accounting.sync.job")
        self.assertEqual(self.seen(action, self.sync_user), jobs)

    def test_connection_view_mapping_health(self):
        row = self.health_row(self.job("HEALTH-2"))
        other = self.connections["jurnal" if self.provider == "accurate" else "accurate"]
        self.env["accounting.mapping.health"].create({
            "connection_id": other.id, "category": "account", "problem": "missing_remote", "message": "elsewhere"})
        connection = self.connection.with_user(self.sync_user)
        self.assertEqual(connection.health_count, 1)  # the stat button shows
        action = connection.action_view_mapping_health()
        self.assertEqual(action["res_model"], "accounting.mapping.health")
        self.assertEqual(self.seen(action, self.sync_user), row)

    def inbound(self, state="failed", delivery=None):
        return self.env["accounting.inbound.event"].create({
            "connection_id": self.connection.id, "source": "webhook", "state": state,
            "event_type": "PURCHASE_INVOICE", "delivery_id": delivery and delivery.id})

    def picking(self, event):
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "incoming"), ("company_id", "=", self.env.company.id)], limit=1)
        return self.env["stock.picking"].create({
            "picking_type_id": picking_type.id, "location_id": picking_type.default_location_src_id.id
            or self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": picking_type.default_location_dest_id.id,
            "accounting_inbound_event_id": event.id})

    def test_inbound_event_and_delivery_view_pickings(self):
        delivery = self.env["accounting.webhook.event"].create({"connection_id": self.connection.id})
        event = self.inbound("done", delivery)
        pickings = self.picking(event) | self.picking(event)
        self.picking(self.inbound("done"))  # another event's receipt
        action = event.with_user(self.sync_user).action_view_pickings()
        self.assertEqual(action["res_model"], "stock.picking")
        self.assertEqual(self.seen(action, self.sync_user), pickings)
        action = delivery.with_user(self.sync_user).action_view_pickings()
        self.assertEqual(action["res_model"], "stock.picking")
        self.assertFalse(action["context"]["create"])
        self.assertEqual(self.seen(action, self.sync_user), pickings)

    def test_connection_view_webhook_log(self):
        failed = self.inbound("failed")
        done = self.inbound("done")
        connection = self.connection.with_user(self.sync_user)
        self.assertEqual(connection.inbound_failed_count, 1)  # the stat button's figure
        action = connection.action_view_webhook_log()
        self.assertEqual(action["res_model"], "accounting.inbound.event")
        self.assertEqual(action["context"], {"search_default_filter_failed": 1})
        self.assertEqual(self.seen(action, self.sync_user), failed | done)
        # the default filter the list opens with shows the failed one only
        views = self.env["accounting.inbound.event"].with_user(self.sync_user).get_views([(False, "search")])
        node = etree.fromstring(views["views"]["search"]["arch"]).xpath("//filter[@name='filter_failed']")
        self.assertTrue(node)
        domain = safe_eval(node[0].get("domain"))
        self.assertEqual(self.seen(dict(action, domain=action["domain"] + domain), self.sync_user), failed)


@tagged("post_install", "-at_install")
class TestButtonsReconciliation(ButtonsMixin, PosSyncCase):
    """The reconciliation's buttons, over a shift the worker posted."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("pos_accounting_sync.remote_change_grace_seconds", "0")
        self.session = self.standard_shift()
        self.close_from_ui(self.session)
        self.run_worker()
        self.jobs = self.jobs_of(self.session)
        self.assertEqual(set(self.jobs.mapped("state")), {"done"}, self.jobs.mapped("error_message"))

    def report(self):
        action = self.connection.with_user(self.sync_user).action_view_reconciliation()
        self.assertEqual(action["res_model"], "accounting.reconciliation.line")
        self.assertEqual(action["context"].get("search_default_differences"), 1)
        return action, self.seen(action, self.sync_user)

    def sales(self, lines):
        sales = lines.filtered(lambda l: l.measure == "sales")
        self.assertEqual(len(sales), 1)
        return sales

    def test_connection_view_reconciliation(self):
        _action, lines = self.report()
        self.assertEqual(lines.connection_id, self.connection)
        sales = self.sales(lines)
        self.assertEqual((sales.odoo_value, sales.remote_value), (130980.0, 130980.0))
        self.assertFalse(lines.filtered("is_difference"))

    def test_line_view_jobs_and_sessions(self):
        sales = self.sales(self.report()[1])
        action = sales.action_view_jobs()
        self.assertEqual(action["res_model"], "accounting.sync.job")
        self.assertTrue(self.seen(action, self.sync_user))
        self.assertEqual(self.seen(action, self.sync_user), sales.job_ids)
        self.assertTrue(sales.job_ids <= self.jobs)
        action = sales.action_view_sessions()
        self.assertEqual(action["res_model"], "pos.session")
        self.assertEqual(self.seen(action, self.sync_user), self.session)

    def test_line_read_again(self):
        """*Read again* reads the day from the accounting system again: an
        invoice a person deleted there shows as a difference."""
        action, lines = self.report()
        sales = self.sales(lines)
        invoice = "%s/INV" % self.session._accounting_chain()  # the walk-in sales, 81,030
        self.assertIn(invoice, sales.remote_refs)
        answer = requests.post("%s/_sandbox/sales/%s/delete" % (self.sandbox.url, self.provider),
                               json={"kind": "sales_invoice", "reference": invoice}, timeout=5)
        self.assertEqual(answer.status_code, 200, answer.text)
        result = sales.action_refresh()
        self.assertEqual(result, {"type": "ir.actions.client", "tag": "soft_reload"})
        sales = self.sales(self.seen(action, self.sync_user))
        self.assertTrue(sales.is_difference)
        self.assertEqual(sales.odoo_value, 130980.0)
        self.assertEqual(sales.remote_value, 130980.0 - 81030.0)


@tagged("post_install", "-at_install")
class TestButtonsPressed(TransactionCase):
    """Every ``<button type="object">`` of the module's views is a method of
    the view's model and is pressed by a test (or a tour) of the module."""

    def test_every_object_button_is_a_method_and_pressed(self):
        module_dir = Path(__file__).resolve().parents[1]
        texts = [p.read_text(encoding="utf-8") for p in (module_dir / "tests").glob("*.py")
                 if p.name != Path(__file__).name]
        texts += [p.read_text(encoding="utf-8") for p in (module_dir / "static" / "tests").rglob("*.js")]
        own = Path(__file__).read_text(encoding="utf-8").split("class TestButtonsPressed")[0]
        texts.append(own)
        view_ids = self.env["ir.model.data"].search(
            [("module", "=", "pos_accounting_sync"), ("model", "=", "ir.ui.view")]).mapped("res_id")
        views = self.env["ir.ui.view"].browse(view_ids).filtered(lambda v: v.type in ("form", "list", "kanban"))
        self.assertTrue(views)
        buttons = set()
        for view in views:
            for node in etree.fromstring(view.arch_db).iter("button"):
                if node.get("type") == "object":
                    buttons.add((view.model, node.get("name"), view.xml_id))
        self.assertGreater(len(buttons), 30)
        not_methods = sorted(b for b in buttons if not callable(getattr(self.env[b[0]], b[1], None)))
        self.assertFalse(not_methods, "object buttons that are no method of their model")
        # pressed: called as a method (``.name(``) in a test, or named by a tour
        pressed = re.compile(r"\.%s\(|name=[\\'\"]*%s\b")
        unpressed = sorted({(model, name) for model, name, _xml_id in buttons
                            if not any(re.search(pressed.pattern % (name, name), text) for text in texts)})
        self.assertFalse(unpressed, "object buttons no test presses: write one (see test_buttons.py)")
