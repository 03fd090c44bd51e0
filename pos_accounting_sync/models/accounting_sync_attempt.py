"""The history of a sync job: one line per attempt and per action on it, as
account_edi and queue_job keep them; a new attempt never overwrites an
older one."""

from odoo import api, fields, models

from . import accounting_messages as msgs
from .accounting_sync_job import ERROR_KINDS, html_to_text

EVENTS = [
    ("sent", "Sent, will try again"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("retried", "Retry asked"),
    ("cancelled", "Cancelled"),
    ("blocked", "Blocked"),
    ("resent", "Sent again (missing in the accounting system)"),
]


class AccountingSyncAttempt(models.Model):
    _name = "accounting.sync.attempt"
    _description = "Accounting Sync Attempt"
    _order = "id desc"

    job_id = fields.Many2one("accounting.sync.job", required=True, ondelete="cascade", index=True, readonly=True)
    connection_id = fields.Many2one(related="job_id.connection_id")
    company_id = fields.Many2one(related="job_id.company_id", store=True, index=True)
    date = fields.Datetime(string="When", default=fields.Datetime.now, required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, ondelete="set null",
        help="Who asked for it; the system user for the sync's own attempts.")
    event = fields.Selection(EVENTS, required=True, readonly=True)
    attempt = fields.Integer(string="Attempt No.", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True)
    error_kind = fields.Selection(ERROR_KINDS, readonly=True)
    error_code = fields.Char(readonly=True)
    error_args = fields.Json(readonly=True)
    error_note = fields.Text(readonly=True)
    provider_message = fields.Text(string="Accounting System Said", readonly=True)
    provider_said = fields.Text(string="Accounting System Said (Text)", compute="_compute_provider_said",
                                help="The accounting system's words as plain text (an HTML answer without its tags).")

    @api.depends("provider_message")
    def _compute_provider_said(self):
        for attempt in self:
            attempt.provider_said = html_to_text(attempt.provider_message) or False
    message = fields.Text(string="Reason", compute="_compute_message")

    @api.depends("error_code", "error_args", "error_note")
    @api.depends_context("lang")
    def _compute_message(self):
        for rec in self:
            rec.message = msgs.render(self.env, msgs.stored_message(
                rec.error_code, rec.error_args, rec.error_note)) or False
