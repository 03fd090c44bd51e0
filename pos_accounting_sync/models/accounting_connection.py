"""The connection to one accounting system: its fields, the mapping helpers
the feature code reads. Client, schedule and problems live in the
``accounting_connection_*`` files of the same model."""

import secrets
from datetime import datetime

from odoo import _, api, fields, models
from odoo.service import db as db_service
from odoo.tools import config

from .accounting_mapping import EXPENSE, INCOME, INCOME_OR_EXPENSE, copy_chosen_code, remote_choice
from . import accounting_messages as msgs
from .accounting_access import USER, check_action

MANAGER = "pos_accounting_sync.group_accounting_sync_manager"

#: record fields copied into accounting_connectors.client.ConnectionConfig
CONFIG_FIELDS = (
    "auth_method", "api_token", "signature_secret", "oauth_client_id", "oauth_client_secret",
    "access_token", "refresh_token", "database_id", "session_id", "data_host",
    "client_id", "client_secret", "api_key",
)
#: what a client may hand back through on_credentials (refreshed token, new host)
PERSISTED_FIELDS = ("access_token", "refresh_token", "session_id", "data_host", "database_id")
#: of those, what the provider revokes when it hands out a new one
ROTATED_FIELDS = ("access_token", "refresh_token")

SALES_KINDS = ("sales_invoice", "sales_receipt", "sales_return")
TRANSFER_KINDS = ("item_transfer",)


class AccountingConnection(models.Model):
    _name = "accounting.connection"
    _description = "Accounting System Connection"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    provider = fields.Selection(
        [("accurate", "Accurate Online"), ("jurnal", "Jurnal")], required=True,
        default="accurate", tracking=True)
    state = fields.Selection(
        [("draft", "Not tested"), ("connected", "Connected"), ("error", "Error"),
         ("paused", "Paused")],
        default="draft", required=True, readonly=True, copy=False, tracking=True,
        help="Paused: the accounting system refused our credentials; nothing is sent until "
             "an administrator fixes them and tests the connection again.")
    state_message = fields.Text(readonly=True, copy=False, string="Status Details")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user,
        help="Receives the to-do when documents fail or the connection stops.")
    base_url = fields.Char(
        string="Host", help="Leave empty for the production service. Another host must be a public https "
                            "address, unless the connection is a sandbox.")
    sandbox = fields.Boolean(
        copy=False, tracking=True,
        help="A test server you run (such as the local sandbox): its host may be http:// or a local or "
             "private address, and Odoo follows its redirects only to that same host. Leave it off for "
             "the real Accurate or Jurnal.")

    # --- credentials: readable by sync administrators only -------------------
    auth_method = fields.Selection(
        [("api_token", "API token (Accurate)"), ("oauth", "OAuth (Accurate)"),
         ("hmac", "HMAC (Jurnal / Mekari)"), ("apikey", "API key (Jurnal, legacy)")],
        default="api_token", required=True)
    api_token = fields.Char(
        string="API Token", groups=MANAGER, copy=False,
        help="In Accurate Online: Pengaturan > Accurate Store > API Token > pick the application > "
             "Buat API Token (the app must be installed first under Aplikasi Saya). It starts with \"aat.\".")
    signature_secret = fields.Char(
        groups=MANAGER, copy=False,
        help="The application's Signature Secret, shown beside its App Key in Accurate's Area Developer "
             "(account.accurate.id/developer > the application > API Token).")
    oauth_client_id = fields.Char(
        string="OAuth Client ID", groups=MANAGER, copy=False,
        help="Accurate Area Developer (account.accurate.id/developer) > the application: Client ID.")
    oauth_client_secret = fields.Char(
        string="OAuth Client Secret", groups=MANAGER, copy=False,
        help="Accurate Area Developer > the application: Client Secret.")
    access_token = fields.Char(
        groups=MANAGER, copy=False,
        help="Given by Accurate when the database owner approves the application (OAuth); renewed by "
             "itself with the refresh token.")
    refresh_token = fields.Char(
        groups=MANAGER, copy=False, help="Given by Accurate with the access token (OAuth).")
    database_id = fields.Char(
        string="Database ID", copy=False,
        help="OAuth only: the id of the Accurate database (data usaha), as listed by Accurate's db-list "
             "for the approved user. An API token carries its database itself.")
    session_id = fields.Char(groups=MANAGER, copy=False)
    data_host = fields.Char(groups=MANAGER, copy=False, help="Learnt from Accurate when connecting.")
    client_id = fields.Char(
        string="Client ID", groups=MANAGER, copy=False,
        help="Mekari Developer (developers.mekari.com) > Dashboard > Applications > your HMAC "
             "application for Jurnal: Client ID. One credential covers one Jurnal company.")
    client_secret = fields.Char(
        groups=MANAGER, copy=False, help="Same Mekari application: Client Secret (shown once when created).")
    api_key = fields.Char(
        string="API Key", groups=MANAGER, copy=False,
        help="Legacy Jurnal API (api.jurnal.id): the company's API key from Jurnal. Prefer HMAC.")
    webhook_token = fields.Char(
        groups=MANAGER, copy=False, default=lambda self: secrets.token_urlsafe(24))
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups=MANAGER,
        help="Paste it in Accurate's Area Developer > the application > Webhook, so purchases entered "
             "in Accurate reach Odoo.")

    # --- what is sent and when ---------------------------------------------
    sales_sync_mode = fields.Selection(
        [("realtime", "Real time"), ("session_close", "At session close"),
         ("scheduled", "At set hours")], default="session_close", required=True, tracking=True)
    sales_sync_hours = fields.Char(help='Times of day, e.g. "08:00, 21:30" (company time zone).')
    transfer_sync_mode = fields.Selection(
        [("realtime", "Real time"), ("scheduled", "At set hours")],
        default="realtime", required=True, tracking=True)
    transfer_sync_hours = fields.Char(help='Times of day, e.g. "12:00, 22:00".')
    rate_limit_per_minute = fields.Integer(
        string="Requests per Minute",
        help="0 = the provider's published limit (Accurate 8/s, Jurnal 40/min). Raise it only "
             "for a plan with a higher limit, or a sandbox. The count is shared by every Odoo "
             "worker and server using the same credentials.")
    request_timeout = fields.Integer(
        default=30, help="Seconds to wait for an answer before the outcome counts as unknown "
                         "(the document is then looked up before any new attempt).")
    use_partner_ref_as_customer_no = fields.Boolean(
        string="Use the partner's reference as customer number")
    default_customer_ref = fields.Char(
        string="Walk-in Customer Number", default="UMUM",
        help="Remote customer number used for sales without a customer; chosen from the fetched customers.")
    go_live_date = fields.Date(
        tracking=True, help="Nothing dated before this day is posted.")

    # --- mappings (remote codes, chosen from the fetched lists) -------------
    sales_account_option_id = remote_choice("Sales Account Choice", "account", connection="id", groups=INCOME)
    sales_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    discount_account_option_id = remote_choice(
        "Discount Account Choice", "account", connection="id", groups=INCOME_OR_EXPENSE)
    discount_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    rounding_account_option_id = remote_choice(
        "Rounding Account Choice", "account", connection="id", groups=INCOME_OR_EXPENSE)
    rounding_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    fee_account_option_id = remote_choice("Fee (MDR) Account Choice", "account", connection="id", groups=EXPENSE)
    fee_account = fields.Char(
        string="Fee (MDR) Account", compute="_compute_remote_codes", store=True, readonly=False)
    adjustment_account_option_id = remote_choice(
        "Adjustment Account Choice", "account", connection="id", groups=EXPENSE)
    adjustment_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    transit_warehouse_option_id = remote_choice("Transit Warehouse Choice", "warehouse", connection="id")
    transit_warehouse = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    outlet_map_ids = fields.One2many("accounting.outlet.map", "connection_id", string="Outlets")
    payment_map_ids = fields.One2many("accounting.payment.map", "connection_id", string="Payment Methods")
    warehouse_map_ids = fields.One2many("accounting.warehouse.map", "connection_id", string="Warehouses")
    remote_option_ids = fields.One2many("accounting.remote.option", "connection_id")
    lists_fetched_at = fields.Datetime(readonly=True, copy=False)

    job_ids = fields.One2many("accounting.sync.job", "connection_id")
    job_failed_count = fields.Integer(compute="_compute_job_counts")
    job_pending_count = fields.Integer(compute="_compute_job_counts")

    def init(self):
        # one active connection per company and accounting system (archived ones may pile up)
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS accounting_connection_company_provider_uniq
            ON accounting_connection (company_id, provider) WHERE active
        """)

    REMOTE_CODE_FIELDS = ("sales_account", "discount_account", "rounding_account",
                          "fee_account", "adjustment_account", "transit_warehouse")

    @api.depends(*(f + "_option_id" for f in REMOTE_CODE_FIELDS))
    def _compute_remote_codes(self):
        for fname in self.REMOTE_CODE_FIELDS:
            copy_chosen_code(self, fname)

    def _compute_webhook_url(self):
        # names the database: with several databases, the call carries no session
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            rec.webhook_url = rec.id and "%s/pos_accounting_sync/webhook/%s/%s/%s" % (
                base, self.env.cr.dbname, rec.id, rec.sudo().webhook_token) or False

    def _compute_job_counts(self):
        Job = self.env["accounting.sync.job"]
        counts = {
            (conn.id, state): count
            for conn, state, count in Job._read_group(
                [("connection_id", "in", self.ids), ("state", "in", ("failed", "blocked", "pending"))],
                ["connection_id", "state"], ["__count"])
        }
        for rec in self:
            rec.job_failed_count = counts.get((rec.id, "failed"), 0) + counts.get((rec.id, "blocked"), 0)
            rec.job_pending_count = counts.get((rec.id, "pending"), 0)

    @api.onchange("provider")
    def _onchange_provider(self):
        if self.provider == "jurnal" and self.auth_method in ("api_token", "oauth"):
            self.auth_method = "hmac"
        elif self.provider == "accurate" and self.auth_method in ("hmac", "apikey"):
            self.auth_method = "api_token"

    def _notify(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind,
                           "sticky": kind == "danger",
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_sync_job")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_filter_problem": 1}
        return action

    # --- helpers used by the feature code ---------------------------------
    def _outlet_map(self, pos_config):
        self.ensure_one()
        return self.outlet_map_ids.filtered(lambda m: m.active and m.pos_config_id == pos_config)[:1]

    def _payment_account(self, payment_method):
        self.ensure_one()
        line = self.payment_map_ids.filtered(lambda m: m.payment_method_id == payment_method)[:1]
        if not line or not line.remote_account:
            raise msgs.user_error(self.env, "mapping.payment_method_cash_bank", method=payment_method.display_name,
                                  conn=self.display_name)
        return line.remote_account

    def _remote_warehouse(self, warehouse_or_location):
        """Remote warehouse for a stock.warehouse or stock.location: the most
        specific mapping wins (location, then its warehouse)."""
        self.ensure_one()
        record = warehouse_or_location
        if not record:
            return ""
        if record._name == "stock.location":
            line = self.warehouse_map_ids.filtered(lambda m: m.location_id and m.location_id == record)[:1]
            if not line:
                parents = self.warehouse_map_ids.filtered(
                    lambda m: m.location_id and record.parent_path.startswith(m.location_id.parent_path))
                line = parents.sorted(lambda m: len(m.location_id.parent_path), reverse=True)[:1]
            if line:
                return line.remote_warehouse
            record = record.warehouse_id
        line = self.warehouse_map_ids.filtered(lambda m: m.warehouse_id == record and not m.location_id)[:1]
        return line.remote_warehouse or ""

    def _is_live(self, date):
        self.ensure_one()
        if not self.go_live_date or not date:
            return True
        if isinstance(date, datetime):
            date = fields.Datetime.context_timestamp(self, date).date()
        return date >= self.go_live_date

    @api.model
    def _for_company(self, company):
        # sudo: called from cashier/stock transactions that have no access to connections
        return self.sudo().search([("company_id", "=", company.id)])

    def _get_provider_label(self):
        self.ensure_one()
        return dict(self._fields["provider"]._description_selection(self.env)).get(self.provider, "")

    # --- inbound: fields the form shows ---------------------------------------------
    # (the flow itself: accounting.webhook.event and accounting.inbound.event)
    receive_purchases = fields.Boolean(
        default=True, help="Purchase invoices, purchase returns and goods received entered in the "
                           "accounting system become receipts and returns in Odoo.")
    purchase_poll_cursor = fields.Datetime(
        readonly=True, copy=False,
        help="Jurnal: when purchases were last polled. After a pause, the next polls catch up from the day "
             "before it, 31 days at a time.")
    purchase_poll_window_days = fields.Integer(
        string="Watch Edits For (days)", default=7,
        help="Jurnal lists purchases by creation day only: each poll re-reads those created in this "
             "many last days (31 at most), so that their later edits and deletions are seen.")
    webhook_expires_on = fields.Date(
        string="Webhook Subscription Expires", readonly=True, copy=False,
        help="Accurate stops sending webhooks 7 days after the last renewal; Odoo renews it every day.")
    webhook_check_message = fields.Char(string="Webhook Check", readonly=True, copy=False)
    webhook_reach_note = fields.Char(compute="_compute_webhook_reach_note")
    webhook_delivery_ids = fields.One2many("accounting.webhook.event", "connection_id")
    inbound_failed_count = fields.Integer(compute="_compute_inbound_failed_count")

    def _compute_webhook_reach_note(self):
        note = False
        if not config.get("dbfilter") and len(db_service.list_dbs(True)) > 1:
            note = _("This server holds several databases and has no database filter: Accurate's call "
                     "carries no login, so Odoo cannot pick %(db)s. Start Odoo with a --db-filter that "
                     "leads this URL's host to %(db)s (e.g. ^%%d$ with one host name per database).",
                     db=self.env.cr.dbname)
        for rec in self:
            rec.webhook_reach_note = note

    def _compute_inbound_failed_count(self):
        counts = dict(self.env["accounting.inbound.event"]._read_group(
            [("connection_id", "in", self.ids), ("state", "=", "failed")], ["connection_id"], ["__count"]))
        for rec in self:
            rec.inbound_failed_count = counts.get(rec, 0)

    def action_rotate_webhook_token(self):
        return self.env["accounting.webhook.event"]._rotate_token(self)

    def action_view_webhook_log(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_inbound_event")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_filter_failed": 1}
        return action

    # --- mapping health: fields the form shows ----------------------------------------
    # (the check itself: accounting.mapping.health)
    health_ids = fields.One2many("accounting.mapping.health", "connection_id", string="Mapping Health")
    health_count = fields.Integer(compute="_compute_health_count", string="Mapping Problems")
    health_checked_at = fields.Datetime(string="Mappings Checked", readonly=True, copy=False)

    def _compute_health_count(self):
        counts = dict(self.env["accounting.mapping.health"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]))
        for rec in self:
            rec.health_count = counts.get(rec, 0)

    def action_check_mapping_health(self):
        return self.env["accounting.mapping.health"]._action_check(self)

    def action_view_mapping_health(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_mapping_health")
        action.update(domain=[("connection_id", "=", self.id)], context={"create": False})
        return action

    # --- stock differences: the button the form shows (the comparison: accounting.stock.parity) ---
    def action_check_stock_parity(self):
        return self.env["accounting.stock.parity"]._action_check(self)
