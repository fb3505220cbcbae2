"""Bulk reads: the mapped fields of up to 1,000 records in one archive request.

SuperOffice's archive providers behind ``GET Contact``, ``GET Person`` and ``GET Project``
return the columns a caller ``$select``-s, for as many rows as ``$top`` asks. :class:`BulkReader`
selects the columns that carry the values of a field mapping, reads them in ``$mode=Full``
(raw ids next to display texts) and turns every row into an entity-shaped value
(:class:`~.entities.Contact`, :class:`~.entities.Person`, :class:`~.entities.Project` with
``partial=True``) holding exactly the mapped properties and the change stamp, so the sync core
reads it with the same ``transforms.from_superoffice`` as an entity from ``GET {Type}/{id}``.

    reader = BulkReader(client, "contact", [f.so_field for f in fields])
    page = reader.page(F("updatedDate").after_time(since), after_id=0, top=1000)
    for entry in page:
        entity = entry.entity if entry.complete else reader.get(entry.id)

Which mapped fields no archive column can give (see the README's "Bulk reads"):

* a company's phones (``Phones[!Mobile]``, ``Phones[Mobile]``): the archive shows the first
  phone only; a company with no phone at all needs nothing more, any other needs its entity;
* a company's description: the Contact provider has no info-text column, only ``hasInfoText``;
  a company without a description needs nothing more;
* a project's members (``ProjectMembers``): no column of the Project provider lists them;
* a project's start date (``StartDate``, a property of SuperOffice 12.4's ProjectEntity):
  ``GET Project`` calls the ``FindProject`` archive provider, whose reference documents no start
  date column (only ``endDate``); newer references of other project providers
  (``AssociateProjects``, ``ProjectShadowDynamicSelection``) list ``startDate`` with
  ``eventId``, but not for FindProject, so a project row always needs its entity;
* any ``so_field`` the table below does not know (user-defined fields, other arrays).

For those, :attr:`Entry.gaps` names the fields and the caller reads the entity with one GET, only
for the rows that need it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from .entities import ENTITY_CLASSES
from .exceptions import MalformedResponseError
from .parsing import parse_datetime, parse_int
from .query import F, Query
from .services import META

PAGE_LIMIT = 1000  # SuperOffice's recommended page size for archive reads
ID_CHUNK = 500  # primary keys per ``oneOf`` filter, to keep the URL short


@dataclass(frozen=True)
class Source:
    """How one mapped ``so_field`` is read from archive columns.

    ``build(cells)`` returns the entity properties (a dict merged into the entity) from the
    ``(raw, display)`` pairs of ``columns``; ``complete(cells)`` says whether those properties
    are the whole truth (False: the row needs the entity)."""

    columns: tuple
    build: object
    complete: object = None


def _nest(path, value):
    parts = path.split(".")
    out = value
    for part in reversed(parts):
        out = {part: out}
    return out


def _text(path, column):
    return Source((column,), lambda c: _nest(path, _str(c[0][0])))


def _str(raw):
    return "" if raw is None else str(raw)


def _int(raw):
    return parse_int(raw, 0) or 0


def _element(array, column):
    def build(cells):
        value = _str(cells[0][0])
        return {array: [{"Value": value, "Description": ""}] if value else []}
    return Source((column,), build)


def _list_item(prop, column):
    def build(cells):
        raw, display = cells[0]
        item_id = _int(raw)
        return {prop: {"Id": item_id, "Value": display if item_id else ""}}
    return Source((column,), build)


def _associate(prop, column):
    def build(cells):
        associate_id = _int(cells[0][0])
        return {prop: {"AssociateId": associate_id} if associate_id else None}
    return Source((column,), build)


def _date(prop, column):
    return Source((column,), lambda c: {prop: _str(c[0][0])})


def _company_phones():
    def build(cells):
        return {"Phones": []}

    return Source(("contactPhone/formattedNumber",), build,
                  complete=lambda c: not _str(c[0][0]))


def _company_description():
    return Source(("hasInfoText",), lambda c: {"Description": ""},
                  complete=lambda c: not _bool(c[0][0]))


def _bool(raw):
    if isinstance(raw, str):
        return raw.strip().lower() in ("true", "1")
    return bool(raw)


def _person_name():
    columns = ("firstName", "middleName", "lastName")
    return Source(columns, lambda c: {
        "Firstname": _str(c[0][0]), "MiddleName": _str(c[1][0]), "Lastname": _str(c[2][0]),
    })


def _never():
    return Source((), lambda c: {}, complete=lambda c: False)


_POSTAL = {"Address1": "line1", "Address2": "line2", "Address3": "line3", "City": "city",
           "Zipcode": "zip", "State": "state", "County": "county"}

SOURCES = {
    "contact": {
        "Name": _text("Name", "name"),
        "Department": _text("Department", "department"),
        "OrgNr": _text("OrgNr", "orgnr"),
        "Number1": _text("Number1", "code"),
        "Number2": _text("Number2", "number"),
        **{f"Address.Postal.{part}": _text(f"Address.Postal.{part}", f"postAddress/{col}")
           for part, col in _POSTAL.items()},
        **{f"Address.Street.{part}": _text(f"Address.Street.{part}", f"streetAddress/{col}")
           for part, col in _POSTAL.items()},
        "Country": Source(("countryId",), lambda c: {"Country": {"CountryId": _int(c[0][0])}}),
        "Phones[!Mobile]": _company_phones(),
        "Phones[Mobile]": _company_phones(),
        "Emails[0]": _element("Emails", "email/emailAddress"),
        "Urls[0]": _element("Urls", "url/URLAddress"),
        "Category": _list_item("Category", "category"),
        "Business": _list_item("Business", "business"),
        "Associate": _associate("Associate", "associateId"),
        "Description": _company_description(),
    },
    "person": {
        "Firstname+MiddleName+Lastname": _person_name(),
        "Firstname": _text("Firstname", "firstName"),
        "MiddleName": _text("MiddleName", "middleName"),
        "Lastname": _text("Lastname", "lastName"),
        "Title": _text("Title", "title"),
        "Emails[0]": _element("Emails", "email/emailAddress"),
        "OfficePhones[0]": _element("OfficePhones", "personDirectPhone/formattedNumber"),
        "MobilePhones[0]": _element("MobilePhones", "personMobilePhone/formattedNumber"),
        "Contact": Source(("contactId",), lambda c: {"Contact": {"ContactId": _int(c[0][0])}}),
        "Description": _text("Description", "personInfo/infoText"),
    },
    "project": {
        "Name": _text("Name", "name"),
        "ProjectNumber": _text("ProjectNumber", "number"),
        "ProjectStatus": _list_item("ProjectStatus", "status"),
        "ProjectType": _list_item("ProjectType", "type"),
        "Associate": _associate("Associate", "associateId"),
        "CreatedDate": _date("CreatedDate", "registeredDate"),
        "EndDate": _date("EndDate", "endDate"),
        "Description": _text("Description", "description"),
        "Completed": Source(("completed",), lambda c: {"Completed": _bool(c[0][0])}),
        "ProjectMembers": _never(),
        "StartDate": _never(),  # no FindProject column documented: the entity has it
    },
}
# Columns every read selects: the change stamp (date and associate) and the deleted mark.
_STAMP = {
    "contact": ("updatedDate", "updatedBy", "contactDeleted"),
    "person": ("personUpdatedDate", "personUpdatedBy", "personDeletedDate"),
    "project": ("updatedDate", "updatedBy"),
}


def _deleted(kind, cells):
    if kind == "contact":
        return 1 if _bool(cells[0][0]) else 0
    if kind == "person":
        return 1 if parse_datetime(_str(cells[0][0]) or None) else 0
    return None


@dataclass(frozen=True)
class Detail:
    """Rows of a database table (Dynamic provider) that give mapped fields of a page's records:
    ``so_fields`` it completes, the ``table``, its primary key, the column holding the record's
    id (``key``), the other ``columns``, an extra ``restriction`` and ``build(rows)`` turning a
    record's rows (in ``rank`` order) into entity properties."""

    so_fields: tuple
    table: str
    primary: str
    key: str
    columns: tuple
    restriction: tuple
    build: object


def _phones(rows):
    return {"Phones": [{"Value": _str(r["phone"]), "Description": _str(r["description"])}
                       for r in rows]}


def _members(rows):
    return {"ProjectMembers": [{"ContactId": _int(r["contact_id"]),
                                "PersonId": _int(r["person_id"])} for r in rows]}


CONTACT_PHONE = 1  # PhoneType ContactPhone (database reference, enum PhoneType)
DETAILS = {
    "contact": (Detail(("Phones[!Mobile]", "Phones[Mobile]"), "phone", "phone_id", "owner_id",
                       ("rank", "phone", "description"), (("ptype_idx", CONTACT_PHONE),),
                       _phones),),
    "project": (Detail(("ProjectMembers",), "projectmember", "projectmember_id", "project_id",
                       ("rank", "contact_id", "person_id"), (), _members),),
}


@dataclass(frozen=True)
class Entry:
    """One archive row: ``entity`` has the mapped properties read from the columns; ``gaps``
    names the mapped ``so_field``-s whose value the columns do not give for this row (then the
    entity is read with one GET)."""

    id: int
    updated: object
    entity: object
    gaps: tuple = ()

    @property
    def complete(self):
        return not self.gaps


class BulkReader:
    """Reads the mapped fields (``so_fields``) of records of ``kind`` in archive pages."""

    def __init__(self, client, kind, so_fields):
        self.client = client
        self.kind = kind
        self.meta = META[kind]
        wanted = list(dict.fromkeys(f for f in so_fields if f))
        table = SOURCES[kind]
        self.sources = [(f, table.get(f) or _never()) for f in wanted]
        columns = [self.meta.primary_key, *_STAMP[kind]]
        for _so_field, source in self.sources:
            columns += [c for c in source.columns if c not in columns]
        self.columns = tuple(columns)
        self.details = [d for d in DETAILS.get(kind, ()) if set(d.so_fields) & set(wanted)]

    @property
    def service(self):
        return self.client.service(self.kind)

    def query(self, expression=None, top=PAGE_LIMIT):
        """The archive query of one page: mapped columns, ``$mode=Full``, by primary key."""
        query = (Query(select=self.columns).order_by(self.meta.primary_key).top(top)
                 .mode("Full"))
        return query.filter(expression) if expression is not None else query

    def page(self, expression=None, after_id=0, top=PAGE_LIMIT):
        """One keyset page: the rows matching ``expression`` with a primary key above
        ``after_id``, at most ``top`` of them (one request)."""
        keyset = F(self.meta.primary_key).gt(int(after_id))
        expression = keyset if expression is None else expression & keyset
        rows = self.client.search(self.kind, self.query(expression, top))
        return self._entries(rows)

    def by_ids(self, ids):
        """Entries of the records ``ids`` (one request per ``ID_CHUNK`` ids); ids missing from
        the answer are absent from the result (deleted, or not visible to the user)."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        found = {}
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start:start + ID_CHUNK]
            expression = F(self.meta.primary_key).one_of(*chunk)
            rows = self.client.search(self.kind, self.query(expression, len(chunk)))
            found.update((entry.id, entry) for entry in self._entries(rows))
        return found

    def get(self, entity_id):
        """The whole entity (``GET {Type}/{id}``), for an entry that is not complete."""
        return self.service.get(entity_id)

    def _entries(self, rows):
        """Entries of archive rows, with the detail rows of those that need them."""
        parts = [self._parts(row) for row in rows]
        for detail in self.details:
            wanted = set(detail.so_fields)
            owners = [data[self.meta.id_field] for data, gaps in parts if wanted & set(gaps)]
            if not owners:
                continue
            rows_of = self.detail_rows(detail, owners)
            for data, gaps in parts:
                if wanted & set(gaps):
                    _merge(data, detail.build(rows_of.get(data[self.meta.id_field], [])))
                    gaps[:] = [g for g in gaps if g not in wanted]
        return [self._entry(data, gaps) for data, gaps in parts]

    def detail_rows(self, detail, owners):
        """{record id: rows in rank order} of ``detail``'s table for the records ``owners``:
        one request per ``ID_CHUNK`` records (more only for more than a page of rows)."""
        table = detail.table
        select = [f"{table}.{c}" for c in (detail.primary, detail.key, *detail.columns)]
        found = {}
        for start in range(0, len(owners), ID_CHUNK):
            chunk = owners[start:start + ID_CHUNK]
            after = 0
            while True:
                expression = F(f"{table}.{detail.key}").one_of(*chunk)
                for column, value in detail.restriction:
                    expression = expression & F(f"{table}.{column}").eq(value)
                expression = expression & F(f"{table}.{detail.primary}").gt(after)
                query = (Query(select=select).filter(expression)
                         .order_by(f"{table}.{detail.primary}").top(PAGE_LIMIT).mode("Full"))
                rows = self.client.search("Archive/dynamic", query)
                for row in rows:
                    cell = _cells(row)
                    values = {c: cell(f"{table}.{c}")[0]
                              for c in (detail.key, *detail.columns)}
                    found.setdefault(_int(values[detail.key]), []).append(values)
                    after = max(after, _int(cell(f"{table}.{detail.primary}")[0]))
                if len(rows) < PAGE_LIMIT:
                    break
        for values in found.values():
            values.sort(key=lambda v: _int(v.get("rank")))
        return found

    def entry(self, row):
        """The :class:`Entry` of one ``$mode=Full`` archive row (without detail rows)."""
        return self._entry(*self._parts(row))

    def _entry(self, data, gaps):
        entity = ENTITY_CLASSES[self.kind](data, partial=True)
        return Entry(entity.id, entity.updated, entity, tuple(gaps))

    def _parts(self, row):
        """The entity properties of one archive row and the so_fields it leaves open."""
        cells_of = _cells(row)
        stamp = [cells_of(c) for c in _STAMP[self.kind]]
        entity_id = parse_int(row.get("PrimaryKey"), 0)
        data = {self.meta.id_field: entity_id, "UpdatedDate": _str(stamp[0][0]),
                "UpdatedBy": _associate_value(stamp[1][0])}
        deleted = _deleted(self.kind, stamp[2:])
        if deleted is not None:
            data["Deleted"] = deleted
        gaps = []
        for so_field, source in self.sources:
            cells = [cells_of(c) for c in source.columns]
            _merge(data, source.build(cells))
            if source.complete is not None and not source.complete(cells):
                gaps.append(so_field)
        return data, gaps


def _associate_value(raw):
    associate_id = _int(raw)
    return {"AssociateId": associate_id} if associate_id else None


def _cells(row):
    columns = row.get("Column")
    if not isinstance(columns, Mapping):
        raise MalformedResponseError("An archive row in Full mode has no 'Column' object.")

    def cell(name):
        value = columns.get(name)
        if not isinstance(value, Mapping):
            raise MalformedResponseError(f"The archive row has no column '{name}'.")
        return value.get("RawValue"), value.get("DisplayValue") or ""
    return cell


def _merge(target, values):
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value
