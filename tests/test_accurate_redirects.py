"""Where the Accurate client may be sent: two loopback servers, the
connection's own (a sandbox: account and data layer on one host) and
another that records what reaches it. A redirect elsewhere is refused in
words and carries no credential; one to the configured host is followed."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounting_connectors.accurate.client import AccurateClient
from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConfigurationError

TOKEN = "aat.redirect-test-token"
SECRET = "redirect-test-signature-secret"
CREDENTIAL_HEADERS = ("authorization", "x-api-signature", "x-api-timestamp", "x-session-id", "cookie")
ROWS = {"s": True, "d": [{"id": 1, "name": "Gudang Utama"}], "sp": {"pageCount": 1}}


class Recorder(BaseHTTPRequestHandler):
    """Answers as ``server.plan`` says and records every request it gets."""

    def _answer(self):
        srv = self.server
        srv.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith("/api/api-token.do"):
            return self._json({"s": True, "d": {"data usaha": {"id": 7, "alias": "PT Uji", "host": srv.data_host},
                                                "user": {"fullName": "Uji"}}})
        redirect = srv.plan.get("redirect")
        if redirect and not self.path.startswith("/moved/"):
            status, location = redirect
            self.send_response(status)
            self.send_header("Location", location.replace("{path}", self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._json(ROWS)

    do_GET = do_POST = _answer

    def _json(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    """(own, other): two recording servers on two loopback ports."""
    started = []
    for _n in range(2):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
        httpd.url = "http://127.0.0.1:%d" % httpd.server_address[1]
        httpd.seen, httpd.plan, httpd.data_host = [], {}, httpd.url
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
    yield started
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def sandbox_client(own, **kwargs):
    values = dict(provider="accurate", base_url=own.url, sandbox=True, api_token=TOKEN, signature_secret=SECRET,
                  rate_limits=[(1000, 1.0)], timeout=(2, 2))
    values.update(kwargs)
    return make_client(ConnectionConfig(**values))


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_carries_no_credential(servers, status):
    own, other = servers
    learnt = []
    client = sandbox_client(own, on_credentials=learnt.append)
    own.plan["redirect"] = (status, other.url + "{path}")
    with pytest.raises(ConfigurationError) as err:
        client.list_warehouses()
    message = err.value.message
    assert other.url in message and "not followed" in message and "no credential was sent" in message
    assert other.seen == []  # nothing at all reached the other host
    assert client.config.data_host == own.url  # the other host was not remembered
    assert learnt == [{"data_host": own.url, "database_id": "7"}]
    # the refused request itself went, signed, to the configured host only
    assert own.seen[-1]["headers"]["authorization"] == "Bearer " + TOKEN


def test_another_port_of_the_same_machine_is_another_host(servers):
    own, other = servers
    client = sandbox_client(own)
    own.plan["redirect"] = (307, "http://localhost:%d{path}" % other.server_address[1])
    with pytest.raises(ConfigurationError, match="not followed"):
        client.list_warehouses()
    assert other.seen == []


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)",
                                      "http://user:hunter2@127.0.0.1:{own_port}{path}"])
def test_a_redirect_to_no_web_address_or_with_a_password_is_refused(servers, location):
    own, _other = servers
    client = sandbox_client(own)
    own.plan["redirect"] = (308, location.replace("{own_port}", str(own.server_address[1])))
    with pytest.raises(ConfigurationError) as err:
        client.list_warehouses()
    assert "not followed" in err.value.message and "hunter2" not in err.value.message
    assert client.config.data_host == own.url  # the connection still works once the server is fixed
    own.plan.clear()
    assert client.list_warehouses()[0]["name"] == "Gudang Utama"


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirect_to_the_configured_host_is_followed(servers, status):
    own, other = servers
    learnt = []
    client = sandbox_client(own, on_credentials=learnt.append)
    own.plan["redirect"] = (status, "/moved{path}")
    rows = client.list_warehouses()
    assert rows[0]["name"] == "Gudang Utama"
    assert own.seen[-1]["path"].startswith("/moved/accurate/api/warehouse/list.do")
    assert own.seen[-1]["headers"]["authorization"] == "Bearer " + TOKEN  # re-signed for its own host
    assert other.seen == []
    if status == 308:  # moved for good: remembered and reported
        assert client.config.data_host == own.url + "/moved"
        assert learnt[-1] == {"data_host": own.url + "/moved"}
    else:
        assert client.config.data_host == own.url


def test_a_data_host_that_is_no_web_address_is_never_stored(servers):
    own, other = servers
    own.data_host = "file:///etc/passwd"
    client = sandbox_client(own)
    with pytest.raises(ConfigurationError) as err:
        client.test_connection()
    assert "file:///etc/passwd" in err.value.message and "was not used" in err.value.message
    assert client.config.data_host == ""
    assert other.seen == [] and all("/accurate/api/" not in r["path"] for r in own.seen)


def production_client(**kwargs):
    return AccurateClient(ConnectionConfig(provider="accurate", api_token=TOKEN, signature_secret=SECRET, **kwargs))


@pytest.mark.parametrize("url, followed", [
    ("https://iris.accurate.id/accurate/api/item/list.do?x=1", True),
    ("https://account.accurate.id/api/x.do", True),
    ("https://zeus.accurate.id:443/accurate/api/item/list.do", True),
    ("http://iris.accurate.id/accurate/api/item/list.do", False),  # not https
    ("https://evil.example.com/accurate/api/item/list.do", False),
    ("https://evilaccurate.id/accurate/api/item/list.do", False),
    ("https://accurate.id.evil.com/accurate/api/item/list.do", False),
    ("https://user:pw@zeus.accurate.id/accurate/api/item/list.do", False),
    ("https://10.0.0.5/accurate/api/item/list.do", False),
    ("https://169.254.169.254/latest/meta-data", False),
    ("file:///etc/passwd", False),
])
def test_outside_a_sandbox_only_accurate_over_https(url, followed):
    client = production_client()
    assert client._may_follow(url) is followed
    assert client._may_store(url) is followed


def test_outside_a_sandbox_the_configured_host_is_also_allowed_but_not_its_neighbours():
    client = production_client(base_url="https://accurate-gateway.tokoku.co.id")
    assert client._may_follow("https://accurate-gateway.tokoku.co.id/accurate/api/item/list.do")
    assert not client._may_follow("https://other.tokoku.co.id/accurate/api/item/list.do")
    assert "https://*.accurate.id" in client._allowed() and "accurate-gateway.tokoku.co.id" in client._allowed()


def test_a_cached_host_outside_accurate_is_forgotten_before_anything_is_sent():
    client = production_client(data_host="https://evil.example.com")
    client._discover = lambda: client._remember(data_host="https://zeus.accurate.id")
    assert client._host() == "https://zeus.accurate.id"
