"""Connections: one active connection per company and accounting system, and
what it posts (outlets, warehouses) posted by no other active connection.

Apart from ``accounting_mapping.py``, which ``accounting_connection.py``
imports before the connection model exists."""

from odoo import _, api, models


class AccountingConnectionUnique(models.Model):
    """One active connection per company and accounting system, and what it
    posts (outlets, warehouses) posted by no other active connection."""

    _name = "accounting.connection"
    _inherit = ["accounting.connection", "accounting.unique.mixin"]

    _accounting_unique_keys = (("company_id", "provider"),)
    _accounting_unique_active_only = True

    def _accounting_unique_message(self, existing, key_fields):
        return _("%(company)s already has an active %(provider)s connection: %(other)s. Edit that one, "
                 "or archive it before adding another.", company=existing.company_id.display_name,
                 provider=dict(existing._fields["provider"]._description_selection(self.env)).get(
                     existing.provider), other=existing.display_name)

    @api.constrains("active")
    def _check_mapped_once(self):
        """Unarchiving a connection must not make an outlet or a warehouse post twice."""
        self.outlet_map_ids._check_one_connection()
        self.warehouse_map_ids._check_one_connection()
