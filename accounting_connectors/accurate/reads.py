"""Reading from Accurate: warehouses, PPN taxes, stock levels, the chart
of accounts, an invoice's payment status and purchases (entered in Accurate
by a person) to bring into Odoo. Mixed into :class:`.client.AccurateClient`
(uses its ``_call``, ``_list`` and ``_detail``).
"""

from datetime import datetime

from .. import shapes
from ..documents import ZERO, dec, is_pos_journal_entry
from ..errors import ConfigurationError, NotFoundError, ValidationError
from . import mapping
from .params import wib

PAGE_SIZE = 100
#: module -> (kind, fields, total field, account field) of the sales lists a reconciliation reads
SALES_LISTS = {
    "sales-invoice": ("sales_invoice", ["id", "number", "transDate", "totalAmount", "tax1Amount", "customer",
                                        "lastUpdate", "approvalStatus"], "totalAmount"),
    "sales-return": ("sales_return", ["id", "number", "transDate", "totalAmount", "tax1Amount", "customer",
                                      "invoice", "lastUpdate"], "totalAmount"),
    "sales-receipt": ("sales_receipt", ["id", "number", "transDate", "chequeAmount", "bank", "customer",
                                        "lastUpdate"], "chequeAmount"),
}
#: what the journal-voucher list is read with: enough to pick our POS sales entries (their lines: detail.do)
JOURNAL_LIST_FIELDS = ["id", "number", "transDate", "lastUpdate", "approvalStatus"]
PURCHASE_MODULES = {"invoice": "purchase-invoice", "return": "purchase-return", "receipt": "receive-item"}


class AccurateReads:
    """Mixed into :class:`.client.AccurateClient`; the engine calls among
    these are guarded by :meth:`..client.BaseClient.__init_subclass__`."""

    def list_warehouses(self):
        return [{"id": str(r.get("id")), "name": r.get("name", ""), "suspended": bool(r.get("suspended"))}
                for r in self._list("warehouse", ["id", "name", "suspended"])]

    def list_taxes(self):
        """``[{"id", "name", "rate" (Decimal percent), "type"}]``: the PPN
        records of ``tax/list.do`` (a sales line's tax is a PPN record,
        ``tax1Name``; PPnBM/PPh are not sales taxes of a POS)."""
        return [{"id": str(r.get("id")), "name": r.get("description") or r.get("name") or "",
                 "rate": dec(r.get("rate")), "type": r.get("taxType", "")}
                for r in self._list("tax", ["id", "description", "rate", "taxType"])
                if (r.get("taxType") or "PPN") == "PPN"]

    def stock_levels(self, warehouses):
        """``item/list-stock.do`` per warehouse (rows ``no``, ``quantity``), paged."""
        out = {}
        for name in warehouses:
            levels = out.setdefault(name, {})
            page = 1
            while True:
                params = [("warehouseName", name), ("sp.page", page), ("sp.pageSize", PAGE_SIZE)]
                body, _res = self._call("GET", "data", self._data_url("item", "list-stock"), params)
                for row in body.get("d") or []:
                    if row.get("no"):
                        levels[str(row["no"])] = levels.get(str(row["no"]), ZERO) + dec(row.get("quantity"))
                if page >= int((body.get("sp") or {}).get("pageCount") or 1) or not body.get("d"):
                    break
                page += 1
        return out

    def list_accounts(self):
        return [{"id": str(r.get("id")), "number": r.get("no", ""), "name": r.get("name", ""),
                 "type": r.get("accountType", "")}
                for r in self._list("glaccount", ["id", "no", "name", "accountType"])]

    def list_customers(self):
        return [{"id": str(r.get("id")), "number": r.get("customerNo", ""), "name": r.get("name", "")}
                for r in self._list("customer", ["id", "customerNo", "name"])]

    def invoice_status(self, reference):
        record, _result = self._detail("sales-invoice", number=reference)
        outstanding = dec(record.get("outstanding", record.get("primeOwing")))
        return {"paid": outstanding <= ZERO, "outstanding": outstanding,
                "total": dec(record.get("totalAmount"))}

    def list_sales_documents(self, date_from, date_to, journal_entries=False):
        """Every sales invoice, sales return and sales receipt dated from
        ``date_from`` to ``date_to`` (dates, inclusive; the documents'
        ``transDate``), read from ``<module>/list.do`` with a ``transDate``
        BETWEEN filter and the fields named (paged, 100 a page). A document
        saved unapproved (``approvalStatus`` other than APPROVED) is left out:
        it is not in Accurate's books yet.

        Returns ``[{"kind", "reference" (Accurate's number, our reference),
        "remote_id", "date" (date), "total" (Decimal, tax included), "tax"
        (Decimal), "account" (cash/bank account number of a receipt),
        "customer" (customer number), "invoice_ref" (a return's invoice),
        "updated" (lastUpdate text)}]``. Connector errors as ``_call``.

        ``journal_entries``: also our POS sales journal entries (sales posted
        as journal entries), see :meth:`_pos_journal_entries`. Cost: one
        request per page of each list (three lists, 100 rows a page), and
        with ``journal_entries`` one more list plus one ``detail.do`` per POS
        journal entry of those dates."""
        flt = [("transDate", "BETWEEN", [mapping.fmt_date(date_from), mapping.fmt_date(date_to)])]
        out = []
        for module, (kind, fields, total) in SALES_LISTS.items():
            for row in self._list(module, fields, flt):
                if row.get("approvalStatus") not in (None, "", "APPROVED"):
                    continue  # saved unapproved (a draft): not in the books until a person approves it
                out.append({
                    "kind": kind, "reference": str(row.get("number") or ""), "remote_id": str(row["id"]),
                    "number": str(row.get("number") or ""),
                    "date": mapping.parse_date(row.get("transDate")), "total": dec(row.get(total)),
                    "tax": dec(row.get("tax1Amount")), "account": _no(row.get("bank"), "no"),
                    "customer": _no(row.get("customer"), "customerNo"),
                    "invoice_ref": _no(row.get("invoice"), "number"), "updated": row.get("lastUpdate") or ""})
        if journal_entries:
            out += self._pos_journal_entries(flt)
        return out

    def _pos_journal_entries(self, flt):
        """Our POS sales journal entries (number ``POS/.../JE``, see
        :func:`..documents.is_pos_journal_entry`) among the journal vouchers
        ``journal-voucher/list.do`` lists under the filters ``flt`` (the
        number, date, change stamp and approval of each, 100 a page), each
        read with ``detail.do`` for its lines: other vouchers (cash
        over/short, refunds, a person's entries) and unapproved ones cost no
        detail. Cost: one request per 100 vouchers of those dates plus one
        per POS journal entry.

        Returns rows shaped as :meth:`list_sales_documents`' with ``kind``
        ``journal_entry``, ``total`` the sum of the debits (Decimal), ``tax``
        0 and ``lines``: ``[{"account" (account number), "debit", "credit"
        (Decimal)}]`` in Accurate's order. Connector errors as ``_call``."""
        out = []
        for row in self._list("journal-voucher", JOURNAL_LIST_FIELDS, flt):
            number = str(row.get("number") or "")
            if not is_pos_journal_entry(number) or row.get("approvalStatus") not in (None, "", "APPROVED"):
                continue
            record, result = self._detail("journal-voucher", id=row["id"])
            lines = []
            for line in shapes.rows(record.get("detailJournalVoucher"), "Accurate", "the journal voucher lines",
                                    result):
                amount = dec(line.get("amount"))
                debit = str(line.get("amountType") or "").upper() == "DEBIT"
                account = (_no(line.get("account"), "no") or _no(line.get("glAccount"), "no")
                           or str(line.get("accountNo") or ""))
                lines.append({"account": account, "debit": amount if debit else ZERO,
                              "credit": ZERO if debit else amount})
            out.append({
                "kind": "journal_entry", "reference": number, "remote_id": str(row["id"]), "number": number,
                "date": mapping.parse_date(record.get("transDate") or row.get("transDate")),
                "total": sum((line["debit"] for line in lines), ZERO), "tax": ZERO, "account": "", "customer": "",
                "invoice_ref": "", "updated": record.get("lastUpdate") or row.get("lastUpdate") or "",
                "lines": lines})
        return out

    def list_purchases(self, since, until=None):
        # a datetime asks "changed since" (lastUpdate), a date "dated since"
        if isinstance(since, datetime):
            # Accurate's lastUpdate is Jakarta time; naive datetimes are taken as such
            since, until = (wib(x) for x in (since, until))
            field = "lastUpdate"
            values = [since.strftime("%d/%m/%Y %H:%M:%S")] + ([until.strftime("%d/%m/%Y %H:%M:%S")]
                                                              if until else [])
        else:
            field = "transDate"
            values = [mapping.fmt_date(since)] + ([mapping.fmt_date(until)] if until else [])
        flt = [(field, "BETWEEN" if until else "GREATER_EQUAL_THAN", values)]
        out = []
        for doc_type, module in PURCHASE_MODULES.items():
            for row in self._list(module, ["id", "number"], flt):
                out.append(self.fetch_purchase(doc_type, row["id"]))
        return out

    def list_changed_purchases(self, since, until):
        """Purchase invoices, purchase returns and goods received whose
        ``lastUpdate`` (Accurate's change stamp, Jakarta time) lies from
        ``since`` to ``until`` (datetimes; naive ones taken as Jakarta time),
        read from ``<module>/list.do`` with a ``filter.lastUpdate`` BETWEEN
        (accurate-notes 2.4), one page of 100 after another; no detail is
        read. Returns ``[{"doc_type", "remote_id", "number", "version"
        (as :func:`.mapping.purchase_version`), "updated" (naive datetime,
        Jakarta time)}]`` oldest change first. Connector errors as ``_call``."""
        since, until = wib(since), wib(until)
        values = [since.strftime("%d/%m/%Y %H:%M:%S"), until.strftime("%d/%m/%Y %H:%M:%S")]
        out = []
        for doc_type, module in PURCHASE_MODULES.items():
            for row in self._list(module, ["id", "number", "optLock", "lastUpdate"],
                                  [("lastUpdate", "BETWEEN", values)]):
                try:
                    updated = datetime.strptime(str(row.get("lastUpdate") or ""), "%d/%m/%Y %H:%M:%S")
                except ValueError:
                    updated = None
                out.append({"doc_type": doc_type, "remote_id": str(row["id"]), "number": str(row.get("number") or ""),
                            "version": mapping.purchase_version(row), "updated": updated})
        return sorted(out, key=lambda r: (r["updated"] or datetime.min, int(r["remote_id"]) if r["remote_id"].isdigit()
                                          else 0))

    def fetch_purchase(self, doc_type, remote_id):
        if doc_type not in PURCHASE_MODULES:
            raise ConfigurationError(code="accurate.unknown_purchase_type", params={"value": doc_type})
        try:
            record, _result = self._detail(PURCHASE_MODULES[doc_type], id=remote_id)
        except ValidationError as exc:
            # detail.do of a deleted id: HTTP 200 {"s":false,"d":["Faktur Pembelian tidak tepat"]}
            if "tidak tepat" in exc.provider_message or "is not valid" in exc.provider_message:
                raise exc.recast(NotFoundError) from None
            raise
        return mapping.purchase_from_detail(record, doc_type)


def _no(value, key):
    """The number inside a nested list field (``{"no": ...}``), else ""."""
    return str(value.get(key) or "") if isinstance(value, dict) else ""
