"""The morning digest: one activity per connection and day for its
responsible, however many documents failed, with links; nothing per document."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import AccountingSyncCase


@tagged("post_install", "-at_install")
class TestMorningDigest(AccountingSyncCase):

    def digests(self, connection):
        kind = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_digest")
        return connection.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def fail_items(self, count, connections, prefix):
        """``count`` products without SKU, their items failed on ``connections``."""
        products = self.env["product.product"].create([{"name": "%s %s" % (prefix, i)} for i in range(count)])
        Job = self.env["accounting.sync.job"]
        for conn in connections:
            Job |= products._accounting_enqueue_items(conn)
        self.run_worker()
        self.assertEqual(set(Job.mapped("state")), {"failed"})
        return products, Job

    def run_digest(self):
        self.env.ref("pos_accounting_sync.ir_cron_accounting_morning_digest").method_direct_trigger()

    def test_one_digest_per_connection_per_day_however_many_failures(self):
        accurate, jurnal = self.connections["accurate"], self.connections["jurnal"]
        both = accurate | jurnal
        products, jobs = self.fail_items(4, both, "Jajan")
        # no activity per failed document
        self.assertFalse(accurate.activity_ids | jurnal.activity_ids)
        self.run_digest()
        for conn in both:
            digest = self.digests(conn)
            self.assertEqual(len(digest), 1, conn.name)
            self.assertEqual(digest.user_id, conn.user_id)
            note = str(digest.note)
            for job in jobs.filtered(lambda j, c=conn: j.connection_id == c):
                self.assertIn("/odoo/accounting.sync.job/%s" % job.id, note)
            # the sync log, filtered on this connection's problems
            self.assertIn("/odoo/accounting.connection/%s/action-pos_accounting_sync."
                          "action_accounting_sync_job_problems" % conn.id, note)
            self.assertEqual(len(self.digests(conn)), 1)
        # more failures the same day, digest run again: still one, with the new ones
        _more, more_jobs = self.fail_items(3, accurate, "Gorengan")
        self.run_digest()
        self.assertEqual(len(self.digests(accurate)), 1)
        self.assertEqual(len(self.digests(jurnal)), 1)
        self.assertIn("/odoo/accounting.sync.job/%s" % more_jobs[-1].id, str(self.digests(accurate).note))
        # the next morning replaces it: one open digest per connection
        # (a second later than a day: Odoo's datetimes are whole seconds, and these ran within one)
        tomorrow = fields.Datetime.now() + timedelta(days=1, seconds=1)
        first = self.digests(accurate)
        accurate._post_digest(now=tomorrow)
        self.assertEqual(len(self.digests(accurate)), 1)
        self.assertNotEqual(self.digests(accurate), first)
        # yesterday's failures are still open: said as a count with the filtered link
        self.assertIn("Still to fix", str(self.digests(accurate).note))
        # every cause fixed: the failures go out by themselves and the next digest is closed
        for i, product in enumerate(products | _more):
            product.default_code = "JJN-%s" % i
        self.run_worker()
        self.assertEqual(set((jobs | more_jobs).mapped("state")), {"done"}, (jobs | more_jobs).mapped("error_message"))
        accurate._post_digest(now=tomorrow)
        self.assertFalse(self.digests(accurate))
