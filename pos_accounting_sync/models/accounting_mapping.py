from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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
#: what each account role may be mapped to
CASH_BANK = ("cash_bank",)
RECEIVABLE = ("receivable",)
INCOME = ("income", "other_income")
INCOME_OR_EXPENSE = ("income", "other_income", "expense", "other_expense", "cost_of_sales")
EXPENSE = ("expense", "other_expense", "cost_of_sales")


def account_group_of(account_type):
    """The picker group of a remote account type; "other" when unknown."""
    return _GROUP_OF_TYPE.get((account_type or "").strip().lower(), "other")


def remote_choice(string, option_type, connection="connection_id", groups=None, help=None):
    """A pick from the lists fetched for the record's connection (``id`` on
    the connection itself); the code it holds is copied to a Char field.
    ``groups``: the account groups offered (see ``ACCOUNT_GROUPS``)."""
    domain = "[('connection_id', '=', %s), ('option_type', '=', '%s')" % (connection, option_type)
    if groups:
        domain += ", ('account_group', 'in', %r)" % (list(groups),)
    return fields.Many2one("accounting.remote.option", string=string, domain=domain + "]", help=help)


def copy_chosen_code(records, fname):
    """Compute ``fname`` from its ``<fname>_option_id`` pick. The Char keeps
    the remote code (what documents use); the pick only fills it, so a code
    survives a later re-fetch of the lists."""
    for rec in records:
        option = rec[fname + "_option_id"]
        if option:
            rec[fname] = option.code
        elif not rec[fname]:
            rec[fname] = False


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
        [("warehouse", "Warehouse"), ("account", "Account"), ("customer", "Customer")], required=True,
        string="List")
    code = fields.Char(required=True, help="What documents carry: account number, warehouse name or "
                                           "customer number.")
    name = fields.Char()
    remote_id = fields.Char(string="Remote ID")
    account_type = fields.Char(help="The account's type as the accounting system lists it.")
    account_group = fields.Selection(
        ACCOUNT_GROUP_SELECTION, compute="_compute_account_group", store=True, index=True,
        string="Account Kind", help="Which account pickers offer it (cash/bank for payment methods, "
                                    "income for sales...), from the account type.")
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
    _inherit = ["accounting.unique.mixin"]
    _description = "Accounting Sync Outlet Mapping"
    _order = "connection_id, pos_config_id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    pos_config_id = fields.Many2one(
        "pos.config", string="Outlet", required=True, ondelete="cascade",
        domain="[('company_id', '=', company_id)]")
    remote_branch = fields.Char(
        help="Accurate only, optional: the branch (Cabang) this outlet's documents are booked to, its name "
             "exactly as under Accurate > Settings > Branch. Empty = the database's default branch. "
             "Jurnal has no branches: leave it empty.")
    remote_warehouse_option_id = remote_choice("Remote Warehouse Choice", "warehouse")
    remote_warehouse = fields.Char(compute="_compute_remote_warehouse", store=True, readonly=False)
    active = fields.Boolean(default=True, string="Sync", help="Untick to stop syncing this outlet.")

    _sql_constraints = [
        ("outlet_uniq", "unique(connection_id, pos_config_id)", "This outlet is already mapped."),
    ]
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

    @api.depends("remote_warehouse_option_id")
    def _compute_remote_warehouse(self):
        copy_chosen_code(self, "remote_warehouse")


class AccountingPaymentMap(models.Model):
    _name = "accounting.payment.map"
    _inherit = ["accounting.unique.mixin"]
    _description = "Accounting Sync Payment Method Mapping"
    _order = "connection_id, payment_method_id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
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
        string="Account Code", compute="_compute_remote_account", store=True, readonly=False)

    _sql_constraints = [
        ("method_uniq", "unique(connection_id, payment_method_id)", "This payment method is already mapped."),
    ]
    _accounting_unique_keys = (("connection_id", "payment_method_id"),)

    def _accounting_unique_message(self, existing, key_fields):
        return _("The payment method %(method)s is already mapped on %(conn)s (to %(account)s).",
                 method=existing.payment_method_id.display_name, conn=existing.connection_id.display_name,
                 account=existing.remote_account or "-")

    @api.depends("remote_account_option_id")
    def _compute_remote_account(self):
        copy_chosen_code(self, "remote_account")


class AccountingWarehouseMap(models.Model):
    _name = "accounting.warehouse.map"
    _inherit = ["accounting.unique.mixin"]
    _description = "Accounting Sync Warehouse Mapping"
    _order = "connection_id, warehouse_id, location_id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", required=True, ondelete="cascade", domain="[('company_id', '=', company_id)]")
    location_id = fields.Many2one(
        "stock.location", ondelete="cascade",
        domain="[('warehouse_id', '=', warehouse_id), ('usage', '=', 'internal')]",
        help="Only for a location that is a separate warehouse remotely; empty = the whole warehouse.")
    remote_warehouse_option_id = remote_choice("Remote Warehouse Choice", "warehouse")
    remote_warehouse = fields.Char(compute="_compute_remote_warehouse", store=True, readonly=False,
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

    @api.depends("remote_warehouse_option_id")
    def _compute_remote_warehouse(self):
        copy_chosen_code(self, "remote_warehouse")

    @api.constrains("location_id", "warehouse_id")
    def _check_location(self):
        for rec in self:
            if rec.location_id and rec.location_id.warehouse_id != rec.warehouse_id:
                raise ValidationError(_(
                    "The location %(loc)s is not in the warehouse %(wh)s.",
                    loc=rec.location_id.display_name, wh=rec.warehouse_id.display_name))

