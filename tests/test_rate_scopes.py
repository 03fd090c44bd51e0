"""The limits per scope (issue #19): Jurnal per consumer and per IP address,
fixed windows with a bare 429; its monthly package; Accurate's 8/s and 8 in
flight. The sandbox enforces them (shrunk through its admin endpoint so the
tests stay fast), and the clients' limiters keep under them."""

import math
import threading
import time
from datetime import date
from decimal import Decimal as D

import pytest
import requests

from accounting_connectors import costs
from accounting_connectors.client import ConnectionConfig, make_client
from accounting_connectors.documents import (
    Customer,
    InvoiceLine,
    Item,
    ReceiptLine,
    SalesInvoice,
    SalesReceipt,
    SalesReturn,
)
from accounting_connectors.errors import QuotaExceededError, RateLimitedError
from accounting_connectors.jurnal import auth
from accounting_connectors.ratelimit import (
    RateLimiter,
    ScopedLimiter,
    address_key,
    limiter_key,
    scopes_for,
    tripped_roll,
    window_roll,
)

V1 = "/public/jurnal/api/v1/"


def admin(sandbox, body):
    resp = requests.post(sandbox.url + "/_sandbox/config", json=body, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp


def consumer(sandbox):
    return requests.post(sandbox.url + "/_sandbox/consumers/jurnal", timeout=5).json()


def get(sandbox, cred, path="warehouses"):
    date_value = auth.http_date(sandbox.now())
    headers = {"Date": date_value, "Authorization": auth.authorization(
        cred["client_id"], cred["client_secret"], date_value, "GET", V1 + path)}
    return requests.get(sandbox.url + V1 + path, headers=headers, timeout=5)


def to_next_window(seconds, sandbox, before_end=0.0):
    """Sleep into the start of the next fixed window of ``seconds``."""
    now = sandbox.now()
    time.sleep((math.floor(now / seconds) + 1) * seconds - now + 0.05)


def main_cred(sandbox):
    app = sandbox.app("jurnal")
    return {"client_id": app.client_id, "client_secret": app.client_secret}


# --- the sandbox, as strict as Jurnal ---------------------------------------------------


def test_jurnal_counts_each_consumer_and_the_address_they_share(sandbox):
    admin(sandbox, {"rate_limits": True,
                    "limits": {"jurnal": {"consumer": [[3, 2], [100, 60]], "address": [[5, 2], [100, 60]]}}})
    one, two = main_cred(sandbox), consumer(sandbox)
    to_next_window(2, sandbox)
    first = [get(sandbox, one) for _ in range(4)]
    assert [r.status_code for r in first] == [200, 200, 200, 429]
    # Jurnal's bare 429: its words, no Retry-After
    assert first[3].json() == {"message": "API rate limit exceeded"} and "Retry-After" not in first[3].headers
    assert first[0].headers["X-RateLimit-Limit-Minute"] == "3"
    assert first[2].headers["X-RateLimit-Remaining-Minute"] == "0"
    # the other consumer has its own 3, but the address only 2 left
    second = [get(sandbox, two).status_code for _ in range(3)]
    assert second == [200, 200, 429]
    to_next_window(2, sandbox)  # the counters reset at the boundary
    assert get(sandbox, one).status_code == 200 and get(sandbox, two).status_code == 200


def test_jurnal_defaults_are_the_published_figures(sandbox):
    admin(sandbox, {"rate_limits": True})
    conf = sandbox.limits.config["jurnal"]
    assert conf["consumer"] == [(30, 60.0), (1800, 3600.0)] and conf["address"] == [(40, 60.0), (2500, 3600.0)]
    assert sandbox.limits.config["accurate"] == {"credential": [(8, 1.0)], "in_flight": 8}


def test_jurnal_monthly_package_is_its_own_429(sandbox):
    admin(sandbox, {"rate_limits": True, "limits": {"jurnal": {"monthly": 2}}})
    client = make_client(sandbox.jurnal_config(rate_limits=[(1000, 60.0)]))
    client.list_warehouses()
    client.list_warehouses()
    with pytest.raises(QuotaExceededError) as err:
        client.list_warehouses()
    assert err.value.kind == "quota" and "Monthly limit exceeded" in err.value.provider_message
    # not a window: the client's limiter is not closed by it, and nothing is retried
    assert sandbox.limits.stats()["refused"] == {"jurnal_monthly": 1}


def test_admin_refuses_malformed_limits(sandbox):
    for bad in ({"jurnal": {"consumer": [[0, 60]]}}, {"nobody": {}}, {"jurnal": {"monthly": -1}},
                {"accurate": {"in_flight": "8"}}, {"jurnal": {"perip": []}}):
        resp = requests.post(sandbox.url + "/_sandbox/config", json={"limits": bad}, timeout=5)
        assert resp.status_code == 400 and resp.json()["error"].startswith("limits")


def test_accurate_caps_requests_in_flight(sandbox):
    admin(sandbox, {"rate_limits": True, "latency": {"accurate": 1.0},
                    "limits": {"accurate": {"credential": [[100, 1]]}}})
    app = sandbox.app("accurate")
    headers = {"Authorization": "Bearer " + sandbox.accurate_config().api_token}
    statuses, start = [], threading.Barrier(12)

    def hit():
        start.wait()
        statuses.append(requests.get(sandbox.url + "/accurate/api/warehouse/list.do", headers=headers,
                                     timeout=5).status_code)

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sandbox.limits.peak_in_flight["accurate"] == 8
    assert statuses.count(429) == sandbox.limits.stats()["refused"]["accurate_in_flight"] >= 2
    assert app.rate_limited_response().headers == {"Retry-After": "1"}


# --- the clients keep under them ----------------------------------------------------------


def test_jurnal_scopes_are_the_consumer_and_the_address():
    config = ConnectionConfig(provider="jurnal", client_id="A", client_secret="s")
    scopes = scopes_for(config)
    assert [(s.kind, s.windows) for s in scopes] == [
        ("credential", [(30, 60.0), (1800, 3600.0)]), ("address", [(40, 60.0), (2500, 3600.0)])]
    other = ConnectionConfig(provider="jurnal", client_id="B", client_secret="t")
    assert scopes_for(other)[0].key != scopes[0].key and scopes_for(other)[1].key == scopes[1].key
    assert scopes[0].key == limiter_key(config) and scopes[1].key == address_key(config)
    elsewhere = ConnectionConfig(provider="jurnal", client_id="B", outgoing_address="server-2")
    assert scopes_for(elsewhere)[1].key != scopes[1].key
    # an overridden credential window (sandbox, own plan) without the address's: no address counter
    assert len(scopes_for(ConnectionConfig(provider="jurnal", client_id="A", rate_limits=[(99, 60)]))) == 1
    mine = scopes_for(ConnectionConfig(provider="jurnal", client_id="A", rate_limits=[(99, 60)],
                                       address_limits=[(50, 60)]))
    assert mine[1].windows == [(50, 60.0)]
    acc = scopes_for(ConnectionConfig(provider="accurate", api_token="aat.x"))
    assert [(s.windows, s.max_in_flight) for s in acc] == [([(8, 1.0)], 8)]


def test_three_consumers_on_one_address_never_trip_it(sandbox):
    """Three connections, each its own limiter per scope, the address's
    shared in the process: the address's window binds, and no 429."""
    admin(sandbox, {"rate_limits": True,
                    "limits": {"jurnal": {"consumer": [[4, 2], [1000, 60]], "address": [[6, 2], [1000, 60]]}}})
    windows = dict(rate_limits=[(4, 2.0), (1000, 60.0)], address_limits=[(6, 2.0), (1000, 60.0)],
                   outgoing_address="test-three-%s" % time.time(), max_wait=10.0)
    creds = [main_cred(sandbox), consumer(sandbox), consumer(sandbox)]
    clients = [make_client(sandbox.jurnal_config(**dict(windows, **cred))) for cred in creds]
    done, errors = [], []

    def work(client):
        for _ in range(6):
            try:
                client.list_warehouses()
                done.append(time.time())
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(exc)

    to_next_window(2, sandbox)
    started = time.time()
    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(done) == 18
    assert sandbox.limits.stats()["refused"] == {}
    # 18 requests at 6 per 2 s: at least two windows rolled (a sliding window is never faster)
    assert max(done) - started >= 3.5


def test_a_bare_429_waits_for_the_window_to_roll(sandbox):
    """A bare 429 closes the tripped scope until its window rolls: the next
    request waits (or is refused locally) instead of storming the gateway."""
    admin(sandbox, {"rate_limits": True,
                    "limits": {"jurnal": {"consumer": [[2, 3], [1000, 60]], "address": [[1000, 3]]}}})
    # someone else (another application on the same credential) used the window
    cred = main_cred(sandbox)
    to_next_window(3, sandbox)
    assert [get(sandbox, cred).status_code for _ in range(2)] == [200, 200]
    client = make_client(sandbox.jurnal_config(rate_limits=[(2, 3.0), (1000, 60.0)],
                                               outgoing_address="bare-%s" % time.time(), max_wait=0.2))
    with pytest.raises(RateLimitedError) as err:
        client.list_warehouses()
    now = sandbox.now()
    roll = (math.floor(now / 3) + 1) * 3 - now
    assert err.value.status == 429 and roll - 0.3 <= err.value.retry_after <= roll + 0.3
    before = sandbox.request_count["jurnal"]
    with pytest.raises(RateLimitedError) as local:  # refused here, nothing sent
        client.list_warehouses()
    assert local.value.status is None and sandbox.request_count["jurnal"] == before
    time.sleep(err.value.retry_after)
    client.list_warehouses()  # the window rolled: it goes out
    assert sandbox.limits.stats()["refused"] == {"jurnal_window": 1}


def test_tripped_roll_names_the_fullest_window():
    now = 3600.0 * 100 + 61.0  # one second into the second minute of an hour
    minute_full = [(30, 60.0), (1800, 3600.0)], [now - 0.5] * 30
    wait_index, wait = tripped_roll([minute_full], now)
    assert wait_index == 0 and 59.0 <= wait <= 60.1
    hour_full = [(30, 60.0), (1800, 3600.0)], [now - 30 - i * 0.01 for i in range(1800)]
    _i, wait = tripped_roll([hour_full], now)
    assert wait > 3000  # the hour, not the minute: waiting a minute would trip again
    index, _wait = tripped_roll([([(30, 60.0)], [now - 1] * 5), ([(40, 60.0)], [now - 1] * 40)], now)
    assert index == 1
    assert window_roll(120.5, 60.0) == pytest.approx(59.5 + 1.0)


def test_scoped_limiter_takes_every_scope_or_none():
    clock = [1000.0]
    one = RateLimiter([(2, 10.0)], max_wait=0, clock=lambda: clock[0])
    shared = RateLimiter([(3, 10.0)], max_wait=0, clock=lambda: clock[0])
    other = RateLimiter([(5, 10.0)], max_wait=0, clock=lambda: clock[0])
    a, b = ScopedLimiter([one, shared], max_wait=0, clock=lambda: clock[0]), \
        ScopedLimiter([other, shared], max_wait=0, clock=lambda: clock[0])
    a.release(a.acquire())
    a.release(a.acquire())
    with pytest.raises(RateLimitedError):
        a.acquire()  # its own credential is full
    b.release(b.acquire())
    with pytest.raises(RateLimitedError):
        b.acquire()  # the shared address is full: nothing taken in `other`
    assert len(other.stamps()) == 1
    clock[0] += 10.5
    b.release(b.acquire())


def test_in_flight_cap_across_threads(sandbox):
    admin(sandbox, {"rate_limits": True, "latency": {"accurate": 0.3},
                    "limits": {"accurate": {"credential": [[1000, 1]], "in_flight": 8}}})
    limiter = RateLimiter([(1000, 1.0)], max_in_flight=3, max_wait=30.0)
    clients = [make_client(sandbox.accurate_config(limiter=limiter)) for _ in range(6)]
    for client in clients:
        client.list_warehouses()  # learn the host first
    sandbox.limits.reset()

    def work(client):
        for _ in range(3):
            client.list_warehouses()

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sandbox.limits.peak_in_flight["accurate"] == 3 and sandbox.limits.stats()["refused"] == {}


def test_request_costs_are_the_clients_own(sandbox):
    """costs.REQUESTS_PER_DOCUMENT and REQUESTS_PER_CLIENT are what the
    clients really send (the backfill estimate is built on them)."""
    day = date(2024, 5, 2)
    for provider, warehouse, cash in (("jurnal", "Gudang Utama", "1-10001"), ("accurate", "Utama", "1101")):
        client = make_client(getattr(sandbox, provider + "_config")(rate_limits=[(10000, 60.0)]))
        client.post(Item("SKU-C0", name="Pemanasan", sale_price=D("1000")))  # the client's one-off reads
        line = InvoiceLine("SKU-C1", D(1), D(15000), warehouse=warehouse)
        documents = [
            ("item", Item("SKU-C1", name="Kopi", sale_price=D("15000"))),
            ("customer", Customer("C-C1", name="Budi")),
            ("sales_invoice", SalesInvoice("INV-C1", customer_ref="C-C1", date=day, lines=[line])),
            ("sales_receipt", SalesReceipt("PAY-C1", customer_ref="C-C1", date=day, account=cash,
                                           lines=[ReceiptLine("INV-C1", D(15000))])),
            ("sales_return", SalesReturn("RET-C1", customer_ref="C-C1", date=day, invoice_ref="INV-C1",
                                         lines=[line])),
        ]
        spent = {}
        for kind, document in documents:
            before = sandbox.request_count[provider]
            client.post(document)
            spent[kind] = sandbox.request_count[provider] - before
        assert spent == {kind: costs.requests_for(provider, {kind: 1}) for kind in spent}, (provider, spent)


def test_fixed_windows_restart_on_the_clock():
    """Jurnal's counters restart each minute: a full minute frees at its
    end, not 60 s after each request (as a sliding window would)."""
    from accounting_connectors.ratelimit import window_wait

    now = 6000.0 + 50.0  # 50 s into a minute
    stamps = [6000.0 + 10 + i for i in range(30)]  # 30 requests in this minute
    assert window_wait([(30, 60.0)], stamps, now, fixed=True) == pytest.approx(10.0)
    assert window_wait([(30, 60.0)], stamps, now) == pytest.approx(20.0)  # sliding: 60 s after the first
    # a request answered just before the minute began still counts (the provider's clock may be ahead)
    assert window_wait([(1, 60.0)], [5999.5], now, fixed=True) > 0
    assert window_wait([(1, 60.0)], [5998.0], now, fixed=True) == 0
    # a request still in flight counts in every window until answered
    assert window_wait([(1, 60.0)], [now + 30], now, fixed=True) > 0
