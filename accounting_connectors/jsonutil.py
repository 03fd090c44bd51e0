"""JSON with exact decimals, for the clients and the sandbox alike.

Money stays ``Decimal`` up to :func:`dumps`, which writes its exact decimal
text as a JSON number (no float ever touches an amount); :func:`loads` reads
non-integral numbers back as ``Decimal``.
"""

import json
from datetime import date
from decimal import Decimal

#: how :func:`dumps` writes a date: both providers' bodies take ``dd/MM/yyyy``
DATE_FORMAT = "%d/%m/%Y"


def dumps(value):
    """JSON text in which every Decimal is written as its exact number."""
    if isinstance(value, dict):
        return "{" + ",".join("%s:%s" % (json.dumps(str(k)), dumps(v)) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("amount %s is not a number" % value)
        return decimal_text(value)
    if isinstance(value, date):
        return json.dumps(value.strftime(DATE_FORMAT))
    return json.dumps(value, ensure_ascii=False)


def loads(text):
    """Parse JSON keeping non-integral numbers as Decimal."""
    return json.loads(text, parse_float=Decimal)


def decimal_text(value):
    """The exact decimal text of an amount: ``12`` for 12.00, ``0.1`` for 0.10."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
