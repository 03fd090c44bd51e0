"""What posting costs in requests, and how long requests take at the
limits: for estimating a backfill before it starts (issue #19).

The figures are the clients' own behaviour, measured against the sandbox
(``tests/test_rate_scopes.py::test_request_costs_are_the_clients_own``
checks them): one request per document, except where the client must look
something up first (Jurnal names a sales return's invoice by its id, so it
reads the invoice; a Jurnal customer is looked up by its reference before
it is created; a transfer-in reads its transfer-out; a stock count reads
the accounts and the products' page). A client also reads once what it
caches (Accurate: the database's host; Jurnal: the walk-in customer's name,
the tax list), and the worker makes a new client each run, about once a
minute at Jurnal's limits.
"""

import math

#: provider -> document kind -> requests per document (missing: 1)
REQUESTS_PER_DOCUMENT = {
    "jurnal": {"sales_return": 2, "customer": 2, "customer_refund": 2, "item_adjustment": 3,
               "item_transfer": 1.5},
    "accurate": {},
}
#: provider -> requests a new client reads once and caches
REQUESTS_PER_CLIENT = {"jurnal": 2, "accurate": 1}


def requests_for(provider, kinds):
    """Requests that posting ``kinds`` (``{kind: number of documents}``)
    takes, the first client's reads included; a float (a transfer pair's
    look-up is shared by its two halves)."""
    table = REQUESTS_PER_DOCUMENT.get(provider, {})
    return sum(table.get(kind, 1) * count for kind, count in kinds.items())


def minimum_seconds(requests, windows, start=None):
    """The shortest time (s) ``requests`` requests can take under
    ``windows`` ``[(n, seconds)]``: a full window's worth at the start of
    each window (0 for what fits in one). Sliding windows by default; with
    ``start`` (epoch seconds of the first request) fixed windows on the
    clock, as Jurnal's: the last request waits for the k-th restart."""
    if requests <= 0:
        return 0.0
    out = 0.0
    for n, seconds in windows:
        rolls = math.ceil(requests / n) - 1
        if start is None or not rolls:
            out = max(out, rolls * seconds)
        else:
            out = max(out, (math.floor(start / seconds) + rolls) * seconds - start)
    return out


def binding_windows(scopes):
    """The windows of ``scopes`` (``ratelimit.scopes_for``) one connection
    alone is held to: each window of each scope ``[(n, seconds)]``."""
    return [window for scope in scopes for window in scope.windows]
