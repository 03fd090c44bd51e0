"""Why a document failed, as records: what lets a failure be retried by
itself once its cause is fixed in Odoo (a SKU set, a mapping added, a
customer corrected), on every connection, in chain order.

A job keeps its causes in ``cause_refs``: Odoo records as ``model,id`` and
remote codes that no longer exist as ``remote:<kind>:<code>``, between
``|`` (``|product.product,7|pos.payment.method,2|``). Feature code raises
:class:`SyncDataError` naming the records to fix; the hooks in
``accounting_sync_fix_hooks.py`` put back the failed jobs whose cause was
changed."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from . import accounting_messages as msgs
from .accounting_access import USER, check_action

#: job kinds whose own source record is the cause of a refusal (its data)
SELF_CAUSED_KINDS = ("item", "customer")
SEP = "|"


class SyncDataError(UserError):
    """A document cannot be built until Odoo data is fixed. ``causes``: the
    records (recordsets) or cause tokens (str) to fix; the message names them."""

    def __init__(self, message, causes=()):
        super().__init__(message)
        self.causes = causes


def cause_tokens(causes):
    """``causes`` (records, recordsets, tokens, or a list of them) as tokens."""
    if not causes:
        return []
    if isinstance(causes, (str, models.BaseModel)):
        causes = [causes]
    tokens = []
    for cause in causes:
        if isinstance(cause, str):
            tokens.append(cause)
        elif isinstance(cause, models.BaseModel):
            tokens += ["%s,%s" % (rec._name, rec.id) for rec in cause if rec.id]
    return list(dict.fromkeys(tokens))


def remote_token(kind, code):
    """The token of a remote code that no longer exists (kind: account, warehouse, tax)."""
    return "remote:%s:%s" % (kind, code)


def tokens_of(refs):
    return [t for t in (refs or "").split(SEP) if t]


class AccountingSyncJobCause(models.Model):
    _inherit = "accounting.sync.job"

    cause_refs = fields.Char(
        string="Caused by", readonly=True, copy=False,
        help="What made the document fail (Odoo records, remote codes): when one of them is fixed "
             "in Odoo, the document is sent again by itself.")
    failed_at = fields.Datetime(readonly=True, copy=False, help="When it last failed.")
    cause_display = fields.Text(string="To fix", compute="_compute_cause_display")

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

    # --- recording the cause --------------------------------------------------------
    def _fail(self, kind, message, client=None, exc=None, duration=0.0, causes=None):
        tokens = cause_tokens(causes)
        if not tokens and self.kind in SELF_CAUSED_KINDS and kind in ("data", "permanent"):
            # a product or customer refused for its own data: fixing it is the cure
            tokens = ["%s,%s" % (self.res_model, self.res_id)]
        self.write({"cause_refs": tokens and SEP + SEP.join(tokens) + SEP or False,
                    "failed_at": fields.Datetime.now()})
        return super()._fail(kind, message, client=client, exc=exc, duration=duration)

    def _build_document(self):
        """Before anything is built or sent: every item of the chain is
        checked at once (each fails with its own reason, not one per
        attempt); then the document is checked against the last mapping
        health result (``accounting_mapping_health_check.py``)."""
        if self.cause_refs:
            self.cause_refs = False
        if self.chain and self._fail_unpostable_items() and self.state == "failed":
            return None
        document = super()._build_document()
        if document is not None and self._fail_on_mapping_health(document):
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
        """Overridden by the mapping health check; True when it failed the job."""
        return False

    # --- retrying what was fixed ------------------------------------------------------
    def action_retry(self):
        """Retry on a product's or customer's line retries that record's failed
        lines on every connection the user may read (their companies' only:
        the search applies the user's record rules, never sudo)."""
        check_action(self, USER)
        masters = self.filtered(lambda j: j.kind in SELF_CAUSED_KINDS)
        siblings = self.browse()
        if masters:
            pairs = {(j.res_model, j.res_id) for j in masters}
            domain = [("state", "=", "failed"), ("kind", "in", SELF_CAUSED_KINDS), ("id", "not in", self.ids)]
            terms = [["&", ("res_model", "=", m), ("res_id", "=", i)] for m, i in sorted(pairs)]
            domain += ["|"] * (len(terms) - 1) + [t for term in terms for t in term]
            siblings = self.search(domain)
        return super(AccountingSyncJobCause, self | siblings).action_retry()

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
        jobs.write({
            "state": "pending", "attempts": 0, "next_attempt_at": fields.Datetime.now(),
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

    def _on_success(self, result, client, duration, adopted=None):
        """A customer or an item now exists remotely: what failed waiting for
        it on this connection goes again."""
        released_at, held = self.next_attempt_at, self._dependants().filtered(lambda j: j.state == "blocked")
        res = super()._on_success(result, client, duration, adopted=adopted)
        # what it held back keeps its place in the queue (not behind what was retried meanwhile)
        held.filtered(lambda j: j.state == "pending" and released_at
                      and j.next_attempt_at > released_at).next_attempt_at = released_at
        self._keep_blocked_behind_failures()
        if self.kind in SELF_CAUSED_KINDS:
            record = self.env[self.res_model].browse(self.res_id)
            self._requeue_fixed(record, self.connection_id, reason=record.display_name)
        return res

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
