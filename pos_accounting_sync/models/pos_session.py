from odoo import _, fields, models
from odoo.exceptions import UserError

from accounting_connectors.documents import ZERO, ReceiptLine, ReceiptVoid, SalesReceipt

from ..tools.amounts import money
from ..tools.pos_references import chain_for
from ..tools.pos_sales_documents import SEQ_SETTLEMENT, SalesDocuments
from . import accounting_messages as msgs
from .accounting_access import USER, check_action


class PosSession(models.Model):
    _name = "pos.session"
    _inherit = ["pos.session", "accounting.sync.mixin"]

    def _validate_session(self, balancing_account=False, amount_to_balance=0, bank_payment_method_diffs=None):
        result = super()._validate_session(balancing_account, amount_to_balance, bank_payment_method_diffs)
        # Every close path (back office, POS UI, force-close wizard) ends here.
        # super() may have rolled the transaction back and returned the
        # force-close wizard: only a session really closed in this very
        # transaction queues its documents, so a rollback takes them along.
        if self.state == "closed":
            self._accounting_enqueue_sales()
        return result

    # --- queueing -------------------------------------------------------------
    def _accounting_connections(self):
        """Connections that post this session: outlet mapped and live."""
        self.ensure_one()
        return self.env["accounting.connection"]._for_company(self.company_id).filtered(
            lambda c: c._outlet_map(self.config_id) and c._is_live(self.stop_at or fields.Datetime.now()))

    def _accounting_chain(self):
        # a readable POS/<name>, unless the shift already queued under the older form
        return chain_for(self)

    def _accounting_orders(self, connection):
        """The orders these shifts' documents carry for ``connection``: their
        closed orders, less those posted one by one (real-time mode, late
        orders) so that switching modes never posts a sale twice, less
        refunds folded into an earlier shift's waiting documents, plus
        refunds folded into these (see ``pos.order._accounting_fold``)."""
        Order = self.env["pos.order"]
        orders = self._accounting_kept_orders()
        orders |= Order.sudo().search([("accounting_folded_session_id", "in", self.ids),
                                       ("state", "in", ("paid", "done", "invoiced"))]).sudo(False)
        return orders - Order._accounting_posted_alone(connection, orders)

    def _accounting_kept_orders(self):
        """These shifts' closed orders less the refunds folded into another
        shift's waiting documents (``pos.order._accounting_fold``)."""
        orders = self.env["pos.order"].union(*[s._get_closed_orders() for s in self])
        return orders.filtered(lambda o: not o.accounting_folded_session_id or o.accounting_folded_session_id in self)

    def _accounting_documents(self, connection):
        """The shift's own documents (see :meth:`_accounting_orders`)."""
        self.ensure_one()
        return SalesDocuments(connection, self._accounting_orders(connection), self._accounting_chain(), self,
                              stop_at=self.stop_at)

    def _accounting_sync_domain(self):
        # once a day per outlet the shift's sales travel in its outlet day's documents: its status,
        # smart button and Retry show those too
        days = self.env["accounting.pos.day"].sudo().search([("session_ids", "in", self.ids)])
        return ["|", "&", ("res_model", "=", self._name), ("res_id", "in", self.ids),
                "&", ("res_model", "=", days._name), ("res_id", "in", days.ids)]

    def _accounting_jobs_by_record(self, jobs):
        by_record = super()._accounting_jobs_by_record(jobs)
        Day = self.env["accounting.pos.day"].sudo()
        for job in jobs.filtered(lambda j: j.res_model == Day._name):
            for session in Day.browse(job.res_id).session_ids & self:
                by_record.setdefault(session.id, []).append(job.id)
        return by_record

    def _accounting_day(self, connection):
        """The outlet day (``accounting.pos.day``) that posts this shift for
        ``connection`` (once a day per outlet), or an empty recordset."""
        self.ensure_one()
        return self.env["accounting.pos.day"].sudo().search(
            [("connection_id", "=", connection.id), ("session_ids", "in", self.ids)], limit=1)

    def _accounting_carrier_documents(self, connection):
        """The documents that carry this shift's sales remotely: its outlet
        day's when it posts once a day, else its own."""
        self.ensure_one()
        day = self._accounting_day(connection)
        return day._accounting_documents() if day else self._accounting_documents(connection)

    def _accounting_waiting(self, connection):
        """True while this closed shift's documents for ``connection`` wait
        to be queued: its outlet day not queued yet, or the settle delay of
        a connection posting at session close not over."""
        self.ensure_one()
        if self.state != "closed":
            return False
        if connection.sales_sync_mode == "daily":
            day = self._accounting_day(connection)
            return bool(day) and day.state == "waiting"
        if connection.sales_sync_mode == "session_close" and connection.settle_delay_hours:
            return not self.env["accounting.sync.job"].sudo().search_count(
                [("connection_id", "=", connection.id), ("res_model", "=", "pos.session"),
                 ("res_id", "=", self.id)], limit=1)
        return False

    def _accounting_enqueue_sales(self, connections=None, settled=False):
        """Queue the shift's chain (never calls the accounting system; safe
        inside the cashier's closing transaction). In set-hours mode the jobs
        wait for the next set hour (``_next_sync_at``). Once a day per
        outlet, the shift joins its outlet day, which queues the day's set
        when it is due. With a settle delay at session close, nothing is
        queued until the delay is over. ``settled``: queue now whatever
        the day or the delay (the backfill, a dry run, the delay's cron)."""
        Job = self.env["accounting.sync.job"]
        Day = self.env["accounting.pos.day"].sudo()
        jobs = Job
        for session in self.filtered(lambda s: s.state == "closed"):
            if session.rescue:
                # orders of shifts closed before they reached Odoo: each posted
                # on its own, dated on the day it was taken (most went at once)
                jobs |= session._get_closed_orders()._accounting_enqueue_late(connections)
                continue
            for connection in connections or session._accounting_connections():
                if connection.sales_sync_mode == "daily":
                    day = Day._accounting_add_session(connection, session)
                    if day:
                        jobs |= day._accounting_queue(force=settled)
                        continue
                    # its day already went out (a shift closed after it): its own documents
                elif connection.sales_sync_mode == "session_close" and connection.settle_delay_hours \
                        and not settled:
                    continue  # queued once the delay is over (accounting.pos.day._cron_post_due)
                documents = session._accounting_documents(connection)
                if documents.orders:
                    jobs |= documents.enqueue(session._accounting_chain())
        if jobs:
            Job._trigger_worker()
        return jobs

    # --- documents, built when the worker sends them --------------------------
    def _accounting_sync_document(self, job):
        kind, _sep, arg = (job.doc_key or "").partition(":")
        if kind == "settle":
            return self._accounting_settlement_document(job, int(arg))
        if kind == "void":
            return self._accounting_void_document(job)
        return self._accounting_documents(job.connection_id).build(job.doc_key)

    # --- customer-account settlements -------------------------------------------
    def _accounting_pay_later_lines(self, partner):
        """The session entry's customer-account receivable lines of ``partner``."""
        self.ensure_one()
        names = {"%s - %s" % (self.name, m.name)
                 for m in self.payment_method_ids.filtered(lambda m: m.type == "pay_later")}
        return self.move_id.line_ids.filtered(
            lambda l: l.partner_id == partner and l.name in names and l.debit > 0
            and l.account_id.account_type == "asset_receivable")

    def _accounting_invoiced_later_lines(self, partner):
        """Receivable lines of the invoices of this session's orders that were
        invoiced after the close: they replaced the orders' session lines, and
        the shift's customer invoice still carries those orders remotely."""
        self.ensure_one()
        reversed_orders = self.env["account.move"].sudo().search(
            [("reversed_pos_order_id", "in", self.order_ids.ids)]).reversed_pos_order_id
        moves = reversed_orders.filtered(
            lambda o: self.env["res.partner"]._find_accounting_partner(o.partner_id) == partner).account_move
        return moves.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable" and l.debit > 0)

    def _accounting_open_invoices(self, connection, partner):
        """``[(reference, amount due on account, invoice date)]`` of ``partner``'s
        remote invoices from this session, oldest first: orders posted alone in
        real-time mode, then the shift's customer invoice."""
        self.ensure_one()
        orders = self._get_closed_orders()
        alone = self.env["pos.order"]._accounting_posted_alone(connection, orders)
        result = []
        for order in alone.sorted("id"):
            documents = order._accounting_documents(connection)
            if partner in documents.by_customer and documents._lines(documents.by_customer[partner], 1):
                result.append((documents.ref_ar_invoice(partner), documents.pay_later_due(partner), documents.date))
        documents = self._accounting_carrier_documents(connection)
        if partner in documents.by_customer and documents._lines(documents.by_customer[partner], 1):
            result.append((documents.ref_ar_invoice(partner), documents.pay_later_due(partner), documents.date))
        return result

    def _accounting_enqueue_settlement(self, partial, line):
        """Money reconciled with a customer-account line of this session (or
        with the invoice of one of its orders): one receipt per reconciliation
        (partial ones included) against the remote invoice carrying the sale."""
        self.ensure_one()
        Job = self.env["accounting.sync.job"]
        jobs = Job
        for connection in self.env["accounting.connection"]._for_company(self.company_id):
            invoices, _lines, prefix = self._accounting_settlement_group(connection, line)
            invoice_jobs = Job.sudo().search([("connection_id", "=", connection.id),
                                              ("reference", "in", [ref for ref, _due, _day in invoices])])
            if not invoice_jobs:
                continue  # the sale itself was never posted here (not mapped, before go-live)
            jobs |= Job._enqueue(
                connection, "sales_receipt", self, "%s/PAY/%s" % (prefix, partial.id),
                doc_key="settle:%s" % partial.id, chain=self._accounting_chain(),
                depends_on=invoice_jobs.sorted("id")[-1:], pos_config=self.config_id, sequence=SEQ_SETTLEMENT)
        return jobs

    def _accounting_settlement_group(self, connection, line):
        """``(remote invoices [(ref, due, date)], Odoo receivable lines they
        stand for, reference prefix)`` of a settled receivable line: an order
        invoiced from the POS has its own invoice, anything else the
        customer's invoices of this session."""
        order = line.move_id.sudo().pos_order_ids[:1]
        if order:
            documents = order._accounting_carrying_documents(connection)
            if documents is not None and order in documents.invoiced:
                due = money(self.currency_id, sum(order.payment_ids.filtered(
                    lambda p: p.payment_method_id.type == "pay_later").mapped("amount")))
                reference = documents.ref_order_invoice(order)
                lines = line.move_id.line_ids.filtered(
                    lambda l: l.account_id.account_type == "asset_receivable" and l.debit > 0)
                return [(reference, due, documents.date)], lines, reference
        partner = line.partner_id
        lines = self._accounting_pay_later_lines(partner) | self._accounting_invoiced_later_lines(partner)
        return (self._accounting_open_invoices(connection, partner), lines,
                "%s/AR/%s" % (self._accounting_chain(), partner.id))

    def _accounting_settlement_document(self, job, partial_id):
        partial = self.env["account.partial.reconcile"].browse(partial_id).exists()
        if not partial:
            raise msgs.user_error(self.env, "settlement.settlement_behind_undone_odoo", job.reference)
        Partial = self.env["account.partial.reconcile"]
        line = Partial._accounting_anchor(partial)
        partner = line.partner_id
        connection = job.connection_id
        currency = self.currency_id
        invoices, lines, _prefix = self._accounting_settlement_group(connection, line)
        # what earlier settlements (money, not Odoo's own reversals) already paid
        earlier = (lines.matched_credit_ids | lines.matched_debit_ids).filtered(
            lambda p: p.id < partial.id and not Partial._accounting_is_internal(p))
        # Decimal from here on: the amounts go into the remote document as they are
        offset = money(currency, sum(earlier.mapped("amount")))
        left = money(currency, partial.amount)
        receipt_lines = []
        for reference, due, day in invoices:
            take = min(max(due - offset, ZERO), left)
            offset = max(offset - due, ZERO)
            if take > ZERO:
                receipt_lines.append(ReceiptLine(invoice_ref=reference, amount=take, invoice_date=day))
                left -= take
        if not receipt_lines:
            raise msgs.user_error(self.env, "settlement.owes_nothing_invoices", partner=partner.display_name,
                                  session=self.name)
        counterpart = (partial.debit_move_id | partial.credit_move_id) - line
        return SalesReceipt(
            reference=job.reference, customer_ref=partner._accounting_customer_ref(connection),
            date=counterpart.date or fields.Date.context_today(self),
            account=self._accounting_settlement_account(connection, counterpart.journal_id),
            lines=receipt_lines, branch=connection._outlet_map(self.config_id).remote_branch or "",
            description=_("Settlement of %(partner)s (%(entry)s)", partner=partner.display_name,
                          entry=counterpart.move_id.name))

    def _accounting_void_document(self, job):
        """A settlement undone in Odoo after its receipt went out: the receipt
        is deleted remotely (its invoice owes the amount again)."""
        receipt = self.env["accounting.sync.job"].browse(int(job.doc_key.partition(":")[2])).exists()
        if not receipt:
            raise msgs.user_error(self.env, "settlement.receipt_undo_longer_sync", job.reference)
        return ReceiptVoid(reference=job.reference, receipt_ref=receipt.reference,
                           description=_("Settlement undone in Odoo"))

    def _accounting_settlement_account(self, connection, journal):
        """The cash/bank account money came into: that of the mapped POS
        payment method using the payment's journal."""
        mapping = connection.payment_map_ids.filtered(
            lambda m: m.payment_method_id.journal_id == journal and m.remote_account)[:1]
        if not mapping:
            raise msgs.user_error(self.env, "settlement.settlement_paid_into_journal", journal=journal.display_name,
                                  conn=connection.display_name)
        return mapping.remote_account

    # --- what the session form offers ----------------------------------------------
    def action_accounting_retry(self):
        """Retry the shift's failed and blocked documents in posting order
        (items and customers first), as an accountant does after a fix."""
        check_action(self, USER)
        Job = self.env["accounting.sync.job"]
        jobs = Job.search([("chain", "in", [s._accounting_chain() for s in self]),
                           ("state", "in", ("failed", "blocked"))])
        jobs |= self.accounting_sync_job_ids.filtered(lambda j: j.state in ("failed", "blocked"))
        if not jobs:
            raise UserError(_("No failed or blocked document to retry."))
        return jobs.action_retry()

