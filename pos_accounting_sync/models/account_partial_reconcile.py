from odoo import api, models

from accounting_connectors.documents import VOID_SUFFIX

from . import accounting_messages as msgs
from ..tools.pos_sales_documents import SEQ_SETTLEMENT


class AccountPartialReconcile(models.Model):
    """A customer-account ("pay later") sale is settled in Odoo by
    reconciling money with the customer's receivable line of the closed
    session's entry, or with the invoice of the POS order (invoiced from the
    POS, or after the close); each such reconciliation (partial ones too)
    queues one sales receipt against the remote invoice carrying the sale.

    Odoo's own bookkeeping is not money and queues nothing: the entry that
    takes an order invoiced after the close out of the session's entry
    (``reversed_pos_order_id``), the POS payment entries of invoiced orders
    (``pos_payment_ids``), session entries and other POS invoices.

    Money reconciled with a customer invoice posted outside the POS queues
    a receipt too (account.move's ``_accounting_enqueue_payment``). Left
    alone there: POS invoices and session entries (settled above), a credit
    note against its invoice (the return already lowers it remotely), and
    anything between two invoices.

    Undoing a reconciliation cancels a receipt not sent yet, and voids
    (deletes remotely) one already sent."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._accounting_enqueue_settlements()
        partials._accounting_enqueue_invoice_payments()
        return partials

    def unlink(self):
        self._accounting_undo_invoice_payments()
        self._accounting_undo_settlements()
        return super().unlink()

    # --- which side is the POS sale, and is the other side money --------------------
    @api.model
    def _accounting_session_of(self, move):
        # sudo: the accountant registering a payment may not read POS sessions
        return self.env["pos.session"].sudo().search([("move_id", "=", move.id), ("state", "=", "closed")],
                                                     limit=1)

    @api.model
    def _accounting_anchor(self, partial):
        """The customer's receivable line of a POS sale this partial touches:
        a session's customer-account line, or a POS order invoice's line."""
        for line in (partial.debit_move_id | partial.credit_move_id):
            if line.account_id.account_type != "asset_receivable" or not line.partner_id or line.debit <= 0:
                continue
            session = self._accounting_session_of(line.move_id)
            if session and line in session._accounting_pay_later_lines(line.partner_id):
                return line
            orders = line.move_id.sudo().pos_order_ids
            if orders and orders[:1].session_id.state == "closed" and line.move_id.move_type == "out_invoice":
                return line
        return self.env["account.move.line"]

    @api.model
    def _accounting_is_internal(self, partial):
        """True when the other side of a POS receivable line is Odoo's own
        POS bookkeeping, not money from the customer."""
        anchor = self._accounting_anchor(partial)
        other = ((partial.debit_move_id | partial.credit_move_id) - anchor).move_id.sudo()
        return bool(other.pos_payment_ids or other.reversed_pos_order_id or other.pos_order_ids
                    or (other and self._accounting_session_of(other)))

    def _accounting_sessions(self, anchor):
        session = self._accounting_session_of(anchor.move_id)
        return session or anchor.move_id.sudo().pos_order_ids[:1].session_id

    # --- queueing ---------------------------------------------------------------------
    def _accounting_enqueue_settlements(self):
        # Reconciliations made while a session closes (split bank payments)
        # happen before its state is "closed", so they never match here.
        for partial in self:
            anchor = self._accounting_anchor(partial)
            if not anchor or self._accounting_is_internal(partial):
                continue
            self._accounting_sessions(anchor)._accounting_enqueue_settlement(partial, anchor)

    def _accounting_undo_settlements(self):
        Job = self.env["accounting.sync.job"].sudo()
        jobs = Job.search([("res_model", "=", "pos.session"), ("kind", "=", "sales_receipt"),
                           ("doc_key", "in", ["settle:%s" % p.id for p in self])])
        for job in jobs:
            if job.state in ("done", "running"):
                session = self.env["pos.session"].sudo().browse(job.res_id)
                Job._enqueue(job.connection_id, "receipt_void", session, job.reference + VOID_SUFFIX,
                             doc_key="void:%s" % job.id, chain=job.chain, pos_config=job.pos_config_id,
                             sequence=SEQ_SETTLEMENT + 1)
            elif job.state != "cancelled":
                job._set_cancelled(job._error_vals(False, msgs.message("job.settlement_undone")))
        if jobs:
            Job._trigger_worker()

    # --- customer invoices posted outside the POS ---------------------------------------
    def _accounting_enqueue_invoice_payments(self):
        for partial in self:
            invoice_line, counterpart = self._accounting_invoice_side(partial)
            if invoice_line and self._accounting_is_money(counterpart):
                invoice_line.move_id._accounting_enqueue_payment(partial)

    def _accounting_undo_invoice_payments(self):
        by_move = {}
        for partial in self:
            invoice_line, _counterpart = self._accounting_invoice_side(partial)
            if invoice_line:
                by_move.setdefault(invoice_line.move_id, self.browse())
                by_move[invoice_line.move_id] |= partial
        for move, partials in by_move.items():
            move._accounting_undo_payments(partials)

    @api.model
    def _accounting_is_money(self, line):
        """A payment, a bank statement line or an entry of a bank/cash journal
        (not an exchange difference, a write-off entry or another invoice)."""
        move = line.move_id.sudo()
        return move.move_type == "entry" and bool(
            move.origin_payment_id or move.statement_line_id or line.journal_id.type in ("bank", "cash"))

    @api.model
    def _accounting_invoice_side(self, partial):
        """``(receivable line of a non-POS customer invoice, the other line)``,
        or empty lines."""
        Line = self.env["account.move.line"]
        lines = partial.debit_move_id | partial.credit_move_id
        for line in lines:
            move = line.move_id.sudo()
            if (move.move_type == "out_invoice" and line.account_id.account_type == "asset_receivable"
                    and not move._accounting_from_pos()):
                other = lines - line
                if other.move_id.sudo()._accounting_is_pos_entry():
                    return Line, Line
                return line, other
        return Line, Line
