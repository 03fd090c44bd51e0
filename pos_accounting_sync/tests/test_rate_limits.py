"""The providers' limits per scope, shared by every worker and server
through PostgreSQL (issue #19): Jurnal's per-consumer and per-address
windows, a bare 429 that waits for its window to roll, the figures and
their sources on the connection."""

import math
import time
from datetime import timezone

from accounting_connectors import errors as cerr
from accounting_connectors.documents import Customer

from odoo.exceptions import ValidationError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import AccountingSyncCase, TagDocumentsMixin


@tagged("post_install", "-at_install")
class TestRateLimits(TagDocumentsMixin, AccountingSyncCase):
    provider = "jurnal"

    def drop_rows(self, *keys):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("DELETE FROM accounting_rate_limit WHERE key = ANY(%s)", [list(keys)])

    def committed(self, query, key):
        """What the limiters committed on their own cursors (this test's
        transaction sees an older snapshot)."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(query, [key])
            return cr.fetchone()[0]

    def limiter(self, conn):
        rec = conn.sudo()
        config = conn._connection_config(client_id=rec.client_id, client_secret=rec.client_secret,
                                         outgoing_address="test-%s" % self.id())
        limiter = conn._shared_limiter(config)
        limiter.max_wait = 0.0
        return limiter

    def test_two_connections_on_one_server_share_the_address_window(self):
        # a second company's Jurnal connection, another consumer (Mekari application)
        company_b = self.env["res.company"].create({"name": "Toko Limit B"})
        other = self.sandbox.app("jurnal").new_consumer()
        Connection = self.env["accounting.connection"]
        conn_b = Connection.create(dict(
            Connection._vals_from_config(self.sandbox.jurnal_config(**other)), name="jurnal B",
            company_id=company_b.id, state="connected"))
        windows = {"rate_limit_per_minute": 0, "jurnal_consumer_per_minute": 3, "jurnal_address_per_minute": 4}
        (self.connection | conn_b).write(windows)
        first, second = self.limiter(self.connection), self.limiter(conn_b)
        self.drop_rows(first.key, second.key, first.scopes[1].key)
        self.addCleanup(self.drop_rows, first.key, second.key, first.scopes[1].key)
        self.assertEqual([s.kind for s in first.scopes], ["credential", "address"])
        self.assertEqual(first.scopes[1].key, second.scopes[1].key, "one server address, one counter")
        self.assertNotEqual(first.key, second.key)
        self.assertEqual(first.scopes[0].windows, [(3, 60.0), (1800, 3600.0)])
        self.assertEqual(first.scopes[1].windows, [(4, 60.0), (2500, 3600.0)])
        stamps = [first.acquire() for _i in range(3)]
        with self.assertRaises(cerr.RateLimitedError):
            first.acquire()  # its consumer's minute is full
        stamps.append(second.acquire())  # its own consumer has room, and the address one slot
        with self.assertRaises(cerr.RateLimitedError) as caught:
            second.acquire()  # the address is full: the other connection used it
        # Jurnal's minute is fixed on its clock: the wait ends when the current minute rolls over
        to_roll = 60 - time.time() % 60
        off = (caught.exception.retry_after - to_roll) % 60
        self.assertLess(min(off, 60 - off), 3, "waits for the minute to roll (%s s)" % caught.exception.retry_after)
        for stamp in stamps[:3]:
            first.release(stamp)
        second.release(stamps[3])
        count = "SELECT month_count FROM accounting_rate_limit WHERE key = %s"
        self.assertEqual(self.committed(count, first.key), 3, "counted per credential")
        self.assertEqual(self.committed(count, second.key), 1)
        self.assertEqual(self.connection.quota_month_count, 3)
        self.assertEqual(self.committed("SELECT cardinality(stamps) FROM accounting_rate_limit WHERE key = %s",
                                        first.scopes[1].key), 4, "the address counted both connections")

    def test_a_bare_429_waits_for_the_window_to_roll(self):
        """Jurnal's 429 carries no Retry-After: the job waits until the
        minute rolls, and no other request leaves before that (no storm)."""
        now = time.time()
        if math.ceil(now / 60) * 60 - now < 8:  # keep the roll far enough for the checks below
            time.sleep(math.ceil(now / 60) * 60 - now + 0.5)
        key = self.connection._limiter_key()
        self.addCleanup(self.drop_rows, key)
        self.drop_rows(key)
        first = self.enqueue(Customer("LIM-1", name="Satu"))
        second = self.enqueue(Customer("LIM-2", name="Dua"))
        self.sandbox.add_fault("429", provider="jurnal", count=1)
        self.run_worker()
        self.assertEqual(first.state, "pending")
        self.assertEqual(first.error_kind, "rate_limited")
        roll = math.floor(time.time() / 60) * 60 + 60
        waits = first.next_attempt_at.replace(tzinfo=timezone.utc).timestamp()
        self.assertAlmostEqual(waits, roll, delta=3, msg="waits for the minute to roll, not a fixed 60 s")
        closed = self.committed("SELECT closed_until FROM accounting_rate_limit WHERE key = %s", key)
        self.assertAlmostEqual(closed, roll, delta=2, msg="every worker's limiter is closed until the roll")
        sent = sum(self.sandbox.request_count.values())
        self.run_worker()  # the second job is due, but the window is closed for every worker
        self.assertEqual(sum(self.sandbox.request_count.values()), sent, "nothing sent before the roll")
        self.assertEqual(second.state, "pending")

    def test_published_figures_and_their_sources(self):
        conn = self.connection
        conn.rate_limit_per_minute = 0
        config = conn._connection_config()
        self.assertIsNone(config.rate_limits)
        text = conn.rate_limit_sources
        self.assertIn("Jurnal help centre: 30/min and 1,800/h per consumer", text)
        self.assertIn("Jurnal help centre: 40/min and 2,500/h per IP address", text)
        conn.jurnal_consumer_per_minute = 20
        self.assertEqual(conn._connection_config().rate_limits, [(20, 60.0), (1800, 3600.0)])
        self.assertEqual(conn._connection_config().address_limits, [(40, 60.0), (2500, 3600.0)],
                         "overriding the consumer's keeps the address counter")
        self.assertIn("set on this connection", conn.rate_limit_sources)
        accurate = self.connections["accurate"]
        accurate.write({"rate_limit_per_minute": 0, "accurate_in_flight": 4})
        self.assertEqual(accurate._connection_config().max_in_flight, 4)
        self.assertIn("4 in flight", accurate.rate_limit_sources)
        with self.assertRaises(ValidationError):
            conn.jurnal_address_per_hour = -1
