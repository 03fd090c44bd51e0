"""The Accurate imitation's vocabulary: document modules with their labels,
the messages it answers in (Indonesian or English), and the field readers
that refuse bad input the way Accurate does."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .period_locks import ACCURATE_MESSAGES

ZERO = Decimal("0")
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4}$")

#: module -> (Indonesian label, English label, number field, auto-number prefix)
MODULES = {
    "customer": ("Pelanggan", "Customer", "customerNo", "C"),
    "vendor": ("Pemasok", "Vendor", "vendorNo", "V"),
    "item": ("Barang & Jasa", "Item & Service", "no", "I"),
    "warehouse": ("Gudang", "Warehouse", "name", "W"),
    "glaccount": ("Akun Perkiraan", "Account", "no", "A"),
    "sales-invoice": ("Faktur Penjualan", "Sales Invoice", "number", "SI"),
    "sales-receipt": ("Penerimaan Penjualan", "Sales Receipt", "number", "CR"),
    "sales-return": ("Retur Penjualan", "Sales Return", "number", "SRT"),
    "item-transfer": ("Pemindahan Barang", "Item Transfer", "number", "IT"),
    "item-adjustment": ("Penyesuaian Persediaan", "Inventory Adjustment", "number", "IA"),
    "bank-transfer": ("Transfer Bank", "Bank Transfer", "number", "BT"),
    "journal-voucher": ("Bukti Jurnal Umum", "Journal Voucher", "number", "JV"),
    "purchase-invoice": ("Faktur Pembelian", "Purchase Invoice", "number", "PI"),
    "purchase-return": ("Retur Pembelian", "Purchase Return", "number", "PRT"),
    "tax": ("Pajak", "Tax", "description", "TX"),
    "receive-item": ("Penerimaan Barang", "Receive Item", "number", "RI"),
}
MASTERS = ("customer", "vendor", "item", "warehouse", "glaccount", "tax")
#: ``detail.do`` alternative keys besides ``id``
DETAIL_KEYS = {"customer": "customerNo", "item": "no", "warehouse": "warehouseName", "glaccount": "no"}

#: message key -> (Indonesian, English). Only "... tidak tepat" and the date
#: text are quoted from the real service; the others (notably the duplicate
#: number text "Nomor ... sudah digunakan") are unconfirmed wordings.
MESSAGES = {
    "not_found": ("%s tidak tepat", "%s is not valid"),
    "required": ("%s harus diisi", "%s is required"),
    "bad_field": ('Invalid field value for field "%s".', 'Invalid field value for field "%s".'),
    "duplicate": ('Nomor %s "%s" sudah digunakan', '%s number "%s" is already used'),
    "saved": ('%s "%s" berhasil disimpan', '%s "%s" has been saved'),
    "deleted": ('%s "%s" berhasil dihapus', '%s "%s" has been deleted'),
    "overpaid": ("Nilai pembayaran melebihi sisa piutang Faktur %s",
                 "Payment exceeds the amount owing of invoice %s"),
    "cheque": ("Nilai penerimaan tidak sama dengan total pembayaran faktur",
               "Received amount differs from the total paid to invoices"),
    "not_cash": ("Akun %s bukan akun Kas/Bank", "Account %s is not a cash/bank account"),
    "unbalanced": ("Total debit dan kredit tidak sama", "Total debit and credit are not equal"),
    "paid_before": ("Tanggal pembayaran lebih kecil dari tanggal Faktur %s",
                    "The payment date is earlier than the date of invoice %s"),
    "over_returned": ("Kuantitas retur barang %s melebihi kuantitas Faktur %s",
                      "The returned quantity of item %s exceeds what invoice %s sold"),
    "not_receivable": ("Akun %s bukan akun Piutang", "Account %s is not a receivable account"),
    "bulk_max": ("Maksimal 100 data dalam satu permintaan", "At most 100 records per request"),
    # unconfirmed wordings: Accurate refuses stock below zero on the transaction date
    "short": ("Kuantitas barang %s di gudang %s tidak mencukupi (tersedia %s)",
              "Insufficient quantity of item %s in warehouse %s (available %s)"),
    "not_sent": ("Barang %s yang diterima melebihi sisa kirim Pemindahan Barang %s (sisa %s)",
                 "Item %s received exceeds what remains to receive of Item Transfer %s (remaining %s)"),
    "no_edit": ("Sandbox: ubah transaksi tidak didukung", "Sandbox: editing transactions is not supported"),
    # unconfirmed wordings: a customer's NPWP / NITKU of the wrong shape, an item line in a unit the item has not
    "tax_number": ('Nilai %s "%s" tidak valid', 'The value of %s "%s" is not valid'),
    "unit": ('Satuan "%s" tidak terdaftar pada barang %s', 'Unit "%s" is not a unit of item %s'),
    **ACCURATE_MESSAGES,  # closed periods and approval (ASSUMED wordings, see .period_locks)
}


class Refused(Exception):
    """A business refusal: message key + arguments (module names become labels)."""

    def __init__(self, key, *args):
        super().__init__(key)
        self.key, self.args_ = key, args

    def text(self, lang="ID"):
        english = 1 if (lang or "").upper() == "US" else 0
        args = tuple(MODULES[a][english] if a in MODULES else a for a in self.args_)
        return MESSAGES[self.key][english] % args


def saved_text(module, number, lang="ID"):
    return Refused("saved", module, number).text(lang)


def money(payload, key, required=True, default=ZERO):
    value = payload.get(key)
    if value in (None, ""):
        if required:
            raise Refused("required", key)
        return default
    if isinstance(value, bool):
        raise Refused("bad_field", key)
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise Refused("bad_field", key) from None


def date_field(payload, key, required=True):
    value = payload.get(key)
    if value in (None, ""):
        if required:
            raise Refused("required", key)
        return None
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise Refused("bad_field", key)
    try:
        datetime.strptime(value, "%d/%m/%Y")
    except ValueError:
        raise Refused("bad_field", key) from None
    return value


def text(payload, key, required=True):
    value = payload.get(key)
    if value in (None, "") and required:
        raise Refused("required", key)
    return "" if value is None else str(value)


def lines_of(payload, key, required=True):
    value = payload.get(key)
    if value is None or (required and value == []):
        if required:
            raise Refused("required", key)
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Refused("bad_field", key)
    return value
