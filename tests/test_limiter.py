"""The transport sends through the limiter the caller injects
(``ConnectionConfig.limiter``), and the provider's limits are exposed for
a limiter shared across processes."""

import threading
from contextlib import contextmanager

import pytest

from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.errors import ConfigurationError, RateLimitedError
from accounting_connectors.ratelimit import Limiter, RateLimiter, default_windows, limiter_key


class CountingLimiter:
    """A stand-in for a limiter shared through a database: counts what it
    lets through and can refuse like the real one."""

    def __init__(self, refuse=False):
        self.acquired = self.released = 0
        self.refuse = refuse
        self.lock = threading.Lock()

    def acquire(self):
        if self.refuse:
            raise RateLimitedError("shared limit reached", retry_after=7.0)
        with self.lock:
            self.acquired += 1
            return self.acquired

    def release(self, stamp=None):
        with self.lock:
            self.released += 1

    @contextmanager
    def slot(self):
        stamp = self.acquire()
        try:
            yield
        finally:
            self.release(stamp)


@pytest.mark.parametrize("provider", ["accurate", "jurnal"])
def test_an_injected_limiter_sees_every_request(sandbox, provider):
    shared = CountingLimiter()
    client = make_client(getattr(sandbox, "%s_config" % provider)(limiter=shared))
    client.list_warehouses()
    sent = sum(sandbox.request_count.values())
    assert sent >= 1 and shared.acquired == shared.released == sent


@pytest.mark.parametrize("provider", ["accurate", "jurnal"])
def test_an_injected_limiter_refusing_stops_the_request(sandbox, provider):
    client = make_client(getattr(sandbox, "%s_config" % provider)(limiter=CountingLimiter(refuse=True)))
    with pytest.raises(RateLimitedError) as err:
        client.list_warehouses()
    assert err.value.retry_after == 7.0 and err.value.kind == "rate_limited"
    assert sum(sandbox.request_count.values()) == 0


def test_an_object_without_the_interface_is_refused():
    config = ConnectionConfig(provider="jurnal", client_id="x", client_secret="y", limiter=object())
    with pytest.raises(ConfigurationError):
        make_client(config)


def test_default_windows_are_the_providers_and_the_override():
    acc = default_windows(ConnectionConfig(provider="accurate"))
    assert acc.windows == [(8, 1.0)] and acc.max_in_flight == 8
    jur = default_windows(ConnectionConfig(provider="jurnal"))
    assert jur.windows == [(30, 60.0), (1800, 3600.0)] and jur.max_in_flight is None
    mine = default_windows(ConnectionConfig(provider="jurnal", rate_limits=[(20, 60)], max_in_flight=2))
    assert mine == ([(20, 60.0)], 2)
    windows, in_flight = mine  # unpacks as a pair
    assert in_flight == 2


def test_limiter_key_names_the_credential_without_its_secret():
    one = ConnectionConfig(provider="jurnal", client_id="client-A", client_secret="s3cret")
    same = ConnectionConfig(provider="jurnal", client_id="client-A", client_secret="other")
    other = ConnectionConfig(provider="jurnal", client_id="client-B")
    key = ConnectionConfig(provider="jurnal", api_key="legacy-api-key-123")
    assert limiter_key(one) == limiter_key(same) != limiter_key(other)
    assert "legacy-api-key-123" not in limiter_key(key) and limiter_key(key).startswith("jurnal:")
    token = ConnectionConfig(provider="accurate", api_token="aat.secret-token")
    assert "secret" not in limiter_key(token)


def test_the_process_limiter_meets_the_interface():
    assert isinstance(RateLimiter([(1, 1.0)]), Limiter)
    assert isinstance(CountingLimiter(), Limiter)


@pytest.mark.parametrize("windows", [[(0, 60.0)], [(-5, 60.0)], [(10, 0)], [(10, -1.0)], [("ten", 60.0)],
                                     [(1.5, 60.0)], [(10, float("nan"))], "40/min", [(10,)]])
def test_a_malformed_limit_is_a_configuration_error(windows):
    with pytest.raises(ConfigurationError):
        RateLimiter(windows)
