"""Purchases entered in the sandbox's Accurate/Jurnal, received by Odoo."""

import json
import time
import uuid

import requests

from odoo import fields

from .common import AccountingSyncCase

DATABASE_ID = "96400"  # the sandbox's Accurate database


class InboundCase(AccountingSyncCase):
    """Two stored products (AD23 Kopi, BX10 Gula) known on both sides; the
    remote main warehouse is mapped to Odoo's main warehouse and the
    second one ("Cabang" on Accurate) to a second warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.kopi = Product.create({"name": "Kopi Bubuk", "default_code": "AD23", "is_storable": True,
                                   "type": "consu"})
        cls.gula = Product.create({"name": "Gula Pasir", "default_code": "BX10", "is_storable": True,
                                   "type": "consu"})
        cls.wh_main = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.wh_branch = cls.env["stock.warehouse"].create({"name": "Cabang Depok", "code": "CDP"})
        remote_main = "Utama" if cls.provider == "accurate" else "Gudang Utama"
        cls.connection.write({
            "database_id": DATABASE_ID if cls.provider == "accurate" else False,
            "warehouse_map_ids": [(0, 0, {"warehouse_id": cls.wh_main.id, "remote_warehouse": remote_main}),
                                  (0, 0, {"warehouse_id": cls.wh_branch.id, "remote_warehouse": "Cabang"})],
        })
        cls.remote_main = remote_main

    def setUp(self):
        super().setUp()
        self.seed_remote_products("AD23", "BX10", "ZZ99")

    # --- the remote side ------------------------------------------------------------
    def seed_remote_products(self, *codes):
        app = self.sandbox.app(self.provider)
        for code in codes:
            if self.provider == "accurate":
                app.store.save("item", {"no": code, "name": "Item " + code, "itemType": "INVENTORY"})
            else:
                app.store.add("products", {"name": "Item " + code, "product_code": code,
                                           "unit": {"id": 1, "name": "Pcs"}, "track_inventory": True})

    def admin(self, method, path, body=None):
        answer = requests.request(method, self.sandbox.url + "/_sandbox/purchases/" + path, json=body, timeout=10)
        answer.raise_for_status()
        data = answer.json()
        self.assertFalse(data.get("s") is False or data.get("error"), data)
        return data

    def accurate_purchase(self, lines, kind="invoice", **header):
        """A purchase entered by a person in Accurate: ``lines`` [(sku, qty, warehouse)]."""
        body = dict({"type": kind, "vendorNo": "V.00001", "transDate": self.today_text(),
                     "detailItem": [{"itemNo": sku, "quantity": qty, "unitPrice": 1000, "warehouseName": wh}
                                    for sku, qty, wh in lines]}, **header)
        return self.admin("POST", "accurate", body)

    def jurnal_invoice(self, lines, warehouse="Gudang Utama"):
        return self.admin("POST", "jurnal", {"purchase_invoice": {
            "person_name": "PT Pemasok Jaya", "transaction_date": self.today_text(), "warehouse_name": warehouse,
            "transaction_lines_attributes": [{"product_code": sku, "quantity": qty, "rate": 1000}
                                             for sku, qty in lines]}})

    @staticmethod
    def today_text():
        return fields.Date.today().strftime("%d/%m/%Y")

    # --- Odoo's side ---------------------------------------------------------------------
    def on_hand(self, product, warehouse):
        return product.with_context(warehouse_id=warehouse.id).qty_available

    def pickings(self, **filters):
        domain = [("accounting_inbound_document_id.connection_id", "=", self.connection.id)]
        domain += [(k, "=", v) for k, v in filters.items()]
        return self.env["stock.picking"].search(domain, order="id")

    def run_cron(self):
        """The webhook cron exactly as the scheduler runs it."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_webhook").method_direct_trigger()
        self.env.invalidate_all()

    def poll(self):
        """The Jurnal poll cron exactly as the scheduler runs it (it also
        processes); returns the connection's newest delivery."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_poll_purchases").method_direct_trigger()
        self.env.invalidate_all()
        return self.env["accounting.webhook.event"].search([("connection_id", "=", self.connection.id)],
                                                           order="id desc", limit=1)

    @staticmethod
    def envelope(kind, record_id, number, action="WRITE", database=DATABASE_ID, event_uuid=None):
        head, *rest = kind.lower().split("_")
        prefix = head + "".join(p.capitalize() for p in rest)
        return [{"uuid": event_uuid or str(uuid.uuid4()), "type": kind, "databaseId": int(database),
                 "data": [{prefix + "Id": record_id, prefix + "No": number, "action": action}]}]


class WebhookMixin:
    """HTTP helpers for HttpCase-based tests: the sandbox posts its webhooks
    to Odoo's test server."""

    def setUp(self):
        super().setUp()
        self.sandbox.webhook_url = self.hook_url()
        self.addCleanup(setattr, self.sandbox, "webhook_url", None)

    def hook_url(self, connection=None, token=None):
        connection = connection or self.connection
        return "%s/pos_accounting_sync/webhook/%s/%s/%s" % (
            self.base_url(), self.env.cr.dbname, connection.id, token or connection.sudo().webhook_token)

    def post(self, body, content_type="application/json", url=None, raw=None):
        data = raw if raw is not None else json.dumps(body)
        answer = self.url_open(url or self.hook_url(), data=data, headers={"Content-Type": content_type})
        self.env.invalidate_all()
        return answer

    def wait_webhooks(self, count, timeout=15):
        """Until the sandbox has delivered ``count`` webhooks; returns them."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            log = list(self.sandbox.webhook_log)
            if len(log) >= count:
                self.env.invalidate_all()
                return log
            time.sleep(0.05)
        self.fail("the sandbox delivered %s webhooks, not %s" % (len(self.sandbox.webhook_log), count))
