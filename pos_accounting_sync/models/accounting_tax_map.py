"""Sales taxes: each Odoo sales tax used by the mapped outlets -> a remote tax
(Accurate tax record, Jurnal tax) picked from the fetched list, with how it
is treated there: PPN on the full price, PPN on a DPP (2025: 12% on 11/12 of
the price, what Odoo's l10n_id ``ST1`` computes as 11%), or a regional tax
(PB1) that is not PPN and is owed on its own liability account."""

import re
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from accounting_connectors.documents import dpp_percent

from . import accounting_messages as msgs
from .accounting_map_mixin import copy_chosen_code, remote_choice

#: providers whose published API has a DPP lever (Accurate: the item's
#: ``percentTaxable``); Jurnal's sales invoice has none
DPP_PROVIDERS = ("accurate",)
TREATMENTS = [
    ("ppn", "PPN on the full price"),
    ("ppn_dpp", "PPN at DPP 11/12 (other value)"),
    ("regional", "Regional tax (PB1), not PPN"),
]


def label_rate(tax):
    """The rate a tax is labelled with on invoices (l10n_id's ``ST1`` says
    "12%" and computes 11%), else its computed rate."""
    found = re.search(r"(\d+(?:[.,]\d+)?)\s*%", tax.invoice_label or "")
    return float(found.group(1).replace(",", ".")) if found else tax.amount


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
    treatment = fields.Selection(
        TREATMENTS, required=True, default="ppn",
        help="PPN on the full price: the remote tax has the Odoo tax's rate. PPN at DPP 11/12: the remote PPN "
             "record has a higher rate applied to part of the price (2025: 12% on 11/12, so 11% of the price, "
             "as Odoo's ST1); Accurate only. Regional tax: PB1 and other non-VAT taxes, never PPN in the "
             "accounting system, owed on their own liability account.")
    remote_tax_option_id = remote_choice("Remote Tax Choice", "tax")
    remote_tax = fields.Char(
        compute="_compute_remote_code", store=True, readonly=False,
        help="What invoice lines carry: the Accurate tax record's name (tax1Name) or the Jurnal tax's "
             "name (line_tax_name). Not used for a regional tax.")
    remote_rate = fields.Float(related="remote_tax_option_id.rate", string="Remote Rate (%)")
    dpp_percent = fields.Float(
        string="DPP (%)", digits=(16, 6), compute="_compute_dpp_percent", store=True,
        help="The share of the price the remote rate applies to: 91.666667 for PPN 12% on a DPP of 11/12.")
    regional_account_option_id = remote_choice(
        "Regional Tax Account Choice", "account", groups=("liability",))
    regional_account = fields.Char(
        compute="_compute_regional_account", store=True, readonly=False,
        help="Remote liability account a regional tax (PB1) is owed on.")
    tax_account_option_id = remote_choice(
        "Tax Account Choice", "account", groups=("liability",))
    tax_account = fields.Char(
        compute="_compute_tax_account", store=True, readonly=False,
        help="Journal entries only: the remote liability account this tax (PPN Keluaran) is owed on.")
    # what the remote tax picker offers (views/accounting_connection_views.xml): the Odoo tax's rate, or for
    # "PPN at DPP 11/12" a higher one (the PPN 12% record)
    tax_rate = fields.Float(related="tax_id.amount", string="Odoo Rate (%)")
    picker_rate_min = fields.Float(compute="_compute_picker_rates")
    picker_rate_max = fields.Float(compute="_compute_picker_rates")

    @api.depends("treatment", "tax_id.amount")
    def _compute_picker_rates(self):
        for line in self:
            rate = line.tax_id.amount
            if line.treatment == "ppn_dpp":
                line.picker_rate_min, line.picker_rate_max = rate + 0.0001, 100.0
            else:
                line.picker_rate_min = line.picker_rate_max = rate

    _sql_constraints = [
        ("tax_uniq", "unique(connection_id, tax_id)", "This tax is already mapped."),
    ]

    @api.depends("regional_account_option_id")
    def _compute_regional_account(self):
        copy_chosen_code(self, "regional_account")

    @api.depends("tax_account_option_id")
    def _compute_tax_account(self):
        copy_chosen_code(self, "tax_account")

    @api.depends("treatment", "tax_id.amount", "remote_tax_option_id.rate")
    def _compute_dpp_percent(self):
        for rec in self:
            rate = rec.remote_tax_option_id.rate
            rec.dpp_percent = (float(dpp_percent(Decimal(str(rec.tax_id.amount)), Decimal(str(rate))))
                               if rec.treatment == "ppn_dpp" and 0 < rec.tax_id.amount < rate else 0.0)

    @api.constrains("tax_id", "remote_tax_option_id", "remote_tax", "treatment", "regional_account")
    def _check_rate(self):
        """The accounting system computes the tax from its own rate: a
        remote tax of another rate is taken only through a DPP lever the
        provider's API has; else refused, naming the 2025 rule and what to
        pick. A regional tax needs its account."""
        for rec in self:
            args = {"tax": rec.tax_id.display_name, "odoo": "%g" % rec.tax_id.amount,
                    "conn": rec.connection_id.display_name}
            if rec.treatment == "regional":
                if not rec.regional_account:
                    raise msgs.user_error(self.env, "tax.regional_needs_account", cls=ValidationError, **args)
                continue
            if not rec.remote_tax:
                raise msgs.user_error(self.env, "tax.needs_remote_tax", cls=ValidationError, **args)
            option = rec.remote_tax_option_id
            if not option:
                continue
            args.update(remote=option.code, rate="%g" % option.rate)
            differs = float_compare(option.rate, rec.tax_id.amount, precision_digits=4)
            lever = rec.connection_id.provider in DPP_PROVIDERS
            if rec.treatment == "ppn" and differs:
                code = "tax.rate_differs_use_dpp" if lever and differs > 0 else (
                    "tax.rate_differs_no_dpp" if differs > 0 else "tax.rate_differs")
                raise msgs.user_error(self.env, code, cls=ValidationError, **args)
            if rec.treatment == "ppn_dpp":
                if not lever:
                    raise msgs.user_error(self.env, "tax.rate_differs_no_dpp", cls=ValidationError, **args)
                if differs <= 0:
                    raise msgs.user_error(self.env, "tax.dpp_needs_higher_rate", cls=ValidationError, **args)

    @api.model
    def _proposal(self, connection, tax, options):
        """The values of the mapping proposed for ``tax`` among the fetched
        remote ``options``, or None: the one remote tax of its computed rate
        (PPN on the full price; ST3 12%, or ST1 on an 11% record); else, where
        the provider has a DPP lever, the one remote tax of the rate it is
        labelled with (ST1 "12%" computed at 11%: PPN at DPP 11/12)."""
        if tax.amount_type != "percent" or tax.amount <= 0:
            return None
        same = options.filtered(lambda o: not float_compare(o.rate, tax.amount, precision_digits=4))
        if len(same) == 1:
            return {"treatment": "ppn", "remote_tax_option_id": same.id, "remote_tax": same.code}
        label = label_rate(tax)
        if connection.provider in DPP_PROVIDERS and not same and label > tax.amount:
            labelled = options.filtered(lambda o: not float_compare(o.rate, label, precision_digits=4))
            if len(labelled) == 1:
                return {"treatment": "ppn_dpp", "remote_tax_option_id": labelled.id, "remote_tax": labelled.code}
        return None
