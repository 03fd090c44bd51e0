"""Customer invoices and credit notes outside the POS (sales orders, the
website, marketplace connectors) posted to the accounting system.

- posting an invoice queues its customer, its items, then the sales invoice
  (``INV/<id>``) in the invoice's own chain; a credit note queues a sales
  return against the invoice it reverses (or without invoice);
- payments reconciled with it queue receipts (account_partial_reconcile.py
  calls :meth:`_accounting_enqueue_payment`): each reconciliation of money
  with such an invoice (partial ones too) is one sales receipt against the
  remote invoice; a fee the payer kept back (Odoo's write-off to a fee
  account in Register Payment, e.g. a marketplace's commission) is a
  deduction on the fee's mapped account. Undoing the reconciliation voids
  the receipt;
- resetting to draft or cancelling an invoice already sent queues a return
  of all of it (the reversal: both providers take a return against its
  invoice), and a later posting goes out under a new reference
  (``INV/<id>-2``); one not sent yet is simply not sent. A credit note
  already sent cannot be undone that way: its undo fails in the sync log
  with what to do by hand.

POS invoices (moves of POS orders, and Odoo's own reversals of them) are
left to the POS sales, which post them with their shift.
"""

import json
from decimal import Decimal

from odoo import _, fields, models
from odoo.exceptions import UserError

from accounting_connectors.documents import (
    VOID_SUFFIX,
    ZERO,
    Deduction,
    InvoiceLine,
    ReceiptLine,
    ReceiptVoid,
    RegionalTax,
    SalesInvoice,
    SalesReceipt,
    SalesReturn,
)

from . import accounting_messages as msgs
from ..tools.account_move_lines import goods_products, invoice_lines, move_regional_taxes
from ..tools.amounts import money

#: every document of an invoice's chain goes out in the order it was queued
#: (items 1 and customers 2 go first, as in the POS chains)
SEQ_INVOICE_DOC = 20
INVOICE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "accounting.sync.mixin"]

    accounting_revision = fields.Integer(
        copy=False, readonly=True,
        help="How many times this invoice was reversed in the accounting system after being reset; "
             "each new posting goes out under a new reference.")
    accounting_reversal_json = fields.Text(
        string="Accounting Reversal Lines (JSON)", copy=False, readonly=True, groups="base.group_system",
        help="The lines of each sent posting as they were when the invoice was reset, by reversal job: "
             "the reversal gives back what was sent, whatever is edited afterwards.")

    # --- what it is ------------------------------------------------------------
    def _accounting_from_pos(self):
        """A POS invoice, Odoo's reversal of one, or a credit note of one:
        the POS sales post them."""
        self.ensure_one()
        move = self.sudo()
        return bool(move.pos_order_ids or move.reversed_pos_order_id
                    or move.reversed_entry_id.pos_order_ids or move.pos_session_ids)

    def _accounting_is_pos_entry(self):
        """Odoo's own POS bookkeeping (payments of POS orders, session entries)."""
        move = self.sudo()
        return bool(move.pos_payment_ids or move.reversed_pos_order_id or move.pos_order_ids
                    or move.pos_session_ids)

    def _accounting_sale_tags(self):
        """The tags (crm.tag) of the sales orders invoiced here (Sales app)."""
        self.ensure_one()
        lines = self.sudo().invoice_line_ids
        if "sale_line_ids" not in lines._fields:
            return self.env["crm.tag"]
        return lines.sale_line_ids.order_id.tag_ids

    def _accounting_chain(self):
        """The chain of an invoice, shared by its receipts, credit notes and reversal."""
        self.ensure_one()
        origin = self.reversed_entry_id if self.move_type == "out_refund" and self.reversed_entry_id else self
        return "INV/%s" % origin.id

    def _accounting_invoice_ref(self, revision=None):
        revision = self.accounting_revision if revision is None else revision
        return "INV/%s" % self.id + ("-%s" % (revision + 1) if revision else "")

    def _accounting_invoice_job(self, connection):
        """The sync job of the invoice's current posting on ``connection``."""
        self.ensure_one()
        return self.env["accounting.sync.job"].sudo().search([
            ("connection_id", "=", connection.id), ("res_model", "=", "account.move"),
            ("res_id", "=", self.id), ("kind", "in", ("sales_invoice", "sales_return")),
            ("doc_key", "=", "doc:%s" % self.accounting_revision)], limit=1)

    def _accounting_invoice_connections(self):
        """Connections posting this invoice (a credit note: those its invoice went to)."""
        self.ensure_one()
        connections = self.env["accounting.connection"]._for_company(self.company_id)
        origin = self.reversed_entry_id
        if self.move_type == "out_refund" and origin:
            sent = connections.filtered(lambda c: origin._accounting_invoice_job(c))
            if sent:
                return sent
        return connections.filtered(lambda c: c._invoice_selected(self))

    # --- hooks -------------------------------------------------------------------
    def _post(self, soft=True):
        posted = super()._post(soft)
        posted.filtered(lambda m: m.move_type in INVOICE_TYPES)._accounting_enqueue_invoices()
        return posted

    def button_draft(self):
        sent = self.filtered(lambda m: m.move_type in INVOICE_TYPES and m.state == "posted")
        result = super().button_draft()
        sent._accounting_undo_invoices()
        return result

    # --- queueing ----------------------------------------------------------------
    def _accounting_enqueue_invoices(self):
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for move in self:
            for connection in move._accounting_invoice_connections():
                chain = move._accounting_chain()
                products = goods_products(move, connection)
                jobs |= products._accounting_enqueue_items(connection, chain=chain)
                partner = self.env["res.partner"]._find_accounting_partner(move.partner_id)
                jobs |= partner._accounting_enqueue_customer(connection, chain=chain)
                is_invoice = move.move_type == "out_invoice"
                reference = move._accounting_invoice_ref() if is_invoice else "RET/%s" % move.id
                if not is_invoice and move.accounting_revision:
                    reference = "RET/%s-%s" % (move.id, move.accounting_revision + 1)
                jobs |= Job._enqueue(connection, "sales_invoice" if is_invoice else "sales_return", move,
                                     reference, doc_key="doc:%s" % move.accounting_revision, chain=chain,
                                     sequence=SEQ_INVOICE_DOC)
        if jobs:
            Job._trigger_worker()
        return jobs

    def _accounting_undo_invoices(self):
        """An invoice reset or cancelled: what was not sent is not sent; what
        was sent is reversed (an invoice) or reported (a credit note)."""
        Job = self.env["accounting.sync.job"].sudo()
        for move in self:
            jobs = Job.search([("res_model", "=", "account.move"), ("res_id", "=", move.id),
                               ("kind", "in", ("sales_invoice", "sales_return")),
                               ("doc_key", "=", "doc:%s" % move.accounting_revision)])
            frozen = json.loads(move.sudo().accounting_reversal_json or "{}")
            for job in jobs:
                if job.state in ("done", "running"):
                    undo = Job._enqueue(job.connection_id, "sales_return", move, "%s/REV" % job.reference,
                                        doc_key="undo:%s" % job.id, chain=job.chain, sequence=SEQ_INVOICE_DOC)
                    frozen[str(undo.id)] = move._accounting_frozen_lines(job)
                elif job.state != "cancelled":
                    reason = msgs.message("job.move_undone", move=move.display_name)
                    job._set_cancelled(dict(job._error_vals(False, reason), date_done=fields.Datetime.now()))
            if frozen:
                move.sudo().write({"accounting_revision": move.accounting_revision + 1,
                                   "accounting_reversal_json": json.dumps(frozen)})
                Job._trigger_worker()

    def _accounting_frozen_lines(self, job):
        """The sent document's lines as plain data, or None when they cannot
        be built (the reversal then fails with the reason when it is sent)."""
        if job.kind != "sales_invoice":
            return None
        try:
            with self.env.cr.savepoint():
                document = self._accounting_sales_document(job)
        except UserError:
            return None
        data = document.to_dict()
        return {key: data[key] for key in ("customer_ref", "date", "lines", "tax_included", "deductions")}

    # --- documents, built when the worker sends them --------------------------------
    def _accounting_sync_document(self, job):
        kind, _sep, arg = (job.doc_key or "").partition(":")
        if kind == "doc":
            if self.state != "posted" or int(arg) != self.accounting_revision:
                raise msgs.user_error(self.env, "invoice.longer_posted_document_queued", move=self.display_name)
            return self._accounting_sales_document(job)
        if kind == "undo":
            return self._accounting_reversal_document(job, int(arg))
        if kind == "settle":
            return self._accounting_receipt_document(job, int(arg))
        if kind == "void":
            return self._accounting_void_document(job)
        raise msgs.user_error(self.env, "invoice.unknown_invoice_document", job.doc_key)

    def _accounting_check_currency(self):
        if self.currency_id != self.company_id.currency_id:
            raise msgs.user_error(self.env, "invoice.only_invoices_company_currency", move=self.display_name,
                                  currency=self.currency_id.name, company=self.company_id.currency_id.name)

    def _accounting_header(self, connection):
        partner = self.env["res.partner"]._find_accounting_partner(self.partner_id)
        return {"customer_ref": partner._accounting_customer_ref(connection),
                "date": self.invoice_date or self.date,
                "description": " - ".join(p for p in (self.name, self.ref or self.invoice_origin or "") if p)}

    def _accounting_sales_document(self, job):
        self.ensure_one()
        self._accounting_check_currency()
        connection = job.connection_id
        lines, deductions, included, gap = invoice_lines(self, connection)
        if not lines:
            raise msgs.user_error(self.env, "invoice.line_post", self.display_name)
        header = self._accounting_header(connection)
        if self.move_type == "out_refund":
            origin_job = self.reversed_entry_id and self.reversed_entry_id._accounting_invoice_job(connection)
            return SalesReturn(reference=job.reference, lines=lines, tax_included=included,
                               invoice_ref=origin_job.reference if origin_job else "",
                               deductions=deductions, regional_taxes=move_regional_taxes(self, connection),
                               **header)
        return SalesInvoice(reference=job.reference, lines=lines, tax_included=included,
                            rounding_amount=gap, rounding_account=gap and connection.rounding_account or "",
                            due_date=self.invoice_date_due, deductions=deductions,
                            regional_taxes=move_regional_taxes(self, connection), **header)

    def _accounting_reversal_document(self, job, sent_job_id):
        """The return of a whole invoice reset or cancelled after it was sent,
        with the lines it was sent with."""
        sent = self.env["accounting.sync.job"].sudo().browse(sent_job_id).exists()
        if not sent or sent.kind != "sales_invoice":
            raise msgs.user_error(self.env, "invoice.credit_note_already_posted", move=self.display_name,
                                  conn=job.connection_id.display_name, ref=sent.reference if sent else job.reference)
        frozen = json.loads(self.sudo().accounting_reversal_json or "{}").get(str(job.id))
        if not frozen:
            raise msgs.user_error(self.env, "invoice.lines_sent_could_read", ref=sent.reference, move=self.display_name)
        exact = ("quantity", "unit_price", "discount_amount", "tax_rate", "dpp_percent")
        lines = [InvoiceLine(**dict(line, **{k: Decimal(line[k]) for k in exact if k in line}))
                 for line in frozen["lines"]]
        regional = [RegionalTax(name=r["name"], account=r["account"], amount=Decimal(r["amount"]))
                    for r in frozen.get("regional_taxes") or []]
        deductions = [Deduction(account=d["account"], amount=Decimal(d["amount"]), description=d["description"])
                      for d in frozen["deductions"]]
        return SalesReturn(reference=job.reference, customer_ref=frozen["customer_ref"],
                           date=fields.Date.to_date(frozen["date"]), lines=lines, invoice_ref=sent.reference,
                           tax_included=frozen["tax_included"], deductions=deductions, regional_taxes=regional,
                           description=_("Reversal of %(ref)s: %(move)s reset or cancelled in Odoo",
                                         ref=sent.reference, move=self.name or self.display_name))

    # --- payments: queueing ---------------------------------------------------------------
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

    # --- payments: documents --------------------------------------------------------------
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
