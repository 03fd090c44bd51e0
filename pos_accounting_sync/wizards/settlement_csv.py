"""Reading a payment provider's settlement report (CSV) into plain rows.

No Odoo here: the import wizard matches the rows to payment methods. What is
accepted (the wizard's help says the same):

* separator ``,`` or ``;`` (whichever the header line uses), UTF-8 with or
  without BOM, else Latin-1;
* a header line naming the columns, in any order and case: date (``date``,
  ``tanggal``, ``settlement date``...), method (``method``, ``mid``,
  ``payment method``, ``metode``...), gross (``gross``, ``amount``,
  ``jumlah``, ``nominal``...), optional fee (``fee``, ``mdr``, ``biaya``) and
  optional reference (``reference``, ``ref``, ``settlement id``...);
* dates as ``2024-06-15``, ``15/06/2024``, ``15-06-2024`` or ``15.06.2024``;
* amounts with an optional ``Rp``: ``1.000.000`` and ``1.000.000,50``
  (Indonesian), ``1,000,000.50`` (English), ``1000000``. A single
  separator followed by exactly three digits groups thousands (``1.500`` is
  one thousand five hundred); otherwise it is the decimal separator.
"""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

COLUMNS = {
    "date": ("date", "tanggal", "settlement date", "tanggal settlement", "payout date", "tgl"),
    "method": ("method", "mid", "payment method", "metode", "metode pembayaran", "channel", "merchant id"),
    "gross": ("gross", "gross amount", "amount", "jumlah", "nominal", "total", "gross settlement"),
    "fee": ("fee", "mdr", "biaya", "mdr fee", "fee amount", "biaya mdr"),
    "reference": ("reference", "ref", "referensi", "settlement id", "settlement reference", "settlement no"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
THOUSANDS = {".": re.compile(r"^\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^\d{1,3}(,\d{3})+$")}


class SettlementError(ValueError):
    """The file as a whole cannot be read: ``missing`` lists the required
    columns the header lacks (empty: the file is empty), ``header`` the
    header's cells; the wizard words the sentence."""

    def __init__(self, missing=(), header=()):
        super().__init__("missing columns %s in %s" % (list(missing), list(header)))
        self.missing, self.header = list(missing), list(header)


def parse_amount(text):
    """``text`` (a report cell) as a Decimal; ValueError when it is no amount."""
    value = re.sub(r"(?i)^\s*(rp\.?|idr)\s*", "", text or "").replace(" ", "").replace("\u00a0", "")
    negative = value.startswith("-")
    value = value.lstrip("-")
    if not value:
        raise ValueError("empty")
    if "." in value and "," in value:
        decimal_sep = "." if value.rfind(".") > value.rfind(",") else ","
        value = value.replace("," if decimal_sep == "." else ".", "").replace(decimal_sep, ".")
    else:
        for sep in (".", ","):
            if sep in value:
                value = value.replace(sep, "") if THOUSANDS[sep].match(value) else value.replace(sep, ".")
    if not re.match(r"^\d+(\.\d+)?$", value):
        raise ValueError(text)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    return -amount if negative else amount


def parse_date(text):
    """``text`` as a date in one of DATE_FORMATS; ValueError otherwise."""
    text = (text or "").strip()[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def decode(data):
    """Bytes of an uploaded file as text (UTF-8 with or without BOM, else Latin-1)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_rows(text):
    """``[{"line": n, "date": str, "method": str, "gross": str, "fee": str,
    "reference": str}]`` from the report's text, cells as written (parsed by
    the caller, so that each bad cell is reported on its own row);
    SettlementError when the header lacks a required column."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise SettlementError()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().casefold() for cell in next(reader)]
    index = {}
    for key, names in COLUMNS.items():
        for i, cell in enumerate(header):
            if cell in names and key not in index:
                index[key] = i
    missing = [key for key in ("date", "method", "gross") if key not in index]
    if missing:
        raise SettlementError(missing, header)
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row = {key: (cells[i].strip() if i < len(cells) else "") for key, i in index.items()}
        row.setdefault("fee", "")
        row.setdefault("reference", "")
        row["line"] = reader.line_num
        rows.append(row)
    return rows
