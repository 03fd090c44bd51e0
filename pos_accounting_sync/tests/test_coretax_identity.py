"""Coretax buyer identity, in a company set up as Indonesian shops run Odoo
(``l10n_id``, rupiah), both providers: an invoiced customer's NPWP (and
NITKU) reaches the remote customer's tax fields, a walk-in sale carries
none, and a placeholder NPWP of zeros is refused by name (validation wizard
and the line itself) and never sent; correcting it sends the customer and
its invoice by themselves."""

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models import accounting_messages as msgs
from .pos_sync_common import PosSyncCase

NPWP = "1234567890123456"


@tagged("post_install", "-at_install")
class TestCoretaxIdentityAccurate(PosSyncCase):
    provider = "accurate"

    @classmethod
    @AccountTestInvoicingCommon.setup_country("id")
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's POS test base moves the company to a country of its own: back to Indonesia (l10n_id's chart)
        cls.env.company.country_id = cls.env.ref("base.id")
        cls.connection.invoice_sync = True
        cls.buyer = cls.env["res.partner"].create({
            "name": "PT Sumber Rejeki", "country_id": cls.env.ref("base.id").id, "vat": NPWP})
        if "l10n_id_tku" in cls.buyer._fields:
            cls.buyer.l10n_id_tku = "000001"

    def invoice(self, partner):
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [(0, 0, {"product_id": self.kopi.id, "quantity": 2, "price_unit": 20000})]})
        move.action_post()
        return move

    def sync(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").sudo().method_direct_trigger()

    def remote_customer(self, partner):
        """The sandbox's customer of ``partner`` (by the number our job kept)."""
        job = self.jobs_of(partner).filtered(lambda j: j.kind == "customer" and j.state == "done")
        self.assertTrue(job, "the customer went out")
        key = "customerNo" if self.provider == "accurate" else "custom_id"
        rows = [r for r in self.sandbox_dump("customer") if r.get(key) == job.remote_number
                or str(r.get("id")) == job.remote_id]
        self.assertEqual(len(rows), 1)
        return rows[0]

    def remote_tax_no(self, row):
        return row.get("npwpNo") if self.provider == "accurate" else row.get("tax_no")

    def test_company_is_indonesian(self):
        self.assertEqual(self.env.company.country_id.code, "ID")
        self.assertEqual(self.env.company.currency_id.name, "IDR")

    def test_invoiced_customer_carries_npwp_and_walk_in_sale_none(self):
        move = self.invoice(self.buyer)
        session = self.open_shift()
        self.sell([(self.roti, 1)], payments=[(self.cash_pm1, 16650)])
        self.close_from_ui(session)
        self.sync()
        self.assertEqual(set(self.jobs_of(move).mapped("state")), {"done"}, self.jobs_of(move).mapped("error_message"))
        row = self.remote_customer(self.buyer)
        self.assertEqual(self.remote_tax_no(row), NPWP)
        has_tku = "l10n_id_tku" in self.buyer._fields
        if self.provider == "accurate":
            self.assertEqual(row.get("nitku"), NPWP + ("000001" if has_tku else "000000"))
        else:
            self.assertIn("NITKU %s" % NPWP, row.get("other_detail") or "")
        # the walk-in customer the shift posts under carries no tax identity, nor does its invoice
        walkin_key = "customerNo" if self.provider == "accurate" else "custom_id"
        walkin = next(r for r in self.sandbox_dump("customer") if r.get(walkin_key) == self.codes["walkin"])
        self.assertFalse(self.remote_tax_no(walkin))
        jobs = self.jobs_of(session)
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("error_message"))
        shift_invoice = self.remote("sales_invoice")[jobs.filtered(lambda j: j.kind == "sales_invoice").reference]
        for field in ("retailIdCard", "retailWpName", "retailIdTku", "npwpNo", "tax_no"):
            self.assertNotIn(field, shift_invoice)

    def test_zero_npwp_is_refused_by_name_and_never_sent(self):
        placeholder = self.env["res.partner"].create({
            "name": "Toko Nol", "country_id": self.env.ref("base.id").id, "vat": "000000000000000"})
        # product/customer validation names it before anything is sent
        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        self.assertNotIn(placeholder, wizard.bad_identity_ids)  # not a customer of this connection yet
        move = self.invoice(placeholder)
        wizard = self.env["accounting.product.validation"].create({"connection_id": self.connection.id})
        self.assertIn(placeholder, wizard.bad_identity_ids)
        self.assertNotIn(self.buyer, wizard.bad_identity_ids)
        self.assertIn("Toko Nol", wizard.bad_identity_text)
        self.assertIn("000000000000000", wizard.bad_identity_text)

        customers_before = len(self.sandbox_dump("customer"))
        self.sync()
        customer_job = self.jobs_of(placeholder).filtered(lambda j: j.kind == "customer")
        self.assertEqual(customer_job.state, "failed")
        self.assertIn("Toko Nol", customer_job.error_message)
        self.assertIn("000000000000000", customer_job.error_message)
        self.assertIn("NPWP", customer_job.error_message)
        self.assertFalse(customer_job.request_body, "nothing was sent for it")
        self.assertEqual(len(self.sandbox_dump("customer")), customers_before)
        invoice_job = self.jobs_of(move).filtered(lambda j: j.kind == "sales_invoice")
        self.assertNotEqual(invoice_job.state, "done")
        self.assertNotIn(invoice_job.reference, self.remote("sales_invoice"))

        # the clerk corrects the NPWP: the customer and its invoice go out by themselves
        placeholder.vat = "2234567890123456"
        self.sync()
        self.assertEqual(customer_job.state, "done", customer_job.error_message)
        self.assertEqual(self.remote_tax_no(self.remote_customer(placeholder)), "2234567890123456")
        self.assertEqual(invoice_job.state, "done", invoice_job.error_message)

    def test_malformed_numbers_are_refused_in_words(self):
        partner = self.env["res.partner"].create({"name": "CV Salah", "country_id": self.env.ref("base.id").id})
        # what Odoo's own check does not hold back (it stores tax numbers without a country check here)
        for vat, words in (("12345678901234", "16 digits"), ("0000000000000000", "placeholder")):
            partner.with_context(no_vat_validation=True).vat = vat
            problem = partner._accounting_coretax_problem()
            self.assertTrue(problem, vat)
            text = msgs.render(self.env, problem)
            self.assertIn("CV Salah", text)
            self.assertIn(vat, text)
            self.assertIn(words, text)
        # a legacy 15-digit NPWP that Odoo's l10n_id check accepts goes out with its leading 0
        partner.vat = "013000666091000"
        identity, problems = partner._accounting_coretax()
        self.assertFalse(problems)
        self.assertEqual(identity.npwp, "0013000666091000")
        # a customer of another country carries no NPWP
        foreign = self.env["res.partner"].create({"name": "Acme SG", "country_id": self.env.ref("base.sg").id})
        self.assertFalse(foreign._accounting_coretax()[0].npwp)


@tagged("post_install", "-at_install")
class TestCoretaxIdentityJurnal(TestCoretaxIdentityAccurate):
    provider = "jurnal"
