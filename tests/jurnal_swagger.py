"""The official Jurnal Swagger file, for tests that check request bodies
against it (``shared/contracts/`` beside the repository, or $SHARED_DIR)."""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SKIP_REASON = ("Jurnal's Swagger file is not here (looked in ../shared/contracts and "
               "$SHARED_DIR/contracts); the request bodies cannot be checked against it")


def swagger_file():
    candidates = [Path(__file__).resolve().parents[2] / "shared/contracts/jurnal-swagger.json"]
    if os.environ.get("SHARED_DIR"):
        candidates.insert(0, Path(os.environ["SHARED_DIR"]) / "contracts/jurnal-swagger.json")
    return next((p for p in candidates if p.is_file()), None)


def load_swagger():
    """The parsed Swagger file; skips the calling test when it is absent."""
    path = swagger_file()
    if path is None:
        pytest.skip(SKIP_REASON)
    return json.loads(path.read_text(encoding="utf-8"))


def body_schema(swagger, method, path):
    """The body schema of the operation matching ``path``, with $refs
    resolvable against the file's definitions."""
    for template, ops in swagger["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in ops:
            params = ops[method.lower()].get("parameters", [])
            body = next((p["schema"] for p in params if p.get("in") == "body"), None)
            if body is not None:
                return dict(body, definitions=swagger.get("definitions", {})), template
    return None, None


def sent_bodies(client):
    """Wrap the transport so that every body actually sent is recorded."""
    bodies = []
    send = client.transport.request

    def recording(method, url, **kwargs):
        result = send(method, url, **kwargs)
        if method != "GET":
            bodies.append((method, urlsplit(url).path, json.loads(result.request["body"])))
        return result

    client.transport.request = recording
    return bodies
