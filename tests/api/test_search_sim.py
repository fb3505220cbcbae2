"""OData search, paging, quick and advanced search against the simulator."""

import math

import pytest

from superoffice_connector.api import F, Query


def test_paging_returns_every_row_once_in_key_order(client, sim):
    ids = [row.id for row in client.iter_rows("contact", page_size=7)]
    expected = sorted(sim.store.ids("contact"))
    assert ids == expected
    # stops at the first short page: ceil((N + 1) / size) list requests (+ state, login)
    assert client.request_count - 2 == math.ceil((len(expected) + 1) / 7)


def test_paging_exact_multiple_needs_one_empty_page(client, sim):
    total = len(sim.store.ids("contact"))
    ids = [row.id for row in client.iter_rows("contact", page_size=total // 2 or 1)]
    assert len(ids) == total


def test_rows_keep_columns_and_string_primary_key(client):
    rows = client.search("contact", Query().select("contactId", "name").top(3))
    assert len(rows) == 3
    assert rows[0]["PrimaryKey"] == str(rows[0].id)
    assert set(rows[0]) >= {"contactId", "name"}


def test_escaping_of_quote_and_ampersand(client):
    target = client.contacts.create({"Name": "O'Brien & Sønner"})
    client.contacts.create({"Name": "O'Brien"})
    rows = client.search("contact", Query().filter(F("name").eq("O'Brien & Sønner")))
    assert [r.id for r in rows] == [target.id]
    rows = client.search("contact", Query().filter(F("name").begins("O'Brien &")))
    assert [r.id for r in rows] == [target.id]


def test_quick_search_matches_any_column(client, sim):
    a = client.contacts.create({"Name": "Zebra Quickmatch AS"})
    b = client.contacts.create({"Name": "Plain", "Department": "quickmatch dept"})
    c = client.contacts.create({"Name": "Other", "OrgNr": "QM-77-quickmatch"})
    d = client.contacts.create({"Name": "Mailer",
                                "Emails": [{"Value": "post@quickmatch.example"}]})
    client.contacts.create({"Name": "Unrelated"})
    found = {r.id for r in client.quick_search("contact", "QUICKMATCH")}
    assert found == {a.id, b.id, c.id, d.id}


def test_quick_search_blank_lists_rows(client):
    assert len(client.quick_search("contact", "  ", limit=4)) == 4


def test_advanced_search_combines_with_and(client, sim):
    one = client.contacts.create({"Name": "Advanced Alpha", "Department": "Sales"})
    client.contacts.create({"Name": "Advanced Beta", "Department": "Sales"})
    client.contacts.create({"Name": "Advanced Alpha", "Department": "Support"})
    rows = client.advanced_search("contact", [("name", "begins", "Advanced Al"),
                                              ("department", "eq", "Sales")])
    assert [r.id for r in rows] == [one.id]


def test_person_search_by_contact(client, sim):
    rows = client.advanced_search("person", [("contactId", "eq", 1)], limit=1000)
    expected = sorted(p["PersonId"] for p in sim.store.get("contact", 1)["Persons"])
    assert sorted(r.id for r in rows) == expected


@pytest.mark.parametrize("kind", ["contact", "person", "project"])
def test_every_kind_lists(client, kind):
    rows = client.search(kind, Query().top(2))
    assert all(r.entity_name for r in rows)
