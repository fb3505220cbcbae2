from types import MappingProxyType

import pytest
from sync_samples import company, person, project_1

from superoffice_connector.sync.mapping import FieldMap, by_key, default_mapping
from superoffice_connector.sync.transforms import (
    Lookups,
    UnresolvedValue,
    decode_udef,
    encode_udef,
    from_superoffice,
    to_superoffice_patch,
)

COMPANY = default_mapping("company")
PERSON = default_mapping("person")
PROJECT = default_mapping("project")
LOOKUPS = Lookups(
    associates={5: "Roy.deJong@example.com", 7: "ann@example.com"},
    lists={"Category": {"Vendor": 3, "Customer": 4}, "ProjectStatus": {"Done": 5}},
)


def test_company_from_superoffice():
    values = from_superoffice("company", company(), COMPANY, LOOKUPS)
    assert values == {
        "name": "Nordic Paper AS", "department": "Sales", "vat": "NO 912 345 678",
        "ref": "10042", "street": "Postboks 27", "street2": "Sentrum", "zip": "0101",
        "city": "Oslo", "state": None, "country": "NO", "phone": "+47 22 84 85 00",
        "mobile": "+47 900 11 222", "email": "post@nordic-paper.no",
        "website": "https://nordic-paper.no/", "category": "Vendor", "business": "IT",
        "owner": "roy.dejong@example.com",
        "description": "Key account.\nCall before visiting.",
    }


def test_read_accepts_any_mapping():
    values = from_superoffice("company", MappingProxyType(company()), COMPANY, LOOKUPS)
    assert values["city"] == "Oslo"


def test_owner_without_known_email_is_the_associate_id():
    assert from_superoffice("company", company(), COMPANY)["owner"] == "associate:5"


def test_country_by_id_when_iso_code_missing():
    data = company()
    data["Country"] = {"CountryId": 752}
    assert from_superoffice("company", data, COMPANY)["country"] == "SE"


def test_phone_roles_by_description():
    data = company()
    data["Phones"] = [{"Value": "911", "Description": "mobile"}, {"Value": "22 11", "Description": ""}]
    values = from_superoffice("company", data, COMPANY)
    assert (values["phone"], values["mobile"]) == ("22 11", "911")


def test_person_from_superoffice():
    values = from_superoffice("person", person(), PERSON)
    assert values == {
        "name": "Marie De Greeve", "function": "Head of purchasing",
        "email": "marie.degreeve@nordic-paper.no", "phone": "+47 22 84 85 10",
        "mobile": "+47 911 22 333", "company": 12, "description": None,
    }


def test_real_project_response():
    values = from_superoffice("project", project_1(), PROJECT, LOOKUPS)
    assert values["name"] == "Example: Internal project"
    assert values["number"] == "10011"
    assert (values["status"], values["type"]) == ("In Progress", "Internal")
    assert values["owner"] == "roy.dejong@example.com"
    assert values["date_start"] is None and values["date_end"] is None
    assert values["members"] == ["p:1", "p:2"]
    assert values["description"].startswith("Hi\n\nThis is an example project!\n\nYou will")


def test_udef_decoding_of_real_response():
    fields = (
        FieldMap("main", "Main", "x_main", "UserDefinedFields.main_category", transform="int"),
        FieldMap("from", "From", "x_from", "UserDefinedFields.from_date_on_cazandercom",
                 transform="date"),
        FieldMap("web", "Web", "x_web", "UserDefinedFields.display_homepage", transform="bool"),
        FieldMap("misc", "Misc", "x_misc", "UserDefinedFields.miscellaneousfactory_identification"),
    )
    values = from_superoffice("project", project_1(), fields)
    assert values == {"main": 14, "from": "2020-06-01", "web": True, "misc": "misc"}


@pytest.mark.parametrize("raw", ["[I:8]", "[F:2.5]", "[D:06/01/2020]", "free", "[I:0]"])
def test_udef_round_trip(raw):
    kind = {"[I": "int", "[F": "float", "[D": "date"}.get(raw[:2], "text")
    assert encode_udef(kind, decode_udef(raw)) == raw


def test_udef_datetime_and_bool_style():
    assert decode_udef("[DT:12/31/2013 23:59:59.0000000]") == "2013-12-31T23:59:59"
    assert encode_udef("bool", False, current="True") == "False"
    assert encode_udef("bool", True) == "[I:1]"


def test_patch_contains_only_changed_fields():
    patch = to_superoffice_patch("company", {"name": "Nordic Paper ASA"}, COMPANY, company())
    assert patch == {"Name": "Nordic Paper ASA"}


def test_patch_address_only_changed_parts():
    patch = to_superoffice_patch("company", {"zip": "0150", "street2": None}, COMPANY, company())
    assert patch == {"Address": {"Postal": {"Address2": "", "Zipcode": "0150"}}}


def test_street_address_when_mapped():
    fields = (FieldMap("visit_city", "Visiting city", "x_city", "Address.Street.City"),)
    assert from_superoffice("company", company(), fields) == {"visit_city": "Ski"}
    patch = to_superoffice_patch("company", {"visit_city": "Ås"}, fields, company())
    assert patch == {"Address": {"Street": {"City": "Ås"}}}


def test_patch_phone_keeps_unmanaged_entries():
    patch = to_superoffice_patch("company", {"phone": "+47 22 00 00 00"}, COMPANY, company())
    assert [p["Value"] for p in patch["Phones"]] == ["+47 22 00 00 00", "+47 900 11 222",
                                                     "+47 22 84 85 99"]
    assert patch["Phones"][0]["Description"] == "Main"
    assert patch["Phones"][2]["Description"] == "Fax line"


def test_patch_removes_and_adds_phone_entries():
    patch = to_superoffice_patch("company", {"mobile": None}, COMPANY, company())
    assert [p["Description"] for p in patch["Phones"]] == ["Main", "Fax line"]
    patch = to_superoffice_patch("company", {"mobile": "915", "phone": "22"}, COMPANY, {})
    assert patch["Phones"] == [{"Value": "22", "Description": ""},
                               {"Value": "915", "Description": "Mobile"}]


def test_second_entry_is_appended_after_the_first():
    fields = (FieldMap("email2", "E-mail 2", "x_email2", "Emails[1]", transform="email"),)
    current = {"Emails": [{"Value": "a@b.no", "Description": ""}]}
    patch = to_superoffice_patch("company", {"email2": "c@d.no"}, fields, current)
    assert [e["Value"] for e in patch["Emails"]] == ["a@b.no", "c@d.no"]
    assert from_superoffice("company", patch, fields) == {"email2": "c@d.no"}


def test_written_phones_read_back_equal():
    data = company()
    changes = {"phone": "+47 11 11 11 11", "mobile": "+47 99 99 99 99", "email": "a@b.no",
               "website": "https://b.no"}
    data.update(to_superoffice_patch("company", changes, COMPANY, data))
    values = from_superoffice("company", data, COMPANY)
    assert {k: values[k] for k in changes} == changes


def test_patch_ids_from_lookups():
    changes = {"country": "SE", "category": "customer", "owner": "ANN@example.com"}
    patch = to_superoffice_patch("company", changes, COMPANY, company(), LOOKUPS)
    assert patch == {"Country": {"CountryId": 752}, "Category": {"Id": 4},
                     "Associate": {"AssociateId": 7}}


def test_patch_list_item_lookup_by_callable():
    lookups = Lookups(lists=lambda list_name, name: 9 if list_name == "ProjectStatus" else None)
    patch = to_superoffice_patch("project", {"status": "Done"}, PROJECT, lookups=lookups)
    assert patch == {"ProjectStatus": {"Id": 9}}


def test_unresolved_values_raise_or_are_collected():
    with pytest.raises(UnresolvedValue):
        to_superoffice_patch("company", {"category": "Partner"}, COMPANY, company(), LOOKUPS)
    unresolved = []
    patch = to_superoffice_patch("company", {"category": "Partner", "city": "Bergen",
                                             "owner": "nobody@x.no", "country": "XX"},
                                 COMPANY, company(), LOOKUPS, unresolved=unresolved)
    assert patch == {"Address": {"Postal": {"City": "Bergen"}}}
    assert sorted(key for key, _ in unresolved) == ["category", "country", "owner"]


def test_patch_respects_direction():
    assert to_superoffice_patch("project", {"number": "99"}, PROJECT) == {}


def test_project_start_date_is_superoffices_start_date():
    assert to_superoffice_patch("project", {"date_start": "2020-04-17"}, PROJECT) == {
        "StartDate": "2020-04-17T00:00:00"}
    project = {"StartDate": "2020-04-17T00:00:00", "CreatedDate": "2019-01-02T10:00:00"}
    assert from_superoffice("project", project, PROJECT)["date_start"] == "2020-04-17"


def test_patch_dates_and_members():
    changes = {"date_end": "2024-12-31", "members": ["p:2", "p:9", "c:4"]}
    patch = to_superoffice_patch("project", changes, PROJECT, project_1())
    assert patch["EndDate"] == "2024-12-31T00:00:00"
    members = patch["ProjectMembers"]
    assert members[0]["ProjectmemberId"] == 2  # existing entry kept whole
    assert members[1:] == [{"ContactId": 4, "PersonId": 0}, {"PersonId": 9, "ContactId": 0}]
    cleared = to_superoffice_patch("project", {"date_end": None}, PROJECT)
    assert cleared == {"EndDate": "0001-01-01T00:00:00"}


def test_person_name_keeps_multi_word_last_name():
    current = person()
    patch = to_superoffice_patch("person", {"name": "Maria De Greeve"}, PERSON, current)
    assert patch == {"Firstname": "Maria"}
    patch = to_superoffice_patch("person", {"name": "Jan Olav Berg"}, PERSON)
    assert patch == {"Firstname": "Jan Olav", "MiddleName": "", "Lastname": "Berg"}


def test_person_name_change_of_case_is_written():
    patch = to_superoffice_patch("person", {"name": "marie de greeve"}, PERSON, person())
    assert patch == {"Firstname": "marie", "Lastname": "de greeve"}


def test_person_company_link():
    patch = to_superoffice_patch("person", {"company": 40}, PERSON, person())
    assert patch == {"Contact": {"ContactId": 40}}


def test_udef_patch():
    fields = (FieldMap("level", "Level", "x_level", "UserDefinedFields.SuperOffice:1",
                       transform="int"),
              FieldMap("vip", "VIP", "x_vip", "UserDefinedFields.SuperOffice:3",
                       transform="bool"))
    patch = to_superoffice_patch("company", {"level": 9, "vip": False}, fields, company())
    assert patch == {"UserDefinedFields": {"SuperOffice:1": "[I:9]", "SuperOffice:3": "False"}}


def test_company_round_trip_through_patch():
    """Every default company field written from canonical values reads back the same."""
    wanted = {"name": "Acme", "department": "R&D", "vat": "SE556", "ref": "77", "street": "Gata 1",
              "street2": "Box 2", "zip": "111 22", "city": "Stockholm", "state": "Stockholms län",
              "country": "SE", "phone": "+46 8 123", "mobile": "+46 70 123",
              "email": "info@acme.se", "website": "https://acme.se", "category": "Customer",
              "business": "IT", "owner": "ann@example.com", "description": "Line 1\nLine 2"}
    lookups = Lookups(associates=LOOKUPS.associates,
                      lists={"Category": {"Customer": 4}, "Business": {"IT": 2}})
    data = company()
    patch = to_superoffice_patch("company", wanted, COMPANY, data, lookups)
    _merge_patch(data, patch)
    # a real server fills in the list value and country names; emulate that
    data["Category"]["Value"] = "Customer"
    data["Country"] = {"CountryId": patch["Country"]["CountryId"]}
    data["Associate"] = {"AssociateId": 7}
    assert from_superoffice("company", data, COMPANY, lookups) == wanted
    assert set(by_key(COMPANY)) == set(wanted)


def _merge_patch(target, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_patch(target[key], value)
        else:
            target[key] = value
