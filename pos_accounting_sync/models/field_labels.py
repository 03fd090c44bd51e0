"""Labels a user reads, for fields declared without one: Odoo would derive
"Api Token", "Webhook Url", "State" or "Remote" (for ``remote_id``) from the
field names. Redefining a field with only ``string`` keeps everything else
it was declared with."""

from odoo import fields, models




class AccountingRemoteOptionLabels(models.Model):
    _inherit = "accounting.remote.option"

    remote_id = fields.Char(string="Remote ID")


class AccountingInboundEventLabels(models.Model):
    _inherit = "accounting.inbound.event"

    state = fields.Selection(string="Status")
    doc_type = fields.Selection(string="Document Type")
    picking_count = fields.Integer(string="Transfers")


class AccountingInboundDocumentLabels(models.Model):
    _inherit = "accounting.inbound.document"

    doc_type = fields.Selection(string="Document Type")
    picking_ids = fields.One2many(string="Transfers")


class AccountingStockDocumentLabels(models.Model):
    _inherit = "accounting.stock.document"

    state = fields.Selection(string="Status")
    picking_ids = fields.Many2many(string="Transfers")


class AccountingWebhookEventLabels(models.Model):
    _inherit = "accounting.webhook.event"

    state = fields.Selection(string="Status")
    event_types = fields.Char(string="Event Codes")
    picking_count = fields.Integer(string="Transfers")

