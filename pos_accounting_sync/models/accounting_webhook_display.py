"""Event names a user reads in the webhook log ("Purchase invoice"), not the
provider's codes (PURCHASE_INVOICE); the code stays on the record."""

from odoo import api, fields, models


def event_label(env, code):
    """The reader's words for an event code of Accurate (``PURCHASE_INVOICE``)
    or of our Jurnal poll; an unknown code is spelt out ("Item Transfer")."""
    known = {
        "PURCHASE_INVOICE": env._("Purchase invoice"),
        "PURCHASE_RETURN": env._("Purchase return"),
        "PURCHASE_ORDER": env._("Purchase order"),
        "RECEIVE_ITEM": env._("Goods receipt"),
        "ITEM": env._("Item"),
        "CUSTOMER": env._("Customer"),
        "VENDOR": env._("Vendor"),
        "SALES_INVOICE": env._("Sales invoice"),
        "SALES_RECEIPT": env._("Sales receipt"),
        "SALES_RETURN": env._("Sales return"),
        "ITEM_TRANSFER": env._("Item transfer"),
        "ITEM_ADJUSTMENT": env._("Item adjustment"),
    }
    code = (code or "").strip()
    return known.get(code.upper()) or code.replace("_", " ").replace(".", " ").capitalize()


class AccountingWebhookEventDisplay(models.Model):
    _inherit = "accounting.webhook.event"

    event_names = fields.Char(compute="_compute_event_names", string="Events Received")

    @api.depends("event_types")
    def _compute_event_names(self):
        for rec in self:
            codes = [c for c in (rec.event_types or "").split(",") if c.strip()]
            rec.event_names = ", ".join(event_label(self.env, c) for c in codes) or False


class AccountingInboundEventDisplay(models.Model):
    _inherit = "accounting.inbound.event"

    event_name = fields.Char(compute="_compute_event_name", string="Event")

    @api.depends("event_type")
    def _compute_event_name(self):
        for rec in self:
            rec.event_name = event_label(self.env, rec.event_type) if rec.event_type else False
