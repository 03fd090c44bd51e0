"""MDR tiers: a payment method's fee set per transaction by its amount.

Since December 2024 Bank Indonesia sets the QRIS MDR by merchant and by
transaction: a micro merchant pays 0% on a transaction up to Rp 500,000
and 0.3% on one above (on the whole transaction, not on the part above);
other merchants 0.7%. One flat rate per method gets the fee wrong, so a
method may carry a tier rule, written one tier per line or separated by
``;``::

    0% up to 500000; 0.3%

Each tier is a rate in percent and, but for the last, the largest
transaction it applies to (``up to`` the amount, included; ``<=``,
``s/d`` and ``sampai`` are read the same). A transaction takes the rate of
the first tier it fits. The fee of each transaction is rounded to the
rupiah half up, as the providers settle each transaction, and a payout's
fee is their sum.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .settlement_csv import parse_amount

HUNDRED = Decimal(100)
TIER_RE = re.compile(r"^\s*(?P<rate>\d+(?:[.,]\d+)?)\s*%?\s*(?:(?:up\s*to|<=|s/d|sampai)\s*(?P<limit>.+?))?\s*$",
                     re.IGNORECASE)


class TierError(ValueError):
    """A tier rule that cannot be read: ``args[0]`` is the part in question
    (the whole text when the tiers are out of order or end with a limit)."""


def parse_tiers(text):
    """``[(limit, rate)]`` of a tier rule (see the module): ``limit`` a
    Decimal (rupiah, included) or None for the last tier, ``rate`` a Decimal
    percent in [0, 100). Raises :class:`TierError` naming the part it cannot
    read, or the whole text when the limits do not rise or the last tier has
    a limit (every transaction must fit a tier)."""
    tiers = []
    for part in re.split(r"[;\n]", text or ""):
        if not part.strip():
            continue
        match = TIER_RE.match(part)
        if not match:
            raise TierError(part.strip())
        try:
            rate = Decimal(match["rate"].replace(",", "."))
            limit = parse_amount(match["limit"]) if match["limit"] else None
        except (InvalidOperation, ValueError):
            raise TierError(part.strip()) from None
        if not 0 <= rate < HUNDRED or (limit is not None and limit <= 0):
            raise TierError(part.strip())
        tiers.append((limit, rate))
    limits = [limit for limit, _rate in tiers]
    if not tiers or limits[-1] is not None or None in limits[:-1] or limits[:-1] != sorted(set(limits[:-1])):
        raise TierError((text or "").strip())
    return tiers


def transaction_fee(amount, tiers):
    """The fee of one transaction of ``amount`` (Decimal rupiah) under
    ``tiers`` (:func:`parse_tiers`), to the rupiah half up (Decimal)."""
    rate = next(rate for limit, rate in tiers if limit is None or amount <= limit)
    return (amount * rate / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def tier_fee(amounts, tiers):
    """The fee of a payout made of the transactions ``amounts`` (Decimals):
    the sum of each transaction's fee (:func:`transaction_fee`)."""
    return sum((transaction_fee(amount, tiers) for amount in amounts), Decimal(0))


def parse_transactions(text):
    """The transaction amounts written in ``text`` (one per line, or
    separated by ``;``), as Decimals; ValueError naming the first that is no
    amount. Empty text: ``[]``."""
    out = []
    for part in re.split(r"[;\n]", text or ""):
        if part.strip():
            out.append(parse_amount(part.strip()))
    return out
