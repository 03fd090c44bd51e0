"""Posting documents to Jurnal and finding them again.

One document at a time (each kind to its poster in :data:`POSTERS`, through
:mod:`.mapping`, :mod:`.returns` or :mod:`.money_out`), new customers and
products through ``batch_create`` in chunks of :data:`BATCH_SIZE`; finding
goes through :data:`FINDERS`, else :func:`.lookup.find_one`. Mixed into :class:`.client.JurnalClient`
(uses its ``_call``, ``_send``, ``_pages`` and the name resolution of
:mod:`.names`).
"""

from urllib.parse import quote

from .. import shapes
from ..client import RemoteResult
from ..errors import ConnectorError, DuplicateError, ValidationError
from . import lookup, mapping, money_out, returns
from .errors import provider_message, refused
from .lookup import RESOURCES
from .reads import _dict

BATCH_SIZE = 100  # Jurnal's ceiling per batch_create


# Each poster takes (client, document) and returns its RemoteResult. Most
# build one body with :mod:`.mapping` and POST it to the kind's resource;
# Accurate needs no such step (its builders take the document alone, see
# :data:`..accurate.mapping.BUILDERS`), Jurnal's bodies name remote records.
def _post_customer(client, doc):
    body = mapping.customer_payload(doc, client._customer_options())
    result = (client._send("PATCH", "/customers/%s" % quote(doc.remote_id, safe=""), body, "customer")
              if doc.remote_id else client._send("POST", "/customers", body, "customer"))
    client._people[doc.reference] = result.data.get("display_name")
    return result


def _post_item(client, doc):
    body = mapping.item_payload(doc, client._product_options(doc))
    if doc.remote_id:
        return client._send("PATCH", "/products/%s" % quote(doc.remote_id, safe=""), body, "product")
    return client._send("POST", "/products", body, "product")


def _post_sales_invoice(client, doc):
    client._ensure_account_items(list(doc.lines) + mapping.regional_lines(doc))
    body = mapping.sales_invoice_payload(doc, client._person_name(doc.customer_ref), client._invoice_options(doc))
    return _create(client, doc.kind, body)


def _post_sales_receipt(client, doc):
    body = mapping.sales_receipt_payload(doc, client._account_name(doc.account), client._receipt_options(doc))
    return _create(client, doc.kind, body)


def _post_sales_return(client, doc):
    client._ensure_account_items(list(doc.lines) + mapping.regional_lines(doc))
    return returns.post(client, doc)


def _post_item_transfer(client, doc):
    return _create(client, doc.kind, client._transfer_body(doc))


def _post_item_adjustment(client, doc):
    body = mapping.item_adjustment_payload(doc, client._account_name(doc.account),
                                           client._product_names(doc.lines), client.options)
    return _create(client, doc.kind, body)


def _post_bank_transfer(client, doc):
    src, dst = client._account_name(doc.from_account), client._account_name(doc.to_account)
    doc.check_fee()
    if doc.fee:  # Jurnal's transfer has no fee: the payout is one journal entry
        body = mapping.fee_journal_entry_payload(doc, src, dst, client._account_name(doc.fee_account))
        return client._send("POST", "/journal_entries", body, "journal_entry")
    return _create(client, doc.kind, mapping.bank_transfer_payload(doc, src, dst))


def _create(client, kind, body):
    resource, key, _by = RESOURCES[kind]
    return client._send("POST", "/" + resource, body, key)


#: kind -> poster (Jurnal's counterpart of Accurate's ``BUILDERS``)
POSTERS = {
    "customer": _post_customer,
    "item": _post_item,
    "sales_invoice": _post_sales_invoice,
    "sales_receipt": _post_sales_receipt,
    "sales_return": _post_sales_return,
    "customer_refund": money_out.customer_refund,
    "journal_entry": money_out.journal_entry,
    "receipt_void": money_out.void_receipt,
    "item_transfer": _post_item_transfer,
    "item_adjustment": _post_item_adjustment,
    "bank_transfer": _post_bank_transfer,
}


def poster_for(kind):
    """The poster of ``kind`` (as :func:`..accurate.mapping.payload_for`, an
    unknown kind is a ValidationError)."""
    try:
        return POSTERS[kind]
    except KeyError:
        raise ValidationError(code="jurnal.unknown_kind", params={"kind": kind}) from None


# Each finder takes (client, reference, parent) and returns the RemoteResult
# of the document carrying ``reference``, or None. They sit here, not in
# :mod:`.lookup`, because :mod:`.returns` builds on lookup's primitives.
def _find_bank_transfer(client, reference, parent=None):
    # a payout with a fee was booked as a journal entry
    return lookup.find_one(client, "bank_transfer", reference) or lookup.find_one(client, "journal_entry", reference)


def _find_item(client, reference, parent=None):
    # made by hand in Jurnal: no custom_id, its product code is our SKU
    return lookup.find_one(client, "item", reference) or lookup.find_product_by_code(client, reference)


#: kind -> finder, where :func:`.lookup.find_one` does not do
FINDERS = {
    "bank_transfer": _find_bank_transfer,
    "item": _find_item,
    "sales_return": returns.find,  # through its invoice (``parent``) first
    "receipt_void": money_out.find_void,
    "customer_refund": money_out.find_refund,
}


class JurnalPosting:
    """Mixed into :class:`.client.JurnalClient`: its engine calls post,
    post_many and find (guarded by
    :meth:`..client.BaseClient.__init_subclass__`, as every engine call)."""

    def post(self, doc):
        return poster_for(doc.kind)(self, doc)

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
        build = mapping.customer_payload if kind == "customer" else mapping.item_payload
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

    def find(self, kind, reference, parent=None):
        """The RemoteResult of the document carrying ``reference``, or None.
        ``parent``: the invoice reference of a sales return (searched first)."""
        finder = FINDERS.get(kind)
        if finder:
            return finder(self, reference, parent)
        if kind not in RESOURCES:
            raise ValidationError(code="jurnal.no_such_kind", params={"kind": kind})
        return lookup.find_one(self, kind, reference)

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
        return mapping.item_transfer_payload(doc, src, dst, self._product_names(doc.lines))
