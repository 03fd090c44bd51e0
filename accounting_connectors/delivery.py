"""Exactly-once delivery of one document, the connector half of the
engine's policy: a create is never blindly retried.

The Odoo engine spreads these steps over cron runs (with backoff and a
persistent state); :func:`deliver` runs them in a loop for scripts, the
demo and the benchmarks.
"""

import time

from .errors import AmbiguousError, DuplicateError, RateLimitedError, TransientError


def resolve(client, document, error):
    """After ``error`` on a create: the remote copy if the provider already
    holds our reference, else None (it is then safe to send again)."""
    if isinstance(error, (AmbiguousError, DuplicateError)):
        return client.find(document.kind, document.reference, parent=getattr(document, "invoice_ref", None))
    return None


def deliver(client, document, max_attempts=8, backoff=0.05, sleep=time.sleep):
    """Post ``document`` once, whatever the network does. Returns the
    RemoteResult; raises the last error when attempts run out or the error
    is permanent."""
    for attempt in range(1, max_attempts + 1):
        try:
            return client.post(document)
        except (AmbiguousError, DuplicateError) as exc:
            try:
                found = resolve(client, document, exc)
            except (TransientError, AmbiguousError):
                found = None  # the look-up itself failed: try the whole step again
            if found is not None:
                return found
            if isinstance(exc, DuplicateError) or attempt == max_attempts:
                raise
        except RateLimitedError as exc:
            if attempt == max_attempts:
                raise
            sleep(min(exc.retry_after or backoff, 60))
            continue
        except TransientError:
            if attempt == max_attempts:
                raise
        sleep(backoff * attempt)
    raise AssertionError("unreachable")
