"""Connections: the status banner (last Test connection, pause reason) is
stored as a message code and arguments and read in the reader's language;
problems reach their responsible as activities written in that person's
language."""

from markupsafe import Markup

from odoo import api, fields, models

from . import accounting_messages as msgs


class AccountingConnectionMessages(models.Model):
    _inherit = "accounting.connection"

    state_code = fields.Char(readonly=True, copy=False, help="Code of the status details' sentence.")
    state_args = fields.Json(readonly=True, copy=False, help="The values the status details name.")
    state_note = fields.Text(readonly=True, copy=False, help="Status details that came without a code.")
    state_provider_message = fields.Text(
        string="Accounting System Said", readonly=True, copy=False,
        help="The accounting system's own words at the last test, as they came.")
    # the banner in the reader's language; writing a text (older callers) stores it as a note
    state_message = fields.Text(
        string="Status Details", compute="_compute_state_message", inverse="_inverse_state_message",
        readonly=True)

    @api.depends("state_code", "state_args", "state_note")
    @api.depends_context("lang")
    def _compute_state_message(self):
        for rec in self:
            rec.state_message = msgs.render(self.env, msgs.stored_message(
                rec.state_code, rec.state_args, rec.state_note)) or False

    def _inverse_state_message(self):
        for rec in self:
            rec.write({"state_note": rec.state_message or False, "state_code": False, "state_args": False,
                       "state_provider_message": False})

    @api.model
    def _state_vals(self, stored, provider_message=None):
        """The values of a status banner: ``stored`` is a message, a
        connector error, a text or None."""
        if isinstance(stored, Exception):
            provider_message = provider_message or getattr(stored, "provider_message", None)
            stored = msgs.from_exception(stored)
        if isinstance(stored, str):
            stored = {"text": stored}
        stored = stored or {}
        code = stored.get("code") or False
        return {"state_code": code, "state_args": msgs._plain(stored.get("args")) if code else False,
                "state_note": False if code else (stored.get("text") or False),
                "state_provider_message": provider_message or False}

    # --- problems as activities, in the responsible's language --------------------------
    def _problem_activities(self, problem):
        """The open activities of ``problem`` on these connections (also
        those written before activities carried their problem)."""
        summaries = {self.with_context(lang=code)._problem_summary(problem)
                     for code, _name in self.env["res.lang"].get_installed()}
        return self.sudo().activity_ids.filtered(
            lambda a: a.accounting_problem == problem or (not a.accounting_problem and a.summary in summaries))

    def _problem_user(self):
        self.ensure_one()
        return (self.user_id or self.company_id.partner_id.user_ids[:1] or self.env.ref("base.user_admin"))

    def _raise_problem(self, problem, note):
        """Create, or refresh, the single open activity for this problem;
        ``note`` (a message or a text) and the summary are written in the
        language of the person it is assigned to; the note is plain text
        (names and the provider's words are escaped, never read as HTML)."""
        activity_type = self.env.ref("pos_accounting_sync.mail_activity_accounting_sync_problem")
        for rec in self.sudo():
            existing = rec._problem_activities(problem)
            user = existing[:1].user_id or rec._problem_user()
            lang = user.lang or "en_US"
            text = Markup("<p>%s</p>") % Markup("<br/>").join(msgs.render(self.env, note, lang).splitlines())
            summary = rec.with_context(lang=lang)._problem_summary(problem)
            if existing:
                existing[:1].write({"note": text, "summary": summary, "accounting_problem": problem})
                continue
            rec.activity_schedule(activity_type_id=activity_type.id, summary=summary, note=text,
                                  user_id=user.id, accounting_problem=problem)

    def _close_problem(self, problem, feedback):
        self._problem_activities(problem).action_feedback(feedback)
