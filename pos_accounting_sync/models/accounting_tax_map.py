"""Sales taxes: each Odoo sales tax used by the mapped outlets -> a remote tax
(Accurate tax record, Jurnal tax) picked from the fetched list."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from accounting_connectors.errors import ConnectorError

from . import accounting_messages as msgs
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


class AccountingConnectionTaxes(models.Model):
    _inherit = "accounting.connection"

    tax_map_ids = fields.One2many("accounting.tax.map", "connection_id", string="Taxes")

    def _remote_tax(self, tax):
        """The remote tax name of an Odoo sales tax, else a plain error
        naming the tax and where to map it."""
        self.ensure_one()
        line = self.tax_map_ids.filtered(lambda m: m.tax_id == tax)[:1]
        if not line or not line.remote_tax:
            raise msgs.user_error(self.env, "mapping.tax_remote_tax_map", tax=tax.display_name, conn=self.display_name)
        return line.remote_tax

    def action_fetch_remote_lists(self):
        """Also fetch the remote taxes, and map each Odoo sales tax of the
        mapped outlets to the remote tax of the same rate when exactly one
        has it (anything else is left for the user to pick)."""
        result = super().action_fetch_remote_lists()
        client = self._get_client()
        try:
            taxes = client.list_taxes()
        except ConnectorError as exc:
            raise UserError(_("Could not read the taxes: %(error)s", error=msgs.describe(self.env, exc))) from None
        self.env["accounting.remote.option"]._sync_options(self, "tax", [
            {"code": t["name"], "name": t["name"], "remote_id": t.get("id") or "", "rate": float(t["rate"])}
            for t in taxes if t.get("name")])
        self._propose_tax_map()
        return result

    def _propose_tax_map(self):
        self.ensure_one()
        configs = self.outlet_map_ids.pos_config_id
        products = self.env["product.product"].search([("available_in_pos", "=", True),
                                                       ("company_id", "in", [False, self.company_id.id])])
        taxes = (products.taxes_id | configs.tip_product_id.taxes_id).filtered(
            lambda t: t.company_id == self.company_id and t.type_tax_use == "sale")
        options = self.remote_option_ids.filtered(lambda o: o.option_type == "tax" and o.active)
        for tax in taxes.flatten_taxes_hierarchy() - self.tax_map_ids.tax_id:
            same = options.filtered(lambda o, t=tax: not float_compare(o.rate, t.amount, precision_digits=4))
            if len(same) == 1 and tax.amount_type == "percent":
                self.env["accounting.tax.map"].create({
                    "connection_id": self.id, "tax_id": tax.id, "remote_tax_option_id": same.id,
                    "remote_tax": same.code})
