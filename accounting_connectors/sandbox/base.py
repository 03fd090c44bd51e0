"""Request/response types and routing shared by the provider imitations."""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qsl


class BadInput(Exception):
    """Malformed admin input (:mod:`.admin`, :mod:`.masters_admin`): answered
    ``status`` with the sentence, never a 500."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


@dataclass
class Request:
    method: str
    path: str
    query_string: str
    headers: dict  # keys lower-cased
    body: bytes = b""
    provider: str = ""
    #: the caller's IP address (Jurnal limits each address as well as each consumer)
    remote_addr: str = ""

    @property
    def args(self):
        """Query (and form body) parameters; last value wins."""
        values = dict(parse_qsl(self.query_string, keep_blank_values=True))
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            values.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return values

    @property
    def path_with_query(self):
        return self.path + ("?" + self.query_string if self.query_string else "")

    def json(self):
        if not self.body:
            return None
        try:
            # amounts stay exact, as in the real services
            return json.loads(self.body.decode("utf-8"), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list -> JSON, str -> text
    headers: dict = field(default_factory=dict)

    def encode(self):
        if isinstance(self.body, (dict, list)):
            self.headers.setdefault("Content-Type", "application/json")
            return json.dumps(self.body, default=str).encode("utf-8")
        self.headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        return (self.body or "").encode("utf-8")


class ProviderApp:
    """One imitated API. Subclasses register routes with :func:`route` and
    keep their own state; the server serialises calls with one lock."""

    name = ""
    #: path prefixes this app answers
    prefixes = ()
    #: codes the imitation is seeded with, by role, for tests and the demo:
    #: cash, bank, sales, discount, rounding, fee, adjustment (accounts),
    #: walkin (customer), warehouse
    seeded = {}

    def __init__(self, server):
        self.server = server
        self.reset()

    def reset(self):
        """Forget every document (credentials are kept)."""

    def credential_key(self, request):
        """Who is calling, for rate limits (None = not identified yet)."""
        return None

    def rate_limited_response(self):
        return Response(429, {"message": "API rate limit exceeded"})

    def dump(self, kind=None):
        """Documents held, for tests and the admin endpoint."""
        return {}

    def create_purchase(self, payload):
        """Admin: a purchase entered by a person in the accounting system."""
        raise NotImplementedError

    def edit_purchase(self, remote_id, payload):
        """Admin: a person edits that purchase document (same id, new version)."""
        raise NotImplementedError

    def delete_purchase(self, remote_id):
        """Admin: a person deletes that purchase document."""
        raise NotImplementedError

    def dispatch(self, request):
        for method, pattern, func in self._routes():
            if method != request.method and method != "*":
                continue
            match = pattern.fullmatch(request.path)
            if match:
                return func(self, request, **match.groupdict())
        return self.not_found(request)

    def not_found(self, request):
        return Response(404, {"message": "Not found"})

    def missing_document(self, request):
        """The provider's answer to a read of a document it does not have."""
        return self.not_found(request)

    @classmethod
    def _routes(cls):
        if "_route_table" in cls.__dict__:
            return cls._route_table
        routes = []
        for klass in reversed(cls.__mro__):
            for func in vars(klass).values():
                for method, pattern in getattr(func, "_sandbox_routes", ()):
                    routes.append((method, re.compile(pattern), func))
        cls._route_table = routes
        return routes


def route(method, pattern):
    """Register a handler: ``pattern`` is a regex over the whole path."""

    def deco(func):
        func._sandbox_routes = getattr(func, "_sandbox_routes", ()) + ((method, pattern),)
        return func

    return deco
