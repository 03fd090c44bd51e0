"""Unique keys explained in words.

PostgreSQL's unique indexes stay (they hold under concurrent saves), but an
admin who saves a duplicate reads a sentence naming the record already
there, checked before the row reaches the index, not the index's text.
"""

from odoo import api, models
from odoo.exceptions import ValidationError


class AccountingUniqueMixin(models.AbstractModel):
    _name = "accounting.unique.mixin"
    _description = "Accounting Sync Unique Keys"

    #: field names unique together, one tuple per index of the model
    _accounting_unique_keys = ()
    #: the index covers active records only (a partial index ``WHERE active``)
    _accounting_unique_active_only = False

    def _accounting_unique_message(self, existing, key_fields):
        """The sentence shown when ``existing`` already holds the key."""
        raise NotImplementedError

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")  # who may not create learns that first
        self._check_accounting_unique([(self.browse(), vals) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        names = {f for key in self._accounting_unique_keys for f in key} | {"active"}
        if names & set(vals):
            self.check_access("write")
            self._check_accounting_unique([(rec, vals) for rec in self])
        return super().write(vals)

    def _unique_value(self, rec, vals, fname, defaults):
        if fname in vals:
            value = vals[fname]
        elif rec:
            value = rec[fname]
        else:
            value = defaults.get(fname)
        if isinstance(value, models.BaseModel):
            value = value.id
        return value or False

    def _check_accounting_unique(self, items):
        """``items``: [(record or empty, values it will have)]."""
        names = sorted({f for key in self._accounting_unique_keys for f in key} | {"active"})
        defaults = self.default_get([n for n in names if n in self._fields])
        for key_fields in self._accounting_unique_keys:
            seen = {}
            for rec, vals in items:
                if self._accounting_unique_active_only and not self._unique_value(rec, vals, "active", defaults):
                    continue
                key = tuple(self._unique_value(rec, vals, f, defaults) for f in key_fields)
                if key in seen:
                    raise ValidationError(self._accounting_unique_message(seen[key], key_fields))
                domain = [(f, "=", v) for f, v in zip(key_fields, key, strict=True)] + [("id", "not in", rec.ids)]
                Model = self.sudo().with_context(active_test=self._accounting_unique_active_only)
                existing = Model.search(domain, limit=1)
                if existing:
                    raise ValidationError(self._accounting_unique_message(existing, key_fields))
                seen[key] = rec or self.new(dict(zip(key_fields, key, strict=True)))
