from odoo import api, fields, models


class AccountingWebhookRefusal(models.Model):
    """Calls refused before we knew who sent them (wrong or missing token,
    unknown connection): counted per day, source address and reason. Their
    body is never read or stored."""

    _name = "accounting.webhook.refusal"
    _description = "Refused Webhook Calls"
    _order = "day desc, id desc"

    day = fields.Date(required=True, readonly=True, index=True)
    remote_addr = fields.Char(string="Source Address", readonly=True)
    reason = fields.Char(required=True, readonly=True)
    connection_id = fields.Many2one("accounting.connection", ondelete="cascade", readonly=True,
                                    help="The connection the URL named, when it exists.")
    count = fields.Integer(readonly=True, default=0)
    last_at = fields.Datetime(string="Last Call", readonly=True)

    @api.model
    def _count(self, remote_addr, reason, connection=None):
        """Add one refused call to today's counter of this address and reason."""
        now = fields.Datetime.now()
        domain = [("day", "=", now.date()), ("remote_addr", "=", remote_addr or False),
                  ("reason", "=", reason), ("connection_id", "=", connection.id if connection else False)]
        row = self.search(domain, limit=1)
        if row:
            # a plain SQL increment: two refused calls at once both count
            self.env.cr.execute("UPDATE accounting_webhook_refusal SET count = count + 1, last_at = %s "
                                "WHERE id = %s", (now, row.id))
            row.invalidate_recordset(["count", "last_at"])
            return row
        return self.create({"day": now.date(), "remote_addr": remote_addr or False, "reason": reason,
                            "connection_id": connection.id if connection else False, "count": 1,
                            "last_at": now})
