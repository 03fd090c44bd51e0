from odoo import api, models

from .accounting_sync_job import STATE_SEVERITY
from .accounting_sync_mixin import sync_summary


class AccountingStockSyncStatus(models.AbstractModel):
    """Sync status of a record whose moves post stock documents (a picking, a
    scrap): the jobs of the documents that carry its moves."""

    _name = "accounting.stock.sync.mixin"
    _inherit = "accounting.sync.mixin"
    _description = "Accounting Stock Sync Status"

    #: the stock.move field pointing back to this record
    _accounting_move_field = None

    def _accounting_documents(self):
        return self.env["accounting.stock.document"].sudo().search(
            [("move_ids.%s" % self._accounting_move_field, "in", self.ids)])

    def _accounting_sync_domain(self):
        return [("res_model", "=", "accounting.stock.document"),
                ("res_id", "in", self._accounting_documents().ids)]

    @api.depends()
    def _compute_accounting_sync(self):
        rank = {state: i for i, state in enumerate(STATE_SEVERITY)}
        docs = self._accounting_documents() if self.ids else self.env["accounting.stock.document"]
        labels = dict(self.env["accounting.sync.job"]._fields["state"]._description_selection(self.env))
        for rec in self:
            jobs = docs.filtered(
                lambda d, r=rec: r in d.move_ids[self._accounting_move_field]).job_id
            rec.accounting_sync_job_ids = jobs
            rec.accounting_sync_job_count = len(jobs)
            rec.accounting_sync_state = min(jobs.mapped("state"), key=rank.get) if jobs else False
            # every computed field gets a value, or Odoo's own flows reading it fail
            rec.accounting_sync_summary = sync_summary(jobs.mapped("state"), labels)
