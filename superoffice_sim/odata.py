"""OData archive queries: `$select`, `$filter`, `$orderBy`, `$top`, `$skip` over the store.

Filter grammar (SuperOffice flavour): `column operator value`, values are quoted strings with
`''` as an escaped quote, numbers, `true/false`, or a parenthesised list for `oneOf`/`in`;
terms combine with `and`/`or`/`not` and parentheses. Queries use a sorted index when a top-level
`and` term allows it (name `begins`, date ranges, primary key / company id lists) and stop early
when rows come in primary-key order.
"""

import re

from . import archive
from .errors import HttpError
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
            "aftertime": "gt", "after": "gt", "beforetime": "lt", "before": "lt",
            "datetime": "eq", "in": "oneof", "notin": "notoneof"}
_OPS = {"eq", "ne", "lt", "le", "gt", "ge", "oneof", "notoneof", "between", *_STRING_OPS}


def bad(message):
    return HttpError(400, message, ErrorType="ODataError")


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

    def parse_comparison(self):
        kind, name = self.take()
        if kind != "word":
            raise bad(f"$filter: expected a column name, got {name!r}")
        column = self.columns.get(name.lower())
        if column is None:
            raise bad(f"$filter: unknown column '{name}'")
        kind, op = self.take()
        if kind not in ("word", "sym"):
            raise bad(f"$filter: expected an operator after '{name}'")
        op = _ALIASES.get(op.lower(), op.lower())
        if op not in _OPS:
            raise bad(f"$filter: unknown operator '{op}'")
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
            if op == "between" and self.peek() == ("punct", ","):
                self.take()
                values.append(self.value())
        return ("cmp", column, op, [_convert(column, v) for v in values])

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
