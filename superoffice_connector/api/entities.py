"""Read-only values for SuperOffice entities and archive rows.

Each value is a ``Mapping`` over the JSON object exactly as SuperOffice sent it, so unknown keys
are kept (``entity["SomeNewField"]``, ``entity.raw``); nested objects come back as read-only
mappings and lists as tuples. Typed accessors (``id``, ``name``, ``updated`` …) parse the common
fields: date-times are aware UTC ``datetime`` values (naive wire values are UTC, the empty date
``0001-01-01T00:00:00`` is ``None``), user-defined values like ``"[I:8]"`` are decoded.
"""

import copy
from collections.abc import Mapping
from types import MappingProxyType

from .exceptions import MalformedResponseError
from .parsing import NULL_DATE_PREFIX, decode_udefs, parse_datetime, parse_int


def freeze(value):
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value):
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


class Record(Mapping):
    """A read-only JSON object with typed accessors."""

    __slots__ = ("_data", "last_modified", "partial")

    def __init__(self, data, last_modified=None, partial=False):
        if not isinstance(data, Mapping):
            raise TypeError(f"{type(self).__name__} needs a JSON object.")
        object.__setattr__(self, "_data", freeze(thaw(data)))
        object.__setattr__(self, "last_modified", last_modified)
        # True for an entity put together from archive columns (see ``api.bulk``): it holds
        # the mapped fields and the change stamp, not every property of the record.
        object.__setattr__(self, "partial", partial)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is read-only.")

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __eq__(self, other):
        if isinstance(other, Record):
            return thaw(self._data) == thaw(other._data)
        if isinstance(other, Mapping):
            return thaw(self._data) == thaw(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"<{type(self).__name__} id={getattr(self, 'id', None)!r}>"

    @property
    def raw(self):
        """A fresh, mutable deep copy of the JSON object."""
        return copy.deepcopy(thaw(self._data))

    def _date(self, key):
        return parse_datetime(self._data.get(key))

    def _str(self, key):
        value = self._data.get(key)
        return value if value is not None else ""

    def _list_item_id(self, key, id_key="Id"):
        item = self._data.get(key)
        return parse_int(item.get(id_key)) if isinstance(item, Mapping) else None


class Entity(Record):
    KIND = None
    ID_FIELD = None

    @property
    def id(self):
        return parse_int(self._data.get(self.ID_FIELD), 0)

    @property
    def updated(self):
        return self._date("UpdatedDate")

    @property
    def created(self):
        return self._date("CreatedDate")

    @property
    def change_stamp(self):
        """``(UpdatedDate, UpdatedBy's associate id)``: the pair moves with every write to the
        record (the date has a resolution of one second). The date is normalised (UTC, ISO
        8601 without offset), so two spellings of one instant compare equal; SuperOffice's
        "never" (``0001-01-01``) is kept as it is, and a date that cannot be read gives ``None``
        (then no two stamps are taken as equal)."""
        raw = self._data.get("UpdatedDate")
        try:
            when = parse_datetime(raw)
        except MalformedResponseError:
            when = None
        if when is not None:
            updated = when.replace(tzinfo=None).isoformat()
        elif isinstance(raw, str) and raw.startswith(NULL_DATE_PREFIX):
            updated = NULL_DATE_PREFIX
        else:
            updated = None
        return updated, self._list_item_id("UpdatedBy", "AssociateId")

    @property
    def deleted(self):
        return bool(self._data.get("Deleted"))

    @property
    def udefs(self):
        """``UserDefinedFields`` with ``[I:..]``/``[F:..]``/``[DT:..]`` values decoded."""
        return decode_udefs(thaw(self._data.get("UserDefinedFields") or {}))

    @property
    def custom_fields(self):
        return decode_udefs(thaw(self._data.get("CustomFields") or {}))

    def elements(self, key):
        """Values of an EntityElement list (``Emails``, ``Phones`` …) as a tuple of strings."""
        return tuple(e.get("Value") for e in self._data.get(key) or () if e.get("Value"))

    @property
    def can_update(self):
        """Whether ``TableRight`` lets this user update the record (``FULL`` or ``Update``).

        An entity without a ``TableRight`` is assumed updatable; the server decides anyway.
        """
        mask = str((self._data.get("TableRight") or {}).get("Mask") or "FULL")
        flags = {part.strip().lower() for part in mask.split(",")}
        return "full" in flags or "update" in flags

    @property
    def readonly_fields(self):
        """Names of the properties whose ``FieldRight`` does not include ``Update``."""
        props = self._data.get("FieldProperties") or {}
        readonly = set()
        for name, prop in props.items():
            mask = str(((prop or {}).get("FieldRight") or {}).get("Mask") or "")
            flags = {part.strip().lower() for part in mask.split(",")}
            if mask and not flags & {"full", "update"}:
                readonly.add(name)
        return frozenset(readonly)


class Contact(Entity):
    """A SuperOffice company (``ContactEntity``)."""

    KIND = "contact"
    ID_FIELD = "ContactId"

    name = property(lambda self: self._str("Name"))
    department = property(lambda self: self._str("Department"))
    org_nr = property(lambda self: self._str("OrgNr"))
    number1 = property(lambda self: self._str("Number1"))
    number2 = property(lambda self: self._str("Number2"))
    emails = property(lambda self: self.elements("Emails"))
    phones = property(lambda self: self.elements("Phones"))
    urls = property(lambda self: self.elements("Urls"))
    category_id = property(lambda self: self._list_item_id("Category"))
    business_id = property(lambda self: self._list_item_id("Business"))
    country_id = property(lambda self: self._list_item_id("Country", "CountryId"))
    associate_id = property(lambda self: self._list_item_id("Associate", "AssociateId"))


class Person(Entity):
    """A contact person (``PersonEntity``)."""

    KIND = "person"
    ID_FIELD = "PersonId"

    first_name = property(lambda self: self._str("Firstname"))
    middle_name = property(lambda self: self._str("MiddleName"))
    last_name = property(lambda self: self._str("Lastname"))
    title = property(lambda self: self._str("Title"))
    emails = property(lambda self: self.elements("Emails"))
    office_phones = property(lambda self: self.elements("OfficePhones"))
    mobile_phones = property(lambda self: self.elements("MobilePhones"))
    contact_id = property(lambda self: self._list_item_id("Contact", "ContactId"))
    country_id = property(lambda self: self._list_item_id("Country", "CountryId"))
    birth_date = property(lambda self: self._date("BirthDate"))

    @property
    def full_name(self):
        if self._data.get("FullName"):
            return self._data["FullName"]
        parts = (self.first_name, self.middle_name, self.last_name)
        return " ".join(p for p in parts if p)


class ProjectMember(Record):
    id = property(lambda self: parse_int(self._data.get("ProjectmemberId"), 0))
    contact_id = property(lambda self: parse_int(self._data.get("ContactId"), 0))
    person_id = property(lambda self: parse_int(self._data.get("PersonId"), 0))
    member_type_id = property(lambda self: parse_int(self._data.get("ProjectMemberTypeId"), 0))


class Project(Entity):
    """A project (``ProjectEntity``); companies and persons attach as ``ProjectMembers``."""

    KIND = "project"
    ID_FIELD = "ProjectId"

    name = property(lambda self: self._str("Name"))
    number = property(lambda self: self._str("ProjectNumber"))
    description = property(lambda self: self._str("Description"))
    completed = property(lambda self: bool(self._data.get("Completed")))
    end_date = property(lambda self: self._date("EndDate"))
    status_id = property(lambda self: self._list_item_id("ProjectStatus"))
    type_id = property(lambda self: self._list_item_id("ProjectType"))

    @property
    def members(self):
        return tuple(ProjectMember(m) for m in thaw(self._data.get("ProjectMembers") or ()))


class ArchiveRow(Record):
    """One row of an OData archive list. Slim rows carry display strings; ``PrimaryKey`` is a
    string there and is parsed by :attr:`id`."""

    @property
    def id(self):
        return parse_int(self._data.get("PrimaryKey"), 0)

    @property
    def entity_name(self):
        return self._data.get("EntityName") or ""

    def date(self, column):
        return parse_datetime(self._data.get(column))


class NotModified:
    """Returned by ``get(..., if_modified_since=...)`` when the record did not change (304)."""

    __slots__ = ("id", "last_modified")

    def __init__(self, id, last_modified=None):
        self.id = id
        self.last_modified = last_modified

    def __bool__(self):
        return False

    def __repr__(self):
        return f"<NotModified id={self.id!r}>"


ENTITY_CLASSES = {"contact": Contact, "person": Person, "project": Project}
