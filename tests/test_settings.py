"""Bad settings typed by an administrator are ConfigurationErrors with a
sentence (ConnectionConfig.check, run on save by the addon and by every
client), and bad addresses or answers never leave as raw exceptions.
Test connection proves it reached the right service and database."""

import pytest

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConfigurationError, ConnectorError
from accounting_connectors.http import Transport

GOOD = {"provider": "jurnal", "client_id": "id", "client_secret": "secret"}
BAD_HOSTS = ["api.mekari.com", "ftp://api.mekari.com", "https://", "https://api mekari.com",
             "https://api.mekari.com:abc", "https://api.mekari.com:0", "https://[::1", "http://a..b",
             "https://" + "a" * 70 + ".com", "https://api.mekari.com/?x=1", "https://ex_ample.com", 42]
BAD_TIMEOUTS = [-1, 0, "30", None, float("nan"), float("inf"), 10 ** 6, (5, -1), (1, 2, 3), True]
BAD_LIMITS = [[(0, 60.0)], [(-40, 60.0)], [(40, 0)], [(40, -60.0)], [("40", 60.0)], [(40.5, 60.0)],
              [(40,)], "40/min", [(40, float("nan"))]]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_malformed_host_is_refused_with_a_sentence(host):
    with pytest.raises(ConfigurationError) as err:
        ConnectionConfig(base_url=host, **GOOD).check()
    assert "not a valid web address" in err.value.message or "must be a web address" in err.value.message
    with pytest.raises(ConfigurationError):
        make_client(ConnectionConfig(base_url=host, **GOOD))


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS)
def test_a_bad_timeout_is_refused(timeout):
    with pytest.raises(ConfigurationError) as err:
        make_client(ConnectionConfig(timeout=timeout, **GOOD))
    assert "timeout" in err.value.message


@pytest.mark.parametrize("limits", BAD_LIMITS)
def test_a_bad_rate_limit_is_refused(limits):
    with pytest.raises(ConfigurationError) as err:
        make_client(ConnectionConfig(rate_limits=limits, **GOOD))
    assert "rate limit" in err.value.message


@pytest.mark.parametrize("field, value", [("max_in_flight", 0), ("max_in_flight", -2), ("max_wait", -1),
                                          ("provider", "xero"), ("limiter", "shared")])
def test_other_bad_settings_are_refused(field, value):
    with pytest.raises(ConfigurationError):
        ConnectionConfig(**dict(GOOD, **{field: value})).check()


@pytest.mark.parametrize("config", [
    ConnectionConfig(**GOOD), ConnectionConfig(base_url="http://127.0.0.1:8899", sandbox=True, timeout=(5, 30), **GOOD),
    ConnectionConfig(base_url="https://api.mekari.com/", timeout=12.5, rate_limits=[(20, 60)], **GOOD),
    ConnectionConfig(provider="accurate", base_url="https://account.accurate.id", api_token="t",
                     signature_secret="s", data_host="https://zeus.accurate.id"),
    ConnectionConfig(base_url="https://jurnal.tokoku.co.id:8443", **GOOD),
])
def test_good_settings_pass(config):
    config.check()


@pytest.mark.parametrize("url", ["htp://x.com/a", "x.com/a", "http://", "http://host:abc/", "http://[::1/",
                                 "http://a..b/", "http://" + "a" * 70 + ".com/"])
def test_the_transport_turns_an_unusable_address_into_a_configuration_error(url):
    """As when Accurate hands back a data host of its own that is unusable."""
    for method in ("GET", "POST"):
        with pytest.raises(ConfigurationError) as err:
            Transport().request(method, url)
        assert "not a usable web address" in err.value.message


def test_a_refused_address_counts_no_write():
    transport = Transport()
    with pytest.raises(ConfigurationError):
        transport.request("POST", "http://a..b/")
    assert transport.writes == 0


# --- Test connection ----------------------------------------------------------------
@pytest.mark.parametrize("body", ["{}", '{"accounts": "none"}', '{"accounts": [1, 2]}', "[]", '"ok"',
                                  '{"accounts": [{"id": 1}], "total_count": 1}',
                                  '{"accounts": [], "total_count": "many"}', ""])
def test_jurnal_test_connection_refuses_what_is_not_jurnal(sandbox, body):
    sandbox.add_fault("empty", provider="jurnal", method="GET", path_contains="/accounts", body=body,
                      status=200)
    with pytest.raises(ConnectorError) as err:
        make_client(sandbox.jurnal_config()).test_connection()
    assert "Jurnal" in err.value.message and "0 accounts" not in err.value.message


def test_jurnal_test_connection_names_the_company_and_checks_it(sandbox):
    facts = make_client(sandbox.jurnal_config()).test_connection()
    assert facts["company"] == "Toko Sandbox Jurnal" and facts["company_id"] == "20714"
    assert "Toko Sandbox Jurnal" in facts["message"] and facts["accounts"] > 0
    assert make_client(sandbox.jurnal_config(extra={"company_id": "20714"})).test_connection()["ok"]
    with pytest.raises(ConfigurationError) as err:
        make_client(sandbox.jurnal_config(extra={"company_id": "555"})).test_connection()
    assert "Toko Sandbox Jurnal" in err.value.message and "555" in err.value.message
    sandbox.add_fault("empty", provider="jurnal", method="GET", path_contains="/companies", body='{"company": []}',
                      status=200)
    with pytest.raises(ConnectorError):
        make_client(sandbox.jurnal_config()).test_connection()


def test_accurate_test_connection_checks_the_database(sandbox):
    facts = make_client(sandbox.accurate_config(database_id="96400")).test_connection()
    assert facts["database_id"] == "96400" and facts["database"] == "Toko Sandbox"
    with pytest.raises(ConfigurationError) as err:
        make_client(sandbox.accurate_config(database_id="11111")).test_connection()
    assert "Toko Sandbox" in err.value.message and "11111" in err.value.message


@pytest.mark.parametrize("body", ['{"s": true}', '{"s": true, "d": {"database": "x"}}', '{"s": true, "d": []}',
                                  '{"s": true, "d": {"database": {"id": 96400}}}', "[]", ""])
def test_accurate_test_connection_refuses_what_is_not_accurate(sandbox, body):
    sandbox.add_fault("empty", provider="accurate", path_contains="api-token.do", body=body)
    with pytest.raises(ConnectorError) as err:
        make_client(sandbox.accurate_config()).test_connection()
    assert "Accurate" in err.value.message


@pytest.mark.parametrize("body", ['{"s": true}', '{"s": true, "d": "none"}', '{"s": true, "d": [1]}', "[]"])
def test_accurate_test_connection_reads_the_data_layer_as_accurate_lists(sandbox, body):
    sandbox.add_fault("empty", provider="accurate", path_contains="glaccount/list.do", body=body)
    with pytest.raises(ConnectorError):
        make_client(sandbox.accurate_config()).test_connection()


# --- where credentials may go: public https hosts, or any host of a sandbox ---------------------
NOT_PUBLIC = ["https://10.1.2.3", "https://172.16.0.9", "https://192.168.1.10", "https://100.64.0.1",
              "https://169.254.169.254", "https://127.0.0.1", "https://127.1", "https://2130706433",
              "https://0x7f.1", "https://[::1]", "https://[fe80::1]", "https://[fd00::1]",
              "https://[::ffff:127.0.0.1]", "https://0.0.0.0", "https://localhost", "https://intranet",
              "https://api.localhost", "https://printer.local", "https://gateway.internal", "https://224.0.0.1"]


@pytest.mark.parametrize("host", NOT_PUBLIC)
def test_a_private_loopback_or_link_local_host_is_refused_outside_a_sandbox(host):
    for provider in ({"provider": "jurnal", "client_id": "id", "client_secret": "s"},
                     {"provider": "accurate", "api_token": "t", "signature_secret": "s"}):
        with pytest.raises(ConfigurationError) as err:
            make_client(ConnectionConfig(base_url=host, **provider))
        assert "not a public server" in err.value.message
    ConnectionConfig(base_url=host.replace("https://", "http://"), sandbox=True, **GOOD).check()


def test_http_is_refused_outside_a_sandbox():
    with pytest.raises(ConfigurationError) as err:
        ConnectionConfig(base_url="http://api.mekari.com", **GOOD).check()
    assert "must start with https://" in err.value.message
    with pytest.raises(ConfigurationError, match="database host"):
        ConnectionConfig(provider="accurate", api_token="t", signature_secret="s",
                         data_host="http://zeus.accurate.id").check()


@pytest.mark.parametrize("sandbox", [False, True])
def test_a_user_and_password_in_the_host_are_refused_and_not_repeated(sandbox):
    with pytest.raises(ConfigurationError) as err:
        ConnectionConfig(base_url="https://admin:s3cr3t-pw@api.mekari.com", sandbox=sandbox, **GOOD).check()
    assert "user name or password" in err.value.message and "s3cr3t-pw" not in err.value.message


def test_public_hosts_pass_outside_a_sandbox():
    for host in ("https://api.mekari.com", "https://8.8.8.8", "https://[2606:4700::1111]",
                 "https://zeus.accurate.id:8443"):
        ConnectionConfig(base_url=host, **GOOD).check()
