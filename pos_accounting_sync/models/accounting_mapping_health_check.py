"""The mapping health check of a connection (button, and daily): what is in
use and unmapped, what is mapped to a remote code that is gone (the remote
lists are read again), and which pending documents each would break (their
documents are built, never sent)."""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.errors import ConnectorError

from .accounting_mapping_health import breaks, document_codes
from ..tools.sync_causes import SyncDataError, cause_tokens, tokens_of
from .accounting_access import MANAGER, USER, check_action

_logger = logging.getLogger(__name__)

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


class AccountingConnectionHealth(models.Model):
    _inherit = "accounting.connection"

    health_ids = fields.One2many("accounting.mapping.health", "connection_id", string="Mapping Health")
    health_count = fields.Integer(compute="_compute_health_count", string="Mapping Problems")
    health_checked_at = fields.Datetime(string="Mappings Checked", readonly=True, copy=False)

    def _compute_health_count(self):
        counts = dict(self.env["accounting.mapping.health"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"]))
        for rec in self:
            rec.health_count = counts.get(rec, 0)

    # --- entry points -------------------------------------------------------------------
    def action_check_mapping_health(self):
        """Check now (also before going live) and show the result."""
        check_action(self, MANAGER)
        self.ensure_one()
        try:
            self._check_mapping_health()
        except ConnectorError as exc:
            raise UserError(_("Could not read the lists of %(conn)s: %(msg)s",
                              conn=self.display_name, msg=exc.message)) from None
        return self.action_view_mapping_health()

    def action_view_mapping_health(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pos_accounting_sync.action_accounting_mapping_health")
        action.update(domain=[("connection_id", "=", self.id)], context={"create": False})
        return action

    @api.model
    def _cron_mapping_health(self):
        """Daily, for every connection that can be reached."""
        def check(conn):
            try:
                conn._check_mapping_health()
            except ConnectorError as exc:
                conn.message_post(body=_("The mappings could not be checked: %(msg)s", msg=exc.message))

        # committed per connection: one connection's check never undoes another's
        self._run_isolated(self.search([("state", "=", "connected")]), _("The mapping check"), check)

    # --- the check ----------------------------------------------------------------------
    def _check_mapping_health(self):
        """Replace this connection's health rows; returns them. Raises
        ConnectorError when the remote lists cannot be read."""
        self.ensure_one()
        remote = self._health_remote_codes()
        now = fields.Datetime.now()
        rows = {}  # key -> vals
        for vals in self._health_unmapped() + self._health_missing(remote):
            rows.setdefault(self._health_key(vals), dict(vals, connection_id=self.id, checked_at=now, job_ids=set()))
        self._health_name_jobs(rows)
        Health = self.env["accounting.mapping.health"].sudo()
        Health.search([("connection_id", "=", self.id)]).unlink()
        created = Health.create([dict(v, job_ids=[(6, 0, sorted(v["job_ids"]))]) for v in rows.values()])
        self.sudo().health_checked_at = now
        self._health_requeue_cured(created)
        return created

    @api.model
    def _health_key(self, vals):
        return (vals["problem"], vals.get("res_model"), vals.get("res_id"), vals.get("field_name"),
                vals.get("remote_code"))

    def _health_remote_codes(self):
        """``{"account": set, "warehouse": set, "tax": set}`` of what the
        accounting system lists now (the connectors' list functions)."""
        client = self._get_client()
        accounts = set()
        for acc in client.list_accounts():
            accounts |= {str(v) for v in (acc.get("number"), acc.get("id"), acc.get("name")) if v}
        warehouses = set()
        for wh in client.list_warehouses():
            if not wh.get("suspended"):
                warehouses |= {str(v) for v in (wh.get("name"), wh.get("code")) if v}
        taxes = {t["name"] for t in client.list_taxes() if t.get("name")}
        return {"account": accounts, "warehouse": warehouses, "tax": taxes}

    # --- what is in use -------------------------------------------------------------------
    def _health_recent_sessions(self):
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        return self.env["pos.session"].sudo().search([
            ("config_id.company_id", "=", self.company_id.id),
            "|", ("state", "!=", "closed"), ("stop_at", ">=", since)])

    def _health_row(self, category, message, record=None, problem="unmapped", fix_model=False, fix_res_id=0,
                    field_name=False, remote_code=False):
        return {"category": category, "problem": problem, "message": message,
                "res_model": record._name if record else False, "res_id": record.id if record else False,
                "res_name": record.display_name if record else False, "fix_model": fix_model,
                "fix_res_id": fix_res_id, "field_name": field_name, "remote_code": remote_code}

    def _health_unmapped(self):
        rows = []
        sessions = self._health_recent_sessions()
        outlet_maps = self.outlet_map_ids.filtered("active")
        # outlets: selling, and mapped on no active connection of the company (Sync unticked is a choice)
        mapped_anywhere = self.env["accounting.outlet.map"].sudo().with_context(active_test=False).search([
            ("connection_id.active", "=", True), ("company_id", "=", self.company_id.id)]).pos_config_id
        for config in sessions.config_id - mapped_anywhere:
            rows.append(self._health_row("outlet", _(
                "The outlet “%(outlet)s” is selling but is mapped on no connection: its sales are not sent "
                "to the accounting system. Map it under %(conn)s > Outlets.",
                outlet=config.display_name, conn=self.display_name), config, fix_model="accounting.outlet.map"))
        configs = outlet_maps.pos_config_id
        my_sessions = sessions.filtered(lambda s: s.config_id in configs)
        methods = (configs.payment_method_ids | my_sessions.order_ids.payment_ids.payment_method_id)
        for method in methods.filtered(lambda m: m.type != "pay_later") - self.payment_map_ids.filtered(
                "remote_account").payment_method_id:
            line = self.payment_map_ids.filtered(lambda m, pm=method: m.payment_method_id == pm)[:1]
            rows.append(self._health_row("payment", _(
                "The payment method “%(method)s” is used by %(outlets)s but has no cash/bank account in "
                "%(conn)s: its receipts would fail.", method=method.display_name,
                outlets=", ".join((configs & method.config_ids).mapped("display_name")) or _("the outlets"),
                conn=self.display_name), method, fix_model="accounting.payment.map", fix_res_id=line.id))
        taxes = my_sessions.order_ids.lines.tax_ids_after_fiscal_position
        products = self.env["product.product"].sudo().search([("available_in_pos", "=", True),
                                                              ("company_id", "in", [False, self.company_id.id])])
        taxes |= products.taxes_id | configs.tip_product_id.taxes_id
        taxes = taxes.flatten_taxes_hierarchy().filtered(
            lambda t: t.company_id == self.company_id and t.type_tax_use == "sale" and t.amount)
        for tax in taxes - self.tax_map_ids.filtered("remote_tax").tax_id:
            rows.append(self._health_row("tax", _(
                "The tax “%(tax)s” is charged in the mapped outlets but has no remote tax in %(conn)s: "
                "the invoices that carry it would fail.", tax=tax.display_name, conn=self.display_name),
                tax, fix_model="accounting.tax.map"))
        if self.warehouse_map_ids:
            rows += self._health_unmapped_warehouses()
        rows += self._health_unmapped_accounts(configs)
        return rows

    def _health_unmapped_warehouses(self):
        """Warehouses moving goods lately (not through the POS) that no line
        maps: their transfers and counts would silently post nothing."""
        since = fields.Datetime.now() - timedelta(days=RECENT_DAYS)
        moves = self.env["stock.move"].sudo().search([
            ("company_id", "=", self.company_id.id), ("state", "!=", "cancel"),
            "|", ("state", "!=", "done"), ("date", ">=", since)])
        moves = moves.filtered(lambda m: not (m.picking_id.pos_session_id or m.picking_id.pos_order_id))
        warehouses = (moves.location_id | moves.location_dest_id).filtered(
            lambda l: l.usage == "internal").warehouse_id
        rows = []
        for wh in warehouses - self.warehouse_map_ids.warehouse_id:
            rows.append(self._health_row("warehouse", _(
                "The warehouse “%(wh)s” moves goods but is not mapped in %(conn)s: its transfers and "
                "counts are not sent.", wh=wh.display_name, conn=self.display_name), wh,
                fix_model="accounting.warehouse.map"))
        return rows

    def _health_unmapped_accounts(self, configs):
        needed = {}
        if any(configs.mapped("cash_rounding")):
            needed["rounding_account"] = _("the outlets round cash totals")
        if self.warehouse_map_ids:
            needed["adjustment_account"] = _("stock counts are sent")
            if self.provider == "jurnal":
                needed["transit_warehouse"] = _("transfers between warehouses go through transit")
        rows = []
        for fname, why in needed.items():
            if not self[fname]:
                rows.append(self._health_row(
                    "warehouse" if fname == "transit_warehouse" else "account", _(
                        "%(field)s is not mapped in %(conn)s, but %(why)s.", field=self._fields[fname].string,
                        conn=self.display_name, why=why), self, field_name=fname))
        return rows

    # --- what is gone remotely ----------------------------------------------------------
    def _health_missing(self, remote):
        rows = []
        provider = self._get_provider_label() if hasattr(self, "_get_provider_label") else self.provider

        labels = {"account": _("account"), "warehouse": _("warehouse"), "tax": _("tax")}
        categories = {"accounting.payment.map": "payment", "accounting.outlet.map": "outlet"}

        def gone(kind, code, what, record, fix_model=False, fix_res_id=0, field_name=False):
            if code and code not in remote[kind]:
                rows.append(self._health_row(
                    categories.get(fix_model, kind),
                    _("The %(label)s %(code)s mapped for %(what)s no longer exists in %(system)s (deleted or "
                      "renamed there): pick its current %(label)s.", label=labels[kind], code=code, what=what,
                      system=provider), record, problem="missing_remote", fix_model=fix_model,
                    fix_res_id=fix_res_id, field_name=field_name, remote_code=code))

        for fname, kind in self._mapped_code_fields().items():
            gone(kind, self[fname], self._fields[fname].string, self, field_name=fname)
        for line in self.payment_map_ids:
            gone("account", line.remote_account, line.payment_method_id.display_name, line.payment_method_id,
                 "accounting.payment.map", line.id)
        for line in self.outlet_map_ids.filtered("active"):
            gone("warehouse", line.remote_warehouse, line.pos_config_id.display_name, line.pos_config_id,
                 "accounting.outlet.map", line.id)
        for line in self.warehouse_map_ids:
            gone("warehouse", line.remote_warehouse, (line.location_id or line.warehouse_id).display_name,
                 line.warehouse_id, "accounting.warehouse.map", line.id)
        for line in self.tax_map_ids:
            gone("tax", line.remote_tax, line.tax_id.display_name, line.tax_id, "accounting.tax.map", line.id)
        return rows

    # --- which documents it would break -------------------------------------------------
    def _health_name_jobs(self, rows):
        """Build the pending documents (never sent, rolled back) and add each
        to the rows it would fail on; a mapping cause no row holds yet gets one."""
        Job = self.env["accounting.sync.job"].sudo()
        jobs = Job.search([("connection_id", "=", self.id), ("state", "in", ("pending", "blocked")),
                           ("kind", "not in", MASTER_KINDS)], order="id", limit=MAX_DRY_RUN)
        missing = [v for v in rows.values() if v["problem"] == "missing_remote"]
        by_record = {}
        for vals in rows.values():
            if vals.get("res_model"):
                by_record.setdefault("%s,%s" % (vals["res_model"], vals["res_id"]), []).append(vals)
        now = fields.Datetime.now()
        for job in jobs:
            document, causes, message = self._health_dry_run(job)
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
                    vals = dict(self._health_row(UNMAPPED_CATEGORIES[model], message, record),
                                connection_id=self.id, checked_at=now, job_ids=set())
                    rows[self._health_key(vals)] = vals
                    by_record[token] = [vals]
                for vals in by_record.get(token, []):
                    if vals["problem"] == "unmapped":
                        vals["job_ids"].add(job.id)

    def _health_dry_run(self, job):
        """``(document, [], "")`` or ``(None, cause tokens, message)`` of a
        job, built in a savepoint that is always rolled back."""
        record = self.env[job.res_model].browse(job.res_id).exists() if job.res_model in self.env else None
        if not record:
            return None, []
        out = [None, [], ""]
        try:
            with self.env.cr.savepoint():
                try:
                    out[0] = record._accounting_sync_document(job)
                except SyncDataError as exc:
                    out[1:] = [cause_tokens(exc.causes), exc.args[0] if exc.args else str(exc)]
                raise _Rollback()
        except _Rollback:  # the rollback is the point: nothing built here is kept
            _logger.debug("accounting sync: dry run of job %s rolled back", job.id)
        except Exception as exc:  # noqa: BLE001 - any other build error is the worker's to report
            _logger.debug("accounting sync: dry run of job %s: %s", job.id, exc)
        return tuple(out)

    def _health_requeue_cured(self, rows):
        """Failed jobs that waited for a remote code that is back (or no
        longer mapped) go again."""
        still = {t for row in rows for t in row._cause_tokens() if t.startswith("remote:")}
        Job = self.env["accounting.sync.job"].sudo()
        failed = Job.search([("connection_id", "=", self.id), ("state", "=", "failed"),
                             ("cause_refs", "like", "|remote:")])
        cured = [t for job in failed for t in tokens_of(job.cause_refs) if t.startswith("remote:") and t not in still]
        if cured:
            Job._requeue_fixed(cured, self, reason=_("the mapping health check"))
