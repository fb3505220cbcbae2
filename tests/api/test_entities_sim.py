"""Entity CRUD against the simulator: get, default, create, patch, put, delete, members."""

from datetime import datetime, timedelta, timezone

import pytest

from superoffice_connector.api import (
    ConflictError,
    Contact,
    NotFoundError,
    NotModified,
    PreconditionFailedError,
    ValidationError,
)

LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


def test_get_contact_typed_and_complete(client, sim):
    contact = client.contacts.get(1)
    assert isinstance(contact, Contact)
    assert contact.raw == sim.store.get("contact", 1)
    assert contact.id == 1 and contact.name == contact["Name"]
    assert contact.updated is not None and contact.updated.tzinfo is not None
    assert "TableRight" in contact and "FieldProperties" in contact


def test_get_missing_is_not_found(client):
    with pytest.raises(NotFoundError):
        client.contacts.get(999999)


def test_if_modified_since(client, sim):
    contact = client.contacts.get(1)
    stamp = contact.last_modified or contact.updated
    unchanged = client.contacts.get(1, if_modified_since=stamp)
    assert isinstance(unchanged, NotModified) and not unchanged
    sim.store.patch("contact", 1, {"Department": "Changed elsewhere"})
    changed = client.contacts.get(1, if_modified_since=stamp)
    assert changed.department == "Changed elsewhere"
    assert client.contacts.get(1, if_modified_since=LONG_AGO).id == 1


def test_create_starts_from_default(client, sim):
    default = client.contacts.default()
    assert default.id == 0
    created = client.contacts.create({"Name": "O'Brien & Sønner", "OrgNr": "NO-1"})
    assert created.id > 0 and created.name == "O'Brien & Sønner"
    stored = sim.store.get("contact", created.id)
    assert stored["OrgNr"] == "NO-1"
    assert stored["Country"]["CountryId"] == default["Country"]["CountryId"]


def test_create_person_for_a_contact(client, sim):
    person = client.persons.create({"Firstname": "Ada", "Lastname": "Lovelace",
                                    "Contact": {"ContactId": 2}})
    assert person.contact_id == 2 and person.full_name.endswith("Lovelace")
    assert sim.store.get("person", person.id)["Firstname"] == "Ada"


def test_validation_error_names_the_field(client):
    with pytest.raises(ValidationError) as info:
        client.contacts.create({"Name": "x" * 5000})
    assert "Name" in info.value.fields


def test_merge_patch_sends_only_changed_fields(client, sim):
    contact = client.contacts.get(1)
    count = client.request_count
    assert client.contacts.patch(1, {"Name": contact.name}, current=contact) is contact
    assert client.request_count == count  # nothing changed, nothing sent
    sim.store.patch("contact", 1, {"Department": "Their edit"})
    updated = client.contacts.patch(1, {"Name": "New name", "Department": contact.department},
                                    current=contact)
    # Department equal to what we read is not sent, so the concurrent edit survives
    assert updated.name == "New name" and updated.department == "Their edit"


def test_json_patch_test_operation_detects_conflict(client, sim):
    contact = client.contacts.get(1)
    sim.store.patch("contact", 1, {"Name": "Changed by someone else"})
    with pytest.raises(ConflictError) as info:
        client.contacts.patch(1, {"Name": "Mine"}, current=contact, optimistic=True)
    assert info.value.status == 409
    assert sim.store.get("contact", 1)["Name"] == "Changed by someone else"


def test_json_patch_applies_when_unchanged(client):
    contact = client.contacts.get(1)
    updated = client.contacts.patch(1, {"Name": "Mine"}, current=contact, optimistic=True)
    assert updated.name == "Mine"


def test_put_with_if_unmodified_since(client, sim):
    contact = client.contacts.get(1)
    stamp = contact.last_modified or contact.updated
    body = contact.raw
    body["Department"] = "Put"
    assert client.contacts.put(body, if_unmodified_since=stamp).department == "Put"
    body["Department"] = "Stale put"
    with pytest.raises(PreconditionFailedError) as info:
        client.contacts.put(body, if_unmodified_since=stamp - timedelta(seconds=1))
    assert info.value.status == 412
    assert sim.store.get("contact", 1)["Department"] == "Put"


def test_patch_with_stale_if_unmodified_since(client, sim):
    contact = client.contacts.get(1)
    sim.store.patch("contact", 1, {"Department": "Later"})
    with pytest.raises(PreconditionFailedError):
        client.contacts.patch(1, {"Name": "x"}, if_unmodified_since=contact.updated)


def test_delete(client, sim):
    created = client.contacts.create({"Name": "To delete"})
    stale = created.updated - timedelta(days=1)
    with pytest.raises(PreconditionFailedError):
        client.contacts.delete(created.id, if_unmodified_since=stale)
    client.contacts.delete(created.id)
    assert sim.store.get("contact", created.id) is None
    with pytest.raises(NotFoundError):
        client.contacts.get(created.id)


def test_project_crud_and_members(client, sim):
    project = client.projects.create({"Name": "Odoo rollout"})
    assert project.id > 0 and project.members == ()
    person = client.persons.get(1)
    with_member = client.projects.add_member(project.id, person.contact_id, person.id)
    assert [(m.contact_id, m.person_id) for m in with_member.members] == [
        (person.contact_id, person.id)]
    assert len(client.projects.members(project.id)) == 1
    member_id = with_member.members[0].id
    assert client.projects.remove_member(project.id, member_id).members == ()


def test_change_stamp_moves_with_every_write_and_names_the_writer(client, sim):
    from superoffice_sim.refdata import SYSTEM_ASSOCIATE_ID, USER_ASSOCIATE_ID

    me = client.current_principal()["AssociateId"]
    other = USER_ASSOCIATE_ID if me != USER_ASSOCIATE_ID else SYSTEM_ASSOCIATE_ID
    sim.store.patch("contact", 1, {"Department": "Stamp zero"}, associate_id=other)
    before = client.contacts.get(1).change_stamp
    ours = client.contacts.patch(1, {"Department": "Stamp one"}).change_stamp
    assert ours[0] > before[0] and (before[1], ours[1]) == (other, me)
    sim.store.patch("contact", 1, {"Department": "Stamp two"}, associate_id=other)
    theirs = client.contacts.get(1).change_stamp
    assert theirs[0] > ours[0] and theirs[1] == other
