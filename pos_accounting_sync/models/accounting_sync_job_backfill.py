"""The worker feeds the running backfills when its queue runs dry, so the
next past record is queued the moment the previous one has gone out (no
wait for the backfill's cron between two records)."""

from odoo import api, models


class AccountingSyncJobBackfill(models.Model):
    _inherit = "accounting.sync.job"

    @api.model
    def _claim_next(self, connection, run, commit):
        job = super()._claim_next(connection, run, commit)
        if not job and self.env["accounting.backfill"]._feed(commit):
            job = super()._claim_next(connection, run, commit)
        return job
