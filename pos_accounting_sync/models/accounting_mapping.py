"""The lists fetched from the accounting system (``accounting.remote.option``)
and the mappings of a connection picked from them: outlets, payment methods
(with what their payouts need), warehouses. Taxes, payment journals and
invoice line kinds are mapped in their own files; every mapping line is an
``accounting.map.mixin``."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import accounting_messages as msgs
from .accounting_map_mixin import copy_chosen_code, remote_choice
from ..tools.mdr_tiers import TierError, parse_tiers


#: the kinds of account a picker offers, from the type each provider lists
#: (Accurate ``accountType``, Jurnal ``category``, English or Indonesian)
ACCOUNT_GROUPS = {
    "cash_bank": ("CASH_BANK", "Cash & Bank", "Kas & Bank"),
    "receivable": ("ACCOUNT_RECEIVABLE", "Accounts Receivable", "Accounts Receivable (A/R)", "Piutang Usaha"),
    "inventory": ("INVENTORY", "Inventory", "Persediaan"),
    "payable": ("ACCOUNT_PAYABLE", "Accounts Payable", "Accounts Payable (A/P)", "Hutang Usaha"),
    "liability": ("OTHER_CURRENT_LIABILITY", "LONG_TERM_LIABILITY", "Other Current Liabilities",
                  "Long Term Liabilities", "Kewajiban Lancar Lainnya"),
    "income": ("REVENUE", "Income", "Pendapatan"),
    "other_income": ("OTHER_INCOME", "Other Income", "Pendapatan Lainnya"),
    "cost_of_sales": ("COGS", "Cost of Sales", "Harga Pokok Penjualan"),
    "expense": ("EXPENSE", "Expenses", "Beban"),
    "other_expense": ("OTHER_EXPENSE", "Other Expense", "Beban Lainnya"),
}
_GROUP_OF_TYPE = {t.lower(): group for group, types in ACCOUNT_GROUPS.items() for t in types}
ACCOUNT_GROUP_SELECTION = [
    ("cash_bank", "Cash & Bank"), ("receivable", "Receivable"), ("inventory", "Inventory"),
    ("payable", "Payable"), ("liability", "Other Liability"), ("income", "Income"),
    ("other_income", "Other Income"), ("cost_of_sales", "Cost of Sales"), ("expense", "Expense"),
    ("other_expense", "Other Expense"), ("other", "Other"),
]
#: accounts a payout of a payment method reads (codes picked from the fetched lists)
PAYOUT_CODE_FIELDS = ("clearing_account", "payout_account", "payout_fee_account")
#: what each account role may be mapped to
CASH_BANK = ("cash_bank",)
RECEIVABLE = ("receivable",)
INCOME = ("income", "other_income")
INCOME_OR_EXPENSE = ("income", "other_income", "expense", "other_expense", "cost_of_sales")
EXPENSE = ("expense", "other_expense", "cost_of_sales")


def account_group_of(account_type):
    """The picker group of a remote account type; "other" when unknown."""
    return _GROUP_OF_TYPE.get((account_type or "").strip().lower(), "other")


class AccountingRemoteOption(models.Model):
    """A warehouse or an account as the accounting system lists it, so that
    mappings are picked from a list instead of typed by hand."""

    _name = "accounting.remote.option"
    _inherit = ["accounting.unique.mixin"]
    _description = "Accounting System List Entry"
    _order = "option_type, code"
    _rec_names_search = ["code", "name"]

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    option_type = fields.Selection(
        [("warehouse", "Warehouse"), ("account", "Account"), ("customer", "Customer"), ("tax", "Tax")],
        required=True, string="List")
    code = fields.Char(required=True, help="What documents carry: account number, warehouse name or "
                                           "customer number.")
    name = fields.Char()
    remote_id = fields.Char(string="Remote ID")
    account_type = fields.Char(help="The account's type as the accounting system lists it.")
    account_group = fields.Selection(
        ACCOUNT_GROUP_SELECTION, compute="_compute_account_group", store=True, index=True,
        string="Account Kind", help="Which account pickers offer it (cash/bank for payment methods, "
                                    "income for sales...), from the account type.")
    rate = fields.Float(digits=(16, 4), help="Percent rate of a remote tax, as the accounting system lists it.")
    active = fields.Boolean(default=True, help="Archived when the last fetch no longer listed it.")

    _sql_constraints = [
        ("code_uniq", "unique(connection_id, option_type, code)", "This entry is already listed."),
    ]
    _accounting_unique_keys = (("connection_id", "option_type", "code"),)

    def _accounting_unique_message(self, existing, key_fields):
        return _("%(conn)s already lists %(code)s.", conn=existing.connection_id.display_name,
                 code=existing.display_name)

    @api.depends("option_type", "account_type")
    def _compute_account_group(self):
        for rec in self:
            rec.account_group = rec.option_type == "account" and account_group_of(rec.account_type) or False

    @api.depends("code", "name")
    def _compute_display_name(self):
        for rec in self:
            named = rec.name and rec.name != rec.code
            rec.display_name = "%s %s" % (rec.code, rec.name) if named else rec.code

    @api.model
    def _sync_options(self, connection, option_type, rows):
        """Upsert the fetched rows; entries no longer listed are archived, not
        deleted, so mappings that use them keep their code."""
        existing = {
            o.code: o for o in self.with_context(active_test=False).search(
                [("connection_id", "=", connection.id), ("option_type", "=", option_type)])
        }
        seen = set()
        for row in rows:
            code = row["code"]
            if not code or code in seen:
                continue
            seen.add(code)
            vals = dict(row, active=True)
            if code in existing:
                existing[code].write(vals)
            else:
                self.create(dict(vals, connection_id=connection.id, option_type=option_type))
        stale = [o for code, o in existing.items() if code not in seen]
        if stale:
            self.browse([o.id for o in stale]).active = False


class AccountingOutletMap(models.Model):
    _name = "accounting.outlet.map"
    _inherit = ["accounting.map.mixin", "accounting.mapping.fix.mixin"]
    _description = "Accounting Sync Outlet Mapping"
    _order = "connection_id, pos_config_id"
    _remote_code_field = "remote_warehouse"
    _fix_field = "pos_config_id"

    pos_config_id = fields.Many2one(
        "pos.config", string="Outlet", required=True, ondelete="cascade",
        domain="[('company_id', '=', company_id)]")
    remote_branch = fields.Char(
        help="Accurate only, optional: the branch (Cabang) this outlet's documents are booked to, its name "
             "exactly as under Accurate > Settings > Branch. Empty = the database's default branch. "
             "Jurnal has no branches: leave it empty.")
    remote_warehouse_option_id = remote_choice("Remote Warehouse Choice", "warehouse")
    remote_warehouse = fields.Char(compute="_compute_remote_code", store=True, readonly=False)
    active = fields.Boolean(default=True, string="Sync", help="Untick to stop syncing this outlet.")
    # what the outlet picker offers (views/accounting_connection_views.xml)
    free_pos_config_ids = fields.Many2many(
        "pos.config", compute="_compute_free_pos_config_ids", string="Outlets Not Mapped Yet")

    _sql_constraints = [
        ("outlet_uniq", "unique(connection_id, pos_config_id)", "This outlet is already mapped."),
    ]

    @api.depends("connection_id", "company_id", "pos_config_id")
    def _compute_free_pos_config_ids(self):
        """The company's outlets this row may take: none mapped on the same
        connection, nor syncing to another active connection; its own stays."""
        for rec in self:
            taken = self.sudo().with_context(active_test=False).search([
                ("id", "!=", rec._origin.id or 0), "|", ("connection_id", "=", rec.connection_id._origin.id),
                "&", ("active", "=", True), ("connection_id.active", "=", True)]).pos_config_id
            configs = self.env["pos.config"].search([("company_id", "in", (rec.company_id.id or self.env.company.id,))])
            rec.free_pos_config_ids = (configs - taken) | rec.pos_config_id
    _accounting_unique_keys = (("connection_id", "pos_config_id"),)

    def _accounting_unique_message(self, existing, key_fields):
        return _("The outlet %(outlet)s is already mapped on %(conn)s.",
                 outlet=existing.pos_config_id.display_name, conn=existing.connection_id.display_name)

    @api.constrains("pos_config_id", "connection_id", "active")
    def _check_one_connection(self):
        """An outlet's sales go to one accounting system, or both would get them."""
        for rec in self.filtered(lambda m: m.active and m.connection_id.active):
            other = self.sudo().search([
                ("pos_config_id", "=", rec.pos_config_id.id), ("active", "=", True),
                ("connection_id", "!=", rec.connection_id.id), ("connection_id.active", "=", True)], limit=1)
            if other:
                raise ValidationError(_(
                    "The outlet %(outlet)s already posts to %(other)s; one outlet posts to one "
                    "connection. Untick Sync on that mapping (or archive that connection) first.",
                    outlet=rec.pos_config_id.display_name, other=other.connection_id.display_name))


class AccountingPaymentMap(models.Model):
    """A POS payment method -> the cash/bank account its payments are booked
    to; for a card, QRIS or e-wallet method also what its payouts need: the
    MDR rate the provider keeps, the clearing account the shifts' money
    waits in, the bank the payouts reach and the account the fee is booked
    on; and the clearing balance (received by the shifts, less what was
    paid out)."""

    _name = "accounting.payment.map"
    _inherit = ["accounting.map.mixin", "accounting.mapping.fix.mixin"]
    _description = "Accounting Sync Payment Method Mapping"
    _order = "connection_id, payment_method_id"
    _remote_code_field = "remote_account"
    _fix_field = "payment_method_id"

    payment_method_id = fields.Many2one(
        "pos.payment.method", required=True, ondelete="cascade",
        domain="[('company_id', '=', company_id)]")
    payment_method_type = fields.Selection(related="payment_method_id.type")
    # a Customer Account (pay later) line is owed by the customer: its receivable, never cash
    remote_account_option_id = fields.Many2one(
        "accounting.remote.option", string="Account",
        domain="[('connection_id', '=', connection_id), ('option_type', '=', 'account'), ('account_group', '=', "
               "payment_method_type == 'pay_later' and 'receivable' or 'cash_bank')]",
        help="Cash or bank account the method's payments are booked to; for the Customer Account "
             "(pay later) method, the customers' receivable account.")
    remote_account = fields.Char(
        string="Account Code", compute="_compute_remote_code", store=True, readonly=False)

    # --- payouts -------------------------------------------------------------------
    currency_id = fields.Many2one(related="connection_id.company_id.currency_id")
    mdr_rate = fields.Float(
        string="MDR Rate (%)", digits=(6, 4),
        help="Merchant discount rate the payment provider keeps from each payout, in percent "
             "(0.7 for 0.7%). A payout's fee is its gross amount times this rate, rounded to the "
             "rupiah half up (0.5 and more rounds up), as payment providers do; each payout may "
             "override the rate, and a settlement report's own fee replaces the computed one.")
    # how a payout's fee is found (readme/PAYOUTS.md): one rate, tiers per transaction, or the report's
    mdr_rule = fields.Selection(
        [("rate", "One rate"), ("tiers", "Tiers per transaction"), ("file", "Settlement report's fee")],
        string="MDR Fee", default="rate", required=True,
        help="One rate: gross amount times the MDR rate. Tiers per transaction: each transaction's rate "
             "follows its amount (e.g. QRIS for micro merchants: 0% up to Rp 500,000, 0.3% above). "
             "Settlement report's fee: the fee the provider states on each row of its report.")
    mdr_tiers = fields.Char(
        string="MDR Tiers",
        help="One tier per line or separated by ';': a rate in percent and the largest transaction it "
             "applies to, the last tier without limit. E.g. '0% up to 500000; 0.3%'. Each transaction's fee "
             "is rounded to the rupiah half up; a payout's fee is their sum.")
    settlement_name = fields.Char(
        string="Name in Settlement Report",
        help="How the provider's settlement report names this method (its MID or label); "
             "empty: the payment method's own name. Compared without regard to case.")
    clearing_account_option_id = remote_choice("Clearing Account Choice", "account")
    clearing_account = fields.Char(
        compute="_compute_payout_codes", store=True, readonly=False,
        help="Where the shifts' money of this method waits until the provider pays it out. "
             "Empty: the Cash/Bank Account above, where the shifts post it (the usual case).")
    payout_account_option_id = remote_choice("Payout Bank Account Choice", "account")
    payout_account = fields.Char(
        string="Payout Bank Account", compute="_compute_payout_codes", store=True, readonly=False,
        help="The bank account the provider pays the net amount into.")
    payout_fee_account_option_id = remote_choice("Payout Fee Account Choice", "account")
    payout_fee_account = fields.Char(
        compute="_compute_payout_codes", store=True, readonly=False,
        help="Where the MDR fee is booked. Empty: the connection's Fee (MDR) Account.")
    payout_ids = fields.One2many("accounting.payout", "payment_map_id", string="Payouts")
    clearing_received = fields.Monetary(
        compute="_compute_clearing", string="Received by Shifts",
        help="What the closed shifts of the outlets mapped on this connection received with this "
             "payment method (Odoo's POS payments).")
    clearing_paid_out = fields.Monetary(
        compute="_compute_clearing", string="Paid Out (Gross)",
        help="Gross amount of this method's payouts on this connection, cancelled ones excepted.")
    clearing_balance = fields.Monetary(
        compute="_compute_clearing",
        help="Still to be paid out by the provider: received by the shifts less the payouts' gross "
             "amounts (the net reached the bank, the fee is the provider's).")

    _sql_constraints = [
        ("method_uniq", "unique(connection_id, payment_method_id)", "This payment method is already mapped."),
    ]
    _accounting_unique_keys = (("connection_id", "payment_method_id"),)
    # what the method picker offers (views/accounting_connection_views.xml)
    free_payment_method_ids = fields.Many2many(
        "pos.payment.method", compute="_compute_free_payment_method_ids", string="Methods Not Mapped Yet")

    @api.depends("connection_id", "company_id", "payment_method_id")
    def _compute_free_payment_method_ids(self):
        """The company's payment methods this row may take: none mapped on
        the same connection already; its own stays."""
        for rec in self:
            taken = self.sudo().search([("id", "!=", rec._origin.id or 0),
                                        ("connection_id", "=", rec.connection_id._origin.id)]).payment_method_id
            methods = self.env["pos.payment.method"].search(
                [("company_id", "in", (rec.company_id.id or self.env.company.id,))])
            rec.free_payment_method_ids = (methods - taken) | rec.payment_method_id

    def _accounting_unique_message(self, existing, key_fields):
        return _("The payment method %(method)s is already mapped on %(conn)s (to %(account)s).",
                 method=existing.payment_method_id.display_name, conn=existing.connection_id.display_name,
                 account=existing.remote_account or "-")

    @api.depends("payment_method_id")
    def _compute_display_name(self):
        # payouts pick a mapping: show the method, not the model's technical name
        for rec in self:
            rec.display_name = rec.payment_method_id.display_name or ""

    @api.depends(*(f + "_option_id" for f in PAYOUT_CODE_FIELDS))
    def _compute_payout_codes(self):
        for fname in PAYOUT_CODE_FIELDS:
            copy_chosen_code(self, fname)

    @api.constrains("mdr_rate")
    def _check_mdr_rate(self):
        for rec in self:
            if not 0 <= rec.mdr_rate < 100:
                raise ValidationError(_("The MDR rate of %(method)s must be between 0 and 100 percent.",
                                        method=rec.payment_method_id.display_name))

    @api.constrains("mdr_rule", "mdr_tiers")
    def _check_mdr_tiers(self):
        for rec in self.filtered(lambda m: m.mdr_rule == "tiers"):
            rec._mdr_tiers()

    def _mdr_tiers(self):
        """The method's tiers (:func:`..tools.mdr_tiers.parse_tiers`), or a
        ValidationError naming the method and what cannot be read."""
        self.ensure_one()
        try:
            return parse_tiers(self.mdr_tiers)
        except TierError as exc:
            raise ValidationError(_(
                "The MDR tiers of %(method)s cannot be read at “%(part)s”. Write one tier per line or separated "
                "by ';', a rate and the largest transaction it applies to, rising, the last without limit: "
                "0%% up to 500000; 0.3%%", method=self.payment_method_id.display_name,
                part=exc.args[0] or "-")) from None

    # --- the clearing balance ----------------------------------------------------
    def _received_by_shifts(self):
        """{map id: amount} the closed shifts received with each mapped method,
        in the outlets its connection maps."""
        out = {}
        for rec in self:
            outlets = rec.connection_id.outlet_map_ids.filtered("active").pos_config_id
            if not rec.payment_method_id or not outlets:
                out[rec.id] = 0.0
                continue
            # sudo: accountants may read the balance without POS access rights
            groups = self.env["pos.payment"].sudo()._read_group(
                [("payment_method_id", "=", rec.payment_method_id.id), ("session_id.state", "=", "closed"),
                 ("session_id.config_id", "in", outlets.ids)], [], ["amount:sum"])
            out[rec.id] = (groups[0][0] if groups else 0.0) or 0.0
        return out

    def _paid_out(self, exclude=None):
        """{map id: gross} of the maps' payouts, cancelled ones and ``exclude`` excepted."""
        domain = [("payment_map_id", "in", self.ids), ("state", "!=", "cancelled")]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = self.env["accounting.payout"].sudo()._read_group(
            domain, ["payment_map_id"], ["gross_amount:sum"])
        return {payment_map.id: gross for payment_map, gross in groups}

    def _clearing_available(self, exclude=None):
        """What may still be paid out of the method's clearing account."""
        self.ensure_one()
        return self._received_by_shifts()[self.id] - self._paid_out(exclude).get(self.id, 0.0)

    @api.depends("payment_method_id", "connection_id", "payout_ids.gross_amount", "payout_ids.state")
    def _compute_clearing(self):
        real = self.filtered("id")
        received, paid = real._received_by_shifts(), real._paid_out()
        for rec in self:
            rec.clearing_received = received.get(rec.id, 0.0)
            rec.clearing_paid_out = paid.get(rec.id, 0.0)
            rec.clearing_balance = rec.clearing_received - rec.clearing_paid_out

    # --- what a payout posts -------------------------------------------------------
    def _payout_accounts(self, with_fee=True):
        """(clearing, bank, fee account) codes; UserError naming what is missing
        (the fee account only ``with_fee``)."""
        self.ensure_one()
        clearing = self.clearing_account or self.remote_account
        fee = self.payout_fee_account or self.connection_id.fee_account
        missing = []
        if not clearing:
            missing.append(_("a clearing account (or its Cash/Bank Account)"))
        if not self.payout_account:
            missing.append(_("a payout bank account"))
        if with_fee and not fee:
            missing.append(_("a fee account (or the connection's Fee (MDR) Account)"))
        if missing:
            raise msgs.user_error(self.env, "payout.payment_method_needs_payouts",
                                  method=self.payment_method_id.display_name, conn=self.connection_id.display_name,
                                  what=", ".join(missing))
        return clearing, self.payout_account, fee

    def _settlement_key(self):
        return (self.settlement_name or self.payment_method_id.name or "").strip().casefold()


class AccountingWarehouseMap(models.Model):
    _name = "accounting.warehouse.map"
    _inherit = ["accounting.map.mixin", "accounting.mapping.fix.mixin"]
    _description = "Accounting Sync Warehouse Mapping"
    _order = "connection_id, warehouse_id, location_id"
    _remote_code_field = "remote_warehouse"
    _fix_field = "warehouse_id"

    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, ondelete="cascade", domain="[('company_id', '=', company_id)]")
    location_id = fields.Many2one(
        "stock.location", ondelete="cascade",
        domain="[('warehouse_id', '=', warehouse_id), ('usage', '=', 'internal')]",
        help="Only for a location that is a separate warehouse remotely; empty = the whole warehouse.")
    remote_warehouse_option_id = remote_choice("Remote Warehouse Choice", "warehouse")
    remote_warehouse = fields.Char(compute="_compute_remote_code", store=True, readonly=False,
                                   required=True)

    _sql_constraints = [
        ("warehouse_uniq", "unique(connection_id, warehouse_id, location_id)",
         "This warehouse/location is already mapped."),
    ]
    _accounting_unique_keys = (("connection_id", "warehouse_id", "location_id"),)

    def _accounting_unique_message(self, existing, key_fields):
        return _("%(place)s is already mapped on %(conn)s (to %(remote)s).",
                 place=(existing.location_id or existing.warehouse_id).display_name,
                 conn=existing.connection_id.display_name, remote=existing.remote_warehouse or "-")

    @api.constrains("warehouse_id", "connection_id")
    def _check_one_connection(self):
        """A warehouse's stock moves go to one accounting system."""
        for rec in self.filtered(lambda m: m.connection_id.active):
            other = self.sudo().search([
                ("warehouse_id", "=", rec.warehouse_id.id), ("connection_id", "!=", rec.connection_id.id),
                ("connection_id.active", "=", True)], limit=1)
            if other:
                raise ValidationError(_(
                    "The warehouse %(wh)s already posts to %(other)s; one warehouse posts to one "
                    "connection. Remove it from that connection (or archive it) first.",
                    wh=rec.warehouse_id.display_name, other=other.connection_id.display_name))

    @api.constrains("location_id", "warehouse_id")
    def _check_location(self):
        for rec in self:
            if rec.location_id and rec.location_id.warehouse_id != rec.warehouse_id:
                raise ValidationError(_(
                    "The location %(loc)s is not in the warehouse %(wh)s.",
                    loc=rec.location_id.display_name, wh=rec.warehouse_id.display_name))
