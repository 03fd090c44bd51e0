"""Shared base for the addon's tests: a real sandbox over real HTTP.

Odoo's test mode blocks outbound HTTP except to localhost; the sandbox
listens on 127.0.0.1, so every request of these tests crosses a socket,
is signed, and is checked by the imitation of the provider.
"""

from unittest.mock import patch

from accounting_connectors.sandbox import SandboxServer

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase


class AccountingSyncCase(TransactionCase):
    """One sandbox per test class (reset before each test), an Accurate and a
    Jurnal connection pointing to it; ``provider`` picks the one
    ``self.connection`` refers to, so a scenario runs for both providers by
    subclassing with ``provider = "jurnal"``."""

    provider = "accurate"
    #: Odoo collects only test methods defined on the class itself unless this
    #: is set; scenarios are written once and run per provider subclass
    allow_inherited_tests_method = True
    #: seconds before a silent server counts as "unknown outcome"
    request_timeout = 1

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SandboxServer("127.0.0.1", 0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        Connection = cls.env["accounting.connection"]
        # demo data may hold connections for the main company: archive them so
        # ours are the only active ones and unique per company and provider
        Connection.search([("company_id", "=", cls.env.company.id)]).action_archive()
        cls.env.flush_all()  # the unique index is checked by SQL, not by the ORM cache
        cls.connections = {}
        for provider, config in (("accurate", cls.sandbox.accurate_config()),
                                 ("jurnal", cls.sandbox.jurnal_config())):
            cls.connections[provider] = Connection.create(dict(
                Connection._vals_from_config(config),
                name="%s test" % provider, company_id=cls.env.company.id,
                request_timeout=cls.request_timeout, state="connected",
                rate_limit_per_minute=600000,  # the sandbox limits nobody; tests must not wait
                user_id=cls.env.ref("base.user_admin").id,
            ))
        cls.connection = cls.connections[cls.provider]
        # remote codes the sandbox is seeded with (accounts, walk-in customer...)
        cls.codes = cls.sandbox.app(cls.provider).seeded

    def setUp(self):
        super().setUp()
        self.sandbox.reset()
        self.roll_rate_windows()  # a window an earlier test closed (a bare 429) is not this test's

    # --- helpers -----------------------------------------------------------------
    def run_worker(self, limit=None, connection=None):
        """Run the worker in the test transaction; returns jobs handled."""
        return self.env["accounting.sync.worker"]._process_jobs(limit=limit, connection=connection)

    def sandbox_dump(self, kind, provider=None):
        """Documents the sandbox holds for a job kind (``sales_invoice``...)."""
        provider = provider or self.provider
        rows = self.sandbox.app(provider).dump(kind)
        return list(rows.values()) if isinstance(rows, dict) else list(rows or [])

    def sandbox_references(self, kind, provider=None, prefix=""):
        """Our references as the sandbox stored them, one per remote document
        (a duplicate shows up twice); ``prefix`` leaves out seeded records."""
        provider = provider or self.provider
        keys = {
            "accurate": {"customer": "customerNo", "item": "no"},
            "jurnal": {},
        }[provider]
        default = "number" if provider == "accurate" else "custom_id"
        key = keys.get(kind, default)
        return sorted(str(row[key]) for row in self.sandbox_dump(kind, provider)
                      if row.get(key) and str(row[key]).startswith(prefix))

    def roll_rate_windows(self):
        """Time passes for the shared rate limits: every window rolls and
        nothing is in flight. Their rows are written on their own committed
        cursor, as in production, so a test's rollback would not undo them."""
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute("UPDATE accounting_rate_limit SET closed_until = 0, stamps = '{}'")

    def force_due(self, jobs):
        """Make waiting jobs due now (instead of sleeping through a backoff)."""
        jobs.sudo().write({"next_attempt_at": "2000-01-01 00:00:00"})


class TagDocumentsMixin:
    """Jobs whose source is a partner tag and whose document is whatever the
    test put in ``self.documents[reference]`` (an exception is raised
    instead), so the engine and the sync log are tested without depending
    on the POS. ``done_calls`` lists ``(reference, remote id)`` of what the
    worker reported done to the source."""

    tag_name = "Sync source"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["res.partner.category"].create({"name": cls.tag_name})

    def setUp(self):
        super().setUp()
        self.documents = {}
        self.done_calls = []
        test = self

        def build(record, job):
            value = test.documents[job.reference]
            if isinstance(value, Exception):
                raise value
            return value

        def done(record, job, result):
            test.done_calls.append((job.reference, result.remote_id))

        Tag = type(self.env["res.partner.category"])
        self.startPatcher(patch.object(Tag, "_accounting_sync_document", build, create=True))
        self.startPatcher(patch.object(Tag, "_accounting_sync_done", done, create=True))

    def enqueue(self, document, kind=None, **kwargs):
        """Queue ``document`` (kind: its own unless given) on ``self.connection``."""
        self.documents[document.reference] = document
        return self.env["accounting.sync.job"]._enqueue(
            self.connection, kind or document.kind, self.tag, document.reference, **kwargs)
