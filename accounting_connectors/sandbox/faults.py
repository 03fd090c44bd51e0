"""Fault injection: what the real services cannot be asked to produce.

A fault is queued through ``POST /_sandbox/faults`` (or
:meth:`SandboxServer.add_fault`) and consumed by the next matching requests.
Kinds:

- ``latency``: wait ``seconds`` then handle normally;
- ``429`` / ``500`` / ``502`` / ``503``: answer that status without handling;
- ``reset``: close the connection before handling (nothing applied);
- ``commit_drop``: handle (the document is saved) then close the
  connection without answering: the ambiguous case;
- ``timeout``: handle, then hold the answer ``seconds`` (longer than the
  client's read timeout) before sending it;
- ``html``: a gateway's 502 HTML page, without handling;
- ``commit_502`` / ``commit_504``: handle (the document is saved), then
  answer that gateway status with an HTML page, as a proxy does when the
  backend committed but its answer was lost;
- ``empty``: answer 2xx (Jurnal 201, Accurate 200; ``status`` overrides)
  holding no document, WITHOUT handling (nothing is saved). ``body`` gives
  the exact answer text (default: an empty body), e.g. ``{}`` for Jurnal
  or ``{"s": true}`` for Accurate;
- ``not_found``: the provider's answer for a document it does not have
  (Accurate: HTTP 200 ``{"s": false, "d": ["<document> tidak tepat"]}``;
  Jurnal: 422 ``{"errors": "Unprocessable Entity"}``), WITHOUT handling:
  a read that has not caught up with a document just created;
- ``quota``: Jurnal's monthly API package used up: 429
  ``{"message": "Monthly limit exceeded. Please wait until next month or
  upgrade your package."}`` (Jurnal only; ``provider`` "*" means Jurnal).

A spec is ``{"kind", "count": 1, "provider": "*", "method": "*",
"path_contains": "", "seconds": 0, "status": 0, "body": null}``; anything
else is refused with ValueError (the admin endpoint answers 400).
"""

import math
import threading
from dataclasses import dataclass

KINDS = ("latency", "429", "500", "502", "503", "reset", "commit_drop", "timeout", "html",
         "commit_502", "commit_504", "empty", "quota", "not_found")
PROVIDERS = ("*", "accurate", "jurnal")
METHODS = ("*", "GET", "POST", "PUT", "PATCH", "DELETE")
#: Jurnal's words when the monthly API package is used up (jurnal-notes.md, rate limits)
QUOTA_MESSAGE = "Monthly limit exceeded. Please wait until next month or upgrade your package."


@dataclass
class Fault:
    kind: str
    count: int = 1
    provider: str = "*"
    method: str = "*"
    path_contains: str = ""
    seconds: float = 0.0
    status: int = 0  # "empty": the 2xx to answer (0 = the provider's create status)
    body: str | None = None  # "empty": the exact answer text

    def matches(self, request):
        return (
            self.count > 0
            and self.provider in ("*", request.provider)
            and self.method in ("*", request.method)
            and self.path_contains in request.path
        )


class FaultQueue:
    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()

    def add(self, kind, count=1, provider="*", method="*", path_contains="", seconds=0.0,
            status=0, body=None):
        """Queue a fault; ValueError (a sentence naming the bad value) for
        anything but the spec in the module's docstring."""
        fault = _checked(kind, count, provider, method, path_contains, seconds, status, body)
        with self._lock:
            self._faults.append(fault)

    def take(self, request):
        with self._lock:
            for fault in self._faults:
                if fault.matches(request):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self):
        with self._lock:
            self._faults.clear()

    def pending(self):
        with self._lock:
            return [f.__dict__.copy() for f in self._faults]


def _checked(kind, count, provider, method, path_contains, seconds, status, body):
    def whole(value):
        return isinstance(value, int) and not isinstance(value, bool)

    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError("unknown fault kind %r; one of %s" % (kind, ", ".join(KINDS)))
    if not whole(count) or count < 1:
        raise ValueError("count must be a whole number of 1 or more, not %r" % (count,))
    if provider not in PROVIDERS:
        raise ValueError("unknown provider %r; one of %s" % (provider, ", ".join(PROVIDERS)))
    method = method.upper() if isinstance(method, str) else method
    if method not in METHODS:
        raise ValueError("method must be one of %s, not %r" % (", ".join(METHODS), method))
    if not isinstance(path_contains, str):
        raise ValueError("path_contains must be text, not %r" % (path_contains,))
    if (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds)
            or seconds < 0):
        raise ValueError("seconds must be a number of 0 or more, not %r" % (seconds,))
    if not whole(status) or (status and not 200 <= status < 300):
        raise ValueError("status must be a 2xx status (for an empty answer), not %r" % (status,))
    if body is not None and not isinstance(body, str):
        raise ValueError("body must be the answer's text (a string), not %r" % (body,))
    if kind == "quota":
        if provider == "accurate":
            raise ValueError("Accurate has no monthly API quota; the quota fault is Jurnal's")
        provider = "jurnal"
    return Fault(kind, count, provider, method, path_contains, float(seconds), status, body)
