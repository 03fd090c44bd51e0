from odoo import _, api, fields, models
from odoo.exceptions import UserError

from accounting_connectors.errors import ConnectorError

from ..models import accounting_messages as msgs
from ..models.accounting_access import MANAGER, check_action


class AccountingCustomerReceivable(models.TransientModel):
    """Jurnal fixes the receivable account on the customer when it is
    created: after the connection's receivable changes, the customers
    already there keep the old one. This lists them (read from Jurnal) and
    moves them to the connection's receivable (``PATCH customers/{id}``);
    invoices created afterwards post there, existing ones stay where they are."""

    _name = "accounting.customer.receivable"
    _description = "Accounting Sync Customer Receivable Update"

    connection_id = fields.Many2one("accounting.connection", required=True, ondelete="cascade")
    receivable_account = fields.Char(related="connection_id.receivable_account")
    customer_text = fields.Text(compute="_compute_customers", string="Customers on Another Receivable")
    customer_count = fields.Integer(compute="_compute_customers", string="Customers to Update")

    @api.depends("connection_id")
    def _compute_customers(self):
        for wiz in self:
            wrong = wiz._mismatches(quiet=True)
            wiz.customer_count = len(wrong)
            wiz.customer_text = "\n".join("%s: %s" % (c["name"], c["receivable"]) for c in wrong)

    def _mismatches(self, quiet=False):
        if not self.connection_id:
            return []
        try:
            return self.env["res.partner"]._accounting_receivable_mismatches(self.connection_id)
        except ConnectorError as exc:
            if quiet:
                return []
            raise UserError(_("Could not read the customers of %(conn)s: %(msg)s",
                              conn=self.connection_id.display_name, msg=msgs.describe(self.env, exc))) from None

    def action_update(self):
        """Move every customer on another receivable to the connection's,
        then check the mappings again (the warning goes once all moved)."""
        check_action(self, MANAGER)
        self.ensure_one()
        conn = self.connection_id
        conn._check_live_mode()
        wrong = self._mismatches()
        if not wrong:
            raise UserError(_("Every customer in %(conn)s already carries the receivable account %(account)s.",
                              conn=conn.display_name, account=conn.receivable_account or "-"))
        client = conn._get_client()
        failed = []
        for customer in wrong:
            try:
                client.set_customer_receivable(customer["id"], conn.receivable_account)
            except ConnectorError as exc:
                failed.append("%s (%s)" % (customer["name"], msgs.describe(self.env, exc)))
        self.env["accounting.mapping.health"]._check_connection(conn)
        if failed:
            return conn._notify(_("Customers updated"), _(
                "%(done)s of %(total)s customers now carry %(account)s; not updated: %(failed)s.",
                done=len(wrong) - len(failed), total=len(wrong), account=conn.receivable_account,
                failed="; ".join(failed)), "warning")
        return conn._notify(_("Customers updated"), _(
            "%(total)s customers now carry the receivable account %(account)s; their next invoices post there.",
            total=len(wrong), account=conn.receivable_account), "success")
