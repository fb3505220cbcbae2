"""OData archive queries: `$select`, `$filter`, `$orderBy`, `$top`, `$skip` over the store.

Filter grammar (SuperOffice flavour): `column operator value`, values are quoted strings with
`''` as an escaped quote, numbers, `true/false`, or a parenthesised list for `oneOf`/`in`;
terms combine with `and`/`or`/`not` and parentheses. Queries use a sorted index when a top-level
`and` term allows it (name `begins`, date ranges, primary key / company id lists) and stop early
when rows come in primary-key order.

Operators follow SuperOffice's archive documentation: the restriction types of
``docs/en/api/archive-providers/restriction-types.md`` (SuperOfficeDocs/superoffice-docs: bool
``set``; int ``equals greater less unequals between``; string ``begins contains is notBegins
notContains isNot``; associate ``currentAssociate associateIsOneOf associateIsNotOneOf``; listAny
``oneOf notOneOf``; datetime ``afterTime beforeTime dateTime``; date ``before date after
dateBetween`` and the relative date operators; intArray ``intArrayAllOf ...``), the OData
spellings of the REST reference (``eq = ne le lt gt ge``, ``in``) and the example ``"xstop set"``
of its "Archive Restriction strings" section. Served: every operator a connector can use on the
columns here (see ``compile_filter``). Refused with SuperOffice's error body (``ODataError``):
the operators that depend on the caller or on today's date (``currentAssociate``, ``today``,
``thisPeriod``, ``lastWeek``...), the intArray operators (no such column here) and anything not
in those lists (e.g. ``notSet``: SuperOffice documents only ``set``; write ``not (x set)``).

The string functions of the REST reference's filter description ("Funcs: substringof(a,b),
startswith(a,b), endswith(a,b)", example ``startswith(col2, 'baz')``) are served as
``begins``/``ends``/``contains`` terms, with OData v4's ``contains(col, 'text')`` beside OData
v2's ``substringof('text', col)``; an OData v2 comparison ``startswith(name, 'a') eq true`` (or
``eq false``) is accepted. The date functions (``this``, ``next``, ``previous``,
``thisAndNext``...) are refused like the relative date operators.
"""

import re

from . import archive
from .errors import ODataError
from .parse import normalize_date

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?\d+(?:\.\d+)?(?![\w:/-]))
  | (?P<punct>[(),])
  | (?P<sym><=|>=|!=|<>|=|<|>)
  | (?P<word>[A-Za-z_$][\w./:\-]*)
)""", re.VERBOSE)
_STRING_OPS = {"begins", "notbegins", "contains", "notcontains", "ends", "notends", "is",
               "isnot"}
_ALIASES = {"=": "eq", "equals": "eq", "!=": "ne", "<>": "ne", "unequals": "ne", "<": "lt",
            "less": "lt", "<=": "le", ">": "gt", "greater": "gt", ">=": "ge",
            "aftertime": "gt", "beforetime": "lt", "datetime": "eq", "in": "oneof",
            "notin": "notoneof"}
# date operators: only the date part is used (restriction type 'date')
_DATE_OPS = {"before", "after", "date", "datebetween"}
_ASSOCIATE_OPS = {"associateisoneof", "associateisnotoneof"}
_OPS = {"eq", "ne", "lt", "le", "gt", "ge", "oneof", "notoneof", "between", "set", *_STRING_OPS,
        *_DATE_OPS, *_ASSOCIATE_OPS}
# documented by SuperOffice, not served here: they depend on the caller or on today's date, or
# need columns the simulator does not have
REFUSED = {name.lower() for name in (
    "currentAssociate", "beforeToday", "today", "afterToday", "thisPeriod", "thisAndNext",
    "nextPeriod", "thisAndPrevious", "previousPeriod", "thisPreviousAndNext", "lastWeek",
    "thisWeek", "nextWeek", "lastMonth", "thisMonth", "nextMonth", "lastQuarter",
    "thisQuarter", "nextQuarter", "thisHalf", "thisYear", "intArrayAllOf", "intArrayNotAllOf",
    "intArrayOneOf", "intArrayNotAnyOf")}
_REFUSED_FUNCTIONS = {"this", "next", "previous", "thisandnext", "thisandprevious",
                      "thisandpreviousandnext"}
# string function -> the operator it stands for
_FUNCTIONS = {"startswith": "begins", "endswith": "ends", "contains": "contains",
              "substringof": "contains"}


def bad(message):
    return ODataError(message)


def refused(name):
    return ODataError(f"$filter: '{name}' is a SuperOffice operator this simulator does not "
                      "serve (it depends on the caller or on today's date, or on columns the "
                      "simulator does not have)")


def tokenize(text):
    tokens, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise bad(f"$filter: cannot read at position {pos}: {text[pos:pos + 20]!r}")
        pos = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "str":
            value = value[1:-1].replace("''", "'")
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, tokens, columns):
        self.tokens, self.pos, self.columns = tokens, 0, columns

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def is_word(self, *words):
        kind, value = self.peek()
        return kind == "word" and value.lower() in words

    def parse(self):
        node = self.parse_or()
        if self.pos != len(self.tokens):
            raise bad(f"$filter: unexpected {self.peek()[1]!r}")
        return node

    def parse_or(self):
        nodes = [self.parse_and()]
        while self.is_word("or"):
            self.take()
            nodes.append(self.parse_and())
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def parse_and(self):
        nodes = [self.parse_unary()]
        while self.is_word("and"):
            self.take()
            nodes.append(self.parse_unary())
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def parse_unary(self):
        if self.is_word("not"):
            self.take()
            return ("not", self.parse_unary())
        if self.peek() == ("punct", "("):
            self.take()
            node = self.parse_or()
            if self.take() != ("punct", ")"):
                raise bad("$filter: missing ')'")
            return node
        return self.parse_comparison()

    def is_column(self, token):
        return token[0] == "word" and token[1].lower() in self.columns

    def column(self, name):
        column = self.columns.get(name.lower())
        if column is None:
            raise bad(f"$filter: unknown column '{name}'")
        return column

    def parse_function(self, name):
        """``startswith(col, 'x')``, ``endswith``, ``contains``, ``substringof('x', col)``."""
        self.take()
        first, comma, second, close = (self.take() for _ in range(4))
        if comma != ("punct", ",") or second[0] not in ("str", "num", "word") or \
                close != ("punct", ")"):
            raise bad(f"$filter: {name}() takes a column and a value: {name}(column, 'text')")
        if not self.is_column(first) and self.is_column(second):
            first, second = second, first  # substringof('text', column)
        if first[0] != "word":
            raise bad(f"$filter: {name}() needs a column")
        node = ("cmp", self.column(first[1]), _FUNCTIONS[name.lower()], [str(second[1])])
        if self.is_word("eq", "ne"):  # OData v2: startswith(name, 'a') eq true
            negate = self.take()[1].lower() == "ne"
            kind, value = self.take()
            if kind != "word" or value.lower() not in ("true", "false"):
                raise bad(f"$filter: {name}() compares only with true or false")
            if negate == (value.lower() == "true"):
                node = ("not", node)
        return node

    def parse_comparison(self):
        kind, name = self.take()
        if kind != "word":
            raise bad(f"$filter: expected a column name, got {name!r}")
        if self.peek() == ("punct", "("):
            if name.lower() in _FUNCTIONS:
                return self.parse_function(name)
            if name.lower() in _REFUSED_FUNCTIONS:
                raise refused(name)
            raise bad(f"$filter: unknown function '{name}'")
        column = self.column(name)
        kind, op = self.take()
        if kind not in ("word", "sym"):
            raise bad(f"$filter: expected an operator after '{name}'")
        if op.lower() in REFUSED:
            raise refused(op)
        op = _ALIASES.get(op.lower(), op.lower())
        if op not in _OPS:
            raise bad(f"$filter: unknown operator '{op}'")
        if op in _ASSOCIATE_OPS and not archive.is_associate(column):
            raise bad(f"$filter: '{op}' needs an associate column, '{name}' is none")
        if op == "set":
            return self.parse_set(column)
        if self.peek() == ("punct", "("):
            self.take()
            values = [self.value()]
            while self.peek() == ("punct", ","):
                self.take()
                values.append(self.value())
            if self.take() != ("punct", ")"):
                raise bad("$filter: missing ')' after list")
        else:
            values = [self.value()]
            if op in ("between", "datebetween") and self.peek() == ("punct", ","):
                self.take()
                values.append(self.value())
        return ("cmp", column, op, [_convert(column, v) for v in values])

    def parse_set(self, column):
        """``xstop set`` (is true), ``xstop set false``; on an int column: is not zero."""
        if column.kind not in ("bool", "int"):
            raise bad(f"$filter: 'set' needs a yes/no or number column, '{column.name}' is "
                      "none")
        kind, value = self.peek()
        if kind in ("str", "num") or (kind == "word" and value.lower() in (
                "true", "false", "yes", "no")):
            self.take()
            wanted = str(value).lower() in ("true", "1", "yes")
        else:
            wanted = True
        return ("cmp", column, "set", [wanted])

    def value(self):
        kind, value = self.take()
        if kind not in ("str", "num", "word"):
            raise bad(f"$filter: expected a value, got {value!r}")
        return value


def _convert(column, value):
    try:
        if column.kind == "int":
            return int(float(value))
        if column.kind == "bool":
            return str(value).lower() in ("true", "1", "yes")
        if column.kind == "datetime":
            return normalize_date(value, column.name)
        if column.kind == "list":
            return int(value) if str(value).lstrip("-").isdigit() else str(value).lower()
    except (TypeError, ValueError):
        raise bad(f"$filter: bad value {value!r} for column '{column.name}'")
    return str(value)


def _text(column, rec, store):
    raw = column.get(rec, store)
    return (column.display(raw) if column.display else str(raw)).lower()


def compile_filter(node, store):
    """Turn a parsed filter into a predicate `rec -> bool`."""
    tag = node[0]
    if tag in ("and", "or"):
        parts = [compile_filter(n, store) for n in node[1]]
        if tag == "and":
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)
    if tag == "not":
        inner = compile_filter(node[1], store)
        return lambda r: not inner(r)
    _, column, op, values = node
    value = values[0]
    get = column.get
    if op == "set":
        return lambda r: bool(get(r, store)) == value
    if op in _DATE_OPS:
        return _date_test(column, op, values, store)
    op = {"associateisoneof": "oneof", "associateisnotoneof": "notoneof"}.get(op, op)
    if op in _STRING_OPS or column.kind == "string":
        lowered = [str(v).lower() for v in values]
        value = lowered[0]
        get = column.get

        def text(r):
            return _text(column, r, store) if column.kind == "list" else str(get(r, store)).lower()

        tests = {"begins": lambda t: t.startswith(value), "contains": lambda t: value in t,
                 "ends": lambda t: t.endswith(value), "is": lambda t: t == value,
                 "eq": lambda t: t == value, "ne": lambda t: t != value,
                 "isnot": lambda t: t != value, "lt": lambda t: t < value,
                 "le": lambda t: t <= value, "gt": lambda t: t > value,
                 "ge": lambda t: t >= value, "oneof": lambda t: t in lowered,
                 "notoneof": lambda t: t not in lowered,
                 "between": lambda t: lowered[0] <= t <= lowered[-1]}
        if op.startswith("not") and op[3:] in tests:
            positive = tests[op[3:]]
            return lambda r: not positive(text(r))
        check = tests[op]
        return lambda r: check(text(r))
    get = column.get
    if column.kind == "list" and isinstance(value, str):
        return compile_filter(("cmp", archive.Column(column.name, "string",
                               lambda r, s: column.display(get(r, s))), op, values), store)
    tests = {"eq": lambda v: v == value, "ne": lambda v: v != value,
             "lt": lambda v: v < value, "le": lambda v: v <= value,
             "gt": lambda v: v > value, "ge": lambda v: v >= value,
             "oneof": lambda v: v in values, "notoneof": lambda v: v not in values,
             "between": lambda v: values[0] <= v <= values[-1]}
    check = tests[op]
    return lambda r: check(get(r, store))


def _date_test(column, op, values, store):
    """Restriction type 'date': only the date part of the column and of the values is used."""
    if column.kind != "datetime":
        raise bad(f"$filter: '{op}' needs a date column, '{column.name}' is none")
    days = [str(v)[:10] for v in values]
    tests = {"before": lambda d: d < days[0], "after": lambda d: d > days[0],
             "date": lambda d: d == days[0],
             "datebetween": lambda d: days[0] <= d <= days[-1]}
    check = tests[op]
    return lambda r: check(str(column.get(r, store))[:10])
