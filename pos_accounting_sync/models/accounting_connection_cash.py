from odoo import api, fields, models

from .accounting_mapping import INCOME_OR_EXPENSE, RECEIVABLE, copy_chosen_code, remote_choice

#: accounts the money-out documents of a shift read (customer refunds, cash over/short)
CASH_CODE_FIELDS = ("cash_difference_account", "receivable_account")


class AccountingConnectionCash(models.Model):
    """Accounts for money that is not a sale: the cash counted over or short
    at closing, and the customers' receivable that Accurate's refund voucher
    debits (Jurnal refunds a credit memo and needs no account for it)."""

    _inherit = "accounting.connection"

    cash_difference_account_option_id = remote_choice(
        "Cash Difference Account Choice", "account", connection="id", groups=INCOME_OR_EXPENSE)
    cash_difference_account = fields.Char(
        compute="_compute_cash_codes", store=True, readonly=False,
        help="Where the cash counted over or short at the close of a shift is booked, against the "
             "cash account of the cash payment method, so the remote cash account equals the drawer.")
    receivable_account_option_id = remote_choice(
        "Customer Receivable Account Choice", "account", connection="id", groups=RECEIVABLE)
    receivable_account = fields.Char(
        string="Customer Receivable Account", compute="_compute_cash_codes", store=True, readonly=False,
        help="Accurate: the customers' receivable account (Piutang Usaha) a refund paid out of a "
             "cash/bank account is booked against, with the customer as subsidiary.")

    @api.depends(*(f + "_option_id" for f in CASH_CODE_FIELDS))
    def _compute_cash_codes(self):
        for fname in CASH_CODE_FIELDS:
            copy_chosen_code(self, fname)
