"""Jurnal documents that move money out or book a plain journal: customer
refunds, journal entries (cash over/short) and voided receipts.

- A :class:`~..documents.CustomerRefund` is Jurnal's *customer credit memo
  refund* (``POST /customer_credit_memo_refund``): money paid out of a
  cash/bank account against a credit memo, here the credit memo our sales
  return was booked as (see :mod:`.returns`). The Swagger body takes ids only
  (``person_id``, ``refund_from_id``, ``credit_memo_id``), so the customer,
  the account and the credit memo are resolved first. ``custom_id`` is on the
  record the Swagger answers with; we send ours and look the refund up by it
  (``GET /customer_credit_memo_refund/{id}`` is documented for the id only:
  finding by custom_id there is unconfirmed, as for sales invoices).
- A :class:`~..documents.JournalEntry` is ``POST /journal_entries`` with
  account **names** (Jurnal's field is ``account_name``).
- A :class:`~..documents.ReceiptVoid` deletes the receive payment
  (``DELETE /receive_payments/{id|custom_id}``), which Jurnal answers 204 and
  which puts the invoice's remaining amount back.
"""

from urllib.parse import quote

from ..client import RemoteResult
from ..documents import VOID_SUFFIX
from ..errors import ValidationError
from . import lookup, mapping, returns


def customer_refund(client, doc):
    if doc.amount <= 0:
        raise ValidationError(code="jurnal.refund_no_amount", params={"ref": doc.reference})
    memo = returns.find_credit_memo(client, doc.return_ref) if doc.return_ref else None
    if memo is None:
        raise ValidationError(code="jurnal.no_credit_memo", params={"ref": doc.return_ref or "(none named)"})
    person = client.find("customer", doc.customer_ref) if doc.customer_ref else None
    person_id = (memo.data.get("person") or {}).get("id") or (person and person.remote_id)
    if not person_id:
        raise ValidationError(code="jurnal.no_customer", params={"ref": doc.customer_ref})
    body = {"customer_credit_memo_refund": mapping._drop_empty({
        "person_id": int(person_id),
        "transaction_date": mapping.dmy(doc.date),
        "refund_from_id": int(client._account_id(doc.account)),
        "custom_id": doc.reference,
        "memo": doc.description,
        "credit_memo_refund_lines_attributes": [{
            "credit_memo_id": int(memo.remote_id), "refund_amount": mapping.num(doc.amount),
            # the Swagger documents no custom_id here: our reference travels in the line
            "description": returns.tagged_memo(doc.description or "Refund", doc.reference)}],
    })}
    return client._send("POST", "/customer_credit_memo_refund", body, "customer_credit_memo_refund")


def find_refund(client, reference, parent=None):
    """The customer refund carrying ``reference``, or None: by ``custom_id``
    where Jurnal kept it, else through its credit memo (``parent``: our
    reference of the return it refunds), whose refunds name ours in their
    line description. Reading a credit memo's refunds is the sandbox's
    reading of Jurnal; unconfirmed against the real service."""
    found = lookup.find_one(client, "customer_refund", reference)
    if found is not None or not parent:
        return found
    memo = returns.find_credit_memo(client, parent)
    tag = "[%s]" % reference
    for refund in (memo.data.get("credit_memo_refunds") or []) if memo else []:
        if isinstance(refund, dict) and tag in str(refund.get("description") or ""):
            return RemoteResult(remote_id=str(refund.get("id") or ""), number=str(refund.get("transaction_no") or ""),
                                data=refund)
    return None


def journal_entry(client, doc):
    lines = []
    for line in doc.lines:
        for side, amount in (("debit", line.debit), ("credit", line.credit)):
            if amount:
                lines.append(mapping._drop_empty({"account_name": client._account_name(line.account),
                                                  side: mapping.num(amount),
                                                  "description": line.description}))
    if not lines:
        raise ValidationError(code="jurnal.entry_no_amount", params={"ref": doc.reference})
    body = {"journal_entry": mapping._drop_empty({
        "transaction_date": mapping.iso(doc.date),
        "transaction_no": doc.reference,
        "custom_id": doc.reference,
        "memo": doc.description,
        "transaction_account_lines_attributes": lines,
    })}
    return client._send("POST", "/journal_entries", body, "journal_entry")


def void_receipt(client, doc):
    found = client.find("sales_receipt", doc.receipt_ref)
    if found is None:  # already gone
        return RemoteResult(remote_id="", number=doc.reference, data={"deleted": doc.receipt_ref})
    _data, res = client._call("DELETE", "/receive_payments/%s" % quote(found.remote_id, safe=""))
    return RemoteResult(remote_id=found.remote_id, number=doc.reference, data={"deleted": doc.receipt_ref},
                        request=res.request, response=res.response, duration=res.duration)


def find_void(client, reference, parent=None):
    """A void is done once the receipt it names is gone (``parent``: unused,
    every finder of :data:`.posting.FINDERS` takes it)."""
    target = reference[:-len(VOID_SUFFIX)] if reference.endswith(VOID_SUFFIX) else reference
    if client.find("sales_receipt", target) is not None:
        return None
    return RemoteResult(remote_id="", number=reference, data={"deleted": target})

