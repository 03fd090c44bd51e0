"""Whatever a provider (or something answering in its place) sends back,
the clients raise an error of the taxonomy, never a raw AttributeError or
KeyError, and never report a saved document without its remote id.

Each engine call runs once per (request it makes, variant of that
request's real answer): the whole body replaced by a list, a text, a
number, nothing..., or one of its fields (and the fields of its objects)
replaced by data of the wrong kind."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from accounting_connectors.client import RemoteResult, make_client
from accounting_connectors.documents import Customer, InvoiceLine, Item, SalesInvoice, SalesReturn
from accounting_connectors.errors import AmbiguousError, ConnectorError

DAY = date(2026, 11, 20)
WHOLE = ["[]", "\"text\"", "7", "", "{}", "[{}]", "<html>ok</html>"]
WRONG = ["x", [], {"id": []}]


def variants(text):
    """Garbled copies of one answer's text."""
    yield from WHOLE
    try:
        body = json.loads(text)
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    for key, value in body.items():
        for wrong in WRONG:
            yield json.dumps(dict(body, **{key: wrong}))
        if isinstance(value, list) and value:
            yield json.dumps(dict(body, **{key: ["x"] + value[1:]}))
        inner = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value
        if isinstance(inner, dict):  # a text field changed to another text changes nothing: skip those
            for sub in (k for k, v in inner.items() if k == "id" or isinstance(v, (dict, list, int))):
                bad = dict(inner, **{sub: "x"})
                yield json.dumps(dict(body, **{key: [bad] + value[1:] if isinstance(value, list) else bad}))


class Garbler:
    """Record every answer of a client; replace the text of answer number
    ``index`` by ``variant`` (the request itself reaches the sandbox)."""

    def __init__(self, client, index=None, variant=None):
        self.index, self.variant, self.answers, self.hit = index, variant, [], None
        send = client.transport.request

        def request(method, url, **kwargs):
            result = send(method, url, **kwargs)
            self.answers.append((method, result.status, result.text))
            if len(self.answers) - 1 == self.index:  # a document write, or a read (Accurate's token
                # details are read with a POST)
                self.hit = "GET" if method == "GET" or "/api/api-token.do" in url else method
                result.text = self.variant
            return result

        client.transport.request = request


def _shop(seeder, n):
    seeder.post(Customer("C-%d" % n, name="Toko %d" % n))
    seeder.post(Item("SKU-%d" % n, name="Kopi %d" % n, sale_price=D("15000")))
    seeder.post(SalesInvoice("INV-%d" % n, customer_ref="C-%d" % n, date=DAY,
                             lines=[InvoiceLine("SKU-%d" % n, D("1000"), D("15000"))]))
    seeder.post(_return("B%d" % n, n))


def _return(n, base):
    return SalesReturn("RET-%s" % n, customer_ref="C-%d" % base, date=DAY, invoice_ref="INV-%d" % base,
                       lines=[InvoiceLine("SKU-%d" % base, D("1"), D("15000"))])


#: engine call -> f(client, a fresh number, the number of the shop seeded for the test)
OPS = {
    "test_connection": lambda c, n, b: c.test_connection(),
    "list_warehouses": lambda c, n, b: c.list_warehouses(),
    "list_accounts": lambda c, n, b: c.list_accounts(),
    "post_customer": lambda c, n, b: c.post(Customer("NEW-%d" % n, name="Baru %d" % n)),
    "post_invoice": lambda c, n, b: c.post(SalesInvoice("INV-N%d" % n, customer_ref="C-%d" % b, date=DAY,
                                                        lines=[InvoiceLine("SKU-%d" % b, D("1"), D("15000"))])),
    "post_return": lambda c, n, b: c.post(_return(n, b)),
    "post_many": lambda c, n, b: c.post_many([Item("NI-%d" % n, name="Teh %d" % n),
                                              Customer("NC-%d" % n, name="Sari %d" % n)]),
    "find_invoice": lambda c, n, b: c.find("sales_invoice", "INV-%d" % b),
    "find_return": lambda c, n, b: c.find("sales_return", "RET-B%d" % b, parent="INV-%d" % b),
    "invoice_status": lambda c, n, b: c.invoice_status("INV-%d" % b),
    "list_purchases": lambda c, n, b: c.list_purchases(date(2020, 1, 1)),
}
counter = iter(range(1, 10 ** 6))


def _check(outcome, op, variant, written):
    if isinstance(outcome, Exception):
        assert isinstance(outcome, ConnectorError), repr(outcome)
        if written and op.startswith("post_") and op != "post_many" and variant in WHOLE:
            assert isinstance(outcome, AmbiguousError), (op, variant, outcome)
        return
    if written and op.startswith("post_") and op != "post_many":
        assert variant not in WHOLE, (op, variant, outcome)  # no document came back: cannot be a success
    for res in outcome if isinstance(outcome, list) else [outcome]:
        if isinstance(res, RemoteResult):
            assert res.remote_id.isdigit(), (op, variant, res)
        elif isinstance(res, Exception):
            assert isinstance(res, ConnectorError), repr(res)


@pytest.mark.parametrize("provider", ["accurate", "jurnal"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_no_raw_exception_and_no_empty_success(sandbox, provider, op):
    def config():  # no client-side waits: only the answers matter here
        return getattr(sandbox, "%s_config" % provider)(rate_limits=[(10 ** 6, 1.0)])

    base = next(counter)
    _shop(make_client(config()), base)
    client = make_client(config())
    probe = Garbler(client)
    OPS[op](client, next(counter), base)  # answered normally, it succeeds
    answers = [i for i, (_m, status, _t) in enumerate(probe.answers) if 200 <= status < 300]
    assert answers, probe.answers
    runs = 0
    for index in answers:
        method, _status, text = probe.answers[index]
        for variant in variants(text):
            client = make_client(config())
            garbler = Garbler(client, index, variant)
            try:
                outcome = OPS[op](client, next(counter), base)
            except Exception as exc:  # noqa: BLE001 - what escapes is the point of the test
                outcome = exc
            _check(outcome, op, variant, garbler.hit not in (None, "GET"))
            runs += 1
    assert runs >= len(WHOLE) * len(answers)
