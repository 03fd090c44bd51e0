"""Posting documents to Accurate and finding them again by their number.

``save.do`` one by one, ``bulk-save.do`` for masters (customers, items) in
chunks of :data:`BULK_MAX`; a voided receipt is a ``delete.do``. Mixed into
:class:`.client.AccurateClient` (uses its ``_call``, ``_list``, ``_detail``
and ``_result``).
"""

from decimal import Decimal

from .. import shapes
from ..client import RemoteResult
from ..documents import VOID_SUFFIX, Item, account_item_ref
from ..errors import ConfigurationError, ConnectorError, ValidationError
from . import mapping
from .errors import refusal
from .reads import PURCHASE_MODULES

BULK_MAX = 100
#: master kinds -> (module, list.do filter field) for look-ups by reference;
#: documents are looked up by ``number``
LOOKUP = {"customer": ("customer", "no"), "item": ("item", "no")}


class AccuratePosting:
    """Mixed into :class:`.client.AccurateClient`: its engine calls post,
    post_many and find (guarded by
    :meth:`..client.BaseClient.__init_subclass__`, as every engine call)."""

    def post(self, document):
        if document.kind == "receipt_void":
            return self._void_receipt(document)
        if document.kind in ("sales_invoice", "sales_return"):
            self._ensure_account_items(document.lines)
            self._ensure_dpp_items(document)
        module, payload = mapping.payload_for(document)
        body, result = self._call("POST", "data", self._data_url(module, "save"), body=payload, write=True)
        if body.get("s") is not True:  # neither a refusal (s false, handled above) nor a success
            raise shapes.unexpected("Accurate", "the saved document", write=True, result=result,
                                    detail="no success flag")
        return self._result(shapes.document(body.get("r"), "Accurate", "the saved document", result), result)

    def post_many(self, documents):
        documents = list(documents)
        out = [None] * len(documents)
        groups = {}
        for index, doc in enumerate(documents):
            if doc.kind in LOOKUP:
                groups.setdefault(doc.kind, []).append(index)
            else:
                out[index] = self._safe(self.post, doc)
        for kind, indexes in groups.items():
            module = mapping.BUILDERS[kind][0]
            for start in range(0, len(indexes), BULK_MAX):
                chunk, payloads = [], []
                for index in indexes[start:start + BULK_MAX]:
                    try:
                        payloads.append(mapping.payload_for(documents[index])[1])
                        chunk.append(index)
                    except ConnectorError as exc:
                        out[index] = exc
                if chunk:
                    self._bulk(module, chunk, payloads, out)
        return out

    def _bulk(self, module, chunk, payloads, out):
        try:
            body, result = self._call("POST", "data", self._data_url(module, "bulk-save"),
                                      body={"data": payloads}, write=True, check=False)
        except ConnectorError as exc:
            for index in chunk:
                out[index] = exc
            return
        rows = body.get("d")
        ctx = {"request": result.request, "response": result.response}
        per_record = isinstance(rows, list) and all(isinstance(r, dict) for r in rows)
        if not (per_record and len(rows) == len(chunk)):
            if body.get("s") is False:
                error = refusal(rows, **ctx)
            else:  # some may be saved: each is looked up before any retry
                error = shapes.unexpected("Accurate", "one result per record", write=True, result=result)
            for index in chunk:
                out[index] = error
            return
        for index, row in zip(chunk, rows, strict=True):
            if row.get("s") is False:
                out[index] = refusal(row.get("d"), **ctx)
                continue
            try:  # a row without its saved record is ambiguous: looked up later
                out[index] = self._result(shapes.document(row.get("r"), "Accurate", "the saved record",
                                                          result), result)
            except ConnectorError as exc:
                out[index] = exc

    @staticmethod
    def _safe(func, *args):
        try:
            return func(*args)
        except ConnectorError as exc:
            return exc

    def _void_receipt(self, doc):
        """Delete the sales receipt ``doc.receipt_ref`` (delete.do by id); one
        already gone counts as voided."""
        found = self.find("sales_receipt", doc.receipt_ref)
        if found is None:
            return RemoteResult(remote_id="", number=doc.reference, data={"deleted": doc.receipt_ref})
        body, result = self._call("DELETE", "data", self._data_url("sales-receipt", "delete"),
                                  [("id", found.remote_id)], write=True)
        return RemoteResult(remote_id=found.remote_id, number=doc.reference,
                            data={"deleted": doc.receipt_ref, "answer": body.get("d")},
                            request=result.request, response=result.response, duration=result.duration)

    def find(self, kind, reference, parent=None):  # Accurate finds every document by its number
        if not reference:
            return None
        if kind == "receipt_void":  # done once the receipt is gone
            target = reference[:-len(VOID_SUFFIX)] if reference.endswith(VOID_SUFFIX) else reference
            if self.find("sales_receipt", target) is not None:
                return None
            return RemoteResult(remote_id="", number=reference, data={"deleted": target})
        if kind in LOOKUP:
            module, filter_field = LOOKUP[kind]
        elif kind in mapping.BUILDERS:
            module, filter_field = mapping.BUILDERS[kind][0], "number"
        elif kind.startswith("purchase"):
            module = PURCHASE_MODULES.get(kind.rpartition("_")[2], "purchase-invoice")
            filter_field = "number"
        else:
            raise ConfigurationError(code="accurate.no_such_kind", params={"kind": kind})
        rows = list(self._list(module, ["id"], [(filter_field, "EQUAL", [reference])], page_size=2))
        if not rows:
            return None
        record, result = self._detail(module, id=rows[0]["id"])
        if str(record.get("id")) != str(rows[0]["id"]):  # not the record asked for
            raise shapes.unexpected("Accurate", "the %s found" % module, result=result,
                                    detail="a record without the id that was asked")
        return self._result(record, result)

    def _ensure_account_items(self, lines):
        """Lines booked to an account (tip, service charge, gift card sold)
        travel as a SERVICE item whose sales account is that account, so they
        carry their own tax like any line; the item is made once."""
        done = getattr(self, "_account_items", None)
        if done is None:
            done = self._account_items = set()
        for line in lines:
            account = getattr(line, "account", "")
            if not account or account in done:
                continue
            code = account_item_ref(account)
            if not self.find("item", code):
                self.post(Item(reference=code, name=("%s (%s)" % (line.description or "POS", account))[:100],
                               item_type="service", sales_account=account))
            done.add(account)

    def _ensure_dpp_items(self, document):
        """PPN on a DPP (2025: 12% on 11/12 of the price): Accurate's published
        API has its DPP lever on the item (``percentTaxable``, default 100),
        not on the invoice line, so before a document with such a line is
        saved, every taxed item on it is given the DPP its line needs (read
        once per client; an item already right is not written). One item
        cannot carry two DPPs on one document: refused, naming it."""
        taxed = [line for line in document.lines if line.tax_code]
        if not any(line.dpp_percent for line in taxed):
            return
        wanted = {}
        for line in taxed:
            percent = mapping.line_dpp(line)
            if wanted.setdefault(line.item_ref, percent) != percent:
                raise ValidationError(code="accurate.dpp_two_on_one_item", params={
                    "item": line.item_ref, "ref": document.reference})
        known = getattr(self, "_item_dpp", None)
        if known is None:
            known = self._item_dpp = {}
        for ref, percent in wanted.items():
            if known.get(ref) == percent:
                continue
            found = self.find("item", ref)
            if not found:
                continue  # the invoice's own refusal names the missing item
            current = mapping.FULL_DPP if found.data.get("percentTaxable") in (None, "") else (
                Decimal(str(found.data["percentTaxable"])))
            if current != percent:
                body, result = self._call("POST", "data", self._data_url("item", "save"),
                                          body=mapping.item_dpp_payload(found.remote_id, percent), write=True)
                if body.get("s") is not True:
                    raise shapes.unexpected("Accurate", "the saved item", write=True, result=result,
                                            detail="no success flag")
            known[ref] = percent
