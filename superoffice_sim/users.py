"""The users of the tenant: `GET User` (an OData list over the "AllUsers" archive) and
`GET Archive/AllUsers`, with the columns of SuperOffice's AllUsers archive-provider reference
(docs/en/api/archive-providers/reference/allusers.md) that say who a user is.

One row per associate of `refdata.ASSOCIATES`. Where the reference is silent, these are the
choices made (the same as for the other archives, see :mod:`.archive`):

* ``associateDbId`` and ``assocName`` are associate columns: RawValue the associate id,
  DisplayValue (and the slim value) the associate's short name.
* ``PrimaryKey`` is the associate id, ``EntityName`` ``"associate"``.
* ``isActive`` is false for a retired associate (``Deleted`` on its carrier), and the archive
  lists retired associates too ("all kinds of users, unfiltered").
"""

from . import odata, query, refdata
from .archive import Column

_TYPES = {"InternalAssociate": "Associate", "ResourceAssociate": "Resource",
          "ExternalAssociate": "External user", "AnonymousAssociate": "Anonymous",
          "SystemAssociate": "System user"}


def _first_last(full_name):
    first, _, last = full_name.partition(" ")
    return first, last


USER = [
    Column("associateDbId", "list", lambda r, s: r["id"], refdata.associate_name),
    Column("assocName", "list", lambda r, s: r["id"], refdata.associate_name),
    Column("fullName", "string", lambda r, s: r["full_name"]),
    Column("firstName", "string", lambda r, s: _first_last(r["full_name"])[0]),
    Column("lastName", "string", lambda r, s: _first_last(r["full_name"])[1]),
    Column("personId", "int", lambda r, s: r["person_id"]),
    Column("contactId", "int", lambda r, s: 1),
    Column("personEmail", "string", lambda r, s: r["email"]),
    Column("userName", "string", lambda r, s: r["email"] or r["name"]),
    Column("assocType", "string", lambda r, s: _TYPES.get(r["type"], "")),
    Column("isActive", "bool", lambda r, s: not r["retired"]),
]
COLUMNS = {c.name.lower(): c for c in USER}
DEFAULT_SELECT = ["associateDbId", "fullName", "personEmail", "userName", "isActive"]


def _records():
    for associate_id, row in sorted(refdata.ASSOCIATES.items()):
        name, full_name, person_id, typ, _group, _ej = row
        yield {"id": associate_id, "name": name, "full_name": full_name, "person_id": person_id,
               "type": typ, "email": refdata.ASSOCIATE_EMAILS.get(associate_id, ""),
               "retired": associate_id in refdata.RETIRED_ASSOCIATES}


def run(params, store):
    """Rows of one page of the user list (slim, or `$mode=Full`), as `query.run` shapes them."""
    full = query._mode(params) == "full"
    raw = params.get("$select")
    names = [n.strip() for n in raw.split(",") if n.strip()] if raw else DEFAULT_SELECT
    selected = query._resolve_columns(COLUMNS, names)
    top, skip = query._int(params, "$top"), query._int(params, "$skip") or 0
    raw_filter = (params.get("$filter") or "").strip()
    recs = list(_records())
    if raw_filter:
        node = odata._Parser(odata.tokenize(raw_filter), COLUMNS).parse()
        predicate = odata.compile_filter(node, store)
        recs = [r for r in recs if predicate(r)]
    page = recs[skip:None if top is None else skip + top]
    row = query._full_row if full else query._row
    return [row("associate", rec, selected, store) for rec in page]
