"""Checks on the shape of what a provider answered, so that data of the
wrong kind (a list, a string or a number where an object is expected, an
object without the document) becomes an error of the taxonomy instead of an
``AttributeError`` deep in a parser.

After a write, an answer without the document is :class:`AmbiguousError`:
the document may have been saved, so it is looked up by our reference
before anything is sent again. After a read it is a permanent
:class:`ConnectorError` (the same address would answer the same).
"""

import functools
import logging
from decimal import InvalidOperation

from .errors import AmbiguousError, ConnectorError

_logger = logging.getLogger(__name__)

#: what a parser raises on data of an unexpected shape
PARSE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError, InvalidOperation)


def _kind_of(value):
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "a text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def unexpected(provider, what, value=None, write=False, result=None, detail=""):
    """The error for ``what`` (e.g. "the saved sales invoice") answered in
    an unexpected shape; ``result`` is the HttpResult, for the log copies."""
    ctx = {}
    if result is not None:
        ctx = {"status": result.status, "request": result.request, "response": result.response}
    said = detail or "%s instead of it" % _kind_of(value)
    params = {"provider": provider, "what": what, "said": said}
    if write:
        return AmbiguousError(code="shape.unexpected_write", params=params, **ctx)
    return ConnectorError(code="shape.unexpected", params=params, **ctx)


def obj(value, provider, what, write=False, result=None):
    """``value`` when it is an object (dict), else :func:`unexpected`."""
    if isinstance(value, dict):
        return value
    raise unexpected(provider, what, value, write, result)


def rows(value, provider, what, result=None):
    """``value`` when it is a list of objects (None counts as empty)."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        return value
    if isinstance(value, list):
        bad = next(r for r in value if not isinstance(r, dict))
        raise unexpected(provider, what, detail="a list holding %s" % _kind_of(bad), result=result)
    raise unexpected(provider, what, value, result=result)


def has_id(rec):
    """Whether ``rec`` carries a record id as both providers give them: a
    positive whole number (or its text)."""
    ident = rec.get("id")
    if isinstance(ident, bool):
        return False
    if isinstance(ident, int):
        return ident > 0 or ident == -1  # Jurnal's built-in "Unassigned" warehouse is -1
    return isinstance(ident, str) and ident.isdigit() and int(ident) > 0


def document(value, provider, what, result=None, write=True):
    """A saved (or, ``write=False``, a found) document: an object with its
    id; else the write is ambiguous (2xx without the document)."""
    rec = obj(value, provider, what, write=write, result=result)
    if not has_id(rec):
        raise unexpected(provider, what, write=write, result=result, detail="an object without its id")
    return rec


def integer(value, provider, what, default=None, result=None):
    """A count or page number answered as a number or numeric text."""
    if value in (None, "") and default is not None:
        return default
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(str(value))
    except ValueError:
        raise unexpected(provider, what, value, result=result) from None
    return number


def guarded(provider_attr="provider"):
    """Decorator of a client's engine call: a parser error on data of an
    unexpected shape leaves as :func:`unexpected` (ambiguous when a write
    went out during the call), never as a raw exception. It is logged with
    its traceback, as it may also be a bug of ours."""

    def deco(func):
        @functools.wraps(func)
        def call(self, *args, **kwargs):
            transport = getattr(self, "transport", None)
            before = getattr(transport, "writes", 0)
            try:
                return func(self, *args, **kwargs)
            except ConnectorError:
                raise
            except PARSE_ERRORS as exc:
                wrote = getattr(transport, "writes", 0) > before
                _logger.warning("%s.%s: unexpected data", type(self).__name__, func.__name__, exc_info=True)
                provider = (getattr(self, provider_attr, None) or "The accounting system").capitalize()
                raise unexpected(provider, "what was asked (%s)" % func.__name__.replace("_", " "),
                                 write=wrote, detail="%s: %s" % (type(exc).__name__, exc)) from None

        call.__guarded__ = True
        return call

    return deco
