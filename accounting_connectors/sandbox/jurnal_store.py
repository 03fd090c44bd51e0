"""State and validation of the Jurnal imitation.

Records are kept in the shape Jurnal answers with (money as strings like
``"9690000.0"``, dates DD/MM/YYYY); validation failures raise
:class:`JurnalError` carrying Jurnal's status and body. Stock is kept per
product per warehouse; warehouse id -1 is Jurnal's built-in "Unassigned".
"""

import copy
import itertools
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from .. import documents

Q = Decimal("0.01")
STATUS = {1: ("Open", "Belum Dibayar"), 2: ("Closed", "Selesai"), 3: ("Paid", "Lunas"),
          4: ("Partial", "Terbayar Sebagian")}
SEED_ACCOUNTS = [  # name, number, category
    ("Kas", "1-10001", "Cash & Bank"), ("Rekening Bank", "1-10002", "Cash & Bank"),
    ("Piutang Usaha", "1-10100", "Accounts Receivable"), ("Persediaan Barang", "1-10200", "Inventory"),
    ("Hutang Usaha", "2-20100", "Accounts Payable"), ("Pendapatan", "4-40000", "Income"),
    ("Diskon Penjualan", "4-40100", "Income"), ("Pendapatan Lain - Pembulatan", "7-70099", "Other Income"),
    ("Beban Pokok Pendapatan", "5-50000", "Cost of Sales"), ("Beban Komisi & Fee", "6-60217", "Expenses"),
    ("Inventory Adjustments", "5-50300", "Cost of Sales"), ("Retur Penjualan", "4-40200", "Income"),
    ("PPN Keluaran", "2-20500", "Other Current Liabilities"),
    ("Hutang Pajak Daerah (PB1)", "2-20600", "Other Current Liabilities"),
    ("Selisih Kas", "8-80100", "Other Expense"),
]


#: the company's taxes (name, rate %): PPN at 11% (named as Jurnal's own
#: chart does) and 12%
SEED_TAXES = (("PPN", Decimal(11)), ("PPN 12%", Decimal(12)),
              ("VAT 15% (demo)", Decimal(15)))  # the rate of Odoo's generic demo chart


class JurnalError(Exception):
    def __init__(self, status, body):
        super().__init__(body)
        self.status, self.body = status, body


def status(code):
    """A document's ``transaction_status`` as Jurnal answers it (:data:`STATUS`)."""
    name, bahasa = STATUS[code]
    return {"id": code, "name": name, "name_bahasa": bahasa}


def invalid(*messages, field=None, status=422):
    body = {field: "(%s)" % messages[0]} if field else {}
    body.update(id=None, error_full_messages=list(messages))
    raise JurnalError(status, body)


def money(value):
    text = format(Decimal(value).quantize(Q).normalize(), "f")
    return text if "." in text else text + ".0"


def dec(value, what="amount"):
    """An amount of a request body (:func:`accounting_connectors.documents.dec`); text that is
    no number is refused as Jurnal refuses it."""
    try:
        return documents.dec(value)
    except InvalidOperation:
        invalid("%s is not a number" % what.capitalize())


def parse_date(value, field="transaction_date"):
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(value), fmt).date()
        except (TypeError, ValueError):
            continue
    invalid("%s can't be blank or is not a valid date" % field.replace("_", " ").capitalize(), field=field)


def parse_dmy(value, field):
    """DD/MM/YYYY only: what warehouse transfers and stock adjustments take
    (their Swagger examples); an ISO date there is refused."""
    try:
        return datetime.strptime(str(value), "%d/%m/%Y").date()
    except (TypeError, ValueError):
        invalid("%s is not a valid date (dd/mm/yyyy)" % field.replace("_", " ").capitalize(), field=field)


def dmy(day):
    return day.strftime("%d/%m/%Y")


class JurnalStore:
    def __init__(self, clock):
        self.clock = clock  # the server's clock (honours clock_offset)
        self.reset()

    # --- state ---------------------------------------------------------------
    def reset(self):
        self._ids = itertools.count(1001)
        self.tables = {name: {} for name in (
            "accounts", "warehouses", "customers", "vendors", "products", "sales_invoices",
            "receive_payments", "sales_returns", "warehouse_transfers", "stock_adjustments",
            "bank_transfers", "journal_entries", "purchase_invoices", "purchase_returns",
            "payment_methods", "credit_memos", "taxes", "customer_credit_memo_refund")}
        self.stock = {}  # (product id, warehouse id) -> Decimal
        self.balances = {}  # account id -> Decimal
        self.numbers = itertools.count(10001)
        self.locked_until = None  # Kunci Periode / Tutup Buku (see .period_locks)
        for name, number, category in SEED_ACCOUNTS:
            self.add("accounts", {"name": name, "number": number, "category": category})
        for name, rate in SEED_TAXES:
            self.add("taxes", {"name": name, "rate": money(rate), "custom_id": None, "use_witholding": False,
                               "sell_tax_account": {"id": None, "name": "PPN Keluaran"},
                               "buy_tax_account": {"id": None, "name": "PPN Keluaran"}})
        self.add("warehouses", {"id": -1, "name": "Unassigned", "code": "", "custom_id": None})
        self.add("warehouses", {"name": "Gudang Utama", "code": "WH-01", "custom_id": "WH-01"})
        self.add("customers", {"display_name": "Pelanggan Umum", "custom_id": "WALKIN",
                               "default_ar_account": self.account_ref("Piutang Usaha")})
        self.add("vendors", {"display_name": "PT Pemasok Jaya", "custom_id": "SUP-1"})

    def now_iso(self):
        return datetime.fromtimestamp(self.clock(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def next_id(self):
        return next(self._ids)

    def snapshot(self):
        """A refused request must leave nothing behind (Jurnal saves all or nothing)."""
        return copy.deepcopy((self.tables, self.stock, self.balances))

    def restore(self, snap):
        self.tables, self.stock, self.balances = snap

    def add(self, table, record):
        record.setdefault("id", next(self._ids))
        record.setdefault("created_at", self.now_iso())
        record.setdefault("updated_at", record["created_at"])
        record.setdefault("deleted_at", None)
        self.tables[table][record["id"]] = record
        return record

    def get(self, table, ident, by=("id", "custom_id")):
        """By id, or by the other keys a resource accepts (custom_id...)."""
        rows = self.tables[table]
        for key in by:
            for rec in rows.values():
                if str(rec.get(key)) == str(ident) and rec.get(key) not in (None, ""):
                    return rec
        return None

    def check_unique(self, table, payload):
        """Single create: a repeated custom_id is a 409 (as Jurnal answers)."""
        custom_id = payload.get("custom_id")
        dup = custom_id and self.get(table, custom_id, by=("custom_id",))
        if dup:
            raise JurnalError(409, {"custom_id": "(Custom id attribute had already been used.)",
                                    "id": dup["id"], "error_full_messages": [
                                        "Custom (Custom id attribute had already been used.)"]})
        number = payload.get("transaction_no")
        if number and self.get(table, number, by=("transaction_no",)):
            invalid("Transaction no (Transaction number had already been used)", field="transaction_no")

    def number(self, table, payload):
        return str(payload.get("transaction_no") or next(self.numbers))

    # --- look-ups that answer in Jurnal's words -------------------------------
    def account(self, name=None, ident=None, field="account_name", cash=False):
        rec = self.get("accounts", ident) if ident else None
        # a *_name field takes the account's NAME: Jurnal does not match its
        # number there (that is what *_number fields are for)
        rec = rec or (name and next((a for a in self.tables["accounts"].values()
                                     if a["name"] == name), None))
        if not rec:
            invalid("Account %s not found" % (name or ident or "(blank)"), field=field)
        if cash and rec["category"] != "Cash & Bank":
            invalid("%s must be a Cash & Bank account" % rec["name"], field=field)
        return rec

    def tax(self, name):
        """The company tax named ``name`` (``line_tax_name``), else Jurnal's refusal."""
        rec = next((t for t in self.tables["taxes"].values() if t["name"] == name and not t.get("deleted_at")),
                   None)
        if not rec:
            invalid("Tax %s not found" % name, field="line_tax_name")
        return rec


    def account_by_name(self, name, field="account_name"):
        """Where Jurnal takes an account *name* (stock adjustments): a number is not one."""
        rec = name and next((a for a in self.tables["accounts"].values() if a["name"] == name), None)
        if not rec:
            invalid("Account %s not found" % (name or "(blank)"), field=field)
        return rec

    def inventory(self, warehouse):
        """``warehouse_inventory`` of ``GET warehouses/{id}``: tracked products and their quantity."""
        return [{"id": p["id"], "name": p["name"], "code": p.get("product_code") or "",
                 "quantity": money(self.on_hand(p, warehouse))}
                for p in self.tables["products"].values() if p.get("track_inventory") and not p.get("deleted_at")]

    def account_ref(self, name):
        rec = self.account(name)
        return {"id": rec["id"], "name": rec["name"], "number": rec["number"], "category": rec["category"]}

    def warehouse(self, payload, prefix="", default=-1):
        ident = payload.get(prefix + "warehouse_id")
        name = payload.get(prefix + "warehouse_name")
        code = payload.get(prefix + "warehouse_code")
        if ident is None and not name and not code:
            if default is None:
                invalid("%s can't be blank" % (prefix + "warehouse_name"), field=prefix + "warehouse_name")
            return self.tables["warehouses"][default]
        for rec in self.tables["warehouses"].values():
            if (ident is not None and str(rec["id"]) == str(ident)) or (name and rec["name"] == name) \
                    or (code and rec["code"] == code):
                return rec
        invalid("Warehouse %s not found" % (name or code or ident), field=prefix + "warehouse_name")

    def product(self, line):
        keys = ("product_id", "product_custom_id", "product_code", "product_name")
        if not any(line.get(k) not in (None, "") for k in keys):
            invalid("Product can't be blank", field="transaction_lines_attributes")
        found = None
        for key, attr in zip(keys, ("id", "custom_id", "product_code", "name"), strict=True):
            if line.get(key) in (None, ""):
                continue
            rec = self.get("products", line[key], by=(attr,))
            if rec is None or (found and rec is not found):
                invalid("Product not found: %s" % line[key], field="transaction_lines_attributes")
            found = rec
        return found

    def person(self, payload, table="customers"):
        rec = None
        if payload.get("person_id"):
            rec = self.get(table, payload["person_id"], by=("id",))
        elif payload.get("person_name"):
            rec = self.get(table, payload["person_name"], by=("display_name",))
        if not rec:
            who = "Customer" if table == "customers" else "Vendor"
            invalid("Person %s %s not found" % (who.lower(), payload.get("person_name") or
                                                payload.get("person_id") or "(blank)"), field="person_name")
        return rec

    # --- stock and balances ---------------------------------------------------
    def move(self, product, warehouse, qty):
        if product.get("track_inventory") is False:
            return
        key = (product["id"], warehouse["id"])
        self.stock[key] = self.stock.get(key, Decimal(0)) + qty

    def on_hand(self, product, warehouse):
        return self.stock.get((product["id"], warehouse["id"]), Decimal(0))

    def book(self, account, amount):
        self.balances[account["id"]] = self.balances.get(account["id"], Decimal(0)) + amount

    # --- listing ---------------------------------------------------------------
    def listing(self, table, args):
        rows = [r for r in self.tables[table].values() if not r.get("deleted_at")]
        sort_key = args.get("sort_key") or "created_at"
        if table == "sales_invoices" and sort_key in ("id", "transaction_no"):
            raise JurnalError(422, {"errors": "Unprocessable Entity"})
        if sort_key in ("created_at", "transaction_no") and (args.get("start_date") or args.get("end_date")):
            start = parse_date(args.get("start_date") or "01/01/1970", "start_date")
            end = parse_date(args.get("end_date") or "31/12/9999", "end_date")
            rows = [r for r in rows if start <= date.fromisoformat(r["created_at"][:10]) <= end]
        rows.sort(key=lambda r: (str(r.get(sort_key) or ""), r["id"]),
                  reverse=args.get("sort_order") == "desc")
        try:
            page = max(1, int(args.get("page") or 1))
            size = min(1000, max(1, int(args.get("page_size") or 20)))
        except ValueError:
            raise JurnalError(422, {"errors": "Unprocessable Entity"})
        total_pages = max(1, -(-len(rows) // size))
        return {table: rows[(page - 1) * size: page * size], "total_count": len(rows),
                "current_page": page, "total_pages": total_pages}
