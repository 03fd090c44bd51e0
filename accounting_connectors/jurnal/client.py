"""Jurnal (Mekari Jurnal) client.

Talks to ``/public/jurnal/api/v1`` on the Mekari gateway with HMAC (or the
legacy ``/core/api/v1`` with an ``apikey``). Jurnal wants names where we hold
references (customer display names, product names, account names), so the
client resolves them, with per-client caches, before handing documents to
:mod:`.mapping`.
"""

from datetime import date, datetime
from urllib.parse import quote

from .. import shapes
from ..client import BaseClient, RemoteResult
from ..documents import Item, account_item_ref
from ..errors import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from . import auth, lookup, mapping, money_out, returns
from .errors import error_for, provider_message
from .lookup import RESOURCES

DEFAULT_BASE = {"hmac": "https://api.mekari.com", "apikey": "https://api.jurnal.id"}
API_PATH = {"hmac": "/public/jurnal/api/v1", "apikey": "/core/api/v1"}
BATCH_SIZE = 100  # Jurnal's ceiling per batch_create
PAGE_SIZE = 100
#: options the client derives from each document before calling its mapping (never set from Odoo)
DERIVED_OPTIONS = ("rounding_account_name", "rounding_item_code", "prepaid_account_name")
#: options holding an account (number, name or id, as picked in Odoo) that
#: Jurnal takes by NAME: resolved through the chart before use
ACCOUNT_OPTIONS = ("ar_account_name", "ap_account_name", "sell_account_name", "buy_account_name",
                   "inventory_account_name")
#: above this many SKUs to resolve, read the whole product list instead
PRODUCT_LOOKUPS = 5


class JurnalClient(BaseClient):
    provider = "jurnal"
    kinds = ("customer", "item", "sales_invoice", "sales_receipt", "sales_return", "item_transfer",
             "item_adjustment", "bank_transfer", "customer_refund", "journal_entry", "receipt_void")

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
        self._taxes = None

    # --- transport ------------------------------------------------------------
    def _signer(self):
        if self.method == "apikey":
            self._require("api_key")
            return auth.apikey_signer(self.config.api_key)
        self._require("client_id", "client_secret")
        return auth.hmac_signer(self.config.client_id, self.config.client_secret)

    def _call(self, method, path, params=None, body=None):
        """One request; returns (the answer's JSON object, HttpResult) or
        raises the error class the engine acts on. A 2xx that is not a JSON
        object is ambiguous after a write, an error after a read."""
        sign = self._signer()
        result = self.transport.request(method, self.base + path, params=params, json_body=body,
                                        headers={"Content-Type": "application/json"}, sign=sign)
        if not 200 <= result.status < 300:
            raise error_for(method, result)
        write = method != "GET"
        if method == "DELETE" and result.status == 204:
            return {}, result  # Jurnal's documented answer to a delete: no content
        what = "the answer to %s %s" % (method, path.split("?")[0])
        try:
            data = result.json()
        except ConnectorError as exc:  # a 2xx page that is not data: after a write, it may be saved
            if not write:
                raise
            raise shapes.unexpected("Jurnal", what, write=True, result=result, detail=exc.message) from None
        return shapes.obj(data, "Jurnal", what, write, result), result

    def _pages(self, resource, key=None, params=None, page_size=PAGE_SIZE, max_pages=None):
        page = 1
        while True:
            data, res = self._call("GET", "/" + resource, dict(params or {}, page=page, page_size=page_size))
            rows = shapes.rows(data.get(key or resource), "Jurnal", "the list of %s" % resource, res)
            yield from rows
            total = shapes.integer(data.get("total_pages"), "Jurnal", "the page count", 1, res)
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
        """The saved document; a 2xx without it (or without its id) is ambiguous."""
        data, res = self._call(method, path, body=body)
        return self._result(shapes.document(data.get(key), "Jurnal", "the saved %s" % key.replace("_", " "),
                                            res), res)

    # --- engine calls --------------------------------------------------------------
    def test_connection(self):
        """Proves the answers are Jurnal's: the chart of accounts must come
        back as Jurnal lists it, the active company (when the credential may
        read it) as an object with an id and a name, and that company must
        be the connection's ``company_id`` option when one is set."""
        data, res = self._call("GET", "/accounts", {"page": 1, "page_size": 1})
        if "accounts" not in data:
            raise shapes.unexpected("Jurnal", "the chart of accounts", result=res, detail="no accounts list")
        rows = shapes.rows(data["accounts"], "Jurnal", "the chart of accounts", res)
        count = shapes.integer(data.get("total_count"), "Jurnal", "the number of accounts", len(rows), res)
        if count < len(rows) or not all(shapes.has_id(r) and isinstance(r.get("name"), str) for r in rows):
            raise shapes.unexpected("Jurnal", "the chart of accounts", result=res,
                                    detail="accounts without id or name")
        facts = {"ok": True, "accounts": count}
        company = self._active_company()
        if company:
            facts.update(company=company["name"], company_id=str(company["id"]))
        wanted = str(self.options.get("company_id") or "")
        if wanted and facts.get("company_id") != wanted:
            raise ConfigurationError("These credentials open the Jurnal company %s (id %s), not the company "
                                     "this connection posts to (id %s)." % (
                                         facts.get("company", "?"), facts.get("company_id", "?"), wanted))
        facts["message"] = "Connected to Jurnal%s; %s accounts in the chart of accounts." % (
            " company %s" % company["name"] if company else "", count)
        return facts

    def _active_company(self):
        """``{"id", "name"}`` of the credential's company, or None when the
        credential may not read it (the accounts already proved the access)."""
        try:
            data, res = self._call("GET", "/companies/active")
        except (AuthError, ValidationError):
            return None
        company = shapes.obj(data.get("company"), "Jurnal", "the active company", result=res)
        if not shapes.has_id(company) or not isinstance(company.get("name"), str):
            raise shapes.unexpected("Jurnal", "the active company", result=res, detail="no id or name")
        return company

    def post(self, doc):
        kind = doc.kind
        if kind == "customer":
            body = mapping.customer(doc, self._customer_options())
            result = (self._send("PATCH", "/customers/%s" % quote(doc.remote_id, safe=""), body, "customer")
                      if doc.remote_id else self._send("POST", "/customers", body, "customer"))
            self._people[doc.reference] = result.data.get("display_name")
            return result
        if kind == "item":
            body = mapping.product(doc, self._product_options(doc))
            if doc.remote_id:
                return self._send("PATCH", "/products/%s" % quote(doc.remote_id, safe=""), body, "product")
            return self._send("POST", "/products", body, "product")
        if kind == "sales_invoice":
            self._ensure_account_items(doc.lines)
            body = mapping.sales_invoice(doc, self._person_name(doc.customer_ref), self._invoice_options(doc))
        elif kind == "sales_receipt":
            body = mapping.receive_payment(doc, self._account_name(doc.account), self.options)
        elif kind == "sales_return":
            self._ensure_account_items(doc.lines)
            return returns.post(self, doc)
        elif kind == "customer_refund":
            return money_out.customer_refund(self, doc)
        elif kind == "journal_entry":
            return money_out.journal_entry(self, doc)
        elif kind == "receipt_void":
            return money_out.void_receipt(self, doc)
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
        for start in range(0, len(pending), BATCH_SIZE):
            chunk = pending[start:start + BATCH_SIZE]
            body = {resource: [build(doc, self._customer_options() if kind == "customer"
                                     else self._product_options(doc)) for doc, _i in chunk]}
            try:
                data, res = self._call("POST", "/%s/batch_create" % resource, body=body)
            except ConnectorError as exc:
                for _doc, i in chunk:
                    out[i] = exc
                continue
            rows = data.get(resource)
            rows = rows if isinstance(rows, list) else []
            for n, (doc, i) in enumerate(chunk):
                row = rows[n] if n < len(rows) else None
                entry = row.get(key) if isinstance(row, dict) else None
                entry = entry if isinstance(entry, dict) else {}
                status, content = entry.get("status"), entry.get("content")
                if isinstance(status, int) and not 200 <= status < 300:
                    words = provider_message(content) or "HTTP %s" % status
                    out[i] = ValidationError("Jurnal refused it: %s" % words, provider_message=words,
                                             status=status, request=res.request, response=res.response)
                    continue
                try:  # a row answered without its saved record is ambiguous: looked up later
                    rec = shapes.document(content, "Jurnal", "the saved %s" % key, res)
                except ConnectorError as exc:
                    out[i] = exc
                    continue
                out[i] = self._result(rec, res)
                if kind == "customer":
                    self._people[doc.reference] = rec.get("display_name")

    def find(self, kind, reference, parent=None):
        """See :func:`.lookup.find` (``parent``: a sales return's invoice reference)."""
        if kind == "receipt_void":
            return money_out.find_void(self, reference)
        if kind == "customer_refund":
            return money_out.find_refund(self, reference, parent)
        return lookup.find(self, kind, reference, parent)

    def _find_one(self, kind, reference):
        return lookup.find_one(self, kind, reference)

    def list_warehouses(self):
        return [{"id": str(w["id"]), "name": w.get("name"), "code": w.get("code")}
                for w in self._pages("warehouses") if _named(w, "warehouses")]

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
            self._accounts = [{"id": str(a["id"]), "number": str(a.get("number") or ""), "name": a["name"],
                               "type": a.get("category") if isinstance(a.get("category"), str)
                               else _dict(a.get("category")).get("name")}
                              for a in self._pages("accounts", page_size=200) if _named(a, "accounts")]
        return self._accounts

    def list_taxes(self):
        """``[{"id", "name", "rate" (Decimal percent)}]`` of ``GET /taxes``
        (key ``company_taxes``); withholding taxes are left out: a sales
        line's tax is never one."""
        if self._taxes is None:
            self._taxes = [{"id": str(t.get("id", "")), "name": t.get("name") or "",
                            "rate": mapping.dec(t.get("rate"))}
                           for t in self._pages("taxes", key="company_taxes")
                           if not (t.get("use_witholding") or t.get("is_witholding"))]
        return self._taxes

    def invoice_status(self, reference):
        found = self.find("sales_invoice", reference)
        if not found:
            raise ValidationError("Jurnal has no sales invoice with reference %s." % reference)
        remaining = mapping.dec(found.data.get("remaining"))
        status = _dict(found.data.get("transaction_status")).get("name")
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
        try:
            data, res = self._call("GET", "/%s/%s" % (resource, quote(str(remote_id), safe="")))
        except ValidationError as exc:
            if exc.status in (404, 422):  # Jurnal's answer for an id it no longer has
                raise NotFoundError(exc.message, status=exc.status, provider_message=exc.provider_message,
                                    request=exc.request, response=exc.response) from None
            raise
        rec = shapes.obj(data.get(key), "Jurnal", "the %s" % key.replace("_", " "), result=res)
        if doc_type == "return":
            return mapping.purchase_return(rec, self._purchase_invoice_of(rec, {}))
        return mapping.purchase_invoice(rec)

    def _purchase_invoice_of(self, ret, by_no):
        if ret.get("invoice_no") in by_no:
            return by_no[ret["invoice_no"]]
        if ret.get("invoice_id"):
            data, res = self._call("GET", "/purchase_invoices/%s" % quote(str(ret["invoice_id"]), safe=""))
            return shapes.obj(data.get("purchase_invoice"), "Jurnal", "the purchase invoice", result=res)
        return None  # lines then carry the product name

    # --- name resolution -----------------------------------------------------------
    def _named_options(self):
        """The options with every account option as the NAME Jurnal takes."""
        options = dict(self.options)
        for key in ACCOUNT_OPTIONS:
            if options.get(key):
                options[key] = self._account_name(options[key])
        return options

    def _product_options(self, doc):
        options = self._named_options()
        if getattr(doc, "sales_account", ""):  # an account item sells to its account
            options["sell_account_name"] = self._account_name(doc.sales_account)
        return options

    def _invoice_options(self, doc):
        options = dict(self.options)
        if doc.rounding_amount:
            if doc.rounding_amount > 0 and doc.rounding_account:
                options["rounding_item_code"] = self._account_item(doc.rounding_account, "Rounding")
            options["rounding_account_name"] = doc.rounding_account and self._account_name(doc.rounding_account)
        if doc.prepaid_amount and doc.prepaid_account:
            options["prepaid_account_name"] = self._account_name(doc.prepaid_account)
        return options

    def _ensure_account_items(self, lines):
        for line in lines:
            if getattr(line, "account", ""):
                self._account_item(line.account, line.description)

    def _account_item(self, account, label):
        """The code of the non-stock product selling to ``account`` (created
        once, found by code after): how a Jurnal invoice carries an account line."""
        code = account_item_ref(account)
        try:
            self._product(code)
        except ValidationError:
            name = "%s (%s)" % (label or "POS", self._account_name(account))
            self.post(Item(reference=code, name=name[:100], item_type="service", sales_account=account))
            self._products.pop(code, None)
        return code

    def _customer_options(self):
        """A customer's A/R and A/P accounts (batch_create requires them):
        the connection's, else the chart's first receivable/payable account."""
        options = self._named_options()
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

    def _account_id(self, value):
        """Jurnal's id of an account given by number, name or id (ids-only fields)."""
        for acc in self.list_accounts():
            if value and value in (acc["number"], acc["name"], acc["id"]):
                return acc["id"]
        raise ValidationError("Jurnal has no account %s." % value)

    def _person_name(self, reference):
        if not reference:
            raise ValidationError("The document names no customer; set the walk-in customer on the connection.")
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
                src = _dict(out.data.get("to_warehouse")).get("name")
            dst = doc.warehouse
        if not src or not dst:
            raise ValidationError("The transfer %s needs both warehouses." % doc.reference)
        return mapping.warehouse_transfer(doc, src, dst, self._product_names(doc.lines))


def _dict(value):
    return value if isinstance(value, dict) else {}


def _named(rec, what):
    """A listed record must have an id and a name: Jurnal's lists always do."""
    if not shapes.has_id(rec) or not isinstance(rec.get("name"), str):
        raise shapes.unexpected("Jurnal", "the list of %s" % what, detail="a row without id or name")
    return True


def _day(value):
    return value.date() if isinstance(value, datetime) else value

