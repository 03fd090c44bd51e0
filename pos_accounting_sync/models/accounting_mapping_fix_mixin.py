"""A mapping created or changed retries, on its connection, what failed for
want of it (the Odoo record it maps)."""

from odoo import _, api, models


class AccountingMappingFixMixin(models.AbstractModel):
    """Used by the outlet, payment method, warehouse and tax mappings, each
    naming in ``_fix_field`` the Odoo record it maps."""

    _name = "accounting.mapping.fix.mixin"
    _description = "Accounting Sync Mapping Fix"
    _fix_field = ""

    def _fix_causes(self):
        return self[self._fix_field]

    def _requeue_what_it_fixes(self):
        Job = self.env["accounting.sync.job"]
        Health = self.env["accounting.mapping.health"]
        for rec in self:
            causes = rec._fix_causes()
            code_field = getattr(rec, "_remote_code_field", "")
            if not code_field or rec[code_field]:
                Health._forget_fixed(rec.connection_id, causes, line=rec)
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
