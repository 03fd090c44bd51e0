"""The sales documents of a set of POS orders (one shift, or one order in
real-time mode): what to queue, and each document when the worker asks.

Who gets which document:

- **walk-in** sales go on one sales invoice to the connection's walk-in
  customer, their refunds on one sales return, and the money on one sales
  receipt per payment method paying that invoice into the method's
  cash/bank account;
- **customer-account** ("pay later") orders go on one open invoice per
  customer, refunds paid back onto the account on one return against that
  customer's invoice; what such a customer paid at once is receipted against
  it, the rest waits for the settlement in Odoo (account_partial_reconcile.py);
- **invoiced** orders (invoiced from the POS to a named customer) each get
  their own invoice (or return) to that customer, with their own receipts.

Money: while no payment method pays out more than it took in, refunds are
netted into the receipts (the return lowers the invoice first). Once one
does (cash paid back while sales came by QRIS, a refund-only shift), the
receipts carry what each method took in, the return follows them and
leaves the customer a credit, and one customer refund per method pays out
what left it (pos_sales_money.py), so each remote cash/bank account moves
exactly as Odoo's.
"""

from collections import OrderedDict, defaultdict


from accounting_connectors.documents import ZERO, ReceiptLine, SalesInvoice, SalesReceipt, SalesReturn

from ..models import accounting_messages as msgs
from .amounts import money
from .connection_fields import field_causes
from .pos_sales_lines import check_skus, goods_lines, group_lines, postable_lines, regional_taxes, rounding_gap
from .sync_causes import SyncDataError
from .pos_sales_journal import SalesJournal
from .pos_sales_money import SalesMoney, is_pay_later
from .shop_time import business_date

#: order of the documents inside one chain (items and customers go first)
SEQ_ITEM, SEQ_CUSTOMER, SEQ_INVOICE, SEQ_RETURN, SEQ_RECEIPT = 1, 2, 20, 30, 40
SEQ_AR_INVOICE, SEQ_AR_RECEIPT, SEQ_SETTLEMENT = 50, 60, 90
#: a return whose money goes back follows the receipts; its refunds follow it
SEQ_AFTER_RECEIPTS, SEQ_REFUND = 5, 7
SEQ_ORDER, SEQ_AR_RETURN, SEQ_CASH_DIFFERENCE = 1, 5, 70


class SalesDocuments(SalesJournal, SalesMoney):
    """``orders`` all belong to one outlet (one session, or the shifts of an
    outlet day, ``accounting.pos.day``); ``prefix`` makes the references
    (``POS/<session>``, ``POS/<order>``, ``POS/D<outlet>/<day>``), which are
    what keeps a document from ever going out twice.

    With the connection's ``sales_posting`` on journal entries, the walk-in
    sales, their money, refunds and the cash over/short go out as one
    journal entry (pos_sales_journal.py); customer-account and invoiced
    orders keep their invoices, booked to accounts (no item)."""

    def __init__(self, connection, orders, prefix, source, stop_at=None):
        self.conn = connection
        self.orders = orders.sorted("id")
        self.prefix = prefix
        self.source = source
        self.env = source.env
        session = orders[:1].session_id
        self.config = source.pos_config_id if source._name == "accounting.pos.day" else session.config_id
        self.journal_mode = connection.sales_posting == "journal_entry"
        # the outlet's: a day of no order (cash counted off only) is built by the cron, whose company is not the shop's
        self.currency = self.config.currency_id or session.currency_id or source.env.company.currency_id
        self.outlet = connection._outlet_map(self.config)
        self.date = business_date(source, session, stop_at)
        self.invoiced = self._invoiced_at_sale(self.orders)
        customer_orders = (self.orders - self.invoiced).filtered(
            lambda o: any(is_pay_later(p) for p in o.payment_ids))
        self.walkin = self.orders - customer_orders - self.invoiced
        self.by_customer = OrderedDict()
        for order in customer_orders:
            partner = self.env["res.partner"]._find_accounting_partner(order.partner_id)
            self.by_customer.setdefault(partner, self.env["pos.order"])
            self.by_customer[partner] |= order

    # --- references --------------------------------------------------------
    def ref_invoice(self):
        return "%s/INV" % self.prefix

    def ref_return(self):
        return "%s/RET" % self.prefix

    def ref_receipt(self, method):
        return "%s/RCV/%s" % (self.prefix, method.id)

    def ref_ar_invoice(self, partner):
        return "%s/AR/%s" % (self.prefix, partner.id)

    def ref_ar_receipt(self, partner, method):
        return "%s/AR/%s/RCV/%s" % (self.prefix, partner.id, method.id)

    def ref_ar_return(self, partner):
        return "%s/AR/%s/RET" % (self.prefix, partner.id)

    def ref_order_invoice(self, order):
        return "%s/INV/%s" % (self.prefix, order.id)

    def ref_order_return(self, order):
        return "%s/RET/%s" % (self.prefix, order.id)

    def ref_refund(self, return_ref, method):
        return "%s/REF/%s" % (return_ref, method.id)

    def ref_cash_difference(self):
        return "%s/CASH" % self.prefix

    def ref_journal_entry(self):
        return "%s/JE" % self.prefix

    @staticmethod
    def _invoiced_at_sale(orders):
        """Orders invoiced from the POS (or before their session closed): they
        left the session's entry. One invoiced after the close stays in the
        shift's documents (Odoo reverses it out of the entry with a
        ``reversed_pos_order_id`` entry; remotely it was already posted)."""
        invoiced = orders.filtered(lambda o: o.account_move or o.to_invoice)
        if not invoiced:
            return invoiced
        reversed_ids = set(orders.env["account.move"].sudo().search(
            [("reversed_pos_order_id", "in", invoiced.ids)]).reversed_pos_order_id.ids)
        return invoiced.filtered(lambda o: o.id not in reversed_ids and o.partner_id)

    # --- figures -------------------------------------------------------------
    def _lines(self, orders, sign):
        return postable_lines(orders.lines).filtered(lambda l: l.qty and (l.qty > 0) == (sign > 0))

    def _paid_by_method(self, orders):
        totals = defaultdict(float)
        for payment in orders.payment_ids.filtered(lambda p: not is_pay_later(p)):
            totals[payment.payment_method_id] += payment.amount
        return OrderedDict(
            (method, money(self.currency, amount))
            for method, amount in sorted(totals.items(), key=lambda kv: kv[0].id))

    def _cash_rounding(self, orders):
        """Odoo's cash rounding (paid minus total) of these orders."""
        return sum((money(self.currency, o.amount_paid) - money(self.currency, o.amount_total)
                    for o in orders), ZERO)

    def pay_later_due(self, partner):
        payments = self.by_customer.get(partner, self.env["pos.order"]).payment_ids.filtered(is_pay_later)
        return money(self.currency, sum(payments.mapped("amount")))

    # --- what to queue ---------------------------------------------------------
    def plan(self):
        """``[(kind, doc_key, reference, sequence)]`` in posting order."""
        out = []
        if self.journal_mode:
            # walk-in sales, their money and the cash over/short: one entry
            if self.walkin or (self.source._name != "pos.order" and self.cash_difference()):
                out.append(("journal_entry", "journal", self.ref_journal_entry(), SEQ_INVOICE))
        else:
            has_sales = bool(self._lines(self.walkin, 1))
            if has_sales:
                out.append(("sales_invoice", "invoice", self.ref_invoice(), SEQ_INVOICE))
            out += self._money_plan(self.walkin, "", has_sales, self.ref_invoice(), self.ref_return(),
                                    self.ref_receipt, SEQ_INVOICE)
        for order in self.invoiced:
            has_sales = bool(self._lines(order, 1))
            if has_sales:
                out.append(("sales_invoice", "order:%s" % order.id, self.ref_order_invoice(order),
                            SEQ_INVOICE + SEQ_ORDER))
            out += self._money_plan(order, "order:%s" % order.id, has_sales, self.ref_order_invoice(order),
                                    self.ref_order_return(order),
                                    lambda m, o=order: "%s/RCV/%s" % (self.ref_order_invoice(o), m.id),
                                    SEQ_INVOICE + SEQ_ORDER)
        for partner, orders in self.by_customer.items():
            if not partner:
                continue  # reported by the invoice builder, with the order's name
            has_sales = bool(self._lines(orders, 1))
            if has_sales:
                out.append(("sales_invoice", "ar:%s" % partner.id, self.ref_ar_invoice(partner),
                            SEQ_AR_INVOICE))
            out += self._money_plan(orders, "ar:%s" % partner.id, has_sales, self.ref_ar_invoice(partner),
                                    self.ref_ar_return(partner),
                                    lambda m, p=partner: self.ref_ar_receipt(p, m), SEQ_AR_INVOICE)
        if not self.journal_mode and self.source._name != "pos.order" and self.cash_difference():
            out.append(("journal_entry", "cash_difference", self.ref_cash_difference(), SEQ_CASH_DIFFERENCE))
        return out

    def _money_plan(self, orders, group, has_sales, invoice_ref, return_ref, receipt_ref, base):
        """The return, receipts and refunds of one group of orders."""
        out = []
        refunded = self.refunded(orders)
        if self._lines(orders, -1):
            seq = base + (SEQ_AFTER_RECEIPTS + SEQ_RECEIPT - SEQ_INVOICE if refunded else SEQ_AR_RETURN)
            out.append(("sales_return", "return:%s" % group if group else "return", return_ref, seq))
        # as receipt() builds them: gross money in when refunds are paid out by
        # documents of their own, else netted with the refunds (nothing when they cancel out)
        for method, amount in (self.money_in(orders) if refunded else self._paid_by_method(orders)).items():
            if amount > 0 and has_sales:
                key = "%s:%s" % (group, method.id) if group else str(method.id)
                out.append(("sales_receipt", "receipt:%s" % key, receipt_ref(method),
                            base + SEQ_RECEIPT - SEQ_INVOICE))
        for method, amount in (self.money_out(orders) if refunded else {}).items():
            if amount > 0:
                key = "%s:%s" % (group, method.id) if group else str(method.id)
                out.append(("customer_refund", "refund:%s" % key, self.ref_refund(return_ref, method),
                            base + SEQ_RECEIPT - SEQ_INVOICE + SEQ_REFUND))
        return out

    def products(self):
        """Items to create first: goods only (tips, service charges, rewards
        and gift cards go to accounts, see pos_sales_lines.line_role); none
        when sales post as journal entries (items stay in Odoo)."""
        if self.journal_mode:
            return self.env["product.product"]
        return goods_lines(postable_lines(self.orders.lines), self.conn).product_id

    def customers(self):
        """Every customer named on these orders is created remotely, not only
        those buying on account (as iSeller does)."""
        Partner = self.env["res.partner"]
        return Partner.union(*[Partner._find_accounting_partner(p) for p in self.orders.partner_id])

    # --- documents -------------------------------------------------------------
    def build(self, doc_key):
        kind, _sep, arg = doc_key.partition(":")
        if kind == "invoice":
            return self.invoice()
        if kind == "return":
            return self.sales_return(*self._group(arg))
        if kind == "receipt":
            group, _sep, method = arg.rpartition(":")
            return self.receipt(self.env["pos.payment.method"].browse(int(method)), *self._group(group))
        if kind == "refund":
            group, _sep, method = arg.rpartition(":")
            return self.customer_refund(self.env["pos.payment.method"].browse(int(method)), *self._group(group))
        if kind == "ar":
            return self.ar_invoice(self.env["res.partner"].browse(int(arg)))
        if kind == "order":
            return self.order_invoice(self.env["pos.order"].browse(int(arg)))
        if kind == "ar_receipt":  # documents queued before groups had one key form
            partner_id, method_id = arg.split(":")
            return self.receipt(self.env["pos.payment.method"].browse(int(method_id)),
                                *self._group("ar:%s" % partner_id))
        if kind == "cash_difference":
            return self.cash_difference_entry()
        if kind == "journal":
            return self.journal_entry()
        raise msgs.user_error(self.env, "pos.unknown_pos_document", doc_key)

    def _header(self):
        return {"date": self.date, "branch": self.outlet.remote_branch or "",
                "description": "%s %s" % (self.config.name, self.source.display_name)}

    def _walkin_customer(self):
        if not self.conn.default_customer_ref:
            raise msgs.user_error(self.env, "pos.set_walk_customer_number", self.conn.display_name,
                                  cls=SyncDataError, causes=field_causes(self.conn, "default_customer_ref"))
        return self.conn.default_customer_ref

    def _priced(self, orders, sign):
        """``(lines, tax_included, odoo_total, prepaid)`` of ``orders``' lines
        of that sign (see :func:`.pos_sales_lines.group_lines`)."""
        lines = self._lines(orders, sign)
        check_skus(goods_lines(lines, self.conn).product_id)
        return group_lines(lines, self.conn, warehouse=self.outlet.remote_warehouse or "", sign=sign)

    def _sales_invoice(self, reference, customer_ref, orders, header):
        """The invoice of ``orders``' sales: Odoo's total to the cent, any gap
        (cash rounding, tax rounding per line vs per document, the return's
        own gap, see below) on the rounding account."""
        lines, included, odoo_total, prepaid = self._priced(orders, 1)
        gap = rounding_gap(lines, included, odoo_total, prepaid) + self._cash_rounding(orders)
        if self._lines(orders, -1):
            # a return cannot carry a rounding line: its gap is settled here so
            # that invoice minus return equals what Odoo booked
            ret_lines, ret_included, ret_total, ret_prepaid = self._priced(orders, -1)
            if ret_prepaid:
                raise msgs.user_error(self.env, "pos.gift_card_ewallet_paid", origin=self.source.display_name)
            gap -= rounding_gap(ret_lines, ret_included, ret_total)
        return SalesInvoice(reference=reference, customer_ref=customer_ref,
                            lines=lines, tax_included=included, rounding_amount=gap,
                            rounding_account=gap and (self.conn.rounding_account or "") or "",
                            prepaid_amount=prepaid,
                            prepaid_account=prepaid and self.conn.gift_card_account or "",
                            regional_taxes=regional_taxes(self._lines(orders, 1), self.conn, 1),
                            **header)

    def invoice(self):
        return self._sales_invoice(self.ref_invoice(), self._walkin_customer(), self.walkin, self._header())

    def sales_return(self, orders, customer_ref, invoice_ref, return_ref, _receipt_ref):
        lines, included, _total, _prepaid = self._priced(orders, -1)
        refunded = self.refunded(orders)
        target = self._return_target(orders, invoice_ref)
        methods = self.money_out(orders)
        return SalesReturn(reference=return_ref, customer_ref=customer_ref,
                           lines=lines, tax_included=included, invoice_ref=target, refunded=refunded,
                           refund_account=methods and self.conn._payment_account(next(iter(methods))) or "",
                           regional_taxes=regional_taxes(self._lines(orders, -1), self.conn, -1),
                           **self._header())

    def receipt(self, method, orders, customer_ref, invoice_ref, _return_ref, receipt_ref):
        amounts = self.money_in(orders) if self.refunded(orders) else self._paid_by_method(orders)
        return SalesReceipt(reference=receipt_ref(method), customer_ref=customer_ref,
                            account=self.conn._payment_account(method),
                            lines=[ReceiptLine(invoice_ref=invoice_ref, amount=amounts.get(method, ZERO),
                                               invoice_date=self.date)],
                            **self._header())

    def _customer_orders(self, partner):
        orders = self.by_customer.get(partner)
        if not orders:
            raise msgs.user_error(self.env, "pos.customer_account_sale", customer=partner.display_name,
                                  origin=self.source.display_name)
        return orders

    def ar_invoice(self, partner):
        orders = self._customer_orders(partner)
        header = self._header()
        header["description"] = "%s - %s" % (header["description"], ", ".join(orders.mapped("name")))
        return self._sales_invoice(self.ref_ar_invoice(partner), partner._accounting_customer_ref(self.conn),
                                   orders, header)

    def order_invoice(self, order):
        """An order invoiced from the POS: its own invoice to its customer."""
        if order not in self.invoiced:
            raise msgs.user_error(self.env, "pos.invoiced_order", order=order.name, origin=self.source.display_name)
        header = self._header()
        header["description"] = "%s - %s %s" % (header["description"], order.name, order.account_move.name or "")
        partner = self.env["res.partner"]._find_accounting_partner(order.partner_id)
        return self._sales_invoice(self.ref_order_invoice(order), partner._accounting_customer_ref(self.conn),
                                   order, header)

    # --- queueing ----------------------------------------------------------------
    def enqueue(self, chain):
        """Queue items, customers, then the documents of :meth:`plan` in one
        chain: a failure blocks what comes after it until it is fixed."""
        Job = self.env["accounting.sync.job"]
        jobs = self.products()._accounting_enqueue_items(self.conn, chain=chain, pos_config=self.config)
        for partner in self.customers():
            jobs |= partner._accounting_enqueue_customer(self.conn, chain=chain, pos_config=self.config)
        for kind, doc_key, reference, sequence in self.plan():
            jobs |= Job._enqueue(self.conn, kind, self.source, reference, doc_key=doc_key, chain=chain,
                                 pos_config=self.config, sequence=sequence)
        return jobs
