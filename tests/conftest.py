"""One sandbox per test module, clean for every test."""

import pytest

from accounting_connectors import ratelimit
from accounting_connectors.sandbox import SandboxServer


@pytest.fixture(scope="module")
def server():
    with SandboxServer() as srv:
        yield srv


def _clean(server):
    ratelimit._registry.clear()  # a window one test closed (a 429) never holds back the next
    server.reset()
    server.clock_offset = 0.0
    server.rate_limits = False
    server.webhook_url = None
    server.accept_duplicates = False


@pytest.fixture
def sandbox(server):
    _clean(server)
    yield server
    _clean(server)
