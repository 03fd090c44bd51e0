"""Activities the sync raises carry which problem they report, so that one
activity per connection and problem is kept whatever language its summary
was written in."""

from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    accounting_problem = fields.Char(
        readonly=True, copy=False, help="The accounting sync problem this activity reports (auth, failed...).")
