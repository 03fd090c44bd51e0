"""Why a document failed, as tokens: what lets a failure be retried by
itself once its cause is fixed in Odoo (a SKU set, a mapping added, a
customer corrected), on every connection, in chain order.

A job keeps its causes in ``cause_refs``: Odoo records as ``model,id`` and
remote codes that no longer exist as ``remote:<kind>:<code>``, between
``|`` (``|product.product,7|pos.payment.method,2|``). Feature code raises
:class:`SyncDataError` naming the records to fix; the hooks in
``accounting_sync_fix_hooks.py`` put back the failed jobs whose cause was
changed (``accounting.sync.job._requeue_fixed``)."""

from odoo import models
from odoo.exceptions import UserError

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
    """The tokens of a job's ``cause_refs``."""
    return [t for t in (refs or "").split(SEP) if t]


def cause_refs(tokens):
    """``tokens`` as a job's ``cause_refs`` (False when there are none)."""
    return tokens and SEP + SEP.join(tokens) + SEP or False
