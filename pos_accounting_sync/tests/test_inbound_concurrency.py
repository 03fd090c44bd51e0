"""Two webhook workers at once on one queue of redelivered and edited
purchases: each document's stock ends as the remote document says, with no
receipt made twice. Runs on committed data (real concurrency cannot share the
test transaction) and removes everything it created."""

import json
import threading
import time
import uuid

import requests

from accounting_connectors.sandbox import SandboxServer

from odoo import SUPERUSER_ID, api, fields
from odoo.api import Transaction
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from .inbound_common import DATABASE_ID, InboundCase

DOCS = 4
COPIES = 5  # each document's event delivered this many times (new uuid each)


@tagged("post_install", "-at_install")
class TestInboundTwoWorkers(TransactionCase):

    def test_two_workers_receive_each_document_once(self):
        dbname = self.env.cr.dbname
        with SandboxServer("127.0.0.1", 0) as sandbox:
            ids = self._setup(dbname, sandbox)
            try:
                sandbox.add_fault("latency", count=200, provider="accurate", seconds=0.02)
                counts = self._drain(dbname, ids["connection"], during=lambda: self._edit_all(dbname, sandbox, ids))
                with db_connect(dbname).cursor() as cr:
                    cr.execute("""SELECT p.accounting_inbound_ref, pt.code, sum(m.quantity)
                                    FROM stock_picking p JOIN stock_move m ON m.picking_id = p.id
                                    JOIN stock_picking_type pt ON pt.id = p.picking_type_id
                                   WHERE p.accounting_inbound_document_id IN (
                                         SELECT id FROM accounting_inbound_document WHERE connection_id = %s)
                                     AND p.state = 'done'
                                   GROUP BY 1, 2, p.id ORDER BY 1""", [ids["connection"]])
                    pickings = cr.fetchall()
                    cr.execute("""SELECT state, count(*) FROM accounting_inbound_event
                                   WHERE connection_id = %s GROUP BY state""", [ids["connection"]])
                    states = dict(cr.fetchall())
            finally:
                self._cleanup(dbname, ids)
        expected = {"accurate:invoice:%s" % rid: qty for rid, qty in ids["remote"].items()}
        received = {}
        for ref, code, qty in pickings:
            received[ref] = received.get(ref, 0) + (qty if code == "incoming" else -qty)
        self.assertEqual(received, expected, "each document's stock equals its last version")
        # every edit raises the quantity: a return could only undo a receipt made twice
        self.assertEqual({code for _ref, code, _qty in pickings}, {"incoming"}, pickings)
        per_doc = [ref for ref, _code, _qty in pickings]
        self.assertLessEqual(max(per_doc.count(ref) for ref in per_doc), 2, "one receipt per version at most")
        self.assertNotIn("failed", states, states)
        self.assertEqual(sum(states.values()), DOCS * COPIES * 2)
        self.assertTrue(all(counts), "both workers took part: %s" % counts)

    def _setup(self, dbname, sandbox):
        with db_connect(dbname).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Connection = env["accounting.connection"]
            archived = Connection.search([("company_id", "=", env.company.id), ("provider", "=", "accurate")])
            archived.action_archive()
            env.flush_all()
            warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
            conn = Connection.create(dict(
                Connection._vals_from_config(sandbox.accurate_config()), name="two inbound workers",
                rate_limit_per_minute=600000, request_timeout=5, state="connected", database_id=DATABASE_ID,
                warehouse_map_ids=[(0, 0, {"warehouse_id": warehouse.id, "remote_warehouse": "Utama"})]))
            product = env["product.product"].create({"name": "Kopi Paralel", "default_code": "CC-KOPI",
                                                     "is_storable": True})
            sandbox.app("accurate").store.save("item", {"no": "CC-KOPI", "name": "Kopi", "itemType": "INVENTORY"})
            remote, bodies = {}, []
            day = fields.Date.today().strftime("%d/%m/%Y")
            for n in range(DOCS):
                line = {"itemNo": "CC-KOPI", "quantity": 3 + n, "unitPrice": 1000, "warehouseName": "Utama"}
                answer = requests.post(sandbox.url + "/_sandbox/purchases/accurate", timeout=10, json={
                    "vendorNo": "V.00001", "transDate": day, "detailItem": [line]}).json()
                bodies += [InboundCase.envelope("PURCHASE_INVOICE", answer["id"], answer["number"])
                           for _i in range(COPIES)]
                remote[answer["id"]] = 3 + n
            self._deliver(env, conn, bodies)
            cr.commit()  # pylint: disable=invalid-commit
            return {"connection": conn.id, "product": product.id, "archived": archived.ids, "remote": remote,
                    "bodies": bodies}

    @staticmethod
    def _deliver(env, conn, bodies):
        """Each body stored as a new delivery (a fresh uuid: not a redelivery)."""
        client = conn._get_client()
        for body in bodies:
            body[0]["uuid"] = str(uuid.uuid4())
            env["accounting.webhook.event"]._store_delivery(conn, json.dumps(body), client.parse_webhook(body))

    def _edit_all(self, dbname, sandbox, ids):
        """While the workers drain: every document edited up, its events
        delivered again."""
        time.sleep(0.1)
        remote = ids["remote"]
        for rid in list(remote):
            remote[rid] += 10
            requests.post(sandbox.url + "/_sandbox/purchases/accurate/%s" % rid, timeout=10, json={
                "detailItem": [{"itemNo": "CC-KOPI", "quantity": remote[rid], "unitPrice": 1000,
                                "warehouseName": "Utama"}]})
        with db_connect(dbname).cursor() as cr:
            cr.transaction = Transaction(self.env.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._deliver(env, env["accounting.connection"].browse(ids["connection"]), ids["bodies"])
            cr.commit()  # pylint: disable=invalid-commit

    def _drain(self, dbname, connection_id, during, workers=2, deadline=120):
        counts = [0] * workers
        editing = threading.Event()

        def editor_running():
            return not editing.is_set()
        stop = time.monotonic() + deadline
        registry = self.env.registry

        def work(n):
            with db_connect(dbname).cursor() as cr:
                cr.transaction = Transaction(registry)  # the runner holds the registry lock
                env = api.Environment(cr, SUPERUSER_ID, {"accounting_sync_commit": True})
                while time.monotonic() < stop:
                    counts[n] += env["accounting.inbound.event"]._process_queue(limit=3, commit=True)
                    cr.commit()  # pylint: disable=invalid-commit
                    cr.execute("""SELECT count(*) FROM accounting_inbound_event
                                  WHERE connection_id = %s AND state = 'received'""", [connection_id])
                    left = cr.fetchone()[0]
                    cr.commit()  # pylint: disable=invalid-commit
                    if not left and not editor_running():
                        return
                    time.sleep(0.01)

        threads = [threading.Thread(target=work, args=(n,), name="inbound-%d" % n) for n in range(workers)]
        for t in threads:
            t.start()
        try:
            during()
        finally:
            editing.set()
        for t in threads:
            t.join()
        return counts

    def _cleanup(self, dbname, ids):
        """Done stock moves cannot be unlinked through the ORM: removed by SQL,
        with the quants and valuation layers they made."""
        with db_connect(dbname).cursor() as cr:
            conn, product = ids["connection"], ids["product"]
            cr.execute("""SELECT id FROM stock_picking WHERE accounting_inbound_document_id IN (
                              SELECT id FROM accounting_inbound_document WHERE connection_id = %s)""", [conn])
            pickings = [r[0] for r in cr.fetchall()] or [0]
            cr.execute("DELETE FROM stock_valuation_layer WHERE product_id = %s", [product])
            cr.execute("DELETE FROM stock_move_line WHERE product_id = %s", [product])
            cr.execute("DELETE FROM stock_move WHERE product_id = %s", [product])
            cr.execute("DELETE FROM stock_picking WHERE id = ANY(%s)", [pickings])
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [product])
            cr.execute("DELETE FROM accounting_inbound_event WHERE connection_id = %s", [conn])
            cr.execute("DELETE FROM accounting_inbound_document WHERE connection_id = %s", [conn])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.invalidate_all()
            vendor = env["res.partner"].search([("accounting_vendor_no", "=", "V.00001")])
            connection = env["accounting.connection"].browse(conn)
            connection.activity_ids.unlink()
            connection.unlink()
            template = env["product.product"].browse(product).product_tmpl_id
            template.unlink()
            vendor.unlink()
            env.flush_all()
            env["accounting.connection"].browse(ids["archived"]).action_unarchive()
