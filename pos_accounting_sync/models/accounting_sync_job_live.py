"""The worker leaves the jobs of a Jurnal connection not in live mode yet
where they are: pending, with the reason, and no request made."""

from datetime import timedelta

from odoo import fields, models

from . import accounting_messages as msgs


#: how long a held job waits before it is looked at again (turning live mode on releases it at once)
HOLD = timedelta(hours=6)


class AccountingSyncJobLive(models.Model):
    _inherit = "accounting.sync.job"

    def _process_claimed(self, run, commit):
        connection = self.connection_id
        if connection._holds_posting():
            run.skip_connections.add(connection.id)
            self.write({"state": "pending", "attempts": max(self.attempts - 1, 0)})
            # every waiting document of the connection says why, not only the one claimed
            waiting = self.search([("connection_id", "=", connection.id), ("state", "=", "pending")])
            waiting.write(dict(self._error_vals(False, msgs.message("job.not_live", conn=connection.display_name)),
                               next_attempt_at=fields.Datetime.now() + HOLD))
            return False
        return super()._process_claimed(run, commit)
