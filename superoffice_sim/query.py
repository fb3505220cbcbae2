"""Run an archive query (parsed OData options) against the store and shape slim rows."""

from . import archive, odata
from .odata import bad

_DATE_RANGE = {"gt": (False, None), "ge": (True, None), "lt": (None, False), "le": (None, True)}


def _int(params, name):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise bad(f"{name} must be a whole number, got {raw!r}")
    if value < 0:
        raise bad(f"{name} must not be negative")
    return value


def _select(kind, params):
    raw = params.get("$select")
    names = [n.strip() for n in raw.split(",") if n.strip()] if raw else \
        archive.DEFAULT_SELECT[kind]
    return _resolve_columns(archive.COLUMNS[kind], names)


def _resolve_columns(columns, names):
    """The columns (``{lower-case name: Column}``) named by ``names``; 400 for an unknown one."""
    selected = []
    for name in names:
        column = columns.get(name.lower())
        if column is None:
            raise bad(f"$select: unknown column '{name}'")
        selected.append(column)
    return selected


def _order(kind, params):
    raw = params.get("$orderby") or params.get("$orderBy") or ""
    columns, order = archive.COLUMNS[kind], []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        bits = part.split()
        column = columns.get(bits[0].lower())
        if column is None:
            raise bad(f"$orderBy: unknown column '{bits[0]}'")
        desc = len(bits) > 1 and bits[1].lower() == "desc"
        order.append((column, desc))
    return order


def _candidates(kind, node, store):
    """Ids from the most selective index usable by a top-level `and` term, or None.

    None means "scan the table in primary-key order", which is also chosen when the best index
    still matches a large share of the rows: the scan stops after one page, sorting many ids
    would not.
    """
    terms = node[1] if node and node[0] == "and" else [node] if node else []
    best, best_size = None, max(len(store.tables[kind]) // 8, 1000)
    for term in terms:
        if term[0] != "cmp":
            continue
        _, column, op, values = term
        name = column.name.lower()
        if name == archive.PRIMARY[kind] and op in ("eq", "oneof"):
            ids = [v for v in values if store.record(kind, v) is not None]
        elif kind == "person" and name == "contactid" and op in ("eq", "oneof"):
            ids = [i for v in values for i in store.by_contact.get(v, ())]
        else:
            index = store.index(kind, column.name)
            bounds = _index_bounds(index, column, op, values) if index else None
            if bounds is None or bounds[1] - bounds[0] > best_size:
                continue
            ids = index.ids(bounds)
        if len(ids) <= best_size:
            best, best_size = ids, len(ids)
    return best


def _index_bounds(index, column, op, values):
    if column.kind == "string" and op in ("begins", "eq", "is"):
        return index.prefix_bounds(str(values[0]).lower())
    if column.kind == "datetime" and op in _DATE_RANGE:
        low_incl, high_incl = _DATE_RANGE[op]
        if low_incl is not None:
            return index.range_bounds(low=values[0], low_inclusive=low_incl)
        return index.range_bounds(high=values[0], high_inclusive=high_incl)
    if column.kind == "datetime" and op == "between":
        return index.range_bounds(low=values[0], high=values[-1])
    return None


def _mode(params):
    mode = (params.get("$mode") or "Slim").strip().lower()
    if mode not in ("slim", "wide", "full"):
        raise bad(f"$mode must be Slim, Wide or Full, got {params.get('$mode')!r}")
    return mode


def run(kind, params, store):
    """Rows of one page: slim dicts `{"PrimaryKey", "EntityName", <column>: display value}`,
    or with `$mode=Full` each column under `Column` as `{DisplayValue, RawValue, TooltipHint,
    LinkHint}` and the row's `TableRight`, `StyleHint`, `LinkHint` (Wide is served like Slim)."""
    full = _mode(params) == "full"
    selected = _select(kind, params)
    order = _order(kind, params)
    top, skip = _int(params, "$top"), _int(params, "$skip") or 0
    raw_filter = (params.get("$filter") or "").strip()
    node = odata._Parser(odata.tokenize(raw_filter), archive.COLUMNS[kind]).parse() \
        if raw_filter else None
    with store.lock:
        predicate = odata.compile_filter(node, store) if node else None
        ids = _candidates(kind, node, store)
        table = store.tables[kind]
        pk_order = not order or (len(order) == 1 and
                                 order[0][0].name.lower() == archive.PRIMARY[kind])
        desc = bool(order) and order[0][1]
        if ids is None:
            recs = reversed(table.values()) if pk_order and desc else iter(table.values())
        else:
            ids = sorted(set(ids), reverse=pk_order and desc)
            recs = (table[i] for i in ids)
        if predicate:
            recs = (r for r in recs if predicate(r))
        if pk_order:
            page = []
            limit = None if top is None else skip + top
            for n, rec in enumerate(recs):
                if limit is not None and n >= limit:
                    break
                if n >= skip:
                    page.append(rec)
        else:
            matched = list(recs)
            for column, is_desc in reversed(order):
                matched.sort(key=lambda r, c=column: _sort_key(c, r, store), reverse=is_desc)
            page = matched[skip:None if top is None else skip + top]
        row = _full_row if full else _row
        return [row(kind, rec, selected, store) for rec in page]


def _sort_key(column, rec, store):
    raw = column.get(rec, store)
    if column.display:
        raw = column.display(raw)
    return raw.lower() if isinstance(raw, str) else raw


def _row(kind, rec, selected, store):
    row = {"PrimaryKey": str(rec["id"]), "EntityName": kind}
    for column in selected:
        raw = column.get(rec, store)
        row[column.name] = column.display(raw) if column.display else raw
    return row


def _full_row(kind, rec, selected, store):
    columns = {}
    for column in selected:
        raw = column.get(rec, store)
        display = column.display(raw) if column.display else raw
        if isinstance(display, bool):
            display = "true" if display else "false"
        columns[column.name] = {"DisplayValue": "" if display is None else str(display),
                                "RawValue": raw, "TooltipHint": "", "LinkHint": ""}
    return {"PrimaryKey": rec["id"], "EntityName": kind, "Column": columns, "StyleHint": "",
            "LinkHint": f"{kind}_id={rec['id']}", "TableRight": {"Mask": "FULL", "Reason": ""}}
