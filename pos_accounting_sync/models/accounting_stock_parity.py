from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from accounting_connectors.errors import ConnectorError

from . import accounting_messages as msgs
from .accounting_access import MANAGER, USER, check_action


class AccountingStockParity(models.Model):
    """A difference found by the last stock comparison of a connection: an
    item whose quantity in a remote warehouse differs from Odoo's on-hand
    quantity in the warehouse mapped to it (or in transit). The comparison
    itself runs here (the connection's button, a daily cron, the
    reconciliation) and replaces the connection's rows."""

    _name = "accounting.stock.parity"
    _description = "Accounting Stock Difference"
    _order = "connection_id, remote_warehouse, item_code"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    product_id = fields.Many2one("product.product", readonly=True, ondelete="cascade")
    item_code = fields.Char(readonly=True)
    remote_warehouse = fields.Char(readonly=True)
    is_transit = fields.Boolean(string="Transit", readonly=True)
    odoo_quantity = fields.Float(string="Odoo On Hand", digits="Product Unit of Measure", readonly=True)
    remote_quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    difference = fields.Float(digits="Product Unit of Measure", readonly=True,
                              help="Remote quantity minus Odoo's.")
    job_ids = fields.Many2many("accounting.sync.job", string="Documents", readonly=True,
                               help="Stock documents of this item and warehouse sent to the accounting system.")
    checked_at = fields.Datetime(readonly=True)

    def action_view_jobs(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("id", "in", self.job_ids.ids)], context={"create": False})
        return action

    # --- the comparison ------------------------------------------------------------------
    @api.model
    def _action_check(self, connection):
        """The connection's *Compare stock*: compare now and list the differences."""
        check_action(connection, MANAGER)
        connection.ensure_one()
        try:
            self._compare_connection(connection)
        except ConnectorError as exc:
            raise UserError(_("Could not read the stock of %(conn)s: %(msg)s",
                              conn=connection.display_name, msg=msgs.describe(self.env, exc))) from None
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_stock_parity")
        action.update(domain=[("connection_id", "=", connection.id)], context={"create": False})
        return action

    @api.model
    def _cron_stock_parity(self):
        """Daily: compare every connected connection; a difference becomes a
        to-do for its responsible."""
        def compare(conn):
            try:
                lines = self._compare_connection(conn)
            except ConnectorError as exc:
                conn.message_post(body=_("Stock could not be compared: %s", exc.message))
                return
            if lines:
                conn.activity_schedule(
                    "pos_accounting_sync.mail_activity_accounting_sync_problem",
                    summary=_("Accounting sync: stock differs"), user_id=(conn.user_id or self.env.user).id,
                    note=Markup("<p>%s</p>") % _("%(n)s item(s) differ between Odoo and %(conn)s. Open the "
                                                 "connection's Stock Differences.", n=len(lines),
                                                 conn=conn.display_name))

        Connection = self.env["accounting.connection"]
        Connection._run_isolated(Connection.search([("state", "=", "connected"), ("warehouse_map_ids", "!=", False)]),
                                 _("The stock comparison"), compare)

    @api.model
    def _compare_connection(self, connection):
        """Read the remote stock of every mapped warehouse (and transit) of
        ``connection``, compare with Odoo, store the differences (replacing
        its earlier ones); returns them."""
        connection.ensure_one()
        client = connection._get_client()
        transit = connection.transit_warehouse or getattr(client, "default_transit_warehouse", "") or ""
        names = sorted(set(connection.warehouse_map_ids.mapped("remote_warehouse")) - {False, ""})
        remote = client.stock_levels(names + ([transit] if transit and transit not in names else []))
        odoo = self._odoo_stock_by_remote_warehouse(connection, transit)
        Product = self.env["product.product"].with_context(active_test=False)
        codes = {code for levels in remote.values() for code in levels}
        by_code = {p.default_code: p for p in Product.search([("default_code", "in", list(codes))])}
        keys = {(name, p.default_code) for name, p in odoo} | {
            (name, code) for name, levels in remote.items() for code in levels}
        now = fields.Datetime.now()
        connection.parity_line_ids.unlink()
        vals_list = []
        for name, code in sorted(keys):
            product = by_code.get(code) or next((p for n, p in odoo if p.default_code == code), Product)
            mine = odoo.get((name, product), 0.0) if product else 0.0
            theirs = float(remote.get(name, {}).get(code, 0))
            rounding = product.uom_id.rounding if product else 0.0001
            if float_compare(mine, theirs, precision_rounding=rounding) == 0:
                continue
            vals_list.append({
                "connection_id": connection.id, "product_id": product.id, "item_code": code,
                "remote_warehouse": name, "is_transit": name == transit, "odoo_quantity": mine,
                "remote_quantity": theirs, "difference": theirs - mine, "checked_at": now,
                "job_ids": [(6, 0, self._parity_jobs(connection, product, name, name == transit).ids)]})
        connection.parity_checked_at = now
        return self.create(vals_list)

    @api.model
    def _odoo_stock_by_remote_warehouse(self, connection, transit):
        """``{(remote warehouse, product): on-hand}`` from Odoo's quants: internal
        locations by their mapping, the company's transit location as ``transit``."""
        quants = self.env["stock.quant"].sudo().search([
            ("company_id", "=", connection.company_id.id), ("location_id.usage", "in", ("internal", "transit"))])
        transit_loc = connection.company_id.internal_transit_location_id
        out = {}
        for quant in quants:
            loc = quant.location_id
            if loc.usage == "transit":
                name = transit if transit_loc and loc.parent_path.startswith(transit_loc.parent_path) else ""
            else:
                name = connection._remote_warehouse(loc)
            if name and quant.product_id.default_code:
                key = (name, quant.product_id)
                out[key] = out.get(key, 0.0) + quant.quantity
        return out

    @api.model
    def _parity_jobs(self, connection, product, name, is_transit):
        if not product:
            return self.env["accounting.sync.job"]
        domain = [("connection_id", "=", connection.id), ("line_ids.product_id", "=", product.id)]
        if is_transit:
            domain.append(("doc_type", "in", ("transfer_out", "transfer_in")))
        else:  # a transfer out of A moves A and transit, never its destination
            domain.append(("remote_warehouse", "=", name))
        return self.env["accounting.stock.document"].search(domain).job_id
