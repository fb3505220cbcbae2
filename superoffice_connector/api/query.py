"""OData query builder for SuperOffice archive lists (``GET /api/v1/Contact?$filter=…``).

    from superoffice_connector.api.query import F, Query
    q = (Query().select("contactId", "name", "orgnr")
         .filter((F("name").begins("O'Brien") | F("orgnr").eq("123")) & F("contactId").gt(10))
         .order_by("contactId").top(100))
    q.to_query_string()
    # '$select=contactId,name,orgnr&$filter=((name begins 'O''Brien' or orgnr eq '123') and ...'

Values are written as OData literals: strings in single quotes with every ``'`` doubled, numbers
bare, booleans ``1``/``0``, date-times ``'YYYY-MM-DDTHH:MM:SS'`` in UTC. The query string is then
percent-encoded (UTF-8, spaces as ``%20``), so ``O'Brien & Sønner`` travels as
``'O''Brien%20%26%20S%C3%B8nner'`` and never splits the query at ``&``.
"""

from datetime import date, datetime
from urllib.parse import quote

from .parsing import format_datetime_utc

_SAFE = "$,'()*:/-_.~"


def literal(value):
    """Render a Python value as an OData literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime):
        return f"'{format_datetime_utc(value)}'"
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    text = str(value)
    return "'" + text.replace("'", "''") + "'"


class Filter:
    """A filter expression; combine with ``&`` (and) and ``|`` (or)."""

    def __init__(self, text):
        self.text = text

    def __and__(self, other):
        return Filter(f"({self.text} and {other.text})")

    def __or__(self, other):
        return Filter(f"({self.text} or {other.text})")

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"Filter({self.text!r})"

    def __eq__(self, other):
        return isinstance(other, Filter) and other.text == self.text

    def __hash__(self):
        return hash(self.text)


def all_of(*filters):
    """Combine filters with ``and`` (``None`` entries are skipped); ``None`` if nothing left."""
    items = [f for f in filters if f is not None]
    if not items:
        return None
    result = items[0]
    for item in items[1:]:
        result = result & item
    return result


def any_of(*filters):
    """Combine filters with ``or`` (``None`` entries are skipped); ``None`` if nothing left."""
    items = [f for f in filters if f is not None]
    if not items:
        return None
    result = items[0]
    for item in items[1:]:
        result = result | item
    return result


class F:
    """A column of an archive provider (``F("name")``, ``F("email/emailAddress")``)."""

    def __init__(self, column):
        if not column or any(c in column for c in " '()&=?#"):
            raise ValueError(f"Not a column name: {column!r}")
        self.column = column

    def _op(self, op, value):
        return Filter(f"{self.column} {op} {literal(value)}")

    def eq(self, value):
        return self._op("eq", value)

    def ne(self, value):
        return self._op("ne", value)

    def lt(self, value):
        return self._op("lt", value)

    def le(self, value):
        return self._op("le", value)

    def gt(self, value):
        return self._op("gt", value)

    def ge(self, value):
        return self._op("ge", value)

    def begins(self, text):
        return self._op("begins", str(text))

    def contains(self, text):
        return self._op("contains", str(text))

    def after_time(self, when):
        return self._op("afterTime", when)

    def before_time(self, when):
        return self._op("beforeTime", when)

    def in_(self, *values):
        return Filter(f"{self.column} in ({', '.join(literal(v) for v in values)})")

    def one_of(self, *ids):
        return Filter(f"{self.column} oneOf ({', '.join(str(int(i)) for i in ids)})")


OPERATORS = {
    "eq": F.eq, "=": F.eq, "ne": F.ne, "!=": F.ne, "lt": F.lt, "<": F.lt, "le": F.le,
    "<=": F.le, "gt": F.gt, ">": F.gt, "ge": F.ge, ">=": F.ge, "begins": F.begins,
    "contains": F.contains, "afterTime": F.after_time, "beforeTime": F.before_time,
}


def criterion(column, operator, value):
    """Build one filter from ``(column, operator, value)``; ``in``/``oneOf`` take a list."""
    col = F(column)
    if operator == "in":
        return col.in_(*value)
    if operator == "oneOf":
        return col.one_of(*value)
    try:
        return OPERATORS[operator](col, value)
    except KeyError:
        raise ValueError(f"Unknown operator {operator!r}.")


class Query:
    """Immutable-style builder: each method returns a new ``Query``."""

    def __init__(self, select=(), filter=None, order_by=(), top=None, skip=None, mode=None):
        self._select = tuple(select)
        self._filter = filter
        self._order_by = tuple(order_by)
        self._top = top
        self._skip = skip
        self._mode = mode

    def _copy(self, **changes):
        values = {"select": self._select, "filter": self._filter, "order_by": self._order_by,
                  "top": self._top, "skip": self._skip, "mode": self._mode}
        values.update(changes)
        return Query(**values)

    def select(self, *columns):
        for column in columns:
            F(column)
        return self._copy(select=self._select + tuple(columns))

    def filter(self, expression):
        """Add a filter (``Filter`` or raw OData text); several calls are combined with ``and``."""
        if isinstance(expression, str):
            expression = Filter(expression)
        return self._copy(filter=all_of(self._filter, expression))

    def order_by(self, *columns):
        """``order_by("contactId")`` or ``order_by("name desc")``."""
        return self._copy(order_by=self._order_by + tuple(columns))

    def top(self, n):
        return self._copy(top=int(n))

    def skip(self, n):
        return self._copy(skip=int(n))

    def mode(self, mode):
        """``"Slim"`` (display values, the default) or ``"Full"`` (raw and display values)."""
        if mode not in ("Slim", "Wide", "Full"):
            raise ValueError(f"Unknown archive mode {mode!r}.")
        return self._copy(mode=mode)

    @property
    def filter_text(self):
        return self._filter.text if self._filter is not None else None

    @property
    def page_size(self):
        return self._top

    def params(self):
        """The query options as an ordered list of ``(name, value)`` pairs (not encoded)."""
        params = []
        if self._select:
            params.append(("$select", ",".join(self._select)))
        if self._filter is not None:
            params.append(("$filter", self._filter.text))
        if self._order_by:
            params.append(("$orderBy", ",".join(self._order_by)))
        if self._top is not None:
            params.append(("$top", str(self._top)))
        if self._skip is not None:
            params.append(("$skip", str(self._skip)))
        if self._mode is not None:
            params.append(("$mode", self._mode))
        return params

    def to_query_string(self):
        """Percent-encoded query string (UTF-8, ``%20`` for spaces, ``%26`` for ``&``)."""
        return "&".join(f"{name}={quote(value, safe=_SAFE)}" for name, value in self.params())
