"""What the connector clients read besides credentials (their ``options``),
and the accounts that POS lines without an item are booked to. Every option
a connector mapping reads comes from a field here (or a mapping); nothing is
typed anywhere else."""

from odoo import api, fields, models

from .accounting_mapping import INCOME, RECEIVABLE, copy_chosen_code, remote_choice
from . import accounting_messages as msgs

#: connection field (remote account code) -> Jurnal client option; Jurnal
#: takes account NAMES: the client resolves each code through the chart
JURNAL_ACCOUNT_OPTIONS = {
    "receivable_account": "ar_account_name",
    "payable_account": "ap_account_name",
    "sales_account": "sell_account_name",
    "purchase_account": "buy_account_name",
    "inventory_account": "inventory_account_name",
    "sales_return_account": "sales_return_account_name",
    "output_tax_account": "tax_account_name",
    "adjustment_account": "return_stock_account",
}
#: the roles of POS lines that are not goods: booked to these accounts
LINE_ACCOUNT_FIELDS = ("tip_account", "service_account", "gift_card_account")
INCOME_LINE_ACCOUNT_FIELDS = ("tip_account", "service_account")
OPTION_ACCOUNT_FIELDS = ("receivable_account", "payable_account", "purchase_account", "inventory_account",
                         "sales_return_account", "output_tax_account") + LINE_ACCOUNT_FIELDS


class AccountingConnectionOptions(models.Model):
    _inherit = "accounting.connection"

    tip_account_option_id = remote_choice(
        "Tips Account Choice", "account", connection="id", groups=("income", "other_income", "liability"))
    tip_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                              help="Tips taken at the till (the outlet's tip product).")
    service_account_option_id = remote_choice(
        "Service Charge Account Choice", "account", connection="id", groups=INCOME)
    service_account = fields.Char(
        compute="_compute_option_codes", store=True, readonly=False,
        help="Service products sold without an internal reference (service charge, delivery fee...).")
    gift_card_account_option_id = remote_choice(
        "Gift Card Account Choice", "account", connection="id", groups=("liability",))
    gift_card_account = fields.Char(
        compute="_compute_option_codes", store=True, readonly=False,
        help="Liability for gift cards and eWallet top-ups sold at the till.")
    receivable_account_option_id = remote_choice(
        "Receivable Account Choice", "account", connection="id", groups=RECEIVABLE)
    receivable_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                     help="Jurnal: A/R account of the customers created from Odoo.")
    payable_account_option_id = remote_choice("Payable Account Choice", "account", connection="id", groups=("payable",))
    payable_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                  help="Jurnal: A/P account of the customers created from Odoo.")
    purchase_account_option_id = remote_choice(
        "Purchase Account Choice", "account", connection="id", groups=("cost_of_sales", "expense", "inventory"))
    purchase_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                   help="Jurnal: buy account of the products created from Odoo.")
    inventory_account_option_id = remote_choice(
        "Inventory Account Choice", "account", connection="id", groups=("inventory",))
    inventory_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                    help="Jurnal: inventory asset account of the stocked products.")
    sales_return_account_option_id = remote_choice(
        "Sales Return Account Choice", "account", connection="id", groups=INCOME)
    sales_return_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                       help="Jurnal: account of returns booked as credit memos.")
    output_tax_account_option_id = remote_choice(
        "Output Tax Account Choice", "account", connection="id", groups=("liability",))
    output_tax_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                     help="Jurnal: output tax (PPN Keluaran) of returns booked as credit memos.")
    jurnal_payment_method = fields.Char(
        default="Cash",
        help="Payment method named on Jurnal receive payments (created by Jurnal when new).")
    jurnal_company_id = fields.Char(
        string="Jurnal Company ID", copy=False,
        help="The Jurnal company this connection posts to, learnt at the first successful Test connection. "
             "Credentials that open another company are then refused. Empty it to accept a new company.")
    accurate_signature_encoding = fields.Selection(
        [("base64", "Base64"), ("hex", "Hex")], default="base64", required=True,
        help="How Accurate expects the API-token signature (Base64 unless Accurate says otherwise).")

    @api.depends(*(f + "_option_id" for f in OPTION_ACCOUNT_FIELDS))
    def _compute_option_codes(self):
        for fname in OPTION_ACCOUNT_FIELDS:
            copy_chosen_code(self, fname)

    def _connector_options(self):
        """``ConnectionConfig.extra``: every option the connector clients and
        mappings read (see ``test_connector_options``), from fields above."""
        self.ensure_one()
        if self.provider == "accurate":
            return {"signature_encoding": self.accurate_signature_encoding or "base64"}
        options = {option: self[fname] or "" for fname, option in JURNAL_ACCOUNT_OPTIONS.items()}
        options["payment_method_name"] = self.jurnal_payment_method or "Cash"
        options["company_id"] = self.jurnal_company_id or ""
        return {k: v for k, v in options.items() if v}

    def _line_account(self, fname, line):
        """The remote account for a POS line that is not goods: its own
        account, else (tips, service charges: income either way) the sales
        account, so an unmapped tip never holds the shift; else a plain error
        naming the line and the field to set (a gift card is a liability:
        never booked as a sale)."""
        self.ensure_one()
        if not self[fname] and fname in INCOME_LINE_ACCOUNT_FIELDS and self.sales_account:
            return self.sales_account
        if not self[fname]:
            raise msgs.user_error(self.env, "mapping.booked_does_map_pick", product=line.product_id.display_name,
                                  account=self._fields[fname].string, conn=self.display_name)
        return self[fname]
