"""Connections: what the set-up form needs besides the stored settings.

- Auth Method per provider: the form shows one selection per provider
  (``accurate_auth_method`` / ``jurnal_auth_method``) that writes the stored
  ``auth_method``, so Jurnal is never offered Accurate's methods and every
  method shows its own credential fields.
- The walk-in customer is picked from the customers Fetch lists read.
- A changed credential or host makes a tested connection "Not tested"
  again (the status said the old ones worked, not the new ones) and forgets
  what was learnt with the old ones (the data host, the database session).
"""

from odoo import api, fields, models

from .accounting_mapping import remote_choice
from .accounting_access import USER, check_action

ACCURATE_AUTH = [("api_token", "API token"), ("oauth", "OAuth")]
JURNAL_AUTH = [("hmac", "HMAC (Mekari)"), ("apikey", "API key (legacy)")]
#: what a person types on the Credentials tab; a change voids the last test.
#: (Tokens the provider hands back are written under ``accounting_learnt_credentials``.)
CREDENTIAL_FIELDS = ("auth_method", "base_url", "api_token", "signature_secret", "oauth_client_id",
                     "oauth_client_secret", "access_token", "refresh_token", "database_id", "client_id",
                     "client_secret", "api_key", "provider", "sandbox")
#: what the connection learnt with its settings (``on_credentials``), valid for those only
LEARNT_FIELDS = ("data_host", "session_id")


class AccountingConnectionSetup(models.Model):
    _inherit = "accounting.connection"

    accurate_auth_method = fields.Selection(
        ACCURATE_AUTH, string="Auth Method (Accurate)", compute="_compute_provider_auth_method",
        inverse="_inverse_accurate_auth_method",
        help="API token: made by a user of the Accurate database for your application (simplest). "
             "OAuth: the database owner approves your application; Odoo renews the access token itself.")
    jurnal_auth_method = fields.Selection(
        JURNAL_AUTH, string="Auth Method (Jurnal)", compute="_compute_provider_auth_method",
        inverse="_inverse_jurnal_auth_method",
        help="HMAC: a Client ID and Client Secret of a Mekari Developer application (api.mekari.com). "
             "API key: the legacy Jurnal API (api.jurnal.id).")
    default_customer_option_id = remote_choice(
        "Walk-in Customer", "customer", connection="id",
        help="The customer of the accounting system that sales without a customer are booked to "
             "(often \"Umum\" or \"Pelanggan Umum\"). Press Fetch lists to choose it.")
    default_customer_ref = fields.Char(compute="_compute_default_customer_ref", store=True, readonly=False)

    @api.depends("auth_method")
    def _compute_provider_auth_method(self):
        for rec in self:
            method = rec.auth_method
            rec.accurate_auth_method = method if method in dict(ACCURATE_AUTH) else "api_token"
            rec.jurnal_auth_method = method if method in dict(JURNAL_AUTH) else "hmac"

    def _inverse_accurate_auth_method(self):
        for rec in self.filtered(lambda r: r.provider == "accurate" and r.accurate_auth_method):
            rec.auth_method = rec.accurate_auth_method

    def _inverse_jurnal_auth_method(self):
        for rec in self.filtered(lambda r: r.provider == "jurnal" and r.jurnal_auth_method):
            rec.auth_method = rec.jurnal_auth_method

    @api.onchange("accurate_auth_method", "jurnal_auth_method")
    def _onchange_provider_auth_method(self):
        # the form shows credential groups by auth_method: keep it in step while editing
        method = self.accurate_auth_method if self.provider == "accurate" else self.jurnal_auth_method
        if method:
            self.auth_method = method

    @api.depends("default_customer_option_id")
    def _compute_default_customer_ref(self):
        # as copy_chosen_code: the pick fills the number; a number without a pick is kept
        for rec in self:
            if rec.default_customer_option_id:
                rec.default_customer_ref = rec.default_customer_option_id.code
            elif not rec.default_customer_ref:
                rec.default_customer_ref = False

    def write(self, vals):
        changed = set(vals) & set(CREDENTIAL_FIELDS)
        if not changed or self.env.context.get("accounting_learnt_credentials"):
            return super().write(vals)
        # only records whose value really changes
        edited = self.filtered(lambda r: any((r.sudo()[f] or False) != (vals[f] or False) for f in changed))
        result = super().write(vals)
        if edited:
            # the old host's data host and session would receive the new credentials
            edited._forget_learnt()
            # a paused connection stays paused until it is tested again
            stale = edited.filtered(lambda r: r.state in ("connected", "error"))
            if stale and "state" not in vals:
                super(AccountingConnectionSetup, stale).write({"state": "draft", "state_message": False})
        return result

    def _forget_learnt(self):
        """Drop what was learnt from the accounting system (data host,
        session): the next call asks its account layer again."""
        learnt = self.sudo().filtered(lambda r: any(r[f] for f in LEARNT_FIELDS))
        if learnt:
            learnt.with_context(accounting_learnt_credentials=True).write(dict.fromkeys(LEARNT_FIELDS, False))

    remote_option_count = fields.Integer(compute="_compute_remote_option_count")

    def _compute_remote_option_count(self):
        counts = dict(self.env["accounting.remote.option"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]))
        for rec in self:
            rec.remote_option_count = counts.get(rec, 0)

    def action_view_remote_options(self):
        """What Fetch lists read, by list and account kind (what each picker offers)."""
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_remote_option")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_group_type": 1}
        return action
