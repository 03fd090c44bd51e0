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


_NAME = re.compile(r"(?<![A-Za-z0-9_])[a-z_][a-z0-9_]*(?![A-Za-z0-9_])")


def documented_fields(swagger, method, path):
    """Every field name the published contract documents for the body of
    ``method path``: the body schema's properties at any depth, the keys of
    its example, and the names the operation's description quotes
    (```name``` or ``<code>name</code>``). None when the Swagger has no
    body schema for it."""
    schema, template = body_schema(swagger, method, path)
    if schema is None:
        return None
    op = swagger["paths"][template][method.lower()]
    names = set()

    def walk(node, seen=()):
        if isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"].rsplit("/", 1)[-1]
                if ref not in seen:
                    walk(swagger.get("definitions", {}).get(ref, {}), seen + (ref,))
            names.update(k for k in node.get("properties") or {} if re.fullmatch(r"[a-z_][a-z0-9_]*", k))
            for value in node.values():
                walk(value, seen)
        elif isinstance(node, list):
            for value in node:
                walk(value, seen)

    walk({k: v for k, v in schema.items() if k not in ("definitions", "example")})
    example = json.dumps(schema.get("example", ""))
    names.update(re.findall(r'\\?"([a-z_][a-z0-9_]*)\\?"\s*:', example))
    text = op.get("description") or ""
    for quoted in re.findall(r"`([^`]+)`|<code>(.*?)</code>", text, re.S):
        names.update(_NAME.findall("".join(quoted)))
    return names


SANDBOX_FIELDS = Path(__file__).resolve().parents[1] / "accounting_connectors/sandbox/jurnal_fields.py"


def sandbox_routes():
    """(method, route) of every request body the Jurnal sandbox takes."""
    from accounting_connectors.sandbox.jurnal import RESOURCES

    routes = []
    for resource, (_singular, _kind, _create, batch, _by) in RESOURCES.items():
        routes.append(("POST", resource))
        if batch is not None:
            routes.append(("POST", resource + "/batch_create"))
    return routes + [("PATCH", "customers/{id}"), ("PATCH", "products/{id}")]


def documented_table(swagger):
    base = "/public/jurnal/api/v1/"
    return {(m, r): frozenset(documented_fields(swagger, m, base + r.replace("{id}", "1")) or ())
            for m, r in sandbox_routes()}


def render_fields_module(swagger):
    import textwrap

    doc = SANDBOX_FIELDS.read_text(encoding="utf-8").split('"""')[1] if SANDBOX_FIELDS.exists() else ""
    lines = ['"""%s"""' % doc, "", "DOCUMENTED = {"]
    for (method, route), names in documented_table(swagger).items():
        lines.append('    ("%s", "%s"): frozenset({' % (method, route))
        lines += ["        " + w for w in textwrap.wrap(", ".join('"%s"' % n for n in sorted(names)), 100)]
        lines.append("    }),")
    return "\n".join(lines + ["}"]) + "\n"


if __name__ == "__main__":  # regenerate the sandbox's table from the Swagger file
    SANDBOX_FIELDS.write_text(render_fields_module(json.loads(swagger_file().read_text(encoding="utf-8"))),
                              encoding="utf-8")
