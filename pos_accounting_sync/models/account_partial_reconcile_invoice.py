from odoo import api, models


class AccountPartialReconcileInvoice(models.Model):
    """Money reconciled with a customer invoice posted outside the POS
    queues a receipt (account_move_payments.py). Left alone: POS invoices
    and session entries (account_partial_reconcile.py settles those), a
    credit note against its invoice (the return already lowers it remotely),
    and anything between two invoices."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        for partial in partials:
            invoice_line, counterpart = self._accounting_invoice_side(partial)
            if invoice_line and self._accounting_is_money(counterpart):
                invoice_line.move_id._accounting_enqueue_payment(partial)
        return partials

    def unlink(self):
        by_move = {}
        for partial in self:
            invoice_line, _counterpart = self._accounting_invoice_side(partial)
            if invoice_line:
                by_move.setdefault(invoice_line.move_id, self.browse())
                by_move[invoice_line.move_id] |= partial
        for move, partials in by_move.items():
            move._accounting_undo_payments(partials)
        return super().unlink()

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
