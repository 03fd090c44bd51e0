import json
from datetime import date as Date
from decimal import Decimal

from odoo import _, api, fields, models
from .accounting_access import USER, check_action

MEASURES = [
    ("sales", "Sales"),
    ("tax", "Tax (PPN)"),
    ("returns", "Returns"),
    ("money", "Money received"),
    ("customer", "Customer account"),
    ("stock", "Stock"),
]
CAUSES = [
    ("not_posted", "Not posted"),
    ("failed", "Failed"),
    ("posted_twice", "Posted twice"),
    ("changed_remotely", "Changed remotely"),
    ("unexplained", "Unexplained"),
]


class AccountingReconciliationLine(models.Model):
    """One figure of one outlet's day (or, for stock, of one item in one
    warehouse, as of the check): Odoo's beside the accounting system's as
    its lists return it, with the likely cause of a difference and the sync
    log lines and shifts behind it. Rows are rebuilt by the refresh (button,
    daily cron); accountants only read, filter and export them."""

    _name = "accounting.reconciliation.line"
    _description = "Accounting Reconciliation Line"
    _order = "date desc, pos_config_id, measure, subject, id"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    date = fields.Date(required=True, readonly=True, index=True,
                       help="The shop's business day (the documents' date).")
    pos_config_id = fields.Many2one("pos.config", string="Outlet", readonly=True, index="btree_not_null")
    measure = fields.Selection(MEASURES, required=True, readonly=True)
    subject = fields.Char(readonly=True, help="The cash/bank account, the customer or the item and warehouse.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    odoo_value = fields.Float(string="Odoo", digits=(16, 2), readonly=True)
    remote_value = fields.Float(string="Accounting System", digits=(16, 2), readonly=True)
    difference = fields.Float(digits=(16, 2), readonly=True, help="The accounting system's figure minus Odoo's.")
    is_difference = fields.Boolean(string="Differs", readonly=True, index=True)
    cause = fields.Selection(CAUSES, string="Likely Cause", readonly=True, index=True)
    cause_note = fields.Text(string="Why", readonly=True)
    remote_refs = fields.Char(string="Remote Documents", readonly=True,
                              help="References of the remote documents the figure is made of.")
    job_ids = fields.Many2many("accounting.sync.job", "accounting_reconciliation_line_job_rel", "line_id",
                               "job_id", string="Sync Log", readonly=True)
    session_ids = fields.Many2many("pos.session", "accounting_reconciliation_line_session_rel", "line_id",
                                   "session_id", string="Sessions", readonly=True)
    checked_at = fields.Datetime(readonly=True)

    @api.depends("date", "pos_config_id", "measure", "subject")
    def _compute_display_name(self):
        labels = dict(self._fields["measure"]._description_selection(self.env))
        for line in self:
            line.display_name = " ".join(filter(None, [
                line.date and fields.Date.to_string(line.date), line.pos_config_id.name,
                labels.get(line.measure), line.subject]))

    def action_view_jobs(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(domain=[("id", "in", self.job_ids.ids)], context={"create": False})
        return action

    def action_view_sessions(self):
        check_action(self, USER)
        action = self.env["ir.actions.act_window"]._for_xml_id("point_of_sale.action_pos_session")
        action.update(domain=[("id", "in", self.session_ids.ids)], context={"create": False})
        return action

    def action_refresh(self):
        """Re-read the selected days from the accounting system and compare again."""
        check_action(self, USER)
        for connection in self.connection_id:
            lines = self.filtered(lambda l, c=connection: l.connection_id == c)
            days = lines.mapped("date")
            connection._reconcile(min(days), max(days), reread=True)
        return {"type": "ir.actions.client", "tag": "soft_reload"}


class AccountingReconciliationRemote(models.Model):
    """The sales documents the accounting system listed for one day, as read
    (see ``list_sales_documents``): a reconciliation reads only the days it
    has not read yet (and today), so reopening it costs no request however
    many days it covers. A day is forgotten (read again) when Accurate says
    one of its documents changed, and on demand."""

    _name = "accounting.reconciliation.remote"
    _description = "Accounting Reconciliation: Remote Documents of a Day"
    _order = "date desc"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade", index=True,
                                    readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    date = fields.Date(required=True, readonly=True)
    documents = fields.Text(readonly=True, help="The documents listed that day (JSON).")
    references = fields.Text(readonly=True, help="Their references, one a line (to forget a day by one).")
    read_at = fields.Datetime(readonly=True)

    _sql_constraints = [("day_uniq", "unique(connection_id, date)", "One cache row per connection and day.")]

    @api.model
    def _store(self, connection, day, rows):
        vals = {"documents": json.dumps([_plain(r) for r in rows]),
                "references": "\n".join(sorted({r.get("reference") or "" for r in rows})),
                "read_at": fields.Datetime.now()}
        cached = self.search([("connection_id", "=", connection.id), ("date", "=", day)])
        if cached:
            cached.write(vals)
        else:
            self.create(dict(vals, connection_id=connection.id, date=day))

    def _rows(self):
        self.ensure_one()
        rows = json.loads(self.documents or "[]")
        for row in rows:
            row["date"] = Date.fromisoformat(row["date"]) if row.get("date") else None
            row["total"], row["tax"] = Decimal(row["total"]), Decimal(row["tax"])
        return rows

    @api.model
    def _forget(self, connection, job):
        """Read again the day(s) holding ``job``'s document (changed remotely)."""
        self.sudo().search([("connection_id", "=", connection.id),
                            ("references", "ilike", job.reference)]).unlink()


def _plain(row):
    return {k: (v.isoformat() if isinstance(v, Date) else str(v) if isinstance(v, Decimal) else v)
            for k, v in row.items()}


def cause_label(env, cause):
    return dict(env["accounting.reconciliation.line"]._fields["cause"]._description_selection(env)).get(
        cause, _("Unexplained"))
