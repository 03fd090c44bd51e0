"""Finding what Jurnal holds under our reference, before any retry.

``GET /{resource}/{id}`` takes "ID or Custom ID" for most resources (the
Swagger's path parameter); where it takes Jurnal's id only, the list is
searched, newest first where Jurnal can sort it. Sales returns are found
through their invoice (see :mod:`.returns`): the Swagger documents no
``custom_id`` on their create body. Which finder serves which kind is
decided in :meth:`.posting.JurnalPosting.find`, which imports both modules;
this one holds only the primitives, so :mod:`.returns` can build on it.
"""

from urllib.parse import quote

from .. import shapes
from ..client import RemoteResult
from ..errors import ValidationError

#: kind -> (resource, response key, how GET /{x} finds our reference; None = by Jurnal's id only)
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
    "customer_refund": ("customer_credit_memo_refund", "customer_credit_memo_refund", "custom_id"),
}
#: resources whose list Jurnal sorts by creation (newest first finds recent documents fast)
SORTABLE = ("sales_invoice", "credit_memo")


def find_product_by_code(client, code):
    """The product whose ``product_code`` is ``code``, or None: ``GET products``
    documents no filter by code, so the list is paged (1,000 a page)."""
    for rec in client._pages("products", page_size=1000, max_pages=max_pages(client)):
        if rec.get("product_code") == code:
            return found(rec)
    return None


def find_one(client, kind, reference):
    resource, key, by = RESOURCES[kind]
    if by is None:
        newest = {"sort_key": "created_at", "sort_order": "desc"} if kind in SORTABLE else None
        for rec in client._pages(resource, params=newest, max_pages=max_pages(client)):
            if rec.get("custom_id") == reference:
                return found(rec)
        return None
    params = {"search_by": "transaction_no", "transaction_type": "adjustment"} \
        if kind == "item_adjustment" else None
    rec, res = get(client, resource, key, reference, params)
    if rec is None or reference not in (rec.get("custom_id"), rec.get(by)):  # an id that happens to equal it
        return None
    return found(rec, res)


def get(client, resource, key, ident, params=None):
    """(record, HttpResult) of ``GET /{resource}/{ident}``, (None, None) when
    Jurnal does not know it (404/422)."""
    try:
        data, res = client._call("GET", "/%s/%s" % (resource, quote(str(ident), safe="")), params)
    except ValidationError as exc:
        if exc.status in (404, 422):
            return None, None
        raise
    return shapes.obj(data.get(key), "Jurnal", "the %s" % key.replace("_", " "), result=res), res


def found(rec, res=None):
    """A record read back: it must carry Jurnal's id."""
    shapes.document(rec, "Jurnal", "the document found", res, write=False)
    number = rec.get("transaction_no") or rec.get("product_code") or rec.get("display_name") or ""
    kwargs = {"request": res.request, "response": res.response, "duration": res.duration} if res else {}
    return RemoteResult(remote_id=str(rec["id"]), data=rec, number=str(number), **kwargs)


#: how far back (pages, newest first) a look-up by custom_id searches where GET /{id} takes ids only
FIND_MAX_PAGES = 20


def max_pages(client):
    return FIND_MAX_PAGES
