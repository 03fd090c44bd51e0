"""The money side of a shift's (or an order's) sales documents: what each
payment method took in and paid out, the customer refunds paying out what
left a drawer, the return's target invoice, and the cash counted over or
short at closing. Mixed into :class:`.pos_sales_documents.SalesDocuments`."""

from collections import OrderedDict, defaultdict

from odoo import _

from accounting_connectors.documents import ZERO, CustomerRefund, JournalEntry, JournalLine

from ..models import accounting_messages as msgs
from .amounts import money
from .connection_fields import field_causes
from .sync_causes import SyncDataError


def is_pay_later(payment):
    return payment.payment_method_id.type == "pay_later"


class SalesMoney:

    # --- money per method ----------------------------------------------------------
    def _per_method(self, payments):
        totals = defaultdict(float)
        for payment in payments:
            totals[payment.payment_method_id] += payment.amount
        return OrderedDict(
            (method, money(self.currency, amount))
            for method, amount in sorted(totals.items(), key=lambda kv: kv[0].id)
            if not self.currency.is_zero(amount))

    def money_in(self, orders):
        """``{method: Decimal}`` each method took in (change given back is
        part of the sale, not a refund)."""
        payments = orders.payment_ids.filtered(lambda p: not is_pay_later(p))
        return self._per_method(payments.filtered(lambda p: p.amount > 0 or p.is_change))

    def money_out(self, orders):
        """``{method: Decimal}`` (positive) each method paid back in refunds."""
        payments = orders.payment_ids.filtered(lambda p: not is_pay_later(p) and p.amount < 0 and not p.is_change)
        return OrderedDict((m, -amount) for m, amount in self._per_method(payments).items())

    def refunded(self, orders):
        """True when the money of these orders' refunds must be paid out by
        documents of its own: a method paid back more than it took in, or
        there is no sale to net the refunds with."""
        out = self.money_out(orders)
        if not out:
            return False
        if not self._lines(orders, 1) or self._return_target(orders, True) is not True:
            return True  # nothing sold here to net with, or what comes back was sold elsewhere
        taken = self.money_in(orders)
        return any(amount > taken.get(method, ZERO) for method, amount in out.items())

    # --- groups: walk-in, an invoiced order, a customer account -------------------------
    def _group(self, group):
        """``(orders, customer number, invoice ref, return ref, receipt ref of a method)``."""
        kind, _sep, ident = group.partition(":")
        if not kind:
            return (self.walkin, self._walkin_customer(), self.ref_invoice(), self.ref_return(),
                    self.ref_receipt)
        if kind == "order":
            order = self.env["pos.order"].browse(int(ident))
            if order not in self.invoiced:
                raise msgs.user_error(self.env, "pos.invoiced_order_", order=order.name,
                                      origin=self.source.display_name)
            partner = self.env["res.partner"]._find_accounting_partner(order.partner_id)
            invoice_ref = self.ref_order_invoice(order)
            return (order, partner._accounting_customer_ref(self.conn), invoice_ref,
                    self.ref_order_return(order), lambda m: "%s/RCV/%s" % (invoice_ref, m.id))
        partner = self.env["res.partner"].browse(int(ident))
        return (self._customer_orders(partner), partner._accounting_customer_ref(self.conn),
                self.ref_ar_invoice(partner), self.ref_ar_return(partner),
                lambda m: self.ref_ar_receipt(partner, m))

    def _return_target(self, orders, invoice_ref):
        """The remote invoice a return of ``orders`` goes against: their own
        invoice when it sold at least what comes back, else the one invoice
        that carried the refunded sale, else none (a return without invoice)."""
        back = defaultdict(float)
        for line in self._lines(orders, -1):
            back[line.product_id] += -line.qty
        sold = defaultdict(float)
        for line in self._lines(orders, 1):
            sold[line.product_id] += line.qty
        if sold and all(sold[p] >= qty for p, qty in back.items()):
            return invoice_ref
        originals = self._lines(orders, -1).refunded_orderline_id.order_id
        if len(originals) == 1:
            return originals._accounting_invoice_ref(self.conn)
        return ""

    def customer_refund(self, method, orders, customer_ref, _invoice_ref, return_ref, _receipt_ref):
        amount = self.money_out(orders).get(method, ZERO)
        header = self._header()
        header["description"] = _("Refund of %(ret)s paid out by %(method)s",
                                  ret=return_ref, method=method.name)
        return CustomerRefund(reference=self.ref_refund(return_ref, method), customer_ref=customer_ref,
                              account=self.conn._payment_account(method), amount=amount,
                              return_ref=return_ref, receivable_account=self.conn.receivable_account or "",
                              **header)

    # --- cash counted at closing ------------------------------------------------------------
    def _cash_method(self):
        return self.config.payment_method_ids.filtered("is_cash_count")[:1]

    def _sessions(self):
        """The closed shifts these documents stand for: the shift, an outlet
        day's shifts; none for one order."""
        if self.source._name == "pos.session":
            return self.source
        if self.source._name == "accounting.pos.day":
            return self.source.session_ids
        return self.env["pos.session"]

    def cash_difference(self):
        """Counted minus expected cash of the closed sessions (Decimal), as
        Odoo booked it: their statement lines on the cash journal's
        profit/loss accounts (none when nobody counted, or the count matched)."""
        if not self._cash_method():
            return ZERO
        total = 0.0
        for session in self._sessions().sudo():
            journal = session.cash_journal_id
            accounts = journal.loss_account_id | journal.profit_account_id
            lines = session.statement_line_ids.filtered(
                lambda st, a=accounts: a and st.move_id.line_ids.filtered(lambda l: l.account_id in a))
            total += sum(lines.mapped("amount"))
        return money(self.currency, total)

    def cash_difference_lines(self):
        """The journal lines of the cash counted over (or short) at closing:
        the cash method's account against the connection's over/short
        account; none when the count matched."""
        difference = self.cash_difference()
        if not difference:
            return []
        account = self.conn.cash_difference_account
        if not account:
            raise msgs.user_error(self.env, "pos.cash_counted_at_close", session=self.source.display_name,
                                  amount=difference, conn=self.conn.display_name, cls=SyncDataError,
                                  causes=field_causes(self.conn, "cash_difference_account"))
        cash = self.conn._payment_account(self._cash_method())
        return ([JournalLine(cash, debit=difference), JournalLine(account, credit=difference)] if difference > 0
                else [JournalLine(account, debit=-difference), JournalLine(cash, credit=-difference)])

    def cash_difference_entry(self):
        difference = self.cash_difference()
        if not difference:
            raise msgs.user_error(self.env, "pos.cash_difference", self.source.display_name)
        lines = self.cash_difference_lines()
        header = self._header()
        header["description"] = (
            _("Cash over counted at the close of %(session)s", session=self.source.display_name)
            if difference > 0 else
            _("Cash short counted at the close of %(session)s", session=self.source.display_name))
        header.pop("date", None)
        return JournalEntry(reference=self.ref_cash_difference(), lines=lines, date=self.date, **header)
