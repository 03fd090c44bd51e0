"""Every sentence the connector layer says has a stable code: errors carry
it with their values, so an application can say them in its reader's
language; the provider's own words stay apart, as they came."""

import ast
import pathlib
import re

import pytest

from accounting_connectors import errors
from accounting_connectors.accurate.auth import auth_error
from accounting_connectors.messages import TEXTS, render

PACKAGE = pathlib.Path(errors.__file__).parent
ERROR_CLASSES = {name for name, value in vars(errors).items()
                 if isinstance(value, type) and issubclass(value, errors.ConnectorError)}
PLACEHOLDER = re.compile(r"%\((\w+)\)")
CODE = re.compile(r'"((?:settings|http|shape|accurate|jurnal|transfer|invoice|receipt)\.[a-z_]+)"')


def _error_calls():
    """(file, line, call) of every construction of a taxonomy error outside the sandbox."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sandbox" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in ERROR_CLASSES or name == "cls":
                    yield path.relative_to(PACKAGE), node.lineno, node


def test_every_error_raised_by_the_connectors_has_a_message_code():
    calls = list(_error_calls())
    assert len(calls) > 80
    bare = ["%s:%s" % (path, line) for path, line, call in calls
            if not any(k.arg == "code" for k in call.keywords) and str(path) != "errors.py"]
    assert not bare, "errors without a message code: %s" % bare


def test_every_code_used_exists_and_every_sentence_is_used():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name != "messages.py" and "sandbox" not in path.parts:
            used |= set(CODE.findall(path.read_text()))
    assert used <= set(TEXTS), used - set(TEXTS)
    # said by the engine that calls a client, when a post returns no document
    assert set(TEXTS) - used == {"http.no_saved_document"}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_sentence_renders_with_its_values(code):
    names = PLACEHOLDER.findall(TEXTS[code])
    params = {name: 7 for name in names}
    text = render(code, params)
    assert "%(" not in text and text.strip()


def test_error_keeps_code_values_and_the_providers_words_apart():
    err = auth_error(401, "Header X-Api-Signature invalid")
    assert err.code == "accurate.auth_signature"
    assert err.provider_message == "Header X-Api-Signature invalid"
    assert err.message == render("accurate.auth_signature", err.params)
    assert "X-Api-Signature invalid" not in err.message  # our sentence; theirs stays apart
    silent = auth_error(403, "")
    assert (silent.code, silent.provider_message) == ("accurate.auth_refused_silent", "")
    # a refusal recast as "not found" keeps its sentence and the provider's words
    refused = errors.ValidationError(code="jurnal.refused", params={"provider": "Not found"},
                                     provider_message="Not found", status=404)
    gone = refused.recast(errors.NotFoundError)
    assert (type(gone), gone.code, gone.message, gone.provider_message, gone.status) == (
        errors.NotFoundError, "jurnal.refused", "Jurnal refused it: Not found", "Not found", 404)


def test_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        errors.ValidationError(code="no.such.code")


@pytest.mark.parametrize("module", ["accurate/mapping.py", "jurnal/mapping.py", "jurnal/names.py",
                                    "jurnal/returns.py", "documents.py"])
def test_a_document_refused_for_its_own_content_never_pauses_the_connection(module):
    """A ConfigurationError is of kind "auth": the engine pauses the whole
    connection as if its credentials were refused. What one document lacks
    (a tax, fee or deduction account) must fail that document only."""
    tree = ast.parse((PACKAGE / module).read_text())
    names = {getattr(node.func, "id", getattr(node.func, "attr", None))
             for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert "ConfigurationError" not in names


def test_a_fee_without_its_account_fails_the_transfer_only():
    from datetime import date
    from decimal import Decimal

    from accounting_connectors.accurate.mapping import payload_for
    from accounting_connectors.documents import BankTransfer

    doc = BankTransfer(reference="PAYOUT/1", date=date(2026, 11, 30), from_account="1-1105",
                       to_account="1-1102", amount=Decimal("1000000"), fee=Decimal("7000"))
    with pytest.raises(errors.ConnectorError) as caught:
        payload_for(doc)
    assert caught.value.kind == "permanent"
    assert caught.value.code == "transfer.no_fee_account"
