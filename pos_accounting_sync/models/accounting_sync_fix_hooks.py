"""Fixing a cause in Odoo retries what it failed, by itself: writing a
product, a customer, a mapping or the connection's accounts puts back the
failed jobs whose cause (``cause_refs``) is that record, on every connection
(products, customers) or on the mapping's connection. The helpers that
raise "map it / fix it" errors name their record (:class:`SyncDataError`)."""

from odoo import _, api, models


class _MappingFix(models.AbstractModel):
    """A mapping created or changed retries, on its connection, what failed
    for want of it (the Odoo record it maps)."""

    _name = "accounting.mapping.fix.mixin"
    _description = "Accounting Sync Mapping Fix"
    _fix_field = ""

    def _fix_causes(self):
        return self[self._fix_field]

    def _requeue_what_it_fixes(self):
        Job = self.env["accounting.sync.job"]
        for rec in self:
            causes = rec._fix_causes()
            Job._requeue_fixed(causes, rec.connection_id,
                               reason=_("the mapping of %(what)s", what=", ".join(causes.mapped("display_name"))))

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._requeue_what_it_fixes()
        return records

    def write(self, vals):
        result = super().write(vals)
        self._requeue_what_it_fixes()
        return result


class AccountingPaymentMapFix(models.Model):
    _name = "accounting.payment.map"
    _inherit = ["accounting.payment.map", "accounting.mapping.fix.mixin"]
    _fix_field = "payment_method_id"


class AccountingTaxMapFix(models.Model):
    _name = "accounting.tax.map"
    _inherit = ["accounting.tax.map", "accounting.mapping.fix.mixin"]
    _fix_field = "tax_id"


class AccountingOutletMapFix(models.Model):
    _name = "accounting.outlet.map"
    _inherit = ["accounting.outlet.map", "accounting.mapping.fix.mixin"]
    _fix_field = "pos_config_id"


class AccountingWarehouseMapFix(models.Model):
    _name = "accounting.warehouse.map"
    _inherit = ["accounting.warehouse.map", "accounting.mapping.fix.mixin"]
    _fix_field = "warehouse_id"
