"""Apply an entity JSON body (POST/PUT/PATCH result) onto a store record, with validation.

Property names are matched case-insensitively like the .NET deserializer; read-only
properties (ids, dates, carriers computed by the server) are ignored. Invalid input raises
`ValidationError` naming the field.
"""

import re

from . import carriers, refdata, schema
from .errors import ValidationError
from .refdata import EMPTY_DATE

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?")


def normalize_date(value, field="date"):
    """'2020-04-22T15:51:25.123Z' -> '2020-04-22T15:51:25' (naive, second precision)."""
    if value in (None, ""):
        return EMPTY_DATE
    match = _DATE.match(str(value))
    if not match:
        raise ValidationError(field, f"not a date: {value!r}")
    time = match.group(2) or "00:00:00"
    if len(time) == 5:
        time += ":00"
    return f"{match.group(1)}T{time}"


class _Body:
    """Case-insensitive access to a JSON object."""

    def __init__(self, obj, name="body"):
        if not isinstance(obj, dict):
            raise ValidationError(name, "an object is required")
        self.obj = obj
        self.keys = {k.lower(): k for k in obj}

    def has(self, name):
        return name.lower() in self.keys

    def get(self, name, default=None):
        key = self.keys.get(name.lower())
        return self.obj[key] if key is not None else default


def _scalar(field, value):
    if field.ftype == schema.S:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(field.name, "must be a string")
        carriers.check_length(field.name, value, field.length)
        return value
    if field.ftype == schema.B:
        if not isinstance(value, bool):
            raise ValidationError(field.name, "must be true or false")
        return value
    if field.ftype == schema.DT:
        return normalize_date(value, field.name)
    return value


def _id_of(body, name, id_key, table):
    """Id of a list item / associate / country object (`{"Id": 3}`), validated."""
    obj = body.get(name)
    if obj is None:
        return 0
    if not isinstance(obj, dict):
        raise ValidationError(name, "must be an object")
    item = _Body(obj, name).get(id_key, 0) or 0
    if not isinstance(item, int) or (item and item not in table):
        raise ValidationError(f"{name}.{id_key}", f"unknown {name} {item!r}")
    return item


def parse(kind, body_obj, rec, lookup):
    """Return a copy of `rec` with the properties of `body_obj` applied."""
    body = _Body(body_obj)
    new = {k: (v.copy() if isinstance(v, (dict, list)) else v) for k, v in rec.items()}
    for field in schema.FIELDS[kind]:
        if field.key and body.has(field.name):
            new[field.key] = _scalar(field, body.get(field.name))
    # a patched entity carries both udef views; only values that differ from the stored
    # ones are changes (otherwise the untouched view would undo the edited one)
    shown = carriers.udef_values(kind, rec["udefs"])
    for name in ("UserDefinedFields", "CustomFields"):
        obj = body.get(name)
        if isinstance(obj, dict):
            obj = {k: v for k, v in obj.items() if shown.get(k, object()) != v}
        if body.has(name):
            new["udefs"] = carriers.parse_udefs(kind, name, obj, new["udefs"])
    if body.has("Country"):
        new["country_id"] = _id_of(body, "Country", "CountryId", refdata.COUNTRIES) or 578
    if body.has("Associate") and kind != "person":
        new["associate_id"] = _id_of(body, "Associate", "AssociateId", refdata.ASSOCIATES)
    _PARSERS[kind](body, new, lookup)
    return new


def _elements(body, new, mapping):
    for name, key in mapping:
        if body.has(name):
            new[key] = carriers.parse_elements(name, body.get(name))


def _address(body, name):
    obj = body.get(name)
    return None if obj is None else _Body(obj, name)


def _parse_contact(body, new, lookup):
    _elements(body, new, (("Emails", "emails"), ("Urls", "urls"), ("Phones", "phones"),
                          ("Faxes", "faxes")))
    if body.has("Category"):
        new["category_id"] = _id_of(body, "Category", "Id", refdata.CATEGORIES)
    if body.has("Business"):
        new["business_id"] = _id_of(body, "Business", "Id", refdata.BUSINESSES)
    if body.has("Domains"):
        domains = body.get("Domains") or []
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ValidationError("Domains", "must be a list of strings")
        new["domains"] = list(domains)
    addr = _address(body, "Address")
    if addr is not None:
        for part, key in (("Street", "street"), ("Postal", "postal")):
            if addr.has(part):
                new[key] = carriers.parse_address_part(f"Address.{part}", addr.get(part),
                                                       new[key])
    if not new["name"].strip():
        raise ValidationError("Name", "a company needs a name")


def _parse_person(body, new, lookup):
    _elements(body, new, (("Emails", "emails"), ("Urls", "urls"),
                          ("OfficePhones", "office_phones"), ("MobilePhones", "mobile_phones"),
                          ("PrivatePhones", "private_phones")))
    if body.has("Position"):
        new["position_id"] = _id_of(body, "Position", "Id", refdata.POSITIONS)
    if body.has("Contact"):
        contact = body.get("Contact")
        contact_id = _Body(contact, "Contact").get("ContactId", 0) if contact else 0
        new["contact_id"] = contact_id if isinstance(contact_id, int) else -1
    if new["contact_id"] <= 0 or lookup.record("contact", new["contact_id"]) is None:
        raise ValidationError("Contact", "a person needs an existing company (Contact.ContactId)")
    addr = _address(body, "Address")
    if addr is not None:
        for part in ("Postal", "Street"):
            if addr.has(part):
                new["address"] = carriers.parse_address_part(f"Address.{part}",
                                                             addr.get(part), new["address"])
                break


def _parse_members(items, new, lookup):
    if not isinstance(items, list):
        raise ValidationError("ProjectMembers", "must be a list")
    members, known = [], {m["id"]: m for m in new["members"]}
    for i, item in enumerate(items):
        name = f"ProjectMembers[{i}]"
        obj = _Body(item, name)
        person_id = obj.get("PersonId", 0) or 0
        contact_id = obj.get("ContactId", 0) or 0
        person = lookup.record("person", person_id) if person_id else None
        if person_id and person is None:
            raise ValidationError(f"{name}.PersonId", f"unknown person {person_id}")
        if person and not contact_id:
            contact_id = person["contact_id"]
        if contact_id and lookup.record("contact", contact_id) is None:
            raise ValidationError(f"{name}.ContactId", f"unknown company {contact_id}")
        if not (contact_id or person_id):
            raise ValidationError(name, "a member needs a ContactId or PersonId")
        type_id = obj.get("ProjectMemberTypeId", 0) or 2
        if type_id not in refdata.MEMBER_TYPES:
            raise ValidationError(f"{name}.ProjectMemberTypeId", f"unknown type {type_id}")
        comment = obj.get("Comment") or ""
        carriers.check_length(f"{name}.Comment", comment, 2047)
        member_id = obj.get("ProjectmemberId", 0) or obj.get("ProjectMemberId", 0) or 0
        members.append({"id": member_id if member_id in known else 0, "contact_id": contact_id,
                        "person_id": person_id, "type_id": type_id, "comment": comment})
    new["members"] = members


def _parse_project(body, new, lookup):
    _elements(body, new, (("Urls", "urls"),))
    if body.has("ProjectStatus"):
        new["status_id"] = _id_of(body, "ProjectStatus", "Id", refdata.PROJECT_STATUSES)
    if body.has("ProjectType"):
        new["type_id"] = _id_of(body, "ProjectType", "Id", refdata.PROJECT_TYPES)
    if body.has("ProjectMembers"):
        _parse_members(body.get("ProjectMembers") or [], new, lookup)
    if not new["name"].strip():
        raise ValidationError("Name", "a project needs a name")


_PARSERS = {"contact": _parse_contact, "person": _parse_person, "project": _parse_project}
