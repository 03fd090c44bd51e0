"""A provider's settlement report imported: the preview names each row's
method or why it has none, posting queues the matched rows only, a row's
own fee wins over the MDR rate, and a report imported again adds nothing."""

from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.settlement_csv import MAX_ROWS, is_formula, parse_amount, read_rows
from .payout_common import PayoutCase

D = Decimal
REPORT = """Tanggal;MID;Jumlah;Biaya;Referensi
15/06/2026;MID-0042;1.000.000;;STL-001
16/06/2026;OVO-9;250.000;1.750;STL-002
17/06/2026;mid-0042;Rp 500.000;6.500;STL-003
18/06/2026;MID-0042;12.345.678;;STL-004
"""


@tagged("post_install", "-at_install")
class TestPayoutImport(PayoutCase):

    def test_report_preview_names_unmatched_rows_and_posts_the_rest(self):
        self.card_shift(100)  # 2,220,000 on the card
        wizard = self.import_report(REPORT)
        rows = {line.reference: line for line in wizard.line_ids}
        self.assertEqual((wizard.matched_count, wizard.unmatched_count), (2, 2))
        self.assertEqual(rows["STL-001"].status, "matched")
        self.assertEqual(rows["STL-001"].payment_map_id, self.card_map)
        self.assertEqual((rows["STL-001"].gross, rows["STL-001"].fee), (1000000, 7000))
        self.assertEqual(rows["STL-002"].status, "unmatched")
        self.assertIn("OVO-9", rows["STL-002"].reason)
        self.assertEqual((rows["STL-003"].status, rows["STL-003"].fee), ("matched", 6500),
                         "the method is matched without regard to case; the row's fee is kept")
        self.assertEqual(rows["STL-004"].status, "unmatched")
        self.assertIn("clearing account", rows["STL-004"].reason)

        wizard.action_post_matched()
        payouts = wizard.payout_ids.sorted("date")
        self.assertEqual(payouts.mapped("settlement_ref"), ["STL-001", "STL-003"])
        self.assertEqual(payouts.mapped("fee_amount"), [7000, 6500])
        self.assertEqual(payouts.mapped("net_amount"), [993000, 493500])
        self.assertEqual(set(payouts.mapped("state")), {"posted"})
        self.run_cron()
        self.assertEqual(set(payouts.mapped("job_state")), {"done"}, payouts.mapped("job_error"))
        self.assertEqual(self.remote_transfers(), {
            payouts[0].name: [(D(1000000), D(7000))], payouts[1].name: [(D(500000), D(6500))]})
        self.assertEqual(self.remote_accounts()[self.codes["fee"]], D(13500))
        self.assertEqual(self.card_map.clearing_balance, 720000)

        again = self.import_report(REPORT)
        self.assertEqual(again.matched_count, 0, "a report imported twice adds nothing")
        self.assertIn(payouts[0].name, again.line_ids.filtered(lambda l: l.reference == "STL-001").reason)
        with self.assertRaises(UserError):
            again.action_post_matched()

    def test_comma_separated_report_and_bad_cells(self):
        self.card_shift(10)  # 222,000
        self.card_map.settlement_name = False
        wizard = self.import_report(
            'date,method,gross,fee\n'
            '2026-06-15,Bank,"100,000.50",\n'
            '2026-13-40,Bank,1000,\n'
            '2026-06-16,Bank,lots,\n'
            '2026-06-17,Bank,"1.000","2.000"\n')
        lines = wizard.line_ids.sorted("line_no")
        self.assertEqual(lines.mapped("status"), ["matched", "unmatched", "unmatched", "unmatched"])
        self.assertEqual(lines[0].payment_map_id, self.card_map, "no report name set: the method's own name")
        self.assertEqual((lines[0].gross, lines[0].fee), (100000.5, 700))
        self.assertIn("not a date", lines[1].reason)
        self.assertIn("not an amount", lines[2].reason)
        self.assertIn("less than the gross", lines[3].reason)

    def test_formula_cells_and_nul_bytes_are_never_kept(self):
        self.card_shift(100)
        wizard = self.import_report(
            "Tanggal;MID;Jumlah;Biaya;Referensi\n"
            "15/06/2026;MID-0042;1.000\x00.000;;STL-\x00NUL\n"
            "16/06/2026;MID-0042;100.000;;=cmd|' /C calc'!A0\n"
            "17/06/2026;@SUM(A1);100.000;;STL-AT\n"
            "18/06/2026;MID-0042;-250.000;;STL-NEG\n"
            "19/06/2026;MID-0042;=1+2;;STL-EQ\n"
            "20/06/2026;MID-0042;100.000;-cmd;+STL-PLUS\n")
        lines = wizard.line_ids.sorted("line_no")
        self.assertEqual(lines.mapped("status"), ["matched"] + ["unmatched"] * 5)
        self.assertEqual((lines[0].gross, lines[0].reference), (1000000, "STL-NUL"), "NUL bytes are dropped")
        self.assertIn("spreadsheet formula", lines[1].reason)
        self.assertEqual(lines[1].reference, "'=cmd|' /C calc'!A0", "kept only as text")
        self.assertIn("spreadsheet formula", lines[2].reason)
        self.assertEqual(lines[2].method_text, "'@SUM(A1)")
        self.assertIn("above zero", lines[3].reason, "a negative number is a number, not a formula")
        self.assertEqual(lines[3].gross_text, "-250.000")
        self.assertIn("not an amount", lines[4].reason)
        self.assertIn("spreadsheet formula", lines[5].reason)
        for line in lines:
            for fname in ("method_text", "reference", "date_text", "gross_text", "fee_text", "reason"):
                value = line[fname] or ""
                self.assertFalse(is_formula(value) or "\x00" in value, (fname, value))
        wizard.action_post_matched()
        self.assertEqual(wizard.payout_ids.mapped("settlement_ref"), ["STL-NUL"])

    def test_a_report_too_large_is_refused_in_words(self):
        rows = "".join("2026-06-15,Bank,1000,,R%s\n" % n for n in range(MAX_ROWS + 1))
        with self.assertRaisesRegex(UserError, "more than %s rows" % MAX_ROWS):
            self.import_report("date,method,gross,fee,reference\n" + rows)
        with self.assertRaisesRegex(UserError, "at most 5 MB"):
            self.import_report("date,method,gross\n" + "2026-06-15,Bank,1000\n" * 300000)
        with self.assertRaisesRegex(UserError, "Line 2 of the settlement report has a cell longer than"):
            self.import_report("date,method,gross\n2026-06-15,Bank,\"%s\"\n" % ("9" * 200000))
        wizard = self.import_report("date,method,gross\n2026-06-15,Bank,%s\n" % ("9" * 40))
        self.assertIn("not an amount", wizard.line_ids.reason, "an amount beyond any till is no amount")

    def test_a_header_without_amount_is_refused(self):
        with self.assertRaisesRegex(UserError, "no gross column"):
            self.import_report("date;method;memo\n2026-06-15;Bank;x\n")

    def test_indonesian_and_english_amounts(self):
        self.assertEqual(parse_amount("1.000.000"), D(1000000))
        self.assertEqual(parse_amount("Rp 1.000.000,50"), D("1000000.50"))
        self.assertEqual(parse_amount("1,000,000.50"), D("1000000.50"))
        self.assertEqual(parse_amount("1.500"), D(1500))
        self.assertEqual(parse_amount("7,5"), D("7.5"))
        with self.assertRaises(ValueError):
            parse_amount("1.00.0")
        self.assertEqual(read_rows("Tanggal;MID;Jumlah\n\n15/06/2026;A;1\n")[0]["line"], 3)


@tagged("post_install", "-at_install")
class TestPayoutImportJurnal(TestPayoutImport):
    provider = "jurnal"
