"""The simulator's answers conform to SuperOffice's Swagger document and 12.4 carriers.

Every answer a client gets for Contact, Person and Project (GET by id, ``default``, POST, PUT,
PATCH, lists, archives) validates against the Swagger subset (nulls and joined flag masks
allowed, as real answers show) and has no property that SuperOffice's 12.4 carriers lack; the
simulator's entities also have every property those carriers have. The same checks accept every
captured real response, so they are shown to accept reality.
"""

import json

import pytest
from conformance import carrier_problems, carriers, definition_problems, swagger_problems
from shared_fixtures import require_superoffice_fixtures

ENTITY = {"contact": "ContactEntity", "person": "PersonEntity", "project": "ProjectEntity"}
PATH = {"contact": "Contact", "person": "Person", "project": "Project"}
DEFINITION = "SuperOffice.CRM.Services.{}"


def _load(name):
    return json.loads((require_superoffice_fixtures() / name).read_text(encoding="utf-8"))


def entity_problems(kind, answer, method="get", links=True, complete=True):
    """Swagger and 12.4 problems of one entity answer (``default`` has no ``_Links``)."""
    if links:
        path = f"/api/v1/{PATH[kind]}" + ("" if method == "post" else "/{id}")
        problems = swagger_problems(answer, path, method)
    else:
        problems = definition_problems(answer, DEFINITION.format(ENTITY[kind]))
    return problems + carrier_problems(answer, ENTITY[kind], links=links, complete=complete)


# --- the checks accept reality -------------------------------------------------------------

def test_real_project_answers_conform():
    real = _load("project_1_response.json")
    assert swagger_problems(real, "/api/v1/Project/{id}", "get") == []
    assert carrier_problems(real, "ProjectEntity", links=True) == []
    default = _load("project_default_response.json")
    assert definition_problems(default, DEFINITION.format("ProjectEntity")) == []
    assert carrier_problems(default, "ProjectEntity") == []


@pytest.mark.parametrize("name", ["projects_all_response.json", "blank_odata_response.json",
                                  "unsupported_odata_response.json"])
def test_real_list_answers_conform(name):
    assert swagger_problems(_load(name), "/api/v1/Project", "get") == []
    assert swagger_problems(_load(name), "/api/v1/Archive/{archiveProviderName}", "get") == []


# --- the checks can fail -------------------------------------------------------------------

def test_checks_find_wrong_answers():
    real = _load("project_1_response.json")
    assert carrier_problems(dict(real, Deleted=0), "ProjectEntity", links=True) == [
        "$.Deleted: not a property of ProjectEntity (@superoffice/webapi 12.4.1514)"]
    nested = json.loads(json.dumps(real))
    nested["ProjectMembers"][0]["Nickname"] = "x"
    assert carrier_problems(nested, "ProjectEntity", links=True) == [
        "$.ProjectMembers[0].Nickname: not a property of ProjectMember "
        "(@superoffice/webapi 12.4.1514)"]
    missing = carrier_problems(real, "ProjectEntity", links=True, complete=True)
    assert "$.StartDate: ProjectEntity property missing" in missing
    assert swagger_problems(dict(real, ProjectId="1"), "/api/v1/Project/{id}", "get")
    wrong_mask = json.loads(json.dumps(real))
    wrong_mask["FieldProperties"]["Name"]["FieldRight"]["Mask"] = "Update, Fly"
    assert swagger_problems(wrong_mask, "/api/v1/Project/{id}", "get")
    assert swagger_problems({"value": "rows"}, "/api/v1/Project", "get")


def test_carrier_lists_name_their_source():
    data = carriers()
    assert (data["package"], data["version"], data["license"]) == (
        "@superoffice/webapi", "12.4.1514", "ISC")
    assert "SuperOffice AS" in data["license_text"]
    assert "StructuredAddress" in data["carriers"]
    assert data["carriers"]["StructuredAddress"]["extends"] is None


# --- the simulator -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["contact", "person", "project"])
def test_get_and_default_conform(api, kind):
    assert entity_problems(kind, api.get(f"{PATH[kind]}/1").json()) == []
    thinned = api.get(f"{PATH[kind]}/1", params={"$select": "name,updatedDate"})
    assert entity_problems(kind, thinned.json()) == []
    answer = api.get(f"{PATH[kind]}/default")
    assert answer.status_code == 200
    assert entity_problems(kind, answer.json(), links=False) == []


def _new_body(api, kind):
    body = api.get(f"{PATH[kind]}/default").json()
    if kind == "contact":
        body.update(Name="Conformance AS", Domains=["conformance.example"])
        body["Address"]["Postal"]["City"] = "Oslo"
    elif kind == "person":
        body.update(Firstname="Kari", Lastname="Nordmann", Contact={"ContactId": 1})
    else:
        body.update(Name="Conformance project", StartDate="2026-01-05T00:00:00")
    return body


@pytest.mark.parametrize("kind", ["contact", "person", "project"])
def test_post_put_patch_answers_conform(api, kind):
    created = api.post(PATH[kind], json=_new_body(api, kind))
    assert created.status_code == 200, created.text
    created = created.json()
    assert entity_problems(kind, created, "post") == []
    key = f"{PATH[kind]}Id"
    path = f"{PATH[kind]}/{created[key]}"
    assert entity_problems(kind, api.put(path, json=created).json(), "put") == []
    field = "Lastname" if kind == "person" else "Name"
    merge = api.patch(path, json={field: "Patched"},
                      headers={"Content-Type": "application/merge-patch+json"})
    assert merge.status_code == 200 and entity_problems(kind, merge.json(), "patch") == []
    ops = api.patch(path, json=[{"op": "replace", "path": f"/{field}", "value": "Again"}])
    assert ops.status_code == 200 and entity_problems(kind, ops.json(), "patch") == []
    assert ops.json()[field] == "Again"


@pytest.mark.parametrize("path, swagger_path", [
    ("Contact", "/api/v1/Contact"), ("Person", "/api/v1/Person"),
    ("Project", "/api/v1/Project"), ("Contact/1/Persons", "/api/v1/Contact"),
    ("Archive/SimpleContact", "/api/v1/Archive/{archiveProviderName}"),
    ("Archive/FindProject", "/api/v1/Archive/{archiveProviderName}"),
    ("Archive/dynamic", "/api/v1/Archive/{archiveProviderName}")])
@pytest.mark.parametrize("mode", ["Slim", "Full"])
def test_list_and_archive_answers_conform(api, path, swagger_path, mode):
    params = {"$top": "3", "$mode": mode}
    if path == "Archive/dynamic":
        params["$select"] = "phone.phone_id,phone.owner_id,phone.phone"
    answer = api.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.json()["value"]
    assert swagger_problems(answer.json(), swagger_path, "get") == []


def test_entities_have_the_12_4_shapes(api):
    """The differences the 12.4 carriers make, one by one (issue: the newest carriers)."""
    contact = api.get("Contact/1").json()
    for part in ("Street", "Postal"):
        assert "TableRight" not in contact["Address"][part]
        assert "FieldProperties" not in contact["Address"][part]
    assert {"Domains", "UtmParameters"} <= set(contact)
    person = api.get("Person/1").json()
    assert "Deleted" not in person
    assert {"Leadstatus", "LeadstatusId", "CreatedByFormId", "UtmParameters"} <= set(person)
    project = api.get("Project/1").json()
    assert project["EventId"] == 0 and project["StartDate"] == "0001-01-01T00:00:00"
    moved = api.patch("Project/1", json={"StartDate": "2026-03-02T00:00:00"},
                      headers={"Content-Type": "application/merge-patch+json"})
    assert moved.status_code == 200 and moved.json()["StartDate"] == "2026-03-02T00:00:00"
    assert api.get("Project/1").json()["StartDate"] == "2026-03-02T00:00:00"
