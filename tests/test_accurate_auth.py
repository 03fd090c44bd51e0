"""Accurate authentication against the sandbox over real HTTP: API-token
signatures, clock skew, OAuth refresh and session re-open, host moves."""

import base64
import hashlib
import hmac
import socket
import time
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import requests

from accounting_connectors.accurate import auth
from accounting_connectors.client import make_client
from accounting_connectors.documents import Customer, Item
from accounting_connectors.errors import AuthError, ConfigurationError, ValidationError
from accounting_connectors.sandbox.accurate import API_TOKEN, SIGNATURE_SECRET

FAST = [(1000, 1.0)]  # keep the client limiter out of the tests' way


@pytest.fixture()
def app(sandbox):
    return sandbox.app("accurate")


def client_for(sandbox, **kwargs):
    kwargs.setdefault("rate_limits", FAST)
    return make_client(sandbox.accurate_config(**kwargs))


def signed_get(sandbox, path, stamp, signature, token=API_TOKEN, **headers):
    headers.update({"Authorization": "Bearer " + token, "X-Api-Timestamp": stamp,
                    "X-Api-Signature": signature})
    return requests.post(sandbox.url + path, headers=headers, timeout=5)


# --- the signature ------------------------------------------------------------
def test_signature_matches_the_documented_vector_and_an_independent_hmac():
    stamp, secret = "02/11/2023 09:01:01", "31d49b3dc632614495ff8071e5be44a1"
    digest = hmac.new(secret.encode(), stamp.encode(), hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == "8NxvylwwMcjGyzVXK0qbwNvFFuzHpwE9tECllVwLkbo="
    assert digest.hex() == "f0dc6fca5c3031c8c6cb35572b4a9bc0dbc516ecc7a7013db440a5955c0b91ba"
    assert auth.sign(secret, stamp) == "8NxvylwwMcjGyzVXK0qbwNvFFuzHpwE9tECllVwLkbo="
    assert auth.sign(secret, stamp, "hex") == digest.hex()


def test_timestamp_is_jakarta_time_in_the_documented_format():
    epoch = datetime(2023, 11, 2, 2, 1, 1, tzinfo=timezone.utc).timestamp()
    assert auth.format_timestamp(epoch) == "02/11/2023 09:01:01"
    assert auth.parse_timestamp("02/11/2023 09:01:01") == epoch
    assert auth.parse_timestamp("2023-11-02T02:01:01Z") == epoch
    assert auth.parse_timestamp(str(int(epoch))) == epoch
    assert auth.parse_timestamp(str(int(epoch) * 1000)) == epoch
    assert auth.parse_timestamp("yesterday") is None


@pytest.mark.parametrize("form", ["wib", "iso", "unix", "unix_ms"])
@pytest.mark.parametrize("encoding", ["base64", "hex"])
def test_sandbox_accepts_every_documented_timestamp_form_and_encoding(sandbox, form, encoding):
    now = time.time()
    stamp = {"wib": auth.format_timestamp(now),
             "iso": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "unix": str(int(now)), "unix_ms": str(int(now * 1000))}[form]
    resp = signed_get(sandbox, "/api/api-token.do", stamp, auth.sign(SIGNATURE_SECRET, stamp, encoding))
    assert resp.status_code == 200, resp.text
    assert resp.json()["d"]["data usaha"]["host"] == sandbox.url


def test_hex_signatures_work_end_to_end(sandbox):
    client = client_for(sandbox, extra={"signature_encoding": "hex"})
    assert client.test_connection()["database"] == "Toko Sandbox"


# --- refusals in plain words ---------------------------------------------------------
def test_wrong_secret_gets_the_providers_401_and_a_plain_auth_error(sandbox):
    stamp = auth.format_timestamp()
    resp = signed_get(sandbox, "/api/api-token.do", stamp, auth.sign("not-the-secret", stamp))
    assert resp.status_code == 401
    assert resp.json() == {"s": False, "d": ["Header X-Api-Signature invalid"]}

    client = client_for(sandbox, signature_secret="not-the-secret")
    with pytest.raises(AuthError) as err:
        client.test_connection()
    assert "signature secret" in err.value.message
    assert "Traceback" not in err.value.message
    assert err.value.provider_message == "Header X-Api-Signature invalid"
    assert "not-the-secret" not in str(err.value.request) + str(err.value.response)


def test_stale_timestamp_is_rejected(sandbox):
    sandbox.clock_offset = 900  # the server is 15 minutes ahead of us
    with pytest.raises(AuthError) as err:
        client_for(sandbox).test_connection()
    assert err.value.status == 401
    assert "600 seconds" in err.value.provider_message
    assert "clock" in err.value.message
    sandbox.clock_offset = 500  # within the documented tolerance
    assert client_for(sandbox).test_connection()["database_id"] == "96400"


def test_revoked_token_is_reported_plainly(sandbox, app):
    app.revoke_api_token()
    with pytest.raises(AuthError) as err:
        client_for(sandbox).post(Customer("C-1", name="Budi"))
    assert "revoked" in err.value.message
    assert "API Token" in err.value.message


def test_missing_credentials_name_the_field(sandbox):
    with pytest.raises(ConfigurationError) as err:
        client_for(sandbox, signature_secret="")
    assert "signature secret" in err.value.message
    with pytest.raises(ConfigurationError) as err:
        client_for(sandbox, auth_method="oauth", oauth_client_secret="")
    assert "oauth client secret" in err.value.message
    with pytest.raises(ConfigurationError):
        client_for(sandbox, auth_method="password")


def test_unreachable_host_is_explained(sandbox):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = client_for(sandbox, base_url="http://127.0.0.1:%d" % port, timeout=(1, 1))
    with pytest.raises(AuthError) as err:
        client.test_connection()
    assert "Could not reach Accurate" in err.value.message
    assert "connection refused" in err.value.message


def test_open_db_refuses_an_api_token(sandbox):
    stamp = auth.format_timestamp()
    resp = signed_get(sandbox, "/api/open-db.do?id=96400", stamp, auth.sign(SIGNATURE_SECRET, stamp))
    assert resp.json()["s"] is False
    assert "tidak perlu melakukan open-db.do" in resp.json()["d"][0]


def test_secrets_never_appear_in_the_copies_kept_for_the_log(sandbox):
    client = client_for(sandbox)
    result = client.post(Item("SKU-R", name="Teh", sale_price=Decimal("5000")))
    copies = str(result.request) + str(result.response)
    assert "Teh" in copies  # the copies are real
    for secret in (API_TOKEN, SIGNATURE_SECRET):
        assert secret not in copies
    with pytest.raises(ValidationError) as err:
        client.post(Item("SKU-R", name="again"))
    assert API_TOKEN not in str(err.value.request) and SIGNATURE_SECRET not in str(err.value.request)


# --- OAuth ------------------------------------------------------------------------------
def test_oauth_refreshes_the_token_and_reopens_the_session(sandbox, app):
    seen = []
    client = client_for(sandbox, auth_method="oauth", on_credentials=seen.append)
    info = client.test_connection()
    assert info["database"] == "Toko Sandbox" and info["auth_method"] == "oauth"
    assert seen[-1]["session_id"] == app.session and seen[-1]["data_host"] == sandbox.url

    app.expire_session()  # next data call: 401 "Data Session Key tidak tepat"
    result = client.post(Customer("C-OA1", name="Sesi Baru"))
    assert result.number == "C-OA1"
    assert seen[-1] == {"session_id": app.session}

    old_refresh = client.config.refresh_token
    app.expire_access_token()  # next call: 401 {"error":"invalid_token"}
    assert client.post(Customer("C-OA2", name="Token Baru")).number == "C-OA2"
    assert seen[-1]["access_token"] == app.access_token
    assert seen[-1]["refresh_token"] == app.refresh_token != old_refresh
    names = [c["name"] for c in app.dump("customer")]
    assert {"Sesi Baru", "Token Baru"} <= set(names)


def test_oauth_with_a_dead_refresh_token_stops_with_auth_error(sandbox, app):
    client = client_for(sandbox, auth_method="oauth", refresh_token="sandbox-refresh-stale")
    app.expire_access_token()
    with pytest.raises(AuthError) as err:
        client.post(Customer("C-X", name="x"))
    assert "refresh token" in err.value.message


# --- host moves ---------------------------------------------------------------------------
def test_a_308_host_move_is_followed_and_reported(sandbox, app):
    # a sandbox follows a move to its configured host only: the connection is
    # configured as localhost, the sandbox first names itself 127.0.0.1
    seen = []
    configured = "http://localhost:%d" % sandbox.port
    client = client_for(sandbox, base_url=configured, on_credentials=seen.append)
    client.test_connection()
    assert client.config.data_host == sandbox.url
    app.move_host(configured)
    result = client.post(Customer("C-MOVE", name="Pindah"))
    assert result.number == "C-MOVE"
    assert seen[-1] == {"data_host": configured}
    assert client.config.data_host == configured
    assert result.request["url"].startswith(configured)  # the copy is of the request that was saved
    assert [c["customerNo"] for c in app.dump("customer")].count("C-MOVE") == 1


def test_data_calls_need_credentials(sandbox):
    resp = requests.get(sandbox.url + "/accurate/api/item/list.do", timeout=5)
    assert resp.status_code == 401 and resp.json()["d"] == ["Unauthorized"]
    stamp = auth.format_timestamp()
    resp = requests.get(sandbox.url + "/accurate/api/item/list.do", timeout=5,
                        headers={"Authorization": "Bearer " + API_TOKEN, "X-Api-Timestamp": stamp})
    assert resp.json()["d"] == ["Header X-Api-Signature is required"]


def test_find_of_an_unknown_kind_is_a_configuration_error(sandbox):
    with pytest.raises(ConfigurationError) as err:
        client_for(sandbox).find("unknown_kind", "x")
    assert "unknown_kind" in err.value.message
