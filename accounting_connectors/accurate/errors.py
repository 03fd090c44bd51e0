"""Accurate's answers turned into the connector's error taxonomy: the
provider's own words, pulled out of whichever shape the body has."""

import re

from ..errors import DuplicateError, ValidationError
from . import mapping

#: Accurate's words for "this number is taken"; the exact text is not public
DUPLICATE_RE = re.compile(r"sudah (digunakan|dipakai|ada|terdaftar)|already (been )?(used|exist)|duplicat",
                          re.I)


def join_messages(messages):
    if isinstance(messages, (list, tuple)):
        return "; ".join(join_messages(m) for m in messages if m not in (None, ""))
    if isinstance(messages, dict):
        return join_messages(messages.get("d") or messages.get("message") or list(messages.values()))
    return str(messages or "")


def refusal(messages, **ctx):
    """ValidationError (or DuplicateError) carrying Accurate's own words."""
    text = join_messages(messages)
    if not text:
        return ValidationError(code="accurate.refused_silently", **ctx)
    cls = DuplicateError if DUPLICATE_RE.search(text) else ValidationError
    return cls(code="accurate.refused", params={"provider": text}, provider_message=text, **ctx)


def decode(result):
    try:
        return mapping.loads(result.text) if result.text else None
    except ValueError:
        return result.json()  # raises the transport's plain-words error


def provider_text(result):
    """The provider's message out of any error body (JSON or not)."""
    try:
        body = mapping.loads(result.text)
    except ValueError:
        return " ".join(result.text.split())[:200] or "HTTP %s" % result.status
    if isinstance(body, dict):
        for key in ("d", "error_description", "error", "message", "m"):
            if body.get(key):
                return join_messages(body[key])
    return join_messages(body)
