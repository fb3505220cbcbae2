"""Query builder: literals, escaping and URL encoding."""

from datetime import datetime, timezone
from urllib.parse import parse_qsl

import pytest

from superoffice_connector.api.query import F, Filter, Query, criterion, literal


def test_single_quotes_doubled():
    assert literal("O'Brien & Sønner") == "'O''Brien & Sønner'"
    assert str(F("name").eq("it's")) == "name eq 'it''s'"


def test_special_characters_survive_the_query_string():
    name = "O'Brien & Sønner + Co #1 = 100%"
    qs = Query().filter(F("name").eq(name)).to_query_string()
    assert "&" not in qs.split("$filter=", 1)[1]
    assert "+" not in qs and "#" not in qs
    decoded = dict(parse_qsl(qs, keep_blank_values=True))
    assert decoded["$filter"] == "name eq '" + name.replace("'", "''") + "'"


def test_literals():
    assert literal(5) == "5"
    assert literal(True) == "1"
    when = datetime(2020, 5, 28, 17, 0, 1, tzinfo=timezone.utc)
    assert literal(when) == "'2020-05-28T17:00:01'"


def test_combinators_and_options_in_order():
    q = (Query().select("contactId", "name")
         .filter((F("name").begins("S") | F("orgnr").eq("1")) & F("contactId").gt(3))
         .order_by("contactId").top(10).skip(20))
    assert q.params() == [
        ("$select", "contactId,name"),
        ("$filter", "((name begins 'S' or orgnr eq '1') and contactId gt 3)"),
        ("$orderBy", "contactId"),
        ("$top", "10"),
        ("$skip", "20"),
    ]


def test_query_is_immutable():
    base = Query().top(5)
    base.skip(10)
    assert base.params() == [("$top", "5")]


def test_in_and_one_of():
    assert str(F("name").in_("a'b", "c")) == "name in ('a''b', 'c')"
    assert str(F("category").one_of(3, 4)) == "category oneOf (3, 4)"
    assert criterion("category", "oneOf", [1]) == Filter("category oneOf (1)")


def test_bad_column_and_operator_rejected():
    with pytest.raises(ValueError):
        F("name eq 'x' or 1")
    with pytest.raises(ValueError):
        criterion("name", "like", "x")
