"""Payments of customer invoices posted outside the POS: each reconciliation
of money with such an invoice (partial ones too) is one sales receipt
against the remote invoice; a fee the payer kept back (Odoo's write-off to
a fee account in Register Payment, e.g. a marketplace's commission) is a
deduction on the fee's mapped account. Undoing the reconciliation voids the
receipt. The hooks are in account_partial_reconcile_invoice.py."""

from odoo import _, fields, models

from accounting_connectors.documents import ZERO, VOID_SUFFIX, Deduction, ReceiptLine, ReceiptVoid, SalesReceipt

from . import accounting_messages as msgs
from .account_move import SEQ_INVOICE_DOC
from .pos_sales_lines import money


class AccountMovePayments(models.Model):
    _inherit = "account.move"

    # --- queueing ---------------------------------------------------------------
    def _accounting_enqueue_payment(self, partial):
        """Money reconciled with this posted invoice (``partial``): one
        receipt per connection the invoice went to, after the invoice."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for connection in self.env["accounting.connection"]._for_company(self.company_id):
            invoice_job = self._accounting_invoice_job(connection)
            if not invoice_job or invoice_job.kind != "sales_invoice" or invoice_job.state == "cancelled":
                continue
            jobs |= Job._enqueue(connection, "sales_receipt", self, "%s/RCV/%s" % (invoice_job.reference, partial.id),
                                 doc_key="settle:%s" % partial.id, chain=invoice_job.chain,
                                 depends_on=invoice_job, sequence=SEQ_INVOICE_DOC)
        if jobs:
            Job._trigger_worker()
        return jobs

    def _accounting_undo_payments(self, partials):
        """Reconciliations undone: receipts not sent are cancelled, sent ones voided."""
        Job = self.env["accounting.sync.job"].sudo()
        jobs = Job.search([("res_model", "=", "account.move"), ("kind", "=", "sales_receipt"),
                           ("doc_key", "in", ["settle:%s" % p.id for p in partials])])
        for job in jobs:
            if job.state in ("done", "running"):
                Job._enqueue(job.connection_id, "receipt_void", self.browse(job.res_id), job.reference + VOID_SUFFIX,
                             doc_key="void:%s" % job.id, chain=job.chain, sequence=SEQ_INVOICE_DOC)
            elif job.state != "cancelled":
                job._set_cancelled(job._error_vals(False, msgs.message("job.payment_undone")))
        if jobs:
            Job._trigger_worker()

    # --- documents --------------------------------------------------------------
    def _accounting_receipt_document(self, job, partial_id):
        self.ensure_one()
        partial = self.env["account.partial.reconcile"].browse(partial_id).exists()
        if not partial:
            raise msgs.user_error(self.env, "invoice.payment_behind_undone_odoo", job.reference)
        connection = job.connection_id
        currency = self.company_id.currency_id
        invoice_line = (partial.debit_move_id | partial.credit_move_id).filtered(lambda l: l.move_id == self)[:1]
        counterpart = (partial.debit_move_id | partial.credit_move_id) - invoice_line
        deductions = self._accounting_payment_deductions(connection, partial, counterpart)
        settled = money(currency, partial.amount)
        kept = sum((d.amount for d in deductions), ZERO)
        partner = self.env["res.partner"]._find_accounting_partner(self.partner_id)
        invoice_job = job.depends_on_id
        return SalesReceipt(
            reference=job.reference, customer_ref=partner._accounting_customer_ref(connection),
            date=counterpart.date or fields.Date.context_today(self),
            account=connection._invoice_money_account(counterpart.journal_id),
            lines=[ReceiptLine(invoice_ref=invoice_job.reference, amount=settled - kept,
                               invoice_date=self.invoice_date or self.date, deductions=deductions)],
            description=_("Payment of %(move)s (%(entry)s)", move=self.name, entry=counterpart.move_id.name))

    def _accounting_payment_deductions(self, connection, partial, counterpart):
        """What the payer kept back, from the payment's write-off lines (fee
        accounts), on the first reconciliation of that payment only."""
        payment = counterpart.move_id.sudo().origin_payment_id
        if not payment:
            return []
        _liquidity, _counterpart, writeoffs = payment._seek_for_lines()
        earlier = (counterpart.matched_debit_ids | counterpart.matched_credit_ids).filtered(
            lambda p: p.id < partial.id)
        if earlier:
            return []
        currency = self.company_id.currency_id
        out = []
        for line in writeoffs.filtered(lambda l: l.debit > 0):
            kind = connection._invoice_writeoff_kind(line.account_id)
            out.append(Deduction(account=kind.remote_account, amount=money(currency, line.debit),
                                 description=(line.name or kind.display_name)[:100]))
        if sum((d.amount for d in out), ZERO) >= money(currency, partial.amount):
            raise msgs.user_error(self.env, "invoice.payment_keeps_back_pays", payment=payment.display_name,
                                  move=self.display_name)
        return out

    def _accounting_void_document(self, job):
        receipt = self.env["accounting.sync.job"].sudo().browse(int(job.doc_key.partition(":")[2])).exists()
        if not receipt:
            raise msgs.user_error(self.env, "invoice.receipt_undo_longer_sync", job.reference)
        return ReceiptVoid(reference=job.reference, receipt_ref=receipt.reference,
                           description=_("Payment undone in Odoo"))
