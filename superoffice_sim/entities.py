"""Contact, Person and Project: store records <-> WebAPI entity JSON.

`render_*` builds the full entity (as `GET /{Entity}/{id}` answers) from a compact store record;
`parse` applies an entity JSON body onto a record, validating types, lists and `FieldLength`.
"""

import copy

from . import carriers, refdata, schema
from .refdata import EMPTY_DATE, FULL_RIGHT
from .rights import READ_ONLY_FIELD

ENTITY_NAMES = {"contact": "Contact", "person": "Person", "project": "Project"}


def new_record(kind):
    """A blank store record (what `GET /{Entity}/default` shows)."""
    common = {"id": 0, "created": EMPTY_DATE, "updated": EMPTY_DATE, "created_by": 0,
              "updated_by": 0, "udefs": {}, "description": "", "dbi_key": ""}
    if kind == "contact":
        common.update(name="", department="", orgnr="", number1="", number2="", kananame="",
                      no_mailing=False, xstop=False, phones=[], emails=[], urls=[], faxes=[],
                      street=carriers.empty_address(), postal=carriers.empty_address(),
                      country_id=578, category_id=0, business_id=0,
                      associate_id=refdata.USER_ASSOCIATE_ID, deleted=0,
                      deleted_date=EMPTY_DATE, domains=[])
    elif kind == "person":
        common.update(contact_id=0, firstname="", middlename="", lastname="", mrmrs="", title="",
                      birthdate=EMPTY_DATE, person_number="", no_mailing=False, retired=False,
                      position_id=0, country_id=578, emails=[], office_phones=[],
                      mobile_phones=[], private_phones=[], urls=[],
                      address=carriers.empty_address(), deleted=0, deleted_date=EMPTY_DATE)
    else:
        common.update(name="", number="", postit="", image_description="", completed=False,
                      end_date=EMPTY_DATE, start_date=EMPTY_DATE, status_id=0, type_id=4,
                      associate_id=refdata.USER_ASSOCIATE_ID, urls=[], members=[])
    return common


def full_name(person):
    return " ".join(p for p in (person["firstname"], person["middlename"], person["lastname"]) if p)


def _head(kind, right, lookup):
    props = schema.field_properties(kind)
    rights = getattr(lookup, "rights", None)
    if rights is not None:
        if right == "FULL":
            right = rights.table_mask(kind)
        for name in rights.readonly_fields(kind) & props.keys():
            props[name] = dict(props[name], FieldRight=dict(READ_ONLY_FIELD))
    return {"TableRight": {"Mask": right, "Reason": ""}, "FieldProperties": props}


def _links(base, name, rec_id, subs):
    root = f"{base}{name}/"
    links = {"Self": f"{root}{rec_id}/", "Self.Simple": f"{root}{rec_id}/Simple/",
             "UdefLayout": f"{root}UdefLayout/Published/", "Archive": root}
    links.update({f"Archive.{s}": f"{root}{rec_id}/{s}/" for s in subs})
    return links


def _first(pairs):
    return pairs[0][0] if pairs else ""


def person_carrier(person, contact):
    contact = contact or {}
    return {
        "TableRight": None, "FieldProperties": {},
        "Position": refdata.POSITIONS.get(person["position_id"], ""), "PersonId": person["id"],
        "Mrmrs": person["mrmrs"], "Firstname": person["firstname"],
        "Lastname": person["lastname"], "MiddleName": person["middlename"],
        "Title": person["title"], "Description": person["description"],
        "Email": _first(person["emails"]), "FullName": full_name(person),
        "DirectPhone": _first(person["office_phones"]), "FormalName": full_name(person),
        "CountryId": person["country_id"], "ContactId": person["contact_id"],
        "ContactName": contact.get("name", ""), "Retired": 1 if person["retired"] else 0,
        "Rank": 0, "ActiveInterests": 0, "ContactDepartment": contact.get("department", ""),
        "ContactCountryId": contact.get("country_id", 0),
        "ContactOrgNr": contact.get("orgnr", ""), "FaxPhone": "",
        "MobilePhone": _first(person["mobile_phones"]),
        "ContactPhone": _first(contact.get("phones", [])),
        "AssociateName": refdata.associate_name(contact.get("associate_id", 0)),
        "AssociateId": contact.get("associate_id", 0), "UsePersonAddress": False,
        "ContactFax": "", "Kanafname": "", "Kanalname": "", "Post1": "", "Post2": "",
        "Post3": "", "EmailName": "", "ContactFullName": contact.get("name", ""),
        "ActiveErpLinks": 0, "TicketPriorityId": 0, "SupportLanguageId": 0,
        "SupportAssociateId": 0, "CategoryName": "", "PersonNumber": person["person_number"],
    }


def contact_carrier(contact):
    if not contact:
        return None
    addr = carriers.address(contact["postal"], contact["street"], contact["country_id"])
    return {
        "TableRight": None, "FieldProperties": {}, "ContactId": contact["id"],
        "Name": contact["name"], "OrgNr": contact["orgnr"], "Department": contact["department"],
        "URL": _first(contact["urls"]), "City": contact["postal"]["City"],
        "DirectPhone": _first(contact["phones"]), "AssociateId": contact["associate_id"],
        "CountryId": contact["country_id"], "EmailAddress": _first(contact["emails"]),
        "Kananame": contact["kananame"], "EmailAddressName": "", "URLName": "",
        "AssociateFullName": refdata.associate_full_name(contact["associate_id"]),
        "BusinessName": refdata.BUSINESSES.get(contact["business_id"], ""),
        "CategoryName": refdata.CATEGORIES.get(contact["category_id"], ""),
        "CountryName": refdata.country_name(contact["country_id"]), "Address": addr,
        "FormattedAddress": addr["Formatted"], "FullName": contact["name"],
        "IsOwnerContact": False, "ActiveErpLinks": 0, "Number1": contact["number1"],
        "Number2": contact["number2"],
    }


def render_contact(rec, lookup, base, right="FULL"):
    persons = [person_carrier(p, rec) for p in lookup.persons_of(rec["id"])]
    out = _head("contact", right, lookup)
    out.update({
        "ContactId": rec["id"], "Name": rec["name"], "Department": rec["department"],
        "UpdatedDate": rec["updated"], "CreatedDate": rec["created"],
        "Emails": carriers.elements(rec["emails"]), "Urls": carriers.elements(rec["urls"]),
        "Phones": carriers.elements(rec["phones"], phone=True),
        "Faxes": carriers.elements(rec["faxes"], phone=True), "Interests": [],
        "OrgNr": rec["orgnr"], "Number1": rec["number1"], "Number2": rec["number2"],
        "Description": rec["description"],
        "UpdatedBy": refdata.associate(rec["updated_by"]),
        "CreatedBy": refdata.associate(rec["created_by"]),
        "Associate": refdata.associate(rec["associate_id"]), "SupportAssociate": None,
        "Business": refdata.list_item(refdata.BUSINESSES, rec["business_id"]),
        "Category": refdata.list_item(refdata.CATEGORIES, rec["category_id"]),
        "Country": refdata.country(rec["country_id"]), "Persons": persons,
        "NoMailing": rec["no_mailing"], "Kananame": rec["kananame"], "Xstop": rec["xstop"],
        "ActiveInterests": 0, "GroupId": 1, "ActiveStatusMonitorId": 0,
        "TicketPriority": None, "CustomerLanguage": None, "Deleted": rec["deleted"],
        "DbiAgentId": 0, "DbiLastSyncronized": EMPTY_DATE, "DbiKey": rec["dbi_key"],
        "DbiLastModified": EMPTY_DATE, "SupportPerson": None,
        "Address": carriers.address(rec["postal"], rec["street"], rec["country_id"]),
        "Source": 0, "ActiveErpLinks": 0, "BounceEmails": [], "Domains": list(rec["domains"]),
        "UserDefinedFields": carriers.udef_values("contact", rec["udefs"]), "ExtraFields": {},
        "CustomFields": carriers.custom_values("contact", rec["udefs"]),
    })
    if rec["id"]:
        out["_Links"] = _links(base, "Contact", rec["id"], ("Persons", "Projects", "Sales",
                                                             "Activities"))
    return out


def render_person(rec, lookup, base, right="FULL"):
    contact = lookup.record("contact", rec["contact_id"])
    out = _head("person", right, lookup)
    out.update({
        "PersonId": rec["id"], "Firstname": rec["firstname"], "MiddleName": rec["middlename"],
        "Lastname": rec["lastname"], "Mrmrs": rec["mrmrs"], "Title": rec["title"],
        "UpdatedDate": rec["updated"], "CreatedDate": rec["created"],
        "BirthDate": rec["birthdate"], "CreatedBy": refdata.associate(rec["created_by"]),
        "Emails": carriers.elements(rec["emails"]), "Description": rec["description"],
        "IsAssociate": False,
        "PrivatePhones": carriers.elements(rec["private_phones"], phone=True), "Faxes": [],
        "MobilePhones": carriers.elements(rec["mobile_phones"], phone=True),
        "OfficePhones": carriers.elements(rec["office_phones"], phone=True),
        "OtherPhones": [],
        "Position": refdata.list_item(refdata.POSITIONS, rec["position_id"]),
        "UpdatedBy": refdata.associate(rec["updated_by"]),
        "Contact": contact_carrier(contact), "Country": refdata.country(rec["country_id"]),
        "Interests": [], "PersonNumber": rec["person_number"], "FullName": full_name(rec),
        "NoMailing": rec["no_mailing"], "UsePersonAddress": False, "Retired": rec["retired"],
        "Urls": carriers.elements(rec["urls"]), "FormalName": full_name(rec),
        "Address": carriers.address(rec["address"], carriers.empty_address(),
                                     rec["country_id"], "PersonPrivateAddress", "Unknown"),
        "Post3": "", "Post1": "", "Post2": "", "Kanalname": "", "Kanafname": "",
        "CorrespondingAssociate": None, "Category": None, "Business": None,
        "Associate": None, "Salutation": "", "ActiveInterests": 0, "SupportAssociate": None,
        "TicketPriority": None, "CustomerLanguage": None, "DbiAgentId": 0,
        "DbiKey": rec["dbi_key"], "DbiLastModified": EMPTY_DATE,
        "DbiLastSyncronized": EMPTY_DATE, "SentInfo": 0, "ShowContactTickets": 0,
        "UserInfo": None, "ChatEmails": [], "InternetPhones": [], "Source": 0,
        "ActiveErpLinks": 0, "ShipmentTypes": [], "Consents": [], "BounceEmails": [],
        "ActiveStatusMonitorId": 0, "Deleted": rec["deleted"],
        "UserDefinedFields": carriers.udef_values("person", rec["udefs"]), "ExtraFields": {},
        "CustomFields": carriers.custom_values("person", rec["udefs"]),
    })
    if rec["id"]:
        out["_Links"] = _links(base, "Person", rec["id"], ("Activities", "Projects", "Sales"))
    return out


def project_member(project, member, lookup):
    contact = lookup.record("contact", member["contact_id"]) or {}
    person = lookup.record("person", member["person_id"]) or {}
    emails = person.get("emails", [])
    phones = person.get("office_phones", [])
    return {
        "TableRight": dict(FULL_RIGHT), "FieldProperties": schema.properties_of(
            schema.MEMBER_FIELDS),
        "ProjectmemberId": member["id"], "ContactId": member["contact_id"],
        "ProjectId": project["id"], "ContactName": contact.get("name", ""),
        "ContactDepartment": contact.get("department", ""), "ProjectName": project["name"],
        "EmailId": 1 if emails else 0, "EmailAddress": _first(emails),
        "CountryId": contact.get("country_id", 0), "Firstname": person.get("firstname", ""),
        "MiddleName": person.get("middlename", ""), "Lastname": person.get("lastname", ""),
        "PersonId": member["person_id"], "Mrmrs": person.get("mrmrs", ""),
        "ProjectMemberTypeName": refdata.MEMBER_TYPES.get(member["type_id"], ""),
        "Phone": _first(phones), "PhoneId": 1 if phones else 0,
        "ProjectMemberTypeId": member["type_id"], "EmailAddressName": "",
        "Comment": member["comment"], "FullName": full_name(person) if person else "",
    }


def render_project(rec, lookup, base, right="FULL"):
    out = _head("project", right, lookup)
    status = refdata.list_item(refdata.PROJECT_STATUSES, rec["status_id"])
    status["FieldProperties"] = schema.properties_of(schema.PROJECT_STATUS_FIELDS)
    out.update({
        "ProjectId": rec["id"], "Name": rec["name"], "ProjectNumber": rec["number"],
        "ProjectMembers": [project_member(rec, m, lookup) for m in rec["members"]],
        "Urls": carriers.elements(rec["urls"]), "CreatedDate": rec["created"],
        "UpdatedDate": rec["updated"], "Description": rec["description"],
        "Postit": rec["postit"], "CreatedBy": refdata.associate(rec["created_by"]),
        "UpdatedBy": refdata.associate(rec["updated_by"]),
        "Associate": refdata.associate(rec["associate_id"]), "ProjectStatus": status,
        "ProjectType": refdata.list_item(refdata.PROJECT_TYPES, rec["type_id"]),
        "HasImage": False, "ImageDescription": rec["image_description"],
        "ActiveStatusMonitorId": 0, "Links": [], "ActiveLinks": 0,
        "Completed": rec["completed"], "NextMilestoneDate": EMPTY_DATE, "NmdAppointmentId": 0,
        "EndDate": rec["end_date"], "StartDate": rec.get("start_date", EMPTY_DATE),
        "ActiveErpLinks": 0,
        "UserDefinedFields": carriers.udef_values("project", rec["udefs"]), "ExtraFields": {},
        "CustomFields": carriers.custom_values("project", rec["udefs"]),
        "PublishEventDate": EMPTY_DATE, "PublishTo": "9999-12-31T23:59:59.9999999",
        "PublishFrom": EMPTY_DATE, "IsPublished": False,
    })
    if rec["id"]:
        out["_Links"] = _links(base, "Project", rec["id"], (
            "Activities", "Guide", "Members", "Contacts", "Links"))
    return out


RENDER = {"contact": render_contact, "person": render_person, "project": render_project}


def render(kind, rec, lookup, base, right="FULL"):
    return RENDER[kind](rec, lookup, base, right)


def clone(rec):
    return copy.deepcopy(rec)
