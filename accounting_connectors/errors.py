"""The small error taxonomy the sync engine acts on.

Each class says what the engine must do next, not what went wrong on the
wire; ``message`` is meant for an accountant (the provider's own words where
there are some), never a traceback.
"""

from .messages import render


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


#: every ``kind`` a ConnectorError (of any subclass, here or in a provider
#: package) can carry: the job's error-kind choices must cover each one.
#: ``tests/test_errors.py`` checks this tuple against the classes.
ERROR_KINDS = ("permanent", "transient", "rate_limited", "auth", "duplicate", "quota", "ambiguous", "not_found")
