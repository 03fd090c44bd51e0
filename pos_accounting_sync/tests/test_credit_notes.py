"""Returns and credit memos equal Odoo's credit notes to the rupiah, on
both providers, whatever the invoice's discount: a partial credit note of
an invoice with a taxed discount (Jurnal would have valued the return at
the discounted price: Rp 42,180 for Odoo's Rp 44,400), a line discount the
credit note does not give back, and prices that include their tax. The
remote return's total and the customer's remote balance are Odoo's."""

from odoo.tests import tagged

from .invoice_rules_common import D, InvoiceRulesCase, dec


@tagged("post_install", "-at_install")
class TestCreditNotesAccurate(InvoiceRulesCase):
    provider = "accurate"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.disc11 = cls.env["product.product"].create({
            "name": "Diskon Member", "type": "service", "taxes_id": [(6, 0, cls.tax11.ids)]})
        cls.tax11_incl = cls.env["account.tax"].create({
            "name": "PPN 11% (termasuk)", "amount": 11, "amount_type": "percent", "type_tax_use": "sale",
            "price_include_override": "tax_included", "company_id": cls.env.company.id})
        cls.connection.tax_map_ids = [(0, 0, {"tax_id": cls.tax11_incl.id, "remote_tax": cls.codes["tax11"]})]

    def assert_credit_note_posts_as_odoo(self, move, reversal):
        self.sync()
        jobs = self.jobs_of(move) | self.jobs_of(reversal)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        reference = self.jobs_of(reversal).reference
        self.assertEqual(self.credited(reference), dec(reversal.amount_total), "the remote credit is Odoo's")
        self.assertEqual(self.customer_balance(), dec(move.amount_total - reversal.amount_total),
                         "the customer owes remotely what they owe in Odoo")

    def test_partial_credit_note_of_an_invoice_with_a_taxed_discount(self):
        # 40,000 + 60,000 - 5,000 taxed discount (5 %), PPN 11 %: 105,450
        move = self.invoice([(self.kopi, 2, 20000, {}), (self.roti, 4, 15000, {}), (self.disc11, 1, -5000, {})])
        reversal = self.credit_note(move, keep=self.kopi)  # the two coffees back, at full price
        self.assertEqual(dec(reversal.amount_total), D("44400.00"))
        self.assert_credit_note_posts_as_odoo(move, reversal)

    def test_credit_note_without_the_invoice_s_line_discount(self):
        move = self.invoice([(self.kopi, 3, 20000, {"discount": 10}), (self.roti, 1, 15000, {})])
        reversal = move._reverse_moves([{"invoice_date": move.invoice_date}])
        reversal.invoice_line_ids.filtered(lambda l: l.product_id == self.roti).unlink()
        reversal.invoice_line_ids.write({"quantity": 1, "discount": 0})  # one coffee, its full price back
        reversal.action_post()
        self.assertEqual(dec(reversal.amount_total), D("22200.00"))
        self.assert_credit_note_posts_as_odoo(move, reversal)

    def test_credit_note_with_the_invoice_s_own_discount_and_prices_with_tax(self):
        incl = [(6, 0, self.tax11_incl.ids)]
        move = self.invoice([(self.kopi, 2, 22200, {"tax_ids": incl, "discount": 10}),
                             (self.roti, 1, 16650, {"tax_ids": incl}),
                             (self.disc11, 1, -3330, {"tax_ids": incl})])
        reversal = self.credit_note(move, keep=self.kopi | self.disc11)
        self.assert_credit_note_posts_as_odoo(move, reversal)


@tagged("post_install", "-at_install")
class TestCreditNotesJurnal(TestCreditNotesAccurate):
    provider = "jurnal"
