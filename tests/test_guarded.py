"""Every engine call of every client is guarded in one place: the base
client guards each one as the client class resolves it (its own, a mixin's
or an inherited method), once; no module guards its own."""

import pathlib

import pytest

from accounting_connectors.accurate.client import AccurateClient
from accounting_connectors.client import ENGINE_CALLS
from accounting_connectors.jurnal.client import JurnalClient

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "accounting_connectors"


@pytest.mark.parametrize(("client", "name"), [  # Jurnal renews no webhook
    (client, name) for client in (AccurateClient, JurnalClient) for name in ENGINE_CALLS if hasattr(client, name)])
def test_each_engine_call_is_guarded_once(client, name):
    func = getattr(client, name)
    assert getattr(func, "__guarded__", False), "%s.%s is not guarded" % (client.__name__, name)
    assert not getattr(func.__wrapped__, "__guarded__", False), "guarded twice"


def test_no_module_guards_its_own_methods():
    decorated = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if "@guarded" in path.read_text()]
    assert decorated == []
