import logging

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .accounting_access import USER, check_action

_logger = logging.getLogger(__name__)

KINDS = [
    ("customer", "Customer"),
    ("item", "Item"),
    ("sales_invoice", "Sales Invoice"),
    ("sales_receipt", "Sales Receipt"),
    ("sales_return", "Sales Return"),
    ("item_transfer", "Item Transfer"),
    ("item_adjustment", "Item Adjustment"),
    ("bank_transfer", "Bank Transfer"),
    ("purchase", "Purchase"),
]
STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("blocked", "Blocked"),
    ("cancelled", "Cancelled"),
]
ERROR_KINDS = [
    ("transient", "Temporary (will retry)"),
    ("rate_limited", "Rate limited (will retry)"),
    ("auth", "Credentials refused"),
    ("quota", "Monthly quota used up (paused)"),
    ("permanent", "Refused by the accounting system"),
    ("duplicate", "Already in the accounting system"),
    ("not_found", "Not found in the accounting system"),
    ("ambiguous", "Unknown outcome (checked before retry)"),
    ("data", "Odoo data to fix"),
    ("blocked", "Waiting for another document"),
]
#: what a job posts, and where: written by the engine only (``_enqueue`` and
#: the worker, in superuser mode), never by a user, whatever their rights
TARGET_FIELDS = ("connection_id", "res_model", "res_id", "res_name", "kind", "doc_key", "reference",
                 "chain", "sequence", "depends_on_id", "pos_config_id", "state", "request_body",
                 "response_body", "remote_id", "remote_number", "needs_lookup")
#: worst first: what a source record shows when it has several documents
STATE_SEVERITY = ["failed", "blocked", "running", "pending", "done", "cancelled"]


class AccountingSyncJob(models.Model):
    """Outbox and sync log in one: one row per remote document.

    Rows are written by the feature code (``_enqueue``) and by the worker
    (``accounting_sync_worker.py``); accountants only retry or cancel them.
    """

    _name = "accounting.sync.job"
    _description = "Accounting Sync Log"
    _order = "id desc"
    _rec_name = "reference"

    connection_id = fields.Many2one(
        "accounting.connection", required=True, ondelete="restrict", index=True, readonly=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    provider = fields.Selection(related="connection_id.provider")
    res_model = fields.Char(string="Source Model", readonly=True, required=True)
    res_id = fields.Many2oneReference(string="Source ID", model_field="res_model", readonly=True)
    res_name = fields.Char(string="Source", readonly=True)
    kind = fields.Selection(KINDS, required=True, readonly=True, index=True)
    doc_key = fields.Char(readonly=True, help="Which document of the source record, e.g. receipt:3.")
    reference = fields.Char(
        required=True, readonly=True, copy=False,
        help="Our number for the document, stored in the accounting system: it is how a "
             "document is recognised there and never posted twice.")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, index=True)
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(default=8, readonly=True)
    next_attempt_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    started_at = fields.Datetime(readonly=True)
    date_done = fields.Datetime(readonly=True)
    duration = fields.Float(readonly=True, help="Seconds spent talking to the accounting system.")
    error_kind = fields.Selection(ERROR_KINDS, readonly=True)
    error_message = fields.Text(readonly=True)
    needs_lookup = fields.Boolean(
        readonly=True, help="A previous attempt may have been saved remotely: look it up before posting.")
    remote_id = fields.Char(readonly=True, copy=False)
    remote_number = fields.Char(readonly=True, copy=False)
    request_body = fields.Text(readonly=True, help="The last request, secrets removed.")
    response_body = fields.Text(readonly=True, help="The last answer, secrets removed.")
    chain = fields.Char(readonly=True, help="Documents of one chain go out oldest first.")
    sequence = fields.Integer(default=10, readonly=True)
    depends_on_id = fields.Many2one(
        "accounting.sync.job", readonly=True, ondelete="set null", index="btree_not_null")
    dependant_ids = fields.One2many("accounting.sync.job", "depends_on_id", readonly=True)
    pos_config_id = fields.Many2one("pos.config", string="Outlet", readonly=True, index="btree_not_null")

    _sql_constraints = [
        ("reference_uniq", "unique(connection_id, reference)",
         "A document with this reference is already queued for this connection."),
    ]

    def init(self):
        cr = self.env.cr
        # the worker's claim query and the chain-order check
        cr.execute("""
            CREATE INDEX IF NOT EXISTS accounting_sync_job_due_idx
            ON accounting_sync_job (next_attempt_at, id) WHERE state IN ('pending', 'running')
        """)
        cr.execute("""
            CREATE INDEX IF NOT EXISTS accounting_sync_job_chain_idx
            ON accounting_sync_job (connection_id, chain, sequence, id)
            WHERE chain IS NOT NULL AND state NOT IN ('done', 'cancelled')
        """)
        # the accountants' "Failed" / "Blocked" filters over a large log
        cr.execute("""
            CREATE INDEX IF NOT EXISTS accounting_sync_job_problem_idx
            ON accounting_sync_job (id DESC) WHERE state IN ('failed', 'blocked')
        """)

    # --- only the engine writes what a job posts ----------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # rows are queued by feature code through _enqueue (superuser mode)
            raise AccessError(_("Documents are queued by Odoo itself, not created by hand."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) & set(TARGET_FIELDS):
            # access rights give no user write access; this holds even if one is added later
            raise AccessError(_("What a document sends, and where, is set by Odoo; use Retry or Cancel."))
        return super().write(vals)

    @api.depends("reference", "kind")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            job.display_name = "%s %s" % (labels.get(job.kind, job.kind), job.reference)

    # --- queueing -------------------------------------------------------------
    @api.model
    def _enqueue(self, connection, kind, record, reference, doc_key="", chain="",
                 depends_on=None, pos_config=None, sequence=None):
        """Queue one remote document; idempotent on (connection, reference).

        Called from cashiers' and stock users' transactions: it only writes a
        row (sudo, as they have no access to the log) and never calls the
        accounting system.
        """
        if not reference:
            raise UserError(_("A document to sync needs a reference."))
        connection.ensure_one()
        record.ensure_one()
        Job = self.sudo()
        existing = Job.search([("connection_id", "=", connection.id), ("reference", "=", reference)], limit=1)
        if existing:
            return existing
        vals = {
            "connection_id": connection.id,
            "kind": kind,
            "res_model": record._name,
            "res_id": record.id,
            "res_name": (record.sudo().display_name or "")[:200],
            "reference": reference,
            "doc_key": doc_key or False,
            "chain": chain or False,
            "depends_on_id": depends_on.id if depends_on else False,
            "pos_config_id": pos_config.id if pos_config else False,
            "next_attempt_at": connection.sudo()._next_sync_at(kind),
        }
        if sequence is not None:
            vals["sequence"] = sequence
        # a savepoint: a concurrent enqueue of the same reference must not
        # break the caller's transaction (e.g. a cashier closing a session)
        try:
            with self.env.cr.savepoint():
                job = Job.create(vals)
        except psycopg2.IntegrityError:  # the same reference raced in by a parallel enqueue
            job = Job.search([("connection_id", "=", connection.id), ("reference", "=", reference)], limit=1)
            if not job:
                raise
        if depends_on and depends_on.state in ("failed", "blocked", "cancelled"):
            job._block(depends_on)
        return job

    # --- what accountants do --------------------------------------------------
    def action_retry(self):
        """Send again: the document is rebuilt from Odoo, so fixed data goes out."""
        check_action(self, USER)
        jobs = self.filtered(lambda j: j.state in ("failed", "blocked", "cancelled", "pending"))
        if not jobs and self:
            raise UserError(_("Only failed, blocked, cancelled or waiting documents can be retried."))
        jobs.sudo().write({
            "state": "pending", "attempts": 0, "next_attempt_at": fields.Datetime.now(),
        })
        # a retried dependency releases nothing yet: dependants stay blocked until it succeeds
        self._trigger_worker()
        return self._notify_count(self._retried_message(len(jobs)))

    def action_cancel(self):
        check_action(self, USER)
        jobs = self.filtered(lambda j: j.state in ("pending", "failed", "blocked"))
        if not jobs and self:
            raise UserError(_("Documents that are running, done or already cancelled cannot be cancelled."))
        jobs.sudo().write({"state": "cancelled", "date_done": fields.Datetime.now()})
        # what depends on a cancelled document can never go out as it is
        jobs._block_dependants()
        return self._notify_count(self._cancelled_message(len(jobs)))

    def action_open_source(self):
        check_action(self, USER)
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _notify_count(self, message):
        if len(self) == 1:
            return True
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": "info",
                           "next": {"type": "ir.actions.act_window_close"}}}

    @api.model
    def _trigger_worker(self):
        """Wake the worker cron soon after the current transaction commits; it
        runs in its own transaction, never in the caller's."""
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker", raise_if_not_found=False)
        if cron:
            # sudo: cashiers may not create cron triggers
            cron.sudo()._trigger()

    # --- chains ----------------------------------------------------------------
    def _later_in_chain(self):
        """Jobs of the same chain queued after these ones, not finished."""
        result = self.browse()
        for job in self.filtered("chain"):
            result |= self.search([
                ("connection_id", "=", job.connection_id.id), ("chain", "=", job.chain),
                ("state", "in", ("pending", "blocked")), ("id", "!=", job.id),
                "|", ("sequence", ">", job.sequence),
                "&", ("sequence", "=", job.sequence), ("id", ">", job.id),
            ])
        return result

    def _dependants(self):
        return (self.sudo().dependant_ids.filtered(lambda j: j.state in ("pending", "blocked"))
                | self.sudo()._later_in_chain())

    def _block(self, cause):
        """Hold these jobs until ``cause`` has gone out; the reason names it
        in the reader's language (accounting_sync_job_messages.py)."""
        reason = {"code": "job.waits_for", "args": {
            "doc": cause._doc_message(), "state": {"field": [self._name, "state", cause.state]}}}
        self.sudo().write(dict(self._error_vals("blocked", reason), state="blocked"))
        self._log_attempt("blocked")

    def _block_dependants(self):
        for job in self:
            deps = job._dependants().filtered(lambda j: j.state == "pending")
            if deps:
                deps._block(job)
                deps._block_dependants()

    def _release_dependants(self):
        for job in self:
            deps = job._dependants().filtered(lambda j: j.state == "blocked")
            if deps:
                deps.write(dict(self._no_error_vals(), state="pending", next_attempt_at=fields.Datetime.now()))
                deps._release_dependants()
