"""The Indonesian translation is loaded by Odoo and reaches the users.

Cashiers, admins and accountants work in Bahasa Indonesia: the selection
labels of the sync log and the plain-words errors raised by the code must come
out of ``i18n/id.po`` in Indonesian.
"""

import re
from os.path import join

from accounting_connectors.messages import TEXTS

from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_open
from odoo.tools.translate import TranslationFileReader, TranslationModuleReader

from ..models.accounting_messages import CONNECTOR_MESSAGES, MESSAGES

MODULE = "pos_accounting_sync"
#: a named placeholder (``%(name)s``, ``%(seconds).0f``) or a bare one (``%s``); ``%%`` is a percent sign
PLACEHOLDER = re.compile(r"%(?:\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[a-z]|[-#0 +]*\d*(?:\.\d+)?[sdrf])")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def indonesian_catalogue():
    """msgid -> msgstr of i18n/id.po as Odoo reads it: merged with the
    module's .pot, so an entry the .pot lacks (Odoo drops it as obsolete)
    counts as missing."""
    with file_open(join(get_module_path(MODULE), "i18n", "id.po"), mode="rb") as po:
        return {row["src"]: row["value"] for row in TranslationFileReader(po, fileformat="po") if row["value"]}


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


@tagged("post_install", "-at_install")
class TestI18nComplete(TransactionCase):
    """Every user-facing string of the module, and every sentence of the
    connector layer, has its Indonesian translation in ``i18n/id.po``."""

    def test_every_string_of_the_module_is_translated(self):
        terms = {source for _module, _type, _name, _res_id, source, _value, _comments
                 in TranslationModuleReader(self.env.cr, modules=[MODULE]) if source and source.strip()}
        self.assertGreater(len(terms), 500, "the exporter found the module's strings")
        catalogue = indonesian_catalogue()
        missing = sorted(t for t in terms if not catalogue.get(t))
        self.assertFalse(missing, "no Indonesian translation in i18n/id.po for %d strings:\n%s"
                         % (len(missing), "\n".join(missing[:80])))

    def test_every_connector_message_has_a_translated_sentence(self):
        # the addon's catalogue says each connector sentence, with the same English
        self.assertEqual(set(CONNECTOR_MESSAGES), set(TEXTS))
        for code, text in TEXTS.items():
            self.assertEqual(CONNECTOR_MESSAGES[code]._source, text, code)
        catalogue = indonesian_catalogue()
        for code, lazy in MESSAGES.items():
            source = lazy._source
            self.assertTrue(catalogue.get(source), "%s has no Indonesian translation: %s" % (code, source))
            # a translation names the same values as its source, or rendering it fails
            self.assertEqual(placeholders(catalogue[source]), placeholders(source), code)

    def test_connector_message_rendered_in_indonesian(self):
        from ..models.accounting_messages import render
        env_id = self.env(context=dict(self.env.context, lang="id_ID"))
        self.env["res.lang"]._activate_lang("id_ID")
        stored = {"code": "jurnal.no_tax_mapped", "args": {"rate": "11", "line": "Kopi Susu"}}
        self.assertEqual(render(self.env(context=dict(self.env.context, lang="en_US")), stored),
                         "No Jurnal tax is mapped for the 11% tax of Kopi Susu; map it under the "
                         "connection's Taxes.")
        self.assertNotIn("No Jurnal tax", render(env_id, stored))
        self.assertIn("Kopi Susu", render(env_id, stored))
        self.assertIn("11%", render(env_id, stored))
