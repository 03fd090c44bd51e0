"""Sync log: the failure of a document is stored as a message code and its
arguments and read in the reader's language; every attempt, retry, cancel
and block is kept in the job's history (``accounting.sync.attempt``)."""

from odoo import _, api, fields, models

from . import accounting_messages as msgs


class AccountingSyncJobMessages(models.Model):
    _inherit = "accounting.sync.job"

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

    # --- writing the current reason ----------------------------------------------
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

    # --- what accountants do --------------------------------------------------------
    def action_retry(self):
        retried = self.filtered(lambda j: j.state in ("failed", "blocked", "cancelled", "pending"))
        result = super().action_retry()
        # the old reason stays in the history, not on the line
        retried.sudo().write(self._no_error_vals())
        retried._log_attempt("retried")
        return result

    def action_cancel(self):
        cancelled = self.filtered(lambda j: j.state in ("pending", "failed", "blocked"))
        result = super().action_cancel()
        cancelled._log_attempt("cancelled")
        return result

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
