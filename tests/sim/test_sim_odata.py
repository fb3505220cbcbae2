"""Item 5: OData archive lists with $select, $filter, $orderBy, $top, $skip."""

import pytest


def _all(sim, kind):
    return [sim.store.get(kind, i) for i in sim.store.ids(kind)]


def test_slim_rows_have_string_primary_key_and_entity_name(api, sim):
    answer = api.get("Contact", params={"$select": "contactId,name,category,associateId"}).json()
    assert set(answer) == {"odata.metadata", "odata.nextLink", "value"}
    assert answer["odata.nextLink"] is None
    row = answer["value"][0]
    assert list(row) == ["PrimaryKey", "EntityName", "contactId", "name", "category",
                         "associateId"]
    entity = sim.store.get("contact", 1)
    assert row["PrimaryKey"] == "1" and row["EntityName"] == "contact"
    assert row["category"] == entity["Category"]["Value"]  # display values in slim mode
    assert row["associateId"] == entity["Associate"]["Name"]
    assert len(answer["value"]) == sim.store.count("contact")


@pytest.mark.parametrize("path, kind", [("Archive/SimpleContact", "contact"),
                                        ("Archive/Person", "person"),
                                        ("Archive/Project", "project")])
def test_archive_providers_list_the_same_rows(api, sim, path, kind):
    rows = api.rows(path, **{"$top": "5"})
    assert [int(r["PrimaryKey"]) for r in rows] == sorted(sim.store.ids(kind))[:5]
    assert api.get("Archive/NoSuchProvider").status_code == 404


def test_documented_person_and_project_columns(api):
    person = api.rows("Person", **{"$select": "personId,firstName,lastName,contactId,"
                                   "personUpdatedDate,email/emailAddress,"
                                   "personMobilePhone/formattedNumber", "$top": "1"})[0]
    assert isinstance(person["contactId"], int) and "@" in person["email/emailAddress"]
    project = api.rows("Project", **{"$select": "projectId,name,number,status,type,updatedDate",
                                     "$top": "1"})[0]
    assert isinstance(project["status"], str) and len(project["updatedDate"]) == 19


def test_unknown_column_or_operator_is_400(api):
    assert api.get("Contact", params={"$select": "nope"}).status_code == 400
    assert api.get("Contact", params={"$filter": "nope eq 1"}).status_code == 400
    assert api.get("Contact", params={"$filter": "name frobs 'a'"}).status_code == 400
    assert api.get("Contact", params={"$filter": "name eq 'unterminated"}).status_code == 400


def _ids(api, entity, flt, **extra):
    return [int(r["PrimaryKey"]) for r in api.rows(entity, **{"$filter": flt, **extra})]


def test_begins_contains_eq_ne_case_insensitive(api, sim):
    contacts = _all(sim, "contact")
    name = contacts[4]["Name"]
    assert _ids(api, "Contact", f"name begins '{name[:3].lower()}'") == \
        [c["ContactId"] for c in contacts if c["Name"].lower().startswith(name[:3].lower())]
    word = name.split()[1]
    assert _ids(api, "Contact", f"name contains '{word.upper()}'") == \
        [c["ContactId"] for c in contacts if word.lower() in c["Name"].lower()]
    assert _ids(api, "Contact", f"name eq '{name}'") == \
        [c["ContactId"] for c in contacts if c["Name"].lower() == name.lower()]
    assert len(_ids(api, "Contact", f"name ne '{name}'")) == \
        len([c for c in contacts if c["Name"].lower() != name.lower()])


def test_numeric_comparisons_and_lists(api, sim):
    assert _ids(api, "Contact", "contactId lt 4") == [1, 2, 3]
    assert _ids(api, "Contact", "contactId le 2") == [1, 2]
    assert _ids(api, "Contact", "contactId gt 18") == [19, 20]
    assert _ids(api, "Contact", "contactId ge 19") == [19, 20]
    assert _ids(api, "Contact", "contactId oneOf (3, 5, 99)") == [3, 5]
    assert _ids(api, "Contact", "contactId in (7,2)") == [2, 7]
    categories = {c["ContactId"]: c["Category"]["Id"] for c in _all(sim, "contact")}
    assert _ids(api, "Contact", "category oneOf (1,3)") == \
        [i for i, cat in categories.items() if cat in (1, 3)]


def test_in_with_quoted_strings_and_escaped_quote(api, sim):
    created = sim.store.create("contact", {"Name": "O'Brien Consulting Ltd"})["ContactId"]
    other = sim.store.get("contact", 2)["Name"]
    escaped = "O''Brien Consulting Ltd"
    assert _ids(api, "Contact", f"name in ('{escaped}', '{other}')") == sorted(
        [created] + [c["ContactId"] for c in _all(sim, "contact")
                     if c["Name"].lower() == other.lower() and c["ContactId"] != created])
    assert _ids(api, "Contact", "name begins 'O''Bri'") == [
        c["ContactId"] for c in _all(sim, "contact") if c["Name"].startswith("O'Bri")]


def test_and_or_parentheses(api, sim):
    contacts = _all(sim, "contact")
    flt = "(contactId lt 5 or contactId gt 17) and category eq 1"
    assert _ids(api, "Contact", flt) == [
        c["ContactId"] for c in contacts
        if (c["ContactId"] < 5 or c["ContactId"] > 17) and c["Category"]["Id"] == 1]
    flt = "contactId eq 1 or contactId eq 2 and contactId eq 3"  # and binds tighter
    assert _ids(api, "Contact", flt) == [1]


def test_after_and_before_time_windows(api, sim):
    stamps = sorted(c["UpdatedDate"] for c in _all(sim, "contact"))
    middle = stamps[10]
    after = _ids(api, "Contact", f"updatedDate afterTime '{middle}'")
    assert after == sorted(c["ContactId"] for c in _all(sim, "contact")
                           if c["UpdatedDate"] > middle)
    before = _ids(api, "Contact", f"updatedDate beforeTime '{middle}'")
    assert len(after) + len(before) + stamps.count(middle) == len(stamps)
    sim.store.patch("contact", 7, {"Department": "fresh"})
    newest = sim.store.get("contact", 7)["UpdatedDate"]
    assert _ids(api, "Contact", f"updatedDate afterTime '{stamps[-1]}'") == [7]
    assert _ids(api, "Contact", f"updatedDate afterTime '{newest}'") == []
    persons = _ids(api, "Person", f"personUpdatedDate afterTime '{middle}'")
    assert persons == sorted(p["PersonId"] for p in _all(sim, "person")
                             if p["UpdatedDate"] > middle)


def test_order_by_top_and_skip(api, sim):
    names = sorted((c["Name"].lower(), c["ContactId"]) for c in _all(sim, "contact"))
    rows = api.rows("Contact", **{"$select": "name", "$orderBy": "name asc"})
    assert [r["name"].lower() for r in rows] == [n for n, _ in names]
    desc = api.rows("Contact", **{"$select": "contactId", "$orderby": "contactId desc",
                                  "$top": "3"})
    assert [r["contactId"] for r in desc] == [20, 19, 18]
    page = api.rows("Contact", **{"$select": "contactId", "$orderby": "contactId",
                                  "$top": "4", "$skip": "8"})
    assert [r["contactId"] for r in page] == [9, 10, 11, 12]
    assert api.get("Contact", params={"$top": "-1"}).status_code == 400


def test_index_and_full_scan_agree(api, sim):
    """`begins` and `afterTime` use sorted indexes; an `or` forces a scan: same answers."""
    for prefix in ("n", "nord", "o'", "ø", "zz"):
        quoted = prefix.replace("'", "''")
        indexed = _ids(api, "Contact", f"name begins '{quoted}'")
        scanned = _ids(api, "Contact", f"name begins '{quoted}' or contactId eq -1")
        assert indexed == scanned
    stamp = sorted(c["UpdatedDate"] for c in _all(sim, "contact"))[5]
    assert _ids(api, "Contact", f"updatedDate afterTime '{stamp}'") == \
        _ids(api, "Contact", f"updatedDate afterTime '{stamp}' or contactId eq -1")
    assert _ids(api, "Person", "lastName begins 'ø'") == \
        _ids(api, "Person", "lastName begins 'ø' or personId eq -1")


def test_person_by_company_and_deleted_rows(api, sim):
    persons = _ids(api, "Person", "contactId eq 2")
    assert persons == [p["PersonId"] for p in _all(sim, "person")
                       if p["Contact"]["ContactId"] == 2]
    sim.store.soft_delete("person", persons[0])
    row = api.rows("Person", **{"$select": "personDeletedDate",
                                "$filter": f"personId eq {persons[0]}"})[0]
    assert row["personDeletedDate"] != "0001-01-01T00:00:00"
    sim.store.delete("person", persons[0])
    assert _ids(api, "Person", f"personId eq {persons[0]}") == []


def test_primary_key_order_survives_updates(api, sim):
    sim.store.patch("contact", 1, {"Department": "moved?"})
    sim.store.soft_delete("contact", 2)
    assert _ids(api, "Contact", "contactId gt 0") == sorted(sim.store.ids("contact"))
    assert sim.store.ids("contact") == sorted(sim.store.ids("contact"))


def test_full_mode_gives_display_and_raw_values(api, sim):
    slim = api.rows("Contact", **{"$select": "contactId,name,category", "$top": "3"})
    full = api.rows("Contact", **{"$select": "contactId,name,category", "$top": "3",
                                  "$mode": "Full"})
    assert [r["PrimaryKey"] for r in slim] == [str(r["PrimaryKey"]) for r in full]
    for s, f in zip(slim, full, strict=True):
        assert f["TableRight"]["Mask"] == "FULL" and {"StyleHint", "LinkHint"} <= set(f)
        column = f["Column"]
        assert column["name"]["DisplayValue"] == s["name"] == column["name"]["RawValue"]
        assert column["category"]["DisplayValue"] == s["category"]
        category_id = sim.store.record("contact", int(s["PrimaryKey"]))["category_id"]
        assert column["category"]["RawValue"] == category_id
    assert api.get("Contact", params={"$mode": "Fancy"}).status_code == 400


def test_persons_sub_archive_of_a_company(api, sim):
    contact_id = next(c for c in sim.store.ids("contact") if sim.store.persons_of(c))
    expected = sorted(p["id"] for p in sim.store.persons_of(contact_id))
    rows = api.rows(f"Contact/{contact_id}/Persons", **{"$select": "personId,contactId"})
    assert sorted(int(r["PrimaryKey"]) for r in rows) == expected
    assert {r["contactId"] for r in rows} == {contact_id}
    first = sim.store.record("person", expected[0])["firstname"]
    narrowed = api.rows(f"Contact/{contact_id}/Persons",
                        **{"$filter": "firstName eq '{}' or personId eq 0".format(
                            first.replace("'", "''"))})
    assert narrowed and all(r["firstName"] == first for r in narrowed)
    assert api.get("Contact/999999/Persons").status_code == 404
    link = api.get(f"Contact/{contact_id}").json()["_Links"]["Archive.Persons"]
    assert api.session.get(link, timeout=5).json()["value"] == api.rows(
        f"Contact/{contact_id}/Persons")


def test_dynamic_provider_lists_phone_and_project_member_rows(api, sim):
    sim.store.patch("contact", 1, {"Phones": [{"Value": "+47 1", "Description": "Main"},
                                              {"Value": "+47 2", "Description": "Mobile"}]})
    rows = api.rows("Archive/dynamic", **{
        "$select": "phone.owner_id,phone.rank,phone.phone,phone.description",
        "$filter": "phone.owner_id oneOf (1, 2) and phone.ptype_idx eq 1"})
    assert [(r["phone.owner_id"], r["phone.rank"], r["phone.phone"], r["phone.description"])
            for r in rows[:2]] == [(1, 1, "+47 1", "Main"), (1, 2, "+47 2", "Mobile")]
    assert {r["phone.owner_id"] for r in rows} == {1, 2} and rows[0]["EntityName"] == "phone"
    person = sim.store.get("person", 1)
    mobile = api.rows("Archive/dynamic", **{
        "$select": "phone.phone", "$filter": "phone.owner_id eq 1 and phone.ptype_idx eq 16389",
        "$mode": "Full"})
    assert [r["Column"]["phone.phone"]["RawValue"] for r in mobile] == [
        p["Value"] for p in person["MobilePhones"]]
    members = api.rows("Archive/dynamic", **{
        "$select": "projectmember.project_id,projectmember.person_id",
        "$filter": "projectmember.project_id eq 1"})
    assert [r["projectmember.person_id"] for r in members] == [
        m["PersonId"] for m in sim.store.get("project", 1)["ProjectMembers"]]
    assert api.get("Archive/dynamic", params={"$select": "nosuch.table_id"}).status_code == 404
    assert api.get("Archive/dynamic").status_code == 400


def test_full_mode_empty_values_and_info_text_columns(api, sim):
    sim.store.patch("contact", 1, {"Category": {"Id": 0}, "Associate": {"AssociateId": 0},
                                   "Description": "A note", "Phones": []})
    sim.store.patch("person", 1, {"Description": "Met at the fair"})
    row = api.rows("Contact", **{
        "$select": "contactId,category,associateId,deletedDate,hasInfoText,"
                   "contactPhone/formattedNumber,contactPhone/description",
        "$filter": "contactId eq 1", "$mode": "Full"})[0]
    assert row["PrimaryKey"] == 1
    column = row["Column"]
    assert (column["category"]["RawValue"], column["category"]["DisplayValue"]) == (0, "")
    assert (column["associateId"]["RawValue"], column["associateId"]["DisplayValue"]) == (0, "")
    assert column["deletedDate"]["RawValue"] == "0001-01-01T00:00:00"
    assert column["hasInfoText"]["RawValue"] is True
    assert column["contactPhone/formattedNumber"]["RawValue"] == ""
    person = api.rows("Person", **{"$select": "personInfo/infoText,hasInfoText",
                                   "$filter": "personId eq 1"})[0]
    assert (person["personInfo/infoText"], person["hasInfoText"]) == ("Met at the fair", True)


def _error(api, flt, entity="Contact"):
    answer = api.get(entity, params={"$filter": flt})
    assert answer.status_code == 400, (flt, answer.text)
    body = answer.json()
    # the error body of SuperOffice's REST reference: Error, ErrorType, ErrorMessage, ErrorSource
    assert set(body) == {"Error", "ErrorType", "ErrorMessage", "ErrorSource"}
    assert body["Error"] is True
    return body["ErrorMessage"]


def test_string_functions_match_their_operators(api, sim):
    contacts = _all(sim, "contact")
    name = next(c["Name"] for c in contacts[3:] if "'" not in c["Name"])
    head, tail, middle = name[:3], name[-3:], name[2:6]
    assert _ids(api, "Contact", f"startswith(name, '{head.upper()}')") == \
        _ids(api, "Contact", f"name begins '{head}'") != []
    assert _ids(api, "Contact", f"endswith(name, '{tail}')") == \
        [c["ContactId"] for c in contacts if c["Name"].lower().endswith(tail.lower())]
    expected = _ids(api, "Contact", f"name contains '{middle}'")
    assert expected and _ids(api, "Contact", f"contains(name, '{middle}')") == expected
    assert _ids(api, "Contact", f"substringof('{middle}', name)") == expected
    assert _ids(api, "Contact", f"substringof(name, '{middle}')") == expected
    assert _ids(api, "Contact", f"startswith(name, '{head}') eq true") == \
        _ids(api, "Contact", f"startswith(name, '{head}')")
    rest = _ids(api, "Contact", f"startswith(name, '{head}') eq false and contactId lt 9")
    assert rest == [c["ContactId"] for c in contacts if c["ContactId"] < 9 and
                    not c["Name"].lower().startswith(head.lower())]
    persons = _all(sim, "person")
    first = persons[0]["Firstname"][:2]
    assert _ids(api, "Person", f"startswith(firstName, '{first}')") == \
        [p["PersonId"] for p in persons if p["Firstname"].lower().startswith(first.lower())]
    assert "unknown column" in _error(api, "startswith(nope, 'a')")
    assert "column and a value" in _error(api, "startswith(name)")
    assert "unknown function" in _error(api, "tolower(name) eq 'a'")


def test_boolean_set_operator(api, sim):
    sim.store.patch("contact", 2, {"Xstop": True})
    sim.store.patch("contact", 5, {"NoMailing": True})
    assert _ids(api, "Contact", "stop set") == [2]
    assert _ids(api, "Contact", "stop set true and contactId lt 9") == [2]
    assert _ids(api, "Contact", "stop set false and contactId lt 4") == [1, 3]
    assert _ids(api, "Contact", "not (contactNoMail set) and contactId lt 7") == [1, 2, 3, 4, 6]
    assert _ids(api, "Person", "retired set") == \
        [p["PersonId"] for p in _all(sim, "person") if p["Retired"]]
    assert "'set' needs" in _error(api, "name set")
    assert "unknown operator 'notset'" in _error(api, "stop notSet")


def test_associate_list_operators(api, sim):
    owners = {c["ContactId"]: c["Associate"]["AssociateId"] for c in _all(sim, "contact")}
    some = sorted(set(owners.values()))[:2]
    values = ", ".join(map(str, some))
    assert _ids(api, "Contact", f"associateId associateIsOneOf ({values})") == \
        [i for i, a in owners.items() if a in some] != []
    assert _ids(api, "Contact", f"associateId associateIsNotOneOf ({values})") == \
        [i for i, a in owners.items() if a not in some]
    assert _ids(api, "Contact", f"associateId associateIsOneOf ({values})") == \
        _ids(api, "Contact", f"associateId oneOf ({values})")
    assert "associate column" in _error(api, "name associateIsOneOf (5)")


def test_date_operators_use_the_date_part(api, sim):
    sim.store.patch("contact", 4, {"Department": "today's"})
    stamp = sim.store.get("contact", 4)["UpdatedDate"]
    day = stamp[:10]
    updated = {c["ContactId"]: c["UpdatedDate"][:10] for c in _all(sim, "contact")}
    assert _ids(api, "Contact", f"updatedDate date '{day}T23:59:59'") == \
        [i for i, d in updated.items() if d == day]
    assert _ids(api, "Contact", f"updatedDate before '{day}'") == \
        [i for i, d in updated.items() if d < day]
    assert _ids(api, "Contact", f"updatedDate after '{day}'") == \
        [i for i, d in updated.items() if d > day]
    assert _ids(api, "Contact", f"updatedDate dateBetween ('2000-01-01', '{day}')") == \
        [i for i, d in updated.items() if "2000-01-01" <= d <= day]
    assert "date column" in _error(api, "name date '2020-01-01'")


@pytest.mark.parametrize("flt", [
    "associateId currentAssociate", "updatedDate today", "updatedDate beforeToday",
    "updatedDate lastWeek", "updatedDate thisPeriod 2", "updatedDate thisAndPrevious (1, 3)",
    "category intArrayOneOf (1)", "this(updatedDate, 'week')",
    "thisAndPrevious(updatedDate, 2, 'weeks')"])
def test_documented_operators_not_served_are_refused(api, flt):
    assert "does not serve" in _error(api, flt)


def test_unknown_operator_has_superoffice_error_shape(api):
    assert _error(api, "name frobs 'a'") == "$filter: unknown operator 'frobs'"
    assert "unknown column" in _error(api, "nope eq 1", "Person")


def test_user_list_is_the_allusers_archive(api, sim):
    """`GET User` answers as `Archive/AllUsers`: associate columns show the short name (slim)
    and give the associate id as RawValue (Full); retired users are listed, not active."""
    select = {"$select": "associateDbId,fullName,personEmail,isActive"}
    slim = api.rows("User", **select)
    assert slim == api.rows("Archive/AllUsers", **select)
    kari = next(r for r in slim if r["fullName"] == "Kari Nordmann")
    assert kari["PrimaryKey"] == "10" and kari["EntityName"] == "associate"
    assert kari["associateDbId"] == "KN" and kari["personEmail"] == "kari.nordmann@example.com"
    full = api.rows("User", **select, **{"$mode": "Full"})
    per = next(r for r in full if r["Column"]["fullName"]["RawValue"] == "Per Hansen")
    assert per["Column"]["associateDbId"]["RawValue"] == 14
    assert per["Column"]["isActive"]["RawValue"] is False
    assert [r["fullName"] for r in api.rows("User", **select, **{
        "$filter": "personEmail is ''"})] == ["System User", "Lise Berg", "Hans Larsen",
                                              "Hans Larsen"]
    assert api.get("User", params={"$select": "noSuchColumn"}).status_code == 400
