"""A failure is stored once (a message code and its values) and read in each
reader's language; every attempt, retry, cancel and block stays in the job's
history, and Retry clears the reason shown as current."""

from datetime import date
from decimal import Decimal

from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice

from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from .common import AccountingSyncCase, TagDocumentsMixin

GROUPS = "base.group_user,pos_accounting_sync.group_accounting_sync_user"


class MessagesScenario(TagDocumentsMixin):
    """Source records are partner tags whose document is what the test puts
    in ``self.documents`` (as in test_engine), so any failure can be made."""

    #: per provider: the job's reason for an item the accounting system lacks, in English and Indonesian
    unknown_item = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"].search(
            [("name", "=", "pos_accounting_sync")])._update_translations(["id_ID"])
        cls.reader_id = new_test_user(cls.env, "akuntan", groups=GROUPS, lang="id_ID", tz="Asia/Jakarta")
        cls.reader_en = new_test_user(cls.env, "accountant", groups=GROUPS, lang="en_US")
        # the connection's responsible reads Indonesian: so do its activities
        cls.connection.user_id = cls.reader_id

    def run_cron(self):
        """The worker as production runs it: the cron, with the cron's user."""
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").method_direct_trigger()

    def masters(self):
        self.enqueue(Customer(reference="C-MSG", name="Warung Msg"))
        self.enqueue(Item(reference="SKU-MSG", name="Es Teh", sale_price=Decimal("5000")))
        self.run_cron()

    def invoice(self, ref, sku="SKU-MSG"):
        return SalesInvoice(reference=ref, customer_ref="C-MSG", date=date.today(),
                            lines=[InvoiceLine(sku, Decimal("2"), Decimal("5000"))])

    @staticmethod
    def as_reader(record, user):
        """``record`` as ``user`` reads it in the web client (its language in the context)."""
        record.invalidate_recordset()
        return record.with_user(user).with_context(lang=user.lang)

    def reason(self, job, user):
        return self.as_reader(job, user).error_message

    # --- one stored failure, two languages ------------------------------------------
    def test_failure_reason_in_the_readers_language(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/MSG/1", sku="TIDAK-ADA"))
        self.run_cron()
        self.assertEqual(job.state, "failed")
        english, indonesian = self.unknown_item["en"], self.unknown_item["id"]
        self.assertEqual(self.reason(job, self.reader_en), english)
        self.assertEqual(self.reason(job, self.reader_id), indonesian)
        # stored once, as a code and its values, not as a sentence of the worker's language
        self.assertEqual(job.error_code, self.unknown_item["code"])
        self.assertFalse(job.error_note)
        # the accounting system's own words stay as they came, for every reader
        self.assertEqual(self.as_reader(job, self.reader_id).provider_message or "", self.unknown_item["provider"])
        # the history line reads the same way
        attempt = job.attempt_ids.filtered(lambda a: a.event == "failed")
        self.assertEqual(self.as_reader(attempt, self.reader_id).message, indonesian)
        self.assertEqual(self.as_reader(attempt, self.reader_en).message, english)
        # the morning digest, run by its cron, is written in its responsible's language
        self.env.ref("pos_accounting_sync.ir_cron_accounting_morning_digest").method_direct_trigger()
        digest = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_digest")
        activity = self.connection.activity_ids.filtered(lambda a: a.activity_type_id == digest)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.reader_id)
        note = html2plaintext(activity.note)
        self.assertIn(indonesian, note)
        self.assertIn("Faktur Penjualan INV/MSG/1", note)
        self.assertNotIn(english, note)

    def test_blocked_line_names_its_blocker_in_the_readers_language(self):
        self.masters()
        invoice = self.enqueue(self.invoice("INV/MSG/2", sku="TIDAK-ADA"), chain="MSG")
        follower = self.enqueue(self.invoice("INV/MSG/3"), chain="MSG", depends_on=invoice)
        self.run_cron()
        self.assertEqual(follower.state, "blocked")
        self.assertEqual(self.reason(follower, self.reader_id),
                         "Menunggu Faktur Penjualan INV/MSG/2, yang belum terkirim (Gagal).")
        self.assertEqual(self.reason(follower, self.reader_en),
                         "Waits for Sales Invoice INV/MSG/2, which has not gone out (Failed).")

    # --- history -------------------------------------------------------------------
    def test_history_keeps_every_attempt_and_retry_clears_the_current_reason(self):
        self.masters()
        job = self.enqueue(self.invoice("INV/MSG/4", sku="TIDAK-ADA"))
        # first attempt: the provider's server fails (the item is unknown, never reached)
        self.sandbox.add_fault("500", count=1, provider=self.provider)
        self.run_cron()
        self.assertEqual(job.state, "pending")
        first_reason = job.error_message
        self.assertTrue(first_reason)
        job.sudo().next_attempt_at = "2000-01-01 00:00:00"
        self.run_cron()
        self.assertEqual(job.state, "failed")
        second_reason = job.error_message
        self.assertNotEqual(first_reason, second_reason)
        # the accountant fixes the product, then presses Retry
        self.documents["INV/MSG/4"] = self.invoice("INV/MSG/4")
        job.with_user(self.reader_en).action_retry()
        job.invalidate_recordset()
        self.assertEqual(job.state, "pending")
        self.assertFalse(job.error_message, "the old reason is history, not the current one")
        self.assertFalse(job.error_kind or job.error_code or job.provider_message)
        self.run_cron()
        self.assertEqual(job.state, "done", job.error_message)
        history = job.attempt_ids.sorted("id")
        self.assertEqual(history.mapped("event"), ["sent", "failed", "retried", "done"])
        self.assertEqual(history.mapped("message")[:2], [first_reason, second_reason])
        retried = history[2]
        self.assertEqual(retried.user_id, self.reader_en)
        self.assertFalse(history[3].message)
        # cancelling is kept too, by whom
        other = self.enqueue(self.invoice("INV/MSG/5", sku="TIDAK-ADA"))
        self.run_cron()
        other.with_user(self.reader_id).action_cancel()
        self.assertEqual(other.attempt_ids.sorted("id").mapped("event"), ["failed", "cancelled"])
        self.assertEqual(other.attempt_ids.sorted("id")[-1].user_id, self.reader_id)

    def test_counts_say_one_document_or_several(self):
        jobs = self.enqueue(self.invoice("INV/MSG/6")) | self.enqueue(self.invoice("INV/MSG/7"))
        Job = self.env["accounting.sync.job"]
        self.assertEqual(Job._retried_message(1), "1 document queued again.")
        self.assertEqual(Job._retried_message(2), "2 documents queued again.")
        action = jobs.with_user(self.reader_id).with_context(lang="id_ID").action_cancel()
        self.assertEqual(action["params"]["message"], "2 dokumen dibatalkan.")

    def test_paused_connection_shows_paused_not_a_past_next_attempt(self):
        job = self.enqueue(self.invoice("INV/MSG/8"))
        job.sudo().next_attempt_at = "2000-01-01 00:00:00"
        self.assertFalse(job.connection_paused)
        self.connection.sudo().state = "paused"
        job.invalidate_recordset()
        self.assertTrue(job.connection_paused)
        self.assertEqual(self.as_reader(job, self.reader_en).next_attempt_note,
                         "Paused: the connection's credentials were refused; sent once they are fixed.")
        self.assertEqual(self.as_reader(job, self.reader_id).next_attempt_note,
                         "Dijeda: kredensial koneksi ditolak; dikirim setelah diperbaiki.")
        self.connection.sudo().write({"state": "connected", "paused_until": "2999-01-01 00:00:00"})
        # the resume time in the reader's time zone (Jakarta, UTC+7)
        self.assertEqual(self.as_reader(job, self.reader_id).next_attempt_note,
                         "Dijeda sampai 2999-01-01 07:00: kuota API bulanan sudah habis.")

    # --- the connection's banner ------------------------------------------------------
    def test_test_connection_banner_is_a_sentence_in_the_readers_language(self):
        self.connection.with_context(accounting_no_webhook_check=True).action_test_connection()
        self.connection.invalidate_recordset()
        banner_en = self.connection.with_context(lang="en_US").state_message
        self.assertTrue(banner_en.startswith(self.unknown_item["banner_en"]), banner_en)
        self.assertNotIn("database_id:", banner_en)
        self.connection.invalidate_recordset()
        banner_id = self.connection.with_context(lang="id_ID").state_message
        self.assertTrue(banner_id.startswith(self.unknown_item["banner_id"]), banner_id)


@tagged("post_install", "-at_install")
class TestMessagesAccurate(MessagesScenario, AccountingSyncCase):
    provider = "accurate"
    unknown_item = {
        "code": "accurate.refused",
        "provider": "Barang & Jasa tidak tepat",
        "en": "Accurate refused it: Barang & Jasa tidak tepat",
        "id": "Accurate menolaknya: Barang & Jasa tidak tepat",
        "banner_en": "Connected to the Accurate database",
        "banner_id": "Terhubung ke database Accurate",
    }


@tagged("post_install", "-at_install")
class TestMessagesJurnal(MessagesScenario, AccountingSyncCase):
    provider = "jurnal"
    unknown_item = {
        "code": "jurnal.refused",
        "provider": "Product not found: TIDAK-ADA",
        "en": "Jurnal refused it: Product not found: TIDAK-ADA",
        "id": "Jurnal menolaknya: Product not found: TIDAK-ADA",
        "banner_en": "Connected to Jurnal",
        "banner_id": "Terhubung ke Jurnal",
    }
