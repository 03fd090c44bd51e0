"""What the sync log shows an accountant about one line: the line it waits
for (a link), the lines waiting on it, and the request and answer as
readable, indented text instead of escaped JSON on one line."""

import contextlib
import json
from urllib.parse import parse_qsl

from odoo import _, api, fields, models
from .accounting_access import USER, check_action

#: a transitive "waiting on this" list stops here (a shift has a handful of lines)
MAX_WAITING = 200


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


class AccountingSyncJobDisplay(models.Model):
    _inherit = "accounting.sync.job"

    blocked_by_id = fields.Many2one(
        "accounting.sync.job", string="Waits For", readonly=True, ondelete="set null",
        index="btree_not_null",
        help="The document that has to go out before this one (set while this line is blocked).")
    waiting_job_ids = fields.Many2many(
        "accounting.sync.job", compute="_compute_waiting", string="Waiting on This",
        help="Documents that go out only once this one has.")
    waiting_count = fields.Integer(compute="_compute_waiting", string="Waiting")
    request_text = fields.Text(compute="_compute_exchange_text", string="Request Sent")
    response_text = fields.Text(compute="_compute_exchange_text", string="Answer Received")

    def init(self):
        res = super().init()
        # the blocker's "waiting" list and the readable-reference check search these
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS accounting_sync_job_chain_all_idx
            ON accounting_sync_job (chain) WHERE chain IS NOT NULL
        """)
        return res

    # --- the line it waits for ------------------------------------------------
    def write(self, vals):
        if vals.get("state") and vals["state"] != "blocked" and "blocked_by_id" not in vals:
            vals = dict(vals, blocked_by_id=False)  # a line leaving "blocked" waits for nothing
        return super().write(vals)

    def _block(self, cause):
        result = super()._block(cause)
        self.sudo().write({"blocked_by_id": cause.id})
        return result

    def action_open_blocker(self):
        check_action(self, USER)
        self.ensure_one()
        return self.blocked_by_id._open_form_action()

    def _open_form_action(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "views": [(False, "form")], "target": "current"}

    # --- the lines waiting on it ----------------------------------------------
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

    @api.depends("state", "dependant_ids.state")
    def _compute_waiting(self):
        for job in self:
            waiting = job._waiting_jobs() if job.id and job.state not in ("done", "cancelled") else self.browse()
            # sudo above: the reader sees only lines their rules allow
            waiting = self.browse(waiting.ids)._filtered_access("read") if waiting else waiting
            job.waiting_job_ids = waiting
            job.waiting_count = len(waiting)

    def action_open_waiting(self):
        check_action(self, USER)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("pos_accounting_sync.action_accounting_sync_job")
        action.update(name=_("Waiting on %(doc)s", doc=self.display_name),
                      domain=[("id", "in", self.waiting_job_ids.ids)], context={"create": False})
        return action

    # --- request and answer ---------------------------------------------------
    @api.depends("request_body", "response_body", "state", "error_message")
    def _compute_exchange_text(self):
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
        if self.state == "failed" and self.error_kind == "data":
            return _("Nothing was sent: the document could not be prepared from Odoo (see the reason above).")
        if self.state == "cancelled":
            return _("Nothing was sent: the document was cancelled.")
        if self.state == "done":
            return _("Nothing was sent: the document was already in the accounting system.")
        return _("Nothing was sent yet.")
