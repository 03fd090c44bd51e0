"""Fixing a cause in Odoo retries what it failed, by itself: writing a
product, a customer, a mapping or the connection's accounts puts back the
failed jobs whose cause (``cause_refs``) is that record, on every connection
(products, customers) or on the mapping's connection. The helpers that
raise "map it / fix it" errors name their record (:class:`SyncDataError`)."""

from odoo import api, models
from odoo.exceptions import UserError

from .accounting_sync_cause import SyncDataError
from .res_partner import SYNCED_FIELDS

#: product fields a document is built from (a stock valuation's standard_price write retries nothing)
PRODUCT_FIELDS = ("default_code", "name", "barcode", "uom_id", "type", "is_storable", "active",
                  "lst_price", "list_price", "taxes_id")
#: connection fields whose change may cure a failure (the accounts, the walk-in customer)
CONNECTION_FIELDS = ("default_customer_ref",)


def _requeue_if_changed(records, vals, watched, reason_records=None):
    """After a write of ``vals``: retry the failed jobs caused by ``records``
    when a ``watched`` field changed (never for the worker's own writes)."""
    if set(vals) & set(watched) and records and not records.env.context.get("accounting_sync_done"):
        records.env["accounting.sync.job"]._requeue_fixed(
            records, reason=", ".join((reason_records or records).mapped("display_name")))


def _named(exc, causes):
    """``exc`` (a UserError) carrying ``causes``; an error already naming its causes is kept."""
    if isinstance(exc, SyncDataError):
        return exc
    named = SyncDataError(exc.args[0] if exc.args else str(exc), causes=causes)
    # the sentence's code travels on: the worker stores it, each reader reads their language
    stored = getattr(exc, "accounting_message", None)
    if stored:
        named.accounting_message = stored
    return named


class ProductProductFix(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        result = super().write(vals)
        _requeue_if_changed(self, vals, PRODUCT_FIELDS)
        return result

    def _accounting_item_document(self, connection):
        try:
            return super()._accounting_item_document(connection)
        except UserError as exc:
            raise _named(exc, self) from None


class ProductTemplateFix(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        result = super().write(vals)
        # the name lives on the template; the SKU reaches the variants' own write
        _requeue_if_changed(self.with_context(active_test=False).product_variant_ids, vals, PRODUCT_FIELDS, self)
        return result


class ResPartnerFix(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        _requeue_if_changed(self, vals, SYNCED_FIELDS)
        return result

    def _accounting_customer_ref(self, connection):
        try:
            return super()._accounting_customer_ref(connection)
        except UserError as exc:
            raise _named(exc, self) from None


class AccountingConnectionFix(models.Model):
    _inherit = "accounting.connection"

    def _payment_account(self, payment_method):
        try:
            return super()._payment_account(payment_method)
        except UserError as exc:
            raise _named(exc, payment_method) from None

    def _remote_tax(self, tax):
        try:
            return super()._remote_tax(tax)
        except UserError as exc:
            raise _named(exc, tax) from None

    def _line_account(self, fname, line):
        try:
            return super()._line_account(fname, line)
        except UserError as exc:
            raise _named(exc, self) from None

    @api.model
    def _mapped_code_fields(self):
        """``{field: kind}`` of the connection's own remote codes (accounts,
        the transit warehouse): every Char with a ``<field>_option_id`` pick."""
        out = {}
        for name, field in self._fields.items():
            pick = self._fields.get(name + "_option_id")
            if field.type == "char" and pick is not None and pick.comodel_name == "accounting.remote.option":
                domain = str(pick.domain or "")
                out[name] = next((k for k in ("warehouse", "tax", "account") if "'%s'" % k in domain), "account")
        return out

    def write(self, vals):
        result = super().write(vals)
        fixed = set(vals) & (set(self._mapped_code_fields()) | set(CONNECTION_FIELDS)
                             | {f + "_option_id" for f in self._mapped_code_fields()})
        if fixed:
            labels = ", ".join(self._fields[f].string for f in sorted(fixed))
            for rec in self:
                self.env["accounting.sync.job"]._requeue_fixed(rec, rec, reason=labels)
        return result
