"""Admin hooks of both imitations for sales documents a person changes in
the accounting system after Odoo posted them: edited (amounts, date, memo),
deleted, or entered a second time by hand under the same reference. Accurate
announces each by its WRITE/DELETE webhook, as it does for any document;
Jurnal sends nothing (its changes are found by reading its lists).

Documents are named by our reference (Accurate ``number``, Jurnal
``custom_id``) and a kind: ``sales_invoice``, ``sales_return``,
``sales_receipt`` or ``journal_entry`` (a POS sales journal entry, an
Accurate journal voucher: Accurate has no webhook event for those, so none
is sent). A journal entry's ``lines`` change is ``{account number: amount}``:
each line on that account gets the amount on its side (debit or credit).
Mixed into the provider apps (``AccurateApp`` uses its ``store`` and
``_notify``; ``JurnalApp`` its ``store``)."""

import copy
from decimal import Decimal, InvalidOperation

#: kind -> (Accurate module, fields a person may change, Jurnal table, fields)
KINDS = {
    "sales_invoice": ("sales-invoice", ("totalAmount", "tax1Amount", "transDate", "description"),
                      "sales_invoices", ("original_amount", "tax_amount", "transaction_date", "memo")),
    "sales_return": ("sales-return", ("totalAmount", "tax1Amount", "transDate", "description"),
                     "sales_returns", ("return_amount", "transaction_date", "memo")),
    "sales_receipt": ("sales-receipt", ("chequeAmount", "transDate", "description"),
                      "receive_payments", ("total", "transaction_date", "memo")),
    "journal_entry": ("journal-voucher", ("transDate", "description", "lines"),
                      "journal_entries", ("transaction_date", "memo", "lines")),
}
#: Accurate modules without a webhook event (accurate-notes 4: no JOURNAL_VOUCHER)
SILENT_MODULES = {"journal-voucher"}
AMOUNTS = {"totalAmount", "tax1Amount", "chequeAmount", "original_amount", "tax_amount", "return_amount", "total"}


class SalesHookError(ValueError):
    """Bad admin input (answered 4xx with the sentence)."""


def _kind(kind):
    if kind not in KINDS:
        raise SalesHookError("unknown kind %r; one of %s" % (kind, ", ".join(sorted(KINDS))))
    return KINDS[kind]


def _changes(payload, allowed):
    unknown = sorted(set(payload or {}) - set(allowed))
    if unknown or not payload:
        raise SalesHookError("a person may change %s here, not %s" % (", ".join(allowed), ", ".join(unknown) or
                                                                       "nothing"))
    out = {}
    for key, value in payload.items():
        if key == "lines":
            if not isinstance(value, dict) or not value:
                raise SalesHookError("lines must be an object {account number: amount}")
            value = {str(k): _amount("lines", v) for k, v in value.items()}
        elif key in AMOUNTS:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise SalesHookError("%s must be an amount" % key) from None
        out[key] = value
    return out


def _amount(key, value):
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise SalesHookError("%s must be an amount" % key) from None


def _unknown_accounts(wanted, have):
    missing = sorted(set(wanted) - set(have))
    if missing:
        raise SalesHookError("the entry has no line on %s" % ", ".join(missing))


class AccurateSalesHooks:
    def _sales_record(self, kind, reference):
        module = _kind(kind)[0]
        record = self.store.by_number(module, reference)
        if record is None:
            raise SalesHookError("no %s numbered %s" % (module, reference))
        return module, record

    def edit_sales(self, kind, reference, payload):
        module, record = self._sales_record(kind, reference)
        changes = _changes(payload, _kind(kind)[1])
        lines = changes.pop("lines", None)
        if lines:
            rows = record["detailJournalVoucher"]
            _unknown_accounts(lines, [row["accountNo"] for row in rows])
            for row in rows:
                if row["accountNo"] in lines:
                    row["amount"] = lines[row["accountNo"]]
        record.update(changes)
        record.update(optLock=record.get("optLock", 0) + 1, lastUpdate=self.store.now_text())
        self._announce(module, record)
        return self.store.view(module, record)

    def delete_sales(self, kind, reference):
        module, record = self._sales_record(kind, reference)
        del self.store.records[module][record["id"]]
        self._announce(module, record, "DELETE")
        return {"s": True, "d": ["%s deleted" % record["number"]]}

    def copy_sales(self, kind, reference):
        """The same document entered again by hand (same number)."""
        module, record = self._sales_record(kind, reference)
        twin = self.store.insert(module, dict(copy.deepcopy(record), id=None))
        self._announce(module, twin)
        return self.store.view(module, twin)

    def _announce(self, module, record, action="WRITE"):
        if module not in SILENT_MODULES:
            self._notify(module, record, action)


class JurnalSalesHooks:
    def _sales_record(self, kind, reference):
        table = _kind(kind)[2]
        record = next((r for r in self.store.tables[table].values()
                       if r.get("custom_id") == reference and not r.get("deleted_at")), None)
        if record is None:
            raise SalesHookError("no %s with custom_id %s" % (table, reference))
        return table, record

    def edit_sales(self, kind, reference, payload):
        _table, record = self._sales_record(kind, reference)
        changes = _changes(payload, _kind(kind)[3])
        lines = changes.pop("lines", None)
        if lines:
            rows = record["transaction_account_lines"]
            _unknown_accounts(lines, [row["account"]["number"] for row in rows])
            for row in rows:
                if row["account"]["number"] in lines:
                    side = "debit" if Decimal(str(row["debit"])) else "credit"
                    row[side] = "%s" % lines[row["account"]["number"]]
        record.update({k: ("%s" % v if k in AMOUNTS else v) for k, v in changes.items()},
                      updated_at=self.store.now_iso())
        return record

    def delete_sales(self, kind, reference):
        _table, record = self._sales_record(kind, reference)
        record["deleted_at"] = record["updated_at"] = self.store.now_iso()
        return {"deleted": record["id"]}

    def copy_sales(self, kind, reference):
        table, record = self._sales_record(kind, reference)
        twin = copy.deepcopy(record)
        for key in ("id", "created_at", "updated_at"):
            twin.pop(key, None)
        twin["transaction_no"] = str(next(self.store.numbers))
        return self.store.add(table, twin)
