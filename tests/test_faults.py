"""For each fault the sandbox can inject, N documents sent through a client
end as exactly N documents remotely: never N+k, never N-k.

The sandbox runs in ``accept_duplicates`` mode here (a repeated reference
is saved again, as Jurnal's batch create does): it does not protect a
client that re-sends blindly, so only the client's look-up-before-retry
keeps the count right. ``BlindResend`` is such a client, and the same
check is shown to catch it."""

from datetime import date
from decimal import Decimal

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.delivery import deliver
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice
from accounting_connectors.errors import AmbiguousError, TransientError

N = 4
FAULTS = ["latency", "429", "500", "502", "503", "reset", "commit_drop", "timeout", "html",
          "commit_502", "commit_504", "empty"]
#: faults after which the document IS saved although the client saw an error
COMMITTED = ["timeout", "commit_drop", "commit_502", "commit_504"]
PROVIDERS = ["accurate", "jurnal"]


def _config(sandbox, provider):
    return getattr(sandbox, "%s_config" % provider)(timeout=(2.0, 0.5), rate_limits=[(10 ** 6, 1.0)])


def blind(client_cls):
    """A client that re-sends a create after any error that might be
    temporary, without looking anything up first: what must be caught."""

    class BlindResend(client_cls):
        def post(self, document):
            for attempt in range(4):
                try:
                    return super().post(document)
                except (AmbiguousError, TransientError):
                    if attempt == 3:
                        raise
            raise AssertionError("unreachable")

    return BlindResend


def _client(sandbox, provider, resend_blindly=False):
    config = _config(sandbox, provider)
    cls = type(make_client(config))
    return blind(cls)(config) if resend_blindly else cls(config)


def _invoice(i, tag):
    return SalesInvoice(
        reference="INV/%s/%d" % (tag, i),
        customer_ref="C-FAULT",
        date=date(2026, 11, 20),
        lines=[InvoiceLine("SKU-FAULT", Decimal("2"), Decimal("15000"))],
    )


def remote_count(sandbox, provider, reference):
    """How many sales invoices the provider holds under ``reference``."""
    key = "number" if provider == "accurate" else "custom_id"
    rows = sandbox.app(provider).dump("sales_invoice")
    rows = rows.values() if isinstance(rows, dict) else rows
    return sum(1 for row in rows if row.get(key) == reference)


def _send_under_fault(sandbox, client, provider, fault, reference):
    # on the create itself (Accurate also POSTs to read its token's details)
    where = "/save.do" if provider == "accurate" else ""
    sandbox.add_fault(fault, provider=provider, method="POST", path_contains=where, seconds=1.0)
    deliver(client, _invoice(reference, "%s-%s" % (provider, fault)), sleep=lambda s: None)
    return remote_count(sandbox, provider, "INV/%s-%s/%s" % (provider, fault, reference))


def _masters(sandbox, provider):
    client = _client(sandbox, provider)
    deliver(client, Customer(reference="C-FAULT", name="Toko Fault"))
    deliver(client, Item(reference="SKU-FAULT", name="Kopi Susu", sale_price=Decimal("15000")))


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_posts_each_document_exactly_once(sandbox, provider, fault):
    sandbox.accept_duplicates = True
    _masters(sandbox, provider)
    client = _client(sandbox, provider)
    counts = [_send_under_fault(sandbox, client, provider, fault, i) for i in range(N)]
    assert counts == [1] * N
    assert not sandbox.faults.pending()


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", COMMITTED)
def test_the_check_catches_a_client_that_resends_blindly(sandbox, provider, fault):
    sandbox.accept_duplicates = True
    _masters(sandbox, provider)
    assert _send_under_fault(sandbox, _client(sandbox, provider, resend_blindly=True), provider, fault, 0) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_refusing_sandbox_would_hide_the_blind_resend(sandbox, provider):
    """Why the mode exists: with repeated references refused, the blind
    client's second create fails as a duplicate and the count looks right."""
    _masters(sandbox, provider)
    client = _client(sandbox, provider, resend_blindly=True)
    assert _send_under_fault(sandbox, client, provider, "commit_drop", 0) == 1


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", ["reset", "503", "empty"])
def test_a_create_that_was_not_saved_is_sent_again(sandbox, provider, fault):
    """The other half of exactly-once: nothing saved, so the look-up finds
    nothing and the document is sent again (blind or not, one document)."""
    sandbox.accept_duplicates = True
    _masters(sandbox, provider)
    for resend_blindly in (False, True):
        client = _client(sandbox, provider, resend_blindly)
        assert _send_under_fault(sandbox, client, provider, fault, int(resend_blindly)) == 1
