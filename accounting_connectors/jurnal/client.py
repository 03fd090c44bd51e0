"""Jurnal (Mekari Jurnal) client.

Talks to ``/public/jurnal/api/v1`` on the Mekari gateway with HMAC (or the
legacy ``/core/api/v1`` with an ``apikey``). Jurnal wants names where we hold
references (customer display names, product names, account names), so the
client resolves them, with per-client caches, before handing documents to
:mod:`.mapping`.

This module holds the transport (signing, one exchange, pages) and the
connection test; posting and finding are in :mod:`.posting`, the reads
(lists, stock, taxes, purchases) in :mod:`.reads`, the name resolution in
:mod:`.names`.
"""

from .. import shapes
from ..client import BaseClient, RemoteResult
from ..errors import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    ValidationError,
)
from ..messages import render
from . import auth
from .errors import error_for
from .names import JurnalNames
from .posting import JurnalPosting
from .preview import JurnalPreview
from .reads import JurnalReads

DEFAULT_BASE = {"hmac": "https://api.mekari.com", "apikey": "https://api.jurnal.id"}
API_PATH = {"hmac": "/public/jurnal/api/v1", "apikey": "/core/api/v1"}
PAGE_SIZE = 100
#: options the client derives from each document before calling its mapping (never set from Odoo)
DERIVED_OPTIONS = ("rounding_account_name", "rounding_item_code", "prepaid_account_name",
                   "deduction_account_name")


class JurnalClient(JurnalPreview, JurnalPosting, JurnalReads, JurnalNames, BaseClient):
    provider = "jurnal"
    kinds = ("customer", "item", "sales_invoice", "sales_receipt", "sales_return", "item_transfer",
             "item_adjustment", "bank_transfer", "customer_refund", "journal_entry", "receipt_void")

    def __init__(self, config, transport=None):
        super().__init__(config, transport)
        self.method = config.auth_method or "hmac"
        if self.method not in API_PATH:
            raise ConfigurationError(code="jurnal.unknown_auth", params={"value": self.method})
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
        write = method != "GET"
        if not 200 <= result.status < 300:
            raise self._slowed(error_for(result, write))
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
            raise ConfigurationError(code="jurnal.other_company", params={
                "company": facts.get("company", "?"), "found": facts.get("company_id", "?"), "wanted": wanted})
        facts["message_code"] = "jurnal.connected" if company else "jurnal.connected_no_company"
        facts["message_params"] = {"company": facts.get("company", ""), "accounts": count}
        facts["message"] = render(facts["message_code"], facts["message_params"])
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
