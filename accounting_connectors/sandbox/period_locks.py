"""Locked periods and approval in both imitations (set through
``/_sandbox/period_lock/<provider>`` and ``/_sandbox/approval/accurate``,
see :mod:`.admin`).

Jurnal's *Kunci Periode* and *Tutup Buku* and Accurate's *Tutup Buku* lock
every transaction dated on or before the lock date: it cannot be created,
changed or deleted ("Anda tidak dapat mengubah, menghapus, menyetujui, dan
membuat transaksi baru dengan tanggal transaksi sebelum tanggal kunci
periode dan/atau tutup buku terakhir", Jurnal's help centre). Masters
(customers, items, accounts) carry no date and are never locked.

The API's own words for the refusal are not in the published contracts:
the sentences below are ASSUMED, kept to each provider's style (Jurnal: a
422 with ``error_full_messages``; Accurate: ``{"s": false, "d": [...]}``
in the database's language), each naming the lock date as dd/mm/yyyy.

Accurate can keep a sales invoice unapproved (``approvalStatus``; a save
with ``saveAsStatusType`` DRAFT/UNAPPROVED, or a database whose approval
rule holds every new invoice): the sandbox's ``save_unapproved`` switch
plays that rule. A receipt or return against an unapproved invoice is
refused (wording ASSUMED, as above).
"""

from datetime import datetime

#: Jurnal's refusal (ASSUMED wording, see the module's docstring)
JURNAL_LOCKED = ("Tanggal transaksi berada dalam periode yang sudah dikunci: Anda tidak dapat membuat, mengubah, "
                 "atau menghapus transaksi dengan tanggal sebelum atau sama dengan tanggal kunci periode "
                 "(%s).")
#: Accurate's refusals (ASSUMED wording): (Indonesian, English)
ACCURATE_MESSAGES = {
    "locked_save": ("Transaksi tidak dapat disimpan karena tanggal transaksi berada pada periode yang sudah "
                    "ditutup (Tutup Buku s/d %s)",
                    "The transaction cannot be saved: its date is in a closed period (books closed up to %s)"),
    "locked_delete": ("Transaksi tidak dapat dihapus karena tanggal transaksi berada pada periode yang sudah "
                      "ditutup (Tutup Buku s/d %s)",
                      "The transaction cannot be deleted: its date is in a closed period (books closed up to %s)"),
    "unapproved": ("%s %s belum disetujui", "%s %s is not approved yet"),
}
#: ``saveAsStatusType`` values Accurate documents (accurate-api-docs.md, ApprovalStatus)
APPROVAL_STATUSES = ("DRAFT", "UNAPPROVED", "APPROVED", "REJECTED", "NEXTUSER_TOAPPROVED")


def as_date(value):
    """A document's date (``date``, dd/mm/yyyy, dd-mm-yyyy or ISO text) or None."""
    if value is None or hasattr(value, "year"):
        return value
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(str(value), fmt).date()
        except ValueError:
            continue
    return None


def is_locked(locked_until, value):
    """Whether a document dated ``value`` falls in the period locked up to
    ``locked_until`` (a ``date`` or None: nothing locked)."""
    day = as_date(value)
    return bool(locked_until and day and day <= locked_until)


def dmy(day):
    return day.strftime("%d/%m/%Y")
