"""Customer invoices outside the POS: which ones a connection posts, the
kinds of their lines that go to accounts, where their payments' money goes."""

from odoo import fields, models

from . import accounting_messages as msgs


class AccountingConnectionInvoices(models.Model):
    _inherit = "accounting.connection"

    invoice_sync = fields.Boolean(
        string="Post Customer Invoices", tracking=True,
        help="Customer invoices posted in Odoo (sales orders, website, marketplace connectors) become "
             "sales invoices, their payments receipts and their credit notes returns. Invoices of POS "
             "orders always stay with the POS sales.")
    invoice_journal_ids = fields.Many2many(
        "account.journal", "accounting_connection_invoice_journal_rel", "connection_id", "journal_id",
        string="Invoice Journals", domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
        help="Only invoices of these journals post. Empty: every sales journal.")
    invoice_team_ids = fields.Many2many(
        "crm.team", "accounting_connection_invoice_team_rel", "connection_id", "team_id",
        string="Sales Teams", help="Only invoices of these sales teams post (needs the Sales app). Empty: any.")
    invoice_tag_ids = fields.Many2many(
        "crm.tag", "accounting_connection_invoice_tag_rel", "connection_id", "tag_id",
        string="Sales Order Tags",
        help="Only invoices of sales orders with one of these tags post (needs the Sales app). Empty: any.")
    invoice_line_kind_ids = fields.One2many(
        "accounting.invoice.line.kind", "connection_id", string="Invoice Line Kinds")
    invoice_journal_map_ids = fields.One2many(
        "accounting.invoice.journal.map", "connection_id", string="Payment Journals")

    # --- which invoices --------------------------------------------------------
    def _invoice_selected(self, move):
        """True when this connection posts the customer invoice ``move``
        (account.move out_invoice/out_refund): switched on, same company,
        not a POS invoice, of a chosen journal/team/tag, dated from go-live."""
        self.ensure_one()
        if not self.invoice_sync or move.company_id != self.company_id:
            return False
        if move._accounting_from_pos():
            return False
        if self.invoice_journal_ids and move.journal_id not in self.invoice_journal_ids:
            return False
        if self.invoice_team_ids and ("team_id" not in move._fields or move.team_id not in self.invoice_team_ids):
            return False
        if self.invoice_tag_ids and not (move._accounting_sale_tags() & self.invoice_tag_ids):
            return False
        return self._is_live(move.invoice_date or move.date)

    # --- where lines and money go -----------------------------------------------
    def _invoice_line_kind(self, line):
        """The line kind (accounting.invoice.line.kind) of an invoice line, or
        an empty recordset for goods."""
        self.ensure_one()
        return self.invoice_line_kind_ids.sorted("sequence").filtered(lambda k: k._matches_line(line))[:1]

    def _invoice_writeoff_kind(self, account):
        """The line kind a payment's write-off on ``account`` is booked as; a
        plain error naming the account when none is mapped."""
        self.ensure_one()
        kind = self.invoice_line_kind_ids.sorted("sequence").filtered(lambda k: k._matches_account(account))[:1]
        if not kind:
            raise msgs.user_error(self.env, "mapping.payment_keeps_back_amount", account=account.display_name,
                                  conn=self.display_name)
        return kind

    def _invoice_money_account(self, journal):
        """The remote cash/bank account of money registered on ``journal``:
        its Payment Journals line, else a mapped POS payment method using it."""
        self.ensure_one()
        line = self.invoice_journal_map_ids.filtered(lambda m: m.journal_id == journal)[:1]
        if line:
            return line.remote_account
        mapping = self.payment_map_ids.filtered(
            lambda m: m.payment_method_id.journal_id == journal and m.remote_account)[:1]
        if not mapping:
            raise msgs.user_error(self.env, "mapping.payment_registered_journal_does", journal=journal.display_name,
                                  conn=self.display_name)
        return mapping.remote_account
