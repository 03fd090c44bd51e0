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


class AccountingSyncJobLabels(models.Model):
    _inherit = "accounting.sync.job"

    state = fields.Selection(string="Status")
    kind = fields.Selection(string="Document Type")
    doc_key = fields.Char(string="Document Key")
    error_kind = fields.Selection(string="Failure Type")
    error_message = fields.Text(string="Reason")
    remote_id = fields.Char(string="Remote ID")
    needs_lookup = fields.Boolean(string="Look Up First")
    date_done = fields.Datetime(string="Done On")
    request_body = fields.Text(string="Request (Raw)")
    response_body = fields.Text(string="Answer (Raw)")
    dependant_ids = fields.One2many(string="Depending on It")


class ResPartnerLabels(models.Model):
    _inherit = "res.partner"

    accounting_remote_id = fields.Char(string="Accounting Remote ID")

