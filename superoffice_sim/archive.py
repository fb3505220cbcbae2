"""Archive provider columns (SimpleContact, Person, Project) with raw and display values.

Filters compare raw values (ids, ISO dates, booleans); slim rows show display values, e.g.
`associateId` "RJ" and `category` "Customer", like the real archive answers.

Column names and kinds follow SuperOffice's archive-provider reference (Contact, Person and
PersonProjects/Project providers). Where the reference is silent, these are the choices made:

* ``$mode=Full`` rows carry each column under ``"Column"`` as ``{DisplayValue, RawValue,
  TooltipHint, LinkHint}`` with a numeric ``PrimaryKey`` (docs: search/odata/using-filters).
  A list column's RawValue is the list item id (0 when empty) and its DisplayValue the item
  text (``""`` when empty); an associate column's RawValue is the associate id and its
  DisplayValue the associate's short name (the slim fixture shows ``"associateId": "RJ"``).
* Dates are raw ISO strings in UTC without offset, ``0001-01-01T00:00:00`` when empty, in
  both modes (the slim fixture shows ``"endDate": "0001-01-01T00:00:00"``).
* One-to-many columns (``email/emailAddress``, ``url/URLAddress``, ``contactPhone/...``,
  ``personDirectPhone/...``, ``personMobilePhone/...``) show the first row by rank (the entity's
  first element of that array), ``""`` when there is none.
* ``hasInfoText`` is true when the description (info text) is not empty; the Contact provider
  has no column with the text itself, the Person provider has ``personInfo/infoText`` and the
  Project provider ``description``.
"""

from . import refdata
from .entities import full_name
from .refdata import EMPTY_DATE


class Column:
    """`kind` is int|string|datetime|bool|list; `display` maps a raw value for slim rows."""

    __slots__ = ("name", "kind", "get", "display")

    def __init__(self, name, kind, get, display=None):
        self.name, self.kind, self.get, self.display = name, kind, get, display


def _first(pairs):
    return pairs[0][0] if pairs else ""


def _first_description(pairs):
    return pairs[0][1] if pairs else ""


def _assoc(name, key):
    return Column(name, "list", lambda r, s: r[key], refdata.associate_name)


def is_associate(column):
    """An associate column (restriction type 'associate': ``associateIsOneOf``...)."""
    return column.display is refdata.associate_name


def _list(name, key, table):
    return Column(name, "list", lambda r, s: r[key], lambda v: table.get(v, ""))


def _address(prefix, key):
    parts = {"line1": "Address1", "line2": "Address2", "line3": "Address3", "city": "City",
             "zip": "Zipcode", "state": "State", "county": "County"}
    cols = [Column(f"{prefix}/{col}", "string", lambda r, s, p=part: r[key][p])
            for col, part in parts.items()]
    return cols


def _contact_of(rec, store):
    return store.record("contact", rec["contact_id"]) or {}


CONTACT = [
    Column("contactId", "int", lambda r, s: r["id"]),
    Column("name", "string", lambda r, s: r["name"]),
    Column("department", "string", lambda r, s: r["department"]),
    Column("nameDepartment", "string",
           lambda r, s: f"{r['name']} - {r['department']}" if r["department"] else r["name"]),
    Column("hasInfoText", "bool", lambda r, s: bool(r["description"])),
    _assoc("associateId", "associate_id"),
    _list("category", "category_id", refdata.CATEGORIES),
    _list("business", "business_id", refdata.BUSINESSES),
    Column("country", "list", lambda r, s: r["country_id"], refdata.country_name),
    Column("countryId", "int", lambda r, s: r["country_id"]),
    Column("number", "string", lambda r, s: r["number2"]),
    Column("code", "string", lambda r, s: r["number1"]),
    Column("orgnr", "string", lambda r, s: r["orgnr"]),
    Column("stop", "bool", lambda r, s: r["xstop"]),
    Column("contactNoMail", "bool", lambda r, s: r["no_mailing"]),
    _assoc("updatedBy", "updated_by"),
    Column("updatedDate", "datetime", lambda r, s: r["updated"]),
    _assoc("registeredBy", "created_by"),
    Column("registeredDate", "datetime", lambda r, s: r["created"]),
    Column("contactSource", "int", lambda r, s: 0),
    Column("contactDeleted", "bool", lambda r, s: bool(r["deleted"])),
    Column("deletedDate", "datetime", lambda r, s: r["deleted_date"]),
    Column("activeErpLinks", "bool", lambda r, s: False),
    Column("email/emailAddress", "string", lambda r, s: _first(r["emails"])),
    Column("url/URLAddress", "string", lambda r, s: _first(r["urls"])),
    Column("contactPhone/formattedNumber", "string", lambda r, s: _first(r["phones"])),
    Column("contactPhone/description", "string", lambda r, s: _first_description(r["phones"])),
    *_address("postAddress", "postal"),
    *_address("streetAddress", "street"),
    Column("contactUdef/SuperOffice:1", "string", lambda r, s: r["udefs"].get("SuperOffice:1", "")),
]
PERSON = [
    Column("personId", "int", lambda r, s: r["id"]),
    Column("firstName", "string", lambda r, s: r["firstname"]),
    Column("middleName", "string", lambda r, s: r["middlename"]),
    Column("lastName", "string", lambda r, s: r["lastname"]),
    Column("fullName", "string", lambda r, s: full_name(r)),
    Column("contactId", "int", lambda r, s: r["contact_id"]),
    Column("hasInfoText", "bool", lambda r, s: bool(r["description"])),
    Column("personInfo/infoText", "string", lambda r, s: r["description"]),
    Column("name", "string", lambda r, s: _contact_of(r, s).get("name", "")),
    Column("department", "string", lambda r, s: _contact_of(r, s).get("department", "")),
    Column("mrMrs", "string", lambda r, s: r["mrmrs"]),
    _list("position", "position_id", refdata.POSITIONS),
    Column("personNumber", "string", lambda r, s: r["person_number"]),
    Column("title", "string", lambda r, s: r["title"]),
    Column("retired", "bool", lambda r, s: r["retired"]),
    Column("personUpdatedDate", "datetime", lambda r, s: r["updated"]),
    _assoc("personUpdatedBy", "updated_by"),
    Column("personRegisteredDate", "datetime", lambda r, s: r["created"]),
    _assoc("personRegisteredBy", "created_by"),
    Column("personDeletedDate", "datetime", lambda r, s: r["deleted_date"]),
    Column("personActiveErpLinks", "bool", lambda r, s: False),
    Column("email/emailAddress", "string", lambda r, s: _first(r["emails"])),
    Column("personMobilePhone/formattedNumber", "string", lambda r, s: _first(r["mobile_phones"])),
    Column("personMobilePhone/description", "string",
           lambda r, s: _first_description(r["mobile_phones"])),
    Column("personDirectPhone/formattedNumber", "string", lambda r, s: _first(r["office_phones"])),
    Column("personDirectPhone/description", "string",
           lambda r, s: _first_description(r["office_phones"])),
    Column("personUdef/SuperOffice:1", "string", lambda r, s: r["udefs"].get("SuperOffice:1", "")),
]
PROJECT = [
    Column("projectId", "int", lambda r, s: r["id"]),
    Column("name", "string", lambda r, s: r["name"]),
    Column("text", "string", lambda r, s: r["name"]),
    Column("number", "string", lambda r, s: r["number"]),
    _assoc("associateId", "associate_id"),
    _list("type", "type_id", refdata.PROJECT_TYPES),
    _list("status", "status_id", refdata.PROJECT_STATUSES),
    Column("hasGuide", "bool", lambda r, s: True),
    Column("nextMilestone", "datetime", lambda r, s: EMPTY_DATE),
    Column("endDate", "datetime", lambda r, s: r["end_date"]),
    Column("imageThumbnail", "string", lambda r, s: ""),
    Column("activeErpLinks", "bool", lambda r, s: False),
    _assoc("registeredBy", "created_by"),
    Column("registeredDate", "datetime", lambda r, s: r["created"]),
    Column("hasInfoText", "bool", lambda r, s: bool(r["description"])),
    Column("description", "string", lambda r, s: r["description"]),
    Column("completed", "bool", lambda r, s: r["completed"]),
    Column("icon", "string", lambda r, s: "Project"),
    _assoc("updatedBy", "updated_by"),
    Column("updatedDate", "datetime", lambda r, s: r["updated"]),
]
COLUMNS = {k: {c.name.lower(): c for c in cols}
           for k, cols in (("contact", CONTACT), ("person", PERSON), ("project", PROJECT))}
PRIMARY = {"contact": "contactid", "person": "personid", "project": "projectid"}
DEFAULT_SELECT = {
    "contact": ["contactId", "name", "department", "orgnr", "number", "code", "category",
                "business", "country", "associateId", "email/emailAddress",
                "postAddress/city", "updatedDate", "registeredDate", "contactDeleted",
                "deletedDate"],
    "person": ["personId", "firstName", "middleName", "lastName", "fullName", "contactId",
               "name", "title", "email/emailAddress", "personDirectPhone/formattedNumber",
               "personMobilePhone/formattedNumber", "personUpdatedDate", "personRegisteredDate"],
    "project": [c.name for c in PROJECT],
}
# archive provider name (lower case) -> entity kind
PROVIDERS = {"simplecontact": "contact", "contact": "contact", "findcontact": "contact",
             "person": "person", "simpleperson": "person", "findperson": "person",
             "project": "project", "simpleproject": "project", "findproject": "project"}
