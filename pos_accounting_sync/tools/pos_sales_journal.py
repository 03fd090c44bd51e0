"""The walk-in sales of a shift or an outlet day as ONE balanced journal
entry, for connections that post sales as journal entries (items and stock
stay in Odoo). Mixed into :class:`.pos_sales_documents.SalesDocuments`.

What the entry holds, each amount as Odoo booked it on the order lines
(``price_subtotal``, ``price_subtotal_incl``) and payments, never
recomputed by the accounting system:

- credit: revenue per remote account (goods on the sales account; tips,
  service charges, gift cards sold on their own accounts), refunds as
  debits on the same accounts;
- debit: discounts and rewards on the discount account when one is mapped
  (else they lower the revenue of their account);
- credit: each tax on its remote account (PPN on the tax mapping's tax
  account, PB1 on its regional account), per Odoo tax;
- debit: the money per payment method's cash/bank account (refunds paid
  out lower it);
- cash rounding and the per-line tax rounding left over: the rounding
  account; cash counted over or short at closing: the over/short account.

Customer-account and invoiced orders are not in it: they keep their
invoices per customer (booked to accounts), so each customer's balance and
later settlements work remotely as before (Jurnal's journal entries carry
no customer per line).
"""

from collections import OrderedDict

from odoo import _

from accounting_connectors.documents import ZERO, JournalEntry, JournalLine

from ..models import accounting_messages as msgs
from .amounts import money
from .connection_fields import field_causes
from .pos_sales_lines import _gift_card_products, line_role, line_tax_amounts, postable_lines
from .sync_causes import SyncDataError


class SalesJournal:

    def _journal_account(self, role, field, line):
        """The remote account a POS line's untaxed money goes to, and the
        line's label on the entry."""
        conn = self.conn
        if role == "discount":
            if conn.discount_account:
                return conn.discount_account, _("Discounts")
            return conn._line_account("sales_account", line), _("Sales")
        if role == "prepaid":
            return conn._line_account(field, line), _("Gift cards and eWallets spent")
        labels = {"sales_account": _("Sales"), "tip_account": _("Tips"), "service_account": _("Services"),
                  "gift_card_account": _("Gift cards sold")}
        return conn._line_account(field, line), labels.get(field, _("Sales"))

    def _tax_account(self, tax):
        """The remote account a sales tax is owed on: a regional tax's (PB1)
        account, else the tax mapping's tax account."""
        mapped = self.conn._tax_map_line(tax)
        account = mapped and (mapped.regional_account if mapped.treatment == "regional" else mapped.tax_account)
        if not account:
            raise msgs.user_error(self.env, "pos.journal_tax_account", cls=SyncDataError, causes=tax,
                                  tax=tax.display_name, conn=self.conn.display_name)
        return account, tax.invoice_label or tax.name

    def _line_taxes(self, line):
        """``{tax: Decimal}``: the line's tax (Odoo's taxed minus untaxed
        money, both rounded as Odoo rounded them) split over its taxes as
        Odoo's ``compute_all`` does; the last tax takes the cents left."""
        total = money(self.currency, line.price_subtotal_incl) - money(self.currency, line.price_subtotal)
        if not line.tax_ids_after_fiscal_position or not total:
            return {}
        rows = [(tax, amount) for tax, amount in line_tax_amounts(line) if amount]
        out, left = OrderedDict(), total
        for i, (tax, amount) in enumerate(rows):
            share = left if i == len(rows) - 1 else money(self.currency, amount)
            out[tax] = out.get(tax, ZERO) + share
            left -= share
        return out

    def journal_entry(self):
        """The walk-in sales of these orders, their money and the cash
        over/short as one balanced :class:`JournalEntry`."""
        orders = self.walkin
        credits = OrderedDict()  # (account, label) -> signed credit (negative: a debit)

        def add(account, label, amount):
            if amount:
                credits[account, label] = credits.get((account, label), ZERO) + amount

        gift_cards = _gift_card_products(self.env)
        for line in postable_lines(orders.lines).filtered("qty").sorted("id"):
            role, field = line_role(line, self.conn, gift_cards)
            account, label = self._journal_account(role, field, line)
            add(account, label, money(self.currency, line.price_subtotal))
            for tax, amount in self._line_taxes(line).items():
                tax_account, tax_label = self._tax_account(tax)
                add(tax_account, tax_label, amount)
        money_lines = OrderedDict()
        for method, amount in self._paid_by_method(orders).items():
            if amount:
                key = (self.conn._payment_account(method), method.name)
                money_lines[key] = money_lines.get(key, ZERO) + amount
        # what is left: cash rounding, tax rounding per line vs per order
        gap = sum(money_lines.values(), ZERO) - sum(credits.values(), ZERO)
        if gap:
            if not self.conn.rounding_account:
                raise msgs.user_error(self.env, "pos.journal_rounding_account", cls=SyncDataError,
                                      causes=field_causes(self.conn, "rounding_account"), amount=gap,
                                      origin=self.source.display_name, conn=self.conn.display_name)
            add(self.conn.rounding_account, _("Rounding"), gap)
        lines = [JournalLine(account, debit=amount, description=label) if amount > 0
                 else JournalLine(account, credit=-amount, description=label)
                 for (account, label), amount in money_lines.items()]
        lines += [JournalLine(account, credit=amount, description=label) if amount > 0
                  else JournalLine(account, debit=-amount, description=label)
                  for (account, label), amount in credits.items() if amount]
        lines += self.cash_difference_lines() if self.source._name != "pos.order" else []
        header = self._header()
        header.pop("date", None)
        header["description"] = _("Sales of %(origin)s", origin=header["description"])
        return JournalEntry(reference=self.ref_journal_entry(), lines=[l for l in lines if l.debit or l.credit],
                            date=self.date, **header)
