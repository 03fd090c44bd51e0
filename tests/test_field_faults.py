"""The field's faults the sandbox injects on demand: Jurnal's monthly quota,
2xx answers without the document, a gateway error after the commit."""

import pytest
import requests

from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer
from accounting_connectors.errors import AmbiguousError, QuotaExceededError


def test_quota_is_jurnal_monthly_429_and_a_quota_error(sandbox):
    client = make_client(sandbox.jurnal_config())
    sandbox.add_fault("quota")
    with pytest.raises(QuotaExceededError) as err:
        client.post(Customer("C-Q", name="Toko Kuota"))
    assert err.value.kind == "quota" and err.value.status == 429
    assert "Monthly limit exceeded" in err.value.provider_message
    assert "monthly" in err.value.message.lower()
    assert not [c for c in sandbox.app("jurnal").dump("customer") if c.get("custom_id") == "C-Q"]


def test_quota_on_a_bare_text_body_is_still_the_quota(sandbox):
    from accounting_connectors.http import HttpResult
    from accounting_connectors.jurnal.errors import error_for

    result = HttpResult(429, {}, "Monthly limit exceeded. Please wait until next month.", 0.1)
    assert isinstance(error_for(result, write=True), QuotaExceededError)


@pytest.mark.parametrize("provider, status, body", [
    ("jurnal", 201, ""), ("jurnal", 201, "{}"), ("accurate", 200, '{"s": true}'), ("jurnal", 200, "{}")])
def test_empty_answers_without_saving(sandbox, provider, status, body):
    spec = {"kind": "empty", "provider": provider, "method": "POST"}
    if body:
        spec["body"] = body
    if status == 200 and provider == "jurnal":
        spec["status"] = 200
    requests.post(sandbox.url + "/_sandbox/faults", json=spec, timeout=5).raise_for_status()
    client = make_client(getattr(sandbox, "%s_config" % provider)())
    before = len(sandbox.app(provider).dump("customer"))
    captured = []
    send = client.transport.request
    client.transport.request = lambda *a, **k: captured.append(send(*a, **k)) or captured[-1]
    try:
        client.post(Customer("C-E", name="Toko Kosong"))
    except Exception:  # noqa: BLE001 - the client's verdict is tested in test_empty_answers
        pass
    answer = [r for r in captured if r.request["method"] == "POST"][-1]
    assert (answer.status, answer.text) == (status, body)
    assert len(sandbox.app(provider).dump("customer")) == before


@pytest.mark.parametrize("kind, status", [("commit_502", 502), ("commit_504", 504)])
def test_commit_then_gateway_error_saves_the_document(sandbox, kind, status):
    sandbox.add_fault(kind, provider="jurnal", method="POST")
    client = make_client(sandbox.jurnal_config())
    captured = []
    send = client.transport.request
    client.transport.request = lambda *a, **k: captured.append(send(*a, **k)) or captured[-1]
    with pytest.raises(AmbiguousError) as err:
        client.post(Customer("C-G", name="Toko Gerbang"))
    # the gateway's HTML page, after the document was committed behind it
    answer = [r for r in captured if r.request["method"] == "POST"][-1]
    assert answer.status == status and "html" in answer.headers["Content-Type"]
    assert err.value.kind == "ambiguous" and err.value.status == status
    saved = [c for c in sandbox.app("jurnal").dump("customer") if c.get("custom_id") == "C-G"]
    assert len(saved) == 1 and saved[0]["display_name"] == "Toko Gerbang"
    # which is why an ambiguous post is looked up before any retry: it is found
    assert client.find("customer", "C-G").remote_id == str(saved[0]["id"])
