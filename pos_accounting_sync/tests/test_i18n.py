"""The Indonesian translation is loaded by Odoo and reaches the users.

Cashiers, admins and accountants work in Bahasa Indonesia: the selection
labels of the sync log and the plain-words errors raised by the code must come
out of ``i18n/id.po`` in Indonesian.
"""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"].search(
            [("name", "=", "pos_accounting_sync")])._update_translations(["id_ID"])
        cls.env_id = cls.env(context=dict(cls.env.context, lang="id_ID"))

    def test_sync_log_state_labels(self):
        fields = self.env_id["accounting.sync.job"].fields_get(["state", "kind"])
        self.assertEqual(dict(fields["state"]["selection"]), {
            "pending": "Tertunda",
            "running": "Sedang Berjalan",
            "done": "Selesai",
            "failed": "Gagal",
            "blocked": "Tertahan",
            "cancelled": "Dibatalkan",
        })
        self.assertEqual(fields["state"]["string"], "Status")
        kinds = dict(fields["kind"]["selection"])
        self.assertEqual(kinds["sales_invoice"], "Faktur Penjualan")
        self.assertEqual(kinds["sales_receipt"], "Penerimaan Penjualan")
        self.assertEqual(kinds["sales_return"], "Retur Penjualan")
        self.assertEqual(kinds["customer"], "Pelanggan")
        self.assertEqual(kinds["item"], "Barang")
        # the English source is untouched
        en = self.env["accounting.sync.job"].with_context(lang="en_US").fields_get(["state"])
        self.assertEqual(dict(en["state"]["selection"])["failed"], "Failed")

    def test_connection_labels_and_menu(self):
        fields = self.env_id["accounting.connection"].fields_get(["state", "go_live_date"])
        self.assertEqual(dict(fields["state"]["selection"])["draft"], "Belum diuji")
        self.assertEqual(fields["go_live_date"]["string"], "Tanggal Mulai Berlaku (go-live)")
        action = self.env_id.ref("pos_accounting_sync.action_accounting_sync_job")
        self.assertEqual(action.name, "Log Sinkronisasi")

    def test_error_hours_in_indonesian(self):
        Connection = self.env_id["accounting.connection"]
        with self.assertRaises(ValidationError) as caught:
            Connection._parse_hours("08:00, jam delapan")
        self.assertEqual(
            str(caught.exception),
            "“jam delapan” bukan format jam. Tulis jam seperti 08:00, 21:30.")

    def test_error_missing_reference_in_indonesian(self):
        Job = self.env_id["accounting.sync.job"]
        with self.assertRaises(UserError) as caught:
            Job._enqueue(self.env_id["accounting.connection"], "customer", self.env_id["res.partner"], "")
        self.assertEqual(str(caught.exception), "Dokumen yang akan disinkronkan harus memiliki referensi.")
