"""Jurnal's live mode: until an administrator turns it on, a Jurnal
connection posts nothing (its documents wait in the sync log); once on, it
cannot be turned off (as in iSeller's Jurnal add-on: the books in Jurnal
start from that moment). Accurate connections have no such switch."""

from odoo import _, fields, models
from odoo.exceptions import UserError
from .accounting_access import MANAGER, check_action


class AccountingConnectionLive(models.Model):
    _inherit = "accounting.connection"

    live_mode = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="Jurnal only. Until it is on, nothing is posted to Jurnal: documents wait in the sync "
             "log. Once on, it cannot be turned off.")
    live_since = fields.Datetime(readonly=True, copy=False)

    def write(self, vals):
        # a live Jurnal connection stays live: the UI shows no way back, and
        # no user flow may write one (only the superuser, e.g. a support fix)
        if "live_mode" in vals and not vals["live_mode"] and not self.env.su:
            live = self.filtered("live_mode")
            if live:
                raise UserError(_("Live mode of %(conn)s cannot be turned off: documents already "
                                  "posted to Jurnal stay there.", conn=live[0].display_name))
        return super().write(vals)

    def _holds_posting(self):
        """True while this connection may not post: a Jurnal connection not live yet."""
        self.ensure_one()
        return self.provider == "jurnal" and not self.live_mode

    def _live_mode_message(self):
        return _("Jurnal is not in live mode yet: nothing is posted to %(conn)s until an "
                 "administrator turns live mode on (Accounting Sync > Connections).",
                 conn=self.display_name)

    def _check_live_mode(self):
        """Raise the reason when an admin action would post before live mode."""
        for rec in self:
            if rec._holds_posting():
                raise UserError(rec._live_mode_message())

    def action_enable_live_mode(self):
        """Turn live mode on (the button asks for confirmation first) and
        release the documents that waited for it."""
        check_action(self, MANAGER)
        for rec in self.filtered(lambda c: c.provider == "jurnal" and not c.live_mode):
            rec.write({"live_mode": True, "live_since": fields.Datetime.now()})
            held = self.env["accounting.sync.job"].sudo().search([
                ("connection_id", "=", rec.id), ("state", "=", "pending")])
            held.write({"next_attempt_at": fields.Datetime.now(), "error_message": False})
            rec.message_post(body=_("Live mode turned on: documents are now posted to Jurnal."))
        self.env["accounting.sync.job"]._trigger_worker()
        return True
