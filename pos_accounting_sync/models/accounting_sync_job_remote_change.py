from odoo import _, fields, models

REMOTE_CHANGES = [
    ("edited", "Edited remotely"),
    ("deleted", "Deleted remotely"),
    ("duplicated", "Posted again remotely"),
]
#: a WRITE webhook this soon after we saved the document is the echo of our own save
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
            if job.remote_change == "deleted" and change == "edited":
                continue
            job.write({"remote_change": change, "remote_change_at": fields.Datetime.now(),
                       "remote_change_note": note or False})

    def _is_own_save_echo(self, received_at):
        self.ensure_one()
        if not self.date_done:
            return True  # not saved yet on our side: this is our own save arriving
        return (received_at - self.date_done).total_seconds() < OWN_SAVE_GRACE_SECONDS

    def action_clear_remote_change(self):
        """The accountant checked the change (and corrected it where needed)."""
        self.sudo().write({"remote_change": False, "remote_change_at": False, "remote_change_note": False})
        return True

    def _remote_change_label(self):
        return dict(self._fields["remote_change"]._description_selection(self.env)).get(
            self.remote_change, _("Unchanged"))
