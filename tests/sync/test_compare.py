import pytest

from superoffice_connector.sync.compare import apply_choices, conflict_rows, connect_rows
from superoffice_connector.sync.mapping import FieldMap
from superoffice_connector.sync.merge import three_way

F = (
    FieldMap("name", "Name", "name", "Name"),
    FieldMap("city", "City", "city", "Address.Postal.City"),
    FieldMap("phone", "Phone", "phone", "Phones[0]", transform="phone"),
    FieldMap("country", "Country", "country_id", "Country", transform="country"),
    FieldMap("number", "Number", "superoffice_number", "ProjectNumber", direction="to_odoo"),
    FieldMap("vat", "VAT", "vat", "OrgNr", direction="to_so"),
    FieldMap("note", "Note", "comment", "Description", direction="none"),
)
ODOO = {"name": "Acme", "city": "Oslo", "phone": "+47 22 00", "country": "no", "number": None,
        "vat": "NO1", "note": "a"}
SO = {"name": "Acme", "city": "Bergen", "phone": "+4722 00", "country": None, "number": "10",
      "vat": "NO2", "note": "b"}


def rows_by_key(policy="manual"):
    return {r.key: r for r in connect_rows(ODOO, SO, F, policy)}


def test_rows_show_values_displays_and_equality():
    rows = rows_by_key()
    assert list(rows) == [f.key for f in F]
    assert rows["name"].equal and rows["phone"].equal
    assert not rows["city"].equal
    assert (rows["country"].odoo_display, rows["country"].so_display) == ("Norway (NO)", "")
    assert rows["city"].label == "City" and rows["vat"].direction == "to_so"


def test_default_choices():
    rows = rows_by_key()
    assert rows["city"].default_choice == "superoffice"  # both have a value
    assert rows["country"].default_choice == "odoo"  # only Odoo has one
    assert rows["number"].default_choice == "superoffice"  # source side
    assert rows["vat"].default_choice == "odoo"
    assert rows_by_key("odoo_wins")["city"].default_choice == "odoo"


def test_apply_defaults():
    applied = apply_choices(connect_rows(ODOO, SO, F))
    assert applied.to_odoo == {"city": "Bergen", "number": "10"}
    assert applied.to_so == {"country": "NO", "vat": "NO1"}
    assert applied.base == {"name": "Acme", "city": "Bergen", "phone": "+4722 00",
                            "country": "NO", "number": "10", "vat": "NO1"}


def test_apply_user_choices():
    applied = apply_choices(connect_rows(ODOO, SO, F), {"city": "odoo", "country": "superoffice"})
    assert applied.to_so == {"city": "Oslo", "vat": "NO1"}
    assert applied.to_odoo == {"country": None, "number": "10"}


def test_choice_against_direction_is_refused():
    with pytest.raises(ValueError):
        apply_choices(connect_rows(ODOO, SO, F), {"number": "odoo"})
    with pytest.raises(ValueError):
        apply_choices(connect_rows(ODOO, SO, F), {"city": "both"})


def test_after_applying_a_merge_finds_nothing_to_do():
    applied = apply_choices(connect_rows(ODOO, SO, F), {"city": "odoo"})
    odoo_after = {**ODOO, **applied.to_odoo}
    so_after = {**SO, **applied.to_so}
    result = three_way(applied.base, odoo_after, so_after, F)
    assert not result.changed and not result.conflicts


def test_conflict_rows_list_only_conflicts():
    base = {"name": "Acme", "city": "Oslo", "phone": "+47 22 00"}
    rows = conflict_rows(base, {**base, "city": "Bergen"}, {**base, "city": "Ski"}, F[:3])
    assert [r.key for r in rows] == ["city"]
    assert apply_choices(rows, {"city": "odoo"}).to_so == {"city": "Bergen"}
