from odoo import api, fields, models

#: a source address as stored, at most (an IPv6 address is 45 characters)
ADDR_SIZE = 64


class AccountingWebhookRefusal(models.Model):
    """Calls refused before we knew who sent them (wrong or missing token,
    unknown or archived connection): counted per day, source address and
    reason. Their body is never read or stored."""

    _name = "accounting.webhook.refusal"
    _description = "Refused Webhook Calls"
    _order = "day desc, id desc"

    day = fields.Date(required=True, readonly=True, index=True)
    remote_addr = fields.Char(string="Source Address", size=ADDR_SIZE, readonly=True)
    reason = fields.Selection(
        [("wrong_token", "Wrong token or unknown connection"),
         ("archived", "Archived connection"),
         ("no_webhooks", "The accounting system sends no webhooks")],
        required=True, readonly=True)
    connection_id = fields.Many2one("accounting.connection", ondelete="cascade", readonly=True,
                                    help="The connection the URL named, when it exists.")
    count = fields.Integer(readonly=True, default=0)
    last_at = fields.Datetime(string="Last Call", readonly=True)

    def init(self):
        # one row per day, address, reason and connection, so that the counter
        # is one atomic upsert (NULLs compared as equal through COALESCE)
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'accounting_webhook_refusal_counter_uniq'")
        if cr.fetchone():
            return
        # rows of an older version: its reasons were words, and two calls at
        # once could make two rows of one counter
        cr.execute("""
            UPDATE accounting_webhook_refusal SET reason = CASE reason
                   WHEN 'wrong token' THEN 'wrong_token' ELSE 'no_webhooks' END
             WHERE reason IN ('wrong token', 'provider sends no webhooks');
            UPDATE accounting_webhook_refusal r SET count = g.total
              FROM (SELECT MIN(id) AS id, SUM(count) AS total FROM accounting_webhook_refusal
                     GROUP BY day, COALESCE(remote_addr, ''), reason, COALESCE(connection_id, 0)
                    HAVING COUNT(*) > 1) g
             WHERE r.id = g.id;
            DELETE FROM accounting_webhook_refusal a USING accounting_webhook_refusal b
             WHERE a.id > b.id AND a.day = b.day AND COALESCE(a.remote_addr, '') = COALESCE(b.remote_addr, '')
               AND a.reason = b.reason AND COALESCE(a.connection_id, 0) = COALESCE(b.connection_id, 0);
            CREATE UNIQUE INDEX accounting_webhook_refusal_counter_uniq
            ON accounting_webhook_refusal (day, COALESCE(remote_addr, ''), reason, COALESCE(connection_id, 0))
        """)

    @api.model
    def _count(self, remote_addr, reason, connection=None):
        """Add one refused call to today's counter of this address (cut to
        64 characters) and ``reason`` (a code of the selection). One
        ``INSERT … ON CONFLICT DO UPDATE``: calls refused at once never
        conflict, in a READ COMMITTED transaction (under REPEATABLE READ a
        row another call updated meanwhile is still a serialization failure,
        so the door runs it in a transaction of its own). Returns the row."""
        now = fields.Datetime.now()
        self.env.cr.execute("""
            INSERT INTO accounting_webhook_refusal
                   (day, remote_addr, reason, connection_id, count, last_at,
                    create_uid, create_date, write_uid, write_date)
            VALUES (%(day)s, %(addr)s, %(reason)s, %(conn)s, 1, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
            ON CONFLICT (day, COALESCE(remote_addr, ''), reason, COALESCE(connection_id, 0))
            DO UPDATE SET count = accounting_webhook_refusal.count + 1, last_at = EXCLUDED.last_at,
                          write_date = EXCLUDED.write_date
            RETURNING id
        """, {"day": now.date(), "addr": (remote_addr or "")[:ADDR_SIZE] or None, "reason": reason,
              "conn": connection.id if connection else None, "now": now, "uid": self.env.uid})
        row = self.browse(self.env.cr.fetchone()[0])
        row.invalidate_recordset(["count", "last_at"])
        return row
