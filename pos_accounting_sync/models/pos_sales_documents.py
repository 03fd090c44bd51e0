"""The sales documents of a set of POS orders (one shift, or one order in
real-time mode): what to queue, and each document when the worker asks.

Walk-in sales go on one sales invoice to the connection's walk-in customer,
their refunds on one sales return, and the money on one sales receipt per
payment method paying that invoice into the method's cash/bank account.
Customer-account ("pay later") orders go on one open invoice per customer;
what such a customer paid at once is receipted against it, the rest waits
for the settlement in Odoo (see account_partial_reconcile.py).
"""

from collections import OrderedDict, defaultdict

from odoo import _
from odoo.exceptions import UserError

from accounting_connectors.documents import ZERO, ReceiptLine, SalesInvoice, SalesReceipt, SalesReturn

from .pos_sales_lines import (
    business_date,
    check_skus,
    goods_lines,
    group_lines,
    money,
    postable_lines,
    rounding_gap,
)

#: order of the documents inside one chain (items and customers go first)
SEQ_ITEM, SEQ_CUSTOMER, SEQ_INVOICE, SEQ_RETURN, SEQ_RECEIPT = 1, 2, 20, 30, 40
SEQ_AR_INVOICE, SEQ_AR_RECEIPT, SEQ_SETTLEMENT = 50, 60, 90


def is_pay_later(payment):
    return payment.payment_method_id.type == "pay_later"


class SalesDocuments:
    """``orders`` all belong to one session; ``prefix`` makes the references
    (``POS/<session>`` or ``POS/<order>``), which are what keeps a document
    from ever going out twice."""

    def __init__(self, connection, orders, prefix, source, stop_at=None):
        self.conn = connection
        self.orders = orders.sorted("id")
        self.prefix = prefix
        self.source = source
        self.env = source.env
        session = orders[:1].session_id
        self.config = session.config_id
        self.currency = session.currency_id or source.env.company.currency_id
        self.outlet = connection._outlet_map(self.config)
        self.date = business_date(source, session, stop_at)
        customer_orders = self.orders.filtered(lambda o: any(is_pay_later(p) for p in o.payment_ids))
        self.walkin = self.orders - customer_orders
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
        if self._lines(self.walkin, 1):
            out.append(("sales_invoice", "invoice", self.ref_invoice(), SEQ_INVOICE))
        if self._lines(self.walkin, -1):
            out.append(("sales_return", "return", self.ref_return(), SEQ_RETURN))
        for method, amount in self._paid_by_method(self.walkin).items():
            if amount > 0 and self._lines(self.walkin, 1):
                out.append(("sales_receipt", "receipt:%s" % method.id, self.ref_receipt(method), SEQ_RECEIPT))
        for partner, orders in self.by_customer.items():
            if not partner:
                continue  # reported by the invoice builder, with the order's name
            out.append(("sales_invoice", "ar:%s" % partner.id, self.ref_ar_invoice(partner), SEQ_AR_INVOICE))
            for method, amount in self._paid_by_method(orders).items():
                if amount > 0:
                    out.append(("sales_receipt", "ar_receipt:%s:%s" % (partner.id, method.id),
                                self.ref_ar_receipt(partner, method), SEQ_AR_RECEIPT))
        return out

    def products(self):
        """Items to create first: goods only (tips, service charges, rewards
        and gift cards go to accounts, see pos_sales_lines.line_role)."""
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
            return self.sales_return()
        if kind == "receipt":
            return self.receipt(self.env["pos.payment.method"].browse(int(arg)))
        if kind == "ar":
            return self.ar_invoice(self.env["res.partner"].browse(int(arg)))
        if kind == "ar_receipt":
            partner_id, method_id = arg.split(":")
            return self.ar_receipt(self.env["res.partner"].browse(int(partner_id)),
                                   self.env["pos.payment.method"].browse(int(method_id)))
        raise UserError(_("Unknown POS document %s.", doc_key))

    def _header(self):
        return {"date": self.date, "branch": self.outlet.remote_branch or "",
                "description": "%s %s" % (self.config.name, self.source.display_name)}

    def _walkin_customer(self):
        if not self.conn.default_customer_ref:
            raise UserError(_("Set the walk-in customer number on the connection %s.",
                              self.conn.display_name))
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
                raise UserError(_("A gift card or eWallet paid back on a refund of %(source)s cannot be posted "
                                  "yet; post it by hand in the accounting system.",
                                  source=self.source.display_name))
            gap -= rounding_gap(ret_lines, ret_included, ret_total)
        return SalesInvoice(reference=reference, customer_ref=customer_ref,
                            lines=lines, tax_included=included, rounding_amount=gap,
                            rounding_account=gap and (self.conn.rounding_account or "") or "",
                            prepaid_amount=prepaid,
                            prepaid_account=prepaid and self.conn.gift_card_account or "",
                            **header)

    def invoice(self):
        return self._sales_invoice(self.ref_invoice(), self._walkin_customer(), self.walkin, self._header())

    def sales_return(self):
        lines, included, _total, _prepaid = self._priced(self.walkin, -1)
        refunds = self.walkin.payment_ids.filtered(lambda p: p.amount < 0 and not is_pay_later(p))
        methods = refunds.payment_method_id
        return SalesReturn(reference=self.ref_return(), customer_ref=self._walkin_customer(),
                           lines=lines, tax_included=included,
                           invoice_ref=self._lines(self.walkin, 1) and self.ref_invoice() or "",
                           refund_account=methods and self.conn._payment_account(methods[0]) or "",
                           **self._header())

    def receipt(self, method):
        amount = self._paid_by_method(self.walkin).get(method, ZERO)
        return SalesReceipt(reference=self.ref_receipt(method), customer_ref=self._walkin_customer(),
                            account=self.conn._payment_account(method),
                            lines=[ReceiptLine(invoice_ref=self.ref_invoice(), amount=amount)],
                            **self._header())

    def _customer_orders(self, partner):
        orders = self.by_customer.get(partner)
        if not orders:
            raise UserError(_("%s has no customer-account sale in %s any more.",
                              partner.display_name, self.source.display_name))
        return orders

    def ar_invoice(self, partner):
        orders = self._customer_orders(partner)
        if self._lines(orders, -1):
            raise UserError(_(
                "The customer-account order(s) %s of %s contain returned products; post the "
                "return as a separate refund order.", ", ".join(orders.mapped("name")),
                partner.display_name))
        header = self._header()
        header["description"] = "%s - %s" % (header["description"], ", ".join(orders.mapped("name")))
        return self._sales_invoice(self.ref_ar_invoice(partner), partner._accounting_customer_ref(self.conn),
                                   orders, header)

    def ar_receipt(self, partner, method):
        orders = self._customer_orders(partner)
        amount = self._paid_by_method(orders).get(method, ZERO)
        return SalesReceipt(reference=self.ref_ar_receipt(partner, method),
                            customer_ref=partner._accounting_customer_ref(self.conn),
                            account=self.conn._payment_account(method),
                            lines=[ReceiptLine(invoice_ref=self.ref_ar_invoice(partner), amount=amount)],
                            **self._header())

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
