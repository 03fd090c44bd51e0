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
  one thousand five hundred); otherwise it is the decimal separator;
* at most MAX_ROWS rows; NUL bytes are dropped, and a text cell that would
  start a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab or carriage
  return, and not a number) is refused by the wizard and kept only
  neutralised (:func:`neutralise`), so no export of it runs a formula.
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
#: rows of one report (a provider's daily settlements for months fit well below)
MAX_ROWS = 5000
#: characters of one cell (a reference or a method name is far shorter)
MAX_CELL = 500
#: digits of an amount (a trillion rupiah with cents has 15)
MAX_DIGITS = 18
#: what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(rp\.?|idr)?\s*[\d.,\s]*\d[\d.,\s]*$", re.I)


class SettlementError(ValueError):
    """The file as a whole cannot be read: ``missing`` lists the required
    columns the header lacks (empty: the file is empty), ``header`` the
    header's cells, ``too_many`` the row limit it passes, ``long_cell``
    the line of a cell longer than MAX_CELL, ``broken`` the CSV reader's
    complaint; the wizard words the sentence."""

    def __init__(self, missing=(), header=(), too_many=0, long_cell=0, broken=""):
        super().__init__("missing columns %s in %s" % (list(missing), list(header)))
        self.missing, self.header = list(missing), list(header)
        self.too_many, self.long_cell, self.broken = too_many, long_cell, broken


def is_formula(text):
    """True when a spreadsheet would read the cell ``text`` as a formula
    (it starts with one of FORMULA_START) and it is not a plain number
    (``-1.500`` is an amount, ``=1+2`` and ``-cmd`` are not)."""
    text = text or ""
    return text.startswith(FORMULA_START) and not NUMBER.match(text)


def neutralise(text):
    """``text`` as it may be stored and shown: a formula gets a leading
    apostrophe (a spreadsheet then shows it as text)."""
    return "'" + text if is_formula(text) else text


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
    if not re.match(r"^\d+(\.\d+)?$", value) or len(value) > MAX_DIGITS + 1:
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
    """Bytes of an uploaded file as text (UTF-8 with or without BOM, else
    Latin-1), without NUL bytes (never part of a report; they end strings
    in other programs)."""
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_rows(text, max_rows=MAX_ROWS):
    """``[{"line": n, "date": str, "method": str, "gross": str, "fee": str,
    "reference": str}]`` from the report's text, cells as written (parsed by
    the caller, so that each bad cell is reported on its own row);
    SettlementError when the header lacks a required column, the file has
    more than ``max_rows`` rows or is no CSV (a cell too long...)."""
    try:
        return _read_rows(text.replace("\x00", ""), max_rows)
    except csv.Error as exc:
        raise SettlementError(broken=str(exc)) from None


def _read_rows(text, max_rows):
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
        if any(len(cell) > MAX_CELL for cell in cells):
            raise SettlementError(long_cell=reader.line_num)
        row = {key: (cells[i].strip() if i < len(cells) else "") for key, i in index.items()}
        row.setdefault("fee", "")
        row.setdefault("reference", "")
        row["line"] = reader.line_num
        rows.append(row)
        if len(rows) > max_rows:
            raise SettlementError(too_many=max_rows)
    return rows
