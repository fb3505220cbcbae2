import pytest

from superoffice_connector.sync.mapping import FieldMap, default_mapping
from superoffice_connector.sync.merge import in_flight, recover_base, three_way

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


OURS, USER = 5, 7  # associate ids: the connection's, a SuperOffice user's
T0 = ("2026-11-26T10:00:00", USER)  # SuperOffice's change stamp as the run read it
T1_OURS, T1_USER = ("2026-11-26T10:05:00", OURS), ("2026-11-26T10:05:00", USER)


def test_edit_back_to_the_old_base_after_a_crash_is_kept_with_recover_base():
    first = merge(odoo={"city": None})
    assert first.to_so == {"city": None}
    flight = in_flight(BASE, first, T0, OURS)
    # SuperOffice took the write, the base was not saved; then Odoo is set back to "Oslo"
    odoo_now, so_now = {**BASE, "city": "Oslo"}, {**BASE, "city": None}
    stale = three_way(BASE, odoo_now, so_now, F)
    assert stale.to_odoo == {"city": None}  # what goes wrong without the record
    base = recover_base(BASE, flight, so_now, T1_OURS, F)
    result = three_way(base, odoo_now, so_now, F)
    assert result.to_so == {"city": "Oslo"} and not result.to_odoo
    assert recover_base(None, None, so_now, T1_OURS, F) is None
    assert recover_base(BASE, None, so_now, T1_OURS, F) == BASE
    # a SuperOffice user wrote after us: whether our value or the user's is the newer is
    # unknown, so the difference is a conflict
    base = recover_base(BASE, flight, so_now, T1_USER, F)
    assert "city" not in base
    assert [c.key for c in three_way(base, odoo_now, so_now, F).conflicts] == ["city"]


def test_a_write_that_did_not_arrive_leaves_the_base_alone():
    flight = in_flight(BASE, merge(odoo={"city": "Bergen"}), T0, OURS)
    # the record's stamp did not move: nothing was written to it since the run read it
    base = recover_base(BASE, flight, dict(BASE), T0, F)
    assert base == BASE
    result = three_way(base, {**BASE, "city": "Bergen"}, dict(BASE), F)
    assert result.to_so == {"city": "Bergen"} and not result.conflicts  # pushed again


def test_a_write_whose_arrival_is_unknown_makes_a_difference_a_conflict():
    """The stamp moved and SuperOffice holds the old value: either the PATCH never arrived and
    someone edited another field, or it arrived and a user set the value back. The two stories
    end differently, so neither side is overwritten silently."""
    flight = in_flight(BASE, merge(odoo={"city": "Bergen"}), T0, OURS)
    so_now = {**BASE, "phone": "+47 11"}
    base = recover_base(BASE, flight, so_now, T1_USER, F)
    assert "city" not in base and base["phone"] == BASE["phone"]
    result = three_way(base, {**BASE, "city": "Bergen"}, so_now, F)
    assert [c.key for c in result.conflicts] == ["city"] and not result.to_so
    assert result.to_odoo == {"phone": "+47 11"}
    # same value on both sides: nothing to decide, the base is known again
    again = three_way(base, {**BASE, "city": "Oslo"}, so_now, F)
    assert again.status["city"] == "both_same" and again.new_base["city"] == "Oslo"
    # with an automatic policy the choice is made and reported
    auto = three_way(base, {**BASE, "city": "Bergen"}, so_now, F, "odoo_wins")
    assert auto.to_so == {"city": "Bergen"} and [d.key for d in auto.decisions] == ["city"]


def test_recovery_keeps_what_the_dead_run_saw_and_undoes_its_odoo_writes():
    run = merge(odoo={"city": "Bergen", "phone": "+47 99"}, so={"phone": "+47 99", "number": "11"})
    assert run.to_odoo == {"number": "11"} and run.status["phone"] == "both_same"
    flight = in_flight(BASE, run, T0, OURS)
    so_now = {**BASE, "city": "Bergen", "phone": "+47 99", "number": "11"}
    base = recover_base(BASE, flight, so_now, T1_OURS, F)
    # the sides agreed on the phone at the dead run's read; its Odoo write was rolled back
    assert base["phone"] == "+47 99" and base["number"] == "10" and base["city"] == "Bergen"
    # so an Odoo edit of the phone back to the old value is an edit, and the number is pulled
    result = three_way(base, {**BASE, "city": "Bergen"}, so_now, F)
    assert result.to_so == {"phone": BASE["phone"]} and result.to_odoo == {"number": "11"}


def test_in_flight_record_is_plain_json():
    import json

    connect_time = merge(odoo={"city": "Bergen"}, base=None, policy="odoo_wins")
    assert connect_time.to_so == {"city": "Bergen"}
    flight = in_flight(None, connect_time, (None, None), None)
    assert json.loads(json.dumps(flight)) == flight
    # no stamp, no base: whether "Bergen" arrived is unknown, the agreed fields are kept
    assert recover_base(None, flight, dict(BASE), (None, None), F) == {
        k: v for k, v in BASE.items() if k in ("phone", "number", "vat")}
