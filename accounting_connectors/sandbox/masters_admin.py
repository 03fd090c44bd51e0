"""Admin: a person renames or deletes an account or a warehouse in the
accounting system (``/_sandbox/masters/<provider>/<kind>/<code>``), so that
tests can show a mapping breaking remotely.

- ``DELETE /_sandbox/masters/<provider>/account/<number>``: the account is
  gone: lists no longer show it and documents that name it are refused in
  the provider's words (Accurate "tidak ditemukan"/"not found", Jurnal
  "Account ... not found");
- ``DELETE /_sandbox/masters/<provider>/warehouse/<name>``;
- ``DELETE /_sandbox/masters/<provider>/item/<our code>`` and
  ``.../customer/<our number>``: an item or a customer deleted there (Accurate
  item ``no`` / ``customerNo``, Jurnal ``custom_id``): documents naming it are
  refused ("Barang & Jasa tidak tepat", "Product not found: ...",
  "Person customer ... not found");
- ``POST /_sandbox/masters/<provider>/<kind>/<code>`` ``{"name": "..."}``
  renames it (a warehouse is known by its name: the old name then fails).

Bad input is a 4xx with a sentence: unknown provider, kind or code 404, a
default warehouse (both systems refuse to delete it) 409, a missing or
taken name 400/409.
"""

from .base import BadInput

KINDS = ("account", "warehouse", "item", "customer")


def _accurate_table(app, kind):
    module, key = {"account": ("glaccount", "no"), "warehouse": ("warehouse", "name"), "item": ("item", "no"),
                   "customer": ("customer", "customerNo")}[kind]
    return app.store.records[module], key


def _jurnal_table(app, kind):
    table, key = {"account": ("accounts", "number"), "warehouse": ("warehouses", "name"),
                  "item": ("products", "custom_id"), "customer": ("customers", "custom_id")}[kind]
    return app.store.tables[table], key


def _find(app, kind, code):
    rows, key = (_accurate_table if app.name == "accurate" else _jurnal_table)(app, kind)
    for ident, rec in rows.items():
        if str(rec.get(key)) == code and not rec.get("deleted_at"):
            return rows, key, ident, rec
    raise BadInput("%s has no %s %r" % (app.name, kind, code), status=404)


def _is_default(app, kind, rec):
    if kind != "warehouse":
        return False
    return bool(rec.get("defaultWarehouse")) if app.name == "accurate" else rec.get("id") == -1


def handle(server, app, method, kind, code, body):
    """Apply the change under the server's lock; returns the JSON answer."""
    if kind not in KINDS:
        raise BadInput("unknown kind %r; one of %s" % (kind, ", ".join(KINDS)), status=404)
    if method not in ("POST", "DELETE"):
        raise BadInput("/_sandbox/masters only takes POST (rename) or DELETE", status=405)
    with server.lock:
        rows, key, ident, rec = _find(app, kind, code)
        if method == "DELETE":
            if _is_default(app, kind, rec):
                raise BadInput("the default warehouse cannot be deleted", status=409)
            del rows[ident]
            if kind == "item":  # its stock goes with it
                key = rec.get("no") if app.name == "accurate" else rec.get("id", ident)
                for stock_key in [k for k in app.store.stock if k[0] == key]:
                    del app.store.stock[stock_key]
            return {"ok": True, "deleted": code}
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise BadInput("a rename needs its new name")
        name = name.strip()
        if kind == "warehouse" and any(r.get("name") == name for r in rows.values() if r is not rec):
            raise BadInput("a warehouse named %r already exists" % name, status=409)
        rec["name"] = name
        return {"ok": True, "renamed": code, "name": name, "code": rec.get(key)}
