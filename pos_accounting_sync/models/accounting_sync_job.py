"""The sync log: outbox and log in one, one row per remote document.

Rows are queued by the feature code (:meth:`AccountingSyncJob._enqueue`)
and sent by the worker (``accounting.sync.worker``: claim, lease, run loop),
which hands each claimed job to :meth:`AccountingSyncJob._process_claimed`
here: build the document, post it (or look it up), record the outcome.
Accountants only retry or cancel rows. Every change of ``state`` goes
through one of the transitions of :data:`TRANSITIONS` (``_set_pending``,
``_set_running``, ``_set_done``, ``_set_failed``, ``_set_blocked``,
``_set_cancelled``); nothing else writes it.

A failure is stored as a message code and its arguments and read in the
reader's language; every attempt, retry, cancel and block is kept in the
job's history (``accounting.sync.attempt``). A failure caused by Odoo data
names the records to fix (``cause_refs``): fixing one sends it again.
"""

import contextlib
import dataclasses
import json
import logging
import re
import time
from datetime import timedelta
from urllib.parse import parse_qsl

import psycopg2

from odoo import _, api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import TestCursor
from odoo.tools import html2plaintext

from accounting_connectors import documents
from accounting_connectors import errors as cerr

from ..tools.refusal_subjects import named_values, refusal_subjects
from ..tools.sync_causes import SEP, cause_refs, cause_tokens, tokens_of
from . import accounting_messages as msgs
from .accounting_access import USER, check_action
from .accounting_mapping_health import document_codes
from .accounting_sync_worker import LeaseLost

_logger = logging.getLogger(__name__)

#: the label of each kind of document the connectors post
KIND_LABELS = {
    "customer": "Customer",
    "item": "Item",
    "sales_invoice": "Sales Invoice",
    "sales_receipt": "Sales Receipt",
    "sales_return": "Sales Return",
    "item_transfer": "Item Transfer",
    "item_adjustment": "Item Adjustment",
    "bank_transfer": "Bank Transfer",
    "purchase": "Purchase",
    "customer_refund": "Customer Refund",
    "journal_entry": "Journal Entry",
    "receipt_void": "Receipt Void",
}
#: the connector's kinds (``documents.KINDS``), in its order: a kind it adds
#: without a label here stops the module from loading
KINDS = [(kind, KIND_LABELS[kind]) for kind in documents.KINDS]
STATES = [
    ("pending", "Pending"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("blocked", "Blocked"),
    ("cancelled", "Cancelled"),
]
#: the state machine: each state, and the states a job may reach it from
#: (a document done or running is never queued again; a cancelled one is
#: never sent without being queued again first)
TRANSITIONS = {
    "pending": ("pending", "running", "failed", "blocked", "cancelled"),
    "running": ("pending",),
    "done": ("running",),
    "failed": ("pending", "running", "blocked"),
    "blocked": ("pending", "blocked"),
    "cancelled": ("pending", "failed", "blocked"),
}
#: what an accountant may send again (Retry)
RETRYABLE = ("failed", "blocked", "cancelled", "pending")
#: what an accountant may cancel
CANCELLABLE = TRANSITIONS["cancelled"]
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
    ("period_locked", "Waiting: period locked"),
    ("unapproved", "Waiting: approval in the accounting system"),
]
#: what the worker does with each error kind the connectors raise
#: (``accounting_connectors.errors.ERROR_KINDS``); a test checks both agree
ERROR_HANDLING = {
    "transient": "retry later with backoff (spends an attempt)",
    "rate_limited": "wait retry_after, skip the connection for this run, no attempt spent",
    "auth": "pause the connection until its credentials are fixed, no attempt spent",
    "quota": "pause the connection until next month or an admin resumes it, no attempt spent",
    "permanent": "fail with the provider's message",
    "duplicate": "look the document up and link it; fail if it cannot be found",
    "ambiguous": "look the document up before any retry",
    "not_found": "fail with the provider's message (a document it no longer has)",
    "period_locked": "wait (no attempt spent): tried again a day later or when an admin presses Retry Locked "
                     "Period; or, if the connection says so, sent at once dated the first open day",
    "unapproved": "wait (no attempt spent) for the document it depends on to be approved remotely; "
                  "tried again an hour later",
}
#: a document refused for a locked period is tried again this much later
#: (an accountant reopens a period rarely: one request a day, no storm)
LOCK_RECHECK = timedelta(days=1)
#: a document waiting on an unapproved one is tried again this much later
APPROVAL_RECHECK = timedelta(hours=1)
#: kinds whose date cannot move: a void deletes a document dated in the past
UNMOVABLE_KINDS = ("receipt_void", "customer", "item")
#: what a job posts, and where: written by the engine only (``_enqueue`` and
#: the worker, in superuser mode), never by a user, whatever their rights
TARGET_FIELDS = ("connection_id", "res_model", "res_id", "res_name", "kind", "doc_key", "reference",
                 "chain", "sequence", "depends_on_id", "pos_config_id", "state", "request_body",
                 "response_body", "remote_id", "remote_number", "needs_lookup")
#: worst first: what a source record shows when it has several documents
STATE_SEVERITY = ["failed", "blocked", "running", "pending", "done", "cancelled"]
#: job kinds whose own source record is the cause of a refusal (its data)
SELF_CAUSED_KINDS = ("item", "customer")
REMOTE_CHANGES = [
    ("edited", "Edited remotely"),
    ("deleted", "Deleted remotely"),
    ("duplicated", "Posted again remotely"),
]
#: a change stamped this soon after we saved the document is our own save (its
#: webhook echo, or Jurnal touching the invoice our receipt paid); system
#: parameter pos_accounting_sync.remote_change_grace_seconds
OWN_SAVE_GRACE_SECONDS = 120

MAX_BODY = 64 * 1024
MAX_BACKOFF = timedelta(hours=6)
#: how long a job of a connection not live yet waits before it is looked at
#: again (turning live mode on releases it at once)
HOLD = timedelta(hours=6)
#: a transitive "waiting on this" list stops here (a shift has a handful of lines)
MAX_WAITING = 200
#: failures that are no refusal: nothing answered yet, or no clear answer
UNANSWERED_KINDS = ("transient", "rate_limited", "ambiguous")
FAILURE_ORIGINS = [
    ("own_check", "Stopped by Odoo's own check"),
    ("accounting_system", "Refused by the accounting system"),
    ("no_answer", "No clear answer yet"),
]
#: many2one targets whose company does not say whose record it is (a user's
#: current company, a company itself, a file)
COMPANY_BLIND = ("res.users", "res.company", "ir.attachment")


def pretty_json(text):
    """``text`` (str) indented as JSON when it is JSON, as ``key: value``
    lines when it is a form-encoded body (Accurate's saves), else unchanged."""
    text = (text or "").strip()
    if not text:
        return ""
    with contextlib.suppress(ValueError):  # not JSON: shown as it came, or as form fields below
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=False)
    if "=" in text and "\n" not in text and " " not in text:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            return "\n".join("%s: %s" % pair for pair in pairs)
    return text


def html_to_text(text):
    """``text`` (an answer's words) without HTML markup: a gateway's or
    provider's HTML page read as its text; plain text unchanged."""
    text = (text or "").strip()
    if not text or not re.search(r"<(html|body|p|div|br|h\d|title|pre|span|b|li)\b", text, re.I):
        return text
    return html2plaintext(text).strip()


def short_reason(text, limit=90):
    """The first sentence (or line) of a reason, at most ``limit`` characters."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    first = re.split(r"(?<=[.!?:])\s", text, maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "…"


def readable_exchange(stored):
    """The request or answer as the worker stored it (a JSON object
    ``{method, url, headers, body}`` or ``{status, body}``, secrets already
    removed; or any text) rendered for reading: a first line with the method
    and address or the HTTP status, the headers, then the body indented."""
    try:
        data = json.loads(stored)
    except ValueError:
        return pretty_json(stored)
    if not isinstance(data, dict) or "body" not in data:
        return json.dumps(data, indent=2, ensure_ascii=False)
    lines = []
    if data.get("method") or data.get("url"):
        lines.append(("%s %s" % (data.get("method") or "", data.get("url") or "")).strip())
    if data.get("status"):
        lines.append("HTTP %s" % data["status"])
    for name, value in (data.get("headers") or {}).items():
        lines.append("%s: %s" % (name, value))
    body = data["body"]
    body = pretty_json(body) if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    if body:
        lines += ["", body]
    return "\n".join(lines)


class AccountingSyncJob(models.Model):
    """Outbox and sync log in one: one row per remote document.

    Rows are written by the feature code (``_enqueue``) and by the worker
    (``accounting.sync.worker``); accountants only retry or cancel them.
    """

    _name = "accounting.sync.job"
    _inherit = ["mail.thread"]
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
    kind = fields.Selection(KINDS, string="Document Type", required=True, readonly=True, index=True)
    doc_key = fields.Char(string="Document Key", readonly=True,
                          help="Which document of the source record, e.g. receipt:3.")
    reference = fields.Char(
        required=True, readonly=True, copy=False,
        help="Our number for the document, stored in the accounting system: it is how a "
             "document is recognised there and never posted twice.")
    state = fields.Selection(STATES, string="Status", default="pending", required=True, readonly=True, index=True,
                             tracking=True)
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(default=8, readonly=True)
    next_attempt_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    started_at = fields.Datetime(readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    duration = fields.Float(readonly=True, help="Seconds spent talking to the accounting system.")
    error_kind = fields.Selection(ERROR_KINDS, string="Failure Type", readonly=True)
    error_code = fields.Char(readonly=True, copy=False, help="Code of the current reason's sentence.")
    error_args = fields.Json(readonly=True, copy=False, help="The values the current reason's sentence names.")
    error_note = fields.Text(readonly=True, copy=False, help="A current reason that came without a code.")
    # the reason in the reader's language; writing a text (older callers) stores it as a note
    error_message = fields.Text(
        string="Reason", compute="_compute_error_message", inverse="_inverse_error_message",
        search="_search_error_message", readonly=True)
    provider_message = fields.Text(
        string="Accounting System Said", readonly=True, copy=False,
        help="The accounting system's own words about the last refusal, as they came.")
    attempt_ids = fields.One2many("accounting.sync.attempt", "job_id", string="History", readonly=True)
    connection_paused = fields.Boolean(compute="_compute_next_attempt_note")
    next_attempt_note = fields.Char(string="Next Attempt", compute="_compute_next_attempt_note")
    needs_lookup = fields.Boolean(
        string="Look Up First", readonly=True,
        help="A previous attempt may have been saved remotely: look it up before posting.")
    remote_id = fields.Char(string="Remote ID", readonly=True, copy=False)
    remote_number = fields.Char(readonly=True, copy=False)
    request_body = fields.Text(string="Request (Raw)", readonly=True, help="The last request, secrets removed.")
    response_body = fields.Text(string="Answer (Raw)", readonly=True, help="The last answer, secrets removed.")
    request_text = fields.Text(compute="_compute_exchange_text", string="Request Sent")
    response_text = fields.Text(compute="_compute_exchange_text", string="Answer Received")
    chain = fields.Char(readonly=True, help="Documents of one chain go out oldest first.")
    sequence = fields.Integer(default=10, readonly=True)
    depends_on_id = fields.Many2one(
        "accounting.sync.job", readonly=True, ondelete="set null", index="btree_not_null")
    dependant_ids = fields.One2many("accounting.sync.job", "depends_on_id", string="Depending on It", readonly=True)
    blocked_by_id = fields.Many2one(
        "accounting.sync.job", string="Waits For", readonly=True, ondelete="set null",
        index="btree_not_null",
        help="The document that has to go out before this one (set while this line is blocked).")
    waiting_job_ids = fields.Many2many(
        "accounting.sync.job", compute="_compute_waiting", string="Waiting on This",
        help="Documents that go out only once this one has.")
    waiting_count = fields.Integer(compute="_compute_waiting", string="Waiting")
    pos_config_id = fields.Many2one("pos.config", string="Outlet", readonly=True, index="btree_not_null")
    # the worker's lease (accounting.sync.worker)
    lease_token = fields.Char(readonly=True, copy=False, help="The worker run that holds this job.")
    lease_until = fields.Datetime(
        readonly=True, copy=False,
        help="A running job whose lease has passed lost its worker; it is then looked up and sent again.")
    # what to fix in Odoo (tools/sync_causes.py)
    cause_refs = fields.Char(
        string="Caused by", readonly=True, copy=False,
        help="What made the document fail (Odoo records, remote codes): when one of them is fixed "
             "in Odoo, the document is sent again by itself.")
    failed_at = fields.Datetime(readonly=True, copy=False, help="When it last failed.")
    cause_display = fields.Text(string="To fix", compute="_compute_cause_display")
    # a synced document changed by a person in the accounting system: Accurate's
    # WRITE/DELETE webhooks say so at once; the reconciliation finds it for both
    # providers (a document missing, entered twice or with other figures than Odoo's)
    remote_change = fields.Selection(
        REMOTE_CHANGES, readonly=True, index="btree_not_null", copy=False,
        help="The document was changed in the accounting system after Odoo posted it.")
    remote_change_at = fields.Datetime(readonly=True, copy=False)
    remote_change_note = fields.Char(readonly=True, copy=False)
    # the accounting system's own rules (locked periods, approval)
    locked_until = fields.Date(
        string="Period Locked Until", readonly=True, copy=False,
        help="The accounting system refused this document: its books are locked up to this day.")
    moved_from = fields.Date(
        string="Original Date", readonly=True, copy=False,
        help="Posted on the first open day after a locked period; this was the document's own date "
             "(also written in its memo).")
    remote_approval = fields.Selection(
        [("unapproved", "Not approved"), ("approved", "Approved")], string="Approval", readonly=True,
        copy=False, index="btree_not_null",
        help="The accounting system saved the document without approving it: what depends on it waits "
             "until a person approves it there.")
    # the failure banner: who refused (Odoo before sending, or the accounting system)
    failure_origin = fields.Selection(
        FAILURE_ORIGINS, compute="_compute_failure_banner", string="Stopped By",
        help="Odoo's own check (nothing was sent) or the accounting system (it answered with a refusal).")
    failure_heading = fields.Char(compute="_compute_failure_banner", string="Failure")
    refusal_subject = fields.Text(
        compute="_compute_failure_banner", string="About",
        help="The Odoo records the accounting system's words are about.")
    provider_said = fields.Text(
        compute="_compute_failure_banner", string="Accounting System Said (Text)",
        help="The accounting system's words as plain text (an HTML answer without its tags).")
    error_summary = fields.Char(
        compute="_compute_failure_banner", string="Short Reason",
        help="The reason's first sentence; the whole reason is on the document.")

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
        # the blocker's "waiting" list and the readable-reference check search these
        cr.execute("""
            CREATE INDEX IF NOT EXISTS accounting_sync_job_chain_all_idx
            ON accounting_sync_job (chain) WHERE chain IS NOT NULL
        """)

    # --- only the engine writes what a job posts ----------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # rows are queued by feature code through _enqueue (superuser mode)
            raise AccessError(_("Documents are queued by Odoo itself, not created by hand."))
        # the chatter tracks the status; a message per queued line would only repeat the log
        return super(AccountingSyncJob, self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
                     ).create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) & set(TARGET_FIELDS):
            # access rights give no user write access; this holds even if one is added later
            raise AccessError(_("What a document sends, and where, is set by Odoo; use Retry or Cancel."))
        if vals.get("state") and vals["state"] != "blocked" and "blocked_by_id" not in vals:
            vals = dict(vals, blocked_by_id=False)  # a line leaving "blocked" waits for nothing
        return super().write(vals)

    # --- what the log shows ------------------------------------------------------
    @api.depends("reference", "kind")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            job.display_name = "%s %s" % (labels.get(job.kind, job.kind), job.reference)

    @api.depends("error_code", "error_args", "error_note")
    @api.depends_context("lang")
    def _compute_error_message(self):
        for job in self:
            job.error_message = job._render_error() or False

    def _render_error(self, lang=None):
        self.ensure_one()
        return msgs.render(self.env, msgs.stored_message(self.error_code, self.error_args, self.error_note), lang)

    def _inverse_error_message(self):
        for job in self:
            job.write({"error_note": job.error_message or False, "error_code": False, "error_args": False})

    @api.model
    def _search_error_message(self, operator, value):
        if operator in ("=", "!=") and not value:
            empty = [("error_code", "=", False), ("error_note", "=", False)]
            return empty if operator == "=" else ["|", ("error_code", "!=", False), ("error_note", "!=", False)]
        # the stored parts: a note, the provider's words, the sentence's code
        return ["|", "|", ("error_note", operator, value), ("provider_message", operator, value),
                ("error_code", operator, value)]

    @api.depends("state", "next_attempt_at", "connection_id.state", "connection_id.paused_until",
                 "connection_id.active")
    @api.depends_context("lang", "tz")
    def _compute_next_attempt_note(self):
        now = fields.Datetime.now()
        for job in self:
            conn = job.connection_id
            note = False
            if job.state == "pending" and conn:
                if not conn.active:
                    note = msgs.render(self.env, msgs.message("job.paused_inactive"))
                elif conn.state == "paused":
                    note = msgs.render(self.env, msgs.message("job.paused_auth"))
                elif conn.state != "connected":  # the worker claims nothing of it (accounting_sync_worker.py)
                    note = msgs.render(self.env, msgs.message("job.paused_not_tested", conn=conn.display_name))
                elif conn.paused_until and conn.paused_until > now:
                    when = fields.Datetime.context_timestamp(job, conn.paused_until)
                    note = msgs.render(self.env, msgs.message(
                        "job.paused_until", when=when.strftime("%Y-%m-%d %H:%M")))
            job.connection_paused = bool(note)
            job.next_attempt_note = note

    @api.depends("state", "dependant_ids.state")
    def _compute_waiting(self):
        for job in self:
            waiting = job._waiting_jobs() if job.id and job.state not in ("done", "cancelled") else self.browse()
            # sudo above: the reader sees only lines their rules allow
            waiting = self.browse(waiting.ids)._filtered_access("read") if waiting else waiting
            job.waiting_job_ids = waiting
            job.waiting_count = len(waiting)

    @api.depends("request_body", "response_body", "state", "error_message")
    def _compute_exchange_text(self):
        # the request and answer as readable, indented text, not escaped JSON on one line
        for job in self:
            nothing = job._nothing_sent_reason()
            job.request_text = readable_exchange(job.request_body) if job.request_body else nothing
            job.response_text = readable_exchange(job.response_body) if job.response_body else (
                nothing if not job.request_body else _("No answer was received."))

    def _nothing_sent_reason(self):
        """Why the request box is empty, in a sentence."""
        if self.state == "blocked":
            return _("Nothing was sent: this document waits for %(doc)s.",
                     doc=self.blocked_by_id.display_name or _("an earlier document"))
        if self.state == "failed" and self._failure_origin() == "own_check":
            return _("Nothing was sent: the document could not be prepared from Odoo (see the reason above).")
        if self.state == "cancelled":
            return _("Nothing was sent: the document was cancelled.")
        if self.state == "done":
            return _("Nothing was sent: the document was already in the accounting system.")
        return _("Nothing was sent yet.")

    @api.depends("cause_refs")
    def _compute_cause_display(self):
        for job in self:
            names = []
            for token in tokens_of(job.cause_refs):
                model, _sep, rid = token.partition(",")
                if token.startswith("remote:"):
                    names.append(_("%(code)s in the accounting system", code=token.split(":", 2)[2]))
                elif model in self.env and rid.isdigit():
                    record = self.env[model].sudo().browse(int(rid)).exists()
                    if record and not job._foreign_records(record):  # another company's name is not shown
                        names.append("%s: %s" % (self.env["ir.model"]._get(model).name, record.display_name))
            job.cause_display = "\n".join(names) or False

    @api.depends("state", "error_kind", "request_body", "error_code", "error_args", "error_note",
                 "provider_message", "connection_id.provider", "reference", "kind")
    @api.depends_context("lang")
    def _compute_failure_banner(self):
        providers = dict(self.env["accounting.connection"]._fields["provider"]._description_selection(self.env))
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            origin = job._failure_origin()
            job.failure_origin = origin
            job.provider_said = html_to_text(job.provider_message) or False
            job.error_summary = short_reason(job.error_message) or False
            provider = providers.get(job.connection_id.provider) or _("the accounting system")
            if origin == "own_check":
                job.failure_heading = _("Nothing was sent yet: Odoo's own check stopped this document.")
            elif origin == "accounting_system":
                job.failure_heading = _("Refused by %(provider)s: it was sent %(doc)s.",
                                        provider=provider, doc="%s %s" % (kinds.get(job.kind, job.kind),
                                                                          job.reference))
            else:
                job.failure_heading = job.error_kind and dict(
                    self._fields["error_kind"]._description_selection(self.env)).get(job.error_kind) or False
            job.refusal_subject = origin == "accounting_system" and job._refusal_subject_text() or False

    def _failure_origin(self):
        """Who stopped the document: ``own_check`` (nothing was sent: a
        check of Odoo's or of the connector before the request),
        ``accounting_system`` (a request went out and was refused),
        ``no_answer`` (no clear answer yet), or False (no failure)."""
        self.ensure_one()
        if not self.error_kind or self.state not in ("failed", "pending"):
            return False  # a blocked line waits for another (its own banner)
        if self.error_kind in UNANSWERED_KINDS:
            return "no_answer"
        if self.error_kind in ("data", "blocked") or not self.request_body:
            return "own_check"
        return "accounting_system"

    def _refusal_subject_text(self):
        """The records the refusal's words are about, one a line, in
        Odoo's terms ("Product: [KOPI-1] Es Kopi"); False when none is found."""
        self.ensure_one()
        words = "%s\n%s" % (self.provider_message or "", self.error_message or "")
        lines = [self._odoo_terms(kind, code)
                 for kind, code in refusal_subjects(words, named_values(self.request_body))]
        return "\n".join(dict.fromkeys(line for line in lines if line)) or False

    def _odoo_terms(self, kind, code):
        """``code`` of a remote ``kind`` (item, customer, account, tax,
        warehouse) named as the Odoo record or setting that sends it."""
        conn = self.connection_id.sudo()
        Job = self.sudo()
        if kind in ("item", "customer"):
            master = Job.search([("connection_id", "=", conn.id), ("kind", "=", kind), ("reference", "=", code)],
                                limit=1)
            record = master and self.env[master.res_model].sudo().browse(master.res_id).exists()
            if kind == "item" and not record:
                record = self.env["product.product"].sudo().with_context(active_test=False).search(
                    [("default_code", "=", code), ("company_id", "in", (False, conn.company_id.id))], limit=1)
            if record and not self._foreign_records(record):
                label = _("Product") if kind == "item" else _("Customer")
                return _("%(what)s: %(name)s (sent as %(code)s)", what=label, name=record.display_name, code=code)
            if kind == "customer" and code == conn.default_customer_ref:
                return _("Customer %(code)s: the walk-in customer number of connection %(conn)s",
                         code=code, conn=conn.display_name)
            label = _("Item") if kind == "item" else _("Customer")
            return _("%(what)s %(code)s", what=label, code=code)
        if kind in ("account", "warehouse", "tax"):
            # Jurnal names accounts by their name in documents: the fetched list gives the code we map
            option = self.env["accounting.remote.option"].sudo().with_context(active_test=False).search([
                ("connection_id", "=", conn.id), ("option_type", "=", kind), ("code", "!=", code),
                ("name", "=", code)], limit=1)
            code = option.code or code
        settings = [conn._fields[name].get_description(self.env)["string"] for name, field in conn._fields.items()
                    if field.type == "char" and field.store and not name.startswith("remote")
                    and name not in ("name", "reference") and conn[name] == code]
        where = [_("%(setting)s of connection %(conn)s", setting=label, conn=conn.display_name)
                 for label in settings]
        if kind == "tax":
            where += [_("Tax mapping of %(tax)s", tax=m.tax_id.display_name)
                      for m in conn.tax_map_ids if m.remote_tax == code]
        elif kind == "warehouse":
            where += [_("Outlet %(outlet)s", outlet=m.pos_config_id.display_name)
                      for m in conn.outlet_map_ids if m.remote_warehouse == code]
            where += [_("Warehouse %(warehouse)s", warehouse=m.warehouse_id.display_name)
                      for m in conn.warehouse_map_ids if m.remote_warehouse == code]
        elif kind == "account":
            for pay in conn.payment_map_ids:
                for fname in ("remote_account", "clearing_account", "payout_account", "payout_fee_account"):
                    if pay[fname] == code:
                        where.append(_("%(setting)s of payment method %(method)s",
                                       setting=pay._fields[fname].get_description(self.env)["string"],
                                       method=pay.payment_method_id.display_name))
        labels = {"account": _("Account"), "tax": _("Tax"), "warehouse": _("Warehouse")}
        return _("%(what)s %(code)s: %(where)s", what=labels.get(kind, kind), code=code,
                 where="; ".join(where) or _("not mapped in Odoo"))

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
        # (a row raced in by a parallel enqueue may have moved on already: only a waiting one is held)
        if depends_on and depends_on.state in ("failed", "blocked", "cancelled") \
                and job.state in TRANSITIONS["blocked"]:
            job._block(depends_on)
        return job

    @api.model
    def _trigger_worker(self):
        """Wake the worker cron soon after the current transaction commits; it
        runs in its own transaction, never in the caller's."""
        cron = self.env.ref("pos_accounting_sync.ir_cron_accounting_sync_worker", raise_if_not_found=False)
        if cron:
            # sudo: cashiers may not create cron triggers
            cron.sudo()._trigger()

    @api.model
    def _cron_process_jobs(self):
        """The worker cron's entry (``ir_cron_accounting_sync_worker``): its
        record is ``noupdate`` and runs ``model._cron_process_jobs()`` on this
        model in every database, new or upgraded; the run is the worker's."""
        return self.env["accounting.sync.worker"]._run_cron()

    @api.model
    def _can_commit(self):
        """Whether the engine commits as it goes (after each document, each
        webhook, each backfill step): not in tests, which run in one
        transaction that may not commit (a test that runs real concurrent
        workers on its own cursors says so with ``accounting_sync_commit``)."""
        if "accounting_sync_commit" in self.env.context:
            return bool(self.env.context["accounting_sync_commit"])
        return not modules.module.current_test and not isinstance(self.env.cr, TestCursor)

    # --- the state machine ------------------------------------------------------
    def _set_state(self, state, vals=None, sources=None):
        """The one writer of ``state``: move these jobs to ``state`` with
        ``vals``, from the states :data:`TRANSITIONS` allows (``sources``
        overrides them); any other source is a bug, refused whole."""
        sources = TRANSITIONS[state] if sources is None else sources
        refused = self.filtered(lambda job: job.state not in sources)
        if refused:
            raise ValueError("accounting.sync.job: %s cannot become %s (jobs %s)"
                             % (", ".join(sorted(set(refused.mapped("state")))), state, refused.ids))
        self.sudo().write(dict(vals or {}, state=state))

    def _set_pending(self, vals=None):
        """Waiting to be sent: queued again, put back by the worker, released."""
        self._set_state("pending", vals)

    def _set_running(self, vals=None):
        """Claimed by a worker (or sent in bulk): only a waiting job."""
        self._set_state("running", vals)

    def _set_done(self, vals=None, preview=False):
        """In the accounting system. ``preview``: a dry run, rolled back by its
        caller, lets any unfinished job pretend it went out."""
        self._set_state("done", vals, sources=("pending", "blocked", "running") if preview else None)

    def _set_failed(self, vals=None):
        """Refused, or impossible to build: waits for a person (or a fix)."""
        self._set_state("failed", vals)

    def _set_blocked(self, vals=None):
        """Held until another document has gone out."""
        self._set_state("blocked", vals)

    def _set_cancelled(self, vals=None):
        """Never to be sent (an accountant's cancel, or its source undone)."""
        self._set_state("cancelled", vals)

    # --- what accountants do --------------------------------------------------
    def action_retry(self):
        """Send again: the document is rebuilt from Odoo, so fixed data goes out.
        Retry on a product's or customer's line retries that record's failed
        lines on every connection the user may read (their companies' only:
        the search applies the user's record rules, never sudo)."""
        check_action(self, USER)
        jobs = self
        masters = self.filtered(lambda j: j.kind in SELF_CAUSED_KINDS)
        if masters:
            pairs = {(j.res_model, j.res_id) for j in masters}
            domain = [("state", "=", "failed"), ("kind", "in", SELF_CAUSED_KINDS), ("id", "not in", self.ids)]
            terms = [["&", ("res_model", "=", m), ("res_id", "=", i)] for m, i in sorted(pairs)]
            domain += ["|"] * (len(terms) - 1) + [t for term in terms for t in term]
            jobs |= self.search(domain)
        retried = jobs.filtered(lambda j: j.state in RETRYABLE)
        if not retried and jobs:
            raise UserError(_("Only failed, blocked, cancelled or waiting documents can be retried."))
        # the old reason stays in the history, not on the line
        retried._set_pending(dict(self._no_error_vals(), attempts=0, next_attempt_at=fields.Datetime.now()))
        # a retried dependency releases nothing yet: dependants stay blocked until it succeeds
        self._trigger_worker()
        retried._log_attempt("retried")
        return jobs._notify_count(self._retried_message(len(retried)))

    def action_cancel(self):
        check_action(self, USER)
        jobs = self.filtered(lambda j: j.state in CANCELLABLE)
        if not jobs and self:
            raise UserError(_("Documents that are running, done or already cancelled cannot be cancelled."))
        jobs._set_cancelled({"date_done": fields.Datetime.now()})
        # what depends on a cancelled document can never go out as it is
        jobs._block_dependants()
        jobs._log_attempt("cancelled")
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

    def action_open_blocker(self):
        check_action(self, USER)
        self.ensure_one()
        return self.blocked_by_id._open_form_action()

    def action_open_waiting(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(name=_("Waiting on %(doc)s", doc=self.display_name),
                      domain=[("id", "in", self.waiting_job_ids.ids)], context={"create": False})
        return action

    def action_clear_remote_change(self):
        """The accountant checked the change (and corrected it where needed)."""
        check_action(self, USER)
        self.sudo().write({"remote_change": False, "remote_change_at": False, "remote_change_note": False})
        return True

    def action_open_cause(self):
        """Open what to fix: the first Odoo record the failure names, else
        the connection (its accounts and mappings)."""
        check_action(self, USER)
        self.ensure_one()
        for token in tokens_of(self.cause_refs):
            model, _sep, rid = token.partition(",")
            if model in self.env and rid.isdigit():
                record = self.env[model].browse(int(rid)).exists()
                if record and not self._foreign_records(record) and record.has_access("read"):
                    return {"type": "ir.actions.act_window", "res_model": model, "res_id": record.id,
                            "view_mode": "form", "views": [(False, "form")], "target": "current"}
        return {"type": "ir.actions.act_window", "res_model": "accounting.connection",
                "res_id": self.connection_id.id, "view_mode": "form", "views": [(False, "form")],
                "target": "current"}

    def _open_form_action(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    def _notify_count(self, message):
        if len(self) == 1:
            return True
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": "info",
                           "next": {"type": "ir.actions.act_window_close"}}}

    @api.model
    def _retried_message(self, count):
        if count == 1:
            return _("%(count)s document queued again.", count=count)
        return _("%(count)s documents queued again.", count=count)

    @api.model
    def _cancelled_message(self, count):
        if count == 1:
            return _("%(count)s document cancelled.", count=count)
        return _("%(count)s documents cancelled.", count=count)

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

    def _waiting_jobs(self):
        """Every unfinished line that goes out only after this one: what
        depends on it or follows it in its chain, and so on down."""
        waiting = self.browse()
        todo = self
        while todo and len(waiting) < MAX_WAITING:
            found = self.sudo().search([("blocked_by_id", "in", todo.ids),
                                        ("state", "in", ("pending", "blocked"))])
            found |= todo._dependants()
            todo = found - waiting - self
            waiting |= todo
        return waiting[:MAX_WAITING]

    def _block(self, cause):
        """Hold these jobs until ``cause`` has gone out; the reason names it
        in the reader's language, the line links to it."""
        reason = {"code": "job.waits_for", "args": {
            "doc": cause._doc_message(), "state": {"field": [self._name, "state", cause.state]}}}
        self._set_blocked(dict(self._error_vals("blocked", reason), blocked_by_id=cause.id))
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
                deps._set_pending(dict(self._no_error_vals(), next_attempt_at=fields.Datetime.now()))
                deps._release_dependants()

    def _keep_blocked_behind_failures(self):
        """What this success released stays blocked while an earlier document
        of its chain has failed (items failed up front sit behind the first)."""
        for job in self.filtered("chain"):
            first = self.search([("connection_id", "=", job.connection_id.id), ("chain", "=", job.chain),
                                 ("state", "=", "failed")], order="sequence, id", limit=1)
            if first:
                later = first._later_in_chain().filtered(lambda j: j.state == "pending")
                if later:
                    later._block(first)

    # --- the worker's handling of one claimed job ----------------------------------
    def _process_claimed(self, run, commit):
        """Build, post (or look up), record the outcome; the worker
        (``accounting.sync.worker``) claimed the job and commits after it."""
        self.ensure_one()
        connection = self.connection_id
        if connection._holds_posting():
            # a Jurnal connection not in live mode yet: its jobs stay pending, with
            # the reason, and no request is made
            run.skip_connections.add(connection.id)
            self._set_pending({"attempts": max(self.attempts - 1, 0)})
            # every waiting document of the connection says why, not only the one claimed
            waiting = self.search([("connection_id", "=", connection.id), ("state", "=", "pending")])
            waiting.write(dict(self._error_vals(False, msgs.message("job.not_live", conn=connection.display_name)),
                               next_attempt_at=fields.Datetime.now() + HOLD))
            return False
        # opening balances queued at go-live go out before any other document of the connection
        first = self.env["accounting.opening.balance"]._goes_first(self)
        if first:
            self._set_pending({"attempts": max(self.attempts - 1, 0)})
            self._block(first)
            return False
        try:
            client = run.client(connection)
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, None)
        except Exception as exc:  # noqa: BLE001 - one connection's broken setup must not stop the others
            _logger.exception("accounting sync: cannot make the client of connection %s", connection.id)
            # not the document's fault: it waits (attempt given back), the connection is left for this run
            run.skip_connections.add(connection.id)
            self._set_pending(dict(self._error_vals("transient", msgs.message("job.unexpected", error=str(exc))),
                                   attempts=max(self.attempts - 1, 0)))
            return False
        document = self._build_document()
        if document is None:
            return False
        document = self._moved_past_lock(document)
        started = time.monotonic()
        try:
            result = None
            if self.needs_lookup:
                result = self._usable(client.find(self.kind, self.reference, document.parent_ref() or None))
            if result is None:
                result = client.post(document)
                if not (result and result.remote_id):
                    # a 2xx without the document is not a proof it was saved
                    raise cerr.AmbiguousError(code="http.no_saved_document",
                                              response=getattr(result, "response", None))
        except (cerr.DuplicateError, cerr.AmbiguousError) as exc:
            # the look-up records the outcome: adopted (done, saying why), or left to retry or fail
            return self._lookup_after(client, exc, started, run, document.parent_ref() or None) is not None
        except cerr.ConnectorError as exc:
            return self._on_error(exc, run, client, time.monotonic() - started)
        except LeaseLost:
            raise
        except Exception as exc:  # noqa: BLE001 - a connector bug must not stop the queue
            _logger.exception("accounting sync: unexpected error on job %s", self.id)
            return self._fail("permanent", msgs.message("job.unexpected", error=str(exc)), client,
                              duration=time.monotonic() - started)
        self._on_success(result, client, time.monotonic() - started)
        self._after_posting(document, result)
        return True

    def _build_document(self):
        """The connector document for this job, or None when the job failed
        (data to fix in Odoo). Before anything is built or sent: every item
        of the chain is checked at once (each fails with its own reason, not
        one per attempt); after: the document is checked against the last
        mapping health result (``accounting.mapping.health``)."""
        if self.cause_refs:
            self.cause_refs = False
        if self.chain and self._fail_unpostable_items() and self.state == "failed":
            return None
        record = self.env[self.res_model].browse(self.res_id).exists() if self.res_model in self.env else None
        if not record:
            self._fail("data", msgs.message("job.record_gone", name=self.res_name or self.res_id,
                                            model=self.res_model))
            return None
        foreign = self._foreign_records(record)
        if foreign:
            # whoever queued it: the record is read with superuser rights below, so
            # another company's data must not reach this connection's books or log
            self._fail_foreign(record, foreign[0][0])
            return None
        try:
            with self.env.cr.savepoint():
                document = record._accounting_sync_document(self)
        except (UserError, ValidationError) as exc:
            # the records to fix travel with the error: fixing one retries this job
            self._fail("data", msgs.from_exception(exc), causes=getattr(exc, "causes", None))
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the accountant, logged for the admin
            _logger.exception("accounting sync: cannot build document for job %s", self.id)
            self._fail("data", msgs.message("job.build_failed", error=str(exc)))
            return None
        if document is None:
            self._fail("data", msgs.message("job.nothing_to_send", name=self.res_name or self.reference))
            return None
        if self._fail_on_mapping_health(document):
            return None
        return document

    def _fail_unpostable_items(self):
        """Fail every item of this job's chain whose product cannot be an item
        (no or shared SKU), each naming its product; True when any did."""
        items = self.search([
            ("connection_id", "=", self.connection_id.id), ("chain", "=", self.chain), ("kind", "=", "item"),
            ("res_model", "=", "product.product"), ("state", "in", ("pending", "blocked", "running"))])
        items = items.filtered(lambda j: j.state != "running" or j == self)
        if not items:
            return False
        products = self.env["product.product"].browse(items.mapped("res_id")).exists()
        problems = products._accounting_sku_problem_messages()
        failed = False
        for job in items:
            product = products.browse(job.res_id)
            if product in problems:
                job._fail("data", msgs.message("job.product_unpostable", product=product.display_name,
                                               why=problems[product]), causes=product)
                failed = True
        return failed

    def _fail_on_mapping_health(self, document):
        """Before any request: a document naming a remote code that the last
        mapping health check found gone fails with that row's sentence, and
        waits for the mapping (or the code) to be fixed; True when it failed."""
        rows = self.env["accounting.mapping.health"].sudo().search([
            ("connection_id", "=", self.connection_id.id), ("problem", "=", "missing_remote")])
        if not rows:
            return False
        codes = document_codes(document)
        row = next((r for r in rows if r._breaks(self, codes)), None)
        if row is None:
            return False
        self._fail("data", msgs.message("job.mapping_broken", problem=row._message_for_job()),
                   causes=row._cause_tokens())
        return True

    def _foreign_records(self, record):
        """What of ``record`` (one record, e.g. the job's source) belongs to
        another company than this job's connection: a list of ``(field,
        record)``, ``field`` None for ``record`` itself, else the many2one
        field (``fields.Field``) it is reached through. Checked: ``record``
        and the targets of its stored many2one fields that Odoo ties to the
        record's company (``check_company``) or that are partners (customers,
        vendors: private data). A record without a company is shared."""
        self.ensure_one()
        company = self.connection_id.company_id

        def foreign(rec):
            return "company_id" in rec._fields and rec.company_id and rec.company_id != company

        found = [(None, record)] if foreign(record) else []
        for field in record._fields.values():
            if (field.type == "many2one" and field.store and not field.company_dependent
                    and field.comodel_name not in COMPANY_BLIND
                    and (field.check_company or field.comodel_name == "res.partner")):
                target = record[field.name]
                if target and foreign(target):
                    found.append((field, target))
        return found

    def _fail_foreign(self, record, field=None):
        """Fail the job: ``record`` (or what its ``field`` names) is another
        company's. The reason names no data of that company."""
        args = {"model": record._name, "id": record.id, "company": self.connection_id.company_id.name,
                "conn": self.connection_id.display_name}
        if field is None:
            message = msgs.message("job.foreign_company", **args)
        else:
            message = msgs.message("job.foreign_company_via", field=field.string, **args)
        _logger.warning("accounting sync: job %s names %s,%s of another company than its connection; refused",
                        self.id, record._name, record.id)
        self._fail("data", message)

    @api.model
    def _usable(self, found):
        """A look-up result counts only when it names the remote document."""
        return found if found is not None and found.remote_id else None

    def _lookup_after(self, client, exc, started, run, parent=None):
        """The post may have been applied (ambiguous) or the remote says it
        has our reference (duplicate): adopt what is there, never post again.
        ``parent``: our reference of the document it hangs under (searched
        through where the provider keeps no field for ours)."""
        duplicate = exc.kind == "duplicate"
        try:
            found = self._usable(client.find(self.kind, self.reference, parent))
        except cerr.ConnectorError as lookup_exc:
            _logger.info("accounting sync: look-up of %s failed: %s", self.reference, lookup_exc.message)
            found = None
            if duplicate or lookup_exc.kind in ("auth", "quota", "rate_limited"):
                exc = lookup_exc  # what stops the connection wins over "unknown outcome"
        if found is not None:
            found.duration = found.duration or (time.monotonic() - started)
            self._on_success(found, client, time.monotonic() - started, adopted=exc)
            return found
        # whatever happens next, the document may be there: look before posting
        self.needs_lookup = exc.kind != "duplicate"
        if exc.kind == "duplicate":
            self._fail("duplicate", msgs.message("job.duplicate_not_found", msg=msgs.from_exception(exc),
                                                 ref=self.reference), client, exc, time.monotonic() - started)
        else:
            self._on_error(exc, run, client, time.monotonic() - started)
        return None

    # --- outcomes ----------------------------------------------------------------
    def _on_success(self, result, client, duration, adopted=None):
        """Done: record what the accounting system answered, release what
        waited for it; a customer or an item now exists remotely, so what
        failed waiting for it on this connection goes again."""
        released_at, held = self.next_attempt_at, self._dependants().filtered(lambda j: j.state == "blocked")
        message = None
        if adopted is not None:
            message = msgs.message("job.adopted", why=msgs.from_exception(adopted))
        self._set_done(dict(self._error_vals(False, message, adopted), **{
            "date_done": fields.Datetime.now(), "duration": duration,
            "remote_id": result.remote_id or False, "remote_number": result.number or False,
            "request_body": self._body(client, result.request or getattr(adopted, "request", None)),
            "response_body": self._body(client, result.response or result.data),
            "needs_lookup": False,
        }))
        record = self.env[self.res_model].browse(self.res_id)
        if hasattr(record, "_accounting_sync_done"):
            try:
                with self.env.cr.savepoint():
                    record._accounting_sync_done(self, result)
            except Exception as exc:  # noqa: BLE001 - the remote document exists: keep "done"
                _logger.exception("accounting sync: post-processing of job %s failed", self.id)
                self.write(self._error_vals(False, msgs.message(
                    "job.posted_not_recorded", num=result.number or result.remote_id, err=str(exc))))
        self._log_attempt("done", duration)
        self._release_dependants()
        # what it held back keeps its place in the queue (not behind what was retried meanwhile)
        held.filtered(lambda j: j.state == "pending" and released_at
                      and j.next_attempt_at > released_at).next_attempt_at = released_at
        self._keep_blocked_behind_failures()
        if self.kind in SELF_CAUSED_KINDS:
            record = self.env[self.res_model].browse(self.res_id)
            self._requeue_fixed(record, self.connection_id, reason=record.display_name)

    def _on_error(self, exc, run, client, duration=0.0):
        kind = exc.kind
        now = fields.Datetime.now()
        bodies = {"request_body": self._body(client, exc.request),
                  "response_body": self._body(client, exc.response), "duration": duration}
        if kind not in ERROR_HANDLING:
            # a kind this module does not know yet must not kill the run
            _logger.error("accounting sync: unknown error kind %r on job %s", kind, self.id)
            kind = "permanent"
        if kind in ("quota", "auth", "rate_limited"):
            # not the document's fault: give the attempt back and leave the
            # connection alone for the rest of the run
            run.skip_connections.add(self.connection_id.id)
            vals = dict(bodies, attempts=max(self.attempts - 1, 0),
                        **self._error_vals(kind, msgs.from_exception(exc), exc))
            if kind == "rate_limited":
                vals["next_attempt_at"] = now + timedelta(seconds=max(float(exc.retry_after or 60), 1.0))
            self._set_pending(vals)
            self._log_attempt("sent", duration)
            if kind == "quota":  # the plan's allowance: wait for the next month
                self.connection_id._pause_for_quota(exc)
            elif kind == "auth":  # credentials: wait for an administrator
                self.connection_id._pause(exc)
            return False
        if kind in ("period_locked", "unapproved"):
            return self._wait_for_accounting_system(exc, bodies, duration)
        if exc.retryable or kind == "ambiguous":
            if self.attempts >= self.max_attempts:
                return self._fail(kind, msgs.message("job.gave_up", n=self.attempts, msg=msgs.from_exception(exc)),
                                  client, exc, duration)
            wait = min(timedelta(minutes=2 ** max(self.attempts - 1, 0)), MAX_BACKOFF)
            if exc.retry_after:
                wait = max(wait, timedelta(seconds=float(exc.retry_after)))
            self._set_pending(dict(bodies, next_attempt_at=now + wait,
                                   **self._error_vals(kind, msgs.from_exception(exc), exc)))
            self._log_attempt("sent", duration)
            return False
        # an item or customer the accounting system no longer has: sent again once, then this retried
        if self.env["accounting.master.resend"]._recover(self, exc, client, duration):
            return False
        # a refusal naming one of the connection's accounts waits for it (choosing it resends)
        return self._fail(kind, msgs.from_exception(exc), client, exc, duration,
                          causes=self.env["accounting.mapping.health"]._refusal_causes(self, exc))

    def _fail(self, kind, message, client=None, exc=None, duration=0.0, causes=None):
        """Fail the job with ``message`` (a stored message or a text), kept
        in its history; ``causes``: the Odoo records to fix (fixing one
        retries the job, see :meth:`_requeue_fixed`)."""
        tokens = cause_tokens(causes)
        if not tokens and self.kind in SELF_CAUSED_KINDS and kind in ("data", "permanent"):
            # a product or customer refused for its own data: fixing it is the cure
            tokens = ["%s,%s" % (self.res_model, self.res_id)]
        vals = dict(self._error_vals(kind, message, exc), duration=duration,
                    cause_refs=cause_refs(tokens), failed_at=fields.Datetime.now())
        if exc is not None:
            vals.update(request_body=self._body(client, exc.request),
                        response_body=self._body(client, exc.response))
        self._set_failed(vals)
        self._log_attempt("failed", duration)
        self._block_dependants()
        # people hear of it in the morning digest (accounting_sync_digest.py), not per document
        return False

    def _fail_unexpected(self, exc, run, commit):
        """An error the outcome code did not expect (a bug, a broken setup):
        the job fails with it and its connection is left alone for the rest
        of the run; the others go on. Returns False when even that could not
        be recorded (rolled back: the lease expires and the job is looked up
        again later)."""
        _logger.exception("accounting sync: job %s stopped with an unexpected error", self.id)
        run.skip_connections.add(self.connection_id.id)
        try:
            with self.env.cr.savepoint():
                self._fail("permanent", msgs.message("job.unexpected", error=str(exc)))
        except Exception:  # noqa: BLE001 - the run goes on with the other connections
            _logger.exception("accounting sync: could not record the failure of job %s", self.id)
            if not commit:
                raise
            self.env.cr.rollback()
            return False
        return True

    def _put_back_for_lookup(self):
        """Running jobs that lost their worker wait again, to be looked up
        before they are sent (the previous attempt may have been saved)."""
        self._set_pending(dict(self._error_vals("ambiguous", {"code": "job.orphaned"}), **{
            "needs_lookup": True, "next_attempt_at": fields.Datetime.now(),
            "lease_token": False, "lease_until": False,
        }))
        self._log_attempt("sent")

    @api.model
    def _body(self, client, value):
        if not value:
            return False
        if not isinstance(value, str):
            value = json.dumps(value, indent=1, default=str, ensure_ascii=False)
        text = value
        if client is not None:
            text = client.redactor.text(text)  # the connector redacts already; twice is cheap insurance
        return text[:MAX_BODY]

    # --- the current reason and the history --------------------------------------
    @api.model
    def _error_vals(self, kind, stored, exc=None):
        """The job's values for a current reason: ``stored`` is a message
        (:func:`accounting_messages.message`) or a plain text."""
        if isinstance(stored, str):
            stored = {"text": stored}
        stored = stored or {}
        return {
            "error_kind": kind or False,
            "error_code": stored.get("code") or False,
            "error_args": msgs._plain(stored.get("args")) if stored.get("code") else False,
            "error_note": False if stored.get("code") else (stored.get("text") or False),
            "provider_message": getattr(exc, "provider_message", None) or False,
        }

    @api.model
    def _no_error_vals(self):
        return {"error_kind": False, "error_code": False, "error_args": False, "error_note": False,
                "provider_message": False}

    def _current_message(self):
        """The current reason as a stored message (to quote it in another)."""
        self.ensure_one()
        return msgs.stored_message(self.error_code, self.error_args, {"text": self.error_note or ""})

    def _doc_message(self):
        """This document named as "<kind> <reference>", in the reader's language."""
        self.ensure_one()
        return msgs.message("job.doc", kind=msgs.field_value(self._name, "kind", self.kind), ref=self.reference)

    def _log_attempt(self, event, duration=0.0):
        """Keep the job's current state and reason as one line of its history."""
        Attempt = self.env["accounting.sync.attempt"].sudo()
        return Attempt.create([{
            "job_id": job.id, "event": event, "attempt": job.attempts, "duration": duration,
            "user_id": self.env.uid, "error_kind": job.error_kind, "error_code": job.error_code,
            "error_args": job.error_args, "error_note": job.error_note,
            "provider_message": job.provider_message,
        } for job in self])

    # --- retrying what was fixed ------------------------------------------------------
    @api.model
    def _requeue_fixed(self, causes, connection=None, reason=""):
        """Put back the failed jobs whose failure points at ``causes`` (on
        ``connection``, else on every connection); returns them. The claim
        keeps each chain in order; what they blocked follows once they are done."""
        tokens = cause_tokens(causes)
        if not tokens:
            return self.browse()
        Job = self.sudo()
        domain = [("state", "=", "failed"), ("cause_refs", "!=", False)]
        if connection:
            domain.append(("connection_id", "in", connection.ids))
        likes = [("cause_refs", "like", SEP + t + SEP) for t in tokens]
        domain += ["|"] * (len(likes) - 1) + likes
        wanted = set(tokens)
        jobs = Job.search(domain).filtered(lambda j: wanted & set(tokens_of(j.cause_refs)))
        if not jobs:
            return jobs
        jobs._set_pending({
            "attempts": 0, "next_attempt_at": fields.Datetime.now(),
            **self._error_vals(False, msgs.message("job.requeued_fixed", what=reason)
                               if reason else msgs.message("job.requeued_fixed_cause")),
        })
        jobs._adopt_new_item_references()
        self._trigger_worker()
        return jobs

    def _adopt_new_item_references(self):
        """An item that failed for want of a SKU is queued under a placeholder
        reference; once the product has its SKU, the job takes it (the
        reference is what finds the item remotely), unless another job has it."""
        for job in self.filtered(lambda j: j.kind == "item" and j.reference.startswith("NO-SKU/")):
            product = self.env["product.product"].browse(job.res_id).exists()
            code = product and (product.default_code or "").strip()
            if code and not self.search_count([("connection_id", "=", job.connection_id.id),
                                               ("reference", "=", code)], limit=1):
                job.reference = code

    # --- changed in the accounting system -----------------------------------------
    def _flag_remote_change(self, change, note=False):
        """Flag these jobs (a deletion is never downgraded to an edit)."""
        for job in self.sudo():
            if job.remote_change == change or (job.remote_change == "deleted" and change == "edited"):
                continue
            job.write({"remote_change": change, "remote_change_at": fields.Datetime.now(),
                       "remote_change_note": note or False})

    def _own_save_grace(self):
        value = self.env["ir.config_parameter"].sudo().get_param("pos_accounting_sync.remote_change_grace_seconds")
        try:
            return max(int(value), 0) if value not in (None, False, "") else OWN_SAVE_GRACE_SECONDS
        except ValueError:
            return OWN_SAVE_GRACE_SECONDS

    def _is_own_save_echo(self, received_at):
        self.ensure_one()
        if not self.date_done:
            return True  # not saved yet on our side: this is our own save arriving
        return (received_at - self.date_done).total_seconds() < self._own_save_grace()

    # --- the accounting system's own rules: locked periods, approval -------------
    def _wait_for_accounting_system(self, exc, bodies, duration):
        """A refusal no retry loop can cure (``exc``: PeriodLockedError or
        NotApprovedError): the job waits, pending, no attempt spent, with the
        reason in plain words. A locked period is tried again a day later
        (or at once, dated the first open day, when the connection says so
        and the document has a date to move); an unapproved one an hour later."""
        now = fields.Datetime.now()
        conn = self.connection_id
        vals = dict(bodies, attempts=max(self.attempts - 1, 0))
        if exc.kind == "unapproved":
            message = msgs.message("job.unapproved_wait", msg=msgs.from_exception(exc))
            vals["next_attempt_at"] = now + APPROVAL_RECHECK
        else:
            until = getattr(exc, "locked_until", None)
            move = (conn.period_lock_policy == "first_open_day" and until and self.kind not in UNMOVABLE_KINDS
                    and (not self.locked_until or until > self.locked_until))
            vals["locked_until"] = until or self.locked_until or False
            args = {"system": conn._get_provider_label(), "msg": msgs.from_exception(exc)}
            if move:
                message = msgs.message("job.period_locked_moving", until=until.isoformat(),
                                       first=(until + timedelta(days=1)).isoformat(), **args)
                vals["next_attempt_at"] = now
            elif until:
                message = msgs.message("job.period_locked_wait", until=until.isoformat(), **args)
                vals["next_attempt_at"] = now + LOCK_RECHECK
            else:
                message = msgs.message("job.period_locked_wait_undated", **args)
                vals["next_attempt_at"] = now + LOCK_RECHECK
        self._set_pending(dict(vals, **self._error_vals(exc.kind, message, exc)))
        self._log_attempt("sent", duration)
        return False

    def _moved_past_lock(self, document):
        """``document`` as it goes out: under the connection's "post on the
        first open day" choice, a document the accounting system refused for
        a period locked up to ``locked_until`` is dated the day after, its
        own date written first in its description (the remote memo)."""
        day = getattr(document, "date", None)
        if (self.connection_id.period_lock_policy != "first_open_day" or not self.locked_until or not day
                or day > self.locked_until or self.kind in UNMOVABLE_KINDS):
            return document
        lang = self.connection_id._problem_user().lang or "en_US"
        note = self.with_context(lang=lang).env._(
            "Original date %(day)s (period locked up to %(until)s)", day=day.isoformat(),
            until=self.locked_until.isoformat())
        description = "%s. %s" % (note, document.description) if document.description else note
        self.moved_from = day
        return dataclasses.replace(document, date=self.locked_until + timedelta(days=1), description=description)

    def _after_posting(self, document, result):
        """What the accounting system's answer says beyond "saved": a
        document moved past a locked period says so; one saved unapproved
        (Accurate's ``approvalStatus``) holds what depends on it."""
        if self.moved_from and self.state == "done":
            self.write(self._error_vals(False, msgs.message(
                "job.moved_past_lock", first=document.date.isoformat(), date=self.moved_from.isoformat(),
                until=self.locked_until.isoformat() if self.locked_until else "")))
        status = result.data.get("approvalStatus") if isinstance(getattr(result, "data", None), dict) else None
        if self.state == "done" and status and status != "APPROVED":
            self.remote_approval = "unapproved"
            self._hold_for_approval(status)

    def _hold_for_approval(self, status):
        """Block what waits for this (unapproved) document, naming it."""
        conn = self.connection_id
        reason = msgs.message("job.waits_approval", doc=self._doc_message(), status=status,
                              system=conn._get_provider_label())
        todo, held = self, self.browse()
        while todo:  # what depends on it, and so on down (each names this document)
            deps = todo._dependants().filtered(lambda j: j.state in ("pending", "blocked")) - held - self
            held |= deps
            todo = deps
        if held:
            held._set_blocked(dict(self._error_vals("unapproved", reason), blocked_by_id=self.id))
            held._log_attempt("blocked")

    @api.model
    def _cron_check_approvals(self):
        """Read back every document saved unapproved (cron
        ``ir_cron_accounting_approval_check``, as OdooBot): approved now,
        what waited for it goes out; one connection's failure does not
        stop the others."""
        Job = self.sudo()
        unapproved = Job.search([("remote_approval", "=", "unapproved"), ("state", "=", "done")])
        for conn in unapproved.connection_id:
            jobs = unapproved.filtered(lambda j, c=conn: j.connection_id == c)
            try:
                client = conn._get_client()
                for job in jobs:
                    found = client.find(job.kind, job.reference)
                    status = found.data.get("approvalStatus") if found and isinstance(found.data, dict) else None
                    if found is not None and status in (None, "APPROVED"):
                        job.remote_approval = "approved"
                        held = Job.search([("blocked_by_id", "=", job.id), ("state", "=", "blocked")])
                        held._set_pending(dict(self._no_error_vals(), next_attempt_at=fields.Datetime.now()))
                        job._release_dependants()
            except cerr.ConnectorError as exc:
                _logger.info("accounting sync: approval check of %s failed: %s", conn.id, exc.message)
        self._trigger_worker()

    @api.model
    def _retry_period_locked(self, connections):
        """Send now what waits for a locked period on ``connections`` (the
        accountant reopened it); returns those jobs."""
        jobs = self.sudo().search([("connection_id", "in", connections.ids), ("state", "=", "pending"),
                                   ("error_kind", "=", "period_locked")])
        jobs.write({"next_attempt_at": fields.Datetime.now()})
        self._trigger_worker()
        return jobs

    def _waiting_on_accounting_system(self):
        """``(cause, messages)`` for the reconciliation when some of these jobs
        wait for the accounting system's own rules (a locked period, an
        approval), else None: those documents are not posted yet."""
        waiting = self.filtered(lambda j: j.state in ("pending", "running", "blocked"))
        chains = [c for c in set(waiting.mapped("chain")) if c]
        # what waits behind a locked document in its chain waits for the period too
        behind = set(self.sudo().search([
            ("connection_id", "in", waiting.connection_id.ids), ("chain", "in", chains), ("state", "=", "pending"),
            ("error_kind", "=", "period_locked")]).mapped("chain")) if chains else set()
        locked = waiting.filtered(lambda j: j.error_kind == "period_locked" or j.chain in behind)
        unapproved = self.filtered(lambda j: j.remote_approval == "unapproved"
                                   or (j.state in ("pending", "blocked") and j.error_kind == "unapproved"))
        held = locked or unapproved
        if not held:
            return None
        return ("period_locked" if locked else "unapproved",
                [msgs.message("recon.doc_reason", doc=j._doc_message(), reason=j._current_message()) for j in held])

    @api.model
    def _digest_waiting_lines(self, connection):
        """One line per connection and rule for the morning digest: how many
        documents wait for a locked period (and up to when), or for an
        approval in the accounting system."""
        Job = self.sudo()
        system = connection._get_provider_label()
        lines = []
        locked = Job.search([("connection_id", "=", connection.id), ("state", "=", "pending"),
                             ("error_kind", "=", "period_locked")])
        if locked:
            dates = [day for day in locked.mapped("locked_until") if day]
            until = max(dates) if dates else False
            lines.append(msgs.render(self.env, msgs.message(
                "job.period_locked_digest", count=len(locked), system=system,
                until=until.isoformat() if until else "?")))
        unapproved = Job.search([("connection_id", "=", connection.id), ("remote_approval", "=", "unapproved"),
                                 ("state", "=", "done")])
        if unapproved:
            lines.append(msgs.render(self.env, msgs.message(
                "job.unapproved_digest", count=len(unapproved), system=system,
                docs=", ".join(unapproved.mapped("reference")))))
        return lines
