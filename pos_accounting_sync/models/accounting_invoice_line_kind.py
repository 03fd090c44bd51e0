"""Which lines of a customer invoice are not goods, and the remote account
each kind goes to (discount, shipping, voucher, marketplace fee...), chosen
per connection by product, product category or Odoo account."""

from odoo import _, api, fields, models

from .accounting_map_mixin import remote_choice

LINE_KINDS = [
    ("discount", "Discount"),
    ("shipping", "Shipping"),
    ("voucher", "Voucher"),
    ("marketplace_fee", "Marketplace Fee"),
    ("other", "Other Charge"),
]


class AccountingInvoiceLineKind(models.Model):
    _name = "accounting.invoice.line.kind"
    _inherit = ["accounting.map.mixin"]
    _description = "Accounting Sync Invoice Line Kind"
    _order = "connection_id, sequence, id"
    _remote_code_field = "remote_account"

    sequence = fields.Integer(default=10, help="The first kind that matches a line wins.")
    kind = fields.Selection(LINE_KINDS, required=True, default="discount")
    product_ids = fields.Many2many(
        "product.product", string="Products", help="Invoice lines of these products are of this kind.")
    categ_ids = fields.Many2many(
        "product.category", string="Product Categories",
        help="Invoice lines of products in these categories (or their subcategories) are of this kind.")
    account_ids = fields.Many2many(
        "account.account", string="Odoo Accounts",
        help="Invoice lines booked to these accounts, and the write-off of a payment (a fee the "
             "marketplace kept) booked to them, are of this kind.")
    remote_account_option_id = remote_choice("Remote Account Choice", "account")
    remote_account = fields.Char(
        compute="_compute_remote_code", store=True, readonly=False, required=True,
        help="The account in the accounting system that lines of this kind are booked to.")

    @api.depends("kind", "remote_account")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for rec in self:
            rec.display_name = _("%(kind)s to %(account)s", kind=labels.get(rec.kind, rec.kind),
                                 account=rec.remote_account or "?")

    def _matches_line(self, line):
        """True when the invoice line (account.move.line) is of this kind."""
        self.ensure_one()
        product = line.product_id
        if product and product in self.product_ids:
            return True
        if product and self.categ_ids and any(
                product.categ_id.parent_path.startswith(c.parent_path) for c in self.categ_ids):
            return True
        return bool(line.account_id) and line.account_id in self.account_ids

    def _matches_account(self, account):
        """True for a payment's write-off on ``account`` (account.account)."""
        self.ensure_one()
        return account in self.account_ids
