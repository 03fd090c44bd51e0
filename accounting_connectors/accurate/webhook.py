"""Accurate webhook bodies -> :class:`~..client.WebhookEvent` list.

A delivery is a JSON array of envelopes ``{uuid, type, databaseId, data}``;
each ``data`` entry names one changed record by ``<camelType>Id`` /
``<camelType>No`` and says ``action`` WRITE or DELETE (accurate-notes 4).
Entries carry ids only: the content is fetched with ``detail.do``.
"""

import json

from ..client import WebhookEvent


def camel(event_type):
    """``PURCHASE_INVOICE`` -> ``purchaseInvoice``."""
    head, *rest = (event_type or "").lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def _entry_key(entry, prefix, suffixes, fallbacks):
    for suffix in suffixes:
        if entry.get(prefix + suffix) not in (None, ""):
            return str(entry[prefix + suffix])
    for key in fallbacks:
        if entry.get(key) not in (None, ""):
            return str(entry[key])
    return ""


def parse(body):
    """Events in ``body`` (bytes, text or already decoded JSON).

    Raises ValueError with a readable reason for anything that is not an
    Accurate webhook delivery; a single envelope object is accepted too.
    """
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        if not body.strip():
            raise ValueError("The webhook request had an empty body.")
        try:
            body = json.loads(body)
        except ValueError:
            raise ValueError("The webhook body is not JSON: %r" % body[:80]) from None
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise ValueError("The webhook body should be a list of events, got %s." % type(body).__name__)
    events = []
    for position, envelope in enumerate(body):
        if not isinstance(envelope, dict) or not envelope.get("type"):
            raise ValueError("Webhook event #%d has no type; this is not an Accurate webhook."
                             % (position + 1))
        prefix = camel(envelope["type"])
        data = envelope.get("data")
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise ValueError("Webhook event #%d (%s) has no data list." % (position + 1, envelope["type"]))
        for entry in data:
            if not isinstance(entry, dict):
                raise ValueError("Webhook event #%d (%s) has a data entry that is not an object."
                                 % (position + 1, envelope["type"]))
            remote_id = _entry_key(entry, prefix, ("Id",), ("id",))
            if not remote_id:
                raise ValueError("Webhook event #%d (%s) names a record without an id."
                                 % (position + 1, envelope["type"]))
            events.append(WebhookEvent(
                uuid=str(envelope.get("uuid") or ""),
                type=str(envelope["type"]),
                database_id=str(envelope.get("databaseId") or ""),
                action=str(entry.get("action") or "WRITE").upper(),
                remote_id=remote_id,
                number=_entry_key(entry, prefix, ("No", "Number"), ("number", "no")),
            ))
    return events
