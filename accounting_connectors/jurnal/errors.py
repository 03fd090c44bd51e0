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


def error_for(method, result):
    status, write = result.status, method != "GET"
    ctx = dict(status=status, request=result.request, response=result.response)
    try:
        data = result.json()
    except ConnectorError:
        data = None  # an HTML gateway page: the status says enough
    words = provider_message(data) if data is not None else ""
    if status in (401, 403):
        skew = clock_skew(result.headers.get("Date"))
        if skew is not None and abs(skew) > MAX_SKEW:
            return AuthError(
                "This server's clock is %d minutes %s Jurnal's; Jurnal only accepts requests signed "
                "within 5 minutes of its own time. Correct the server time (NTP), then test again."
                % (round(abs(skew) / 60), "behind" if skew > 0 else "ahead of"),
                provider_message=words, **ctx)
        return AuthError(
            "Jurnal refused the credentials (HTTP %s%s). Check the client ID and client secret of the "
            "Mekari application (or the API key), and that this server's clock is right: a request is "
            "only valid for 5 minutes." % (status, ": " + words if words else ""),
            provider_message=words, **ctx)
    if status == 429:
        if "monthly limit" in (words + " " + result.text).lower():  # JSON or a bare text body
            return QuotaExceededError(
                "Jurnal's monthly API package for this company is used up (%s). Nothing more can be sent "
                "until next month or until the package is upgraded in Jurnal." % words,
                provider_message=words, **ctx)
        retry = result.headers.get("Retry-After")
        return RateLimitedError("Jurnal says too many requests (%s); waiting before sending more."
                                % (words or "rate limit exceeded"), provider_message=words,
                                retry_after=float(retry) if retry and retry.isdigit() else 60.0, **ctx)
    if status >= 500 or status == 0:
        what = "Jurnal had a server error (HTTP %s)%s" % (status, ": " + words if words else "")
        if data is None:
            what = "Jurnal answered with an error page instead of data (HTTP %s)" % status
        if write:
            return AmbiguousError(what + "; the document may or may not have been saved.",
                                  provider_message=words, **ctx)
        return TransientError(what + "; try again later.", provider_message=words, **ctx)
    if data is None:
        return ConnectorError("Jurnal answered HTTP %s with a page that is not data." % status, **ctx)
    lowered = words.lower() + " " + str(data.get("custom_id") if isinstance(data, dict) else "").lower()
    # a product's code is our reference too (the SKU): taken means Jurnal already has it
    if status == 409 or "product code has already been taken" in lowered or (
            "custom" in lowered and ("already been used" in lowered or "already been taken" in lowered)):
        return DuplicateError("Jurnal already has a document with this reference: %s" % words,
                              provider_message=words, **ctx)
    return ValidationError("Jurnal refused it: %s" % (words or "HTTP %s" % status),
                           provider_message=words or None, **ctx)


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
