"""The sync log as an accountant reads it (issue #13): a blocked line links
the line it waits for, a failing line lists what waits on it, the request
and the answer read as indented text (or say why nothing was sent), and the
worker's cron reports to Odoo how many documents it really sent."""

from datetime import date
from decimal import Decimal

from accounting_connectors.documents import Customer, InvoiceLine, Item, ReceiptLine, SalesInvoice, SalesReceipt

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import AccountingSyncCase, TagDocumentsMixin


class SyncLogScenario(TagDocumentsMixin):
    """Jobs whose source is a partner tag and whose document is
    ``self.documents[reference]`` (an exception is raised instead)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def masters(self):
        jobs = self.enqueue(Customer(reference="C-LOG", name="Toko Log")) | self.enqueue(
            Item(reference="SKU-LOG", name="Es Kopi", sale_price=Decimal("18000")))
        self.run_worker()
        self.assertEqual(set(jobs.mapped("state")), {"done"})

    def invoice(self, ref):
        return SalesInvoice(reference=ref, customer_ref="C-LOG", date=date.today(),
                            lines=[InvoiceLine("SKU-LOG", Decimal("3"), Decimal("18000"))])

    def receipt(self, ref, invoice_ref):
        return SalesReceipt(reference=ref, customer_ref="C-LOG", date=date.today(),
                            account=self.codes["cash"], lines=[ReceiptLine(invoice_ref, Decimal("54000"))])

    def failing_chain(self):
        """An invoice that cannot be prepared, its receipt, and a later
        document of the same chain."""
        self.masters()
        invoice = self.enqueue(self.invoice("INV/LOG/1"), chain="LOG1", sequence=10)
        self.documents["INV/LOG/1"] = UserError("The product “Es Kopi” has no internal reference (SKU).")
        receipt = self.enqueue(self.receipt("RCP/LOG/1", "INV/LOG/1"), chain="LOG1", sequence=20,
                               depends_on=invoice)
        later = self.enqueue(self.invoice("INV/LOG/2"), chain="LOG1", sequence=30)
        self.run_worker()
        self.assertEqual(invoice.state, "failed")
        self.assertEqual((receipt.state, later.state), ("blocked", "blocked"))
        return invoice, receipt, later

    # --- what a blocked line waits for, what waits on a failed one ------------------
    def test_blocked_line_links_the_line_it_waits_for(self):
        invoice, receipt, later = self.failing_chain()
        self.assertEqual(receipt.blocked_by_id, invoice)
        self.assertEqual(later.blocked_by_id, invoice, "blocked by chain order, not only by dependency")
        action = receipt.action_open_blocker()
        self.assertEqual((action["res_model"], action["res_id"]), ("accounting.sync.job", invoice.id))
        form = self.env["accounting.sync.job"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="blocked_by_id"', form)
        self.assertIn('name="action_open_blocker"', form)
        listing = self.env["accounting.sync.job"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="action_open_blocker"', listing)
        # once the invoice is fixed and sent, nothing waits any more
        self.documents["INV/LOG/1"] = self.invoice("INV/LOG/1")
        invoice.action_retry()
        self.run_worker()
        self.assertEqual((invoice.state, receipt.state, later.state), ("done", "done", "done"))
        self.assertFalse(receipt.blocked_by_id | later.blocked_by_id)
        self.assertFalse(invoice.waiting_count)

    def test_failed_line_lists_what_waits_on_it(self):
        invoice, receipt, later = self.failing_chain()
        unrelated = self.enqueue(self.invoice("INV/LOG/OTHER"), chain="LOG2")
        self.assertEqual(invoice.waiting_job_ids, receipt | later)
        self.assertEqual(invoice.waiting_count, 2)
        self.assertNotIn(unrelated, invoice.waiting_job_ids)
        self.assertFalse(receipt.waiting_count and later in receipt.waiting_job_ids and False)
        action = invoice.action_open_waiting()
        self.assertEqual(self.env["accounting.sync.job"].search(action["domain"]), receipt | later)
        self.assertIn(invoice.reference, action["name"])
        form = self.env["accounting.sync.job"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_open_waiting"', form)

    # --- request and answer ---------------------------------------------------------------
    def test_request_and_answer_read_as_indented_text(self):
        self.masters()
        # a customer the accounting system does not know: refused, with both bodies kept
        doc = SalesInvoice(reference="INV/LOG/REFUSED", customer_ref="NOBODY-LOG", date=date.today(),
                           lines=[InvoiceLine("SKU-LOG", Decimal("1"), Decimal("18000"))])
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.state, "failed", job.error_message)
        self.assertTrue(job.request_body and job.response_body)
        request = job.request_text
        self.assertTrue(request.startswith("POST "), request[:80])
        self.assertIn("INV/LOG/REFUSED", request)
        self.assertNotIn('\\"', request, "no escaped JSON")
        self.assertGreater(request.count("\n"), 5, "one field a line, not one long line")
        self.assertRegex(request, r"\n  +\S", "nested values are indented")
        self.assertRegex(job.response_text, r"^HTTP \d{3}\n\n\{\n  ")
        self.assertNotIn('\\"', job.response_text)
        form = self.env["accounting.sync.job"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="request_text"', form)
        self.assertNotIn('name="request_body"', form)

    def test_nothing_sent_says_why(self):
        invoice, receipt, _later = self.failing_chain()
        self.assertFalse(invoice.request_body)
        self.assertIn("could not be prepared", invoice.request_text)
        self.assertIn(invoice.reference, receipt.request_text)
        self.assertTrue(receipt.request_text.startswith("Nothing was sent"))
        waiting = self.enqueue(self.invoice("INV/LOG/WAIT"))
        self.assertEqual(waiting.request_text, "Nothing was sent yet.")
        self.assertEqual(waiting.response_text, "Nothing was sent yet.")

    # --- who refused: Odoo's own check or the accounting system ---------------------------
    def form_arch(self):
        return self.env["accounting.sync.job"].get_views([(False, "form")])["views"]["form"]["arch"]

    def test_banner_of_our_own_check_says_nothing_was_sent(self):
        """The connector's own check refuses a taxed line with no tax mapped,
        before any request: not "refused by the accounting system"."""
        self.masters()
        doc = SalesInvoice(reference="INV/LOG/OWN", customer_ref="C-LOG", date=date.today(),
                           lines=[InvoiceLine("SKU-LOG", Decimal("1"), Decimal("18000"), tax_rate=Decimal("11"))])
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.state, "failed", job.error_message)
        self.assertEqual(job.error_kind, "permanent", "the connector's check raises its refusal kind")
        self.assertFalse(job.request_body)
        self.assertEqual(job.failure_origin, "own_check")
        self.assertTrue(job.failure_heading.startswith("Nothing was sent yet"), job.failure_heading)
        self.assertTrue(job.request_text.startswith("Nothing was sent"), job.request_text)
        self.assertNotIn("Refused by", job.failure_heading)
        self.assertFalse(job.refusal_subject)
        # what to fix and where: the connection (its tax mappings), one click away
        accountant = new_test_user(self.env, "banner_accountant",
                                   groups="base.group_user,pos_accounting_sync.group_accounting_sync_user")
        action = job.with_user(accountant).action_open_cause()
        self.assertEqual((action["res_model"], action["res_id"]), ("accounting.connection", self.connection.id))
        form = self.form_arch()
        self.assertIn('name="banner_own_check"', form)
        self.assertIn('name="action_open_cause"', form)

    def test_banner_of_a_refusal_names_the_record_in_odoo_terms(self):
        """An item the accounting system does not have: its words, what was
        sent, and the Odoo product the words are about."""
        self.masters()
        product = self.env["product.product"].create({"name": "Es Teh Manis", "default_code": "SKU-TEH-GONE"})
        doc = SalesInvoice(reference="INV/LOG/ITEM", customer_ref="C-LOG", date=date.today(),
                           lines=[InvoiceLine("SKU-TEH-GONE", Decimal("1"), Decimal("8000"))])
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.state, "failed", job.error_message)
        self.assertTrue(job.request_body and job.provider_message)
        self.assertEqual(job.failure_origin, "accounting_system")
        provider = dict(self.env["accounting.connection"]._fields["provider"].selection)[self.provider]
        self.assertIn("Refused by %s" % provider, job.failure_heading)
        self.assertIn("INV/LOG/ITEM", job.failure_heading, "what was sent")
        self.assertEqual(job.provider_said, job.provider_message.strip(), "its own words, as they came")
        self.assertIn(product.display_name, job.refusal_subject)
        self.assertNotIn("SKU-LOG", job.refusal_subject, "the item it knows is not blamed")
        self.assertIn('name="banner_accounting_system"', self.form_arch())
        # a customer it does not know is named too (Accurate: by our customer number)
        doc = SalesInvoice(reference="INV/LOG/WHO", customer_ref="NOBODY-LOG", date=date.today(),
                           lines=[InvoiceLine("SKU-LOG", Decimal("1"), Decimal("18000"))])
        job = self.enqueue(doc)
        self.run_worker()
        self.assertEqual(job.failure_origin, "accounting_system")
        self.assertIn("Customer NOBODY-LOG", job.refusal_subject or "", job.provider_message)

    def test_answer_in_html_reads_as_text_and_the_list_reason_is_short(self):
        invoice, _receipt, _later = self.failing_chain()
        invoice.sudo().provider_message = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
        self.assertNotIn("<", invoice.provider_said)
        self.assertIn("502 Bad Gateway", invoice.provider_said)
        self.assertIn('<field name="provider_said" string="Accounting System Said"', self.form_arch())
        invoice.sudo()._log_attempt("failed")
        self.assertEqual(invoice.attempt_ids[:1].provider_said, invoice.provider_said, "the history reads it as text")
        invoice.sudo().error_note = "First sentence of a long reason. " + "More words follow here. " * 20
        self.assertEqual(invoice.error_summary, "First sentence of a long reason.")
        listing = self.env["accounting.sync.job"].get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="error_summary"', listing)

    # --- the cron reports its real count -------------------------------------------------
    def test_cron_reports_the_documents_it_sent(self):
        """Run as Odoo runs the cron (its user, its progress record): 8
        documents go out; one more is due but waits for a customer whose next
        attempt is later, so a rerun could not send it and none is asked for
        (Odoo reruns a cron at once while it reports work remaining, and logs
        "processed 0 records" each time)."""
        self.masters()
        for n in range(8):
            self.enqueue(self.invoice("INV/CRON/%s" % n))
        later = self.enqueue(Customer(reference="C-LATER", name="Toko Nanti"))
        later.sudo().next_attempt_at = "2999-01-01 00:00:00"
        waiting = self.enqueue(self.invoice("INV/CRON/WAITS"), depends_on=later)
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker")
        cron.method_direct_trigger()
        self.env.invalidate_all()
        sent = self.env["accounting.sync.job"].search([("reference", "like", "INV/CRON/%")])
        self.assertEqual(sorted(sent.mapped("state")), ["done"] * 8 + ["pending"])
        self.assertEqual(waiting.state, "pending")
        progress = self.env["ir.cron.progress"].sudo().search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        self.assertEqual((progress.done, progress.remaining), (8, 0))
        # once the customer is due it is work left (the invoice still waits for it)
        self.force_due(later)
        self.assertEqual(self.env["accounting.sync.worker"]._count_due(), 1)
        self.assertEqual(self.env["accounting.sync.worker"]._count_due([self.connection.id]), 0,
                         "a connection this run left alone is not counted")


@tagged("post_install", "-at_install")
class TestSyncLogDisplayAccurate(SyncLogScenario, AccountingSyncCase):
    provider = "accurate"


@tagged("post_install", "-at_install")
class TestSyncLogDisplayJurnal(SyncLogScenario, AccountingSyncCase):
    provider = "jurnal"
