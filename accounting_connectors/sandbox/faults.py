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
  client's read timeout) before sending it.
"""

import threading
from dataclasses import dataclass

KINDS = ("latency", "429", "500", "502", "503", "reset", "commit_drop", "timeout", "html")


@dataclass
class Fault:
    kind: str
    count: int = 1
    provider: str = "*"
    method: str = "*"
    path_contains: str = ""
    seconds: float = 0.0

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

    def add(self, kind, count=1, provider="*", method="*", path_contains="", seconds=0.0):
        if kind not in KINDS:
            raise ValueError("unknown fault %r; one of %s" % (kind, ", ".join(KINDS)))
        with self._lock:
            self._faults.append(Fault(kind, int(count), provider, method.upper() if method != "*" else "*",
                                      path_contains, float(seconds)))

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
