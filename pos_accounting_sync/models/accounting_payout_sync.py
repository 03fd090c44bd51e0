from odoo import _, api, models

from accounting_connectors.documents import BankTransfer

from ..tools.amounts import money


class AccountingPayoutSync(models.Model):
    """A payout's way out: queued once through the outbox as a bank transfer
    from the method's clearing account to the bank, the fee on the fee
    account; and the hooks the ordered backfill calls."""

    _inherit = "accounting.payout"

    def _accounting_enqueue(self):
        """Queue this payout's bank transfer; never twice (the job found on
        the payout, else the outbox's own idempotency on our reference).
        Returns the job, or an empty recordset for a cancelled payout or one
        dated before the connection's go-live date."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"]
        if self.job_id:
            return self.job_id
        if self.state == "cancelled" or not self.connection_id._is_live(self.date):
            return Job
        job = Job._enqueue(self.connection_id, "bank_transfer", self, self.name, doc_key="payout")
        self.write({"job_id": job.id, "state": "posted"})
        return job

    @api.model
    def _accounting_backfill_records(self, connection, date_from):
        """Payouts of ``connection`` dated ``date_from`` (a date) or later and
        not queued yet, oldest first: what a backfill posts."""
        return self.search([("connection_id", "=", connection.id), ("date", ">=", date_from),
                            ("state", "=", "draft"), ("job_id", "=", False)], order="date, id")

    def _accounting_sync_document(self, job):
        """The worker's call: the :class:`BankTransfer` of this payout (amount
        = gross in rupiah, ``fee`` kept by the provider on ``fee_account``)."""
        self.ensure_one()
        fee = money(self.currency_id, self.fee_amount)
        clearing, bank, fee_account = self.payment_map_id._payout_accounts(with_fee=bool(fee))
        description = _("Payout %(method)s", method=self.payment_method_id.name)
        if self.settlement_ref:
            description = "%s %s" % (description, self.settlement_ref)
        return BankTransfer(
            self.name, date=self.date, from_account=clearing, to_account=bank,
            amount=money(self.currency_id, self.gross_amount), fee=fee, fee_account=fee_account if fee else "",
            description=description[:200])
