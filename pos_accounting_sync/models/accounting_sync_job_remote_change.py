from odoo import fields, models
from .accounting_access import USER, check_action

REMOTE_CHANGES = [
    ("edited", "Edited remotely"),
    ("deleted", "Deleted remotely"),
    ("duplicated", "Posted again remotely"),
]
#: a change stamped this soon after we saved the document is our own save (its
#: webhook echo, or Jurnal touching the invoice our receipt paid); system
#: parameter pos_accounting_sync.remote_change_grace_seconds
OWN_SAVE_GRACE_SECONDS = 120


class AccountingSyncJobRemoteChange(models.Model):
    """A synced document changed by a person in the accounting system:
    Accurate's WRITE/DELETE webhooks say so at once; the reconciliation finds
    it for both providers (a document missing, entered twice or with other
    figures than Odoo's)."""

    _inherit = "accounting.sync.job"

    remote_change = fields.Selection(
        REMOTE_CHANGES, readonly=True, index="btree_not_null", copy=False,
        help="The document was changed in the accounting system after Odoo posted it.")
    remote_change_at = fields.Datetime(readonly=True, copy=False)
    remote_change_note = fields.Char(readonly=True, copy=False)

    def _flag_remote_change(self, change, note=False):
        """Flag these jobs (a deletion is never downgraded to an edit)."""
        for job in self.sudo():
            if job.remote_change == change or (job.remote_change == "deleted" and change == "edited"):
                continue
            job.write({"remote_change": change, "remote_change_at": fields.Datetime.now(),
                       "remote_change_note": note or False})

    def _own_save_grace(self):
        value = self.env["ir.config_parameter"].sudo().get_param("pos_accounting_sync.remote_change_grace_seconds")
        try:
            return max(int(value), 0) if value not in (None, False, "") else OWN_SAVE_GRACE_SECONDS
        except ValueError:
            return OWN_SAVE_GRACE_SECONDS

    def _is_own_save_echo(self, received_at):
        self.ensure_one()
        if not self.date_done:
            return True  # not saved yet on our side: this is our own save arriving
        return (received_at - self.date_done).total_seconds() < self._own_save_grace()

    def action_clear_remote_change(self):
        """The accountant checked the change (and corrected it where needed)."""
        check_action(self, USER)
        self.sudo().write({"remote_change": False, "remote_change_at": False, "remote_change_note": False})
        return True
