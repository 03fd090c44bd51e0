"""Readable references for POS documents: a session named ``POS/00001``
posts ``POS/00001/INV``, not ``POS/POS/00001/INV``.

The reference is what keeps a document from being posted twice (it is
stored remotely and looked up before any retry), so a session or order that
already has lines queued under the older form keeps that form for all its
documents; only records queued for the first time use the readable one.
"""


def old_prefix(name):
    """The older form, ``POS/<name>`` whatever the name."""
    return "POS/%s" % name


def readable_prefix(name):
    """``POS/<name>``, unless ``name`` (a session or order name, str)
    already starts with ``POS/``: then the name itself."""
    name = (name or "").strip()
    return name if name.upper().startswith("POS/") else "POS/%s" % name


def chain_for(record):
    """The chain (and reference prefix) of ``record`` (a pos.session or
    pos.order): the readable one, unless lines were already queued under
    the older form."""
    old = old_prefix(record.name)
    new = readable_prefix(record.name)
    if new == old or record.env["accounting.sync.job"].sudo().search_count([("chain", "=", old)], limit=1):
        return old
    return new
