"""Which records an accounting system's refusal is about, read from the
request that was sent and the words that came back (no ORM).

A refusal often names the code it could not use ("Product not found: KOPI-1",
"Person customer UMUM not found", "Account 1-1100 not found") and sometimes
only the kind of record ("Barang & Jasa tidak tepat"). The sync log turns
what is found here into Odoo's terms (the product, the customer, the
connection's account field, the tax mapping)."""

import json
import re
from urllib.parse import parse_qsl

#: the kinds of record a document names, and how their keys read in the
#: payloads of Accurate (form fields, ``detailItem[0].itemNo``) and Jurnal
#: (JSON, ``transaction_lines_attributes[0].product_name``)
KEY_KINDS = (
    ("item", re.compile(r"(itemno|product_code|product_name)$")),
    ("customer", re.compile(r"(customerno|person_name)$")),
    ("tax", re.compile(r"(tax\d*name|tax_name|tax_code)$")),
    ("warehouse", re.compile(r"warehouse_?name$")),
    ("account", re.compile(r"(accountno|account_name|bankno)$")),
)
#: the words of each provider for a kind of record, when the refusal names no code
#: (Accurate: accurate-notes "Barang & Jasa tidak tepat"; Jurnal: "Product not found")
WORD_KINDS = (
    ("item", re.compile(r"\b(barang|item|product|produk)\b", re.I)),
    ("customer", re.compile(r"\b(pelanggan|customer|person)\b", re.I)),
    ("tax", re.compile(r"\b(pajak|tax)\b", re.I)),
    ("warehouse", re.compile(r"\b(gudang|warehouse)\b", re.I)),
    ("account", re.compile(r"\b(akun|perkiraan|account)\b", re.I)),
)


def _leaves(value, key=""):
    """``(key, text)`` of every string or number leaf of a decoded payload."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, key)
    elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        yield key, str(value).strip()


def _decoded_body(body):
    """A stored request body (JSON text or form-encoded text) decoded."""
    if not isinstance(body, str):
        return body
    try:
        return json.loads(body)
    except ValueError:
        pairs = parse_qsl(body, keep_blank_values=False)
        return dict(pairs) if pairs else {}


def named_values(stored_request):
    """``[(kind, code)]``, in payload order and without repeats, of the items,
    customers, taxes, warehouses and accounts a stored request names.

    ``stored_request``: the sync log's ``request_body`` (a JSON object
    ``{method, url, headers, body}`` whose body is JSON or form text, or the
    body alone); empty or unreadable: ``[]``."""
    if not stored_request:
        return []
    try:
        data = json.loads(stored_request)
    except ValueError:
        data = _decoded_body(stored_request)
    if isinstance(data, dict) and "body" in data and ("method" in data or "url" in data):
        data = _decoded_body(data["body"])
    found = []
    for key, text in _leaves(data):
        name = key.rsplit(".", 1)[-1].lower()
        kind = next((k for k, pattern in KEY_KINDS if pattern.search(name)), None)
        if kind and (kind, text) not in found:
            found.append((kind, text))
    return found


def refusal_subjects(words, values):
    """The ``(kind, code)`` of ``values`` (see :func:`named_values`) that the
    refusal ``words`` (str) are about: the codes the words quote; when they
    quote none, every code of the kind of record the words name (Accurate's
    "Barang & Jasa tidak tepat" names the kind only); else ``[]``."""
    words = words or ""
    lowered = words.lower()
    quoted = [(kind, code) for kind, code in values
              if len(code) > 1 and re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(code.lower()), lowered)]
    if quoted:
        return quoted
    for kind, pattern in WORD_KINDS:
        if pattern.search(words):
            return [(k, code) for k, code in values if k == kind]
    return []
