from sync_samples import company

from superoffice_connector.sync.mapping import default_mapping
from superoffice_connector.sync.merge import HELD
from superoffice_connector.sync.plan import Link, plan
from superoffice_connector.sync.transforms import from_superoffice

FIELDS = default_mapping("company")


def _company(so_id, **changes):
    data = company()
    data.update(ContactId=so_id, **changes)
    return data


def test_plan_sorts_a_page():
    linked_same = _company(1)
    linked_changed = _company(2, Name="Renamed AS")
    linked_conflict = _company(3, Name="SO name")
    base = from_superoffice("company", company(), FIELDS)
    links = {1: Link(101, base), 2: {"odoo_id": 102, "base": base}, 3: Link(103, base),
             6: Link(106, base)}
    odoo = {101: base, 102: base, 103: {**base, "name": "Odoo name"}}
    page = [linked_same, linked_changed, linked_conflict, _company(4), _company(5, Deleted=1),
            _company(6), {"Name": "no id"}]
    result = plan("company", page, links, odoo, FIELDS)
    assert [c.so_id for c in result.creates] == [4]
    assert result.creates[0].values["name"] == "Nordic Paper AS"
    assert [(u.so_id, u.odoo_id, u.result.to_odoo) for u in result.updates] == [
        (2, 102, {"name": "Renamed AS"})]
    assert [(u.so_id, u.result.conflicts[0].key) for u in result.conflicts] == [(3, "name")]
    assert {s.so_id: s.reason for s in result.skips} == {
        None: "Record without ContactId.", 1: "No change.", 5: "Deleted in SuperOffice.",
        6: "The linked Odoo record no longer exists."}


def test_plan_keeps_latest_duplicate_and_can_skip_unlinked():
    older = _company(9, Name="Old", UpdatedDate="2024-01-01T00:00:00")
    newer = _company(9, Name="New", UpdatedDate="2024-02-01T00:00:00")
    result = plan("company", [newer, older], {}, {}, FIELDS)
    assert [c.values["name"] for c in result.creates] == ["New"]
    assert [s.reason for s in result.skips] == ["Duplicate in the batch: the latest version is used."]
    result = plan("company", [newer], {}, {}, FIELDS, create_missing=False)
    assert not result.creates and result.skips[0].reason == "Not linked to an Odoo record."


def test_plan_moves_base_when_both_sides_already_agree():
    base = from_superoffice("company", company(), FIELDS)
    both = {**base, "city": "Bergen"}
    record = _company(2)
    record["Address"]["Postal"]["City"] = "Bergen"
    result = plan("company", [record], {2: Link(7, base)}, {7: both}, FIELDS)
    [update] = result.updates
    assert not update.result.changed and update.result.new_base["city"] == "Bergen"


def test_plan_policy_applies():
    base = from_superoffice("company", company(), FIELDS)
    result = plan("company", [_company(3, Name="SO")], {3: Link(1, base)},
                  {1: {**base, "name": "Odoo"}}, FIELDS, policy="odoo_wins")
    assert not result.conflicts and result.updates[0].result.to_so == {"name": "Odoo"}


def test_plan_keeps_an_owner_odoo_cannot_represent():
    base = from_superoffice("company", company(), FIELDS)
    odoo = {101: {**base, "owner": "odoo.user@example.com"}}
    base = {**base, "owner": "odoo.user@example.com"}
    unknown_owner = _company(1, Associate={"AssociateId": 77})
    result = plan("company", [unknown_owner], {1: Link(101, base)}, odoo, FIELDS)
    # nothing is written on either side; the difference is held (and told by the caller)
    [update] = result.updates
    assert not update.result.to_so and not update.result.to_odoo
    assert update.result.new_base["owner"] == "odoo.user@example.com"
    assert update.result.new_base[HELD] == {"owner": ["so", "associate:77"]}
    # the next page with the same owner changes nothing
    again = plan("company", [unknown_owner], {1: Link(101, update.result.new_base)}, odoo, FIELDS)
    assert [s.reason for s in again.skips] == ["No change."]
    # an owner Odoo already has as SuperOffice has it is no difference: nothing is held
    same = {**base, "owner": "associate:77"}
    result = plan("company", [unknown_owner], {1: Link(101, same)}, {101: same}, FIELDS)
    assert [s.reason for s in result.skips] == ["No change."]
