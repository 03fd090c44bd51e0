"""Opening balances at go-live: what Odoo held before the first document,
posted once so that the accounting system starts equal.

- **stock**: per mapped warehouse, the quantity each item had at the start
  of the go-live day (the shop's time zone) and its unit cost at Odoo's
  valuation (the valuation layers' value over quantity, else the cost), as
  a stock adjustment "in" booked against the opening-balance account;
- **receivables** (optional): per customer, what it owed at that moment
  (its receivable journal items dated before the go-live day), as one
  invoice on the opening-balance account.

Exactly once: every document goes through the outbox under a reference of
its own (``OPEN/<connection>/...``) stored remotely, like every document;
the record is one per connection. The first day's documents wait for it:
a document of the connection claimed while the opening is not posted is
held behind it and released when it is."""

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.documents import (
    AdjustmentLine, InvoiceLine, ItemAdjustment, SalesInvoice, account_item_ref,
)

from .accounting_access import MANAGER, USER, check_action
from .accounting_map_mixin import copy_chosen_code, remote_choice
from ..tools.amounts import money
from ..tools.shop_time import shop_tz

#: a unit cost is sent to this many decimals (rupiah and sen)
COST_STEP = Decimal("0.01")


class AccountingOpeningBalance(models.Model):
    _name = "accounting.opening.balance"
    _description = "Accounting Sync Opening Balances"
    _inherit = ["mail.thread"]
    _order = "connection_id"
    _rec_name = "connection_id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    domain="[('company_id', 'in', allowed_company_ids)]")
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    date = fields.Date(
        string="Go-Live Date", required=True, default=fields.Date.context_today,
        help="The balances are those at the start of this day (the shop's time zone); the documents of this "
             "day and later are posted one by one. It becomes the connection's go-live date.")
    opening_account_option_id = remote_choice(
        "Opening Balance Account", "account", help="The equity account the opening balances are booked against "
                                                   "(Ekuitas Saldo Awal / Opening Balance Equity).")
    opening_account = fields.Char(compute="_compute_opening_account", store=True, readonly=False)
    include_receivables = fields.Boolean(
        string="Customers' Open Balances",
        help="Also post what each customer owed at the start of the go-live day, one invoice per customer.")
    state = fields.Selection([("draft", "Draft"), ("queued", "Queued"), ("posted", "Posted")], string="Status",
                             default="draft", required=True, readonly=True, tracking=True)
    summary = fields.Text(compute="_compute_summary")
    job_ids = fields.One2many("accounting.sync.job", compute="_compute_job_ids", string="Documents")

    _sql_constraints = [
        ("connection_uniq", "unique(connection_id)", "A connection has one set of opening balances."),
    ]

    @api.depends("opening_account_option_id")
    def _compute_opening_account(self):
        copy_chosen_code(self, "opening_account")

    def _compute_job_ids(self):
        Job = self.env["accounting.sync.job"]
        for rec in self:
            rec.job_ids = Job.search([("res_model", "=", rec._name), ("res_id", "=", rec.id)]) if rec.id else Job

    @api.depends("connection_id", "date", "include_receivables")
    def _compute_summary(self):
        for rec in self:
            if not rec.connection_id or not rec.date:
                rec.summary = False
                continue
            stock = rec._stock_lines()
            # (the env's translation: a comprehension's frame has no ``self`` for ``_`` to find)
            lines = [rec.env._("%(wh)s: %(n)s item(s), value %(value)s", wh=wh, n=len(items),
                       value=sum((q * c for _p, q, c in items), Decimal(0))) for wh, items in stock.items()]
            if rec.include_receivables:
                owed = rec._receivables()
                lines.append(_("%(n)s customer(s) owing %(total)s", n=len(owed), total=sum(owed.values(), Decimal(0))))
            rec.summary = "\n".join(lines) or _("Nothing on hand in the mapped warehouses.")

    # --- what Odoo held ------------------------------------------------------------
    def _cutoff(self):
        """The start of the go-live day in the shop's time zone, as a naive UTC datetime."""
        self.ensure_one()
        local = shop_tz(self.company_id).localize(datetime.combine(self.date, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _stock_lines(self):
        """``{remote warehouse: [(product, quantity Decimal, unit cost Decimal)]}``
        of what each mapped warehouse held at the cutoff (items with a SKU, quantity above 0)."""
        self.ensure_one()
        cutoff = self._cutoff()
        out = {}
        Product = self.env["product.product"].sudo()
        for line in self.connection_id.warehouse_map_ids.filtered("remote_warehouse"):
            context = {"to_date": cutoff}
            if line.location_id:
                context["location"] = line.location_id.id
            else:
                context["warehouse_id"] = line.warehouse_id.id
            location = line.location_id or line.warehouse_id.view_location_id
            candidates = self.env["stock.quant"].sudo().search([
                ("location_id", "child_of", location.id), ("location_id.usage", "=", "internal")]).product_id
            candidates |= self.env["stock.move"].sudo().search([
                ("state", "=", "done"), ("date", "<", cutoff), "|", ("location_id", "child_of", location.id),
                ("location_dest_id", "child_of", location.id)]).product_id
            items = []
            for product in Product.browse(candidates.ids).with_context(**context).sorted("default_code"):
                if not product.is_storable or not (product.default_code or "").strip():
                    continue
                qty = Decimal(str(product.qty_available))
                if qty > 0:
                    items.append((product, qty, self._unit_cost(product)))
            if items:
                out[line.remote_warehouse] = out.get(line.remote_warehouse, []) + items
        return out

    def _unit_cost(self, product):
        """Odoo's valuation of one unit at the cutoff: value over quantity of
        its valuation layers before then, else its cost."""
        layers = self.env["stock.valuation.layer"].sudo()._read_group(
            [("product_id", "=", product.id), ("company_id", "=", self.company_id.id),
             ("create_date", "<", self._cutoff())], [], ["value:sum", "quantity:sum"])
        value, qty = layers[0] if layers else (0.0, 0.0)
        cost = value / qty if qty else product.standard_price
        return Decimal(str(cost)).quantize(COST_STEP, rounding=ROUND_HALF_UP)

    def _receivables(self):
        """``{partner: Decimal owed}`` at the cutoff, from posted receivable journal items."""
        self.ensure_one()
        groups = self.env["account.move.line"].sudo()._read_group(
            [("company_id", "=", self.company_id.id), ("parent_state", "=", "posted"),
             ("account_id.account_type", "=", "asset_receivable"), ("date", "<", self.date),
             ("partner_id", "!=", False)], ["partner_id"], ["balance:sum"])
        currency = self.company_id.currency_id
        return {partner: money(currency, balance) for partner, balance in groups if money(currency, balance) > 0}

    # --- posting -------------------------------------------------------------------
    def action_post(self):
        """Go live with opening balances: check every mapping (refused with the
        list of what is missing), then queue the documents, once."""
        check_action(self, MANAGER)
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("The opening balances of %(conn)s are already posted: they are posted once.",
                              conn=self.connection_id.display_name))
        conn = self.connection_id
        if not self.opening_account:
            raise UserError(_("Choose the Opening Balance Account (an equity account of %(system)s) first.",
                              system=conn._get_provider_label()))
        self.env["accounting.mapping.health"]._check_go_live(conn)
        stock = self._stock_lines()
        owed = self._receivables() if self.include_receivables else {}
        if not stock and not owed:
            raise UserError(_("Nothing to open: the mapped warehouses held nothing and no customer owed anything "
                              "at the start of %(day)s.", day=self.date))
        Job = self.env["accounting.sync.job"]
        chain = "OPEN/%s" % conn.id
        products = self.env["product.product"].union(*[p for items in stock.values() for p, _q, _c in items])
        products._accounting_enqueue_items(conn, chain=chain)
        for partner in owed:
            partner._accounting_enqueue_customer(conn, chain=chain)
        for name in sorted(stock):
            Job._enqueue(conn, "item_adjustment", self, "OPEN/%s/STOCK/%s" % (conn.id, name),
                         doc_key="stock:%s" % name, chain=chain, sequence=10)
        for partner in sorted(owed, key=lambda p: p.id):
            Job._enqueue(conn, "sales_invoice", self, "OPEN/%s/AR/%s" % (conn.id, partner.id),
                         doc_key="ar:%s" % partner.id, chain=chain, sequence=20)
        self.sudo().state = "queued"
        if not conn.go_live_date or conn.go_live_date < self.date:
            conn.sudo().go_live_date = self.date
        self.message_post(body=_("Opening balances queued: %(docs)s.", docs=self.summary))
        Job._trigger_worker()
        return True

    def _accounting_sync_document(self, job):
        """The opening document of ``job`` (its doc_key: ``stock:<remote
        warehouse>`` or ``ar:<partner id>``), built from Odoo's figures at the cutoff."""
        self.ensure_one()
        what, _sep, key = (job.doc_key or "").partition(":")
        label = _("Opening balance at go-live, %(day)s", day=self.date)
        if what == "stock":
            items = self._stock_lines().get(key, [])
            if not items:
                return None
            return ItemAdjustment(job.reference, date=self.date, account=self.opening_account,
                                  description=label, lines=[
                                      AdjustmentLine(p.default_code.strip(), qty, "in", unit_cost=cost, warehouse=key)
                                      for p, qty, cost in items])
        partner = self.env["res.partner"].browse(int(key))
        amount = self._receivables().get(partner)
        if not amount:
            return None
        account = self.opening_account
        return SalesInvoice(job.reference, customer_ref=partner._accounting_customer_ref(self.connection_id),
                            date=self.date, description=label, lines=[InvoiceLine(
                                account_item_ref(account), Decimal(1), amount, description=label,
                                account=account)])

    def _accounting_sync_done(self, job, result):
        """Once every opening document is out, the balances are posted and
        what waited for them goes."""
        jobs = self.job_ids
        if jobs and all(j.state == "done" for j in jobs):
            self.sudo().state = "posted"
        held = self.env["accounting.sync.job"].sudo().search([("blocked_by_id", "in", jobs.ids),
                                                              ("state", "=", "blocked")])
        if self.state == "posted" and held:
            held._set_pending(dict(held._no_error_vals(), next_attempt_at=fields.Datetime.now()))

    @api.model
    def _goes_first(self, job):
        """The opening document ``job`` (a document of the connection) must
        wait for, or an empty recordset: opening balances queued and not all out."""
        if job.res_model == self._name or job.kind in ("item", "customer"):  # masters move no balance
            return self.env["accounting.sync.job"]
        opening = self.sudo().search([("connection_id", "=", job.connection_id.id), ("state", "=", "queued")],
                                     limit=1)
        return opening.job_ids.filtered(lambda j: j.state != "done").sorted("sequence")[-1:]

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("res_model", "=", self._name), ("res_id", "=", self.id)], context={"create": False})
        return action
