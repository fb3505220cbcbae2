import pytest

from superoffice_connector.sync.mapping import FieldMap, default_mapping
from superoffice_connector.sync.merge import recover_base, three_way

F = (
    FieldMap("city", "City", "city", "Address.Postal.City"),
    FieldMap("phone", "Phone", "phone", "Phones[0]", transform="phone"),
    FieldMap("number", "Number", "superoffice_number", "ProjectNumber", direction="to_odoo"),
    FieldMap("vat", "VAT", "vat", "OrgNr", direction="to_so"),
    FieldMap("note", "Note", "comment", "Description", direction="none"),
)
BASE = {"city": "Oslo", "phone": "+47 22 84 85 00", "number": "10", "vat": "NO1", "note": "x"}


def merge(odoo=None, so=None, base=BASE, policy="manual"):
    return three_way(base, {**BASE, **(odoo or {})}, {**BASE, **(so or {})}, F, policy)


def test_nothing_changed():
    result = merge()
    assert not result.changed and not result.conflicts and not result.decisions
    assert result.status == {"city": "unchanged", "phone": "unchanged", "number": "unchanged",
                             "vat": "unchanged", "note": "ignored"}


def test_cosmetic_difference_is_not_a_change():
    result = merge(odoo={"phone": "+4722848500"}, so={"city": " Oslo "})
    assert not result.changed
    assert result.status["phone"] == "unchanged"


def test_odoo_change_writes_superoffice():
    result = merge(odoo={"city": "Bergen"})
    assert result.to_so == {"city": "Bergen"} and result.to_odoo == {}
    assert result.status["city"] == "odoo_changed"
    assert result.new_base["city"] == "Bergen"


def test_superoffice_change_writes_odoo():
    result = merge(so={"city": "Bergen"})
    assert result.to_odoo == {"city": "Bergen"} and result.to_so == {}
    assert result.status["city"] == "so_changed"


def test_both_changed_to_the_same_value():
    result = merge(odoo={"city": "Bergen"}, so={"city": "  Bergen "})
    assert not result.changed
    assert result.status["city"] == "both_same"
    assert result.new_base["city"] == "Bergen"


def test_conflict_manual_writes_nothing_and_keeps_base():
    result = merge(odoo={"city": "Bergen"}, so={"city": "Trondheim"})
    assert not result.changed
    assert result.status["city"] == "conflict"
    [conflict] = result.conflicts
    assert (conflict.key, conflict.base, conflict.odoo, conflict.so) == (
        "city", "Oslo", "Bergen", "Trondheim")
    assert result.new_base["city"] == "Oslo"


@pytest.mark.parametrize(("policy", "to_so", "to_odoo"), [
    ("odoo_wins", {"city": "Bergen"}, {}),
    ("superoffice_wins", {}, {"city": "Trondheim"}),
])
def test_conflict_policies_are_reported(policy, to_so, to_odoo):
    result = merge(odoo={"city": "Bergen"}, so={"city": "Trondheim"}, policy=policy)
    assert (result.to_so, result.to_odoo) == (to_so, to_odoo)
    assert not result.conflicts
    [decision] = result.decisions
    assert (decision.key, decision.status) == ("city", policy)


def test_one_way_field_flows_only_from_its_source():
    result = merge(so={"number": "11"}, odoo={"vat": "NO2"})
    assert result.to_odoo == {"number": "11"} and result.to_so == {"vat": "NO2"}
    assert not result.decisions


def test_one_way_field_edited_on_the_wrong_side_is_overwritten_and_reported():
    result = merge(odoo={"number": "99"}, so={"vat": "SE1"})
    assert result.to_odoo == {"number": "10"} and result.to_so == {"vat": "NO1"}
    assert {d.key: d.status for d in result.decisions} == {"number": "source_wins",
                                                           "vat": "source_wins"}
    assert result.new_base["number"] == "10" and result.new_base["vat"] == "NO1"


def test_one_way_field_changed_on_both_sides_takes_the_source():
    result = merge(odoo={"number": "99", "vat": "A"}, so={"number": "11", "vat": "B"})
    assert result.to_odoo == {"number": "11"} and result.to_so == {"vat": "A"}
    assert not result.conflicts


def test_direction_none_is_never_written():
    result = merge(odoo={"note": "a"}, so={"note": "b"})
    assert not result.changed and result.status["note"] == "ignored"


def test_missing_base_is_connect_time():
    result = three_way(None, {"city": "Oslo", "phone": "1"}, {"city": "Oslo", "phone": "2"},
                       F[:2])
    assert result.status == {"city": "both_same", "phone": "conflict"}
    assert result.new_base == {"city": "Oslo"}
    result = three_way(None, {"city": "Oslo"}, {"city": "Bergen"}, F[:1], "odoo_wins")
    assert result.to_so == {"city": "Oslo"}


def test_key_missing_from_base_is_connect_time_for_that_field():
    base = {"city": "Oslo"}
    result = three_way(base, {"city": "Oslo", "phone": "1"}, {"city": "Oslo", "phone": "2"}, F[:2])
    assert result.status["phone"] == "conflict"


def test_echo_of_our_write_is_not_a_change():
    first = merge(odoo={"phone": "+47 11 11 11 11"})
    # SuperOffice stores it in its own format and returns that on the next read
    so_now = {**BASE, "phone": "+4711111111"}
    odoo_now = {**BASE, "phone": "+47 11 11 11 11"}
    second = three_way(first.new_base, odoo_now, so_now, F)
    assert not second.changed and not second.conflicts


def test_crash_before_snapshot_save_converges():
    first = merge(odoo={"city": "Bergen"})
    assert first.to_so == {"city": "Bergen"}
    # SuperOffice was written, the base was not saved: next run sees both changed, equally
    again = three_way(BASE, {**BASE, "city": "Bergen"}, {**BASE, "city": "Bergen"}, F)
    assert not again.changed and again.status["city"] == "both_same"


def test_unknown_policy():
    with pytest.raises(ValueError):
        merge(policy="newest_wins")


def test_default_mapping_merges():
    fields = default_mapping("person")
    odoo = {"name": "Marie De Greeve", "email": "MARIE@x.no", "company": 12}
    so = {"name": "Marie De  Greeve", "email": "marie@x.no", "company": 12}
    result = three_way(odoo, odoo, so, fields)
    assert not result.changed


def test_edit_back_to_the_old_base_after_a_crash_is_kept_with_recover_base():
    first = merge(odoo={"city": None})
    assert first.to_so == {"city": None}
    # SuperOffice took the write, the base was not saved; then Odoo is set back to "Oslo"
    odoo_now, so_now = {**BASE, "city": "Oslo"}, {**BASE, "city": None}
    stale = three_way(BASE, odoo_now, so_now, F)
    assert stale.to_odoo == {"city": None}  # what goes wrong without the pending record
    base = recover_base(BASE, first.to_so, so_now, F)
    result = three_way(base, odoo_now, so_now, F)
    assert result.to_so == {"city": "Oslo"} and not result.to_odoo
    # a pending write that did not reach SuperOffice leaves the base alone
    assert recover_base(BASE, {"city": "Bergen"}, {**BASE}, F) == BASE
    assert recover_base(None, None, so_now, F) is None
