from odoo import _, fields, models

from .accounting_map_mixin import remote_choice


class AccountingInvoiceJournalMap(models.Model):
    """The remote cash/bank account that money registered on an Odoo bank or
    cash journal goes to, for payments of customer invoices (a marketplace's
    payout account, a bank). A journal used by a mapped POS payment method
    needs no line here."""

    _name = "accounting.invoice.journal.map"
    _inherit = ["accounting.map.mixin"]
    _description = "Accounting Sync Payment Journal Mapping"
    _order = "connection_id, journal_id"
    _remote_code_field = "remote_account"

    journal_id = fields.Many2one(
        "account.journal", required=True, ondelete="cascade",
        domain="[('company_id', '=', company_id), ('type', 'in', ('bank', 'cash'))]")
    remote_account_option_id = remote_choice("Remote Account Choice", "account")
    remote_account = fields.Char(compute="_compute_remote_code", store=True, readonly=False, required=True,
                                 help="Cash/bank account number in the accounting system.")

    _sql_constraints = [
        ("journal_uniq", "unique(connection_id, journal_id)", "This journal is already mapped."),
    ]
    _accounting_unique_keys = (("connection_id", "journal_id"),)

    def _accounting_unique_message(self, existing, key_fields):
        return _("The journal %(journal)s is already mapped on %(conn)s.",
                 journal=existing.journal_id.display_name, conn=existing.connection_id.display_name)
