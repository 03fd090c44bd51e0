"""The small error taxonomy the sync engine acts on.

Each class says what the engine must do next, not what went wrong on the
wire; ``message`` is meant for an accountant (the provider's own words where
there are some), never a traceback.
"""

import re
from datetime import date

from .messages import render

#: a refusal for a locked or closed period, in Indonesian or English, as
#: Jurnal (Kunci Periode, Tutup Buku) and Accurate (Tutup Buku) word it
PERIOD_LOCK_RE = re.compile(
    r"kunci periode|tutup buku|periode\b.{0,40}\b(dikunci|ditutup)|\block(ed)? (date|period)|"
    r"closed period|period (is |has been )?(locked|closed)|closing date", re.I)
DATE_RE = re.compile(r"\b(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


class ConnectorError(Exception):
    """Base class. ``kind`` is stored on the sync job.

    ``code`` names the sentence in :data:`.messages.TEXTS` and ``params``
    (a dict of plain values) fills it: the English ``message`` is rendered
    from both, and an application renders the same code in its reader's
    language. ``provider_message`` is what the provider said, as it came
    ("" when it said nothing). A bare ``message`` without a code is kept
    for callers outside this package (code ``None``)."""

    kind = "permanent"
    #: may the same request simply be sent again later?
    retryable = False

    def __init__(self, message=None, *, code=None, params=None, status=None, provider_message=None,
                 retry_after=None, request=None, response=None):
        self.code = code
        self.params = dict(params or {})
        if code is not None:
            rendered = render(code, self.params)
            if rendered is None:
                raise KeyError("unknown connector message code %r" % code)
            message = rendered
        super().__init__(message)
        self.message = message or ""
        self.status = status
        self.provider_message = provider_message or ""
        self.retry_after = retry_after
        #: redacted copies of the exchange, for the sync log
        self.request = request
        self.response = response

    def __str__(self):
        return self.message

    def recast(self, cls, **ctx):
        """The same sentence as another class of the taxonomy (e.g. a
        refusal that means "not found"), with its exchange copies."""
        values = dict(code=self.code, params=self.params, status=self.status,
                      provider_message=self.provider_message, request=self.request, response=self.response)
        values.update(ctx)
        return cls(None if self.code else self.message, **values)


class TransientError(ConnectorError):
    """Nothing was applied remotely (5xx before processing, connection
    refused): retry later with backoff."""

    kind = "transient"
    retryable = True


class RateLimitedError(TransientError):
    """The provider (or our own limiter) says slow down: wait
    ``retry_after`` seconds. A monthly quota exhaustion is not this: it is
    permanent until an admin acts."""

    kind = "rate_limited"


class AuthError(ConnectorError):
    """Credentials are wrong, revoked or out of scope: stop this connection
    and tell its administrator."""

    kind = "auth"


class ValidationError(ConnectorError):
    """The provider refused the document (unknown item, duplicate number...):
    fail with its message; retrying the same payload cannot help."""

    kind = "permanent"


class DuplicateError(ValidationError):
    """The remote system already has a document with our reference."""

    kind = "duplicate"


class QuotaExceededError(ConnectorError):
    """A plan's quota is used up (Jurnal's monthly API package): waiting
    minutes will not help, an administrator must act."""

    kind = "quota"


class AmbiguousError(ConnectorError):
    """The request may have been applied (timeout or reset after sending, a
    gateway error after the body left): look the document up by our
    reference before any retry."""

    kind = "ambiguous"


class ConfigurationError(ConnectorError):
    """Missing or malformed settings on our side (no secret, bad URL)."""

    kind = "auth"


class NotFoundError(ValidationError):
    """The remote system has no such document (deleted, or never there)."""

    kind = "not_found"


class PeriodLockedError(ValidationError):
    """The accounting system's books are locked for the document's date
    (Jurnal's *Kunci Periode* / *Tutup Buku*, Accurate's *Tutup Buku*): it
    refuses creating, changing or deleting anything dated on or before
    ``locked_until`` (a ``date``, None when the refusal did not say). The same
    request cannot go through until an accountant reopens the period, or the
    document is dated after it: never retry it in a loop."""

    kind = "period_locked"

    def __init__(self, message=None, *, locked_until=None, **kwargs):
        super().__init__(message, **kwargs)
        self.locked_until = locked_until


class NotApprovedError(ValidationError):
    """The document depends on one the accounting system keeps unapproved
    (Accurate's ``approvalStatus`` other than APPROVED, e.g. a sales invoice
    saved as draft): it goes once a person approves that one there."""

    kind = "unapproved"


#: every ``kind`` a ConnectorError (of any subclass, here or in a provider
#: package) can carry: the job's error-kind choices must cover each one.
#: ``tests/test_errors.py`` checks this tuple against the classes.
ERROR_KINDS = ("permanent", "transient", "rate_limited", "auth", "duplicate", "quota", "ambiguous", "not_found",
               "period_locked", "unapproved")


def period_lock(words):
    """Whether the provider's ``words`` (str) refuse a locked period, and
    the last day locked they name: ``(True, date | None)``, else
    ``(False, None)``. Dates are read as dd/mm/yyyy (both providers' order)
    or ISO yyyy-mm-dd; the last date named is the lock date."""
    words = words or ""
    if not PERIOD_LOCK_RE.search(words):
        return False, None
    found = None
    for match in DATE_RE.finditer(words):
        day, month, year = (match.group(1, 2, 3) if match.group(1) else
                            (match.group(6), match.group(5), match.group(4)))
        try:
            found = date(int(year), int(month), int(day))
        except ValueError:
            continue
    return True, found


def period_locked(words, code, undated_code, params=None, **ctx):
    """The PeriodLockedError of a refusal ``words`` (already known to be
    one, see :func:`period_lock`), with sentence ``code`` (params
    ``provider`` and ``until``, the lock date as ISO text), or
    ``undated_code`` (``provider`` only) when the words name no date."""
    _locked, until = period_lock(words)
    params = dict(params or {}, provider=words)
    if until:
        params["until"] = until.isoformat()
    else:
        code = undated_code
    return PeriodLockedError(code=code, params=params, provider_message=words, locked_until=until, **ctx)
