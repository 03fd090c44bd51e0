import logging
import secrets
from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.api import Transaction
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConnectorError

from .accounting_mapping import copy_chosen_code, remote_choice

_logger = logging.getLogger(__name__)

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
        string="Host", help="Leave empty for the production service; any URL for a sandbox.")

    # --- credentials: readable by sync administrators only -------------------
    auth_method = fields.Selection(
        [("api_token", "API token (Accurate)"), ("oauth", "OAuth (Accurate)"),
         ("hmac", "HMAC (Jurnal / Mekari)"), ("apikey", "API key (Jurnal, legacy)")],
        default="api_token", required=True)
    api_token = fields.Char(groups=MANAGER, copy=False)
    signature_secret = fields.Char(groups=MANAGER, copy=False)
    oauth_client_id = fields.Char(string="OAuth Client ID", groups=MANAGER, copy=False)
    oauth_client_secret = fields.Char(string="OAuth Client Secret", groups=MANAGER, copy=False)
    access_token = fields.Char(groups=MANAGER, copy=False)
    refresh_token = fields.Char(groups=MANAGER, copy=False)
    database_id = fields.Char(string="Database ID", copy=False)
    session_id = fields.Char(groups=MANAGER, copy=False)
    data_host = fields.Char(groups=MANAGER, copy=False, help="Learnt from Accurate when connecting.")
    client_id = fields.Char(string="Client ID", groups=MANAGER, copy=False)
    client_secret = fields.Char(groups=MANAGER, copy=False)
    api_key = fields.Char(string="API Key", groups=MANAGER, copy=False)
    webhook_token = fields.Char(
        groups=MANAGER, copy=False, default=lambda self: secrets.token_urlsafe(24))
    webhook_url = fields.Char(compute="_compute_webhook_url", groups=MANAGER)

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
             "for a plan with a higher limit, or a sandbox. Each Odoo worker process keeps its own "
             "count: with several processes running the sync, divide the limit among them.")
    request_timeout = fields.Integer(
        default=30, help="Seconds to wait for an answer before the outcome counts as unknown "
                         "(the document is then looked up before any new attempt).")
    use_partner_ref_as_customer_no = fields.Boolean(
        string="Use the partner's reference as customer number")
    default_customer_ref = fields.Char(
        string="Walk-in Customer Number", default="UMUM",
        help="Remote customer number used for sales without a customer.")
    go_live_date = fields.Date(
        tracking=True, help="Nothing dated before this day is posted.")

    # --- mappings (remote codes, chosen from the fetched lists) -------------
    sales_account_option_id = remote_choice("Sales Account Choice", "account", connection="id")
    sales_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    discount_account_option_id = remote_choice("Discount Account Choice", "account", connection="id")
    discount_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    rounding_account_option_id = remote_choice("Rounding Account Choice", "account", connection="id")
    rounding_account = fields.Char(compute="_compute_remote_codes", store=True, readonly=False)
    fee_account_option_id = remote_choice("Fee (MDR) Account Choice", "account", connection="id")
    fee_account = fields.Char(
        string="Fee (MDR) Account", compute="_compute_remote_codes", store=True, readonly=False)
    adjustment_account_option_id = remote_choice("Adjustment Account Choice", "account", connection="id")
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
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            rec.webhook_url = rec.id and "%s/pos_accounting_sync/webhook/%s/%s" % (
                base, rec.id, rec.webhook_token) or False

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

    @api.constrains("sales_sync_hours", "transfer_sync_hours")
    def _check_hours(self):
        for rec in self:
            for value in (rec.sales_sync_hours, rec.transfer_sync_hours):
                self._parse_hours(value)

    @api.onchange("provider")
    def _onchange_provider(self):
        if self.provider == "jurnal" and self.auth_method in ("api_token", "oauth"):
            self.auth_method = "hmac"
        elif self.provider == "accurate" and self.auth_method in ("hmac", "apikey"):
            self.auth_method = "api_token"

    @api.model
    def _parse_hours(self, value):
        """'08:00, 21:30' -> [time(8, 0), time(21, 30)]; plain-words error otherwise."""
        result = []
        for part in (value or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                hour, _sep, minute = part.partition(":")
                result.append(time(int(hour), int(minute or 0)))
            except ValueError:
                raise ValidationError(_(
                    "“%(value)s” is not a time of day. Write the hours like 08:00, 21:30.",
                    value=part)) from None
        return sorted(result)

    # --- client --------------------------------------------------------------
    def _get_client(self):
        """A connector client for this connection. Secrets are read with sudo
        because the worker and cashier-side code run without the manager group;
        they stay inside the client (its redactor masks them in every copy)."""
        self.ensure_one()
        rec = self.sudo()
        values = {name: rec[name] or "" for name in CONFIG_FIELDS}
        conn_id, dbname, registry = self.id, self.env.cr.dbname, self.env.registry
        in_test = not self.env["accounting.sync.job"]._can_commit()
        env = self.env

        def on_credentials(changed):
            vals = {k: v for k, v in (changed or {}).items() if k in PERSISTED_FIELDS}
            rotated = {k: vals.pop(k) for k in ROTATED_FIELDS if k in vals}
            if vals or (rotated and in_test):
                # A host or session can be learnt again if this transaction rolls
                # back: written here, so that the caller's own later write on the
                # connection (Test connection sets its state) does not collide
                # with a row another transaction has just changed. Tests share
                # one transaction, which a second cursor would not see.
                env["accounting.connection"].sudo().browse(conn_id).write(dict(vals, **rotated))
            if not rotated or in_test:
                return
            # Own short transaction: a refreshed token must survive even if the
            # caller's transaction rolls back (the old one is already revoked).
            # Best effort: the client keeps the new values for this run anyway.
            vals = rotated
            try:
                with db_connect(dbname).cursor() as cr:
                    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    cr.execute("SET LOCAL lock_timeout = '5s'")
                    cr.transaction = Transaction(registry)  # no registry look-up (and its lock)
                    api.Environment(cr, SUPERUSER_ID, {})["accounting.connection"].browse(conn_id).write(vals)
            except Exception as exc:  # noqa: BLE001 - never break a sync for a cache write
                _logger.info("accounting sync: could not store refreshed credentials of connection %s: %s",
                             conn_id, type(exc).__name__)

        config = ConnectionConfig(provider=self.provider, base_url=(self.base_url or "").strip(),
                                  timeout=float(self.request_timeout or 30),
                                  rate_limits=[(self.rate_limit_per_minute, 60.0)]
                                  if self.rate_limit_per_minute else None,
                                  on_credentials=on_credentials, extra=self._connector_options(),
                                  **values)
        return make_client(config)

    def action_test_connection(self):
        self.ensure_one()
        try:
            facts = self._get_client().test_connection() or {}
        except ConnectorError as exc:
            self.write({"state": "error", "state_message": exc.message})
            return self._notify(_("Connection failed"), exc.message, "danger")
        details = facts.get("message") or ", ".join(
            "%s: %s" % (k.replace("_", " "), v) for k, v in facts.items() if v and k != "ok")
        self.write({"state": "connected", "state_message": details or False})
        self.activity_ids.filtered(lambda a: a.summary == self._problem_summary("auth")).action_feedback(
            _("The connection works again."))
        self.env["accounting.sync.job"]._trigger_worker()
        return self._notify(_("Connection works"), details or _("The credentials were accepted."), "success")

    def action_fetch_remote_lists(self):
        """Read warehouses and accounts from the accounting system so the
        mappings are chosen from a list, not typed."""
        self.ensure_one()
        client = self._get_client()
        try:
            warehouses = client.list_warehouses()
            accounts = client.list_accounts()
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists: %s", exc.message)) from None
        Option = self.env["accounting.remote.option"]
        Option._sync_options(self, "warehouse", [
            {"code": w.get("name") or str(w.get("id")), "name": w.get("name") or "",
             "remote_id": str(w.get("id") or "")}
            for w in warehouses])
        Option._sync_options(self, "account", [
            {"code": a.get("number") or str(a.get("id")), "remote_id": str(a.get("id") or ""),
             "name": a.get("name") or "", "account_type": a.get("type") or ""}
            for a in accounts])
        self.lists_fetched_at = fields.Datetime.now()
        return self._notify(_("Lists fetched"), _(
            "%(w)s warehouses and %(a)s accounts are now offered in the mappings.",
            w=len(warehouses), a=len(accounts)), "success")

    def _notify(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind,
                           "sticky": kind == "danger",
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    def action_view_jobs(self):
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
            raise UserError(_(
                "The payment method “%(method)s” has no cash/bank account in %(conn)s. "
                "Map it under Accounting Sync > Connections > Payment Methods.",
                method=payment_method.display_name, conn=self.display_name))
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

    def _next_sync_at(self, kind, now=None):
        """When a newly queued document of ``kind`` may go out: now, or the
        next of the set hours when that kind is synced at set hours."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        if kind in SALES_KINDS and self.sales_sync_mode == "scheduled":
            hours = self._parse_hours(self.sales_sync_hours)
        elif kind in TRANSFER_KINDS and self.transfer_sync_mode == "scheduled":
            hours = self._parse_hours(self.transfer_sync_hours)
        else:
            return now
        if not hours:
            return now
        tz = pytz.timezone(self.env.user.tz or self.company_id.partner_id.tz or "Asia/Jakarta")
        local_now = pytz.utc.localize(now).astimezone(tz)
        for day in range(2):
            for slot in hours:
                candidate = tz.localize(datetime.combine(local_now.date() + timedelta(days=day), slot))
                if candidate >= local_now:
                    return candidate.astimezone(pytz.utc).replace(tzinfo=None)
        return now

    # --- problems reach people as one activity per connection and problem ----
    @api.model
    def _problem_summary(self, problem):
        return {
            "auth": _("Accounting sync stopped: credentials refused"),
            "failed": _("Accounting sync: documents failed"),
        }[problem]

    def _raise_problem(self, problem, note):
        """Create, or refresh, the single open activity for this problem."""
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_problem")
        summary = self._problem_summary(problem)
        for rec in self.sudo():
            existing = rec.activity_ids.filtered(lambda a: a.summary == summary)
            if existing:
                existing[:1].note = note
                continue
            rec.activity_schedule(
                activity_type_id=activity_type.id, summary=summary, note=note,
                user_id=(rec.user_id or rec.company_id.partner_id.user_ids[:1]
                         or self.env.ref("base.user_admin")).id)

    def _pause(self, message):
        self.sudo().write({"state": "paused", "state_message": message})
        self._raise_problem("auth", _(
            "%(conn)s refused our credentials: %(msg)s Fix them on the connection and press "
            "Test connection; queued documents then go out.", conn=self.display_name, msg=message))

    @api.model
    def _cron_scheduled_sync(self):
        """Hourly: let feature modules queue what waits for set hours
        (``_collect_scheduled_documents``), then wake the worker."""
        for conn in self.search([("state", "!=", "paused")]):
            if "scheduled" in (conn.sales_sync_mode, conn.transfer_sync_mode):
                conn._collect_scheduled_documents()
        self.env["accounting.sync.job"]._trigger_worker()

    def _collect_scheduled_documents(self):
        """Extension point for feature modules (e.g. per-order sales at set
        hours). Documents already queued carry their own due time."""
        return self.env["accounting.sync.job"]
