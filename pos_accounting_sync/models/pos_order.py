from odoo import api, fields, models

from ..tools.pos_references import chain_for
from ..tools.pos_sales_documents import SalesDocuments
from ..tools.shop_time import local_date
from . import accounting_messages as msgs

#: what an order's own documents are queued as (its invoice or return carries it)
ALONE_KINDS = ("sales_invoice", "sales_return")


class PosOrder(models.Model):
    _name = "pos.order"
    _inherit = ["pos.order", "accounting.sync.mixin"]

    accounting_session_sync_state = fields.Selection(
        related="session_id.accounting_sync_state", string="Shift Accounting Sync",
        help="State of the shift's documents, which carry this order unless it was posted alone.")

    accounting_late = fields.Boolean(
        string="Reached Odoo Late", readonly=True, copy=False, index=True,
        help="The order reached Odoo after its shift was closed (taken offline, synced later) or in a rescue "
             "session: it is posted on its own, dated on the day it was taken.")
    accounting_taken_in_session_id = fields.Many2one(
        "pos.session", string="Taken in Shift", readonly=True, copy=False,
        help="The closed shift the order was taken in, before Odoo moved it into another session.")

    accounting_folded_session_id = fields.Many2one(
        "pos.session", string="Folded Into Shift", readonly=True, copy=False, index="btree_not_null",
        help="A refund made while the documents of the sale it refunds were still waiting (settle delay, or "
             "once a day): it goes out in those documents, dated on their day, not as a later return.")

    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        if self.state == "paid":
            self._accounting_fold()
            self._accounting_enqueue_realtime()
            if self.session_id.rescue or self.accounting_late:
                # a rescue session's, or a draft that reached Odoo after its shift closed and is paid now
                self._accounting_enqueue_late()
        return result

    @api.model
    def _process_order(self, order, existing_order):
        # Odoo 18 moves an order synced for a closed (or closing) shift into
        # the outlet's open session (point_of_sale _get_valid_session): it
        # reached Odoo after its shift was closed, and maybe posted
        taken = self.env["pos.session"].browse(order.get("session_id")).exists()
        late = taken.state in ("closing_control", "closed")
        order_id = super()._process_order(order, existing_order)
        if late:
            record = self.browse(order_id)
            record.sudo().write({"accounting_late": True, "accounting_taken_in_session_id": taken.id})
            record._accounting_enqueue_late()
        return order_id

    def _accounting_fold(self):
        """A refund of sales whose documents still wait (the settle delay,
        or their outlet day not sent yet) for every connection posting them
        joins those documents: the shift that sold is remembered, and that
        shift's (or day's) documents carry the refund instead of this one's.
        Only a refund and nothing else (an exchange also sells), of one
        earlier closed shift of the same outlet."""
        for order in self.filtered(lambda o: o.lines and all(l.qty < 0 and l.refunded_orderline_id for l in o.lines)):
            sold_in = order.lines.refunded_orderline_id.order_id.session_id
            if len(sold_in) != 1 or sold_in == order.session_id or sold_in.config_id != order.config_id:
                continue
            connections = sold_in.sudo()._accounting_connections()
            if connections and all(sold_in.sudo()._accounting_waiting(c) for c in connections):
                order.sudo().accounting_folded_session_id = sold_in

    def _accounting_enqueue_realtime(self):
        """Real-time mode: queue this order's own documents. Only a row is
        written here, in the cashier's transaction; the worker posts it
        right after the commit, never inside the cashier's request."""
        return self._accounting_enqueue_alone(realtime_only=True)

    def _accounting_enqueue_late(self, connections=None):
        """An order that reached Odoo after its shift closed, or in a rescue
        session: queued on its own whatever the sync mode, dated on the
        business day it was taken (its ``date_order``), once: the session it
        sits in leaves it out of its own documents."""
        self.filtered(lambda o: not o.accounting_late).sudo().accounting_late = True
        return self._accounting_enqueue_alone(connections=connections)

    def _accounting_enqueue_alone(self, realtime_only=False, connections=None):
        """Queue the own documents of these paid orders for every connection
        that posts their outlet and is live on their date (``connections``:
        only those; ``realtime_only``: only those in real-time mode); an order already queued alone
        for a connection is not queued again. Returns the jobs."""
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for order in self.filtered(lambda o: o.state in ("paid", "done", "invoiced")):
            config = order.session_id.config_id
            for connection in connections or self.env["accounting.connection"]._for_company(order.company_id):
                if ((realtime_only and connection.sales_sync_mode != "realtime") or not connection._outlet_map(config)
                        or not connection._is_live(order.date_order)
                        or self._accounting_posted_alone(connection, order)):
                    continue
                jobs |= order._accounting_documents(connection).enqueue(order._accounting_chain())
        if jobs:
            Job._trigger_worker()
        return jobs

    def _accounting_late_messages(self):
        """One stored message per late order (read in the reader's
        language), naming it, the shift it was taken in and the business day
        its documents carry."""
        out = []
        for order in self.sorted("date_order"):
            args = {"order": order.name, "day": str(local_date(order.date_order, config=order.config_id)),
                    "session": order.session_id.name}
            if order.accounting_taken_in_session_id:
                out.append(msgs.message("recon.late_order_shift", shift=order.accounting_taken_in_session_id.name,
                                        **args))
            else:
                out.append(msgs.message("recon.late_order", **args))
        return out

    def _accounting_late_note(self):
        """The late orders' sentences in the reader's language."""
        return [msgs.render(self.env, message) for message in self._accounting_late_messages()]

    @api.model
    def _accounting_late_digest_lines(self, connection, since):
        """``[(label, url)]`` of the late orders whose own documents were
        queued for ``connection`` since ``since`` (naive UTC), for the
        morning digest."""
        rows = self.env["accounting.sync.job"].sudo().search_read(
            [("connection_id", "=", connection.id), ("res_model", "=", "pos.order"), ("kind", "in", ALONE_KINDS),
             ("create_date", ">=", since)], ["res_id"])
        orders = self.sudo().browse({row["res_id"] for row in rows}).filtered("accounting_late")
        return [(order._accounting_late_note()[0], "/odoo/pos.order/%s" % order.id)
                for order in orders.sorted("date_order")]

    def _accounting_chain(self):
        # a readable POS/<name>, unless the order already queued under the older form
        return chain_for(self)

    def _accounting_documents(self, connection):
        self.ensure_one()
        return SalesDocuments(connection, self, self._accounting_chain(), self, stop_at=self.date_order)

    def _accounting_sync_document(self, job):
        return self._accounting_documents(job.connection_id).build(job.doc_key)

    def _accounting_posted_alone(self, connection, orders):
        """Those of ``orders`` queued one by one (real-time mode) for
        ``connection``: the shift's documents leave them out."""
        if not orders:
            return self.browse()
        rows = self.env["accounting.sync.job"].sudo().search_read(
            [("connection_id", "=", connection.id), ("res_model", "=", "pos.order"),
             ("res_id", "in", orders.ids), ("kind", "in", ALONE_KINDS)],
            ["res_id"])
        return self.browse({row["res_id"] for row in rows})

    # --- where an order went remotely -----------------------------------------------
    def _accounting_carrying_documents(self, connection):
        """The SalesDocuments that posted this order for ``connection`` (its
        own in real-time mode, else its closed session's), or None."""
        self.ensure_one()
        if self in self._accounting_posted_alone(connection, self):
            return self._accounting_documents(connection)
        session = self.accounting_folded_session_id or self.session_id
        if session.state != "closed" or not session.move_id:
            return None
        return session._accounting_carrier_documents(connection)

    def _accounting_invoice_ref(self, connection):
        """Our reference of the remote invoice that carries this sale, or ""
        when none was queued for ``connection`` (not mapped, before go-live)."""
        self.ensure_one()
        documents = self._accounting_carrying_documents(connection)
        if documents is None or self not in documents.orders:
            return ""
        if self in documents.invoiced:
            reference = documents.ref_order_invoice(self)
        elif self in documents.walkin:
            reference = documents.ref_invoice()
        else:
            partner = next((p for p, orders in documents.by_customer.items() if self in orders), None)
            reference = partner and documents.ref_ar_invoice(partner) or ""
        queued = reference and self.env["accounting.sync.job"].sudo().search_count([
            ("connection_id", "=", connection.id), ("reference", "=", reference),
            ("state", "!=", "cancelled")], limit=1)
        return reference if queued else ""
