"""Jurnal's answers turned into the connector's error taxonomy, with
Jurnal's own words from whichever of its error shapes came back."""

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from ..errors import (
    AmbiguousError,
    AuthError,
    ConnectorError,
    DuplicateError,
    QuotaExceededError,
    RateLimitedError,
    TransientError,
    ValidationError,
    period_lock,
    period_locked,
)

#: Jurnal refuses a signature whose Date is further than this from its clock
MAX_SKEW = 300


def clock_skew(date_header):
    """Seconds the provider's clock (its Date header) is ahead of ours, or
    None without a usable header."""
    try:
        theirs = parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return None
    return (theirs - datetime.now(timezone.utc)).total_seconds()


def error_for(result, write):
    """The error of an answer outside 2xx (``write``: the request may have
    saved something, so a server error leaves the outcome unknown)."""
    status = result.status
    ctx = dict(status=status, request=result.request, response=result.response)
    try:
        data = result.json()
    except ConnectorError:
        data = None  # an HTML gateway page: the status says enough
    words = provider_message(data) if data is not None else ""
    if status in (401, 403):
        skew = clock_skew(result.headers.get("Date"))
        if skew is not None and abs(skew) > MAX_SKEW:
            return AuthError(code="jurnal.clock_behind" if skew > 0 else "jurnal.clock_ahead",
                             params={"minutes": round(abs(skew) / 60)}, provider_message=words, **ctx)
        return AuthError(code="jurnal.auth_refused" if words else "jurnal.auth_refused_silent",
                         params={"status": status, "provider": words}, provider_message=words, **ctx)
    if status == 429:
        if "monthly limit" in (words + " " + result.text).lower():  # JSON or a bare text body
            return QuotaExceededError(code="jurnal.quota", params={"provider": words},
                                      provider_message=words, **ctx)
        retry = result.headers.get("Retry-After")
        return RateLimitedError(code="jurnal.slow_down", params={"provider": words or "rate limit exceeded"},
                                provider_message=words,
                                # bare (Jurnal's usual 429): the limiter waits for the window to roll
                                retry_after=float(retry) if retry and retry.isdigit() else None, **ctx)
    if status >= 500 or status == 0:
        cls = AmbiguousError if write else TransientError
        if data is None:
            code = "jurnal.error_page_write" if write else "jurnal.error_page"
        elif words:
            code = "jurnal.server_error_said_write" if write else "jurnal.server_error_said"
        else:
            code = "jurnal.server_error_write" if write else "jurnal.server_error"
        return cls(code=code, params={"status": status, "provider": words}, provider_message=words, **ctx)
    if data is None:
        return ConnectorError(code="jurnal.not_data", params={"status": status}, **ctx)
    lowered = words.lower() + " " + str(data.get("custom_id") if isinstance(data, dict) else "").lower()
    # a product's code is our reference too (the SKU): taken means Jurnal already has it
    if status == 409 or "product code has already been taken" in lowered or (
            "custom" in lowered and ("already been used" in lowered or "already been taken" in lowered)):
        return DuplicateError(code="jurnal.duplicate", params={"provider": words}, provider_message=words, **ctx)
    return refused(words, **ctx)


def refused(words, **ctx):
    """Jurnal's refusal of a document, in its own ``words`` (or its HTTP
    ``status`` when it gave none); ``ctx``: the error's status and copies.
    A refusal for a locked period (Kunci Periode / Tutup Buku) is a
    :class:`PeriodLockedError` carrying the lock date Jurnal names."""
    if period_lock(words)[0]:
        return period_locked(words, "jurnal.period_locked", "jurnal.period_locked_undated", **ctx)
    return ValidationError(code="jurnal.refused", params={"provider": words or "HTTP %s" % ctx.get("status")},
                           provider_message=words, **ctx)


def provider_message(data):
    """Jurnal's own words from any of its error shapes."""
    if isinstance(data, dict):
        if data.get("error_full_messages"):
            return "; ".join(str(m) for m in data["error_full_messages"])
        for key in ("errors", "message", "error"):
            value = data.get(key)
            if value:
                return "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts = []
        for key, value in data.items():  # {"<field>": ["<message>"]} or "(<message>)"
            if key != "id" and value:
                text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
                parts.append("%s %s" % (key.replace("_", " ").capitalize(), text))
        return "; ".join(parts)
    if isinstance(data, list):
        return "; ".join(map(str, data))
    return str(data or "")
