"""Item 4: Contact, Person, Project entities and their operations."""

import datetime as dt
from email.utils import format_datetime

import pytest
from sim_helpers import Api


def _http_date(stamp, seconds=0):
    moment = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.timezone.utc)
    return format_datetime(moment + dt.timedelta(seconds=seconds), usegmt=True)


def test_get_has_last_modified_and_if_modified_since_gives_304(api):
    answer = api.get("Contact/1")
    assert answer.status_code == 200
    body = answer.json()
    assert answer.headers["Last-Modified"] == _http_date(body["UpdatedDate"])
    assert api.get("Contact/1", headers={"If-Modified-Since": answer.headers["Last-Modified"]}
                   ).status_code == 304
    older = _http_date(body["UpdatedDate"], -1)
    assert api.get("Contact/1", headers={"If-Modified-Since": older}).status_code == 200


@pytest.mark.parametrize("entity", ["Contact", "Person", "Project"])
def test_unknown_id_is_404_and_default_is_blank(api, entity):
    assert api.get(f"{entity}/999999").status_code == 404
    default = api.get(f"{entity}/default").json()
    assert default[f"{entity}Id"] == 0
    assert default["CreatedDate"] == "0001-01-01T00:00:00"
    assert "FieldProperties" in default and "TableRight" in default


def test_post_creates_and_answers_200_with_the_entity(api, sim):
    body = api.get("Contact/default").json()
    body.update(Name="O'Brien & Sønner AS", OrgNr="987654321",
                Phones=[{"Value": "+47 22 33 44 55", "Description": "Main"}])
    body["Address"]["Postal"].update(Address1="Øvre Slottsgate 3", City="Oslo", Zipcode="0157")
    answer = api.post("Contact", json=body)
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert created["ContactId"] > 20 and created["Name"] == "O'Brien & Sønner AS"
    assert created["Phones"][0]["StrippedValue"] == "4722334455"
    assert created["Address"]["Postal"]["City"] == "Oslo"
    assert created["Address"]["Formatted"].startswith("Øvre Slottsgate 3\n0157 Oslo")
    assert created["UpdatedBy"]["AssociateId"] == sim.app.system_associate_id
    assert sim.store.get("contact", created["ContactId"])["OrgNr"] == "987654321"


def test_person_needs_a_contact(api):
    body = api.get("Person/default").json()
    body.update(Firstname="Åse", Lastname="Ødegård")
    answer = api.post("Person", json=body)
    assert answer.status_code == 400 and answer.json()["FieldName"] == "Contact"
    body["Contact"] = {"ContactId": 2}
    created = api.post("Person", json=body).json()
    assert created["Contact"]["ContactId"] == 2 and created["FullName"] == "Åse Ødegård"
    persons = api.get("Contact/2").json()["Persons"]
    assert any(p["PersonId"] == created["PersonId"] for p in persons)


@pytest.mark.parametrize("entity, field, limit", [("Contact", "Name", 219),
                                                  ("Contact", "OrgNr", 31),
                                                  ("Person", "Firstname", 99),
                                                  ("Project", "ProjectNumber", 49)])
def test_field_length_is_enforced_with_field_named(api, entity, field, limit):
    current = api.get(f"{entity}/1").json()
    assert current["FieldProperties"][field]["FieldLength"] == limit
    assert api.patch(f"{entity}/1", json={field: "x" * limit}).status_code == 200
    answer = api.patch(f"{entity}/1", json={field: "x" * (limit + 1)})
    assert answer.status_code == 400
    assert answer.json()["FieldName"] == field and field in answer.json()["Message"]


def test_invalid_nested_input_names_the_field(api):
    answer = api.patch("Contact/1", json={"Address": {"Postal": {"City": "x" * 100}}})
    assert answer.status_code == 400 and answer.json()["FieldName"] == "Address.Postal.City"
    answer = api.patch("Contact/1", json={"Category": {"Id": 999}})
    assert answer.status_code == 400 and answer.json()["FieldName"] == "Category.Id"
    answer = api.patch("Contact/1", json={"Name": 12})
    assert answer.status_code == 400 and answer.json()["FieldName"] == "Name"


def test_put_without_body_is_400_and_stale_precondition_412(api):
    assert api.put("Contact/1", data=b"").status_code == 400
    current = api.get("Contact/1").json()
    stale = _http_date(current["UpdatedDate"], -60)
    answer = api.put("Contact/1", json={"Department": "x"},
                     headers={"If-Unmodified-Since": stale})
    assert answer.status_code == 412
    fresh = _http_date(current["UpdatedDate"])
    answer = api.put("Contact/1", json={"Department": "x"},
                     headers={"If-Unmodified-Since": fresh})
    assert answer.status_code == 200 and answer.json()["Department"] == "x"


def test_json_patch_ops_case_insensitive_paths(api):
    ops = [{"op": "test", "path": "name", "value": api.get("Contact/1").json()["Name"]},
           {"op": "replace", "path": "/department", "value": "Purchasing"},
           {"op": "add", "path": "Emails/-", "value": {"Value": "extra@example.com"}},
           {"op": "replace", "path": "/Address/Postal/city", "value": "Bergen"},
           {"op": "remove", "path": "/Number1"}]
    answer = api.patch("Contact/1", json=ops,
                       headers={"Content-Type": "application/json-patch+json"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["Department"] == "Purchasing" and body["Address"]["Postal"]["City"] == "Bergen"
    assert body["Emails"][-1]["Value"] == "extra@example.com" and body["Number1"] == ""


def test_json_patch_failed_test_is_409_and_changes_nothing(api):
    before = api.get("Contact/1").json()
    ops = [{"op": "replace", "path": "/Department", "value": "never"},
           {"op": "test", "path": "/Name", "value": "something else"}]
    assert api.patch("Contact/1", json=ops).status_code == 409
    assert api.get("Contact/1").json()["Department"] == before["Department"]
    move = [{"op": "move", "from": "/Name", "path": "/Department"}]
    assert api.patch("Contact/1", json=move).status_code == 400


def test_merge_patch_by_content_type_and_plain_object(api):
    answer = api.patch("Contact/1", data='{"Department": "Merge", "Address": {"Postal": '
                       '{"Zipcode": "5003"}}}',
                       headers={"Content-Type": "application/merge-patch+json"})
    assert answer.status_code == 200
    assert answer.json()["Department"] == "Merge"
    assert answer.json()["Address"]["Postal"]["Zipcode"] == "5003"
    answer = api.patch("Contact/1", json={"department": None})
    assert answer.json()["Department"] == ""


def test_patch_of_unknown_id_is_404(api):
    assert api.patch("Contact/999999", json={"Department": "x"}).status_code == 404


def test_delete_is_204_then_404_and_takes_persons(api):
    current = api.get("Contact/3").json()
    persons = [p["PersonId"] for p in current["Persons"]]
    assert persons
    stale = _http_date(current["UpdatedDate"], -60)
    assert api.delete("Contact/3", headers={"If-Unmodified-Since": stale}).status_code == 412
    assert api.delete("Contact/3").status_code == 204
    assert api.get("Contact/3").status_code == 404
    assert all(api.get(f"Person/{p}").status_code == 404 for p in persons)


def test_project_members_link_companies_and_persons(api):
    person = api.get("Person/4").json()
    answer = api.patch("Project/1", json={"ProjectMembers": [
        {"PersonId": 4, "ProjectMemberTypeId": 1, "Comment": "lead"}, {"ContactId": 5}]})
    assert answer.status_code == 200, answer.text
    members = answer.json()["ProjectMembers"]
    assert members[0]["ContactId"] == person["Contact"]["ContactId"]
    assert members[0]["Firstname"] == person["Firstname"]
    assert members[0]["ProjectMemberTypeName"] == "Project Manager"
    assert members[1]["ContactId"] == 5 and members[1]["PersonId"] == 0
    bad = api.patch("Project/1", json={"ProjectMembers": [{"PersonId": 99999}]})
    assert bad.status_code == 400 and bad.json()["FieldName"] == "ProjectMembers[0].PersonId"


def test_projects_carry_a_start_date(api):
    assert api.get("Project/default").json()["StartDate"] == "0001-01-01T00:00:00"
    answer = api.patch("Project/1", json={"StartDate": "2020-04-17T00:00:00"})
    assert answer.status_code == 200, answer.text
    assert api.get("Project/1").json()["StartDate"] == "2020-04-17T00:00:00"
    created = api.post("Project", json={"Name": "Started", "StartDate": "2021-02-03T00:00:00"})
    assert created.json()["StartDate"] == "2021-02-03T00:00:00"


def test_udefs_use_list_encoding(api):
    answer = api.patch("Project/1", json={"UserDefinedFields": {"SuperOffice:1": "[I:8]"}})
    udefs = answer.json()["UserDefinedFields"]
    assert udefs["SuperOffice:1"] == "[I:8]"
    assert udefs["SuperOffice:1:DisplayText"] == "Key account"


def test_every_change_stamps_increasing_updated_date_by_caller(api, sim):
    stamps = []
    for value in ("a", "b", "c"):
        body = api.patch("Contact/2", json={"Department": value}).json()
        stamps.append(body["UpdatedDate"])
        assert body["UpdatedBy"]["AssociateId"] == sim.app.system_associate_id
    assert stamps == sorted(set(stamps))
    assert len(stamps[0]) == 19 and "T" in stamps[0]  # naive "YYYY-MM-DDTHH:MM:SS"
    same = api.patch("Contact/2", json={"Department": "c"}).json()
    assert same["UpdatedDate"] == stamps[-1]  # no change, no stamp


def test_soft_delete_keeps_the_row_with_flag(api, sim):
    sim.store.soft_delete("contact", 4)
    body = api.get("Contact/4").json()
    assert body["Deleted"] == 1
    row = api.rows("Contact", **{"$select": "contactDeleted,deletedDate",
                                 "$filter": "contactId eq 4"})[0]
    assert row["contactDeleted"] is True and row["deletedDate"] == body["UpdatedDate"]


def test_table_right_without_update_refuses_writes_with_403(api, sim):
    sim.rights.set_table("contact", "Select, Insert")
    entity = api.get("Contact/1").json()
    assert entity["TableRight"]["Mask"] == "Select, Insert"
    for answer in (api.patch("Contact/1", json={"Department": "x"}),
                   api.put("Contact/1", json=entity), api.delete("Contact/1")):
        assert answer.status_code == 403 and "Contact" in answer.json()["Message"]
    assert api.post("Contact", json={"Name": "Allowed to insert"}).status_code == 200
    assert api.get("Contact/1").json()["Department"] == entity["Department"]
    assert api.patch("Person/1", json={"Title": "Other tables keep FULL"}).status_code == 200


def test_read_only_field_is_shown_and_refused_with_403(api, sim):
    sim.rights.set_readonly("contact", "OrgNr")
    entity = api.get("Contact/1").json()
    assert entity["FieldProperties"]["OrgNr"]["FieldRight"]["Mask"] == "Read"
    assert entity["FieldProperties"]["Name"]["FieldRight"]["Mask"].startswith("Update")
    refused = api.patch("Contact/1", json={"OrgNr": "NO 999 999 999"})
    assert refused.status_code == 403 and refused.json()["FieldName"] == "OrgNr"
    created = api.post("Contact", json={"Name": "New", "OrgNr": "123"})
    assert created.status_code == 403
    # other fields, and writing the unchanged value, are fine
    assert api.patch("Contact/1", json={"OrgNr": entity["OrgNr"], "Department": "ok"}).ok
    assert api.get("Contact/1").json()["OrgNr"] == entity["OrgNr"]


def test_reset_restores_full_rights(api, sim_server):
    sim_server.rights.set_table("project", "Select")
    sim_server.rights.set_readonly("project", "Name")
    sim_server.reset()
    entity = Api(sim_server).get("Project/1").json()
    assert entity["TableRight"]["Mask"] == "FULL"
    assert entity["FieldProperties"]["Name"]["FieldRight"]["Mask"] != "Read"
    with pytest.raises(ValueError):
        sim_server.rights.set_table("project", "Everything")


@pytest.mark.parametrize("entity, selected, other", [
    ("Contact", "Name,department", "OrgNr"), ("Person", "firstname,LASTNAME", "Title"),
    ("Project", "name,projectNumber", "Description")])
def test_select_nulls_the_other_fields_names_case_insensitive(api, entity, selected, other):
    whole = api.get(f"{entity}/1").json()
    answer = api.get(f"{entity}/1", params={"$select": selected})
    assert answer.status_code == 200
    body = answer.json()
    assert list(body) == list(whole)  # every property is still there
    kept = {k for k in whole if k.lower() in selected.lower().split(",")}
    assert len(kept) == 2 and all(body[k] == whole[k] for k in kept)
    assert whole[other] is not None and body[other] is None
    assert body[f"{entity}Id"] is None and body["Address" if entity != "Project" else
                                                "ProjectMembers"] is None
    assert body["TableRight"] == whole["TableRight"] and body["_Links"] == whole["_Links"]


def test_select_applies_to_the_answers_of_writes(api):
    answer = api.patch("Contact/1", json={"Department": "Sales"},
                       params={"$select": "Department,category/id"},
                       headers={"Content-Type": "application/merge-patch+json"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["Department"] == "Sales" and body["Category"]["Id"] >= 0
    assert body["Name"] is None
    assert api.get("Contact/1").json()["Name"]  # only the answer is thinned, not the record
