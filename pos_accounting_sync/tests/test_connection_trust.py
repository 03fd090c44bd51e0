"""A connection trusts only what it was given: a changed host or credential
forgets what was learnt with the old one, a typed host must be a public
https server (unless the connection is a sandbox), a redirect elsewhere is
refused in words and a stored bad host is cleared by Test connection;
names and the provider's words reach activities as text; a cron's failure
on one connection spares the others."""

from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from accounting_connectors.errors import AuthError

from .common import AccountingSyncCase

XSS = "<img src=x onerror=alert(1)>"


@tagged("post_install", "-at_install")
class TestConnectionTrust(AccountingSyncCase):

    def learnt(self, conn):
        conn = conn.sudo()
        return conn.data_host or False, conn.session_id or False

    # --- what was learnt with the old settings --------------------------------------
    def test_changing_the_host_or_token_forgets_the_data_host_and_session(self):
        conn = self.connections["accurate"]
        conn.action_test_connection()
        self.assertEqual((conn.state, self.learnt(conn)[0]), ("connected", self.sandbox.url))
        conn.sudo().with_context(accounting_learnt_credentials=True).session_id = "old-session"
        token = conn.sudo().api_token
        conn.sudo().api_token = token  # the same value: nothing to forget
        self.assertEqual(self.learnt(conn), (self.sandbox.url, "old-session"))
        conn.sudo().api_token = "aat.typed-again"
        self.assertEqual(self.learnt(conn), (False, False), "the old host would receive the new token")
        self.assertEqual(conn._fields["state"].convert_to_export(conn.state, conn), "Not tested")
        conn.sudo().api_token = token
        conn.action_test_connection()
        self.assertEqual((conn.state, self.learnt(conn)[0]), ("connected", self.sandbox.url))
        # another host (the same sandbox by another name): the data host is asked of it again
        conn.base_url = "http://localhost:%d" % self.sandbox.port
        self.assertEqual((conn.state, self.learnt(conn)), ("draft", (False, False)))
        conn.action_test_connection()
        self.assertEqual(conn.state, "connected", conn.state_message)

    def test_a_private_or_plain_http_host_typed_on_the_form_is_refused(self):
        for conn, public in ((self.connections["accurate"], "https://account.accurate.id"),
                             (self.connections["jurnal"], "https://api.mekari.com")):
            with self.assertRaisesRegex(ValidationError, "must start with https://"):
                conn.write({"sandbox": False})  # its host is the local sandbox on http://
            for host, words in (("https://10.0.0.5", "not a public server"),
                                ("https://169.254.169.254", "not a public server"),
                                ("https://127.0.0.1:8069", "not a public server"),
                                ("https://admin:s3cret@account.accurate.id", "user name or password")):
                with self.assertRaises(ValidationError) as err:
                    conn.write({"sandbox": False, "base_url": host})
                self.assertIn(words, err.exception.args[0])
                self.assertIn(conn.name, err.exception.args[0])
                self.assertNotIn("s3cret", err.exception.args[0])
            conn.write({"sandbox": False, "base_url": public})
            # a sandbox may be a local server: its box says so
            conn.write({"sandbox": True, "base_url": self.sandbox.url})

    # --- redirects and a bricked data host --------------------------------------------
    def test_a_redirect_to_another_host_is_refused_in_words_and_test_connection_clears_a_bad_host(self):
        conn = self.connections["accurate"]
        conn.action_test_connection()
        app = self.sandbox.app("accurate")
        app.move_host("http://localhost:%d" % self.sandbox.port)  # not the configured host
        try:
            with self.assertRaisesRegex(UserError, "not followed and no credential was sent there"):
                conn.action_fetch_remote_lists()
            self.assertEqual(self.learnt(conn)[0], self.sandbox.url, "the other host was not stored")
        finally:
            app.data_host = None
        # a data host stored before hosts were checked (a file:// redirect) bricks nothing
        conn.sudo().with_context(accounting_learnt_credentials=True).data_host = "file:///etc/passwd"
        with self.assertRaises(UserError):
            conn.action_fetch_remote_lists()
        conn.action_test_connection()
        self.assertEqual((conn.state, self.learnt(conn)[0]), ("connected", self.sandbox.url), conn.state_message)
        conn.action_fetch_remote_lists()

    # --- names and provider text are text ------------------------------------------------
    def test_activity_notes_show_names_and_provider_words_as_text(self):
        conn = self.connection
        conn.name = XSS
        conn._pause(AuthError(code="accurate.auth_refused", params={"status": 401, "provider": "<b>%s</b>" % XSS},
                              provider_message=XSS))
        activity = conn.activity_ids.filtered(lambda a: a.accounting_problem == "auth")
        self.assertEqual(len(activity), 1)
        self.assertNotIn("<img", str(activity.note))
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", str(activity.note))
        self.assertIn(XSS, html2plaintext(activity.note), "shown as the text it is")
        # the digest's lines too
        note = conn._digest_note([(XSS, [(XSS, "/odoo/accounting.sync.job/1"), (XSS, False)], 0, False)])
        self.assertNotIn("<img", str(note))
        self.assertEqual(html2plaintext(note).count(XSS), 3)

    # --- crons ----------------------------------------------------------------------------
    def test_one_connection_failing_in_a_cron_spares_the_other(self):
        Health = type(self.env["accounting.mapping.health"])
        failing, other = self.connections["accurate"], self.connections["jurnal"]
        original = Health._check_connection

        def check(health, conn):
            if conn == failing:
                conn.name = "half-done work"  # undone with its savepoint
                raise RuntimeError("an unforeseen bug")
            return original(health, conn)

        before = failing.name
        logger = "odoo.addons.pos_accounting_sync.models.accounting_connection"
        with patch.object(Health, "_check_connection", check), self.assertLogs(logger, "ERROR") as logged:
            self.env["accounting.mapping.health"]._cron_mapping_health()
        self.assertIn("an unforeseen bug", str(logged.records[0].exc_info[1]), "the log has the details")
        self.assertTrue(other.health_checked_at, "the other connection was checked")
        self.assertFalse(failing.health_checked_at)
        self.assertEqual(failing.name, before, "the failed connection's half-done work is rolled back")
        told = failing.message_ids.filtered(lambda m: "The mapping check failed here" in (m.body or ""))
        self.assertEqual(len(told), 1, "the failure is told on its connection")
        self.assertIn("RuntimeError", told.body)
        self.assertNotIn("unforeseen", told.body, "no traceback or raw text in the chatter")
