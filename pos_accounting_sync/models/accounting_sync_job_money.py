from odoo import fields, models


class AccountingSyncJobMoney(models.Model):
    """Document kinds for money that is not a sale: refunds paid out, journal
    entries (cash over/short) and receipts voided after an undone settlement."""

    _inherit = "accounting.sync.job"

    kind = fields.Selection(selection_add=[
        ("customer_refund", "Customer Refund"),
        ("journal_entry", "Journal Entry"),
        ("receipt_void", "Receipt Void"),
    ], ondelete={"customer_refund": "cascade", "journal_entry": "cascade", "receipt_void": "cascade"})
