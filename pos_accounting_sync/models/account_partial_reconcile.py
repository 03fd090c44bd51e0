from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A customer-account ("pay later") sale is settled in Odoo by
    reconciling a payment with the customer's receivable line of the closed
    session's entry; each reconciliation (partial ones too) queues a sales
    receipt for that customer's remote invoice."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._accounting_enqueue_settlements()
        return partials

    def _accounting_enqueue_settlements(self):
        lines = self.debit_move_id | self.credit_move_id
        moves = lines.filtered(lambda l: l.partner_id and l.account_id.account_type == "asset_receivable").move_id
        if not moves:
            return
        # sudo: the accountant registering a payment may not read POS sessions
        sessions = self.env["pos.session"].sudo().search([("move_id", "in", moves.ids), ("state", "=", "closed")])
        # Reconciliations made while a session closes (split bank payments)
        # happen before its state is "closed", so they never match here.
        for partial in self:
            for session in sessions:
                line = (partial.debit_move_id | partial.credit_move_id).filtered(
                    lambda l: l.move_id == session.move_id)[:1]
                if line and line in session._accounting_pay_later_lines(line.partner_id):
                    session._accounting_enqueue_settlement(partial, line)
