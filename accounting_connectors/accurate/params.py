"""Query building for Accurate's list/detail calls: ``filter.*`` pairs and
a query text Accurate parses (literal commas in ``fields=``)."""

from urllib.parse import quote

from .auth import WIB


def wib(moment):
    return moment.astimezone(WIB) if moment is not None and moment.tzinfo else moment


def as_float(text, default):
    try:
        return float(text)
    except (TypeError, ValueError):
        return default


def filters_params(filters):
    params = []
    for field, op, values in filters:
        params.append(("filter.%s.op" % field, op))
        if len(values) == 1:
            params.append(("filter.%s.val" % field, values[0]))
        else:
            params += [("filter.%s.val[%d]" % (field, i), v) for i, v in enumerate(values)]
    return params


def query_text(params):
    """Query text keeping ``,`` in ``fields=`` literal (Accurate does not
    decode ``%2C`` there) and brackets in filter names readable."""
    return "&".join("%s=%s" % (quote(str(k), safe=".[]"), quote(str(v), safe=","))
                    for k, v in params)
