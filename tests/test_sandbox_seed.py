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


@pytest.mark.parametrize("provider", ["accurate", "jurnal"])
def test_customers_are_listed_by_the_reference_documents_name_them_by(sandbox, provider):
    """Fetch lists offers the walk-in customer from this list: its ``number``
    must be what a sales document names the customer by (found again by it)."""
    app = sandbox.app(provider)
    if provider == "accurate":
        app.store.insert("customer", {"customerNo": "C.00077", "name": "Toko Kelontong Sari"})
        made, name = "C.00077", "Toko Kelontong Sari"
    else:  # made by hand in Jurnal: no custom_id, named by its display name
        app.store.add("customers", {"display_name": "Warung Bu Sri", "custom_id": None})
        made, name = "Warung Bu Sri", "Warung Bu Sri"
    client = make_client(getattr(sandbox, "%s_config" % provider)())
    customers = {c["number"]: c for c in client.list_customers()}
    assert app.seeded["walkin"] in customers
    assert customers[made]["name"] == name and customers[made]["id"]
    assert client.find("customer", app.seeded["walkin"]) is not None
