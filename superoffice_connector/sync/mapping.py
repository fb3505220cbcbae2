"""Field mapping specification: which canonical key pairs which Odoo field with which SuperOffice
field, in which direction, through which transform.

``so_field`` is a small path language over the SuperOffice entity JSON:

* ``"Name"``, ``"Address.Postal.City"``: a (nested) property;
* ``"Phones[0]"``: the ``Value`` of the first element of an EntityElement array;
* ``"Phones[Mobile]"``: the first element whose ``Description`` is ``Mobile`` (case-insensitive);
* ``"Phones[!Mobile]"``: the first element whose ``Description`` is *not* ``Mobile``;
* ``"Firstname+MiddleName+Lastname"``: a person's full name (see :mod:`.names`);
* ``"UserDefinedFields.SuperOffice:1"`` / ``"CustomFields.x_foo"``: a user-defined/extra field,
  its ``[I:8]``-style encoding decoded (see :mod:`.transforms`).

``transform`` is the canonical kind (see :mod:`.canonical`); some kinds read whole SuperOffice
objects: ``country`` (``Country``), ``list_item`` (``Category``, ``Business``, ``ProjectStatus``,
``ProjectType``), ``owner`` (``Associate``), ``ref`` (``Contact`` carrier of a person),
``members`` (``ProjectMembers``).

    >>> [f.key for f in default_mapping("project")][:3]
    ['name', 'number', 'status']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from .canonical import NORMALIZERS

DIRECTIONS = ("both", "to_so", "to_odoo", "none")
ENTITY_TYPES = ("company", "person", "project")


@dataclass(frozen=True)
class FieldMap:
    """One mapped field. ``direction`` says where changes may flow:

    ``both`` both ways; ``to_so`` Odoo is the source; ``to_odoo`` SuperOffice is the source;
    ``none`` shown in the comparison screen but never synchronised.
    """

    key: str
    label: str
    odoo_field: str | None
    so_field: str | None
    direction: str = "both"
    transform: str = "text"
    show_in_search: bool = False
    show_on_tab: bool = True
    mandatory_so: bool = False

    @property
    def writes_so(self) -> bool:
        return self.direction in ("both", "to_so") and bool(self.so_field)

    @property
    def writes_odoo(self) -> bool:
        return self.direction in ("both", "to_odoo") and bool(self.odoo_field)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldMap:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


def validate_mapping(fields: Iterable[FieldMap]) -> list[str]:
    """Return plain-English problems of a mapping (empty list when it is valid)."""
    problems = []
    seen: set[str] = set()
    for field in fields:
        if field.key in seen:
            problems.append(f"Field key '{field.key}' is mapped twice.")
        seen.add(field.key)
        if field.direction not in DIRECTIONS:
            problems.append(f"Field '{field.label}' has an unknown direction '{field.direction}'.")
        if field.transform not in NORMALIZERS:
            problems.append(f"Field '{field.label}' has an unknown transform '{field.transform}'.")
        if field.direction in ("both", "to_so") and not field.so_field:
            problems.append(f"Field '{field.label}' writes SuperOffice but has no SuperOffice field.")
        if field.direction in ("both", "to_odoo") and not field.odoo_field:
            problems.append(f"Field '{field.label}' writes Odoo but has no Odoo field.")
        if field.mandatory_so and field.direction == "none":
            problems.append(f"Field '{field.label}' is mandatory in SuperOffice but not synchronised.")
    return problems


def by_key(fields: Iterable[FieldMap]) -> dict[str, FieldMap]:
    return {f.key: f for f in fields}


def with_direction(fields: Iterable[FieldMap], **directions: str) -> tuple[FieldMap, ...]:
    """Copy of a mapping with some directions changed: ``with_direction(m, phone="to_so")``."""
    return tuple(replace(f, direction=directions.get(f.key, f.direction)) for f in fields)


F = FieldMap
_POSTAL = "Address.Postal."

_COMPANY = (
    F("name", "Name", "name", "Name", show_in_search=True, mandatory_so=True),
    F("department", "Department", "superoffice_department", "Department"),
    F("vat", "VAT / organisation number", "vat", "OrgNr", show_in_search=True),
    F("ref", "Customer/supplier number", "ref", "Number1", show_in_search=True),
    F("street", "Street", "street", _POSTAL + "Address1"),
    F("street2", "Street 2", "street2", _POSTAL + "Address2"),
    F("zip", "ZIP", "zip", _POSTAL + "Zipcode"),
    F("city", "City", "city", _POSTAL + "City", show_in_search=True),
    F("state", "State", "state_id", _POSTAL + "State"),
    F("country", "Country", "country_id", "Country", transform="country"),
    F("phone", "Phone", "phone", "Phones[!Mobile]", transform="phone", show_in_search=True),
    F("mobile", "Mobile", "superoffice_mobile", "Phones[Mobile]", transform="phone"),
    F("email", "E-mail", "email", "Emails[0]", transform="email", show_in_search=True),
    F("website", "Website", "website", "Urls[0]", transform="url"),
    F("category", "Category", "category_id", "Category", transform="list_item"),
    F("business", "Business", "industry_id", "Business", transform="list_item"),
    F("owner", "Owner", "user_id", "Associate", transform="owner"),
    F("description", "Description", "comment", "Description", transform="multiline"),
)

_PERSON = (
    F("name", "Name", "name", "Firstname+MiddleName+Lastname", show_in_search=True,
      mandatory_so=True),
    F("function", "Title", "function", "Title"),
    F("email", "E-mail", "email", "Emails[0]", transform="email", show_in_search=True),
    F("phone", "Office phone", "phone", "OfficePhones[0]", transform="phone"),
    F("mobile", "Mobile", "superoffice_mobile", "MobilePhones[0]", transform="phone"),
    F("company", "Company", "parent_id", "Contact", transform="ref", show_in_search=True),
    F("description", "Description", "comment", "Description", transform="multiline"),
)

_PROJECT = (
    F("name", "Name", "name", "Name", show_in_search=True, mandatory_so=True),
    F("number", "Project number", "superoffice_number", "ProjectNumber", direction="to_odoo",
      show_in_search=True),
    F("status", "Status", "stage_id", "ProjectStatus", transform="list_item"),
    F("type", "Type", "tag_ids", "ProjectType", transform="list_item"),
    F("owner", "Project manager", "user_id", "Associate", transform="owner"),
    F("date_start", "Start date", "date_start", "StartDate", transform="date"),
    F("date_end", "End date", "date", "EndDate", transform="date"),
    F("description", "Description", "description", "Description", transform="multiline"),
    F("members", "Members", "message_partner_ids", "ProjectMembers", transform="members"),
)

_DEFAULTS = {"company": _COMPANY, "person": _PERSON, "project": _PROJECT}


def default_mapping(entity_type: str) -> tuple[FieldMap, ...]:
    """The default field mapping of ``"company"``, ``"person"`` or ``"project"``."""
    try:
        return _DEFAULTS[entity_type]
    except KeyError:
        raise ValueError(f"Unknown entity type '{entity_type}'.") from None
