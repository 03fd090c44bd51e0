from odoo import models


class StockScrap(models.Model):
    _name = "stock.scrap"
    _inherit = ["stock.scrap", "accounting.stock.sync.mixin"]
    _accounting_move_field = "scrap_id"
