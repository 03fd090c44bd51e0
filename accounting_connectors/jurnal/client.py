"""Jurnal (Mekari Jurnal) client.

Talks to ``/public/jurnal/api/v1`` on the Mekari gateway with HMAC (or the
legacy ``/core/api/v1`` with an ``apikey``). Jurnal wants names where we hold
references (customer display names, product names, account names), so the
client resolves them, with per-client caches, before handing documents to
:mod:`.mapping`.
"""

import hashlib
from datetime import date, datetime
from urllib.parse import quote

from ..client import BaseClient, RemoteResult
from ..errors import (
    ConfigurationError,
    ConnectorError,
    DuplicateError,
    ValidationError,
)
from ..ratelimit import limiter_for
from . import auth, mapping, returns
from .errors import error_for, provider_message

DEFAULT_BASE = {"hmac": "https://api.mekari.com", "apikey": "https://api.jurnal.id"}
API_PATH = {"hmac": "/public/jurnal/api/v1", "apikey": "/core/api/v1"}
DEFAULT_LIMITS = [(40, 60.0), (1800, 3600.0)]
BATCH_SIZE = 100  # Jurnal's ceiling per batch_create
PAGE_SIZE = 100
#: above this many SKUs to resolve, read the whole product list instead
PRODUCT_LOOKUPS = 5
#: kind -> (resource, response key, how GET /{x} finds our reference)
RESOURCES = {
    "customer": ("customers", "customer", None),
    "item": ("products", "product", "custom_id"),
    "sales_invoice": ("sales_invoices", "sales_invoice", None),
    "sales_receipt": ("receive_payments", "receive_payment", "custom_id"),
    "sales_return": ("sales_returns", "sales_return", "custom_id"),
    "item_transfer": ("warehouse_transfers", "warehouse_transfer", "transaction_no"),
    "item_adjustment": ("stock_adjustments", "stock_adjustment", "transaction_no"),
    "bank_transfer": ("bank_transfers", "bank_transfer", "custom_id"),
    "journal_entry": ("journal_entries", "journal_entry", "custom_id"),
    # a sales return not tied to its invoice (see .returns); GET /{id} takes only Jurnal's id
    "credit_memo": ("credit_memos", "credit_memo", None),
}


class JurnalClient(BaseClient):
    provider = "jurnal"
    kinds = ("customer", "item", "sales_invoice", "sales_receipt", "sales_return", "item_transfer",
             "item_adjustment", "bank_transfer")

    def __init__(self, config, transport=None):
        super().__init__(config, transport)
        self.method = config.auth_method or "hmac"
        if self.method not in API_PATH:
            raise ConfigurationError("Unknown Jurnal authentication method %r (use hmac or apikey)."
                                     % self.method)
        self.base = (config.base_url or DEFAULT_BASE[self.method]).rstrip("/") + API_PATH[self.method]
        self.options = config.extra or {}
        self._accounts = None
        self._people = {}  # customer reference -> display name
        self._products = {}  # SKU -> product record

    def _make_limiter(self):
        cfg = self.config
        who = cfg.client_id or "key-" + hashlib.sha256(cfg.api_key.encode()).hexdigest()[:12]
        return limiter_for("jurnal:" + who, cfg.rate_limits or DEFAULT_LIMITS,
                           max_in_flight=cfg.max_in_flight, max_wait=cfg.max_wait)

    # --- transport ------------------------------------------------------------
    def _signer(self):
        if self.method == "apikey":
            self._require("api_key")
            return auth.apikey_signer(self.config.api_key)
        self._require("client_id", "client_secret")
        return auth.hmac_signer(self.config.client_id, self.config.client_secret)

    def _call(self, method, path, params=None, body=None):
        """One request; returns (decoded JSON, HttpResult) or raises the
        error class the engine acts on."""
        sign = self._signer()
        result = self.transport.request(method, self.base + path, params=params, json_body=body,
                                        headers={"Content-Type": "application/json"}, sign=sign)
        if 200 <= result.status < 300:
            return result.json(), result
        raise error_for(method, result)

    def _pages(self, resource, key=None, params=None, page_size=PAGE_SIZE, max_pages=None):
        page = 1
        while True:
            data, _res = self._call("GET", "/" + resource, dict(params or {}, page=page, page_size=page_size))
            rows = (data or {}).get(key or resource) or []
            yield from rows
            total = (data or {}).get("total_pages") or 1
            if page >= total or not rows or (max_pages and page >= max_pages):
                return
            page += 1

    @staticmethod
    def _result(rec, res, number=None):
        return RemoteResult(remote_id=str(rec.get("id", "")), data=rec,
                            number=number or str(rec.get("transaction_no") or rec.get("product_code")
                                                 or rec.get("display_name") or ""),
                            request=res.request, response=res.response, duration=res.duration)

    def _send(self, method, path, body, key):
        data, res = self._call(method, path, body=body)
        return self._result((data or {}).get(key) or {}, res)

    # --- engine calls --------------------------------------------------------------
    def test_connection(self):
        data, _res = self._call("GET", "/accounts", {"page": 1, "page_size": 1})
        count = (data or {}).get("total_count", len((data or {}).get("accounts") or []))
        return {"ok": True, "message": "Connected to Jurnal; %s accounts in the chart of accounts." % count,
                "accounts": count}

    def post(self, doc):
        kind = doc.kind
        if kind == "customer":
            body = mapping.customer(doc, self._customer_options())
            result = (self._send("PATCH", "/customers/%s" % quote(doc.remote_id, safe=""), body, "customer")
                      if doc.remote_id else self._send("POST", "/customers", body, "customer"))
            self._people[doc.reference] = result.data.get("display_name")
            return result
        if kind == "item":
            body = mapping.product(doc, self.options)
            if doc.remote_id:
                return self._send("PATCH", "/products/%s" % quote(doc.remote_id, safe=""), body, "product")
            return self._send("POST", "/products", body, "product")
        if kind == "sales_invoice":
            body = mapping.sales_invoice(doc, self._person_name(doc.customer_ref), self.options)
        elif kind == "sales_receipt":
            body = mapping.receive_payment(doc, self._account_name(doc.account), self.options)
        elif kind == "sales_return":
            return returns.post(self, doc)
        elif kind == "item_transfer":
            body = self._transfer_body(doc)
        elif kind == "item_adjustment":
            body = mapping.stock_adjustment(doc, self._account_name(doc.account),
                                            self._product_names(doc.lines), self.options)
        elif kind == "bank_transfer":
            src, dst = self._account_name(doc.from_account), self._account_name(doc.to_account)
            if doc.fee:
                body = mapping.fee_journal_entry(doc, src, dst, self._account_name(doc.fee_account))
                return self._send("POST", "/journal_entries", body, "journal_entry")
            body = mapping.bank_transfer(doc, src, dst)
        else:
            raise ValidationError("Jurnal cannot receive a %s document." % kind)
        resource, key, _by = RESOURCES[kind]
        return self._send("POST", "/" + resource, body, key)

    def post_many(self, documents):
        out = [None] * len(documents)
        groups = {}
        for i, doc in enumerate(documents):
            if doc.kind in ("customer", "item") and not doc.remote_id:
                groups.setdefault(doc.kind, []).append(i)
            else:
                try:
                    out[i] = self.post(doc)
                except ConnectorError as exc:
                    out[i] = exc
        for kind, indexes in groups.items():
            self._batch(kind, [documents[i] for i in indexes], indexes, out)
        return out

    def _batch(self, kind, docs, indexes, out):
        """batch_create does not refuse a repeated custom_id, so the ones
        Jurnal already holds are adopted, not sent again."""
        resource, key, _by = RESOURCES[kind]
        try:
            rows = self._pages(resource, page_size=1000)
            existing = {r.get("custom_id"): r for r in rows if r.get("custom_id")}
        except ConnectorError as exc:
            for i in indexes:
                out[i] = exc
            return
        pending, seen = [], set()
        for i, doc in zip(indexes, docs, strict=True):
            if doc.reference in existing:
                rec = existing[doc.reference]
                out[i] = RemoteResult(remote_id=str(rec["id"]), data=rec, number=doc.reference)
            elif doc.reference in seen:
                out[i] = DuplicateError("The reference %s appears twice in this batch." % doc.reference)
            else:
                seen.add(doc.reference)
                pending.append((doc, i))
        build = mapping.customer if kind == "customer" else mapping.product
        options = self._customer_options() if kind == "customer" else self.options
        for start in range(0, len(pending), BATCH_SIZE):
            chunk = pending[start:start + BATCH_SIZE]
            body = {resource: [build(doc, options) for doc, _i in chunk]}
            try:
                data, res = self._call("POST", "/%s/batch_create" % resource, body=body)
            except ConnectorError as exc:
                for _doc, i in chunk:
                    out[i] = exc
                continue
            rows = (data or {}).get(resource) or []
            for n, (doc, i) in enumerate(chunk):
                entry = (rows[n] if n < len(rows) else {}).get(key) or {}
                content = entry.get("content") or {}
                if entry.get("status") in (200, 201):
                    out[i] = self._result(content, res)
                    if kind == "customer":
                        self._people[doc.reference] = content.get("display_name")
                else:
                    words = provider_message(content) or "no answer for this row"
                    out[i] = ValidationError("Jurnal refused it: %s" % words, provider_message=words,
                                             status=entry.get("status"), request=res.request,
                                             response=res.response)

    def find(self, kind, reference):
        if kind not in RESOURCES:
            raise ValidationError("Jurnal has no %s documents." % kind)
        if kind == "bank_transfer":  # a payout with a fee was booked as a journal entry
            return self._find_one("bank_transfer", reference) or self._find_one("journal_entry", reference)
        if kind == "sales_return":  # one not tied to its invoice was booked as a credit memo
            return self._find_one("sales_return", reference) or returns.find_credit_memo(self, reference)
        return self._find_one(kind, reference)

    def _find_one(self, kind, reference):
        resource, key, by = RESOURCES[kind]
        if by is None:  # GET /{id} takes only Jurnal's id here: search the newest first
            max_pages = int(self.options.get("find_max_pages", 20))
            newest = ({"sort_key": "created_at", "sort_order": "desc"}
                      if kind in ("sales_invoice", "credit_memo") else None)
            for rec in self._pages(resource, params=newest, max_pages=max_pages):
                if rec.get("custom_id") == reference:
                    return RemoteResult(remote_id=str(rec["id"]), data=rec, number=str(
                        rec.get("transaction_no") or rec.get("display_name") or ""))
            return None
        params = {"search_by": "transaction_no", "transaction_type": "adjustment"} \
            if kind == "item_adjustment" else None
        try:
            data, res = self._call("GET", "/%s/%s" % (resource, quote(reference, safe="")), params)
        except ValidationError as exc:
            if exc.status in (404, 422):
                return None
            raise
        rec = (data or {}).get(key) or {}
        if reference not in (rec.get("custom_id"), rec.get(by)):  # an id that happens to equal it
            return None
        return self._result(rec, res)

    def list_warehouses(self):
        return [{"id": str(w["id"]), "name": w.get("name"), "code": w.get("code")}
                for w in self._pages("warehouses")]

    def stock_levels(self, warehouses):
        """``GET warehouses/{id}``: its ``warehouse_inventory`` lists every
        product's quantity there (by product code). One request per warehouse
        plus the warehouse list to learn the ids."""
        ids = {w["name"]: w["id"] for w in self.list_warehouses()}
        out = {}
        for name in warehouses:
            if name not in ids:
                raise ValidationError("Jurnal has no warehouse named %s." % name)
            data, _res = self._call("GET", "/warehouses/%s" % quote(ids[name], safe=""))
            levels = out.setdefault(name, {})
            for row in ((data or {}).get("warehouse") or {}).get("warehouse_inventory") or []:
                code = row.get("code")
                if code:
                    levels[code] = levels.get(code, mapping.ZERO) + mapping.dec(row.get("quantity"))
        return out

    def list_accounts(self):
        if self._accounts is None:
            self._accounts = [{"id": str(a["id"]), "number": a.get("number") or "", "name": a.get("name"),
                               "type": a.get("category") if isinstance(a.get("category"), str)
                               else (a.get("category") or {}).get("name")}
                              for a in self._pages("accounts", page_size=200)]
        return self._accounts

    def invoice_status(self, reference):
        found = self.find("sales_invoice", reference)
        if not found:
            raise ValidationError("Jurnal has no sales invoice with reference %s." % reference)
        remaining = mapping.dec(found.data.get("remaining"))
        status = (found.data.get("transaction_status") or {}).get("name")
        return {"paid": status == "Paid" or remaining == 0, "outstanding": remaining, "status": status}

    def list_purchases(self, since, until=None):
        params = {"sort_key": "created_at", "sort_order": "asc", "start_date": mapping.dmy(_day(since)),
                  "end_date": mapping.dmy(_day(until) if until else date.today())}
        invoices = list(self._pages("purchase_invoices", params=params, page_size=50))
        by_no = {r.get("transaction_no"): r for r in invoices}
        out = [mapping.purchase_invoice(r) for r in invoices]
        for ret in self._pages("purchase_returns", params=params, page_size=50):
            out.append(mapping.purchase_return(ret, self._purchase_invoice_of(ret, by_no)))
        return out

    def fetch_purchase(self, doc_type, remote_id):
        resource, key = (("purchase_returns", "purchase_return") if doc_type == "return"
                         else ("purchase_invoices", "purchase_invoice"))
        data, _res = self._call("GET", "/%s/%s" % (resource, quote(str(remote_id), safe="")))
        rec = (data or {}).get(key) or {}
        if doc_type == "return":
            return mapping.purchase_return(rec, self._purchase_invoice_of(rec, {}))
        return mapping.purchase_invoice(rec)

    def _purchase_invoice_of(self, ret, by_no):
        if ret.get("invoice_no") in by_no:
            return by_no[ret["invoice_no"]]
        if ret.get("invoice_id"):
            data, _res = self._call("GET", "/purchase_invoices/%s" % ret["invoice_id"])
            return (data or {}).get("purchase_invoice")
        return None  # lines then carry the product name

    # --- name resolution -----------------------------------------------------------
    def _customer_options(self):
        """A customer's A/R and A/P accounts (batch_create requires them):
        the connection's, else the chart's first receivable/payable account."""
        options = dict(self.options)
        for key, word in (("ar_account_name", "receivable"), ("ap_account_name", "payable")):
            if not options.get(key):
                options[key] = next((a["name"] for a in self.list_accounts()
                                     if word in (a["type"] or "").lower()), None)
        return options

    def _account_name(self, value):
        """Our mappings hold account numbers; Jurnal transactions take names."""
        for acc in self.list_accounts():
            if value and value in (acc["number"], acc["name"], acc["id"]):
                return acc["name"]
        return value  # let Jurnal say it does not know it

    def _person_name(self, reference):
        if not reference:
            name = self.options.get("default_customer_name")
            if not name:
                raise ValidationError("The invoice names no customer and the connection has no default one.")
            return name
        if reference not in self._people:
            found = self.find("customer", reference)
            self._people[reference] = found.data.get("display_name") if found else reference
        return self._people[reference]

    def _product(self, sku):
        if sku not in self._products:
            found = self.find("item", sku)
            if not found:  # made by hand in Jurnal: match its product code
                for rec in self._pages("products", page_size=1000):
                    if rec.get("product_code"):
                        self._products.setdefault(rec["product_code"], rec)
                if sku not in self._products:
                    raise ValidationError("Jurnal has no product with code %s." % sku)
            else:
                self._products[sku] = found.data
        return self._products[sku]

    def _product_names(self, lines):
        """SKU -> Jurnal product name. Many unknown SKUs (a stock count) are
        read from the product list in pages of 1,000, not one look-up each:
        Jurnal allows 40 requests a minute."""
        missing = {line.item_ref for line in lines} - set(self._products)
        if len(missing) > PRODUCT_LOOKUPS:
            for rec in self._pages("products", page_size=1000):
                for key in (rec.get("custom_id"), rec.get("product_code")):
                    if key in missing and key not in self._products:
                        self._products[key] = rec
        return {line.item_ref: self._product(line.item_ref)["name"] for line in lines}

    def _transfer_body(self, doc):
        if doc.direction == "out":
            src, dst = doc.warehouse, doc.transit_warehouse or doc.other_warehouse
        else:
            src = doc.transit_warehouse or doc.other_warehouse
            if not doc.transit_warehouse and doc.out_ref:
                out = self.find("item_transfer", doc.out_ref)
                if not out:
                    raise ValidationError("The outgoing transfer %s is not in Jurnal yet." % doc.out_ref)
                src = (out.data.get("to_warehouse") or {}).get("name")
            dst = doc.warehouse
        if not src or not dst:
            raise ValidationError("The transfer %s needs both warehouses." % doc.reference)
        return mapping.warehouse_transfer(doc, src, dst, self._product_names(doc.lines))


def _day(value):
    return value.date() if isinstance(value, datetime) else value

