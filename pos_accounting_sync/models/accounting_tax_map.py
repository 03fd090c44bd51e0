"""Sales taxes: each Odoo sales tax used by the mapped outlets -> a remote tax
(Accurate tax record, Jurnal tax) picked from the fetched list."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .accounting_map_mixin import remote_choice


class AccountingTaxMap(models.Model):
    _name = "accounting.tax.map"
    _inherit = ["accounting.map.mixin", "accounting.mapping.fix.mixin"]
    _description = "Accounting Sync Tax Mapping"
    _order = "connection_id, tax_id"
    _remote_code_field = "remote_tax"
    _fix_field = "tax_id"

    tax_id = fields.Many2one(
        "account.tax", string="Odoo Tax", required=True, ondelete="cascade",
        domain="[('company_id', '=', company_id), ('type_tax_use', '=', 'sale'), ('amount_type', '=', 'percent')]")
    remote_tax_option_id = remote_choice("Remote Tax Choice", "tax")
    remote_tax = fields.Char(
        compute="_compute_remote_code", store=True, readonly=False, required=True,
        help="What invoice lines carry: the Accurate tax record's name (tax1Name) or the Jurnal tax's "
             "name (line_tax_name).")
    remote_rate = fields.Float(related="remote_tax_option_id.rate", string="Remote Rate (%)")
    # what the remote tax picker offers: the remote taxes of this rate (views/accounting_connection_views.xml)
    tax_rate = fields.Float(related="tax_id.amount", string="Odoo Rate (%)")

    _sql_constraints = [
        ("tax_uniq", "unique(connection_id, tax_id)", "This tax is already mapped."),
    ]

    @api.constrains("tax_id", "remote_tax_option_id")
    def _check_rate(self):
        """The accounting system computes the tax from its own rate: a
        different rate would post a different total, so it is refused here."""
        for rec in self:
            option = rec.remote_tax_option_id
            if option and float_compare(option.rate, rec.tax_id.amount, precision_digits=4):
                raise ValidationError(_(
                    "The Odoo tax “%(tax)s” is %(odoo)s%% but the remote tax “%(remote)s” is %(rate)s%%; "
                    "pick a remote tax with the same rate.", tax=rec.tax_id.display_name,
                    odoo=rec.tax_id.amount, remote=option.code, rate=option.rate))

