"""Accurate's answers turned into the connector's error taxonomy: the
status map (:func:`error_for`, as :func:`..jurnal.errors.error_for`) and the
provider's own words, pulled out of whichever shape the body has."""

import re

from ..errors import (
    AmbiguousError,
    ConfigurationError,
    ConnectorError,
    DuplicateError,
    NotApprovedError,
    RateLimitedError,
    TransientError,
    ValidationError,
    period_lock,
    period_locked,
)
from ..jsonutil import loads
from .auth import auth_error
from .params import as_float

#: Accurate's words for "this number is taken"; the exact text is not public
#: Accurate's words for "the invoice this depends on is not approved" (our
#: reading of its approval feature: the exact text is not public)
UNAPPROVED_RE = re.compile(r"belum disetujui|not (yet )?approved|unapproved", re.I)
DUPLICATE_RE = re.compile(r"sudah (digunakan|dipakai|ada|terdaftar)|already (been )?(used|exist)|duplicat",
                          re.I)


def error_for(result, write):
    """The error of an answer other than 200 (``write``: the request may have
    saved something, so a server error leaves the outcome unknown)."""
    status = result.status
    ctx = {"status": status, "request": result.request, "response": result.response}
    if status in (401, 403):
        return auth_error(status, provider_text(result), result.request, result.response)
    if status == 429:
        retry = as_float(result.headers.get("Retry-After"), 1.0)
        return RateLimitedError(code="accurate.slow_down", params={"seconds": max(retry, 1)}, retry_after=retry,
                                provider_message=provider_text(result), **ctx)
    if status >= 500:
        if write:
            return AmbiguousError(code="accurate.server_error_write", params={"status": status},
                                  provider_message=provider_text(result), **ctx)
        return TransientError(code="accurate.server_error", params={"status": status},
                              provider_message=provider_text(result), **ctx)
    if status == 404:
        said = provider_text(result)
        return ConfigurationError(code="accurate.unknown_address", params={"provider": said},
                                  provider_message=said, **ctx)
    said = provider_text(result)
    return ConnectorError(code="accurate.http_error", params={"status": status, "provider": said},
                          provider_message=said, **ctx)


def join_messages(messages):
    if isinstance(messages, (list, tuple)):
        return "; ".join(join_messages(m) for m in messages if m not in (None, ""))
    if isinstance(messages, dict):
        return join_messages(messages.get("d") or messages.get("message") or list(messages.values()))
    return str(messages or "")


def refusal(messages, **ctx):
    """ValidationError (or DuplicateError, PeriodLockedError for a closed
    period, NotApprovedError for a document waiting on an unapproved one)
    carrying Accurate's own words."""
    text = join_messages(messages)
    if not text:
        return ValidationError(code="accurate.refused_silently", **ctx)
    if period_lock(text)[0]:
        return period_locked(text, "accurate.period_locked", "accurate.period_locked_undated", **ctx)
    if UNAPPROVED_RE.search(text):
        return NotApprovedError(code="accurate.not_approved", params={"provider": text}, provider_message=text,
                                **ctx)
    cls = DuplicateError if DUPLICATE_RE.search(text) else ValidationError
    return cls(code="accurate.refused", params={"provider": text}, provider_message=text, **ctx)


def decode(result):
    try:
        return loads(result.text) if result.text else None
    except ValueError:
        return result.json()  # raises the transport's plain-words error


def provider_text(result):
    """The provider's message out of any error body (JSON or not)."""
    try:
        body = loads(result.text)
    except ValueError:
        return " ".join(result.text.split())[:200] or "HTTP %s" % result.status
    if isinstance(body, dict):
        for key in ("d", "error_description", "error", "message", "m"):
            if body.get(key):
                return join_messages(body[key])
    return join_messages(body)
