"""Customer invoices under the accounting system's own rules (locked
periods, approval, credit notes): invoices, payments and credit notes made
in Odoo, the worker run as its cron runs it, remote figures read back."""

from decimal import Decimal

import requests

from odoo import fields

from accounting_connectors.sandbox import jurnal_money

from .pos_sync_common import PosSyncCase

D = Decimal


def dec(value):
    return D("%.2f" % value)


def make_invoice(case, lines, date=None, post=True, **vals):
    """A customer invoice of ``case.customer`` (``vals`` override, e.g.
    ``move_type``); ``lines``: ``[(product, quantity, price, extra values)]``."""
    move = case.env["account.move"].create(dict({
        "move_type": "out_invoice", "partner_id": case.customer.id, "invoice_date": date or fields.Date.today(),
        "invoice_line_ids": [(0, 0, dict({"product_id": p.id, "quantity": q, "price_unit": price}, **extra))
                             for p, q, price, extra in lines],
    }, **vals))
    if post:
        move.action_post()
    return move


class InvoiceRulesCase(PosSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank_journal = cls.bank_pm1.journal_id
        cls.connection.invoice_sync = True
        cls.odoobot = cls.env.ref("base.user_root")

    def invoice(self, lines, date=None, post=True, **vals):
        return make_invoice(self, lines, date=date, post=post, **vals)

    def credit_note(self, move, keep, date=None):
        """Odoo's credit note of ``move`` keeping only the lines of the ``keep`` products."""
        reversal = move._reverse_moves([{"invoice_date": date or fields.Date.today()}])
        reversal.invoice_line_ids.filtered(lambda l: l.product_id not in keep).unlink()
        reversal.action_post()
        return reversal

    def pay(self, move, amount, date=None):
        """Register ``amount`` on ``move`` from the bank journal (Odoo's wizard)."""
        values = {"amount": amount, "journal_id": self.bank_journal.id, "payment_date": date or fields.Date.today()}
        Register = self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids)
        return Register.create(values)._create_payments()

    def sync(self):
        """Run the worker as production does: its cron, as OdooBot."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").with_user(
            self.odoobot).method_direct_trigger()

    def admin(self, path, body):
        """A person acting in the accounting system (the sandbox's admin endpoint, over HTTP)."""
        res = requests.post(self.sandbox.url + "/_sandbox/" + path, json=body, timeout=10)
        self.assertEqual(res.status_code, 200, res.text)
        return res.json()

    def lock(self, until):
        """The accountant locks the remote books up to ``until`` (a date, or None to reopen)."""
        self.admin("period_lock/" + self.provider, {"until": until.isoformat() if until else None})

    def credited(self, reference):
        """What the accounting system credited for our return ``reference``
        (a sales return, or on Jurnal the credit memo it may be booked as)."""
        if self.provider == "accurate":
            return D(str(self.remote("sales_return")[reference]["totalAmount"]))
        found = self.remote("sales_return").get(reference)
        if found:
            return D(str(found["return_amount"]))
        memo = next(r for r in self.sandbox_dump("credit_memo") if r.get("custom_id") == reference)
        return D(str(memo["original_amount"]))

    def customer_balance(self):
        """What the customer owes in the accounting system."""
        store = self.sandbox.app(self.provider).store
        if self.provider == "accurate":
            return sum(self.sandbox.app("accurate").store.customer_balances().values(), D(0))
        return sum((D(v) for v in jurnal_money.customer_balances(store).values()), D(0))
