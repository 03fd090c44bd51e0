"""Mekari HMAC signing, checked against values computed here independently,
and the sandbox's gateway checks (401 Unauthorized, clock skew, apikey)."""

import base64
import hashlib
import hmac

import pytest
import requests

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.documents import Customer, Item
from accounting_connectors.errors import AuthError, ConfigurationError
from accounting_connectors.jurnal import auth

SECRET = "my-known-secret"
DATE = "Wed, 10 Nov 2021 07:24:29 GMT"
TS = 1636529069  # that Date as a Unix time


def expected_signature(secret, date_value, request_line):
    message = ("date: %s\n%s" % (date_value, request_line)).encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def test_date_is_rfc7231_gmt():
    assert auth.http_date(TS) == DATE


def test_signature_matches_an_independent_computation():
    line = "GET /public/jurnal/api/v1/sales_invoices?page=2&page_size=50 HTTP/1.1"
    want = expected_signature(SECRET, DATE, line)
    path = "/public/jurnal/api/v1/sales_invoices?page=2&page_size=50"
    assert auth.signature(SECRET, DATE, "get", path) == want
    headers = {}
    auth.hmac_signer("my-client", SECRET, clock=lambda: TS)(
        "GET", "/public/jurnal/api/v1/sales_invoices?page=2&page_size=50", headers)
    assert headers["Date"] == DATE
    assert headers["Authorization"] == ('hmac username="my-client", algorithm="hmac-sha256", '
                                        'headers="date request-line", signature="%s"' % want)
    # the query string is part of the signed line
    assert want != expected_signature(SECRET, DATE, "GET /public/jurnal/api/v1/sales_invoices HTTP/1.1")


def test_the_transport_signs_the_query_string(sandbox):
    client = make_client(sandbox.jurnal_config())
    seen = []
    original = client._signer

    def spy():
        sign = original()

        def wrapped(method, path, headers):
            sign(method, path, headers)
            seen.append((method, path, headers["Date"], headers["Authorization"]))
        return wrapped

    client._signer = spy
    client.list_accounts()
    method, path, date_value, header = seen[0]
    assert path == "/public/jurnal/api/v1/accounts?page=1&page_size=200"
    secret = sandbox.app("jurnal").client_secret
    assert expected_signature(secret, date_value, "GET %s HTTP/1.1" % path) in header


def _signed_get(sandbox, path, signed_path=None, secret=None, date_value=None):
    app = sandbox.app("jurnal")
    date_value = date_value or auth.http_date()
    header = auth.authorization(app.client_id, secret or app.client_secret, date_value, "GET",
                                signed_path or path)
    return requests.get(sandbox.url + path, headers={"Date": date_value, "Authorization": header}, timeout=5)


def test_sandbox_checks_the_signature_exactly(sandbox):
    path = "/public/jurnal/api/v1/accounts?page=1"
    assert _signed_get(sandbox, path).status_code == 200
    for resp in (_signed_get(sandbox, path, signed_path="/public/jurnal/api/v1/accounts"),  # no query
                 _signed_get(sandbox, path, secret="wrong"),
                 _signed_get(sandbox, path, date_value=auth.http_date(sandbox.now() - 301)),
                 requests.get(sandbox.url + path, headers={"Authorization": "hmac garbage"}, timeout=5),
                 requests.get(sandbox.url + path, timeout=5)):
        assert resp.status_code == 401
        assert resp.json() == {"message": "Unauthorized"} and "Mekari" in resp.headers["server"]


def test_wrong_secret_is_an_auth_error_in_plain_words(sandbox):
    client = make_client(sandbox.jurnal_config(client_secret="not-the-secret"))
    with pytest.raises(AuthError) as err:
        client.test_connection()
    assert err.value.status == 401
    assert "client secret" in err.value.message and "clock" in err.value.message
    assert "not-the-secret" not in str(err.value.request)


def test_stale_date_is_rejected(sandbox):
    client = make_client(sandbox.jurnal_config())
    assert client.test_connection()["ok"]
    sandbox.clock_offset = 400  # the gateway's clock runs 400 s ahead of ours
    with pytest.raises(AuthError) as err:
        client.test_connection()
    # told apart from a wrong secret by the gateway's own Date header
    assert "clock is 7 minutes behind" in err.value.message
    assert "client secret" not in err.value.message


def test_legacy_apikey(sandbox):
    client = make_client(sandbox.jurnal_config(auth_method="apikey", client_id="", client_secret=""))
    assert client.test_connection()["ok"]
    result = client.post(Customer("C-7", name="Rina"))
    assert "/core/api/v1/customers" in result.request["url"]
    assert sandbox.app("jurnal").api_key not in repr(result.request) + repr(result.response)
    bad = make_client(sandbox.jurnal_config(auth_method="apikey", api_key="wrong-key"))
    with pytest.raises(AuthError):
        bad.test_connection()


def test_missing_credentials_name_the_field():
    client = make_client(ConnectionConfig(provider="jurnal", client_id="abc"))
    with pytest.raises(ConfigurationError, match="client secret"):
        client.test_connection()
    client = make_client(ConnectionConfig(provider="jurnal", auth_method="apikey"))
    with pytest.raises(ConfigurationError, match="api key"):
        client.list_accounts()


def test_unreachable_server_says_so():
    client = make_client(ConnectionConfig(provider="jurnal", base_url="http://127.0.0.1:9", sandbox=True, client_id="a",
                                          client_secret="b", timeout=(1, 1)))
    with pytest.raises(Exception) as err:
        client.test_connection()
    assert "Could not connect" in str(err.value)


def test_secrets_never_leave_the_client(sandbox):
    config = sandbox.jurnal_config()
    client = make_client(config)
    result = client.post(Item("S-1", name="Teh"))
    text = repr(result.request) + repr(result.response)
    assert config.client_secret not in text and "hmac username" not in text
    sandbox.add_fault("500", provider="jurnal")
    with pytest.raises(Exception) as err:
        client.list_warehouses()
    assert config.client_secret not in repr(err.value.request) + repr(err.value.response)
