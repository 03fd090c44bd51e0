"""State and validation of the Accurate imitation (routes: ``accurate.py``).

Records are kept in the shape ``detail.do`` returns (a subset of Accurate's
~300 fields). Business refusals raise :class:`Refused`, which the routes turn
into Accurate's ``200 {"s":false,"d":[...]}`` in the caller's language.

This module holds the state (seeded database, numbering, look-ups), the
views ``detail.do`` returns and ``save.do`` itself; how each module's record
is built is in :mod:`.accurate_masters`, :mod:`.accurate_sales`,
:mod:`.accurate_stock`, :mod:`.accurate_purchases` and :mod:`.accurate_money`.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from ..accurate.auth import TIMESTAMP_FORMAT, WIB
from .accurate_masters import AccurateMastersMixin
from .accurate_money import AccurateMoneyMixin
from .accurate_purchases import AccuratePurchasesMixin
from .accurate_sales import AccurateSalesMixin
from .accurate_stock import DEFAULT_WAREHOUSE, AccurateStockMixin
from .accurate_vocab import (
    DETAIL_KEYS,
    MASTERS,
    MODULES,
    ZERO,
    Refused,
)
from .period_locks import APPROVAL_STATUSES, dmy, is_locked

#: the database's PPN records (description, rate); the first is what a line
#: with ``useTax1`` and no ``tax1Name`` gets (the database's default PPN)
SEED_TAXES = (("PPN 11%", Decimal("11")), ("PPN 12%", Decimal("12")),
              # the rate of Odoo's generic demo chart, so the demo's first sale posts
              ("VAT 15% (demo)", Decimal("15")))


class AccurateStore(AccurateMastersMixin, AccurateSalesMixin, AccurateStockMixin, AccuratePurchasesMixin,
                    AccurateMoneyMixin):
    def __init__(self, clock, accept_duplicates=lambda: False):
        self.clock = clock
        self.accept_duplicates = accept_duplicates  # the server's mode, read at each save
        self.reset()

    # --- state -------------------------------------------------------------
    def reset(self):
        self.records = {module: {} for module in MODULES}
        self.stock = defaultdict(lambda: ZERO)  # (itemNo, warehouse) -> quantity
        self._next_id = 100
        self._seq = defaultdict(int)
        self.locked_until = None  # Tutup Buku (see .period_locks)
        self.save_unapproved = False  # an approval rule holds every new sales invoice
        self.insert("warehouse", {"name": DEFAULT_WAREHOUSE, "defaultWarehouse": True})
        self.insert("warehouse", {"name": "Cabang", "defaultWarehouse": False})
        for no, name, kind in (
            ("1101", "Kas", "CASH_BANK"), ("1102", "Bank BCA", "CASH_BANK"),
            ("1103", "Piutang Usaha", "ACCOUNT_RECEIVABLE"), ("1301", "Persediaan", "INVENTORY"),
            ("4101", "Penjualan", "REVENUE"), ("4102", "Potongan Penjualan", "REVENUE"),
            ("5101", "Penyesuaian Persediaan", "COGS"), ("6101", "Biaya MDR", "EXPENSE"),
            ("7101", "Pendapatan Lain-lain (Pembulatan)", "OTHER_INCOME"),
            ("7102", "Selisih Kas", "OTHER_EXPENSE"),
        ):
            self.insert("glaccount", {"no": no, "name": name, "accountType": kind})
        self.insert("glaccount", {"no": "2105", "name": "PPN Keluaran", "accountType": "OTHER_CURRENT_LIABILITY"})
        # a regional tax (PB1) is owed on a liability of its own, not on PPN Keluaran
        self.insert("glaccount", {"no": "2106", "name": "Hutang Pajak Daerah (PB1)",
                                  "accountType": "OTHER_CURRENT_LIABILITY"})
        for description, rate in SEED_TAXES:
            self.insert("tax", {"description": description, "rate": rate, "taxType": "PPN",
                                "salesTaxGlAccountNo": "2105", "purchaseTaxGlAccountNo": "2105"})
        self.insert("customer", {"customerNo": "C.00001", "name": "Pelanggan Umum"})
        self.insert("vendor", {"vendorNo": "V.00001", "name": "PT Pemasok Sandbox"})

    def now_text(self):
        return datetime.fromtimestamp(self.clock(), WIB).strftime(TIMESTAMP_FORMAT)

    def insert(self, module, record):
        self._next_id += 1
        record = dict(record, id=self._next_id, lastUpdate=self.now_text())
        key = MODULES[module][2]
        if not record.get(key):
            # auto-numbering skips numbers already taken (the seeded walk-in customer is C.00001)
            number = None
            while number is None or self.by_number(module, number):
                self._seq[module] += 1
                number = "%s.%05d" % (MODULES[module][3], self._seq[module])
            record[key] = number
        record.setdefault("suspended", False)
        self.records[module][record["id"]] = record
        return record

    def by_number(self, module, number):
        key = MODULES[module][2]
        return next((r for r in self.records[module].values() if r.get(key) == number), None)

    def lookup(self, module, number, field=None):
        """The record of an existing master/document, else the "tidak tepat" refusal."""
        record = self.by_number(module, number) if number not in (None, "") else None
        if record is None:
            raise Refused("not_found", module) if field is None else Refused("required", field)
        return record

    def find(self, module, args):
        """``detail.do``: by id or the module's alternative key."""
        if args.get("id"):
            try:
                return self.records[module].get(int(args["id"]))
            except ValueError:
                return None
        alt = DETAIL_KEYS.get(module, "number")
        number = args.get(alt) or args.get("number")
        return self.by_number(module, number) if number else None

    # --- views ---------------------------------------------------------------
    def view(self, module, record):
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        if module == "item":
            per_wh = {wh: q for (no, wh), q in self.stock.items() if no == record["no"]}
            out["balance"] = sum(per_wh.values(), ZERO)
            out["detailWarehouseData"] = [{"warehouseName": wh, "name": wh, "balance": q}
                                          for wh, q in sorted(per_wh.items())]
        if module == "sales-invoice":
            owing = max(record["totalAmount"] - record["_paid"] - self._returned(record), ZERO)
            out["outstanding"] = out["primeOwing"] = owing
            out["statusOutstanding"] = "FULLY_PAID" if owing <= 0 else (
                "PARTIALLY_PAID" if record["_paid"] > 0 else "OUTSTANDING")
        return out

    def _returned(self, invoice):
        """What returns against ``invoice`` took off it."""
        return sum((r["totalAmount"] for r in self.records["sales-return"].values()
                    if (r.get("invoice") or {}).get("id") == invoice["id"]), ZERO)

    def owing(self, invoice):
        return max(invoice["totalAmount"] - invoice["_paid"] - self._returned(invoice), ZERO)

    # --- saving ------------------------------------------------------------------
    def save(self, module, payload):
        """Validate and store one ``save.do`` body; returns the stored record."""
        if not isinstance(payload, dict):
            raise Refused("bad_field", "data")
        if payload.get("id") not in (None, ""):
            return self._update(module, payload)
        if module not in MASTERS:
            self.refuse_locked(payload.get("transDate"), "locked_save")
        number_key = MODULES[module][2]
        number = payload.get(number_key) or (payload.get("number") if module in MASTERS else None)
        if number and self.by_number(module, str(number)) and not self.accept_duplicates():
            raise Refused("duplicate", module, str(number))
        builder = getattr(self, "_build_" + module.replace("-", "_"))
        record, effects = builder(payload)
        if number:
            record[number_key] = str(number)
        if module == "sales-invoice":
            record["approvalStatus"] = self.approval_of(payload)
        record = self.insert(module, record)
        for apply in effects:  # only once everything validated: all or nothing
            apply(record)
        return record

    def refuse_locked(self, day, key):
        if is_locked(self.locked_until, day):
            raise Refused(key, dmy(self.locked_until))

    def approval_of(self, payload):
        """The ``approvalStatus`` a new sales invoice gets: what
        ``saveAsStatusType`` asks, else UNAPPROVED under the approval rule."""
        asked = payload.get("saveAsStatusType")
        if asked not in (None, ""):
            if asked not in APPROVAL_STATUSES:
                raise Refused("bad_field", "saveAsStatusType")
            return asked
        return "UNAPPROVED" if self.save_unapproved else "APPROVED"

    def refuse_unapproved(self, invoice):
        """A receipt or return against an invoice not approved is refused."""
        if invoice.get("approvalStatus", "APPROVED") != "APPROVED":
            raise Refused("unapproved", "sales-invoice", invoice["number"])

    def _update(self, module, payload):
        if module not in MASTERS:
            raise Refused("no_edit")
        try:
            record = self.records[module].get(int(payload["id"]))
        except (TypeError, ValueError):
            record = None
        if record is None:
            raise Refused("not_found", module)
        number_key = MODULES[module][2]
        new_number = payload.get(number_key)
        if new_number and new_number != record[number_key] and self.by_number(module, new_number):
            raise Refused("duplicate", module, new_number)
        # rebuilt from the stored record overlaid with the new fields: validated like a create
        changes, _effects = getattr(self, "_build_" + module)(dict(record, **payload))
        record.update(changes)
        record["lastUpdate"] = self.now_text()
        return record
