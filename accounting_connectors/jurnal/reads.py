"""Reading from Jurnal: warehouses, stock levels, the chart of accounts
(cached per client), taxes, an invoice's payment status and purchases
(entered in Jurnal by a person) to bring into Odoo. Mixed into
:class:`.client.JurnalClient` (uses its ``_call`` and ``_pages``).
"""

from datetime import date, datetime
from urllib.parse import quote

from .. import shapes
from ..documents import ZERO, dec, is_pos_journal_entry
from ..errors import NotFoundError, ValidationError
from . import mapping, returns


class JurnalReads:
    """Mixed into :class:`.client.JurnalClient`; the engine calls among
    these are guarded by :meth:`..client.BaseClient.__init_subclass__`."""

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
                raise ValidationError(code="jurnal.no_warehouse", params={"name": name})
            data, _res = self._call("GET", "/warehouses/%s" % quote(ids[name], safe=""))
            levels = out.setdefault(name, {})
            for row in ((data or {}).get("warehouse") or {}).get("warehouse_inventory") or []:
                code = row.get("code")
                if code:
                    levels[code] = levels.get(code, ZERO) + dec(row.get("quantity"), malformed=ZERO)
        return out

    def list_accounts(self):
        if self._accounts is None:
            self._accounts = [{"id": str(a["id"]), "number": str(a.get("number") or ""), "name": a["name"],
                               "type": a.get("category") if isinstance(a.get("category"), str)
                               else _dict(a.get("category")).get("name")}
                              for a in self._pages("accounts", page_size=200) if _named(a, "accounts")]
        return self._accounts

    def list_customers(self):
        # a customer made by hand has no custom_id: documents then name it by display name;
        # ``receivable``: the number (else name) of the A/R account Jurnal fixed on it
        return [{"id": str(c["id"]), "number": c.get("custom_id") or c.get("display_name") or "",
                 "name": c.get("display_name") or "", "receivable": _account_key(c.get("default_ar_account"))}
                for c in self._pages("customers", page_size=200) if _person(c)]

    def set_customer_receivable(self, remote_id, account):
        """Move one customer (Jurnal id ``remote_id``) to the receivable
        ``account`` (our mapping's number, name or id): ``PATCH customers/{id}``
        with the three fields its Swagger requires (display name, A/R and A/P
        account names; the A/P kept). Only invoices created afterwards post
        there: Jurnal does not move existing ones. Returns the RemoteResult;
        raises ConnectorError."""
        data, _res = self._call("GET", "/customers/%s" % quote(str(remote_id), safe=""))
        current = data.get("customer") or {}
        body = {"customer": {
            "display_name": current.get("display_name") or "",
            "default_ar_account_name": self._account_name(account),
            "default_ap_account_name": _dict(current.get("default_ap_account")).get("name")
            or self._customer_options().get("ap_account_name"),
        }}
        return self._send("PATCH", "/customers/%s" % quote(str(remote_id), safe=""), body, "customer")

    def list_taxes(self):
        """``[{"id", "name", "rate" (Decimal percent)}]`` of ``GET /taxes``
        (key ``company_taxes``); withholding taxes are left out: a sales
        line's tax is never one."""
        if self._taxes is None:
            self._taxes = [{"id": str(t.get("id", "")), "name": t.get("name") or "",
                            "rate": dec(t.get("rate"), malformed=ZERO)}
                           for t in self._pages("taxes", key="company_taxes")
                           if not (t.get("use_witholding") or t.get("is_witholding"))]
        return self._taxes

    def invoice_status(self, reference):
        found = self.find("sales_invoice", reference)
        if not found:
            raise ValidationError(code="jurnal.no_invoice_ref", params={"ref": reference})
        remaining = dec(found.data.get("remaining"), malformed=ZERO)
        status = _dict(found.data.get("transaction_status")).get("name")
        return {"paid": status == "Paid" or remaining == 0, "outstanding": remaining, "status": status}

    def list_sales_documents(self, date_from, date_to, journal_entries=False):
        """Sales invoices, receive payments and sales returns dated (their
        ``transaction_date``) from ``date_from`` to ``date_to`` (dates,
        inclusive). Jurnal's lists filter on creation only
        (``start_date``/``end_date`` with ``sort_key=created_at``, dd/mm/yyyy),
        and a document is never created before its date, so each list is read
        newest first from ``date_from`` on (50 a page, as a full scan by
        transaction date is unstable) and stops at the first page created
        before it, whether or not the filter was honoured.

        Returns the rows of ``AccurateReads.list_sales_documents`` (reference
        = ``custom_id``; a return carries its invoice's ``custom_id`` in
        ``invoice_ref``; ``account`` is the receipt's deposit account name).

        ``journal_entries``: also our POS sales journal entries, rows of
        kind ``journal_entry`` (see :meth:`_pos_journal_entries`). Cost: one
        request per page (50 rows) of each list read back to ``date_from``'s
        creations: three lists, four with ``journal_entries`` (Jurnal's list
        carries each entry's lines: no detail is read)."""
        params = {"sort_key": "created_at", "sort_order": "desc", "start_date": mapping.dmy(date_from),
                  "end_date": mapping.dmy(max(date_to, date.today()))}
        invoices = self._created_since("sales_invoices", params, date_from)
        by_no = {r.get("transaction_no"): r for r in invoices}
        out = [_sales_row("sales_invoice", r, r.get("original_amount"), r.get("tax_amount")) for r in invoices]
        for rec in self._created_since("receive_payments", params, date_from):
            row = _sales_row("sales_receipt", rec, rec.get("total"), 0)
            row["account"] = str(_dict(rec.get("deposit_to")).get("name") or "")
            out.append(row)
        for rec in self._created_since("sales_returns", params, date_from):
            row = _sales_row("sales_return", rec, rec.get("return_amount"), 0)
            row["reference"] = returns.reference_of(rec) or ""  # our tag in its memo
            row["invoice_ref"] = str(_dict(by_no.get(rec.get("invoice_no"))).get("custom_id") or "")
            out.append(row)
        if journal_entries:
            out += self._pos_journal_entries(params, date_from)
        return [r for r in out if r["date"] and date_from <= r["date"] <= date_to]

    def _pos_journal_entries(self, params, since):
        """Our POS sales journal entries (``custom_id``, else
        ``transaction_no``, ``POS/.../JE``: see
        :func:`..documents.is_pos_journal_entry`) among ``GET
        journal_entries`` created since ``since`` (read as the sales lists
        are, newest first, 50 a page, with ``params``); others (cash
        over/short, payout fees, a person's entries) are skipped. The list
        carries each entry's ``transaction_account_lines`` (Swagger); only an
        entry listed without them is read with ``GET journal_entries/{id}``.

        Rows shaped as ``list_sales_documents``' with ``kind``
        ``journal_entry``, ``total`` the sum of the debits (Decimal), ``tax``
        0 and ``lines``: ``[{"account" (account number, else name),
        "account_name", "debit", "credit" (Decimal)}]``. Connector errors as
        ``_call``."""
        out = []
        for rec in self._created_since("journal_entries", params, since):
            reference = str(rec.get("custom_id") or rec.get("transaction_no") or "")
            if not is_pos_journal_entry(reference):
                continue
            lines = rec.get("transaction_account_lines")
            if not isinstance(lines, list):
                data, res = self._call("GET", "/journal_entries/%s" % quote(str(rec.get("id") or ""), safe=""))
                rec = shapes.obj(data.get("journal_entry"), "Jurnal", "the journal entry", result=res)
                lines = shapes.rows(rec.get("transaction_account_lines"), "Jurnal", "the journal entry lines", res)
            row = _sales_row("journal_entry", rec, 0, 0)
            row["reference"] = reference
            row["lines"] = [{"account": _account_key(line.get("account")),
                             "account_name": str(_dict(line.get("account")).get("name") or ""),
                             "debit": dec(line.get("debit"), malformed=ZERO),
                             "credit": dec(line.get("credit"), malformed=ZERO)}
                            for line in lines if isinstance(line, dict)]
            row["total"] = sum((line["debit"] for line in row["lines"]), ZERO)
            out.append(row)
        return out

    def _created_since(self, resource, params, since):
        rows = []
        for rec in self._pages(resource, params=params, page_size=50):
            if str(rec.get("created_at") or "")[:10] < since.isoformat():
                break  # newest first: everything after this was created earlier still
            rows.append(rec)
        return rows

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
                raise exc.recast(NotFoundError) from None
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


def _sales_row(kind, rec, total, tax):
    return {"kind": kind, "reference": str(rec.get("custom_id") or ""), "remote_id": str(rec.get("id") or ""),
            "number": str(rec.get("transaction_no") or ""), "date": mapping.parse_date(rec.get("transaction_date")),
            "total": dec(total, malformed=ZERO), "tax": dec(tax, malformed=ZERO), "account": "",
            "customer": str(_dict(rec.get("person")).get("display_name") or ""), "invoice_ref": "",
            "updated": str(rec.get("updated_at") or "")}


def _dict(value):
    return value if isinstance(value, dict) else {}


def _account_key(account):
    """The number (else the name) of an account object Jurnal nests in a record."""
    account = _dict(account)
    return str(account.get("number") or account.get("name") or "")


def _named(rec, what):
    """A listed record must have an id and a name: Jurnal's lists always do."""
    if not shapes.has_id(rec) or not isinstance(rec.get("name"), str):
        raise shapes.unexpected("Jurnal", "the list of %s" % what, detail="a row without id or name")
    return True


def _person(rec):
    """A listed customer has an id and a display name (Jurnal's ``name`` is
    not always given for a person)."""
    if not shapes.has_id(rec) or not isinstance(rec.get("display_name"), str):
        raise shapes.unexpected("Jurnal", "the list of customers", detail="a row without id or display name")
    return True


def _day(value):
    return value.date() if isinstance(value, datetime) else value
