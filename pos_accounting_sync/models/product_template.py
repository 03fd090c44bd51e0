from odoo import api, fields, models

from .accounting_access import USER, check_action
from .accounting_sync_job import STATE_SEVERITY, STATES
from .accounting_sync_mixin import sync_summary
from .product_product import PRODUCT_FIELDS


class ProductTemplate(models.Model):
    _inherit = "product.template"

    accounting_sync_job_count = fields.Integer(compute="_compute_accounting_sync_variants",
                                               string="Accounting Documents")
    accounting_sync_state = fields.Selection(STATES, compute="_compute_accounting_sync_variants",
                                             string="Accounting Sync")
    accounting_sync_summary = fields.Char(compute="_compute_accounting_sync_variants",
                                          string="Accounting Status")

    @api.depends("product_variant_ids")
    def _compute_accounting_sync_variants(self):
        rank = {state: i for i, state in enumerate(STATE_SEVERITY)}
        for template in self:
            variants = template.product_variant_ids
            template.accounting_sync_job_count = sum(variants.mapped("accounting_sync_job_count"))
            states = [s for s in variants.mapped("accounting_sync_state") if s]
            template.accounting_sync_state = min(states, key=rank.get) if states else False
            template.accounting_sync_summary = sync_summary(
                variants.accounting_sync_job_ids.mapped("state"),
                dict(self.env["accounting.sync.job"]._fields["state"]._description_selection(self.env)))

    def action_view_accounting_sync_jobs(self):
        check_action(self, USER)
        return self.product_variant_ids.action_view_accounting_sync_jobs()

    def write(self, vals):
        result = super().write(vals)
        # the name lives on the template; the SKU reaches the variants' own
        # write. New (unsaved) templates of Odoo's product form retry nothing.
        templates = self.filtered("id")
        if set(vals) & set(PRODUCT_FIELDS) and templates and not self.env.context.get("accounting_sync_done"):
            templates.with_context(active_test=False).product_variant_ids._accounting_saved() \
                ._accounting_requeue_fixed(templates)
        return result
