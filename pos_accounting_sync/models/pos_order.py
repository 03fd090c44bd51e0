from odoo import fields, models

from ..tools.pos_references import chain_for
from ..tools.pos_sales_documents import SalesDocuments


class PosOrder(models.Model):
    _name = "pos.order"
    _inherit = ["pos.order", "accounting.sync.mixin"]

    accounting_session_sync_state = fields.Selection(
        related="session_id.accounting_sync_state", string="Shift Accounting Sync",
        help="State of the shift's documents, which carry this order unless it was posted alone.")

    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        if self.state == "paid":
            self._accounting_enqueue_realtime()
        return result

    def _accounting_enqueue_realtime(self):
        """Real-time mode: queue this order's own documents. Only a row is
        written here, in the cashier's transaction; the worker posts it
        right after the commit, never inside the cashier's request."""
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for order in self:
            config = order.session_id.config_id
            for connection in self.env["accounting.connection"]._for_company(order.company_id):
                if (connection.sales_sync_mode != "realtime" or not connection._outlet_map(config)
                        or not connection._is_live(order.date_order)):
                    continue
                jobs |= order._accounting_documents(connection).enqueue(order._accounting_chain())
        if jobs:
            Job._trigger_worker()
        return jobs

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
             ("res_id", "in", orders.ids), ("kind", "in", ("sales_invoice", "sales_return"))],
            ["res_id"])
        return self.browse({row["res_id"] for row in rows})

    # --- where an order went remotely -----------------------------------------------
    def _accounting_carrying_documents(self, connection):
        """The SalesDocuments that posted this order for ``connection`` (its
        own in real-time mode, else its closed session's), or None."""
        self.ensure_one()
        if self in self._accounting_posted_alone(connection, self):
            return self._accounting_documents(connection)
        session = self.session_id
        if session.state != "closed" or not session.move_id:
            return None
        return session._accounting_documents(connection)

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
