"""Every error the connector layer can raise has a kind in ERROR_KINDS,
the list the addon's job selection is tested against."""

import importlib
import pkgutil

import accounting_connectors
from accounting_connectors.errors import ERROR_KINDS, ConnectorError


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_kind_is_listed():
    for info in pkgutil.walk_packages(accounting_connectors.__path__, "accounting_connectors."):
        importlib.import_module(info.name)  # provider packages may define their own classes
    kinds = {cls.kind for cls in [ConnectorError, *_subclasses(ConnectorError)]}
    assert kinds <= set(ERROR_KINDS), kinds - set(ERROR_KINDS)
    assert set(ERROR_KINDS) <= kinds, set(ERROR_KINDS) - kinds  # nothing listed that cannot happen
    assert len(ERROR_KINDS) == len(set(ERROR_KINDS))
