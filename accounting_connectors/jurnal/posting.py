"""Posting documents to Jurnal and finding them again.

One document at a time (each kind to its resource, through :mod:`.mapping`,
:mod:`.returns` or :mod:`.money_out`), new customers and products through
``batch_create`` in chunks of :data:`BATCH_SIZE`; finding is delegated to
:mod:`.lookup` and :mod:`.money_out`. Mixed into :class:`.client.JurnalClient`
(uses its ``_call``, ``_send``, ``_pages`` and the name resolution of
:mod:`.names`).
"""

from urllib.parse import quote

from .. import shapes
from ..client import RemoteResult
from ..errors import ConnectorError, DuplicateError, ValidationError
from ..shapes import guarded
from . import lookup, mapping, money_out, returns
from .errors import provider_message, refused
from .lookup import RESOURCES
from .reads import _dict

BATCH_SIZE = 100  # Jurnal's ceiling per batch_create


class JurnalPosting:
    """Mixed into :class:`.client.JurnalClient`: its engine calls post,
    post_many and find (guarded here, as the client guards its own)."""

    @guarded()
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
            body = mapping.receive_payment(doc, self._account_name(doc.account), self._receipt_options(doc))
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
            doc.check_fee()
            if doc.fee:
                body = mapping.fee_journal_entry(doc, src, dst, self._account_name(doc.fee_account))
                return self._send("POST", "/journal_entries", body, "journal_entry")
            body = mapping.bank_transfer(doc, src, dst)
        else:
            raise ValidationError(code="jurnal.unknown_kind", params={"kind": kind})
        resource, key, _by = RESOURCES[kind]
        return self._send("POST", "/" + resource, body, key)

    @guarded()
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
                out[i] = DuplicateError(code="jurnal.duplicate_in_batch", params={"ref": doc.reference})
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
                    out[i] = refused(provider_message(content),
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

    @guarded()
    def find(self, kind, reference, parent=None):
        """See :func:`.lookup.find` (``parent``: a sales return's invoice reference)."""
        if kind == "receipt_void":
            return money_out.find_void(self, reference)
        if kind == "customer_refund":
            return money_out.find_refund(self, reference, parent)
        return lookup.find(self, kind, reference, parent)

    def _find_one(self, kind, reference):
        return lookup.find_one(self, kind, reference)

    def _transfer_body(self, doc):
        if doc.direction == "out":
            src, dst = doc.warehouse, doc.transit_warehouse or doc.other_warehouse
        else:
            src = doc.transit_warehouse or doc.other_warehouse
            if not doc.transit_warehouse and doc.out_ref:
                out = self.find("item_transfer", doc.out_ref)
                if not out:
                    raise ValidationError(code="jurnal.transfer_out_missing", params={"ref": doc.out_ref})
                src = _dict(out.data.get("to_warehouse")).get("name")
            dst = doc.warehouse
        if not src or not dst:
            raise ValidationError(code="jurnal.transfer_warehouses", params={"ref": doc.reference})
        return mapping.warehouse_transfer(doc, src, dst, self._product_names(doc.lines))
