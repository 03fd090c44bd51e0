"""A dry run of a post: the request a client would send for a document,
built by the client's own mapping code, without any HTTP.

:meth:`.client.BaseClient.preview` swaps the client's transport for a
:class:`PreviewTransport` while it runs ``post(document)``: the first write
is captured and stops the post before anything leaves; a read (a look-up the
provider needs to shape the payload) stops it too, and the preview says what
it would have read. Provider clients answer their name look-ups offline
while previewing (see ``jurnal/preview.py``), from what the caller already
knows (the chart of accounts fetched into Odoo).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: placeholder put where a remote name is read only when sending
REMOTE_NAME = "<%s %s in %s>"


class Captured(BaseException):
    """The first write of a previewed post (BaseException: no error handler
    of the client may take it for a failure)."""

    def __init__(self, request):
        super().__init__(request.get("path"))
        self.request = request


class NeedsRemote(BaseException):
    """The payload depends on what the accounting system holds (``reason``)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Preview:
    """What ``post`` would send: ``method`` and ``path`` (the API path, no
    host), ``body`` (the JSON payload as a dict, secrets masked), or, when
    the payload depends on remote data, ``method`` None and ``note`` saying
    which. ``placeholders``: remote names shown as ``<...>`` (read when sending)."""

    method: str | None
    path: str | None
    body: dict | list | None
    note: str = ""
    placeholders: list = field(default_factory=list)

    def pretty(self):
        """The body as indented JSON text ("" when there is none)."""
        if self.body is None:
            return ""
        return json.dumps(self.body, indent=2, ensure_ascii=False, sort_keys=True, default=str)


class PreviewTransport:
    """Stands in for :class:`~.http.Transport` during a preview."""

    limiter = None

    def __init__(self, redactor):
        self.redactor = redactor
        self.writes = 0

    def request(self, method, url, *, params=None, json_body=None, data=None, headers=None,
                sign=None, timeout=None):
        method = method.upper()
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        if method in ("GET", "HEAD"):
            raise NeedsRemote("it reads %s %s first" % (method, parts.path))
        body = json_body
        if body is None and data:
            body = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
        if body is not None:  # secrets never leave a client unmasked, not even in a preview
            body = json.loads(self.redactor.text(json.dumps(body, default=str)))
        raise Captured({"method": method, "path": path, "body": body})


def run(client, document):
    """Run ``client.post(document)`` with no network; return a :class:`Preview`.
    A mapping the post would fail on raises the same ConnectorError here."""
    saved = client.transport
    client.transport = PreviewTransport(client.redactor)
    try:
        client.post(document)
    except Captured as cap:
        req = cap.request
        return Preview(req["method"], req["path"], req["body"],
                       placeholders=sorted(set(_placeholders(req["body"]))))
    except NeedsRemote as need:
        return Preview(None, None, None, note="The %s payload depends on what %s already holds (%s); "
                       "the dry run does not read it." % (document.kind.replace("_", " "),
                                                          client.provider.capitalize(), need.reason))
    finally:
        client.transport = saved
    return Preview(None, None, None, note="Nothing would be sent for this document.")


def _placeholders(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders(item)
    elif isinstance(value, str) and value.startswith("<") and value.endswith(">") and " in " in value:
        yield value
