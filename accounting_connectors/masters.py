"""Refusals that mean "I do not know this item/customer": the accounting
system lost a master Odoo believes it sent (deleted there, or a fresh
database behind the same credentials). Recognised from the connector's own
code (Jurnal's look-up before posting) or from the provider's words:

- Accurate: "<module label> tidak tepat" (HTTP 200, ``s`` false; Indonesian
  or English session), the label "Barang & Jasa" / "Item & Service" for an
  item, "Pelanggan" / "Customer" for a customer (accurate-notes 2);
- Jurnal: "Product not found: <what the line named>" and
  "Person customer <name> not found" (a 422 on the document).
"""

import re

#: provider -> [(pattern over the provider's words, kind)]; a ``name`` group is what it named
PATTERNS = {
    "accurate": [
        (re.compile(r"(?:Barang & Jasa|Barang dan Jasa) tidak tepat|Item & Service is not valid", re.I), "item"),
        (re.compile(r"\bPelanggan tidak tepat|\bCustomer is not valid", re.I), "customer"),
    ],
    "jurnal": [
        (re.compile(r"Product not found(?::\s*(?P<name>[^;\n]+?))?\s*(?:[;\n]|$)", re.I), "item"),
        (re.compile(r"Person customer (?P<name>.+?) not found", re.I), "customer"),
    ],
}
#: connector codes raised before posting: code -> (kind, the param naming it)
CODES = {
    "jurnal.no_product": ("item", "sku"),
    "jurnal.no_customer": ("customer", "ref"),
}


def missing_master(provider, code=None, params=None, provider_message=""):
    """What an error says the accounting system lacks: ``(kind, name)``,
    ``kind`` "item" or "customer", ``name`` what it named ("" when it named
    nothing, as Accurate), or None for any other error.

    ``provider``: "accurate" or "jurnal"; ``code``/``params``: the
    ConnectorError's; ``provider_message``: the provider's words (str)."""
    if code in CODES:
        kind, key = CODES[code]
        return kind, str((params or {}).get(key) or "")
    for pattern, kind in PATTERNS.get(provider, ()):
        found = pattern.search(provider_message or "")
        if found:
            name = found.groupdict().get("name") or ""
            return kind, name.strip()
    return None
