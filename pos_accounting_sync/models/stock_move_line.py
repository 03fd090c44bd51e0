from odoo import fields, models

from .accounting_access import USER, check_action


class StockMoveLine(models.Model):
    """The moves history (where applied counts and scrap show): each line
    with its move's sync status and a link to the documents."""

    _inherit = "stock.move.line"

    accounting_sync_state = fields.Selection(related="move_id.accounting_sync_state")

    def action_view_accounting_sync_jobs(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        jobs = self.move_id._accounting_documents().job_id
        action.update(domain=[("id", "in", jobs.ids)], context={"create": False})
        return action
