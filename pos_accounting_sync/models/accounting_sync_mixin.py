from odoo import api, fields, models

from .accounting_sync_job import STATE_SEVERITY, STATES
from .accounting_access import USER, check_action


def sync_summary(states, labels):
    """``"3 Failed"``: how many of ``states`` (job states, list of str) are
    the worst one, and its label from ``labels`` ({state: translated label});
    "" without states."""
    if not states:
        return ""
    worst = min(states, key=STATE_SEVERITY.index)
    return "%s %s" % (states.count(worst), labels.get(worst, worst))


class AccountingSyncMixin(models.AbstractModel):
    """Sync status on a source record (session, order, partner, product...):
    the feature modules inherit it and add a smart button."""

    _name = "accounting.sync.mixin"
    _description = "Accounting Sync Status"

    # compute_sudo: cashiers see the status of their own records without
    # having access to the sync log itself
    accounting_sync_job_ids = fields.One2many(
        "accounting.sync.job", compute="_compute_accounting_sync", compute_sudo=True,
        string="Accounting Sync Documents")
    accounting_sync_job_count = fields.Integer(
        compute="_compute_accounting_sync", compute_sudo=True, string="Accounting Documents")
    accounting_sync_state = fields.Selection(
        STATES, compute="_compute_accounting_sync", compute_sudo=True, string="Accounting Sync",
        help="The worst state of this record's documents in the accounting system.")
    accounting_sync_summary = fields.Char(
        compute="_compute_accounting_sync", compute_sudo=True, string="Accounting Status",
        help="How many documents are in the worst state, e.g. “3 Failed”: what the smart button shows.")

    def _accounting_sync_domain(self):
        return [("res_model", "=", self._name), ("res_id", "in", self.ids)]

    def _accounting_jobs_by_record(self, jobs):
        """``{record id: [job ids]}`` of ``jobs`` (those of :meth:`_accounting_sync_domain`)."""
        by_record = {}
        for job in jobs:
            if job.res_model == self._name:
                by_record.setdefault(job.res_id, []).append(job.id)
        return by_record

    @api.depends()
    def _compute_accounting_sync(self):
        jobs = self.env["accounting.sync.job"].search(self._accounting_sync_domain()) if self.ids else []
        by_record = self._accounting_jobs_by_record(jobs)
        rank = {state: i for i, state in enumerate(STATE_SEVERITY)}
        Job = self.env["accounting.sync.job"]
        labels = dict(Job._fields["state"]._description_selection(self.env))
        for rec in self:
            rec_jobs = Job.browse(by_record.get(rec.id, []))
            rec.accounting_sync_job_ids = rec_jobs
            rec.accounting_sync_job_count = len(rec_jobs)
            rec.accounting_sync_state = min(rec_jobs.mapped("state"), key=rank.get) if rec_jobs else False
            rec.accounting_sync_summary = sync_summary(rec_jobs.mapped("state"), labels)

    def action_view_accounting_sync_jobs(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_sync_job")
        action["domain"] = self._accounting_sync_domain()
        action["context"] = {"create": False}
        if len(self) == 1 and self.accounting_sync_job_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.accounting_sync_job_ids.id)
        return action
