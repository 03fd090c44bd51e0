"""Imitation of Jurnal behind the Mekari API gateway (and the legacy path).

Checks the gateway's HMAC exactly (401 ``{"message":"Unauthorized"}`` with
``server: Mekari``), serves the resources the connector uses with Jurnal's
status codes, wrappers, list envelopes and error shapes, and keeps stock and
invoice balances (see :mod:`.jurnal_store` and :mod:`.jurnal_docs`).
"""

import hmac
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

from ..client import ConnectionConfig
from ..jurnal import auth
from . import jurnal_docs as docs
from . import jurnal_money
from .base import ProviderApp, Response, route
from .jurnal_credit import credit_memo
from .jurnal_fields import DOCUMENTED
from .jurnal_store import JurnalError, JurnalStore, dec, invalid, money
from .period_locks import JURNAL_LOCKED, is_locked
from .period_locks import dmy as lock_dmy
from .sales_hooks import JurnalSalesHooks

CLIENT_ID = "sandbox-jurnal-client"
CLIENT_SECRET = "sandbox-jurnal-secret-5f2c9a"
API_KEY = "sandbox-jurnal-apikey-77d1e0"
COMPANY = {"id": 20714, "name": "Toko Sandbox Jurnal", "company_email": "sandbox@example.com",
           "language": {"id": 1, "name": "Bahasa Indonesia"}}
BASE = r"/(?:public/jurnal|core)/api/v1/"
EXT = r"(?:\.json)?"

#: resource -> (singular key, dump kind, create status, batch status, ids accepted by GET /{id})
RESOURCES = {
    "customers": ("customer", "customer", 201, 200, ("id",)),
    "vendors": ("vendor", "vendor", 201, 200, ("id", "custom_id")),
    "products": ("product", "item", 201, 200, ("id", "custom_id")),
    "warehouses": ("warehouse", "warehouse", 200, None, ("id", "custom_id")),
    "accounts": ("account", "account", 201, None, ("id", "custom_id")),
    "sales_invoices": ("sales_invoice", "sales_invoice", 201, 201, ("id",)),
    "receive_payments": ("receive_payment", "sales_receipt", 201, 200, ("id", "custom_id")),
    "sales_returns": ("sales_return", "sales_return", 201, None, ("id", "custom_id")),
    "warehouse_transfers": ("warehouse_transfer", "item_transfer", 200, None, ("id", "transaction_no")),
    "stock_adjustments": ("stock_adjustment", "item_adjustment", 201, None, ("id",)),
    "bank_transfers": ("bank_transfer", "bank_transfer", 200, 200, ("id", "custom_id")),
    "journal_entries": ("journal_entry", "journal_entry", 201, 200, ("id", "custom_id")),
    "purchase_invoices": ("purchase_invoice", "purchase_invoice", 201, None, ("id",)),
    "purchase_returns": ("purchase_return", "purchase_return", 200, None, ("id", "custom_id")),
    # a sales return without invoice (see .jurnal_credit); the Swagger's GET /{id} takes the id only
    "credit_memos": ("credit_memo", "credit_memo", 200, None, ("id",)),
    "customer_credit_memo_refund": ("customer_credit_memo_refund", "customer_refund", 200, None,
                                    ("id", "custom_id")),
}
RES = "(?P<res>%s)" % "|".join(RESOURCES)
BUILDERS = {
    "sales_invoices": docs.sales_invoice, "receive_payments": docs.receive_payment,
    "sales_returns": docs.sales_return, "warehouse_transfers": docs.warehouse_transfer,
    "stock_adjustments": docs.stock_adjustment, "bank_transfers": docs.bank_transfer,
    "journal_entries": docs.journal_entry, "credit_memos": credit_memo,
    "customer_credit_memo_refund": jurnal_money.customer_credit_memo_refund,
}


#: operations whose undocumented top-level fields are refused, not dropped:
#: the real service most likely ignores them (Rails' strong parameters), so a
#: reference sent there is silently lost; refusing makes a client that relies
#: on one fail here instead of in production
STRICT_ROUTES = {("POST", "sales_returns")}


def public(value):
    """Drop the store's private keys (``_qty``...) from an answer."""
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


def documented(value, names):
    """``value`` without the keys (at any depth) that are not in ``names``."""
    if isinstance(value, dict):
        return {k: documented(v, names) for k, v in value.items() if k in names}
    if isinstance(value, list):
        return [documented(v, names) for v in value]
    return value


def unauthorized():
    return Response(401, {"message": "Unauthorized"}, {"server": "Mekari"})


class JurnalApp(JurnalSalesHooks, ProviderApp):
    name = "jurnal"
    prefixes = ("/public/jurnal/", "/core/api/")
    seeded = {"cash": "1-10001", "bank": "1-10002", "sales": "4-40000", "discount": "4-40100",
              "rounding": "7-70099", "fee": "6-60217", "adjustment": "5-50300", "walkin": "WALKIN",
              "warehouse": "Gudang Utama", "tax11": "PPN", "tax12": "PPN 12%", "receivable": "1-10100",
              "cash_difference": "8-80100", "regional": "2-20600"}

    def __init__(self, server):
        self.client_id, self.client_secret, self.api_key = CLIENT_ID, CLIENT_SECRET, API_KEY
        #: further consumers (client id -> credentials), see :meth:`new_consumer`
        self.consumers = {}
        self.store = JurnalStore(server.now)
        super().__init__(server)

    def client_config(self, **kwargs):
        values = dict(provider="jurnal", base_url=self.server.url, sandbox=True, auth_method="hmac",
                      client_id=self.client_id, client_secret=self.client_secret, api_key=self.api_key)
        if not self.server.rate_limits:
            # the sandbox limits nobody unless asked: Jurnal's 40/min would only slow tests down
            values["rate_limits"] = [(100000, 60.0)]
        values.update(kwargs)
        return ConnectionConfig(**values)

    def reset(self):
        self.store.reset()

    def new_consumer(self):
        """Another consumer of the same company (another Mekari application
        or API key): its credentials, counted by the limits on its own."""
        number = len(self.consumers) + 2
        consumer = {"client_id": "%s-%d" % (CLIENT_ID, number),
                    "client_secret": "%s-%d" % (CLIENT_SECRET, number),
                    "api_key": "%s-%d" % (API_KEY, number)}
        self.consumers[consumer["client_id"]] = consumer
        return dict(consumer)

    def credential_key(self, request):
        if request.path.startswith("/core/"):
            return request.headers.get("apikey")
        fields = auth.parse_authorization(request.headers.get("authorization"))
        return fields and fields["username"]

    # --- authentication -------------------------------------------------------
    def authenticate(self, request):
        """None when the caller is who it says, else the gateway's refusal."""
        if request.path.startswith("/core/"):
            given = request.headers.get("apikey", "")
            if any(hmac.compare_digest(given, key) for key in
                   [self.api_key] + [c["api_key"] for c in self.consumers.values()]):
                return None
            return Response(403, {"message": "Invalid authentication credentials"})
        fields = auth.parse_authorization(request.headers.get("authorization"))
        date_value = request.headers.get("date", "")
        consumer = fields and self.consumers.get(fields["username"])
        secret = consumer["client_secret"] if consumer else self.client_secret
        if (not fields or (fields["username"] != self.client_id and not consumer)
                or fields["algorithm"] != "hmac-sha256"
                or fields["headers"] != "date request-line" or not date_value):
            return unauthorized()
        try:
            sent = parsedate_to_datetime(date_value).timestamp()
        except (TypeError, ValueError):
            return unauthorized()
        if abs(self.server.now() - sent) > auth.MAX_SKEW:
            return unauthorized()
        # the request line is signed with its query string, exactly as sent
        expected = auth.signature(secret, date_value, request.method, request.path_with_query)
        if not hmac.compare_digest(expected, fields["signature"]):
            return unauthorized()
        return None

    def dispatch(self, request):
        refusal = self.authenticate(request)
        if refusal:
            return refusal
        snap = self.store.snapshot() if request.method != "GET" else None
        try:
            response = super().dispatch(request)
        except JurnalError as exc:
            if snap is not None:
                self.store.restore(snap)
            return Response(exc.status, exc.body)
        response.body = public(response.body)
        return response

    def not_found(self, request):
        return Response(404, {"errors": "Not Found"})

    def missing_document(self, request):
        # jurnal-notes: GET-by-id endpoints answer 422 for an id Jurnal does not have
        return Response(422, {"errors": "Unprocessable Entity"})

    # --- routes ----------------------------------------------------------------
    @route("GET", BASE + r"companies/active" + EXT)
    def active_company(self, request):
        """The credential's company (each Mekari credential covers one)."""
        return Response(200, {"company": dict(COMPANY), "feature": {"warehouse": True}})

    @route("GET", BASE + RES + EXT)
    def list_records(self, request, res):
        return Response(200, self.store.listing(res, request.args))

    @route("GET", BASE + r"taxes" + EXT)
    def list_taxes(self, request):
        listing = self.store.listing("taxes", request.args)
        return Response(200, dict(listing, company_taxes=listing.pop("taxes")))

    @route("GET", BASE + RES + r"/(?P<ident>[^/]+?)" + EXT)
    def show(self, request, res, ident):
        singular, _kind, _c, _b, by = RESOURCES[res]
        ident, args = unquote(ident), request.args
        if res == "stock_adjustments" and args.get("search_by") == "transaction_no":
            by = ("transaction_no",)
        rec = self.store.get(res, ident, by=by)
        if not rec or rec.get("deleted_at"):
            return self.missing_document(request)
        if res == "warehouses":  # the quantity of each product held there, as Jurnal answers
            rec = dict(rec, warehouse_inventory=self.store.inventory(rec))
        return Response(200, {singular: rec})

    @route("POST", BASE + RES + EXT)
    def create(self, request, res):
        singular, _kind, status, _b, _by = RESOURCES[res]
        payload = self._payload(request, singular, ("POST", res))
        if not self.server.accept_duplicates:
            self.store.check_unique(res, payload)
        return Response(status, {singular: self._build(res, payload)})

    @route("POST", BASE + RES + r"/batch_create" + EXT)
    def batch_create(self, request, res):
        singular, _kind, _s, status, _by = RESOURCES[res]
        body = request.json()
        rows = body.get(res) if isinstance(body, dict) else None
        if status is None or not isinstance(rows, list) or not rows:
            invalid("%s can't be blank" % res)
        if len(rows) > 100:
            invalid("Maximum 100 %s per batch" % res.replace("_", " "))
        out = []
        for row in rows:  # custom_id is NOT checked here, as on the real service
            snap = self.store.snapshot()
            try:
                row = row.get(singular) if isinstance(row, dict) else None
                rec = self._build(res, documented(row or {}, DOCUMENTED[("POST", res + "/batch_create")]))
                out.append({singular: {"status": 201, "content": rec}})
            except JurnalError as exc:
                self.store.restore(snap)
                out.append({singular: {"status": exc.status, "content": exc.body}})
        return Response(status, {res: out})

    @route("DELETE", BASE + r"receive_payments/(?P<ident>[^/]+?)" + EXT)
    def delete_payment(self, request, ident):
        rec = self.store.get("receive_payments", unquote(ident), by=("id", "custom_id"))
        if not rec:
            return Response(422, {"errors": "Unprocessable Entity"})
        self.refuse_locked(rec.get("transaction_date"))
        jurnal_money.delete_receive_payment(self.store, rec)
        return Response(204, "")

    @route("PATCH", BASE + r"(?P<res>customers|products)/(?P<ident>[^/]+?)" + EXT)
    def update(self, request, res, ident):
        singular = RESOURCES[res][0]
        rec = self.store.get(res, unquote(ident), by=RESOURCES[res][4])
        if not rec:
            return Response(422, {"errors": "Unprocessable Entity"})
        payload = self._payload(request, singular, ("PATCH", res + "/{id}"))
        fresh = self._master(res, dict(payload, custom_id=payload.get("custom_id", rec.get("custom_id"))),
                             existing=rec)
        rec.update({k: v for k, v in fresh.items() if k not in ("id", "created_at")})
        rec["updated_at"] = self.store.now_iso()
        return Response(200, {singular: rec})

    # --- building records -------------------------------------------------------
    def _payload(self, request, singular, route):
        """The body's document, without the fields the Swagger does not
        document for ``route`` (see :mod:`.jurnal_fields`)."""
        body = request.json()
        payload = body.get(singular) if isinstance(body, dict) else None
        if not isinstance(payload, dict):
            invalid("param is missing or the value is empty: %s" % singular, status=400)
        if route in STRICT_ROUTES:
            extra = sorted(set(payload) - DOCUMENTED[route])
            if extra:  # ASSUMED wording: Rails' strong parameters in their raising mode
                invalid("found unpermitted parameters: %s" % ", ".join(":" + k for k in extra), status=422)
        return documented(payload, DOCUMENTED[route])

    def refuse_locked(self, day):
        """A transaction dated ``day`` inside the locked period is refused
        (creating, changing or deleting it), in Jurnal's shape."""
        if is_locked(self.store.locked_until, day):
            invalid(JURNAL_LOCKED % lock_dmy(self.store.locked_until), field="transaction_date")

    def _build(self, res, payload):
        if res in BUILDERS:
            self.refuse_locked(payload.get("transaction_date") or payload.get("date"))
            rec = BUILDERS[res](self.store, payload)
        else:
            rec = self._master(res, payload)
        return self.store.add(res, rec)

    def _master(self, res, payload, existing=None):
        """Customers, vendors, products, warehouses, accounts."""
        store = self.store
        if res in ("customers", "vendors"):
            name = payload.get("display_name") or (existing or {}).get("display_name")
            if not name:
                invalid("Display name can't be blank", field="display_name")
            other = store.get(res, name, by=("display_name",))
            if other and other is not existing:
                invalid("Display name has already been taken", field="display_name")
            # the receivable is fixed on the customer: an update that names
            # none keeps it (the invoices post to the customer's own A/R)
            old = existing or {}
            accounts = {}
            for key, default in (("default_ar_account", "Piutang Usaha"), ("default_ap_account", "Hutang Usaha")):
                given = payload.get(key + "_name")
                if given:
                    store.account(given, field=key + "_name")
                accounts[key] = (store.account_ref(given) if given else old.get(key)
                                 or store.account_ref(default))
            return dict({k: v for k, v in payload.items() if not k.endswith("_account_name")},
                        display_name=name, source="apikey", **accounts)
        if res == "products":
            merged = dict(existing or {}, **payload)
            for key in ("name", "unit_name", "product_code"):
                if not merged.get(key):
                    invalid("%s can't be blank" % key.replace("_", " ").capitalize(), field=key)
            other = store.get("products", merged["product_code"], by=("product_code",))
            if other and other is not existing:
                invalid("Product code has already been taken", field="product_code")
            tracked = str(merged.get("track_inventory", "false")).lower() == "true"
            accounts = {}
            for key in ("sell_account_name", "buy_account_name", "inventory_asset_account_name"):
                if payload.get(key):
                    store.account(payload[key], field=key)
                    accounts[key[:-len("_name")]] = store.account_ref(payload[key])
            return dict(merged, track_inventory=tracked, source="apikey", **accounts,
                        unit={"id": 1, "name": merged["unit_name"]},
                        sell_price_per_unit=money(merged.get("sell_price_per_unit") or 0),
                        buy_price_per_unit=money(merged.get("buy_price_per_unit") or 0))
        if res == "warehouses":
            if not payload.get("name"):
                invalid("Name can't be blank", field="name")
            return {"name": payload["name"], "code": payload.get("code") or "",
                    "custom_id": payload.get("custom_id"), "address": payload.get("address")}
        if res == "accounts":
            if not payload.get("name"):
                invalid("Name can't be blank", field="name")
            return {"name": payload["name"], "number": payload.get("number") or "",
                    "category": payload.get("category_name") or "Cash & Bank",
                    "custom_id": payload.get("custom_id")}
        invalid("Not supported by the sandbox: POST %s" % res, status=404)

    # --- admin and inspection -------------------------------------------------------
    def create_purchase(self, payload):
        """Admin: ``{"purchase_invoice": {...}}`` or ``{"purchase_return": {...}}``
        as a person would enter it in Jurnal (the vendor is created if new)."""
        res = "purchase_returns" if "purchase_return" in payload else "purchase_invoices"
        body = payload.get(RESOURCES[res][0]) or {}
        snap = self.store.snapshot()
        try:
            if res == "purchase_invoices" and body.get("person_name") and not self.store.get(
                    "vendors", body["person_name"], by=("display_name",)):
                self.store.add("vendors", {"display_name": body["person_name"]})
            builder = docs.purchase_return if res == "purchase_returns" else docs.purchase_invoice
            return public(self.store.add(res, builder(self.store, body)))
        except JurnalError as exc:
            self.store.restore(snap)
            return {"error": exc.body}

    def _purchase_record(self, remote_id):
        for res in ("purchase_invoices", "purchase_returns"):
            rec = self.store.get(res, remote_id, by=("id",))
            if rec and not rec.get("deleted_at"):
                return res, rec
        raise JurnalError(422, {"errors": "Unprocessable Entity"})

    def _undo_stock(self, res, rec):
        """Take back what a purchase (return) did to stock and invoice lines."""
        store = self.store
        warehouse = store.tables["warehouses"][rec["warehouse"]["id"]]
        if res == "purchase_invoices":
            for line in rec["transaction_lines_attributes"]:
                store.move(store.get("products", line["product"]["id"], by=("id",)), warehouse, -line["_qty"])
            return
        invoice = store.get("purchase_invoices", rec["invoice_id"], by=("id",))
        for line in rec["transaction_return_lines_attributes"]:
            qty = dec(line["return_quantity"])
            store.move(store.get("products", line["product"]["id"], by=("id",)), warehouse, qty)
            for orig in (invoice or {}).get("transaction_lines_attributes") or []:
                if orig["id"] == line["transaction_line_id"]:
                    orig["_returned"] = orig.get("_returned", 0) - qty

    def _touch(self, rec):
        """``updated_at`` = now, strictly after the previous one (Jurnal's
        edit marker; milliseconds would tie in a fast test)."""
        now, old = self.store.now_iso(), rec.get("updated_at") or ""
        if now <= old:
            stamp = datetime.strptime(old, "%Y-%m-%dT%H:%M:%S.%fZ") + timedelta(milliseconds=1)
            now = stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        rec["updated_at"] = now

    def edit_purchase(self, remote_id, payload):
        """Admin: a person edits a purchase invoice in Jurnal (lines replaced
        by ``transaction_lines_attributes`` when given): same id, number and
        ``created_at``, a later ``updated_at``."""
        snap = self.store.snapshot()
        try:
            res, rec = self._purchase_record(remote_id)
            if res != "purchase_invoices":
                invalid("Sandbox: only purchase invoices can be edited; delete the return instead")
            body = {"person_name": rec["person"]["display_name"], "transaction_date": rec["transaction_date"],
                    "warehouse_id": rec["warehouse"]["id"], "transaction_no": rec["transaction_no"],
                    "transaction_lines_attributes": [
                        {"product_id": x["product"]["id"], "quantity": x["quantity"], "rate": x["rate"]}
                        for x in rec["transaction_lines_attributes"]]}
            body.update((payload or {}).get("purchase_invoice") or payload or {})
            self._undo_stock(res, rec)
            fresh = docs.purchase_invoice(self.store, body)
            rec.update({k: v for k, v in fresh.items() if k not in ("id", "created_at", "transaction_no")})
            self._touch(rec)
            return public(rec)
        except JurnalError as exc:
            self.store.restore(snap)
            return {"error": exc.body}

    def delete_purchase(self, remote_id):
        """Admin: a person deletes a purchase invoice or return in Jurnal; it
        leaves the lists and ``GET /{id}`` answers 422."""
        snap = self.store.snapshot()
        try:
            res, rec = self._purchase_record(remote_id)
            self._undo_stock(res, rec)
            rec["deleted_at"] = self.store.now_iso()
            self._touch(rec)
            return {"ok": True, "id": rec["id"]}
        except JurnalError as exc:
            self.store.restore(snap)
            return {"error": exc.body}

    def dump(self, kind=None):
        store = self.store
        out = {meta[1]: public(list(store.tables[res].values())) for res, meta in RESOURCES.items()}
        names = {w["id"]: w["name"] for w in store.tables["warehouses"].values()}
        stock = {}
        for (pid, wid), qty in store.stock.items():
            code = store.tables["products"][pid]["product_code"]
            stock.setdefault(code, {})[names[wid]] = money(qty)
        out["stock"] = stock
        accounts = store.tables["accounts"]
        out["balance"] = {accounts[aid]["name"]: money(v) for aid, v in store.balances.items()}
        out["customer_balance"] = jurnal_money.customer_balances(store)
        out["account_money"] = jurnal_money.account_money(store)
        return out.get(kind, {}) if kind else out

