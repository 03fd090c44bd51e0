"""A sentence raised while the worker builds a document (the worker runs as
the cron's user, in English) is stored as its code and values, so each
reader reads it in their own language."""

from odoo.tests import tagged

from .pos_sync_common import PosSyncCase

ENGLISH = ("The payment method “%(method)s” has no cash/bank account in %(conn)s. Map it under Accounting Sync > "
           "Connections > Payment Methods.")
INDONESIAN = ("Metode pembayaran “%(method)s” belum memiliki akun kas/bank di %(conn)s. Petakan di Sinkronisasi "
              "Akuntansi > Koneksi > Metode Pembayaran.")


@tagged("post_install", "-at_install")
class TestBuildMessages(PosSyncCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"].search(
            [("name", "=", "pos_accounting_sync")])._update_translations(["id_ID"])

    def reason(self, job, lang):
        job.invalidate_recordset()
        return job.with_context(lang=lang).error_message

    def test_unmapped_payment_method_reason_in_the_readers_language(self):
        self.connection.payment_map_ids.filtered(lambda m: m.payment_method_id == self.bank_pm1).unlink()
        session = self.standard_shift()
        self.close_from_ui(session)
        # the worker as production runs it: the cron, with the cron's user
        self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker").method_direct_trigger()
        jobs = self.jobs_of(session)
        job = jobs.filtered(lambda j: j.state == "failed")
        self.assertEqual(len(job), 1, jobs.mapped(lambda j: (j.reference, j.state, j.error_message)))
        # stored as a code and its values, not as the worker's English sentence
        self.assertEqual(job.error_code, "mapping.payment_method_cash_bank")
        self.assertFalse(job.error_note)
        args = {"method": self.bank_pm1.display_name, "conn": self.connection.display_name}
        self.assertEqual(self.reason(job, "en_US"), ENGLISH % args)
        self.assertEqual(self.reason(job, "id_ID"), INDONESIAN % args)


@tagged("post_install", "-at_install")
class TestBuildMessagesJurnal(TestBuildMessages):
    provider = "jurnal"
