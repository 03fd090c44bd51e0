"""Posting granularity (issue #20): every shift of an outlet's business day
in one document set ("once a day per outlet"), sales as one journal entry,
and the settle delay that folds a refund into documents still waiting.

Each scenario runs as production does: shifts close, the clock moves (the
day's dates are written back), the outlet-day cron runs as OdooBot, then the
worker's cron. What the sandbox holds is read back and compared with what
Odoo booked on the sessions' own journal entries, payments and cash
statement lines (never with our builders), to the rupiah:

- sales and tax per tax, money per remote cash/bank account, each
  customer-account customer's balance;
- as a journal entry: the entry per remote account against the session
  moves' lines per account (income accounts to the sales account, tax lines
  to their tax account, each payment journal to its method's account), the
  entry balanced, no item pushed, no stock moved remotely.
"""

import logging
from datetime import timedelta
from decimal import Decimal

import requests

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .pos_sync_common import IndonesianShopMixin, PosSyncCase

D = Decimal
_logger = logging.getLogger(__name__)
USER_GROUPS = "base.group_user,pos_accounting_sync.group_accounting_sync_user,point_of_sale.group_pos_user"
#: a fourth way to pay: QRIS into an account of its own, per provider
QRIS_ACCOUNT = {"accurate": ("1104", "QRIS BCA"), "jurnal": ("1-10003", "QRIS BCA")}
#: the output-tax (PPN Keluaran) account the sandboxes are seeded with
PPN_ACCOUNT = {"accurate": "2105", "jurnal": "2-20500"}


def rupiah(value):
    return D("%.2f" % value)


class DayScenarioMixin:
    """An outlet day of three shifts paid by cash, bank, QRIS and two
    customers' accounts, with a refund in the last shift of a sale of the
    first, posted once a day (``sales_posting``: items or journal entry)."""

    sales_posting = "items"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        qris_journal = cls.env["account.journal"].create({
            "name": "QRIS", "type": "bank", "code": "QRIS", "company_id": company.id})
        cls.qris_pm = cls.env["pos.payment.method"].create({
            "name": "QRIS", "journal_id": qris_journal.id, "company_id": company.id,
            "receivable_account_id": cls.copy_account(cls.pos_receivable_account, {"name": "POS Receivable QRIS"}).id,
            "outstanding_account_id": cls.copy_account(cls.outstanding_bank, {"name": "Outstanding QRIS"}).id})
        cls.connection.write({
            "sales_sync_mode": "daily", "sales_posting": cls.sales_posting, "day_post_hour": 0.0,
            "settle_delay_hours": 0, "sales_account": cls.codes["sales"],
            "payment_map_ids": [(0, 0, {"payment_method_id": cls.qris_pm.id,
                                        "remote_account": QRIS_ACCOUNT[cls.provider][0]})],
        })
        cls.connection.tax_map_ids.write({"tax_account": PPN_ACCOUNT[cls.provider]})
        cls.odoobot = cls.env.ref("base.user_root")
        cls.products = (cls.kopi, cls.roti)
        # the shop's day and the session entries' dates in one time zone, whatever the hour the tests run
        company.partner_id.tz = cls.env.user.tz = "Asia/Jakarta"

    def setUp(self):
        super().setUp()
        number, name = QRIS_ACCOUNT[self.provider]
        app = self.sandbox.app(self.provider)
        with self.sandbox.lock:
            if self.provider == "accurate":
                app.store.insert("glaccount", {"no": number, "name": name, "accountType": "CASH_BANK"})
            else:
                app.store.add("accounts", {"name": name, "number": number, "category": "Cash & Bank"})

    # --- a shift as the POS sends it -------------------------------------------------------
    def open_shift(self):
        return self._start_pos_session(self.cash_pm1 | self.bank_pm1 | self.qris_pm | self.pay_later_pm, 0)

    def pay(self, lines, methods, customer=False, refund_of=None):
        """An order of ``lines`` paid by ``methods`` (``[(method, amount or
        None)]``: None takes what is left of the total Odoo computes); a
        refund names the lines of ``refund_of`` it gives back, as the POS does."""
        data = self.create_ui_order_data(lines, customer=customer, payments=[])
        left = D(str(data["amount_total"]))
        payments = []
        for method, amount in methods:
            amount = left if amount is None else D(str(amount))
            payments.append((method, float(amount)))
            left -= amount
        data = self.create_ui_order_data(lines, customer=customer, payments=payments)
        for _c, _i, vals in data["lines"]:
            if refund_of:
                vals["refunded_orderline_id"] = refund_of.lines.filtered(
                    lambda l, pid=vals["product_id"]: l.product_id.id == pid)[:1].id
        order_id = self.env["pos.order"].sync_from_ui([data])["pos.order"][0]["id"]
        return self.env["pos.order"].browse(order_id)

    def three_shifts(self):
        """Three shifts of one business day; the last refunds one of the
        first shift's sales in cash. Returns (sessions, refunded sale, refund)."""
        a, b = self.products
        first = self.open_shift()
        sale = self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.pay([(b, 1)], [(self.bank_pm1, None)])
        self.pay([(b, 3)], [(self.pay_later_pm, None)], customer=self.customer)
        self.close_from_ui(first)
        second = self.open_shift()
        self.pay([(a, 1, 10), (b, 1)], [(self.qris_pm, None)])
        self.pay([(a, 2)], [(self.pay_later_pm, None)], customer=self.other_customer)
        self.pay([(b, 2)], [(self.cash_pm1, 20000), (self.bank_pm1, None)])
        self.close_counted(second, short=500)
        third = self.open_shift()
        self.pay([(a, 1), (b, 1)], [(self.cash_pm1, None)])
        refund = self.pay([(a, -1)], [(self.cash_pm1, None)], refund_of=sale)
        self.pay([(b, 1)], [(self.pay_later_pm, None)], customer=self.customer)
        self.close_from_ui(third)
        return first | second | third, sale, refund

    def close_counted(self, session, short=0):
        """Close from the POS with the drawer ``short`` of what the orders took in cash."""
        cash = sum(session.order_ids.payment_ids.filtered(
            lambda p: p.payment_method_id == self.cash_pm1).mapped("amount"))
        session.post_closing_cash_details(cash - short)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")

    # --- time passes, as in production ---------------------------------------------------------
    def day_of(self, session):
        day = session._accounting_day(self.connection)
        self.assertTrue(day, "%s joined its outlet day" % session.name)
        return day

    def move_day_back(self, day, days):
        """The outlet day (its shifts, orders, entries) happened ``days`` ago."""
        for session in day.session_ids:
            self.move_back(session, days)
        day.write({"date": day.date - timedelta(days=days)})
        day.post_after = day._due_at()

    def run_day_cron(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_pos_days").with_user(
            self.odoobot).method_direct_trigger()

    def run_worker_cron(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").with_user(
            self.odoobot).method_direct_trigger()

    def post_day(self, day):
        """The day is due: the cron queues it, the worker posts it; returns the requests it took."""
        self.run_day_cron()
        self.assertEqual(day.state, "queued")
        before = sum(self.sandbox.request_count.values())
        self.run_worker_cron()
        jobs = self.jobs_of(day)
        self.assertEqual(set(jobs.mapped("state")), {"done"},
                         [(j.reference, j.error_message) for j in jobs if j.state != "done"])
        requests = sum(self.sandbox.request_count.values()) - before
        _logger.info("%s %s: %s requests for %s jobs", self.provider, day._accounting_chain(), requests, len(jobs))
        return requests

    # --- what Odoo booked --------------------------------------------------------------------------
    def odoo_moves(self, sessions):
        return sessions.move_id

    def odoo_income(self, sessions):
        # a tax without an account of its own is booked on the income account: its line is the tax's
        lines = self.odoo_moves(sessions).line_ids.filtered(
            lambda l: l.account_id.internal_group == "income" and not l.tax_line_id)
        return -rupiah(sum(lines.mapped("balance")))

    def odoo_taxes(self, sessions):
        """``{tax: amount}`` on the sessions' tax lines (credit positive)."""
        out = {}
        for line in self.odoo_moves(sessions).line_ids.filtered("tax_line_id"):
            out[line.tax_line_id] = out.get(line.tax_line_id, D(0)) - rupiah(line.balance)
        return out

    def odoo_money(self, method, sessions):
        """What the method's journal received for the sessions: the cash
        statement lines, or the bank payments Odoo made of the POS payments."""
        if method.journal_id.type == "cash":
            moves = sessions.statement_line_ids.filtered(lambda s: s.journal_id == method.journal_id).move_id
            lines = moves.line_ids.filtered(lambda l: l.account_id == method.journal_id.default_account_id)
        else:
            payments = self.env["account.payment"].search(
                [("pos_session_id", "in", sessions.ids), ("pos_payment_method_id", "=", method.id)])
            lines = payments.move_id.line_ids.filtered(lambda l: l.account_id in payments.outstanding_account_id)
        return rupiah(sum(lines.mapped("balance")))

    def odoo_cash_difference(self, sessions):
        """The cash counted over (positive) or short at the sessions' closes, on the journal's profit/loss accounts."""
        journal = self.cash_pm1.journal_id
        lines = sessions.statement_line_ids.move_id.line_ids.filtered(
            lambda l: l.account_id in (journal.loss_account_id | journal.profit_account_id))
        return -rupiah(sum(lines.mapped("balance")))

    def odoo_receivable(self, partner):
        lines = self.env["account.move.line"].search([
            ("partner_id", "=", partner.id), ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable")])
        return rupiah(sum(lines.mapped("balance")))

    # --- what the accounting system holds ------------------------------------------------------------
    def remote_money(self, code):
        return D(str(self.sandbox.app(self.provider).dump("account_money").get(code, 0)))

    def remote_balance(self, partner):
        balances = self.sandbox.app(self.provider).dump("customer_balance")
        key = partner.accounting_customer_no if self.provider == "accurate" else partner.name
        return D(str(balances.get(key, 0)))

    def remote_entry(self, reference):
        """``({account: credit - debit}, total debit, total credit)`` of our journal entry."""
        per_account, debit, credit = {}, D(0), D(0)
        if self.provider == "accurate":
            row = self.remote("journal_voucher")[reference]
            for line in row["detailJournalVoucher"]:
                amount = D(str(line["amount"]))
                signed = amount if line["amountType"] == "CREDIT" else -amount
                debit += amount if signed < 0 else 0
                credit += amount if signed > 0 else 0
                per_account[line["accountNo"]] = per_account.get(line["accountNo"], D(0)) + signed
        else:
            row = self.remote("journal_entry")[reference]
            for line in row["transaction_account_lines"]:
                d, c = D(str(line["debit"])), D(str(line["credit"]))
                debit, credit = debit + d, credit + c
                number = line["account"]["number"]
                per_account[number] = per_account.get(number, D(0)) + c - d
        return per_account, debit, credit

    def remote_taxes(self, row):
        """``{remote tax name: amount}`` of an invoice or a return."""
        if self.provider == "accurate":
            return {d["taxDescription"]: D(str(d["taxAmount"])) for d in row.get("detailTax") or []}
        return {d["tax_name"]: D(str(d["amount"])) for d in row.get("tax_details") or []}

    def jurnal_return_taxes(self, ret, invoice):
        """``{tax name: amount}`` a Jurnal return takes back (its answer names
        no tax): each returned unit of the invoice line at that line's tax."""
        lines = {line["id"]: line for line in invoice["transaction_lines_attributes"]}
        out = {}
        for back in ret["transaction_return_lines_attributes"]:
            line = lines[back["transaction_line_id"]]
            unit = D(str(line["amount"])) / D(str(line["quantity"]))
            rate = D(str(line["line_tax"]["rate"])) / 100
            amount = D(str(back["return_quantity"])) * unit
            tax = amount - amount / (1 + rate) if invoice.get("use_tax_inclusive") else amount * rate
            out[line["line_tax"]["name"]] = out.get(line["line_tax"]["name"], D(0)) + tax
        return {name: amount.quantize(D("0.01")) for name, amount in out.items()}

    def remote_split(self, kind, row):
        """``(untaxed, PPN, regional)`` of a remote invoice or return."""
        total = self.remote_total(kind, row)
        ppn = sum(self.remote_taxes(row).values(), D(0))
        regional = self.remote_regional(row)
        return total - ppn - regional, ppn, regional

    def remote_items(self):
        key = "no" if self.provider == "accurate" else "product_code"
        codes = {p.default_code for p in self.products}
        return [row for row in self.sandbox_dump("item") if row.get(key) in codes]

    def remote_stock(self):
        codes = {p.default_code for p in self.products}
        return {code: qty for code, qty in (self.sandbox.app(self.provider).dump("stock") or {}).items()
                if code in codes}

    # --- checks shared by both postings ---------------------------------------------------------------
    def assert_money_and_customers(self, sessions, settled=False):
        methods = (self.cash_pm1, self.bank_pm1, self.qris_pm)
        for method in methods:
            account = self.connection._payment_account(method)
            odoo = sum((self.odoo_money(m, sessions) for m in methods
                        if self.connection._payment_account(m) == account), D(0))
            if settled and method == self.bank_pm1:
                odoo += self.settled
            self.assertEqual(self.remote_money(account), odoo, "money on %s (%s)" % (account, method.name))
        for partner in (self.customer, self.other_customer):
            self.assertTrue(self.odoo_receivable(partner) or (settled and partner == self.customer), partner.name)
            self.assertEqual(self.remote_balance(partner), self.odoo_receivable(partner), partner.name)

    def settle(self, partner, sessions):
        """The customer pays what its account sales of ``sessions`` owe, into
        the bank, reconciled by the accountant with the shifts' lines."""
        account = partner.property_account_receivable_id
        lines = sessions.move_id.line_ids.filtered(
            lambda l: l.account_id == account and l.partner_id == partner and not l.reconciled)
        self.assertGreater(len(lines), 1, "sales on account in more than one shift")
        payment = self.env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id,
            "amount": sum(lines.mapped("amount_residual")), "journal_id": self.bank_pm1.journal_id.id})
        payment.action_post()
        (payment.move_id.line_ids.filtered(lambda l: l.account_id == account) | lines).reconcile()
        self.settled = rupiah(payment.amount)


class DayPostingMixin(DayScenarioMixin):

    def test_three_shifts_one_document_set(self):
        sessions, sale, refund = self.three_shifts()
        self.assertEqual(refund.accounting_folded_session_id, sale.session_id,
                         "the refund of a sale whose day still waits is folded into the sale's shift")
        day = self.day_of(sessions[0])
        self.assertEqual(day.session_ids, sessions)
        self.assertEqual(day.state, "waiting")
        self.assertFalse(self.env["accounting.sync.job"].search([("connection_id", "=", self.connection.id)]),
                         "nothing goes out while the day lasts")
        self.run_day_cron()
        self.assertEqual(day.state, "waiting", "not due before the day has ended")

        # the morning digest names the day that is not sent yet and the folded refund
        self.move_day_back(day, 2)
        day.post_after = fields.Datetime.now() + timedelta(hours=1)  # e.g. a settle delay not over
        sections = dict((title, lines) for title, lines, _more, _url in self.connection._digest_sections(
            fields.Datetime.now() - timedelta(days=3), fields.Date.context_today(self.connection)))
        self.assertIn(day.display_name, " ".join(label for label, _url in sections["Outlet days not sent yet"]))
        self.assertIn(refund.name, " ".join(
            label for label, _url in sections["Refunds folded into documents still waiting"]))
        day.post_after = day._due_at()
        requests = self.post_day(day)
        jobs = self.jobs_of(day)
        for session in sessions:  # each shift's smart button and status show the day's documents
            session.invalidate_recordset()
            self.assertEqual(session.accounting_sync_job_ids, jobs)
            self.assertEqual(session.accounting_sync_state, "done")
        self.assertEqual(set(jobs.mapped("chain")), {day._accounting_chain()})
        for session in sessions:
            self.assertFalse(self.jobs_of(session), "a shift of the day posts nothing of its own")
        documents = jobs.filtered(lambda j: j.kind not in ("item", "customer"))
        self.check_day_documents(day, sessions, documents, requests)
        self.assert_money_and_customers(sessions)

        # the customer pays both shifts' account sales at once: one receipt per
        # reconciled shift line, each against the day's invoice of that customer
        self.settle(self.customer, sessions)
        self.run_worker_cron()
        self.assert_money_and_customers(sessions, settled=True)

        # the cron again: nothing more goes out
        Job = self.env["accounting.sync.job"]
        queued = Job.search_count([("connection_id", "=", self.connection.id)])
        self.run_day_cron()
        self.run_worker_cron()
        self.assertEqual(Job.search_count([("connection_id", "=", self.connection.id)]), queued)


@tagged("post_install", "-at_install")
class TestPostingGranularityDay(DayPostingMixin, PosSyncCase):
    """Once a day per outlet, as invoices, receipts and a return with items."""

    def check_day_documents(self, day, sessions, documents, requests):
        prefix = day._accounting_chain()
        invoices, returns = self.remote("sales_invoice"), self.remote("sales_return")
        inv, ret = prefix + "/INV", prefix + "/RET"
        ars = ["%s/AR/%s" % (prefix, p.id) for p in (self.customer, self.other_customer)]
        self.assertEqual(sorted(invoices), sorted([inv] + ars))
        self.assertEqual(list(returns), [ret])
        self.assertEqual(sorted(self.remote("sales_receipt")),
                         sorted("%s/RCV/%s" % (prefix, m.id) for m in (self.cash_pm1, self.bank_pm1, self.qris_pm)))
        # sales, then tax per tax: invoices minus the return against what the three entries credit
        remote_net = sum((self.remote_total("sales_invoice", row) for row in invoices.values()), D(0)) \
            - self.remote_total("sales_return", returns[ret])
        odoo_taxes = self.odoo_taxes(sessions)
        self.assertEqual(remote_net, self.odoo_income(sessions) + sum(odoo_taxes.values(), D(0)))
        remote_tax = {}
        for row in invoices.values():
            for name, amount in self.remote_taxes(row).items():
                remote_tax[name] = remote_tax.get(name, D(0)) + amount
        ret_row = returns[ret]
        if self.provider == "accurate":
            ret_taxes = {self.codes["tax11"]: D(str(ret_row["tax1Amount"]))}
        else:
            ret_taxes = self.jurnal_return_taxes(ret_row, invoices[inv])
        for name, amount in ret_taxes.items():
            remote_tax[name] -= amount
        self.assertEqual(remote_tax, {self.codes["tax11"]: odoo_taxes[self.tax11]})
        self.assertEqual(D(str(self.client.invoice_status(inv)["outstanding"])), D(0), "walk-in sales paid")
        self.assertTrue(self.remote_items(), "items mode pushes the items")
        # the drawer short in the second shift: the day's cash over/short entry
        per_account, debit, credit = self.remote_entry(prefix + "/CASH")
        self.assertEqual(debit, credit)
        self.assertEqual(per_account, {self.codes["cash"]: D("500"), self.codes["cash_difference"]: D("-500")})
        self.assertEqual(self.odoo_cash_difference(sessions), D("-500"))
        # INV, RET, 3 receipts, 2 AR invoices, the cash short
        self.assertEqual(len(documents), 8, documents.mapped("reference"))
        self.assertLessEqual(requests, 40, "one document set for three shifts")

    def test_post_now_and_view_sessions(self):
        """The two buttons of an outlet day: Post Now sends a waiting day at
        once; Shifts lists the day's shifts to a Sync User."""
        a, _b = self.products
        session = self.open_shift()
        self.pay([(a, 1)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        day = self.day_of(session)
        self.assertEqual(day.state, "waiting")
        self.assertGreater(day.post_after, fields.Datetime.now())
        user = new_test_user(self.env, "day_sync_user", groups=USER_GROUPS)
        action = day.with_user(user).action_view_sessions()
        self.assertEqual(action["res_model"], "pos.session")
        self.assertEqual(self.env["pos.session"].with_user(user).search(action["domain"]), session)

        self.assertTrue(day.action_post_now())
        self.assertEqual(day.state, "queued")
        self.run_worker_cron()
        self.assertEqual(self.remote_total("sales_invoice", self.remote("sales_invoice")[
            day._accounting_chain() + "/INV"]), self.odoo_income(session) + sum(
            self.odoo_taxes(session).values(), D(0)))
        # a shift of that day closing later posts on its own
        later = self.open_shift()
        self.pay([(a, 1)], [(self.cash_pm1, None)])
        self.close_from_ui(later)
        self.assertFalse(later._accounting_day(self.connection))
        self.run_worker_cron()
        self.assertIn(later._accounting_chain() + "/INV", self.remote("sales_invoice"))
        with self.assertRaises(UserError):
            day.action_post_now()


@tagged("post_install", "-at_install")
class TestPostingGranularityDayJurnal(TestPostingGranularityDay):
    provider = "jurnal"


class JournalCheckMixin:

    sales_posting = "journal_entry"

    def tax_account(self, tax):
        line = self.connection._tax_map_line(tax)
        return line.regional_account if line.treatment == "regional" else line.tax_account

    def check_day_documents(self, day, sessions, documents, requests):
        prefix = day._accounting_chain()
        entry = prefix + "/JE"
        ars = ["%s/AR/%s" % (prefix, p.id) for p in (self.customer, self.other_customer)]
        self.assertEqual(sorted(documents.mapped("reference")), sorted([entry] + ars))
        per_account, debit, credit = self.remote_entry(entry)
        self.assertEqual(debit, credit, "the entry balances")
        invoices = self.remote("sales_invoice")
        self.assertEqual(sorted(invoices), sorted(ars))
        self.assertFalse(self.remote("sales_return"))
        self.assertFalse(self.remote("sales_receipt"))
        # the customers' invoices carry their own sales and tax; the entry the rest
        remote = dict(per_account)
        for row in invoices.values():
            untaxed, ppn, regional = self.remote_split("sales_invoice", row)
            remote[self.codes["sales"]] = remote.get(self.codes["sales"], D(0)) + untaxed
            remote[PPN_ACCOUNT[self.provider]] = remote.get(PPN_ACCOUNT[self.provider], D(0)) + ppn
            if regional:
                remote[self.codes["regional"]] = remote.get(self.codes["regional"], D(0)) + regional
        odoo = {self.codes["sales"]: self.odoo_income(sessions)}
        for tax, amount in self.odoo_taxes(sessions).items():
            odoo[self.tax_account(tax)] = odoo.get(self.tax_account(tax), D(0)) + amount
        for method in (self.cash_pm1, self.bank_pm1, self.qris_pm):
            account = self.connection._payment_account(method)
            odoo[account] = odoo.get(account, D(0)) - self.odoo_money(method, sessions)
        # the drawer counted short: on the over/short account (the cash line above holds it already)
        odoo[self.codes["cash_difference"]] = self.odoo_cash_difference(sessions)
        self.assertEqual({k: v for k, v in remote.items() if v}, {k: v for k, v in odoo.items() if v})
        self.assertFalse(self.remote_items(), "no item is pushed")
        self.assertFalse(self.remote_stock(), "no stock moves remotely")
        self.assertEqual(len(documents), 3)  # the entry and 2 customers' invoices
        self.assertLessEqual(requests, 20, "one document set for three shifts")


@tagged("post_install", "-at_install")
class TestPostingGranularityJournal(JournalCheckMixin, DayPostingMixin, PosSyncCase):
    """Once a day per outlet, the walk-in sales as one journal entry."""

    def test_a_tax_without_its_account_is_named_and_the_fix_sends_the_entry(self):
        """Check mappings and going live name a tax with no Tax Account; a
        day's entry that failed on it goes out by itself once it is chosen."""
        line = self.connection._tax_map_line(self.tax11)
        line.tax_account = False
        self.connection.action_check_mapping_health()
        rows = self.env["accounting.mapping.health"].search([
            ("connection_id", "=", self.connection.id), ("res_model", "=", "account.tax"),
            ("res_id", "=", self.tax11.id)])
        self.assertIn("Tax Account", " ".join(rows.mapped("message")))
        with self.assertRaisesRegex(UserError, "Tax Account"):
            self.env["accounting.mapping.health"]._check_go_live(self.connection)

        a, _b = self.products
        session = self.open_shift()
        self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        day = self.day_of(session)
        self.move_day_back(day, 1)
        self.run_day_cron()
        self.run_worker_cron()
        entry = self.jobs_of(day).filtered(lambda j: j.kind == "journal_entry")
        self.assertEqual(entry.state, "failed")
        self.assertIn(self.tax11.name, entry.error_message)
        self.assertIn("Tax Account", entry.error_message)
        self.assertFalse(self.remote("journal_voucher" if self.provider == "accurate" else "journal_entry"))

        line.tax_account = PPN_ACCOUNT[self.provider]  # the admin picks it on the Taxes tab
        self.run_worker_cron()
        self.assertEqual(entry.state, "done", entry.error_message)
        per_account, debit, credit = self.remote_entry(day._accounting_chain() + "/JE")
        self.assertEqual(debit, credit)
        self.assertEqual(per_account[PPN_ACCOUNT[self.provider]], sum(self.odoo_taxes(session).values(), D(0)))

    def test_day_in_a_locked_period_posts_on_the_first_open_day(self):
        """The accountant locked the books past the day: its journal entry is
        refused, then (the connection's choice) posts on the first open day
        with its own date in the memo, once; the same figures."""
        self.connection.period_lock_policy = "first_open_day"
        a, _b = self.products
        session = self.open_shift()
        self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        day = self.day_of(session)
        self.move_day_back(day, 3)
        locked_until = day.date + timedelta(days=1)
        res = requests.post("%s/_sandbox/period_lock/%s" % (self.sandbox.url, self.provider),
                            json={"until": locked_until.isoformat()}, timeout=10)
        self.assertEqual(res.status_code, 200, res.text)
        self.run_day_cron()
        for _run in range(3):  # refused once, then moved past the lock
            self.run_worker_cron()
        entry = self.jobs_of(day).filtered(lambda j: j.kind == "journal_entry")
        self.assertEqual((entry.state, entry.moved_from), ("done", day.date), entry.error_message)
        reference = day._accounting_chain() + "/JE"
        row = self.remote("journal_voucher" if self.provider == "accurate" else "journal_entry")[reference]
        text = row["transDate"] if self.provider == "accurate" else row["transaction_date"]
        first_open = locked_until + timedelta(days=1)
        self.assertIn(text, (first_open.strftime("%d/%m/%Y"), first_open.isoformat(), first_open.strftime("%d-%m-%Y")))
        memo = row["description"] if self.provider == "accurate" else row["memo"]
        self.assertIn("Original date %s" % day.date.isoformat(), memo)
        per_account, debit, credit = self.remote_entry(reference)
        self.assertEqual(debit, credit)
        self.assertEqual(-per_account[self.codes["cash"]], self.odoo_money(self.cash_pm1, session))


@tagged("post_install", "-at_install")
class TestPostingGranularityJournalJurnal(TestPostingGranularityJournal):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestPostingGranularityJournalId(IndonesianShopMixin, JournalCheckMixin, DayPostingMixin, PosSyncCase):
    """The same day in a company set up as Indonesian shops run Odoo (l10n_id
    chart, ST1 at 11%, ST3 at 12%, PB1 10% on food): PPN on the output-tax
    account, PB1 on its own account, in the entry and the customers' invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = (cls.nasgor, cls.parfum)
        cls.connection.action_fetch_remote_lists()  # proposes ST1 and ST3 from the remote list
        accounts = cls.connection.remote_option_ids.filtered(lambda o: o.option_type == "account")
        ppn = accounts.filtered(lambda o: o.code == PPN_ACCOUNT[cls.provider])
        regional = accounts.filtered(lambda o: o.code == cls.codes["regional"])
        for tax in (cls.st1, cls.st3):
            cls.connection._tax_map_line(tax).tax_account_option_id = ppn
        cls.env["accounting.tax.map"].create({
            "connection_id": cls.connection.id, "tax_id": cls.pb1.id, "treatment": "regional",
            "regional_account_option_id": regional.id})

    def check_day_documents(self, day, sessions, documents, requests):
        taxes = self.odoo_taxes(sessions)
        self.assertTrue(taxes[self.st1] and taxes[self.st3] and taxes[self.pb1], taxes)
        result = super().check_day_documents(day, sessions, documents, requests)
        per_account, _debit, _credit = self.remote_entry(day._accounting_chain() + "/JE")
        self.assertTrue(per_account.get(self.codes["regional"]), "PB1 on its own account in the entry")
        self.assertTrue(per_account.get(PPN_ACCOUNT[self.provider]), "PPN on the output-tax account")
        return result


@tagged("post_install", "-at_install")
class TestPostingGranularityJournalIdJurnal(TestPostingGranularityJournalId):
    provider = "jurnal"


@tagged("post_install", "-at_install")
class TestSettleDelay(DayScenarioMixin, PosSyncCase):
    """A refund of a sale whose day still waits is folded into that day's
    documents; once the day went out, it is a return of its own set,
    against the invoice that carried the sale."""

    def sale_day(self, settle_delay):
        """Yesterday's day: two Kopi sold in cash; the day waits ``settle_delay`` hours after its close."""
        self.connection.settle_delay_hours = settle_delay
        a, _b = self.products
        session = self.open_shift()
        sale = self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        day = self.day_of(session)
        self.move_day_back(day, 1)
        return day, sale

    def next_day(self, sale):
        """Today: Roti sold in cash, one Kopi of yesterday's sale refunded in cash."""
        a, b = self.products
        session = self.open_shift()
        self.pay([(b, 1)], [(self.cash_pm1, None)])
        refund = self.pay([(a, -1)], [(self.cash_pm1, None)], refund_of=sale)
        self.close_from_ui(session)
        return session, refund

    def test_refund_inside_the_delay_joins_the_waiting_day(self):
        day, sale = self.sale_day(36)
        self.assertGreater(day.post_after, fields.Datetime.now(), "the delay holds yesterday's day")
        self.run_day_cron()
        self.assertEqual(day.state, "waiting")
        session, refund = self.next_day(sale)
        self.assertEqual(refund.accounting_folded_session_id, sale.session_id)
        today = self.day_of(session)
        self.assertNotEqual(today, day)

        day.post_after = fields.Datetime.now() - timedelta(minutes=1)  # the delay is over
        self.post_day(day)
        self.assertEqual(today.state, "waiting")
        prefix = day._accounting_chain()
        ret = self.remote("sales_return")[prefix + "/RET"]
        self.assertEqual(self.remote_total("sales_return", ret), D("22200"))
        if self.provider == "accurate":
            self.assertEqual(ret["invoice"]["number"], prefix + "/INV")
        else:
            self.assertEqual(ret["invoice_no"], prefix + "/INV")
        [receipt] = self.remote("sales_receipt").values()
        self.assertEqual(self.receipt_lines(receipt), [(prefix + "/INV", D("22200"))],
                         "the cash of the sale less the refund")

        today.post_after = fields.Datetime.now() - timedelta(minutes=1)
        self.post_day(today)
        later = today._accounting_chain()
        self.assertEqual(self.remote_total("sales_invoice", self.remote("sales_invoice")[later + "/INV"]), D("16650"))
        self.assertEqual(list(self.remote("sales_return")), [prefix + "/RET"], "no separate return posts")
        self.assertFalse(self.jobs_of(today).filtered(lambda j: j.kind in ("sales_return", "customer_refund")))
        self.assertEqual(self.remote_money(self.codes["cash"]),
                         self.odoo_money(self.cash_pm1, day.session_ids | session))

    def test_refund_after_the_day_went_out_returns_against_its_invoice(self):
        day, sale = self.sale_day(0)
        self.post_day(day)
        prefix = day._accounting_chain()
        session, refund = self.next_day(sale)
        self.assertFalse(refund.accounting_folded_session_id, "its day already went out")
        today = self.day_of(session)
        today.post_after = fields.Datetime.now() - timedelta(minutes=1)
        self.post_day(today)
        later = today._accounting_chain()
        if self.provider == "accurate":
            ret = self.remote("sales_return")[later + "/RET"]
            self.assertEqual(self.remote_total("sales_return", ret), D("22200"))
            self.assertEqual(ret["invoice"]["number"], prefix + "/INV", "against the original invoice")
        else:
            # Jurnal: money going back leaves a credit memo to refund from (jurnal/returns.py)
            [memo] = [m for m in self.sandbox_dump("credit_memo") if m.get("custom_id") == later + "/RET"]
            self.assertEqual(D(str(memo["original_amount"])), D("22200"))
            self.assertEqual(len(memo["credit_memo_refunds"]), 1)
        self.assertEqual(sorted(self.jobs_of(today).mapped("kind")),
                         ["customer_refund", "sales_invoice", "sales_receipt", "sales_return"])
        self.assertFalse(self.jobs_of(day).filtered(lambda j: j.kind == "sales_return"), "nothing folded")
        self.assertEqual(self.remote_money(self.codes["cash"]),
                         self.odoo_money(self.cash_pm1, day.session_ids | session))

    def delay_shifts(self, hours, set_days_ago=2):
        """At session close with a settle delay of ``hours``, set
        ``set_days_ago`` days ago (the shifts of the test are moved back in time)."""
        self.connection.write({"sales_sync_mode": "session_close", "settle_delay_hours": hours})
        self.assertTrue(self.connection.settled_until, "the delay starts when it is set")
        self.connection.settled_until -= timedelta(days=set_days_ago)

    def shifts_happened_ago(self, sessions, days):
        """``sessions`` happened ``days`` ago, and so did the cron runs since (its mark moves with them)."""
        for session in sessions:
            self.move_back(session, days)
        self.connection.settled_until -= timedelta(days=days)

    def test_settle_delay_at_session_close(self):
        """At session close with a delay, a shift waits; a refund made
        meanwhile goes out in its documents; the cron queues it once over."""
        self.delay_shifts(2)
        a, b = self.products
        first = self.open_shift()
        sale = self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.close_from_ui(first)
        self.assertFalse(self.jobs_of(first), "the shift waits for its delay")
        second, refund = self.next_day(sale)
        self.assertEqual(refund.accounting_folded_session_id, first)
        self.run_day_cron()
        self.assertFalse(self.jobs_of(first) | self.jobs_of(second), "the delay is not over")
        self.shifts_happened_ago(first | second, 1)
        self.run_day_cron()
        self.run_worker_cron()
        for session in (first, second):
            jobs = self.jobs_of(session)
            self.assertTrue(jobs, session.name)
            self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        returns = self.remote("sales_return")
        self.assertEqual(list(returns), ["%s/RET" % first._accounting_chain()])
        self.assertEqual(self.remote_money(self.codes["cash"]), self.odoo_money(self.cash_pm1, first | second))


    def test_paused_connection_still_queues_settled_shifts(self):
        """A shift whose delay ends while the connection is paused (its token
        refused) is queued all the same and goes out once it is connected:
        settled shifts are only looked for a few days after their delay."""
        self.delay_shifts(2)
        a, _b = self.products
        session = self.open_shift()
        self.pay([(a, 1)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        self.connection.state = "paused"
        self.shifts_happened_ago(session, 1)
        self.run_day_cron()
        jobs = self.jobs_of(session)
        self.assertTrue(jobs, "queued while paused")
        self.run_worker_cron()
        self.assertFalse(self.remote("sales_invoice"), "nothing is sent while paused")
        self.connection.state = "connected"
        self.run_worker_cron()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        self.assertIn("%s/INV" % session._accounting_chain(), self.remote("sales_invoice"))

    def test_settled_shift_after_days_without_cron(self):
        """The server was down for five days after a shift closed with a
        delay of 2 hours: the next cron run still queues it (from where the
        last run stopped), once."""
        self.delay_shifts(2, set_days_ago=10)
        a, _b = self.products
        session = self.open_shift()
        self.pay([(a, 1)], [(self.cash_pm1, None)])
        self.close_from_ui(session)
        self.move_back(session, 5)
        self.run_day_cron()
        self.assertTrue(self.jobs_of(session), "queued after the outage")
        self.assertGreater(self.connection.settled_until, session.stop_at)
        self.run_worker_cron()
        self.assertIn("%s/INV" % session._accounting_chain(), self.remote("sales_invoice"))
        queued = len(self.jobs_of(session))
        self.run_day_cron()
        self.assertEqual(len(self.jobs_of(session)), queued, "queued once")

    def test_setting_the_delay_leaves_earlier_shifts_alone(self):
        """A shift closed before the delay was set went out at its close;
        one closed after waits, and shortening the delay to nothing sends it."""
        a, _b = self.products
        self.connection.sales_sync_mode = "session_close"
        before = self.open_shift()
        self.pay([(a, 1)], [(self.cash_pm1, None)])
        self.close_from_ui(before)
        self.assertTrue(self.jobs_of(before), "no delay: queued at the close")
        self.connection.settle_delay_hours = 24
        after = self.open_shift()
        self.pay([(a, 2)], [(self.cash_pm1, None)])
        self.close_from_ui(after)
        self.assertFalse(self.jobs_of(after), "waits for the delay")
        self.assertTrue(after._accounting_waiting(self.connection))
        self.connection.settle_delay_hours = 0
        self.assertTrue(self.jobs_of(after), "the delay left: due at once")
        self.run_worker_cron()
        self.assertIn("%s/INV" % after._accounting_chain(), self.remote("sales_invoice"))


@tagged("post_install", "-at_install")
class TestSettleDelayJurnal(TestSettleDelay):
    provider = "jurnal"
