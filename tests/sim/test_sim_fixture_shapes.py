"""The simulator answers the captured real requests with the same key structure (values aside)."""

import json

import requests
from conformance import carrier_problems
from shared_fixtures import require_superoffice_fixtures
from sim_helpers import Api

# keys that are tenant configuration (user-defined field names), not structure
DYNAMIC = ("UserDefinedFields", "CustomFields", "ExtraFields")
# keys of SuperOffice's newer carriers (12.4, reference/superoffice-webapi.md section 11) that
# the captures, from an older version, do not have
NEWER = ("$.StartDate", "$.FieldProperties.StartDate")


def _load(name):
    path = require_superoffice_fixtures() / name
    return json.loads(path.read_text(encoding="utf-8"))


def structure_differences(real, ours, path="$"):
    """Key-structure differences; `None` on either side matches anything, lists by 1st item."""
    if real is None or ours is None:
        return []
    if isinstance(real, dict):
        if not isinstance(ours, dict):
            return [f"{path}: object expected, got {type(ours).__name__}"]
        problems = []
        real_keys = {k for k in real if not _dynamic(path, k)}
        our_keys = {k for k in ours if not _dynamic(path, k)}
        problems += [f"{path}.{k}: missing" for k in sorted(real_keys - our_keys)]
        problems += [f"{path}.{k}: extra" for k in sorted(our_keys - real_keys)
                     if f"{path}.{k}" not in NEWER]
        for key in sorted(real_keys & our_keys):
            if path.endswith(DYNAMIC):
                continue
            problems += structure_differences(real[key], ours[key], f"{path}.{key}")
        return problems
    if isinstance(real, list):
        if not isinstance(ours, list):
            return [f"{path}: list expected, got {type(ours).__name__}"]
        if real and ours:
            return structure_differences(real[0], ours[0], f"{path}[0]")
        return []
    if isinstance(real, bool) != isinstance(ours, bool) or \
            isinstance(real, str) != isinstance(ours, str):
        return [f"{path}: {type(real).__name__} expected, got {type(ours).__name__}"]
    return []


def older_than_ours(real, ours, carrier, **kw):
    """Differences, less the properties the capture lacks because it is older than SuperOffice
    12.4 (extras the 12.4 carriers have; the conformance test rejects any other extra)."""
    assert carrier_problems(ours, carrier, **kw) == []
    return [p for p in structure_differences(real, ours) if not p.endswith(": extra")]


def _words(text):
    return text.split()


def _dynamic(path, key):
    return path.endswith(DYNAMIC) or (path.endswith("FieldProperties") and
                                      key.startswith("UserDefinedFields."))


def test_structure_checker_finds_differences():
    assert structure_differences({"a": {"b": 1}}, {"a": {"c": 1}}) == ["$.a.b: missing",
                                                                      "$.a.c: extra"]
    assert structure_differences({"a": "x"}, {"a": 1}) == ["$.a: str expected, got int"]


def test_project_1_has_the_real_structure(api):
    api.put("Project/1", json={"ProjectMembers": [{"PersonId": 1}, {"PersonId": 2}],
                               "Urls": [{"Value": "https://example.com", "Description": ""}]})
    ours = api.get("Project/1").json()
    assert older_than_ours(_load("project_1_response.json"), ours, "ProjectEntity",
                           links=True) == []


def test_project_default_has_the_real_structure(api):
    ours = api.get("Project/default").json()
    assert older_than_ours(_load("project_default_response.json"), ours, "ProjectEntity") == []


def test_project_list_has_the_real_structure(api):
    ours = api.get("Project").json()
    assert ours["value"]
    assert structure_differences(_load("projects_all_response.json"), ours) == []
    real_row = _load("projects_all_response.json")["value"][0]
    assert list(ours["value"][0]) == list(real_row)  # same columns in the same order


def test_blank_list_has_the_real_structure(api):
    ours = api.get("Project", params={"$filter": "name begins 'no such project'"}).json()
    assert ours == {**_load("blank_odata_response.json"), "odata.metadata": ours["odata.metadata"]}
    assert ours["odata.metadata"].endswith("/api/v1/Archive//$metadata")


def _oauth(sim, form):
    return requests.post(f"{sim.url}/login/common/oauth/tokens", data={
        "client_id": sim.app.client_id, "client_secret": sim.app.client_secret, **form},
        timeout=5)


def test_oauth_token_responses_have_the_real_structure(sim):
    first = _oauth(sim, {"grant_type": "authorization_code", "code": sim.issue_oauth_code(),
                         "redirect_uri": sim.app.redirect_uri}).json()
    assert set(first) == set(_load("oauth_bearer_response.json"))
    refreshed = _oauth(sim, {"grant_type": "refresh_token",
                             "refresh_token": first["refresh_token"]}).json()
    assert set(refreshed) == set(_load("oauth_refresh_response.json"))
    assert first["access_token"].startswith("8A:")
    assert isinstance(first["expires_in"], int)


def test_contact_and_person_have_the_documented_properties(sim):
    api = Api(sim)
    contact = api.get("Contact/1").json()
    documented = _words("""ContactId Name Department OrgNr Number1 Number2 UpdatedDate CreatedDate Emails
        Urls Phones Faxes Interests Description UpdatedBy CreatedBy Associate SupportAssociate
        Business Category Country Persons NoMailing Kananame Xstop ActiveInterests GroupId
        ActiveStatusMonitorId TicketPriority CustomerLanguage Deleted DbiAgentId
        DbiLastSyncronized DbiKey DbiLastModified SupportPerson Address Source ActiveErpLinks
        BounceEmails Domains UserDefinedFields ExtraFields CustomFields TableRight
        FieldProperties _Links""")
    assert set(documented) <= set(contact)
    assert set(contact["Address"]) >= {"Wgs84Latitude", "Wgs84Longitude", "LocalizedAddress",
                                       "Street", "Postal", "Formatted"}
    assert set(contact["Address"]["Postal"]) >= {"AtypeIdx", "Address1", "Address2", "Address3",
                                                 "City", "County", "State", "Zipcode",
                                                 "Formatted"}
    assert set(contact["Phones"][0]) >= {"Value", "StrippedValue", "Description"}
    assert set(contact["Category"]) >= {"Id", "Value", "Tooltip"}
    person = api.get("Person/1").json()
    documented = _words("""PersonId Firstname MiddleName Lastname Mrmrs Title UpdatedDate CreatedDate
        BirthDate CreatedBy Emails Description IsAssociate PrivatePhones Faxes MobilePhones
        OfficePhones OtherPhones Position UpdatedBy Contact Country Interests PersonNumber
        FullName NoMailing UsePersonAddress Retired Urls FormalName Address Post1 Post2 Post3
        Kanalname Kanafname CorrespondingAssociate Category Business Associate Salutation
        ActiveInterests SupportAssociate TicketPriority CustomerLanguage DbiAgentId DbiKey
        DbiLastModified DbiLastSyncronized SentInfo ShowContactTickets UserInfo ChatEmails
        InternetPhones Source ActiveErpLinks ShipmentTypes Consents BounceEmails
        ActiveStatusMonitorId UserDefinedFields ExtraFields CustomFields TableRight
        FieldProperties _Links""")
    assert set(documented) <= set(person)
    carrier = _words("""ContactId Name OrgNr Department URL City DirectPhone AssociateId CountryId
        EmailAddress Kananame EmailAddressName URLName AssociateFullName BusinessName
        CategoryName CountryName Address FormattedAddress FullName IsOwnerContact ActiveErpLinks
        Number1 Number2""")
    assert set(carrier) <= set(person["Contact"])
    assert person["Contact"]["ContactId"] == contact["ContactId"]
