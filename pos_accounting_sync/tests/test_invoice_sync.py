"""Customer invoices outside the POS (sales orders, web, marketplaces) over
the sandbox, both providers: lines of mapped kinds on their accounts, Odoo's
totals and tax, payments (partial, with a marketplace fee kept back) until
Paid, credit notes, cancellation, the journal filter and POS invoices."""

import json
from datetime import date
from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from accounting_connectors.documents import account_item_ref
from accounting_connectors.sandbox import jurnal_money

from .invoice_rules_common import make_invoice
from .pos_sync_common import PosSyncCase

D = Decimal


def dec(value):
    return D("%.2f" % value)


@tagged("post_install", "-at_install")
class TestInvoiceSyncAccurate(PosSyncCase):
    provider = "accurate"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.ship = Product.create({"name": "Ongkos Kirim", "type": "service", "taxes_id": [(6, 0, cls.tax11.ids)]})
        cls.disc = Product.create({"name": "Diskon Toko", "type": "service", "taxes_id": [(5, 0, 0)]})
        cls.fee = Product.create({"name": "Biaya Marketplace", "type": "service", "taxes_id": [(5, 0, 0)]})
        cls.fee_account = cls.env["account.account"].create({
            "name": "Marketplace fees", "code": "MPFEE1", "account_type": "expense"})
        cls.bank_journal = cls.bank_pm1.journal_id
        cls.sale_journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.env.company.id)], limit=1)
        cls.connection.write({
            "invoice_sync": True,
            "invoice_line_kind_ids": [
                (0, 0, {"kind": "shipping", "product_ids": [(6, 0, cls.ship.ids)],
                        "remote_account": cls.codes["sales"]}),
                (0, 0, {"kind": "discount", "product_ids": [(6, 0, cls.disc.ids)],
                        "remote_account": cls.codes["discount"]}),
                (0, 0, {"kind": "marketplace_fee", "product_ids": [(6, 0, cls.fee.ids)],
                        "account_ids": [(6, 0, cls.fee_account.ids)], "remote_account": cls.codes["fee"]}),
            ],
        })

    # --- helpers ------------------------------------------------------------------
    def invoice(self, lines, move_type="out_invoice", post=True, **vals):
        return make_invoice(self, lines, post=post, move_type=move_type, **vals)

    def pay(self, move, amount, fee=0.0):
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids).create({
                "amount": amount, "journal_id": self.bank_journal.id,
                "payment_date": fields.Date.today()})
        if fee:
            wizard.write({"payment_difference_handling": "reconcile", "writeoff_account_id": self.fee_account.id,
                          "writeoff_label": "Komisi marketplace"})
        return wizard._create_payments()

    def sync(self):
        """Run the worker as its cron does."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()

    def all_done(self, move):
        jobs = self.jobs_of(move)
        self.assertTrue(jobs)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        return jobs

    def invoice_row(self, move):
        return self.remote("sales_invoice")[move._accounting_invoice_ref()]

    def lines_by_item(self, row):
        if self.provider == "accurate":
            return {l["itemNo"]: D(str(l["totalPrice"])) for l in row["detailItem"]}
        return {l["product"]["code"]: D(str(l["amount"])) for l in row["transaction_lines_attributes"]}

    def deductions(self, row, job):
        """remote account -> amount taken off the invoice."""
        if self.provider == "accurate":
            return {e["account"]["no"]: -D(str(e["expenseAmount"])) for e in row["detailExpense"]}
        body = json.loads(json.loads(job.request_body)["body"])["sales_invoice"]
        self.assertEqual(D(str(row["witholding_amount"])), D(str(body["witholding_value"])))
        return {body["witholding_account_name"]: D(str(body["witholding_value"]))}

    def account_name(self, code):
        return code if self.provider == "accurate" else self.client._account_name(code)

    # --- scenarios ------------------------------------------------------------------
    def test_kinds_post_to_their_accounts_with_odoo_totals(self):
        if self.provider == "jurnal":
            # Jurnal's one withholding: the untaxed discount shares the fee's account
            # (two accounts are refused, see test_deductions_on_two_accounts_refused_plainly)
            self.connection.invoice_line_kind_ids.filtered(lambda k: k.kind == "discount").remote_account = \
                self.codes["fee"]
        move = self.invoice([
            (self.kopi, 2, 20000, {}), (self.roti, 3, 15000, {"discount": 10}),
            (self.ship, 1, 12000, {}), (self.disc, 1, -5000, {}), (self.fee, 1, -3500, {}),
        ])
        self.sync()
        jobs = self.all_done(move)
        row = self.invoice_row(move)
        self.assertEqual(self.remote_total("sales_invoice", row), dec(move.amount_total))
        self.assertEqual(self.remote_tax(row), dec(move.amount_tax))
        lines = self.lines_by_item(row)
        self.assertEqual(lines[account_item_ref(self.codes["sales"])], D("12000"), "shipping on its account")
        self.assertEqual(lines["KOPI-01"], D("40000"))
        self.assertEqual(lines["ROTI-01"], D("40500"))
        expected = ({self.codes["discount"]: D("5000"), self.codes["fee"]: D("3500")}
                    if self.provider == "accurate" else {self.account_name(self.codes["fee"]): D("8500")})
        self.assertEqual(self.deductions(row, jobs.filtered(lambda j: j.kind == "sales_invoice")), expected)

    def test_taxed_discount_lowers_the_goods_so_tax_stays_odoos(self):
        disc11 = self.env["product.product"].create({"name": "Diskon PPN", "type": "service",
                                                     "taxes_id": [(6, 0, self.tax11.ids)]})
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.roti, 2, 15000, {}), (disc11, 1, -7000, {})])
        self.sync()
        self.all_done(move)
        row = self.invoice_row(move)
        self.assertEqual(self.remote_total("sales_invoice", row), dec(move.amount_total))
        self.assertEqual(self.remote_tax(row), dec(move.amount_tax))
        self.assertEqual(sum(self.lines_by_item(row).values()), D("63000"), "the goods carry the discount")

    def test_partial_then_final_payment_with_fee_marks_paid(self):
        move = self.invoice([(self.kopi, 5, 20000, {})])  # 111,000 with PPN
        self.pay(move, 50000)
        self.sync()
        ref = move._accounting_invoice_ref()
        status = self.client.invoice_status(ref)
        self.assertFalse(status["paid"])
        self.assertEqual(D(str(status["outstanding"])), D("61000"))
        # the marketplace pays out the rest less its 4,000 fee
        self.pay(move, 57000, fee=4000)
        self.assertEqual(move.payment_state in ("paid", "in_payment"), True)
        self.sync()
        self.all_done(move)
        self.assertTrue(self.client.invoice_status(ref)["paid"], "the invoice shows Paid remotely")
        receipts = self.remote("sales_receipt")
        self.assertEqual(len(receipts), 2)
        final = receipts["%s/RCV/%s" % (ref, move.line_ids.matched_credit_ids.sorted("id")[-1].id)]
        store = self.sandbox.app(self.provider).store
        if self.provider == "accurate":
            self.assertEqual(D(str(final["chequeAmount"])), D("57000"))
            discounts = final["detailInvoice"][0]["detailDiscount"]
            self.assertEqual([(d["accountNo"], D(str(d["amount"]))) for d in discounts],
                             [(self.codes["fee"], D("4000"))])
            bank = store.account_money()[self.codes["bank"]]
        else:
            self.assertEqual(D(str(final["records"][0]["amount"])), D("61000"))
            self.assertEqual(D(str(final["witholding_amount"])), D("4000"))
            self.assertEqual(final["witholding"]["account"]["number"], self.codes["fee"])
            bank = D(str(jurnal_money.account_money(store)[self.codes["bank"]]))
        self.assertEqual(bank, D("107000"), "only the money paid reached the bank; the fee went to its account")

    def test_credit_note_posts_return_against_invoice(self):
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.roti, 1, 15000, {})])
        self.sync()
        reversal = move._reverse_moves([{"invoice_date": fields.Date.today()}])
        reversal.invoice_line_ids.filtered(lambda l: l.product_id == self.roti).unlink()
        reversal.action_post()
        self.sync()
        self.all_done(reversal)
        returns = self.remote("sales_return")
        self.assertEqual(list(returns), ["RET/%s" % reversal.id])
        self.assertEqual(self.remote_total("sales_return", returns["RET/%s" % reversal.id]), dec(reversal.amount_total))
        status = self.client.invoice_status(move._accounting_invoice_ref())
        self.assertEqual(D(str(status["outstanding"])), dec(move.amount_total - reversal.amount_total))

    def test_cancelled_before_posting_posts_nothing(self):
        move = self.invoice([(self.kopi, 1, 20000, {})], post=False)
        move.button_cancel()
        posted = self.invoice([(self.kopi, 1, 20000, {})])
        posted.button_cancel()  # posted, cancelled before the worker ran
        self.sync()
        self.assertFalse(self.jobs_of(move))
        self.assertEqual(set(self.jobs_of(posted).filtered(lambda j: j.kind == "sales_invoice").mapped("state")),
                         {"cancelled"})
        self.assertFalse(self.remote("sales_invoice"))

    def test_posted_then_cancelled_is_reversed_and_reposted_anew(self):
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.ship, 1, 10000, {})])
        self.pay(move, 20000)
        self.sync()
        first = move._accounting_invoice_ref()
        move.button_draft()  # unreconciles the payment too
        move.invoice_line_ids.filtered(lambda l: l.product_id == self.kopi).quantity = 3
        self.sync()
        self.all_done(move)
        self.assertEqual(self.client.invoice_status(first)["outstanding"], 0, "reversed in full")
        self.assertFalse(self.remote("sales_receipt"), "the payment was voided")
        move.action_post()
        self.sync()
        self.all_done(move)
        second = move._accounting_invoice_ref()
        self.assertNotEqual(first, second)
        self.assertEqual(self.remote_total("sales_invoice", self.invoice_row(move)), dec(move.amount_total))

    def test_journal_not_selected_posts_nothing(self):
        other = self.sale_journal.copy({"name": "Marketplace Sales", "code": "MKT"})
        self.connection.invoice_journal_ids = other
        move = self.invoice([(self.kopi, 1, 20000, {})])
        self.sync()
        self.assertFalse(self.jobs_of(move))
        chosen = self.invoice([(self.kopi, 1, 20000, {})], journal_id=other.id)
        self.sync()
        self.all_done(chosen)

    def test_before_go_live_posts_nothing(self):
        self.connection.go_live_date = date(2099, 1, 1)
        move = self.invoice([(self.kopi, 1, 20000, {})])
        self.assertFalse(self.jobs_of(move))

    def test_pos_invoice_is_posted_once(self):
        session = self.open_shift()
        order = self.sell([(self.roti, 1)], payments=[(self.bank_pm1, 16650)], customer=self.customer)
        order.action_pos_order_invoice()
        self.close_from_ui(session)
        self.sync()
        self.assertTrue(order.account_move)
        self.assertFalse(self.jobs_of(order.account_move), "the POS sales post it")
        invoices = [r for r in self.remote("sales_invoice") if r.startswith("POS/") or r.startswith("INV/")]
        self.assertEqual(len(invoices), 1, invoices)

    def test_two_tax_rates_and_foreign_currency(self):
        tax12 = self.env["account.tax"].create({"name": "PPN 12%", "amount": 12, "amount_type": "percent",
                                                "type_tax_use": "sale"})
        self.connection.tax_map_ids = [(0, 0, {"tax_id": tax12.id, "remote_tax": self.codes["tax12"]})]
        move = self.invoice([(self.kopi, 3, 20000, {}), (self.roti, 2, 15000, {"tax_ids": [(6, 0, tax12.ids)]})])
        self.sync()
        self.all_done(move)
        row = self.invoice_row(move)
        self.assertEqual(self.remote_total("sales_invoice", row), dec(move.amount_total))
        self.assertEqual(self.remote_tax(row), dec(move.amount_tax))
        other = self.env.ref("base.EUR" if self.env.company.currency_id.name == "USD" else "base.USD")
        other.active = True
        foreign = self.invoice([(self.kopi, 1, 20, {})], currency_id=other.id)
        self.sync()
        job = self.jobs_of(foreign).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(job.state, "failed")
        self.assertIn("only invoices in the company's currency", job.error_message)


@tagged("post_install", "-at_install")
class TestInvoiceSyncJurnal(TestInvoiceSyncAccurate):
    provider = "jurnal"

    def test_deductions_on_two_accounts_refused_plainly(self):
        """Jurnal keeps one withholding per invoice: a discount and a fee on
        two accounts are refused with what to do."""
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.disc, 1, -5000, {}), (self.fee, 1, -3500, {})])
        self.sync()
        job = self.jobs_of(move).filtered(lambda j: j.kind == "sales_invoice")
        self.assertEqual(job.state, "failed")
        self.assertIn("one withholding account", job.error_message)
