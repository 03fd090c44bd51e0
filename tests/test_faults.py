"""For each fault the sandbox can inject, N documents sent through a client
end as exactly N documents remotely: never N+k, never N-k."""

from datetime import date
from decimal import Decimal

import pytest

from accounting_connectors.client import make_client
from accounting_connectors.delivery import deliver
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice

N = 4
FAULTS = ["latency", "429", "500", "502", "503", "reset", "commit_drop", "timeout", "html"]
PROVIDERS = ["accurate", "jurnal"]


def _client(sandbox, provider):
    config = getattr(sandbox, "%s_config" % provider)(timeout=(2.0, 0.5))
    return make_client(config)


def _invoice(i, tag):
    return SalesInvoice(
        reference="INV/%s/%d" % (tag, i),
        customer_ref="C-FAULT",
        date=date(2026, 11, 20),
        lines=[InvoiceLine("SKU-FAULT", Decimal("2"), Decimal("15000"))],
    )


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_posts_each_document_exactly_once(sandbox, provider, fault):
    client = _client(sandbox, provider)
    deliver(client, Customer(reference="C-FAULT", name="Toko Fault"))
    deliver(client, Item(reference="SKU-FAULT", name="Kopi Susu", sale_price=Decimal("15000")))
    tag = "%s-%s" % (provider, fault)
    for i in range(N):
        # one fault on the create of every document
        sandbox.add_fault(fault, provider=provider, method="POST", seconds=1.0)
        result = deliver(client, _invoice(i, tag), sleep=lambda s: None)
        assert result.remote_id
    invoices = sandbox.app(provider).dump("sales_invoice")
    refs = [_reference_of(provider, inv) for inv in _rows(invoices)]
    ours = sorted(r for r in refs if r and r.startswith("INV/%s/" % tag))
    assert ours == sorted("INV/%s/%d" % (tag, i) for i in range(N)), refs
    assert not sandbox.faults.pending()


def _rows(dump):
    return list(dump.values()) if isinstance(dump, dict) else list(dump)


def _reference_of(provider, doc):
    return doc.get("number") if provider == "accurate" else doc.get("custom_id")
