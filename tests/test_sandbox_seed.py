"""What the sandbox says it is seeded with (used by the demo and the addon
tests to map accounts) is really there, as the clients see it."""

import pytest

from accounting_connectors.client import make_client


@pytest.mark.parametrize("provider", ["accurate", "jurnal"])
def test_seeded_codes_exist_remotely(sandbox, provider):
    app = sandbox.app(provider)
    client = make_client(getattr(sandbox, "%s_config" % provider)())
    accounts = {a["number"] for a in client.list_accounts()}
    for role in ("cash", "bank", "sales", "discount", "rounding", "fee", "adjustment"):
        assert app.seeded[role] in accounts, role
    assert app.seeded["warehouse"] in {w["name"] for w in client.list_warehouses()}
    assert client.find("customer", app.seeded["walkin"]) is not None
