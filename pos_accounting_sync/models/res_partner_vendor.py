from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    accounting_vendor_no = fields.Char(
        string="Accounting Vendor No.", copy=False, index="btree_not_null",
        help="The vendor's number in the accounting system (Accurate vendor number, Jurnal contact "
             "id): purchases received from there are matched to this partner.")
