"""The connection to one accounting system (Accurate Online or Jurnal) of a
company: its credentials and settings, what it sends and when, the accounts
and the mappings its documents read, and how its problems reach people.

The flows that use it live on their own models (the sync job and its
worker, the stock documents, the payouts, the reconciliation, the inbound
events); this model gives them its client and its mapped codes."""

import logging
import secrets
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.api import Transaction
from odoo.exceptions import UserError, ValidationError
from odoo.service import db as db_service
from odoo.sql_db import db_connect
from odoo.tools import config as odoo_config

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConnectorError
from accounting_connectors.ratelimit import limiter_key, scopes_for

from . import accounting_messages as msgs
from .accounting_access import MANAGER, USER, check_action
from ..tools.connection_fields import field_causes
from .accounting_mapping import (
    EXPENSE, INCOME, INCOME_OR_EXPENSE, RECEIVABLE, copy_chosen_code, remote_choice,
)
from .accounting_rate_limit import SharedRateLimiter
from ..tools.shop_time import local_date, shop_tz
from ..tools.sync_causes import SyncDataError

_logger = logging.getLogger(__name__)

# --- credentials ---------------------------------------------------------------
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
#: what a person types on the Credentials tab; a change voids the last test.
#: (Tokens the provider hands back are written under ``accounting_learnt_credentials``.)
CREDENTIAL_FIELDS = ("auth_method", "base_url", "api_token", "signature_secret", "oauth_client_id",
                     "oauth_client_secret", "access_token", "refresh_token", "database_id", "client_id",
                     "client_secret", "api_key", "provider", "sandbox")
#: what the connection learnt with its settings (``on_credentials``), valid for those only
LEARNT_FIELDS = ("data_host", "session_id")
#: the Auth Method offered per provider (the form shows one selection per provider)
ACCURATE_AUTH = [("api_token", "API token"), ("oauth", "OAuth")]
JURNAL_AUTH = [("hmac", "HMAC (Mekari)"), ("apikey", "API key (legacy)")]

# --- schedule -----------------------------------------------------------------
#: what a POS sale posts (all wait for the set hours in that mode; journal entries: over/short, sales as entries)
SALES_KINDS = ("sales_invoice", "sales_receipt", "sales_return", "customer_refund", "journal_entry")
TRANSFER_KINDS = ("item_transfer",)

# --- accounts (remote codes, each filled from its ``<field>_option_id`` pick) ----
#: the accounts of the POS documents and the transit warehouse
REMOTE_CODE_FIELDS = ("sales_account", "discount_account", "rounding_account",
                      "fee_account", "adjustment_account", "transit_warehouse")
#: connection field (remote account code) -> Jurnal client option; Jurnal
#: takes account NAMES: the client resolves each code through the chart
JURNAL_ACCOUNT_OPTIONS = {
    "receivable_account": "ar_account_name",
    "payable_account": "ap_account_name",
    "sales_account": "sell_account_name",
    "purchase_account": "buy_account_name",
    "inventory_account": "inventory_account_name",
    "sales_return_account": "sales_return_account_name",
    "output_tax_account": "tax_account_name",
    "adjustment_account": "return_stock_account",
}
#: the roles of POS lines that are not goods: booked to these accounts
LINE_ACCOUNT_FIELDS = ("tip_account", "service_account", "gift_card_account")
INCOME_LINE_ACCOUNT_FIELDS = ("tip_account", "service_account")
#: the accounts the connector clients read as options (the receivable is a cash code below)
OPTION_ACCOUNT_FIELDS = ("payable_account", "purchase_account", "inventory_account",
                         "sales_return_account", "output_tax_account") + LINE_ACCOUNT_FIELDS
#: accounts the money-out documents of a shift read (customer refunds, cash over/short)
CASH_CODE_FIELDS = ("cash_difference_account", "receivable_account")
#: connection fields whose change may cure a failure besides the accounts (the walk-in customer)
CONNECTION_FIELDS = ("default_customer_ref",)

# --- problems and digest ---------------------------------------------------------
#: Jurnal's API packages are monthly; the shop's calendar month is assumed
QUOTA_TZ = "Asia/Jakarta"
#: a section of the morning digest lists this many lines, then links to the rest
DIGEST_LINES = 20


def _data_error(env, code, causes, **args):
    """The "map it" error of sentence ``code``, naming ``causes``: the job
    that fails on it is retried by itself once they are fixed."""
    return msgs.user_error(env, code, cls=SyncDataError, causes=causes, **args)


#: the limits and the package an admin may set per connection (0 = the published figure; never below 0)
SCOPE_LIMIT_FIELDS = ("jurnal_consumer_per_minute", "jurnal_consumer_per_hour", "jurnal_address_per_minute",
                      "jurnal_address_per_hour", "accurate_per_second", "accurate_in_flight",
                      "jurnal_monthly_package")


class AccountingConnection(models.Model):
    _name = "accounting.connection"
    _description = "Accounting System Connection"
    _inherit = ["mail.thread", "mail.activity.mixin", "accounting.unique.mixin"]
    _order = "company_id, name"

    # one active connection per company and accounting system (archived ones
    # may pile up): said in words by accounting.unique.mixin, held by init()'s index
    _accounting_unique_keys = (("company_id", "provider"),)
    _accounting_unique_active_only = True

    # ------------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------------

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    provider = fields.Selection(
        [("accurate", "Accurate Online"), ("jurnal", "Jurnal")], required=True,
        default="accurate", tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user,
        help="Receives the to-do when documents fail or the connection stops.")

    # --- status: the banner is a message code and its arguments, read in the reader's language
    state = fields.Selection(
        [("draft", "Not tested"), ("connected", "Connected"), ("error", "Error"),
         ("paused", "Paused")], string="Status",
        default="draft", required=True, readonly=True, copy=False, tracking=True,
        help="Paused: the accounting system refused our credentials; nothing is sent until "
             "an administrator fixes them and tests the connection again.")
    state_code = fields.Char(readonly=True, copy=False, help="Code of the status details' sentence.")
    state_args = fields.Json(readonly=True, copy=False, help="The values the status details name.")
    state_note = fields.Text(readonly=True, copy=False, help="Status details that came without a code.")
    state_provider_message = fields.Text(
        string="Accounting System Said", readonly=True, copy=False,
        help="The accounting system's own words at the last test, as they came.")
    # the banner in the reader's language; writing a text (older callers) stores it as a note
    state_message = fields.Text(
        string="Status Details", compute="_compute_state_message", inverse="_inverse_state_message",
        readonly=True, copy=False)

    # --- where the accounting system is
    base_url = fields.Char(
        string="Host", help="Leave empty for the production service. Another host must be a public https "
                            "address, unless the connection is a sandbox.")
    sandbox = fields.Boolean(
        copy=False, tracking=True,
        help="A test server you run (such as the local sandbox): its host may be http:// or a local or "
             "private address, and Odoo follows its redirects only to that same host. Leave it off for "
             "the real Accurate or Jurnal.")
    rate_limit_per_minute = fields.Integer(
        string="Requests per Minute",
        help="0 = the provider's published limit (Accurate 8/s, Jurnal 40/min). Raise it only "
             "for a plan with a higher limit, or a sandbox. The count is shared by every Odoo "
             "worker and server using the same credentials.")
    request_timeout = fields.Integer(
        default=30, help="Seconds to wait for an answer before the outcome counts as unknown "
                         "(the document is then looked up before any new attempt).")

    # --- credentials: readable by sync administrators only
    auth_method = fields.Selection(
        [("api_token", "API token (Accurate)"), ("oauth", "OAuth (Accurate)"),
         ("hmac", "HMAC (Jurnal / Mekari)"), ("apikey", "API key (Jurnal, legacy)")],
        string="Authentication Method", default="api_token", required=True)
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
    api_token = fields.Char(
        string="API Token", groups=MANAGER, copy=False,
        help="In Accurate Online: Pengaturan > Accurate Store > API Token > pick the application > "
             "Buat API Token (the app must be installed first under Aplikasi Saya). It starts with \"aat.\".")
    signature_secret = fields.Char(
        groups=MANAGER, copy=False,
        help="The application's Signature Secret, shown beside its App Key in Accurate's Area Developer "
             "(account.accurate.id/developer > the application > API Token).")
    accurate_signature_encoding = fields.Selection(
        [("base64", "Base64"), ("hex", "Hex")], default="base64", required=True,
        help="How Accurate expects the API-token signature (Base64 unless Accurate says otherwise).")
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
    session_id = fields.Char(string="Session ID", groups=MANAGER, copy=False)
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
    jurnal_company_id = fields.Char(
        string="Jurnal Company ID", copy=False,
        help="The Jurnal company this connection posts to, learnt at the first successful Test connection. "
             "Credentials that open another company are then refused. Empty it to accept a new company.")
    webhook_token = fields.Char(
        groups=MANAGER, copy=False, default=lambda self: secrets.token_urlsafe(24))
    webhook_url = fields.Char(
        string="Webhook URL", compute="_compute_webhook_url", groups=MANAGER,
        help="Paste it in Accurate's Area Developer > the application > Webhook, so purchases entered "
             "in Accurate reach Odoo.")

    # --- schedule: what is sent and when
    sales_sync_mode = fields.Selection(
        [("realtime", "Real time"), ("session_close", "At session close"),
         ("scheduled", "At set hours"), ("daily", "Once a day per outlet")],
        default="session_close", required=True, tracking=True,
        help="Real time: one document set per order. At session close: one per shift. At set hours: one per "
             "shift, sent at the set hours. Once a day per outlet: every shift of an outlet's business day in "
             "one document set, sent after the day has ended (see Day Posted At).")
    sales_sync_hours = fields.Char(help='Times of day, e.g. "08:00, 21:30" (company time zone).')
    sales_posting = fields.Selection(
        [("items", "Sales invoices with items"), ("journal_entry", "Journal entries")],
        string="Post Sales As", default="items", required=True, tracking=True,
        help="Sales invoices with items: the accounting system gets invoices, receipts and returns with "
             "items, so its item reports and remote stock follow the sales. Journal entries: walk-in sales of "
             "each shift or day go out as one balanced journal entry (revenue, tax, money per payment method, "
             "discounts, rounding, cash over/short); customer-account sales keep one invoice per customer, "
             "booked to accounts. No item is pushed and no stock moves remotely: item reports stay in Odoo.")
    day_post_hour = fields.Float(
        string="Day Posted At", default=0.0,
        help="Once a day per outlet: the hour of the next morning (shop time) at which a business day's "
             "documents go out. 00:00: as soon as the day has ended.")
    settled_until = fields.Datetime(
        string="Settled Shifts Queued Until", readonly=True, copy=False,
        help="At session close with a settle delay: shifts closed up to this moment were queued.")
    settle_delay_hours = fields.Integer(
        string="Settle Delay (hours)", default=0, tracking=True,
        help="At session close and once a day: documents wait this many hours after the last close before "
             "they go out. A refund of one of their sales made meanwhile is folded into the same documents "
             "instead of posting a return later. 0: no wait.")
    sales_collected_at = fields.Datetime(
        string="Sales Collected Until", readonly=True, copy=False,
        help="Shifts closed after this moment are checked at the next set hour.")
    transfer_sync_mode = fields.Selection(
        [("realtime", "Real time"), ("scheduled", "At set hours")],
        default="realtime", required=True, tracking=True)
    transfer_sync_hours = fields.Char(help='Times of day, e.g. "12:00, 22:00".')
    stock_collected_at = fields.Datetime(
        string="Stock Documents Sent Until", readonly=True, copy=False,
        help="At set hours: when the stock documents gathered so far were last queued.")
    go_live_date = fields.Date(
        tracking=True, help="Nothing dated before this day is posted.")

    # --- live mode (Jurnal): nothing is posted before an administrator turns it on
    live_mode = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="Jurnal only. Until it is on, nothing is posted to Jurnal: documents wait in the sync "
             "log. Once on, it cannot be turned off.")
    live_since = fields.Datetime(readonly=True, copy=False)

    # --- customers
    use_partner_ref_as_customer_no = fields.Boolean(
        string="Use the partner's reference as customer number")
    default_customer_option_id = remote_choice(
        "Walk-in Customer", "customer", connection="id",
        help="The customer of the accounting system that sales without a customer are booked to "
             "(often \"Umum\" or \"Pelanggan Umum\"). Press Fetch lists to choose it.")
    default_customer_ref = fields.Char(
        string="Walk-in Customer Number", default="UMUM",
        compute="_compute_default_customer_ref", store=True, readonly=False,
        help="Remote customer number used for sales without a customer; chosen from the fetched customers.")

    # --- accounts of the POS documents (remote codes, chosen from the fetched lists)
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

    # --- accounts of POS lines that are not goods
    tip_account_option_id = remote_choice(
        "Tips Account Choice", "account", connection="id", groups=("income", "other_income", "liability"))
    tip_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                              help="Tips taken at the till (the outlet's tip product).")
    service_account_option_id = remote_choice(
        "Service Charge Account Choice", "account", connection="id", groups=INCOME)
    service_account = fields.Char(
        compute="_compute_option_codes", store=True, readonly=False,
        help="Service products sold without an internal reference (service charge, delivery fee...).")
    gift_card_account_option_id = remote_choice(
        "Gift Card Account Choice", "account", connection="id", groups=("liability",))
    gift_card_account = fields.Char(
        compute="_compute_option_codes", store=True, readonly=False,
        help="Liability for gift cards and eWallet top-ups sold at the till.")

    # --- money that is not a sale: the cash counted over or short at closing,
    # and the customers' receivable that Accurate's refund voucher debits
    # (Jurnal refunds a credit memo and needs no account for it)
    cash_difference_account_option_id = remote_choice(
        "Cash Difference Account Choice", "account", connection="id", groups=INCOME_OR_EXPENSE)
    cash_difference_account = fields.Char(
        compute="_compute_cash_codes", store=True, readonly=False,
        help="Where the cash counted over or short at the close of a shift is booked, against the "
             "cash account of the cash payment method, so the remote cash account equals the drawer.")
    receivable_account_option_id = remote_choice(
        "Customer Receivable Account Choice", "account", connection="id", groups=RECEIVABLE)
    receivable_account = fields.Char(
        string="Customer Receivable Account", compute="_compute_cash_codes", store=True, readonly=False,
        help="Accurate: the customers' receivable account (Piutang Usaha) a refund paid out of a "
             "cash/bank account is booked against, with the customer as subsidiary.")

    # --- Jurnal's options: the accounts of what it creates from Odoo
    payable_account_option_id = remote_choice("Payable Account Choice", "account", connection="id", groups=("payable",))
    payable_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                  help="Jurnal: A/P account of the customers created from Odoo.")
    purchase_account_option_id = remote_choice(
        "Purchase Account Choice", "account", connection="id", groups=("cost_of_sales", "expense", "inventory"))
    purchase_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                   help="Jurnal: buy account of the products created from Odoo.")
    inventory_account_option_id = remote_choice(
        "Inventory Account Choice", "account", connection="id", groups=("inventory",))
    inventory_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                    help="Jurnal: inventory asset account of the stocked products.")
    sales_return_account_option_id = remote_choice(
        "Sales Return Account Choice", "account", connection="id", groups=INCOME)
    sales_return_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                       help="Jurnal: account of returns booked as credit memos.")
    output_tax_account_option_id = remote_choice(
        "Output Tax Account Choice", "account", connection="id", groups=("liability",))
    output_tax_account = fields.Char(compute="_compute_option_codes", store=True, readonly=False,
                                     help="Jurnal: output tax (PPN Keluaran) of returns booked as credit memos.")
    jurnal_payment_method = fields.Char(
        default="Cash",
        help="Payment method named on Jurnal receive payments (created by Jurnal when new).")

    # --- mappings and the lists they are picked from
    outlet_map_ids = fields.One2many("accounting.outlet.map", "connection_id", string="Outlets")
    payment_map_ids = fields.One2many("accounting.payment.map", "connection_id", string="Payment Methods")
    warehouse_map_ids = fields.One2many("accounting.warehouse.map", "connection_id", string="Warehouses")
    tax_map_ids = fields.One2many("accounting.tax.map", "connection_id", string="Taxes")
    remote_option_ids = fields.One2many("accounting.remote.option", "connection_id", string="Remote Lists")
    remote_option_count = fields.Integer(compute="_compute_remote_option_count")
    lists_fetched_at = fields.Datetime(readonly=True, copy=False)

    # --- stock: the scrap account, the stock documents, the stock comparison
    scrap_account_option_id = remote_choice("Scrap Account Choice", "account", connection="id", groups=EXPENSE)
    scrap_account = fields.Char(
        compute="_compute_scrap_account", store=True, readonly=False,
        help="Account of scrapped goods; empty = the adjustment account.")
    stock_document_ids = fields.One2many("accounting.stock.document", "connection_id")
    parity_line_ids = fields.One2many("accounting.stock.parity", "connection_id")
    parity_checked_at = fields.Datetime(string="Stock Last Compared", readonly=True, copy=False)
    parity_difference_count = fields.Integer(compute="_compute_parity_difference_count",
                                             string="Stock Differences")

    # --- customer invoices outside the POS: which ones post, their line kinds, their payments' money
    invoice_sync = fields.Boolean(
        string="Post Customer Invoices", tracking=True,
        help="Customer invoices posted in Odoo (sales orders, website, marketplace connectors) become "
             "sales invoices, their payments receipts and their credit notes returns. Invoices of POS "
             "orders always stay with the POS sales.")
    invoice_journal_ids = fields.Many2many(
        "account.journal", "accounting_connection_invoice_journal_rel", "connection_id", "journal_id",
        string="Invoice Journals", domain="[('type', '=', 'sale'), ('company_id', '=', company_id)]",
        help="Only invoices of these journals post. Empty: every sales journal.")
    invoice_team_ids = fields.Many2many(
        "crm.team", "accounting_connection_invoice_team_rel", "connection_id", "team_id",
        string="Sales Teams", help="Only invoices of these sales teams post (needs the Sales app). Empty: any.")
    invoice_tag_ids = fields.Many2many(
        "crm.tag", "accounting_connection_invoice_tag_rel", "connection_id", "tag_id",
        string="Sales Order Tags",
        help="Only invoices of sales orders with one of these tags post (needs the Sales app). Empty: any.")
    invoice_line_kind_ids = fields.One2many(
        "accounting.invoice.line.kind", "connection_id", string="Invoice Line Kinds")
    invoice_journal_map_ids = fields.One2many(
        "accounting.invoice.journal.map", "connection_id", string="Payment Journals")

    # --- the sync log and its problems
    job_ids = fields.One2many("accounting.sync.job", "connection_id", string="Sync Log")
    job_failed_count = fields.Integer(compute="_compute_job_counts", string="Failed Documents")
    job_pending_count = fields.Integer(compute="_compute_job_counts", string="Waiting Documents")
    paused_until = fields.Datetime(
        readonly=True, copy=False, tracking=True,
        help="The accounting system's monthly API quota is used up: nothing is sent to it until "
             "this time (the first day of next month), or until an administrator resumes the sync.")

    # --- the providers' limits per scope, each overridable (issue #19; 0 = the published figure)
    jurnal_consumer_per_minute = fields.Integer(
        string="Per Consumer per Minute",
        help="0 = Jurnal help centre: 30 requests a minute per consumer (this connection's API credential). "
             "Set a lower figure to leave room for another application on the same credential.")
    jurnal_consumer_per_hour = fields.Integer(
        string="Per Consumer per Hour", help="0 = Jurnal help centre: 1,800 requests an hour per consumer.")
    jurnal_address_per_minute = fields.Integer(
        string="Per Server Address per Minute",
        help="0 = Jurnal help centre: 40 requests a minute per IP address, shared by every connection, "
             "worker and Odoo server sending from the same address.")
    jurnal_address_per_hour = fields.Integer(
        string="Per Server Address per Hour", help="0 = Jurnal help centre: 2,500 requests an hour per IP address.")
    accurate_per_second = fields.Integer(
        string="Requests per Second",
        help="0 = 8 requests a second per credential, the figure Accurate's integrators publish "
             "(Accurate itself publishes none).")
    accurate_in_flight = fields.Integer(
        string="Requests in Flight",
        help="0 = at most 8 requests waiting for their answer at once per credential, across every "
             "worker and server.")
    rate_limit_sources = fields.Text(
        string="Limits in Force", compute="_compute_rate_limit_sources",
        help="Each limit this connection is held to, and where the figure comes from.")
    jurnal_monthly_package = fields.Integer(
        string="Monthly API Package",
        help="The requests a month your Jurnal package allows (ask Jurnal or see your subscription). "
             "0 = unknown: the share used is not shown and no warning is given.")
    quota_month_count = fields.Integer(
        string="Requests this Month", compute="_compute_quota",
        help="Requests sent with this connection's credential this month (Asia/Jakarta), by every worker "
             "and server, reads included.")
    quota_share = fields.Float(
        string="Package Used (%)", compute="_compute_quota",
        help="Share of the monthly API package used; the morning digest warns from 80%.")

    def init(self):
        # one active connection per company and accounting system (archived ones may pile up)
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS accounting_connection_company_provider_uniq
            ON accounting_connection (company_id, provider) WHERE active
        """)

    # ------------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------------

    @api.depends("state_code", "state_args", "state_note")
    @api.depends_context("lang")
    def _compute_state_message(self):
        for rec in self:
            rec.state_message = msgs.render(self.env, msgs.stored_message(
                rec.state_code, rec.state_args, rec.state_note)) or False

    def _inverse_state_message(self):
        for rec in self:
            rec.write({"state_note": rec.state_message or False, "state_code": False, "state_args": False,
                       "state_provider_message": False})

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

    def _compute_webhook_url(self):
        # names the database: with several databases, the call carries no session
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for rec in self:
            rec.webhook_url = rec.id and "%s/pos_accounting_sync/webhook/%s/%s/%s" % (
                base, self.env.cr.dbname, rec.id, rec.sudo().webhook_token) or False

    @api.depends("default_customer_option_id")
    def _compute_default_customer_ref(self):
        # as copy_chosen_code: the pick fills the number; a number without a pick is kept
        for rec in self:
            if rec.default_customer_option_id:
                rec.default_customer_ref = rec.default_customer_option_id.code
            elif not rec.default_customer_ref:
                rec.default_customer_ref = False

    @api.depends(*(f + "_option_id" for f in REMOTE_CODE_FIELDS))
    def _compute_remote_codes(self):
        for fname in REMOTE_CODE_FIELDS:
            copy_chosen_code(self, fname)

    @api.depends(*(f + "_option_id" for f in OPTION_ACCOUNT_FIELDS))
    def _compute_option_codes(self):
        for fname in OPTION_ACCOUNT_FIELDS:
            copy_chosen_code(self, fname)

    @api.depends(*(f + "_option_id" for f in CASH_CODE_FIELDS))
    def _compute_cash_codes(self):
        for fname in CASH_CODE_FIELDS:
            copy_chosen_code(self, fname)

    @api.depends("scrap_account_option_id")
    def _compute_scrap_account(self):
        copy_chosen_code(self, "scrap_account")

    def _compute_remote_option_count(self):
        counts = dict(self.env["accounting.remote.option"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]))
        for rec in self:
            rec.remote_option_count = counts.get(rec, 0)

    def _compute_parity_difference_count(self):
        for conn in self:
            conn.parity_difference_count = len(conn.parity_line_ids)

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

    # ------------------------------------------------------------------
    # CONSTRAINS AND ONCHANGE METHODS
    # ------------------------------------------------------------------

    @api.constrains("provider", "base_url", "sandbox", "request_timeout", "rate_limit_per_minute")
    def _check_connection_settings(self):
        """Host, timeout and limits are checked by the connector on save, in
        its words, instead of failing later inside a cron run."""
        for rec in self:
            try:
                rec._connection_config().check()
            except ConnectorError as exc:
                raise ValidationError(_("%(conn)s: %(msg)s", conn=rec.display_name,
                                        msg=msgs.describe(self.env, exc))) from None

    @api.constrains("sales_sync_hours", "transfer_sync_hours", "sales_sync_mode", "transfer_sync_mode")
    def _check_hours(self):
        # only the hours of a mode "At set hours" are read: a value left in a hidden field blocks nothing
        for rec in self:
            if rec.sales_sync_mode == "scheduled":
                self._parse_hours(rec.sales_sync_hours)
            if rec.transfer_sync_mode == "scheduled":
                self._parse_hours(rec.transfer_sync_hours)

    @api.constrains("day_post_hour", "settle_delay_hours")
    def _check_day_posting(self):
        for rec in self:
            if not 0 <= rec.day_post_hour < 24:
                raise ValidationError(_("Day Posted At is an hour of the day, from 00:00 to 23:59."))
            if not 0 <= rec.settle_delay_hours <= 24 * 14:
                raise ValidationError(_("The settle delay is a number of hours from 0 to 336 (two weeks)."))

    @api.constrains("active")
    def _check_mapped_once(self):
        """Unarchiving a connection must not make an outlet or a warehouse post twice."""
        self.outlet_map_ids._check_one_connection()
        self.warehouse_map_ids._check_one_connection()

    def _accounting_unique_message(self, existing, key_fields):
        return _("%(company)s already has an active %(provider)s connection: %(other)s. Edit that one, "
                 "or archive it before adding another.", company=existing.company_id.display_name,
                 provider=dict(existing._fields["provider"]._description_selection(self.env)).get(
                     existing.provider), other=existing.display_name)

    @api.onchange("provider")
    def _onchange_provider(self):
        if self.provider == "jurnal" and self.auth_method in ("api_token", "oauth"):
            self.auth_method = "hmac"
        elif self.provider == "accurate" and self.auth_method in ("hmac", "apikey"):
            self.auth_method = "api_token"

    @api.onchange("accurate_auth_method", "jurnal_auth_method")
    def _onchange_provider_auth_method(self):
        # the form shows credential groups by auth_method: keep it in step while editing
        method = self.accurate_auth_method if self.provider == "accurate" else self.jurnal_auth_method
        if method:
            self.auth_method = method

    # ------------------------------------------------------------------
    # CRUD METHODS
    # ------------------------------------------------------------------

    def write(self, vals):
        # a credential or the host typed anew: the records whose value really
        # changes (the tokens and host the provider hands back are no edit)
        edited = self.browse()
        changed = set(vals) & set(CREDENTIAL_FIELDS)
        if changed and not self.env.context.get("accounting_learnt_credentials"):
            edited = self.filtered(lambda r: any((r.sudo()[f] or False) != (vals[f] or False) for f in changed))
        # a live Jurnal connection stays live: the UI shows no way back, and
        # no user flow may write one (only the superuser, e.g. a support fix)
        if "live_mode" in vals and not vals["live_mode"] and not self.env.su:
            live = self.filtered("live_mode")
            if live:
                raise UserError(_("Live mode of %(conn)s cannot be turned off: documents already "
                                  "posted to Jurnal stay there.", conn=live[0].display_name))
        # leaving "At set hours": what waited for a set hour goes out now
        transfers_leaving = self.filtered(lambda c: c.transfer_sync_mode == "scheduled") \
            if vals.get("transfer_sync_mode", "scheduled") != "scheduled" else self.browse()
        sales_leaving = self.filtered(lambda c: c.sales_sync_mode == "scheduled") \
            if vals.get("sales_sync_mode", "scheduled") != "scheduled" else self.browse()
        # shifts waiting for a settle delay that is shortened or left: due under the new setting
        was_delayed = self.filtered(lambda c: c.sales_sync_mode == "session_close" and c.settle_delay_hours)
        settling = {c: c.settle_delay_hours for c in was_delayed
                    if "sales_sync_mode" in vals or "settle_delay_hours" in vals}

        result = super().write(vals)

        if sales_leaving:
            # documents that waited for a set hour go out now; they are the
            # same rows, so nothing is posted twice or dropped
            self.env["accounting.sync.job"].sudo().search([
                ("connection_id", "in", sales_leaving.ids), ("state", "=", "pending"),
                ("kind", "in", SALES_KINDS)]).write({"next_attempt_at": fields.Datetime.now()})
            self.env["accounting.sync.job"]._trigger_worker()
        if "sales_sync_mode" in vals or "settle_delay_hours" in vals:
            # a delay that starts now: shifts closed before it went out at their close
            for conn in self.filtered(lambda c: c.sales_sync_mode == "session_close" and c.settle_delay_hours
                                      and c not in was_delayed):
                conn.sudo().settled_until = fields.Datetime.now()
        for conn, waited in settling.items():
            if conn.sales_sync_mode != "session_close" or conn.settle_delay_hours < waited:
                conn._accounting_collect_settled_sessions(fields.Datetime.now())
        if transfers_leaving:  # the stock documents gathered for a set hour go out now, once
            jobs = self.env["accounting.stock.document"].search(
                [("connection_id", "in", transfers_leaving.ids), ("state", "=", "draft")], order="id")._queue()
            if jobs:
                self.env["accounting.sync.job"]._trigger_worker()
        # an account or the walk-in customer fixed: what failed for want of it is retried
        code_fields = self._mapped_code_fields()
        fixed = set(vals) & (set(code_fields) | set(CONNECTION_FIELDS) | {f + "_option_id" for f in code_fields})
        if fixed:
            labels = ", ".join(self._fields[f].string for f in sorted(fixed))
            for rec in self:
                self.env["accounting.sync.job"]._requeue_fixed(rec, rec, reason=labels)
            # mapping health and the digest stop reporting what was just set
            named = {"default_customer_ref" if f == "default_customer_option_id" else f.removesuffix("_option_id")
                     for f in fixed}
            for rec in self:
                self.env["accounting.mapping.health"]._forget_fixed(rec, None, fields_set=named)
        if edited:
            # the old host's data host and session would receive the new credentials
            edited._forget_learnt()
            # the status said the old settings worked, not the new ones; a
            # paused connection stays paused until it is tested again
            stale = edited.filtered(lambda r: r.state in ("connected", "error"))
            if stale and "state" not in vals:
                super(AccountingConnection, stale).write({"state": "draft", "state_message": False})
        return result

    def _forget_learnt(self):
        """Drop what was learnt from the accounting system (data host,
        session): the next call asks its account layer again."""
        learnt = self.sudo().filtered(lambda r: any(r[f] for f in LEARNT_FIELDS))
        if learnt:
            learnt.with_context(accounting_learnt_credentials=True).write(dict.fromkeys(LEARNT_FIELDS, False))

    @api.model
    def _mapped_code_fields(self):
        """``{field: kind}`` of the connection's own remote codes (accounts,
        the transit warehouse): every Char with a ``<field>_option_id`` pick."""
        out = {}
        for name, field in self._fields.items():
            pick = self._fields.get(name + "_option_id")
            if field.type == "char" and pick is not None and pick.comodel_name == "accounting.remote.option":
                domain = str(pick.domain or "")
                out[name] = next((k for k in ("warehouse", "tax", "account") if "'%s'" % k in domain), "account")
        return out

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def _notify(self, title, message, kind):
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"title": title, "message": message, "type": kind,
                           "sticky": kind == "danger",
                           "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    def action_test_connection(self):
        check_action(self, MANAGER)
        self.ensure_one()
        # a test starts from the settings as typed: a data host or session learnt
        # before (even a bad one, e.g. a stored redirect) is asked again
        self._forget_learnt()
        try:
            facts = self._get_client().test_connection() or {}
        except ConnectorError as exc:
            self.write(dict(self._state_vals(exc), state="error"))
            return self._notify(_("Connection failed"), self.state_message, "danger")
        # a sentence (the connector's code), never a dump of keys
        stored = ({"code": facts["message_code"], "args": facts.get("message_params") or {}}
                  if facts.get("message_code") else {"code": "connection.accepted"})
        vals = dict(self._state_vals(stored), state="connected")
        if self.provider == "jurnal" and facts.get("company_id") and not self.jurnal_company_id:
            vals["jurnal_company_id"] = facts["company_id"]  # later tests refuse another company
        self.write(vals)
        self._close_problem("auth", _("The connection works again."))
        self.env["accounting.sync.job"]._trigger_worker()
        self.env["accounting.webhook.event"]._after_connection_test(self)
        return self._notify(_("Connection works"), self.state_message, "success")

    def action_fetch_remote_lists(self):
        """Read warehouses, accounts, customers and taxes from the accounting
        system so the mappings are chosen from a list, not typed; map each
        Odoo sales tax of the mapped outlets to the remote tax of the same
        rate when exactly one has it (anything else is left for the user)."""
        check_action(self, MANAGER)
        self.ensure_one()
        try:
            client = self._get_client()  # a stored host may already be refused here
            warehouses = client.list_warehouses()
            accounts = client.list_accounts()
            customers = client.list_customers()
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists: %s", msgs.describe(self.env, exc))) from None
        Option = self.env["accounting.remote.option"]
        Option._sync_options(self, "warehouse", [
            {"code": w.get("name") or str(w.get("id")), "name": w.get("name") or "",
             "remote_id": str(w.get("id") or "")}
            for w in warehouses])
        Option._sync_options(self, "account", [
            {"code": a.get("number") or str(a.get("id")), "remote_id": str(a.get("id") or ""),
             "name": a.get("name") or "", "account_type": a.get("type") or ""}
            for a in accounts])
        Option._sync_options(self, "customer", [
            {"code": c.get("number") or str(c.get("id")), "remote_id": str(c.get("id") or ""),
             "name": c.get("name") or ""}
            for c in customers])
        self.lists_fetched_at = fields.Datetime.now()
        try:
            taxes = client.list_taxes()
        except ConnectorError as exc:
            raise UserError(_("Could not read the taxes: %(error)s", error=msgs.describe(self.env, exc))) from None
        Option._sync_options(self, "tax", [
            {"code": t["name"], "name": t["name"], "remote_id": t.get("id") or "", "rate": float(t["rate"])}
            for t in taxes if t.get("name")])
        self._propose_tax_map()
        return self._notify(_("Lists fetched"), _(
            "%(w)s warehouses, %(a)s accounts and %(c)s customers are now offered in the mappings.",
            w=len(warehouses), a=len(accounts), c=len(customers)), "success")

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_sync_job")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_filter_problem": 1}
        return action

    def action_view_remote_options(self):
        """What Fetch lists read, by list and account kind (what each picker offers)."""
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_remote_option")
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"search_default_group_type": 1}
        return action

    def action_enable_live_mode(self):
        """Turn live mode on (the button asks for confirmation first) and
        release the documents that waited for it."""
        check_action(self, MANAGER)
        for rec in self.filtered(lambda c: c.provider == "jurnal" and not c.live_mode):
            # a green check means the first shift posts: refused with the list of what is missing
            self.env["accounting.mapping.health"]._check_go_live(rec)
            rec.write({"live_mode": True, "live_since": fields.Datetime.now()})
            held = self.env["accounting.sync.job"].sudo().search([
                ("connection_id", "=", rec.id), ("state", "=", "pending")])
            held.write({"next_attempt_at": fields.Datetime.now(), "error_message": False})
            rec.message_post(body=_("Live mode turned on: documents are now posted to Jurnal."))
        self.env["accounting.sync.job"]._trigger_worker()
        return True

    def action_resume_sync(self):
        """An administrator raised the quota (or wants to try): send again now."""
        check_action(self, MANAGER)
        self.sudo().paused_until = False
        self._close_problem("quota", _("Resumed by %s.", self.env.user.name))
        self.env["accounting.sync.job"]._trigger_worker()
        return True

    # ------------------------------------------------------------------
    # CRON METHODS
    # ------------------------------------------------------------------

    @api.model
    def _cron_scheduled_sync(self):
        """Hourly: queue what waits for set hours (``_collect_scheduled_documents``),
        then wake the worker."""
        due = self.search([("state", "!=", "paused")]).filtered(
            lambda conn: "scheduled" in (conn.sales_sync_mode, conn.transfer_sync_mode))
        self._run_isolated(due, _("Queuing the documents of the set hours"),
                           lambda conn: conn._collect_scheduled_documents())
        self.env["accounting.sync.job"]._trigger_worker()

    @api.model
    def _cron_morning_digest(self):
        self._run_isolated(self.search([]), _("The morning digest"), lambda conn: conn._post_digest())

    @api.model
    def _run_isolated(self, records, task, run, commit=None):
        """Call ``run(record)`` for each of ``records`` (connections, or
        other records with a chatter) in its own savepoint: an exception is
        logged, posted on that record (``task``: what the cron does, in
        words) and the loop goes on. ``commit`` (default: when the cron may
        commit) commits after each record. Returns the records that failed."""
        if commit is None:
            commit = self.env["accounting.sync.job"]._can_commit()
        failed = records.browse()
        for record in records:
            try:
                with self.env.cr.savepoint():
                    run(record)
            except Exception as exc:  # noqa: BLE001 - one record's failure never stops the others
                _logger.exception("accounting sync: %s failed for %s %s", task, record._name, record.id)
                failed |= record
                self._report_isolated_failure(record, task, exc)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit; each record's work is its own
        return failed

    @api.model
    def _report_isolated_failure(self, record, task, exc):
        """Post on ``record`` that ``task`` failed there (never a traceback:
        the log has it); a failure to post is only logged."""
        if isinstance(exc, ConnectorError):
            reason = msgs.describe(self.env, exc)
        elif isinstance(exc, UserError):
            reason = exc.args[0]
        else:
            reason = _("an unexpected error (%(type)s); the server log has the details", type=type(exc).__name__)
        try:
            with self.env.cr.savepoint():
                record.sudo().message_post(body=_("%(task)s failed here; the others went on: "
                                                  "%(reason)s", task=task, reason=reason))
        except Exception:  # noqa: BLE001 - the log line above already tells it
            _logger.exception("accounting sync: could not report the failure on %s %s", record._name, record.id)

    # ------------------------------------------------------------------
    # THE CONNECTOR CLIENT
    # ------------------------------------------------------------------

    def _get_client(self, before_request=None):
        """A connector client for this connection. Secrets are read with sudo
        because the worker and cashier-side code run without the manager group;
        they stay inside the client (its redactor masks them in every copy).

        Its requests share one rate limit with every Odoo process using the
        same credential (:class:`SharedRateLimiter`); ``before_request`` (no
        argument) is called before each HTTP request (the worker renews its
        lease on the job there)."""
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
                env["accounting.connection"].sudo().with_context(accounting_learnt_credentials=True).browse(
                    conn_id).write(dict(vals, **rotated))
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
                    api.Environment(cr, SUPERUSER_ID, {"accounting_learnt_credentials": True})[
                        "accounting.connection"].browse(conn_id).write(vals)
            except Exception as exc:  # noqa: BLE001 - never break a sync for a cache write
                _logger.info("accounting sync: could not store refreshed credentials of connection %s: %s",
                             conn_id, type(exc).__name__)

        config = self._connection_config(on_credentials=on_credentials, extra=self._connector_options(), **values)
        config.limiter = self._shared_limiter(config, before_request)
        return make_client(config)

    def _connection_config(self, **values):
        """The ConnectionConfig of this record's non-secret settings, plus
        ``values`` (credentials, callbacks)."""
        self.ensure_one()
        limits = self.env["accounting.rate.limit"]._config_limits(self)
        return ConnectionConfig(provider=self.provider, base_url=(self.base_url or "").strip(),
                                sandbox=bool(self.sandbox), timeout=float(self.request_timeout or 30),
                                **dict(limits, **values))

    def _connector_options(self):
        """``ConnectionConfig.extra``: every option the connector clients and
        mappings read (see ``test_connector_options``), from fields above."""
        self.ensure_one()
        if self.provider == "accurate":
            return {"signature_encoding": self.accurate_signature_encoding or "base64"}
        options = {option: self[fname] or "" for fname, option in JURNAL_ACCOUNT_OPTIONS.items()}
        options["payment_method_name"] = self.jurnal_payment_method or "Cash"
        options["company_id"] = self.jurnal_company_id or ""
        return {k: v for k, v in options.items() if v}

    def _shared_limiter(self, config, before_request=None):
        """The limiter of this connection's credential (and Jurnal's server
        address), shared through the database by every worker and server."""
        timeout = config.timeout
        seconds = sum(timeout) if isinstance(timeout, (tuple, list)) else float(timeout)
        return SharedRateLimiter(self.env.cr.dbname, scopes=scopes_for(config), max_wait=config.max_wait,
                                 request_seconds=seconds, before_request=before_request,
                                 company_id=self.company_id.id or None)

    # ------------------------------------------------------------------
    # MAPPINGS: what the documents read
    # ------------------------------------------------------------------

    @api.model
    def _for_company(self, company):
        # sudo: called from cashier/stock transactions that have no access to connections
        return self.sudo().search([("company_id", "=", company.id)])

    def _outlet_map(self, pos_config):
        self.ensure_one()
        return self.outlet_map_ids.filtered(lambda m: m.active and m.pos_config_id == pos_config)[:1]

    def _payment_account(self, payment_method):
        self.ensure_one()
        line = self.payment_map_ids.filtered(lambda m: m.payment_method_id == payment_method)[:1]
        if not line or not line.remote_account:
            raise _data_error(self.env, "mapping.payment_method_cash_bank", payment_method,
                              method=payment_method.display_name, conn=self.display_name)
        return line.remote_account

    def _remote_tax(self, tax):
        """The remote tax name of an Odoo sales tax, else a plain error
        naming the tax and where to map it."""
        self.ensure_one()
        line = self.tax_map_ids.filtered(lambda m: m.tax_id == tax)[:1]
        if not line or not line.remote_tax:
            raise _data_error(self.env, "mapping.tax_remote_tax_map", tax, tax=tax.display_name,
                              conn=self.display_name)
        return line.remote_tax

    def _tax_map_line(self, tax):
        """The tax mapping line of an Odoo sales tax (empty when unmapped)."""
        self.ensure_one()
        return self.tax_map_ids.filtered(lambda m: m.tax_id == tax)[:1]

    def _regional_taxes(self):
        """The Odoo taxes mapped as regional taxes (PB1): never PPN remotely."""
        self.ensure_one()
        return self.tax_map_ids.filtered(lambda m: m.treatment == "regional").tax_id

    def _line_account(self, fname, line):
        """The remote account for a POS line that is not goods: its own
        account, else (tips, service charges: income either way) the sales
        account, so an unmapped tip never holds the shift; else a plain error
        naming the line and the field to set (a gift card is a liability:
        never booked as a sale)."""
        self.ensure_one()
        if not self[fname] and fname in INCOME_LINE_ACCOUNT_FIELDS and self.sales_account:
            return self.sales_account
        if not self[fname]:
            raise _data_error(self.env, "mapping.booked_does_map_pick", field_causes(self, fname),
                              product=line.product_id.display_name, account=self._fields[fname].string,
                              conn=self.display_name)
        return self[fname]

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

    def _propose_tax_map(self):
        self.ensure_one()
        configs = self.outlet_map_ids.pos_config_id
        products = self.env["product.product"].search([("available_in_pos", "=", True),
                                                       ("company_id", "in", [False, self.company_id.id])])
        taxes = (products.taxes_id | configs.tip_product_id.taxes_id).filtered(
            lambda t: t.company_id == self.company_id and t.type_tax_use == "sale")
        options = self.remote_option_ids.filtered(lambda o: o.option_type == "tax" and o.active)
        TaxMap = self.env["accounting.tax.map"]
        for tax in taxes.flatten_taxes_hierarchy() - self.tax_map_ids.tax_id:
            # l10n_id's ST1 ("12%" computed at 11%) goes to an 11% record, else at DPP 11/12 where possible
            proposal = TaxMap._proposal(self, tax, options)
            if proposal:
                TaxMap.create(dict(proposal, connection_id=self.id, tax_id=tax.id))

    # ------------------------------------------------------------------
    # CUSTOMER INVOICES: which ones post, where their lines and money go
    # ------------------------------------------------------------------

    def _invoice_selected(self, move):
        """True when this connection posts the customer invoice ``move``
        (account.move out_invoice/out_refund): switched on, same company,
        not a POS invoice, of a chosen journal/team/tag, dated from go-live."""
        self.ensure_one()
        if not self.invoice_sync or move.company_id != self.company_id:
            return False
        if move._accounting_from_pos():
            return False
        if self.invoice_journal_ids and move.journal_id not in self.invoice_journal_ids:
            return False
        if self.invoice_team_ids and ("team_id" not in move._fields or move.team_id not in self.invoice_team_ids):
            return False
        if self.invoice_tag_ids and not (move._accounting_sale_tags() & self.invoice_tag_ids):
            return False
        return self._is_live(move.invoice_date or move.date)

    def _invoice_line_kind(self, line):
        """The line kind (accounting.invoice.line.kind) of an invoice line, or
        an empty recordset for goods."""
        self.ensure_one()
        return self.invoice_line_kind_ids.sorted("sequence").filtered(lambda k: k._matches_line(line))[:1]

    def _invoice_writeoff_kind(self, account):
        """The line kind a payment's write-off on ``account`` is booked as; a
        plain error naming the account when none is mapped."""
        self.ensure_one()
        kind = self.invoice_line_kind_ids.sorted("sequence").filtered(lambda k: k._matches_account(account))[:1]
        if not kind:
            raise msgs.user_error(self.env, "mapping.payment_keeps_back_amount", account=account.display_name,
                                  conn=self.display_name)
        return kind

    def _invoice_money_account(self, journal):
        """The remote cash/bank account of money registered on ``journal``:
        its Payment Journals line, else a mapped POS payment method using it."""
        self.ensure_one()
        line = self.invoice_journal_map_ids.filtered(lambda m: m.journal_id == journal)[:1]
        if line:
            return line.remote_account
        mapping = self.payment_map_ids.filtered(
            lambda m: m.payment_method_id.journal_id == journal and m.remote_account)[:1]
        if not mapping:
            raise msgs.user_error(self.env, "mapping.payment_registered_journal_does", journal=journal.display_name,
                                  conn=self.display_name)
        return mapping.remote_account

    # ------------------------------------------------------------------
    # SCHEDULE: go-live, live mode and set hours
    # ------------------------------------------------------------------

    def _is_live(self, date):
        self.ensure_one()
        if not self.go_live_date or not date:
            return True
        if isinstance(date, datetime):
            date = fields.Datetime.context_timestamp(self, date).date()
        return date >= self.go_live_date

    def _holds_posting(self):
        """True while this connection may not post: a Jurnal connection not
        live yet (as in iSeller's Jurnal add-on: its books in Jurnal start
        when live mode is turned on). Accurate connections have no such switch."""
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

    @api.model
    def _parse_hours(self, value):
        """'08:00, 21:30' (or '21.30', as Indonesians write times) ->
        [time(8, 0), time(21, 30)]; plain-words error otherwise."""
        result = []
        for part in (value or "").replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                hour, _sep, minute = part.replace(".", ":").partition(":")
                if minute and len(minute.strip()) != 2:
                    raise ValueError(part)
                result.append(time(int(hour), int(minute or 0)))
            except ValueError:
                raise ValidationError(_(
                    "“%(value)s” is not a time of day. Write the hours like 08:00, 21:30.",
                    value=part)) from None
        return sorted(result)

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

    def _collect_scheduled_documents(self):
        """Queue what waits for set hours; returns the jobs queued.

        A closed shift is queued at once in every mode; at set hours its
        documents simply wait (``_next_sync_at``) for the next set hour. Here
        any mapped shift closed since the last run that has no document yet
        (e.g. closed before its outlet was mapped) is queued too, so nothing
        is skipped; and the stock documents gathered so far are queued once
        the last set hour of transfers has passed."""
        jobs = self.env["accounting.sync.job"]
        now = fields.Datetime.now()
        for conn in self.filtered(lambda c: c.sales_sync_mode == "scheduled"):
            jobs |= conn._accounting_collect_sessions(now)
        for conn in self.filtered(lambda c: c.transfer_sync_mode == "scheduled"):
            slot = conn._last_transfer_slot(now)
            if slot and (not conn.stock_collected_at or conn.stock_collected_at < slot):
                drafts = self.env["accounting.stock.document"].search(
                    [("connection_id", "=", conn.id), ("state", "=", "draft")], order="id")
                jobs |= drafts._queue()
                conn.stock_collected_at = now
        return jobs

    def _accounting_collect_sessions(self, now):
        self.ensure_one()
        configs = self.outlet_map_ids.filtered("active").pos_config_id
        domain = [("config_id", "in", configs.ids), ("state", "=", "closed"), ("stop_at", "<=", now)]
        since = self.sales_collected_at or (
            self.go_live_date and fields.Datetime.to_datetime(self.go_live_date))
        if since:
            domain.append(("stop_at", ">", since))
        sessions = self.env["pos.session"].sudo().search(domain)
        queued = set(self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", self.id), ("res_model", "=", "pos.session"),
            ("res_id", "in", sessions.ids)]).mapped("res_id"))
        jobs = sessions.filtered(lambda s: s.id not in queued)._accounting_enqueue_sales(connections=self)
        self.sales_collected_at = now
        return jobs

    def _accounting_collect_settled_sessions(self, now):
        """At session close with a settle delay: queue the mapped shifts
        whose delay has passed and that have no document yet (they waited
        so that a refund made meanwhile folds into them, from where the
        last run stopped); returns the jobs. Called with the delay just
        shortened or the mode left, it queues what is due under the new one."""
        self.ensure_one()
        delay = self.settle_delay_hours if self.sales_sync_mode == "session_close" else 0
        cutoff = now - timedelta(hours=delay)
        configs = self.outlet_map_ids.filtered("active").pos_config_id
        # from where the last run stopped (a server down for days loses nothing); shifts closed before
        # the delay was set went out at their close
        since = self.settled_until or self.create_date
        domain = [("config_id", "in", configs.ids), ("state", "=", "closed"), ("rescue", "=", False),
                  ("stop_at", "<=", cutoff), ("stop_at", ">=", since)]
        sessions = self.env["pos.session"].sudo().search(domain).filtered(lambda s: self._is_live(s.stop_at))
        queued = set(self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", self.id), ("res_model", "=", "pos.session"),
            ("res_id", "in", sessions.ids)]).mapped("res_id"))
        jobs = sessions.filtered(lambda s: s.id not in queued)._accounting_enqueue_sales(
            connections=self, settled=True)
        if delay and cutoff > since:
            self.sudo().settled_until = cutoff
        return jobs

    def _last_transfer_slot(self, now):
        """The latest set hour at or before ``now`` (UTC, naive), in the
        shop's time zone (the company's), whoever runs the cron."""
        self.ensure_one()
        hours = self._parse_hours(self.transfer_sync_hours)
        if not hours:
            return now  # set hours without hours: every run is one
        tz = pytz.timezone(self.company_id.partner_id.tz or "Asia/Jakarta")
        local_now = pytz.utc.localize(now).astimezone(tz)
        for day in (0, -1):
            for slot in reversed(hours):
                moment = tz.localize(datetime.combine(local_now.date() + timedelta(days=day), slot))
                if moment <= local_now:
                    return moment.astimezone(pytz.utc).replace(tzinfo=None)
        return None

    # ------------------------------------------------------------------
    # STATUS AND PROBLEMS: one activity per connection and problem, in the
    # responsible's language; credentials refused or a used-up monthly quota
    # pause the connection
    # ------------------------------------------------------------------

    @api.model
    def _state_vals(self, stored, provider_message=None):
        """The values of a status banner: ``stored`` is a message, a
        connector error, a text or None."""
        if isinstance(stored, Exception):
            provider_message = provider_message or getattr(stored, "provider_message", None)
            stored = msgs.from_exception(stored)
        if isinstance(stored, str):
            stored = {"text": stored}
        stored = stored or {}
        code = stored.get("code") or False
        return {"state_code": code, "state_args": msgs._plain(stored.get("args")) if code else False,
                "state_note": False if code else (stored.get("text") or False),
                "state_provider_message": provider_message or False}

    @api.model
    def _problem_summary(self, problem):
        return {
            "auth": _("Accounting sync stopped: credentials refused"),
            "failed": _("Accounting sync: documents failed"),
            "quota": _("Accounting sync paused: monthly API quota used up"),
            "inbound_failed": _("Accounting sync: purchases not received"),
            "inbound_poll": _("Accounting sync: purchases not read"),
            "inbound_renew": _("Accounting sync: webhook subscription not renewed"),
            "inbound_lapsed": _("Accounting sync: Accurate's webhook went silent"),
        }[problem]

    def _problem_activities(self, problem):
        """The open activities of ``problem`` on these connections (also
        those written before activities carried their problem)."""
        summaries = {self.with_context(lang=code)._problem_summary(problem)
                     for code, _name in self.env["res.lang"].get_installed()}
        return self.sudo().activity_ids.filtered(
            lambda a: a.accounting_problem == problem or (not a.accounting_problem and a.summary in summaries))

    def _problem_user(self):
        self.ensure_one()
        return (self.user_id or self.company_id.partner_id.user_ids[:1] or self.env.ref("base.user_admin"))

    def _raise_problem(self, problem, note):
        """Create, or refresh, the single open activity for this problem;
        ``note`` (a message or a text) and the summary are written in the
        language of the person it is assigned to; the note is plain text
        (names and the provider's words are escaped, never read as HTML)."""
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_problem")
        for rec in self.sudo():
            existing = rec._problem_activities(problem)
            user = existing[:1].user_id or rec._problem_user()
            lang = user.lang or "en_US"
            text = Markup("<p>%s</p>") % Markup("<br/>").join(msgs.render(self.env, note, lang).splitlines())
            summary = rec.with_context(lang=lang)._problem_summary(problem)
            if existing:
                existing[:1].write({"note": text, "summary": summary, "accounting_problem": problem})
                continue
            rec.activity_schedule(activity_type_id=activity_type.id, summary=summary, note=text,
                                  user_id=user.id, accounting_problem=problem)

    def _close_problem(self, problem, feedback):
        self._problem_activities(problem).action_feedback(feedback)

    def _pause(self, reason):
        """Stop sending until an administrator fixes the credentials;
        ``reason``: the connector error (or a message) that refused them."""
        self.sudo().write(dict(self._state_vals(reason), state="paused"))
        stored = msgs.from_exception(reason) if isinstance(reason, Exception) else reason
        self._raise_problem("auth", msgs.message("problem.auth", conn=self.display_name, msg=stored))

    @api.model
    def _next_quota_period(self, now=None):
        """The first day of next month, 00:00 in the shop's time zone, as a
        naive UTC datetime (Odoo's storage)."""
        tz = pytz.timezone(QUOTA_TZ)
        local = pytz.utc.localize(now or fields.Datetime.now()).astimezone(tz)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        start = tz.localize(datetime.combine(datetime(year, month, 1).date(), time(0, 0)))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    def _pause_for_quota(self, reason):
        """Stop sending to this connection until next month; queued documents
        wait (no attempt spent) and the worker runs again then. ``reason``:
        the connector error (or a message) that said so."""
        until = self._next_quota_period()
        stored = msgs.from_exception(reason) if isinstance(reason, Exception) else reason
        for rec in self.sudo():
            rec.paused_until = until
            rec._raise_problem("quota", msgs.message(
                "problem.quota", conn=rec.display_name, msg=stored,
                until=fields.Datetime.to_string(until) + " UTC"))
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=until)

    @api.model
    def _resume_quota_pauses(self):
        """Run by the worker: end the pauses whose month is over."""
        due = self.sudo().search([("paused_until", "!=", False),
                                  ("paused_until", "<=", fields.Datetime.now())])
        if due:
            due.paused_until = False
            due._close_problem("quota", _("A new quota period has started; the sync resumed."))
        return due

    # ------------------------------------------------------------------
    # THE MORNING DIGEST: what failed, what is blocked and what differs over
    # the last day, as ONE activity per connection and day, with links; never
    # one notification per document (credentials refused and a used-up quota
    # raise their own activity at once: they stop the whole connection)
    # ------------------------------------------------------------------

    def _digest_day(self, now):
        """The shop's calendar day at ``now`` (its first outlet's time zone, else the company's)."""
        return local_date(now, self.company_id, self.outlet_map_ids.pos_config_id[:1])

    def _digest_sections(self, since, day):
        """``[(title, [(label, url)], more_count, more_url)]`` of what needs the responsible."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"].sudo()
        base = "/odoo/accounting.connection/%s/action-pos_accounting_sync.action_accounting_sync_job_problems" % self.id
        sections = []
        failed = Job.search([("connection_id", "=", self.id), ("state", "=", "failed"),
                             ("failed_at", ">=", since)], order="id")
        blocked = Job.search([("connection_id", "=", self.id), ("state", "=", "blocked"),
                              ("write_date", ">=", since)], order="id")
        older = Job.search_count([("connection_id", "=", self.id), ("state", "in", ("failed", "blocked")),
                                  ("id", "not in", (failed | blocked).ids)])
        for title, jobs in ((_("Failed"), failed), (_("Blocked"), blocked)):
            if jobs:
                lines = [("%s: %s" % (job.display_name, job.error_message or ""),
                          "/odoo/accounting.sync.job/%s" % job.id) for job in jobs[:DIGEST_LINES]]
                sections.append((title, lines, len(jobs) - len(lines), base))
        if older:
            sections.append((_("Still to fix from earlier days"), [], older, base))
        if hasattr(self, "_reconciliation_differences"):
            differences = [d for d in self._reconciliation_differences(day - timedelta(days=1), day - timedelta(days=1))
                           if d.connection_id == self]
            if differences:
                lines = [("%s %s: %s" % (d.date, d.display_name, self._digest_cause(d)),
                          "/odoo/%s/%s" % (d._name, d.id)) for d in differences[:DIGEST_LINES]]
                sections.append((_("Differences with the accounting system"), lines,
                                 len(differences) - len(lines), False))
        waiting = self.env["accounting.sync.job"]._digest_waiting_lines(self)
        if waiting:  # one line per connection and rule, not one per document
            sections.append((_("Waiting for the accounting system"), [(line, False) for line in waiting], 0, False))
        late = self.env["pos.order"]._accounting_late_digest_lines(self, since)
        if late:
            sections.append((_("Orders that reached Odoo after their shift was closed"), late[:DIGEST_LINES],
                             max(len(late) - DIGEST_LINES, 0), False))
        days = self.env["accounting.pos.day"].sudo().search(
            [("connection_id", "=", self.id), ("state", "=", "waiting"), ("date", "<", day)], order="date, id")
        if days:  # a settle delay, or the next-morning hour: they go out by themselves
            lines = [(self.env._("%(day)s: goes out at %(when)s", day=d.display_name,
                        when=pytz.utc.localize(d.post_after).astimezone(
                            shop_tz(self.company_id, d.pos_config_id)).strftime("%Y-%m-%d %H:%M")),
                      "/odoo/accounting.pos.day/%s" % d.id) for d in days[:DIGEST_LINES]]
            sections.append((_("Outlet days not sent yet"), lines, max(len(days) - DIGEST_LINES, 0), False))
        folded = self.env["pos.order"].sudo().search(
            [("accounting_folded_session_id", "!=", False), ("create_date", ">=", since),
             ("config_id", "in", self.outlet_map_ids.pos_config_id.ids)], order="id")
        if folded:
            lines = [(self.env._("%(order)s: in the documents of %(shift)s", order=o.name,
                        shift=o.accounting_folded_session_id.name), "/odoo/pos.order/%s" % o.id)
                     for o in folded[:DIGEST_LINES]]
            sections.append((_("Refunds folded into documents still waiting"), lines,
                             max(len(folded) - DIGEST_LINES, 0), False))
        if self.health_count:
            sections.append((_("Mapping problems"),
                             [(row._digest_text(), False) for row in self.health_ids[:DIGEST_LINES]],
                             max(self.health_count - DIGEST_LINES, 0), False))
        sections += self.env["accounting.rate.limit"]._digest_sections(self)
        return sections

    @api.model
    def _digest_cause(self, line):
        """A reconciliation line's cause in words (its selection label)."""
        field = line._fields.get("cause")
        if field is not None and field.type == "selection":
            return dict(field._description_selection(line.env)).get(line.cause, line.cause or "")
        return line.cause or ""

    @api.model
    def _digest_note(self, sections):
        parts = []
        for title, lines, more, more_url in sections:
            parts.append(Markup("<p><b>%s</b></p>") % title)
            items = [Markup('<li><a href="%s">%s</a></li>') % (url, label) if url else
                     Markup("<li>%s</li>") % label for label, url in lines]
            if more:
                text = _("%(count)s more", count=more) if lines else _("%(count)s to fix", count=more)
                items.append(Markup('<li><a href="%s">%s</a></li>') % (more_url, text) if more_url
                             else Markup("<li>%s</li>") % text)
            parts.append(Markup("<ul>%s</ul>") % Markup("").join(items))
        return Markup("").join(parts)

    def _post_digest(self, now=None):
        """Post (or refresh) today's digest activity of this connection;
        returns it, or an empty recordset when there is nothing to say."""
        self.ensure_one()
        lang = self._problem_user().lang
        if lang and lang != self.env.lang:  # written in its reader's language, not the cron's
            return self.with_context(lang=lang)._post_digest(now)
        now = now or fields.Datetime.now()
        day = self._digest_day(now)
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_digest")
        rec = self.sudo()
        open_digests = rec.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        sections = rec._digest_sections(now - timedelta(days=1), day)
        today = open_digests.filtered(lambda a: a.date_deadline == day)
        (open_digests - today).action_feedback(_("Replaced by the digest of %(day)s.", day=day))
        if not sections:
            if today:
                today.action_feedback(_("Nothing left to fix."))
            return self.env["mail.activity"]
        link = "/odoo/accounting.connection/%s/action-pos_accounting_sync.action_accounting_sync_job_problems" % rec.id
        note = self._digest_note(sections) + Markup('<p><a href="%s">%s</a> %s</p>') % (
            link, _("Open the documents to fix"), _(
                "Fix the cause in Odoo (a mapping, a product's SKU, a customer): what failed is sent again "
                "by itself."))
        if today:
            today[:1].note = note
            return today[:1]
        return rec.activity_schedule(
            activity_type_id=activity_type.id, date_deadline=day, note=note,
            summary=_("Accounting sync: to check on %(day)s", day=day),
            user_id=rec._problem_user().id)

    # ------------------------------------------------------------------
    # SANDBOX AND DEMO: connections made from a sandbox's ConnectionConfig
    # ------------------------------------------------------------------

    @api.model
    def _vals_from_config(self, config):
        """Field values for a record that reproduces ``config`` (sandbox
        credentials in tests and demo data)."""
        vals = {name: getattr(config, name) or False for name in CONFIG_FIELDS}
        vals.update(provider=config.provider, base_url=config.base_url or False, sandbox=config.sandbox,
                    rate_limit_per_minute=int(sum(n * 60.0 / s for n, s in config.rate_limits[:1]))
                    if config.rate_limits else 0)
        if not vals["auth_method"]:
            vals["auth_method"] = "api_token" if config.provider == "accurate" else "hmac"
        if config.provider == "jurnal":
            vals["live_mode"] = True  # a sandbox has no books to protect: it posts at once
        return vals

    @api.model
    def _create_demo_connections(self, url="http://127.0.0.1:8899"):
        """Demo data: one connection per provider to the local sandbox; the
        sandbox's own credentials are used, so no secret lives in the XML."""
        from accounting_connectors.sandbox import SandboxServer

        host, _sep, port = url.rpartition("//")[2].partition(":")
        sandbox = SandboxServer(host, int(port or 80))  # not started: only its credentials are read
        for config, name in ((sandbox.accurate_config(), "Accurate (sandbox)"),
                             (sandbox.jurnal_config(), "Jurnal (sandbox)")):
            domain = [("company_id", "=", self.env.company.id), ("provider", "=", config.provider)]
            if self.search_count(domain):
                continue
            self.create(dict(self._vals_from_config(config), name=name, base_url=url,
                             go_live_date=fields.Date.today() - timedelta(days=30),
                             # its to-dos reach the admin who tries the demo, not OdooBot
                             user_id=self.env.ref("base.user_admin").id))

    @api.model
    def _demo_prepare(self, url=None):
        """Demo: make the sandbox connections ready to click through: tested,
        remote lists fetched, accounts chosen from the sandbox's seeded chart,
        and on the Accurate one the company's outlets and payment methods
        mapped (one connection per outlet: both would post the same sales)."""
        from accounting_connectors.sandbox.accurate import AccurateApp
        from accounting_connectors.sandbox.jurnal import JurnalApp

        seeded = {"accurate": AccurateApp.seeded, "jurnal": JurnalApp.seeded}
        self._demo_name_cash_methods()
        for connection in self.search([("company_id", "=", self.env.company.id)]):
            codes = seeded[connection.provider]
            if url and connection.name.endswith("(sandbox)"):  # the sandbox runs on another port
                connection.base_url = url
            connection.with_context(accounting_no_webhook_check=True).action_test_connection()
            if connection.state != "connected":
                continue  # its message says why (sandbox not started?)
            connection.action_fetch_remote_lists()
            Option = self.env["accounting.remote.option"]

            def pick(code, option_type="account", connection=connection):
                return Option.search([("connection_id", "=", connection.id), ("option_type", "=", option_type),
                                      ("code", "=", code)], limit=1).id

            # every mapping through its pick, as an admin fills the form
            vals = {"default_customer_option_id": pick(codes["walkin"], "customer")}
            for role in ("sales", "discount", "rounding", "fee", "adjustment", "receivable", "cash_difference"):
                vals[role + "_account_option_id"] = pick(codes[role])
            # tips and service charges of the demo shop count as sales there
            vals["tip_account_option_id"] = vals["service_account_option_id"] = vals["sales_account_option_id"]
            # the company's sales taxes were proposed by Fetch lists (same rate, see action_fetch_remote_lists)
            configs = self.env["pos.config"].search([("company_id", "=", connection.company_id.id)])
            if connection.provider == "accurate" and not connection.outlet_map_ids:
                vals["outlet_map_ids"] = [(0, 0, {"pos_config_id": c.id}) for c in configs]
            if not connection.payment_map_ids:  # both: moving an outlet to Jurnal just works
                methods = configs.payment_method_ids.filtered(lambda m: m.type in ("cash", "bank"))
                vals["payment_map_ids"] = [(0, 0, {
                    "payment_method_id": m.id,
                    "remote_account_option_id": pick(codes["cash" if m.type == "cash" else "bank"]),
                }) for m in methods]
            connection.write(vals)

    @api.model
    def _demo_name_cash_methods(self):
        """Odoo gives every shop of its demo a payment method named "Cash":
        the demo names each after its shop, so mappings tell them apart."""
        for config in self.env["pos.config"].search([("company_id", "=", self.env.company.id)]):
            for method in config.payment_method_ids.filtered(
                    lambda m: m.type == "cash" and m.name == "Cash" and len(m.config_ids) == 1):
                method.name = "Cash %s" % config.name

    # --- reconciliation: buttons of the form ---------------------------------------
    # The run lives on the reconciliation model (accounting_reconciliation.py).
    def action_view_reconciliation(self):
        return self.env["accounting.reconciliation.line"]._action_open(self)

    def _reconciliation_differences(self, date_from, date_to):
        return self.env["accounting.reconciliation.line"]._reconciliation_differences(self, date_from, date_to)

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
        if not odoo_config.get("dbfilter") and len(db_service.list_dbs(True)) > 1:
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

    def action_open_opening_balance(self):
        """The opening balances of this connection (made on first opening)."""
        check_action(self, MANAGER)
        self.ensure_one()
        Opening = self.env["accounting.opening.balance"]
        opening = Opening.search([("connection_id", "=", self.id)], limit=1) or Opening.create(
            {"connection_id": self.id, "date": self.go_live_date or fields.Date.context_today(self)})
        return {"type": "ir.actions.act_window", "res_model": Opening._name, "res_id": opening.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    def action_resend_masters(self):
        """Items and customers the accounting system lost: the screen that resends them."""
        check_action(self, MANAGER)
        self.ensure_one()
        return self.env["accounting.master.resend"].action_open(connection=self)

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

    # ------------------------------------------------------------------
    # LOCKED PERIODS: what to do with a document the accounting system
    # refuses because its books are locked (accounting.sync.job)
    # ------------------------------------------------------------------

    period_lock_policy = fields.Selection(
        [("wait", "Wait for the accountant to reopen the period"),
         ("first_open_day", "Post on the first open day")],
        string="Locked Period", default="wait", required=True,
        help="When the accounting system refuses a document because its period is locked (Kunci Periode / "
             "Tutup Buku): wait until the accountant reopens it (tried again every day, or at once with Retry "
             "Locked Period), or post it dated the first open day, its own date written in its memo. A void "
             "of a receipt dated in a locked period always waits.")

    def action_retry_period_locked(self):
        """The accountant reopened the period: send at once what waited for it."""
        check_action(self, MANAGER)
        jobs = self.env["accounting.sync.job"]._retry_period_locked(self)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "info", "message": _("%(count)s document(s) waiting for a locked period queued again.",
                                         count=len(jobs))}}

    # ------------------------------------------------------------------
    # LIMITS AND THE MONTHLY QUOTA (issue #19): figures on accounting.rate.limit
    # ------------------------------------------------------------------

    @api.depends("provider", "rate_limit_per_minute", "jurnal_consumer_per_minute", "jurnal_consumer_per_hour",
                 "jurnal_address_per_minute", "jurnal_address_per_hour", "accurate_per_second",
                 "accurate_in_flight")
    def _compute_rate_limit_sources(self):
        Limit = self.env["accounting.rate.limit"]
        for rec in self:
            rec.rate_limit_sources = Limit._limit_sources(rec)

    @api.depends("provider", "jurnal_monthly_package")
    def _compute_quota(self):
        Limit = self.env["accounting.rate.limit"]
        for rec in self:
            rec.quota_month_count, rec.quota_share = Limit._quota_of(rec)

    @api.constrains(*SCOPE_LIMIT_FIELDS)
    def _check_scope_limits(self):
        for rec in self:
            names = [name for name in SCOPE_LIMIT_FIELDS if rec[name] < 0]
            if names:
                raise ValidationError(_("%(conn)s: a limit is a number of requests, 0 for the published "
                                        "figure; not below 0 (%(fields)s).", conn=rec.display_name,
                                        fields=", ".join(rec._fields[n].string for n in names)))

    def _limiter_key(self):
        """The hashed credential this connection's requests are counted
        under (``accounting.rate.limit`` key); reads the secrets as sudo."""
        self.ensure_one()
        rec = self.sudo()
        return limiter_key(rec._connection_config(**{name: rec[name] or "" for name in CONFIG_FIELDS}))
    # --- webhook silence and re-reads: fields the form shows ---------------------------
    # (the watchdog: accounting.webhook.event; the re-read: accounting.reconciliation.line)
    webhook_application = fields.Char(
        string="Credentials' Application", readonly=True, copy=False,
        help="The Accurate application this connection's token belongs to, as Accurate named it at the last "
             "renewal that extended nothing. Only the application that registered the webhook can renew it.")
    webhook_watch_cursor = fields.Datetime(
        string="Webhook Watched Until", readonly=True, copy=False,
        help="Accurate: the watchdog compared the documents Accurate lists as changed with the webhooks "
             "received up to this moment; what no webhook announced was read by the backstop poll.")
    reread_window_days = fields.Integer(
        string="Re-read Window (days)", default=35,
        help="Every night the reconciliation reads again this many last days from the accounting system, so "
             "that a document edited or deleted there on an older day is found (35 covers a month's closing).")
    reread_max_requests = fields.Integer(
        string="Re-read Requests per Night", default=60,
        help="The most requests the nightly re-read may spend on this connection; a window that costs more is "
             "read over several nights, oldest days first after the last ones read.")
    reread_cursor = fields.Date(
        string="Re-read Up To", readonly=True, copy=False,
        help="The last day the nightly re-read reached; the next night goes on from the day after it.")
