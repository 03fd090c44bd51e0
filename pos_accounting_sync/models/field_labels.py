"""Labels a user reads, for fields declared without one: Odoo would derive
"Api Token", "Webhook Url", "State" or "Remote" (for ``remote_id``) from the
field names. Redefining a field with only ``string`` keeps everything else
it was declared with."""

from odoo import fields, models


class AccountingConnectionLabels(models.Model):
    _inherit = "accounting.connection"

    state = fields.Selection(string="Status")
    auth_method = fields.Selection(string="Authentication Method")
    api_token = fields.Char(string="API Token")
    session_id = fields.Char(string="Session ID")
    webhook_url = fields.Char(string="Webhook URL")
    job_ids = fields.One2many(string="Sync Log")
    job_failed_count = fields.Integer(string="Failed Documents")
    job_pending_count = fields.Integer(string="Waiting Documents")
    remote_option_ids = fields.One2many(string="Remote Lists")


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


class ResPartnerLabels(models.Model):
    _inherit = "res.partner"

    accounting_remote_id = fields.Char(string="Accounting Remote ID")

