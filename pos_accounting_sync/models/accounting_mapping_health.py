"""Mapping health: one row per thing that will make documents fail (an
outlet, payment method, tax, warehouse or account in use and unmapped; a
mapped remote code that no longer exists remotely), with a plain sentence,
a link to fix it and the pending documents it would break.

The check of a connection (its button, and daily) runs here: what is in use
and unmapped, what is mapped to a remote code that is gone (the remote lists
are read again), and which pending documents each would break (their
documents are built, never sent). The worker reads the last result before
it sends anything
(``accounting.sync.job._fail_on_mapping_health``)."""

import dataclasses
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.errors import ConnectorError

from ..tools.pos_sales_lines import _gift_card_products
from ..tools.sync_causes import SyncDataError, cause_tokens, remote_token, tokens_of
from . import accounting_messages as msgs
from .accounting_access import MANAGER, USER, check_action
from ..tools.connection_fields import CONNECTOR_CODE_FIELDS, FIELD_TOKEN, field_causes, field_token

_logger = logging.getLogger(__name__)

CATEGORIES = [
    ("outlet", "Outlet"),
    ("payment", "Payment Method"),
    ("tax", "Tax"),
    ("warehouse", "Warehouse"),
    ("account", "Account"),
    ("customer", "Customer"),
]
PROBLEMS = [
    ("unmapped", "Not mapped"),
    ("missing_remote", "No longer in the accounting system"),
    ("receivable_differs", "Customers on another receivable"),
]
#: Jurnal reads these connection accounts through client options, not the
#: documents: the job kinds that use each (the rest travel on the documents)
JURNAL_OPTION_KINDS = {
    "receivable_account": ("customer",),
    "payable_account": ("customer",),
    "sales_account": ("item",),
    "purchase_account": ("item",),
    "inventory_account": ("item",),
    "sales_return_account": ("sales_return",),
    "output_tax_account": ("sales_return",),
}
#: document fields holding a remote code, by kind of code
WAREHOUSE_FIELDS = ("warehouse", "other_warehouse", "transit_warehouse")
#: sessions and pickings this recent (days) count as "in use"
RECENT_DAYS = 7
#: at most this many pending documents are built to name what would break
MAX_DRY_RUN = 300
#: kinds whose documents name no mapping (items and customers)
MASTER_KINDS = ("item", "customer")
#: a document's missing mapping, by the model of the record it names
UNMAPPED_CATEGORIES = {"pos.payment.method": "payment", "account.tax": "tax", "accounting.connection": "account",
                       "pos.config": "outlet", "stock.warehouse": "warehouse"}


class _Rollback(Exception):
    """Leaves a dry-run build without a trace."""


def document_strings(document):
    """``(field name, value)`` of every non-empty text field of a connector
    document (any of ``accounting_connectors.documents``) and of its lines."""
    if dataclasses.is_dataclass(document):
        for field in dataclasses.fields(document):
            item = getattr(document, field.name)
            if isinstance(item, str) and item:
                yield field.name, item
            elif isinstance(item, (list, tuple)) or dataclasses.is_dataclass(item):
                yield from document_strings(item)
    elif isinstance(document, (list, tuple)):
        for item in document:
            yield from document_strings(item)


def document_codes(document):
    """``{(kind, code)}`` of the remote accounts, warehouses, taxes and
    customers a connector document names, read from its fields:
    ``*account`` (kind account), the warehouse fields, ``tax_code`` (kind
    tax), ``customer_ref`` (kind customer), through its lines."""
    found = set()
    for name, value in document_strings(document):
        if name == "account" or name.endswith("_account"):
            found.add(("account", value))
        elif name in WAREHOUSE_FIELDS:
            found.add(("warehouse", value))
        elif name == "tax_code":
            found.add(("tax", value))
        elif name == "customer_ref":
            found.add(("customer", value))
    return found


def code_kind(category):
    """The kind of remote code a health row's category maps to (an outlet maps a warehouse)."""
    return {"tax": "tax", "warehouse": "warehouse", "outlet": "warehouse",
            "customer": "customer"}.get(category, "account")


def breaks(row, job, codes):
    """Whether ``job``, whose document names ``codes`` (see
    :func:`document_codes`), fails because of the health ``row`` (a dict:
    problem, category, remote_code, field_name)."""
    if row["problem"] != "missing_remote":
        return False
    if (code_kind(row["category"]), row["remote_code"]) in codes:
        return True
    return job.connection_id.provider == "jurnal" and job.kind in JURNAL_OPTION_KINDS.get(row["field_name"], ())


class AccountingMappingHealth(models.Model):
    _name = "accounting.mapping.health"
    _description = "Accounting Sync Mapping Health"
    _order = "connection_id, problem desc, category, id"
    _rec_name = "message"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    category = fields.Selection(CATEGORIES, required=True, readonly=True)
    problem = fields.Selection(PROBLEMS, string="Found", required=True, readonly=True)
    message = fields.Text(string="Problem (as Checked)", required=True, readonly=True)
    # the sentence as a message code (accounting_messages.py), read in the reader's language
    message_stored = fields.Json(string="Problem Code", readonly=True)
    message_text = fields.Text(string="Problem", compute="_compute_message_text")
    res_model = fields.Char(string="Odoo Model", readonly=True)
    res_id = fields.Many2oneReference(string="Odoo Record", model_field="res_model", readonly=True)
    res_name = fields.Char(string="In Odoo", readonly=True)
    field_name = fields.Char(readonly=True, help="The connection's own field, for its accounts.")
    remote_code = fields.Char(readonly=True, help="The mapped code the accounting system no longer has.")
    fix_model = fields.Char(readonly=True)
    fix_res_id = fields.Integer(readonly=True)
    job_ids = fields.Many2many("accounting.sync.job", string="Documents It Would Break", readonly=True)
    job_count = fields.Integer(string="Documents", compute="_compute_job_count")
    checked_at = fields.Datetime(readonly=True)

    @api.depends("job_ids")
    def _compute_job_count(self):
        for row in self:
            row.job_count = len(row.job_ids)

    def _cause_tokens(self):
        """What a job failed by this row waits for (fixing either retries it)."""
        self.ensure_one()
        tokens = []
        if self.res_model and self.res_id:
            tokens.append("%s,%s" % (self.res_model, self.res_id))
        if self.res_model == "accounting.connection" and self.field_name:
            tokens.append(field_token(self.connection_id, self.field_name))
        if self.problem == "missing_remote":
            tokens.append(remote_token(code_kind(self.category), self.remote_code))
        return tokens

    def _digest_text(self):
        """The row in the morning digest: its sentence and how many documents
        failed or would fail on it."""
        self.ensure_one()
        if not self.job_count:
            return self.message_text
        return _("%(problem)s (documents: %(count)s, sent again by themselves once it is fixed)",
                 problem=self.message_text, count=self.job_count)

    def _breaks(self, job, codes):
        """Whether ``job``, whose document names ``codes``, would fail because of this row."""
        self.ensure_one()
        return breaks(self.read(["problem", "category", "remote_code", "field_name"])[0], job, codes)

    @api.depends("message", "message_stored")
    @api.depends_context("lang")
    def _compute_message_text(self):
        for row in self:
            row.message_text = row.message_stored and msgs.render(self.env, row.message_stored) or row.message

    def _message_for_job(self):
        """The row's sentence as a job stores it (a code when it has one)."""
        self.ensure_one()
        return self.message_stored or self.message

    # --- links ---------------------------------------------------------------------
    def action_open_fix(self):
        """Where the fix is made: the mapping line (new, or the one holding a
        vanished code), else the connection's own fields."""
        check_action(self, MANAGER)
        self.ensure_one()
        if self.fix_model and self.fix_model in self.env:
            context = {"default_connection_id": self.connection_id.id}
            if not self.fix_res_id and self.res_model:
                field = next((n for n, f in self.env[self.fix_model]._fields.items()
                              if f.type == "many2one" and f.comodel_name == self.res_model), None)
                if field:
                    context["default_" + field] = self.res_id
            return {"type": "ir.actions.act_window", "res_model": self.fix_model, "view_mode": "form",
                    "views": [(False, "form")], "res_id": self.fix_res_id or False, "target": "new",
                    "context": context, "name": (self.message_text or "")[:60]}
        return {"type": "ir.actions.act_window", "res_model": "accounting.connection", "view_mode": "form",
                "views": [(False, "form")], "res_id": self.connection_id.id, "target": "current"}

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("id", "in", self.job_ids.ids)], context={"create": False},
                      name=_("Documents it would break"))
        return action

    # --- the check: entry points --------------------------------------------------------
    @api.model
    def _action_check(self, connection):
        """The connection's *Check mappings* (also before going live): check
        now and show the result."""
        check_action(connection, MANAGER)
        connection.ensure_one()
        try:
            self._check_connection(connection)
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists of %(conn)s: %(msg)s",
                              conn=connection.display_name, msg=exc.message)) from None
        return connection.action_view_mapping_health()

    @api.model
    def _cron_mapping_health(self):
        """Daily, for every connection that can be reached."""
        def check(conn):
            try:
                self._check_connection(conn)
            except ConnectorError as exc:
                conn.message_post(body=_("The mappings could not be checked: %(msg)s", msg=exc.message))

        # committed per connection: one connection's check never undoes another's
        Connection = self.env["accounting.connection"]
        Connection._run_isolated(Connection.search([("state", "=", "connected")]), _("The mapping check"), check)

    @api.model
    def _check_connection(self, connection):
        """Replace ``connection``'s health rows; returns them. Raises
        ConnectorError when the remote lists cannot be read."""
        connection.ensure_one()
        remote = self._remote_codes(connection)
        now = fields.Datetime.now()
        rows = {}  # key -> vals
        # Jurnal: customers fixed on another receivable (res.partner says which, and how to update them)
        receivable = self.env["res.partner"]._accounting_receivable_health(connection)
        for vals in self._unmapped(connection) + self._missing(connection, remote) + receivable:
            rows.setdefault(self._row_key(vals),
                            dict(vals, connection_id=connection.id, checked_at=now, job_ids=set()))
        self._name_jobs(connection, rows)
        self._name_failed(connection, rows)
        Health = self.sudo()
        Health.search([("connection_id", "=", connection.id)]).unlink()
        created = Health.create([dict(v, job_ids=[(6, 0, sorted(v["job_ids"]))]) for v in rows.values()])
        connection.sudo().health_checked_at = now
        self._requeue_cured(connection, created)
        return created

    @api.model
    def _row_key(self, vals):
        return (vals["problem"], vals.get("res_model"), vals.get("res_id"), vals.get("field_name"),
                vals.get("remote_code"))

    @api.model
    def _remote_codes(self, connection):
        """``{"account": set, "warehouse": set, "tax": set}`` of what the
        accounting system lists now (the connectors' list functions)."""
        client = connection._get_client()
        accounts = set()
        for acc in client.list_accounts():
            accounts |= {str(v) for v in (acc.get("number"), acc.get("id"), acc.get("name")) if v}
        warehouses = set()
        for wh in client.list_warehouses():
            if not wh.get("suspended"):
                warehouses |= {str(v) for v in (wh.get("name"), wh.get("code")) if v}
        taxes = {t["name"] for t in client.list_taxes() if t.get("name")}
        # a sale without a customer names the walk-in customer: by number, or
        # (Jurnal, a customer made by hand) by its display name
        customers = set()
        if connection.outlet_map_ids.filtered("active"):
            for cust in client.list_customers():
                customers |= {str(v) for v in (cust.get("number"), cust.get("name")) if v}
        return {"account": accounts, "warehouse": warehouses, "tax": taxes, "customer": customers}

    # --- what is in use -------------------------------------------------------------------
    @api.model
    def _recent_sessions(self, connection):
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        return self.env["pos.session"].sudo().search([
            ("config_id.company_id", "=", connection.company_id.id),
            "|", ("state", "!=", "closed"), ("stop_at", ">=", since)])

    @api.model
    def _row(self, category, message, record=None, problem="unmapped", fix_model=False, fix_res_id=0,
             field_name=False, remote_code=False):
        """A row's values; ``message``: a stored message (``msgs.message``,
        read in each reader's language) or a text."""
        stored = message if isinstance(message, dict) else False
        return {"category": category, "problem": problem, "message": msgs.render(self.env, message) or "-",
                "message_stored": stored,
                "res_model": record._name if record else False, "res_id": record.id if record else False,
                "res_name": record.display_name if record else False, "fix_model": fix_model,
                "fix_res_id": fix_res_id, "field_name": field_name, "remote_code": remote_code}

    @api.model
    def _unmapped(self, connection):
        conn = connection
        rows = []
        sessions = self._recent_sessions(conn)
        outlet_maps = conn.outlet_map_ids.filtered("active")
        # outlets: selling, and mapped on no active connection of the company (Sync unticked is a choice)
        mapped_anywhere = self.env["accounting.outlet.map"].sudo().with_context(active_test=False).search([
            ("connection_id.active", "=", True), ("company_id", "=", conn.company_id.id)]).pos_config_id
        for config in sessions.config_id - mapped_anywhere:
            rows.append(self._row("outlet", msgs.message(
                "health.outlet_unmapped",
                outlet=config.display_name, conn=conn.display_name), config, fix_model="accounting.outlet.map"))
        configs = outlet_maps.pos_config_id
        my_sessions = sessions.filtered(lambda s: s.config_id in configs)
        methods = (configs.payment_method_ids | my_sessions.order_ids.payment_ids.payment_method_id)
        for method in methods.filtered(lambda m: m.type != "pay_later") - conn.payment_map_ids.filtered(
                "remote_account").payment_method_id:
            line = conn.payment_map_ids.filtered(lambda m, pm=method: m.payment_method_id == pm)[:1]
            rows.append(self._row("payment", msgs.message(
                "health.payment_unmapped", method=method.display_name,
                outlets=(configs & method.config_ids).mapped("display_name") or msgs.message("health.the_outlets"),
                conn=conn.display_name), method, fix_model="accounting.payment.map", fix_res_id=line.id))
        taxes = my_sessions.order_ids.lines.tax_ids_after_fiscal_position
        # the taxes of what the mapped outlets offer (their own categories when they limit them)
        taxes |= self._products_on_sale(conn, configs).taxes_id if configs else self.env["account.tax"]
        taxes = taxes.flatten_taxes_hierarchy().filtered(
            lambda t: t.company_id == conn.company_id and t.type_tax_use == "sale" and t.amount)
        for tax in taxes - conn.tax_map_ids.filtered(lambda m: m.remote_tax or m.treatment == "regional").tax_id:
            rows.append(self._row("tax", msgs.message(
                "health.tax_unmapped", tax=tax.display_name, conn=conn.display_name),
                tax, fix_model="accounting.tax.map"))
        if conn.sales_posting == "journal_entry":
            # the journal entry books each tax on its own account (PB1 on its regional account)
            for line in conn.tax_map_ids.filtered(
                    lambda m: m.tax_id in taxes and m.treatment != "regional" and not m.tax_account):
                rows.append(self._row("tax", msgs.message(
                    "health.tax_account_unmapped", tax=line.tax_id.display_name, conn=conn.display_name),
                    line.tax_id, fix_model="accounting.tax.map", fix_res_id=line.id))
        if conn.warehouse_map_ids:
            rows += self._unmapped_warehouses(conn)
        rows += self._unmapped_accounts(conn, configs)
        return rows

    @api.model
    def _unmapped_warehouses(self, connection):
        """Warehouses moving goods lately (not through the POS) that no line
        maps: their transfers and counts would silently post nothing."""
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        moves = self.env["stock.move"].sudo().search([
            ("company_id", "=", connection.company_id.id), ("state", "!=", "cancel"),
            "|", ("state", "!=", "done"), ("date", ">=", since)])
        moves = moves.filtered(lambda m: not (m.picking_id.pos_session_id or m.picking_id.pos_order_id))
        warehouses = (moves.location_id | moves.location_dest_id).filtered(
            lambda l: l.usage == "internal").warehouse_id
        rows = []
        for wh in warehouses - connection.warehouse_map_ids.warehouse_id:
            rows.append(self._row("warehouse", msgs.message(
                "health.warehouse_unmapped", wh=wh.display_name, conn=connection.display_name), wh,
                fix_model="accounting.warehouse.map"))
        return rows

    @api.model
    def _unmapped_accounts(self, connection, configs):
        """The connection's own accounts a document of its outlets and
        warehouses can need, read from the outlets' configuration (not from
        what earlier documents used), that are not chosen."""
        needed = {}
        if configs:
            needed.update(self._outlet_needs(connection, configs))
        if connection.warehouse_map_ids:
            needed["adjustment_account"] = msgs.message("health.why_counts")
            if connection.provider == "jurnal":
                needed["transit_warehouse"] = msgs.message("health.why_transit")
        rows = []
        for fname, why in needed.items():
            if isinstance(why, tuple):  # (why, another field that serves as well)
                why, fallback = why
                if connection[fallback]:
                    continue
            if not connection[fname]:
                rows.append(self._row(
                    "warehouse" if fname == "transit_warehouse" else "account", msgs.message(
                        "health.account_unmapped", field=msgs.field_label(connection._name, fname),
                        conn=connection.display_name, why=why), connection, field_name=fname))
        return rows

    @api.model
    def _outlet_needs(self, connection, configs):
        """``{connection field: why}`` (or ``(why, field that serves instead)``)
        of what the sales of the mapped outlets ``configs`` can name."""
        needed = {}
        products = self._products_on_sale(connection, configs)
        if any(configs.mapped("cash_rounding")):
            needed["rounding_account"] = msgs.message("health.why_rounding")
        elif products.taxes_id.filtered(lambda t: t.amount):
            needed["rounding_account"] = msgs.message("health.why_taxed_rounding")
        if any(configs.mapped("cash_control")):
            needed["cash_difference_account"] = msgs.message("health.why_cash_count")
        if connection.provider == "accurate":
            needed["receivable_account"] = msgs.message("health.why_refund_receivable")
        if connection.sales_posting == "journal_entry":
            needed["sales_account"] = msgs.message("health.why_journal_sales")
        tips = configs.filtered(lambda c: c.iface_tipproduct and c.tip_product_id)
        if tips:
            needed["tip_account"] = (msgs.message("health.why_tips", outlets=tips.mapped("name")), "sales_account")
        services = products.filtered(lambda p: p.type == "service" and not (p.default_code or "").strip()
                                     and p not in configs.tip_product_id)
        gift_cards = products & _gift_card_products(self.env)
        services -= gift_cards
        if services:
            needed["service_account"] = (msgs.message(
                "health.why_services", names=services[:3].mapped("display_name")), "sales_account")
        if gift_cards:
            needed["gift_card_account"] = msgs.message("health.why_gift_cards",
                                                        names=gift_cards[:3].mapped("display_name"))
        return needed

    @api.model
    def _products_on_sale(self, connection, configs):
        """The products the outlets ``configs`` offer (their POS categories
        when they limit them)."""
        products = self.env["product.product"].sudo().search([
            ("available_in_pos", "=", True), ("company_id", "in", [False, connection.company_id.id])])
        limited = configs.filtered("limit_categories")
        if limited and len(limited) == len(configs):
            categories = limited.iface_available_categ_ids
            products = products.filtered(lambda p: p.pos_categ_ids & categories)
        return products | configs.tip_product_id

    @api.model
    def _walkin_rows(self, connection, remote):
        """The walk-in customer every sale without a customer names: chosen,
        and a customer the accounting system has."""
        conn = connection
        if not conn.outlet_map_ids.filtered("active"):
            return []
        ref = conn.default_customer_ref
        if not ref:
            return [self._row("customer", msgs.message(
                "health.walkin_missing", conn=conn.display_name), conn, field_name="default_customer_ref")]
        if ref not in remote.get("customer", ()):
            return [self._row("customer", msgs.message(
                "health.walkin_gone", ref=ref, conn=conn.display_name,
                system=conn._get_provider_label()), conn, problem="missing_remote",
                field_name="default_customer_ref", remote_code=ref)]
        return []

    # --- what is gone remotely ----------------------------------------------------------
    @api.model
    def _missing(self, connection, remote):
        conn = connection
        rows = []
        provider = conn._get_provider_label()

        labels = {kind: msgs.message("health.kind_" + kind) for kind in ("account", "warehouse", "tax")}
        categories = {"accounting.payment.map": "payment", "accounting.outlet.map": "outlet"}

        def gone(kind, code, what, record, fix_model=False, fix_res_id=0, field_name=False):
            if code and code not in remote[kind]:
                rows.append(self._row(
                    categories.get(fix_model, kind),
                    # (built as a dict: the sentence names a "code", as message() calls its own)
                    {"code": "health.gone_remotely", "args": {"label": labels[kind], "code": code, "what": what,
                                                              "system": provider}},
                    record, problem="missing_remote", fix_model=fix_model,
                    fix_res_id=fix_res_id, field_name=field_name, remote_code=code))

        rows += self._walkin_rows(conn, remote)
        for fname, kind in conn._mapped_code_fields().items():
            gone(kind, conn[fname], msgs.field_label(conn._name, fname), conn, field_name=fname)
        for line in conn.payment_map_ids:
            gone("account", line.remote_account, line.payment_method_id.display_name, line.payment_method_id,
                 "accounting.payment.map", line.id)
        for line in conn.outlet_map_ids.filtered("active"):
            gone("warehouse", line.remote_warehouse, line.pos_config_id.display_name, line.pos_config_id,
                 "accounting.outlet.map", line.id)
        for line in conn.warehouse_map_ids:
            gone("warehouse", line.remote_warehouse, (line.location_id or line.warehouse_id).display_name,
                 line.warehouse_id, "accounting.warehouse.map", line.id)
        for line in conn.tax_map_ids.filtered(lambda m: m.treatment != "regional"):  # a regional tax has none
            gone("tax", line.remote_tax, line.tax_id.display_name, line.tax_id, "accounting.tax.map", line.id)
        for line in conn.tax_map_ids:  # the accounts journal entries book taxes on
            gone("account", line.tax_account if line.treatment != "regional" else line.regional_account,
                 line.tax_id.display_name, line.tax_id, "accounting.tax.map", line.id)
        return rows

    # --- which documents it would break -------------------------------------------------
    @api.model
    def _name_jobs(self, connection, rows):
        """Build the pending documents (never sent, rolled back) and add each
        to the rows it would fail on; a mapping cause no row holds yet gets one."""
        Job = self.env["accounting.sync.job"].sudo()
        jobs = Job.search([("connection_id", "=", connection.id), ("state", "in", ("pending", "blocked")),
                           ("kind", "not in", MASTER_KINDS)], order="id", limit=MAX_DRY_RUN)
        missing = [v for v in rows.values() if v["problem"] == "missing_remote"]
        by_record = {}
        for vals in rows.values():
            if vals.get("res_model"):
                by_record.setdefault("%s,%s" % (vals["res_model"], vals["res_id"]), []).append(vals)
        now = fields.Datetime.now()
        for job in jobs:
            document, causes, message = self._dry_run(job)
            if document is not None:
                codes = document_codes(document)
                for vals in missing:
                    if breaks(vals, job, codes):
                        vals["job_ids"].add(job.id)
                continue
            for token in causes:
                model, _sep, rid = token.partition(",")
                if token not in by_record and model in UNMAPPED_CATEGORIES and rid.isdigit():
                    # needed by a pending document though not found in use (e.g. a tip account)
                    record = self.env[model].browse(int(rid))
                    vals = dict(self._row(UNMAPPED_CATEGORIES[model], message, record),
                                connection_id=connection.id, checked_at=now, job_ids=set())
                    rows[self._row_key(vals)] = vals
                    by_record[token] = [vals]
                named = {t for t in causes if t.startswith(FIELD_TOKEN.split(":", 1)[0] + ":")}
                for vals in by_record.get(token, []):
                    if vals["problem"] != "unmapped":
                        continue
                    if named and vals.get("field_name") and field_token(connection, vals["field_name"]) not in named:
                        continue  # another of the connection's accounts
                    vals["job_ids"].add(job.id)

    @api.model
    def _name_failed(self, connection, rows):
        """Add to each row the documents that already failed on it (they
        go again by themselves once it is fixed): a row counts what waits
        for its record, its field of the connection or its vanished code."""
        failed = self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("state", "=", "failed"), ("cause_refs", "!=", False)])
        if not failed:
            return
        for vals in rows.values():
            tokens = set()
            if vals.get("res_model") == "accounting.connection" and vals.get("field_name"):
                tokens.add(field_token(connection, vals["field_name"]))
            elif vals.get("res_model") and vals.get("res_id"):
                tokens.add("%s,%s" % (vals["res_model"], vals["res_id"]))
            if vals["problem"] == "missing_remote":
                tokens.add(remote_token(code_kind(vals["category"]), vals["remote_code"]))
            vals["job_ids"] |= set(failed.filtered(lambda j, t=tokens: t & set(tokens_of(j.cause_refs))).ids)

    @api.model
    def _forget_fixed(self, connection, causes, line=None, fields_set=()):
        """A fix made in Odoo: the rows it answers are dropped at once (the
        digest and the form stop reporting them; the next check looks again).
        ``causes``: the records a mapping line maps; ``line``: that line (its
        vanished code replaced); ``fields_set``: the connection's own fields given a value."""
        Health = self.sudo()
        domain = [("connection_id", "=", connection.id)]
        rows = Health.browse()
        for record in causes or []:
            rows |= Health.search(domain + [("problem", "=", "unmapped"), ("res_model", "=", record._name),
                                            ("res_id", "=", record.id)])
        if line is not None:
            code_field = getattr(line, "_remote_code_field", "")
            rows |= Health.search(domain + [("fix_model", "=", line._name), ("fix_res_id", "=", line.id),
                                            ("problem", "=", "missing_remote")]).filtered(
                lambda r: not code_field or r.remote_code != line[code_field])
        if fields_set:
            rows |= Health.search(domain + [("res_model", "=", "accounting.connection"),
                                            ("field_name", "in", list(fields_set))]).filtered(
                lambda r: connection[r.field_name] and connection[r.field_name] != r.remote_code)
        rows.unlink()

    @api.model
    def _refusal_causes(self, job, exc):
        """What a document refused by the connector before any request
        (``exc``, a ConnectorError whose code names one of the connection's
        accounts) waits for; None for any other refusal."""
        fname = CONNECTOR_CODE_FIELDS.get(getattr(exc, "code", None) or "")
        return field_causes(job.connection_id, fname) if fname else None

    @api.model
    def _row_breaking(self, connection, job, document):
        """The last check's row (a code gone remotely) that ``document`` of
        ``job`` would be refused on, else an empty recordset."""
        rows = self.sudo().search([("connection_id", "=", connection.id), ("problem", "=", "missing_remote")])
        if not rows:
            return rows
        codes = document_codes(document)
        return next((r for r in rows if r._breaks(job, codes)), rows.browse())

    # --- going live ------------------------------------------------------------------
    @api.model
    def _check_go_live(self, connection):
        """Going live: check every mapping now (the remote lists are read
        again) and refuse, listing in plain words each thing a document of
        the outlets, warehouses and payment methods would miss."""
        connection.ensure_one()
        try:
            rows = self._check_connection(connection)
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists of %(conn)s: %(msg)s",
                              conn=connection.display_name, msg=exc.message)) from None
        if rows:
            raise UserError(_(
                "%(conn)s cannot go live yet: the first shift would fail on what follows. Fix each, then try "
                "again (Check mappings lists them with a Fix link).\n\n%(rows)s",
                conn=connection.display_name, rows="\n".join("- %s" % r.message for r in rows)))
        return True

    @api.model
    def _dry_run(self, job):
        """``(document, [], "")`` or ``(None, cause tokens, message)`` of a
        job, built in a savepoint that is always rolled back."""
        record = self.env[job.res_model].browse(job.res_id).exists() if job.res_model in self.env else None
        if not record:
            return None, [], ""
        out = [None, [], ""]
        try:
            with self.env.cr.savepoint():
                try:
                    out[0] = record._accounting_sync_document(job)
                except SyncDataError as exc:
                    out[1:] = [cause_tokens(exc.causes), getattr(exc, "accounting_message", None)
                               or (exc.args[0] if exc.args else str(exc))]
                raise _Rollback()
        except _Rollback:  # the rollback is the point: nothing built here is kept
            _logger.debug("accounting sync: dry run of job %s rolled back", job.id)
        except Exception as exc:  # noqa: BLE001 - any other build error is the worker's to report
            _logger.debug("accounting sync: dry run of job %s: %s", job.id, exc)
        return tuple(out)

    @api.model
    def _requeue_cured(self, connection, rows):
        """Failed jobs that waited for a remote code that is back (or no
        longer mapped) go again."""
        still = {t for row in rows for t in row._cause_tokens() if t.startswith("remote:")}
        Job = self.env["accounting.sync.job"].sudo()
        failed = Job.search([("connection_id", "=", connection.id), ("state", "=", "failed"),
                             ("cause_refs", "like", "|remote:")])
        cured = [t for job in failed for t in tokens_of(job.cause_refs) if t.startswith("remote:") and t not in still]
        if cured:
            Job._requeue_fixed(cured, connection, reason=_("the mapping health check"))

