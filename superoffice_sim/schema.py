"""Field tables of Contact, Person and Project: JSON name, store key, type, length, rights.

They drive three things at once: `FieldProperties` in every entity, which JSON properties a
POST/PUT/PATCH may write, and the `FieldLength` limits enforced on strings.
"""

S, INT, B, DT = "System.String", "System.Int32", "System.Boolean", "System.DateTime"


def _right(mandatory):
    if mandatory:
        return {"Mask": "Update, UIHintMandatory", "Reason": f"[SR_MANDATORY_FIELD_{mandatory}]"}
    return {"Mask": "Update", "Reason": ""}


class Field:
    """One entity property. `key` is the store key (None: not written by the client)."""

    __slots__ = ("name", "key", "ftype", "length", "mandatory")

    def __init__(self, name, key, ftype, length, mandatory=0):
        self.name, self.key, self.ftype = name, key, ftype
        self.length, self.mandatory = length, mandatory

    def properties(self):
        return {"FieldRight": _right(self.mandatory), "FieldType": self.ftype,
                "FieldLength": self.length}


F = Field
CONTACT_FIELDS = (
    F("ContactId", None, INT, 4), F("Name", "name", S, 219, 1281),
    F("Department", "department", S, 219), F("OrgNr", "orgnr", S, 31),
    F("Number1", "number1", S, 31), F("Number2", "number2", S, 31),
    F("UpdatedDate", None, DT, 16), F("CreatedDate", None, DT, 16),
    F("Emails", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Urls", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Phones", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Faxes", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Description", "description", S, 2047), F("Kananame", "kananame", S, 219),
    F("NoMailing", "no_mailing", B, 2), F("Xstop", "xstop", B, 2),
    F("Associate", None, "SuperOffice.CRM.Services.Associate", 4, 1284),
    F("Business", None, "SuperOffice.CRM.Services.Business", 4),
    F("Category", None, "SuperOffice.CRM.Services.Category", 4),
    F("Country", None, "SuperOffice.CRM.Services.Country", 4, 1285),
    F("Address", None, "SuperOffice.CRM.Services.Address", 0),
    F("Deleted", None, "System.Int16", 2), F("DbiKey", "dbi_key", S, 254),
    F("Domains", None, "System.String[]", 0),
)
PERSON_FIELDS = (
    F("PersonId", None, INT, 4), F("Firstname", "firstname", S, 99, 1539),
    F("MiddleName", "middlename", S, 99), F("Lastname", "lastname", S, 99),
    F("Mrmrs", "mrmrs", S, 239), F("Title", "title", S, 239),
    F("UpdatedDate", None, DT, 16), F("CreatedDate", None, DT, 16),
    F("BirthDate", "birthdate", DT, 16),
    F("Emails", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Description", "description", S, 2047),
    F("PrivatePhones", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("MobilePhones", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("OfficePhones", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Urls", None, "SuperOffice.CRM.Services.EntityElement[]", 0),
    F("Position", None, "SuperOffice.CRM.Services.Position", 4),
    F("Contact", None, "SuperOffice.CRM.Services.Contact", 4, 1540),
    F("Country", None, "SuperOffice.CRM.Services.Country", 4),
    F("PersonNumber", "person_number", S, 31), F("NoMailing", "no_mailing", B, 2),
    F("Retired", "retired", B, 2), F("Address", None, "SuperOffice.CRM.Services.Address", 0),
    F("DbiKey", "dbi_key", S, 254),
)
PROJECT_FIELDS = (
    F("ProjectId", None, INT, 4), F("Name", "name", S, 219, 2817),
    F("ProjectNumber", "number", S, 49, 2818), F("CreatedDate", None, DT, 16),
    F("UpdatedDate", None, DT, 16), F("ActiveLinks", None, "System.UInt32", 4),
    F("NextMilestoneDate", None, DT, 16), F("NmdAppointmentId", None, INT, 4),
    F("EndDate", "end_date", DT, 16), F("StartDate", "start_date", DT, 16),
    F("ActiveErpLinks", None, INT, 4),
    F("ProjectMembers", None, "SuperOffice.CRM.Services.ProjectMember[]", 0, 2817),
    F("Description", "description", S, 2047), F("Postit", "postit", S, 2047),
    F("CreatedBy", None, "SuperOffice.CRM.Services.Associate", 4),
    F("UpdatedBy", None, "SuperOffice.CRM.Services.Associate", 4),
    F("Associate", None, "SuperOffice.CRM.Services.Associate", 4, 2821),
    F("ProjectStatus", None, "SuperOffice.CRM.Services.ProjectStatus", 4),
    F("ProjectType", None, "SuperOffice.CRM.Services.ProjectType", 4, 2819),
    F("HasImage", None, B, 0, 2817), F("ImageDescription", "image_description", S, 254, 2817),
    F("ActiveStatusMonitorId", None, S, 0, 2817), F("Links", None, INT, 4),
    F("Completed", "completed", B, 2),
)
MEMBER_FIELDS = (
    F("ProjectId", None, INT, 4), F("ProjectName", None, S, 219, 2817),
    F("ContactId", None, INT, 4), F("ContactName", None, S, 219, 1281),
    F("ContactDepartment", None, S, 219), F("PersonId", None, INT, 4),
    F("FirstName", None, S, 99, 1539), F("MiddleName", None, S, 99),
    F("Lastname", None, S, 99), F("PhoneId", None, INT, 4), F("Phone", None, S, 239),
    F("EmailId", None, INT, 4), F("EmailAddress", None, S, 239),
    F("EmailRank", None, "System.Int16", 2), F("TypeId", None, INT, 4),
    F("Function", None, S, 239), F("CountryId", None, INT, 4), F("MrMrs", None, S, 239),
    F("EmailName", None, S, 254), F("Comment", "comment", S, 2047),
    F("ProjectMemberId", None, INT, 4),
)
PROJECT_STATUS_FIELDS = (F("ProjStatusId", None, INT, 4), F("Value", None, S, 239),
                         F("Tooltip", None, S, 254))

# user-defined fields per entity: prog id -> (label, kind "string"|"list")
UDEFS = {
    "contact": {"SuperOffice:1": ("Customer number", "string"),
                "SuperOffice:2": ("Segment", "list")},
    "person": {"SuperOffice:1": ("Newsletter", "string")},
    "project": {"SuperOffice:1": ("Priority", "list"), "SuperOffice:2": ("Reference", "string")},
}
UDEF_LIST_ITEMS = {1: "Low", 2: "Medium", 3: "High", 8: "Key account"}
# limits of the parts of sub-objects (element values, address parts)
ELEMENT_LENGTH = 254
ADDRESS_PART_LENGTH = {"Address1": 254, "Address2": 254, "Address3": 254, "City": 99,
                       "Zipcode": 99, "County": 99, "State": 99}

FIELDS = {"contact": CONTACT_FIELDS, "person": PERSON_FIELDS, "project": PROJECT_FIELDS}
_TAIL = {"project": (F("Urls", None, "SuperOffice.CRM.Services.EntityElement[]", 0),)}


def field_properties(kind):
    """The `FieldProperties` object of an entity kind (udef fields included)."""
    props = {f.name: f.properties() for f in FIELDS[kind]}
    for prog_id in UDEFS[kind]:
        props[f"UserDefinedFields.{prog_id}"] = {
            "FieldRight": _right(0), "FieldType": S, "FieldLength": -1}
    for f in _TAIL.get(kind, ()):
        props[f.name] = f.properties()
    return props


def properties_of(fields):
    return {f.name: f.properties() for f in fields}
