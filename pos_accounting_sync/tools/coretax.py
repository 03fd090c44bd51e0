"""The buyer's Coretax identity: NPWP, NIK and NITKU, as the tax office
takes them since 2025 (the NPWP in 16 digits; a legacy 15-digit NPWP is the
16-digit one with a leading 0; the NITKU is the NPWP followed by the 6-digit
branch, ``000000`` for the head office).

Pure Python: :func:`identity` takes the values read from the partner
(``res.partner._accounting_coretax_values``) and answers what the remote
customer carries, or why it cannot be sent. A placeholder NPWP of zeros,
which some systems push and the tax office refuses, is refused here by name
and never sent.
"""

from dataclasses import dataclass

#: separators people type inside an NPWP or NIK (01.234.567.8-901.000)
SEPARATORS = " .-/"
#: the branch of a head office (Odoo's ``l10n_id_tku`` default)
HEAD_OFFICE_TKU = "000000"


@dataclass
class CoretaxIdentity:
    """What a remote customer carries: ``npwp`` (16 digits), ``nik`` (16
    digits), ``nitku`` (22 digits); each "" when the buyer has none."""

    npwp: str = ""
    nik: str = ""
    nitku: str = ""


def digits_of(value):
    """``value`` (str or False) without separators and surrounding spaces."""
    text = (value or "").strip()
    for sep in SEPARATORS:
        text = text.replace(sep, "")
    return text


def npwp_problem(value, legacy_valid=None):
    """Why ``value`` (an NPWP as typed) cannot be sent, else "": one of
    ``"zeros"`` (a placeholder of zeros), ``"digits"`` (other characters),
    ``"length"`` (not 16 digits, nor a legacy 15-digit NPWP that
    ``legacy_valid`` (a callable str -> bool: Odoo's own l10n_id check, or
    None when Odoo has none) accepts)."""
    digits = digits_of(value)
    if not digits.isdigit() or not digits.isascii():
        return "digits"
    if not digits.strip("0"):
        return "zeros"
    if len(digits) == 16:
        return ""
    if len(digits) == 15 and legacy_valid is not None and legacy_valid(digits):
        return ""
    return "length"


def npwp16(value):
    """The 16-digit NPWP of a valid ``value`` (a legacy 15-digit one gets its leading 0)."""
    digits = digits_of(value)
    return "0" + digits if len(digits) == 15 else digits


def nik_problem(value):
    """Why ``value`` (a NIK, the 16-digit population number) cannot be sent, else ""
    (same reasons as :func:`npwp_problem`)."""
    digits = digits_of(value)
    if not digits.isdigit() or not digits.isascii():
        return "digits"
    if not digits.strip("0"):
        return "zeros"
    return "" if len(digits) == 16 else "length"


def identity(npwp="", nik="", tku="", document_type="", document_number="", legacy_valid=None):
    """``(CoretaxIdentity, problems)`` of a buyer. ``npwp``: the partner's
    tax number (Odoo ``vat``); ``nik``: ``l10n_id_nik``; ``tku``: the
    branch (``l10n_id_tku``); ``document_type``/``document_number``: Odoo
    Coretax's buyer document (``TIN``, ``NIK``, ``Passport``, ``Other``).
    ``problems``: ``[(what, value, reason)]`` with ``what`` "NPWP" or "NIK"
    and ``reason`` as :func:`npwp_problem`; nothing of a refused number is
    in the identity. A buyer identified by NIK carries no NPWP (Coretax puts
    zeros there itself)."""
    problems = []
    out = CoretaxIdentity()
    if document_type == "NIK" and document_number and not nik:
        nik = document_number
    if npwp and document_type in ("", "TIN"):
        reason = npwp_problem(npwp, legacy_valid)
        if reason:
            problems.append(("NPWP", npwp, reason))
        else:
            out.npwp = npwp16(npwp)
            branch = digits_of(tku) or HEAD_OFFICE_TKU
            out.nitku = out.npwp + branch if branch.isdigit() and len(branch) == 6 else ""
    if nik:
        reason = nik_problem(nik)
        if reason:
            problems.append(("NIK", nik, reason))
        else:
            out.nik = digits_of(nik)
    return out, problems
