"""Readable references (issue #13): a session named POS/00001 posts
POS/00001/INV, and a session already queued under the older
POS/POS/00001/INV keeps that form, so nothing is ever posted twice."""

from unittest.mock import patch

from odoo.tests import tagged

from ..tools import pos_references
from .pos_sync_common import PosSyncCase


@tagged("post_install", "-at_install")
class TestPosReferences(PosSyncCase):

    def shift(self):
        session = self.open_shift()
        self.sell([(self.kopi, 1)], payments=[(self.cash_pm1, 22200)])
        self.sell([(self.roti, 2)], payments=[(self.bank_pm1, 33300)])
        return session

    def test_new_shift_reads_session_name_then_document(self):
        session = self.shift()
        self.assertTrue(session.name.startswith("POS/"), session.name)
        self.close_from_ui(session)
        self.run_worker()
        invoices = self.remote("sales_invoice")
        self.assertEqual(list(invoices), ["%s/INV" % session.name])
        receipts = self.remote("sales_receipt")
        self.assertEqual(sorted(receipts), sorted(["%s/RCV/%s" % (session.name, m.id)
                                                   for m in (self.cash_pm1, self.bank_pm1)]))
        jobs = self.jobs_of(session)
        self.assertTrue(jobs)
        self.assertFalse([ref for ref in jobs.mapped("reference") if "POS/POS/" in ref])
        self.assertEqual(set(jobs.mapped("chain")), {session.name})

    def test_shift_queued_under_the_old_reference_keeps_it(self):
        session = self.shift()
        old = "POS/%s" % session.name
        # closed by the previous version of the module: queued, not sent yet
        with patch.object(pos_references, "readable_prefix", lambda name: "POS/%s" % name):
            self.close_from_ui(session)
        queued = self.jobs_of(session)
        self.assertIn("%s/INV" % old, queued.mapped("reference"))
        # the upgraded module sends them, and queueing the shift again adds nothing
        self.assertFalse(session._accounting_enqueue_sales() - queued)
        self.run_worker()
        self.assertEqual(set(self.jobs_of(session).mapped("state")), {"done"})
        self.assertEqual(list(self.remote("sales_invoice")), ["%s/INV" % old])
        # the receipts pay the invoice under the reference it was posted with
        receipts = self.remote("sales_receipt")
        self.assertTrue(receipts, "the shift's payments were posted as receipts")
        for row in receipts.values():
            self.assertEqual([ref for ref, _amount in self.receipt_lines(row)], ["%s/INV" % old])
        self.assertEqual(session._accounting_chain(), old)
        # a shift queued for the first time uses the readable form meanwhile
        second = self.shift()
        self.close_from_ui(second)
        self.assertEqual(second._accounting_chain(), second.name)


@tagged("post_install", "-at_install")
class TestPosReferencesJurnal(TestPosReferences):
    provider = "jurnal"
