"""Search operators of SearchActorsAdvanced as domain terms (``D/search/search-operators.md``).

:func:`restriction_domain` turns one restriction into Odoo domain terms (plain tuples and the
prefix ``'!'``; no Odoo import). All restrictions of one request are ANDed, as SuperOffice's
sample connector does. Strings are never case sensitive; user text is escaped so that ``%`` and
``_`` match themselves. Date and time comparisons ignore seconds (SuperOffice's helper default):

    >>> restriction_domain("name", TEXT, "begins", ["Ac_me"])
    [('name', '=ilike', 'Ac\\\\_me%')]
    >>> restriction_domain("ref", TEXT, "notcontains", ["x"])
    ['!', ('ref', '=ilike', '%x%')]
"""

from datetime import timedelta

from .carriers import CHECKBOX, DATETIME, DOUBLE, INTEGER, LIST, PASSWORD, TEXT
from .values import ValueEncodingError, decode, next_minute

STRING_OPERATORS = ("=", "begins", "contains", "ends", "notbegins", "notcontains", "notends",
                    "isnot", "between")
NUMBER_OPERATORS = ("=", ">", "<", ">=", "<=", "!=", "between")
BOOL_OPERATORS = ("=",)
LIST_OPERATORS = ("oneof", "notoneof")
DATETIME_OPERATORS = ("=", "before", "after", "beforeOrEqual", "afterOrEqual", "between")

OPERATORS = {
    TEXT: STRING_OPERATORS, PASSWORD: STRING_OPERATORS, INTEGER: NUMBER_OPERATORS,
    DOUBLE: NUMBER_OPERATORS, CHECKBOX: BOOL_OPERATORS, LIST: LIST_OPERATORS,
    DATETIME: DATETIME_OPERATORS,
}


class SearchError(ValueError):
    """A restriction that cannot be applied (unknown operator, wrong number of values...)."""


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _values(operator, values, count):
    if len(values) < count:
        raise SearchError(f"The operator {operator!r} needs {count} value(s)")
    return values[:count]


def _string_terms(name, operator, values):
    if operator == "between":
        low, high = _values(operator, values, 2)
        return [(name, ">=", low), (name, "<=", high)]
    (value,) = _values(operator, values, 1)
    pattern = escape_like(value)
    positive = {
        "=": pattern, "isnot": pattern,
        "begins": pattern + "%", "notbegins": pattern + "%",
        "contains": "%" + pattern + "%", "notcontains": "%" + pattern + "%",
        "ends": "%" + pattern, "notends": "%" + pattern,
    }[operator]
    term = (name, "=ilike", positive)
    if operator.startswith("not") or operator == "isnot":
        return ["!", term]
    return [term]


def _number_terms(name, operator, values, field_type):
    decoded = [decode(field_type, v) for v in values]
    if operator == "between":
        low, high = _values(operator, decoded, 2)
        return [(name, ">=", low), (name, "<=", high)]
    (value,) = _values(operator, decoded, 1)
    if value is None:
        raise SearchError("A number is needed")
    return [(name, operator, value)]


def _datetime_terms(name, operator, values, date_only):
    moments = [decode(DATETIME, v) for v in values]
    if any(m is None for m in moments):
        raise SearchError("A date is needed")

    def start(m):
        return m.date() if date_only else m.replace(second=0, microsecond=0)

    def after(m):
        return m.date() + timedelta(days=1) if date_only else next_minute(m)

    if operator == "between":
        low, high = _values(operator, moments, 2)
        return [(name, ">=", start(low)), (name, "<", after(high))]
    (moment,) = _values(operator, moments, 1)
    return {
        "=": [(name, ">=", start(moment)), (name, "<", after(moment))],
        "before": [(name, "<", start(moment))],
        "beforeOrEqual": [(name, "<", after(moment))],
        "after": [(name, ">=", after(moment))],
        "afterOrEqual": [(name, ">=", start(moment))],
    }[operator]


def restriction_domain(name, field_type, operator, values, *, convert=None, date_only=False):
    """Domain terms for ``name <operator> values`` on a field of ``field_type``.

    ``convert`` maps a list item key to the stored value (e.g. a country code to its id); it
    returns None for an unknown key, which then matches nothing."""
    values = list(values or [])
    allowed = OPERATORS.get(field_type, ())
    if operator not in allowed:
        raise SearchError(
            f"The operator {operator!r} does not apply to a {field_type} field "
            f"(use one of {', '.join(allowed)})")
    try:
        if field_type in (TEXT, PASSWORD):
            return _string_terms(name, operator, values)
        if field_type in (INTEGER, DOUBLE):
            return _number_terms(name, operator, values, field_type)
        if field_type == CHECKBOX:
            (value,) = _values(operator, values, 1)
            return [(name, "=", decode(CHECKBOX, value))]
        if field_type == LIST:
            keys = [(convert or (lambda k: k))(v) for v in values]
            keys = [k for k in keys if k is not None]
            return [(name, "in" if operator == "oneof" else "not in", keys)]
        return _datetime_terms(name, operator, values, date_only)
    except ValueEncodingError as exc:
        raise SearchError(str(exc))
