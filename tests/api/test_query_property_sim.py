"""Property: the filters the builder writes select exactly what a Python predicate selects."""

import string

from api_helpers import make_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from superoffice_connector.api import F, Query
from superoffice_connector.api.query import all_of, any_of

ALPHABET = string.ascii_letters + "'&%+#=?/ øæå-"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=8)
# SuperOffice (and the simulator) refuse a company whose name is blank.
names = st.text(alphabet=ALPHABET, min_size=1, max_size=10).filter(str.strip)


def _fold(text):
    return text.lower()


OPS = {
    "eq": (lambda f, v: f.eq(v), lambda x, v: _fold(x) == _fold(v)),
    "begins": (lambda f, v: f.begins(v), lambda x, v: _fold(x).startswith(_fold(v))),
    "contains": (lambda f, v: f.contains(v), lambda x, v: _fold(v) in _fold(x)),
}
INT_OPS = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}
text_leaf = st.tuples(st.sampled_from(["name", "department"]), st.sampled_from(sorted(OPS)),
                      texts)
# contactId compared with an offset from the first id created in the example
int_leaf = st.tuples(st.just("contactId"), st.sampled_from(sorted(INT_OPS)),
                     st.integers(min_value=-1, max_value=7))
trees = st.recursive(
    text_leaf | int_leaf,
    lambda children: st.tuples(st.sampled_from(["and", "or"]), children, children),
    max_leaves=4,
)


def build(tree, base):
    if tree[0] in ("and", "or"):
        left, right = build(tree[1], base), build(tree[2], base)
        return all_of(left, right) if tree[0] == "and" else any_of(left, right)
    column, op, value = tree
    if column == "contactId":
        return getattr(F(column), op)(base + value)
    return OPS[op][0](F(column), value)


def holds(tree, row, base):
    if tree[0] == "and":
        return holds(tree[1], row, base) and holds(tree[2], row, base)
    if tree[0] == "or":
        return holds(tree[1], row, base) or holds(tree[2], row, base)
    column, op, value = tree
    if column == "contactId":
        return INT_OPS[op](row[column], base + value)
    return OPS[op][1](row[column], value)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(names, texts), min_size=1, max_size=6), tree=trees)
def test_filter_matches_python_predicate(sim, rows, tree):
    created = [sim.store.create("contact", {"Name": n, "Department": d})["ContactId"]
               for n, d in rows]
    try:
        base = min(created)
        scope = F("contactId").ge(base)
        with make_client(sim) as client:
            got = {r.id for r in client.search(
                "contact", Query().filter(all_of(scope, build(tree, base))).top(1000))}
        expected = {cid for cid, (n, d) in zip(created, rows, strict=True)
                    if holds(tree, {"name": n, "department": d, "contactId": cid}, base)}
        assert got == expected
    finally:
        for cid in created:
            sim.store.delete("contact", cid)
