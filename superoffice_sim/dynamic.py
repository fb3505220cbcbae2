"""The ``Dynamic`` archive provider (``GET /api/v1/Archive/dynamic``) for two database tables.

SuperOffice's Dynamic provider (``DotSyntaxProvider``) takes its columns from the caller as
``table.field`` of the database schema. The simulator serves the two tables the connector reads
in bulk, with the fields of SuperOffice's database reference:

* ``phone``: ``phone_id``, ``owner_id``, ``ptype_idx`` (PhoneType: 1 ContactPhone, 16385
  PersonDirectPhone, 16388 PersonPrivate, 16389 PersonMobile), ``rank``, ``phone``,
  ``description``;
* ``projectmember``: ``projectmember_id``, ``project_id``, ``contact_id``, ``person_id``,
  ``mtype_idx``, ``rank``.

Choices where the reference is silent: ``rank`` is the 1-based position in the entity's array;
a phone's ``phone_id`` is ``owner_id * 100 + rank`` for company phones and
``10**8 + owner_id * 100 + rank`` for person phones of any type (ids only have to be unique and
stable); rows are ordered by the table's primary key unless ``$orderby`` says otherwise, and
``$filter``, ``$top``, ``$skip`` and ``$mode`` behave as on the other archives (a top-level
``owner_id``/``project_id`` ``eq``/``oneOf`` term narrows the scan to those records).
"""

from .archive import Column
from .errors import NotFound
from .odata import _Parser, bad, compile_filter, tokenize
from .query import _int, _mode, _resolve_columns

PERSON_PHONES = (("office_phones", 16385), ("private_phones", 16388), ("mobile_phones", 16389))


def _phone_rows(store, owners):
    contacts = store.tables["contact"]
    persons = store.tables["person"]
    contact_ids = owners if owners is not None else list(contacts)
    person_ids = owners if owners is not None else list(persons)
    for owner in contact_ids:
        rec = contacts.get(owner)
        for rank, (number, description) in enumerate((rec or {}).get("phones", ()), 1):
            yield {"phone_id": owner * 100 + rank, "owner_id": owner, "ptype_idx": 1,
                   "rank": rank, "phone": number, "description": description}
    for owner in person_ids:
        rec = persons.get(owner)
        for key, ptype in PERSON_PHONES:
            for rank, (number, description) in enumerate((rec or {}).get(key, ()), 1):
                yield {"phone_id": 10 ** 8 + owner * 100 + rank, "owner_id": owner,
                       "ptype_idx": ptype, "rank": rank, "phone": number,
                       "description": description}


def _member_rows(store, projects):
    table = store.tables["project"]
    for project_id in projects if projects is not None else list(table):
        rec = table.get(project_id)
        for rank, member in enumerate((rec or {}).get("members", ()), 1):
            yield {"projectmember_id": member["id"], "project_id": project_id,
                   "contact_id": member["contact_id"], "person_id": member["person_id"],
                   "mtype_idx": member["type_id"], "rank": rank}


# table -> (primary key, the column narrowing the scan, row generator, {field: kind})
TABLES = {
    "phone": ("phone_id", "owner_id", _phone_rows, {
        "phone_id": "int", "owner_id": "int", "ptype_idx": "int", "rank": "int",
        "phone": "string", "description": "string"}),
    "projectmember": ("projectmember_id", "project_id", _member_rows, {
        "projectmember_id": "int", "project_id": "int", "contact_id": "int", "person_id": "int",
        "mtype_idx": "int", "rank": "int"}),
}


def _columns(table):
    fields = TABLES[table][3]
    return {f"{table}.{name}".lower(): Column(f"{table}.{name}", kind,
                                              lambda r, s, n=name: r[n])
            for name, kind in fields.items()}


def _table_of(params):
    names = [n.strip() for n in (params.get("$select") or "").split(",") if n.strip()]
    if not names:
        raise bad("$select: the Dynamic provider needs columns (table.field)")
    tables = {n.split(".", 1)[0].lower() for n in names}
    if len(tables) != 1 or next(iter(tables)) not in TABLES:
        raise NotFound(f"Dynamic provider: unknown table in $select {params.get('$select')!r}")
    return next(iter(tables)), names


def _narrowed(node, column_name):
    """The ids of a top-level ``column eq/oneOf`` term, or None (scan every record)."""
    terms = node[1] if node and node[0] == "and" else [node] if node else []
    for term in terms:
        if term[0] == "cmp" and term[1].name.lower() == column_name and term[2] in (
                "eq", "oneof"):
            return [int(v) for v in term[3]]
    return None


def run(params, store):
    """Rows of one page of the Dynamic provider (see the module docstring)."""
    table, names = _table_of(params)
    columns = _columns(table)
    selected = _resolve_columns(columns, names)
    primary, scope, rows_of, _fields = TABLES[table]
    raw_filter = (params.get("$filter") or "").strip()
    node = _Parser(tokenize(raw_filter), columns).parse() if raw_filter else None
    order = []
    for part in filter(None, (p.strip() for p in (params.get("$orderby") or "").split(","))):
        bits = part.split()
        column = columns.get(bits[0].lower())
        if column is None:
            raise bad(f"$orderBy: unknown column '{bits[0]}'")
        order.append((column, len(bits) > 1 and bits[1].lower() == "desc"))
    top, skip = _int(params, "$top"), _int(params, "$skip") or 0
    full = _mode(params) == "full"
    with store.lock:
        predicate = compile_filter(node, store) if node else None
        rows = [r for r in rows_of(store, _narrowed(node, f"{table}.{scope}"))
                if predicate is None or predicate(r)]
    rows.sort(key=lambda r: r[primary])
    for column, desc in reversed(order):
        rows.sort(key=lambda r, c=column: c.get(r, store), reverse=desc)
    rows = rows[skip:None if top is None else skip + top]
    return [_row(table, r[primary], r, selected, store, full) for r in rows]


def _row(table, key, rec, selected, store, full):
    if not full:
        row = {"PrimaryKey": str(key), "EntityName": table}
        row.update({c.name: c.get(rec, store) for c in selected})
        return row
    columns = {c.name: {"DisplayValue": str(c.get(rec, store)), "RawValue": c.get(rec, store),
                        "TooltipHint": "", "LinkHint": ""} for c in selected}
    return {"PrimaryKey": key, "EntityName": table, "Column": columns, "StyleHint": "",
            "LinkHint": "", "TableRight": {"Mask": "FULL", "Reason": ""}}
