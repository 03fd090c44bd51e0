"""The sandbox HTTP server: routing to the provider imitations, admin
endpoints under ``/_sandbox``, fault injection, rate limits, webhooks."""

import collections
import copy
import json
import logging
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests

from . import admin
from .accurate import AccurateApp
from .base import BadInput, Request, Response
from .faults import QUOTA_MESSAGE, FaultQueue
from .jurnal import JurnalApp
from .limits import DEFAULT_LIMITS, Limits

_logger = logging.getLogger(__name__)

class SandboxServer:
    """Both APIs on one port. Use as a context manager in tests::

        with SandboxServer() as sandbox:
            client = make_client(sandbox.accurate_config())
    """

    def __init__(self, host="127.0.0.1", port=0, webhook_url=None, rate_limits=False):
        self.host = host
        self.port = port
        self.webhook_url = webhook_url
        self.rate_limits = rate_limits
        self.clock_offset = 0.0  # seconds added to the server's clock
        #: accept a repeated reference (as Jurnal's batch_create does): a
        #: client that re-sends blindly then makes a second document
        self.accept_duplicates = False
        self.faults = FaultQueue()
        self.lock = threading.RLock()
        self.request_count = collections.Counter()
        self.webhook_log = []
        self.limits = Limits(self.now)
        #: seconds every request of a provider takes before it is handled: {provider: seconds}
        self.latency = {}
        self.apps = [AccurateApp(self), JurnalApp(self)]
        self._httpd = None
        self._thread = None

    # --- lifecycle ---------------------------------------------------------
    @property
    def url(self):
        return "http://%s:%s" % (self.host, self.port)

    def start(self):
        handler = type("Handler", (_Handler,), {"sandbox": self})
        self._httpd = _Server((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        """Block until Ctrl-C (starting the server if it is not yet)."""
        if self._httpd is None:
            self.start()
        try:
            self._thread.join()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- helpers for tests and the admin endpoint --------------------------
    def now(self):
        return time.time() + self.clock_offset

    def app(self, name):
        return next(a for a in self.apps if a.name == name)

    def reset(self):
        with self.lock:
            for app in self.apps:
                app.reset()
            self.faults.clear()
            self.request_count.clear()
            self.webhook_log.clear()
            self.limits.reset()
            self.limits.config = copy.deepcopy(DEFAULT_LIMITS)
            self.latency = {}

    def add_fault(self, kind, **kwargs):
        self.faults.add(kind, **kwargs)

    def accurate_config(self, **kwargs):
        return self.app("accurate").client_config(**kwargs)

    def jurnal_config(self, **kwargs):
        return self.app("jurnal").client_config(**kwargs)

    def send_webhook(self, body):
        """POST ``body`` to the configured webhook URL from a thread, as the
        real service does after a document is saved."""
        url = self.webhook_url
        if not url:
            return

        def deliver():
            try:
                resp = requests.post(url, json=body, timeout=10)
                status = resp.status_code
            except requests.RequestException as exc:
                status = "error: %s" % exc
            self.webhook_log.append({"url": url, "body": body, "status": status})

        threading.Thread(target=deliver, daemon=True).start()

    # --- request handling --------------------------------------------------
    def handle(self, request):
        """Returns a Response, or a fault kind the handler must act on."""
        if request.path.startswith("/_sandbox"):
            return self._admin(request)
        app = next((a for a in self.apps if request.path.startswith(a.prefixes)), None)
        if app is None:
            return Response(404, "Not found")
        request.provider = app.name
        self.request_count[app.name] += 1
        if not self.rate_limits:
            return self._dispatch(app, request)
        key = app.credential_key(request)
        if not key:
            return self._dispatch(app, request)
        if app.name == "jurnal":
            refusal, headers = self.limits.jurnal_check(key, request.remote_addr)
            if refusal:  # bare: no Retry-After, as Jurnal answers
                return Response(429, refusal[1], headers)
            response = self._dispatch(app, request)
            response.headers.update(headers)
            return response
        if not self.limits.accurate_enter(key):
            return app.rate_limited_response()
        try:  # in flight until answered, the latency included
            return self._dispatch(app, request)
        finally:
            self.limits.accurate_leave(key)

    def _dispatch(self, app, request):
        if self.latency.get(app.name):
            time.sleep(self.latency[app.name])
        with self.lock:
            return app.dispatch(request)

    def _admin(self, request):
        """The admin endpoints; bad input is a 4xx with ``{"error": sentence}``."""
        try:
            return admin.handle(self, request)
        except BadInput as exc:
            return Response(exc.status, {"error": str(exc)})


class _Server(ThreadingHTTPServer):
    # many workers connect at once (benches, the in-flight cap): the default
    # backlog of 5 would delay connections by a SYN retry, not the service
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    sandbox = None
    protocol_version = "HTTP/1.1"
    # headers and body go out in two writes: without TCP_NODELAY, Nagle and
    # the client's delayed ACK add ~40 ms to every kept-alive request
    disable_nagle_algorithm = True

    def date_time_string(self, timestamp=None):
        # the Date header follows the sandbox clock, so clock-skew tests see it
        return super().date_time_string(self.sandbox.now() if timestamp is None else timestamp)

    def log_message(self, fmt, *args):  # quiet by default; -v shows them
        _logger.debug("%s " + fmt, self.address_string(), *args)

    def _serve(self):
        parts = urlsplit(self.path)
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            return self._send(Response(400, {"error": "Content-Length must be a number of bytes"}))
        body = self.rfile.read(length) if length else b""
        request = Request(self.command, parts.path, parts.query,
                          {k.lower(): v for k, v in self.headers.items()}, body,
                          remote_addr=self.client_address[0])
        fault = None
        if not request.path.startswith("/_sandbox"):
            app = next((a for a in self.sandbox.apps if request.path.startswith(a.prefixes)), None)
            request.provider = app.name if app else ""
            fault = self.sandbox.faults.take(request)
        if fault and fault.kind == "reset":
            return self._drop()
        if fault and fault.kind in ("429", "500", "502", "503", "html", "quota", "empty", "not_found"):
            return self._send(self._fault_response(fault, request))
        if fault and fault.kind == "latency":
            time.sleep(fault.seconds)
        try:
            response = self.sandbox.handle(request)
        except Exception:  # noqa: BLE001 - a sandbox bug must still answer
            _logger.exception("sandbox handler failed")
            response = Response(500, "<html><body>Internal Server Error</body></html>",
                                {"Content-Type": "text/html"})
        if fault and fault.kind == "commit_drop":
            return self._drop()
        if fault and fault.kind in ("commit_502", "commit_504"):
            response = self._fault_response(fault, request)
        if fault and fault.kind == "timeout":
            time.sleep(fault.seconds or 3.0)
        self._send(response)

    def _fault_response(self, fault, request):
        if fault.kind == "html":
            return Response(502, "<html><head><title>502 Bad Gateway</title></head>"
                                 "<body><h1>502 Bad Gateway</h1></body></html>",
                            {"Content-Type": "text/html"})
        if fault.kind == "429":
            app = self.sandbox.app(request.provider)
            return app.rate_limited_response()
        if fault.kind == "quota":
            return Response(429, {"message": QUOTA_MESSAGE})
        if fault.kind == "not_found":
            return self.sandbox.app(request.provider).missing_document(request)
        if fault.kind == "empty":
            status = fault.status or (201 if request.provider == "jurnal" else 200)
            return Response(status, fault.body or "", {"Content-Type": "application/json"})
        if fault.kind.startswith("commit_"):
            status = int(fault.kind.rpartition("_")[2])
            title = "Bad Gateway" if status == 502 else "Gateway Time-out"
            return Response(status, "<html><head><title>%s %s</title></head><body><h1>%s %s</h1></body></html>"
                            % (status, title, status, title), {"Content-Type": "text/html"})
        return Response(int(fault.kind), "<html><body><h1>%s</h1>Service unavailable</body></html>"
                        % fault.kind, {"Content-Type": "text/html"})

    def _send(self, response):
        data = response.encode()
        try:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _drop(self):
        """Close the socket abruptly (RST), answering nothing."""
        try:
            # linger on with a zero timeout: close() sends RST, not FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def dumps(value):
    return json.dumps(value, indent=2, default=str)
