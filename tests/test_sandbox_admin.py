"""The sandbox's admin endpoints answer bad input with a 4xx and a JSON
sentence, change nothing, and keep serving (no 500, no dropped socket)."""

import socket

import pytest
import requests

from accounting_connectors.client import make_client

BAD = [
    ("POST", "/_sandbox/config", {"clock_offset": "abc"}, 400, "clock_offset"),
    ("POST", "/_sandbox/config", {"clock_offset": None}, 400, "clock_offset"),
    ("POST", "/_sandbox/config", {"rate_limits": "yes"}, 400, "rate_limits"),
    ("POST", "/_sandbox/config", {"accept_duplicates": 1}, 400, "accept_duplicates"),
    ("POST", "/_sandbox/config", {"webhook_url": 42}, 400, "webhook_url"),
    ("POST", "/_sandbox/config", {"clock_ofset": 5}, 400, "clock_ofset"),
    ("POST", "/_sandbox/config", [1, 2], 400, "JSON object"),
    ("POST", "/_sandbox/config", "not json{", 400, "not valid JSON"),
    ("POST", "/_sandbox/faults", {"kind": "meteor"}, 400, "meteor"),
    ("POST", "/_sandbox/faults", {}, 400, "kind"),
    ("POST", "/_sandbox/faults", {"kind": "500", "count": "two"}, 400, "count"),
    ("POST", "/_sandbox/faults", {"kind": "500", "count": 0}, 400, "count"),
    ("POST", "/_sandbox/faults", {"kind": "latency", "seconds": -1}, 400, "seconds"),
    ("POST", "/_sandbox/faults", {"kind": "500", "provider": "xero"}, 400, "xero"),
    ("POST", "/_sandbox/faults", {"kind": "500", "method": 7}, 400, "method"),
    ("POST", "/_sandbox/faults", {"kind": "empty", "body": {"s": True}}, 400, "body"),
    ("POST", "/_sandbox/faults", {"kind": "empty", "status": 500}, 400, "status"),
    ("POST", "/_sandbox/faults", {"kind": "quota", "provider": "accurate"}, 400, "quota"),
    ("POST", "/_sandbox/faults", {"kind": "500", "colour": "red"}, 400, "colour"),
    ("POST", "/_sandbox/faults", ["500"], 400, "JSON object"),
    ("POST", "/_sandbox/faults", "", 400, "JSON object"),
    ("GET", "/_sandbox/state/xero", None, 404, "xero"),
    ("GET", "/_sandbox/state/jurnal/unicorns", None, 404, "unicorns"),
    ("GET", "/_sandbox/state/accurate/unicorns", None, 404, "unicorns"),
    ("POST", "/_sandbox/purchases/xero", {}, 404, "xero"),
    ("POST", "/_sandbox/purchases/jurnal", [1], 400, "JSON object"),
    ("POST", "/_sandbox/purchases/accurate", {"detailItem": "x"}, 422, "vendorNo"),
    ("POST", "/_sandbox/purchases/accurate", {"vendorNo": "V.00001", "transDate": "10/05/2024",
                                              "detailItem": "x"}, 422, "detailItem"),
    ("POST", "/_sandbox/purchases/jurnal", {"purchase_invoice": "x"}, 400, "malformed"),
    ("GET", "/_sandbox/faults", None, 405, "POST"),
    ("GET", "/_sandbox/nothing", None, 404, "unknown admin endpoint"),
]


def _send(url, method, body):
    if isinstance(body, str):
        return requests.request(method, url, data=body.encode(), timeout=5,
                                headers={"Content-Type": "application/json"})
    return requests.request(method, url, json=body, timeout=5)


@pytest.mark.parametrize("method, path, body, status, words", BAD)
def test_bad_admin_input_is_a_4xx_with_a_sentence(sandbox, method, path, body, status, words):
    resp = _send(sandbox.url + path, method, body)
    assert resp.status_code == status, resp.text
    body = resp.json()  # a sentence, or (a refused purchase) the provider's own refusal
    assert words.lower() in str(body.get("error") or body.get("d")).lower()
    # nothing changed and the sandbox still serves both providers
    assert sandbox.clock_offset == 0.0 and sandbox.rate_limits is False and sandbox.accept_duplicates is False
    assert not sandbox.faults.pending()
    for provider in ("accurate", "jurnal"):
        assert make_client(getattr(sandbox, "%s_config" % provider)()).list_warehouses()


def test_good_admin_input_still_works(sandbox):
    ok = _send(sandbox.url + "/_sandbox/config", "POST", {"clock_offset": 12.5, "accept_duplicates": True})
    assert ok.status_code == 200 and sandbox.clock_offset == 12.5 and sandbox.accept_duplicates is True
    fault = {"kind": "empty", "provider": "jurnal", "body": "{}", "status": 201, "count": 2, "seconds": 0}
    assert _send(sandbox.url + "/_sandbox/faults", "POST", fault).status_code == 200
    assert sandbox.faults.pending()[0]["count"] == 2
    assert _send(sandbox.url + "/_sandbox/state/jurnal/customer", "GET", None).json()


def test_a_bad_content_length_is_answered(sandbox):
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as sock:
        sock.sendall(b"POST /_sandbox/config HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400")
