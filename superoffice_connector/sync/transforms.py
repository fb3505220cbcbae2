"""Transforms between SuperOffice entity JSON and canonical values, both ways.

Reading: :func:`from_superoffice` turns a ContactEntity / PersonEntity / ProjectEntity dict (or any
Mapping, e.g. the client's raw dict) into ``{key: canonical value}``.
Writing: :func:`to_superoffice_patch` turns ``{key: new canonical value}`` into the smallest
RFC 7396 merge-patch body: only the changed properties; inside ``Address`` only the changed parts
of ``Postal``/``Street``; EntityElement arrays (``Phones``, ``Emails``, ``Urls``) and
``ProjectMembers`` are sent whole (a merge patch replaces arrays) with the entries the mapping does
not manage kept as they are in ``current``.

Everything that needs a SuperOffice id comes from :class:`Lookups`.

    >>> from .mapping import default_mapping
    >>> fields = default_mapping("company")
    >>> to_superoffice_patch("company", {"city": "Bergen", "country": "SE"}, fields)
    {'Address': {'Postal': {'City': 'Bergen'}}, 'Country': {'CountryId': 752}}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import countries
from .canonical import normalize
from .mapping import FieldMap
from .names import join_name, split_name

SO_NULL_DATE = "0001-01-01T00:00:00"
UDEF_CONTAINERS = ("UserDefinedFields", "CustomFields", "ExtraFields")
_UDEF = re.compile(r"^\[(I|F|D|DT|B):(.*)\]$", re.S)
_MEMBER_PREFIX = {"p": "PersonId", "c": "ContactId"}


class UnresolvedValue(ValueError):
    """A canonical value has no SuperOffice id (unknown list value, associate or country)."""


def _as_function(source: Any, arity: int) -> Callable[..., Any]:
    if source is None:
        return lambda *args: None
    if callable(source):
        return source
    if arity == 1:
        return lambda value: source.get(value)
    return lambda list_name, value: _ci_get(source.get(list_name) or {}, value)


def _ci_get(items: Mapping[str, int], name: str) -> int | None:
    if name in items:
        return items[name]
    folded = name.casefold()
    return next((v for k, v in items.items() if k.casefold() == folded), None)


@dataclass
class Lookups:
    """Id lookups, each a Mapping or a callable.

    ``associates``: AssociateId -> owner value (the Odoo user's e-mail address or login);
    ``associate_ids``: owner value -> AssociateId (defaults to the inverse of ``associates`` when
    that is a Mapping; the connection gives both from ``api.associates.OwnerLookup``); ``lists``: list name (the SuperOffice
    property, e.g. ``"Category"``) -> {value name: Id}, or ``callable(list_name, name) -> Id``;
    ``country_ids``: ISO alpha-2 -> CountryId overriding the built-in ISO numeric table.
    """

    associates: Any = None
    associate_ids: Any = None
    lists: Any = None
    country_ids: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        if self.associate_ids is None and isinstance(self.associates, Mapping):
            self.associate_ids = {str(v).lower(): k for k, v in self.associates.items() if v}
        self._email = _as_function(self.associates, 1)
        self._assoc_id = _as_function(self.associate_ids, 1)
        self._list_id = _as_function(self.lists, 2)

    def associate_email(self, associate_id: int) -> str | None:
        return self._email(associate_id)

    def associate_id(self, email: str) -> int | None:
        return self._assoc_id(email.lower())

    def list_id(self, list_name: str, name: str) -> int | None:
        return self._list_id(list_name, name)


_NO_LOOKUPS = Lookups()


@dataclass(frozen=True)
class _Spec:
    type: str  # "path", "element", "name", "udef"
    parts: tuple[str, ...]
    selector: str = ""


@lru_cache(maxsize=512)
def parse_so_field(so_field: str) -> _Spec:
    """Parse the so_field path language of :mod:`.mapping`."""
    if "+" in so_field:
        return _Spec("name", tuple(so_field.split("+")))
    if so_field.endswith("]") and "[" in so_field:
        array, _, selector = so_field[:-1].partition("[")
        return _Spec("element", (array,), selector)
    head, dot, rest = so_field.partition(".")
    if dot and head in UDEF_CONTAINERS:
        return _Spec("udef", (head, rest))
    return _Spec("path", tuple(so_field.split(".")))


def _get(data: Any, parts: Iterable[str]) -> Any:
    for part in parts:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _select(elements: list, selector: str) -> int | None:
    """Index of the array element a selector designates (see :mod:`.mapping`)."""
    if selector.isdigit():
        index = int(selector)
        return index if index < len(elements) else None
    negate = selector.startswith("!")
    wanted = selector.lstrip("!").casefold()
    for index, element in enumerate(elements):
        described = str((element or {}).get("Description") or "").strip().casefold() == wanted
        if described != negate:
            return index
    return None


def decode_udef(value: Any) -> Any:
    """Decode a user-defined field string: ``[I:8]`` -> 8, ``[F:1.5]`` -> 1.5,
    ``[D:06/01/2020]`` -> ``"2020-06-01"``, ``[DT:12/31/2013 23:59:59.0000000]`` ->
    ``"2013-12-31T23:59:59"``; other values are returned as they are."""
    if not isinstance(value, str):
        return value
    match = _UDEF.match(value.strip())
    if not match:
        return value
    tag, body = match.groups()
    if tag in ("I", "B"):
        return int(body)
    if tag == "F":
        return float(body)
    date, _, time = body.partition(" ")
    month, day, year = date.split("/")
    iso = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{iso}T{time.split('.')[0]}" if tag == "DT" and time else iso


def encode_udef(kind: str, value: Any, current: Any = None) -> str:
    """Encode a canonical value for a user-defined field (inverse of :func:`decode_udef`)."""
    if value is None:
        return ""
    if kind == "bool":
        if isinstance(current, str) and current in ("True", "False"):
            return "True" if value else "False"
        return "[I:1]" if value else "[I:0]"
    if kind == "int":
        return f"[I:{int(value)}]"
    if kind == "float":
        return f"[F:{float(value)!r}]"
    if kind == "date":
        year, month, day = value[:10].split("-")
        return f"[D:{month}/{day}/{year}]"
    return str(value)


def _read_object(field: FieldMap, raw: Any, lookups: Lookups) -> Any:
    kind = field.transform
    if kind == "country":
        if isinstance(raw, Mapping):
            return raw.get("TwoLetterISOCountry") or countries.alpha2_from_id(raw.get("CountryId"))
        return raw
    if kind == "list_item":
        if isinstance(raw, Mapping):
            return raw.get("Value") if raw.get("Id") or raw.get("Value") else None
        return raw
    if kind == "owner":
        if isinstance(raw, Mapping):
            assoc = raw.get("AssociateId")
            return (lookups.associate_email(assoc) or f"associate:{assoc}") if assoc else None
        return raw
    if kind == "ref" and isinstance(raw, Mapping):
        return raw.get("ContactId")
    if kind == "members":
        return [_member_key(m) for m in raw or () if _member_key(m)]
    if kind == "date" and isinstance(raw, str) and raw.startswith("0001-01-01"):
        return None
    return raw


def _member_key(member: Mapping[str, Any]) -> str | None:
    if member.get("PersonId"):
        return f"p:{member['PersonId']}"
    if member.get("ContactId"):
        return f"c:{member['ContactId']}"
    return None


def read_field(so_json: Mapping[str, Any], field: FieldMap, lookups: Lookups = _NO_LOOKUPS) -> Any:
    """Canonical value of one mapped field of a SuperOffice entity."""
    spec = parse_so_field(field.so_field)
    if spec.type == "name":
        raw: Any = join_name(*(so_json.get(p) for p in spec.parts))
    elif spec.type == "element":
        elements = so_json.get(spec.parts[0]) or []
        index = _select(elements, spec.selector)
        raw = elements[index].get("Value") if index is not None else None
    elif spec.type == "udef":
        raw = decode_udef((so_json.get(spec.parts[0]) or {}).get(spec.parts[1]))
    else:
        raw = _read_object(field, _get(so_json, spec.parts), lookups)
    return normalize(field, raw)


def from_superoffice(
    entity_type: str,
    so_json: Mapping[str, Any],
    fields: Iterable[FieldMap],
    lookups: Lookups | None = None,
) -> dict[str, Any]:
    """Canonical values ``{key: value}`` of every field that has a SuperOffice side."""
    lookups = lookups or _NO_LOOKUPS
    return {f.key: read_field(so_json, f, lookups) for f in fields if f.so_field}


# --- writing -------------------------------------------------------------------------------------


def _set_path(patch: dict, parts: tuple[str, ...], value: Any) -> None:
    for part in parts[:-1]:
        patch = patch.setdefault(part, {})
    patch[parts[-1]] = value


def _write_object(field: FieldMap, value: Any, current: Any, lookups: Lookups) -> Any:
    kind, so_field = field.transform, field.so_field
    if kind == "country":
        if value is None:
            return {"CountryId": 0}
        country_id = countries.country_id(value, lookups.country_ids)
        if country_id is None:
            raise UnresolvedValue(f"Country '{value}' has no SuperOffice country id.")
        return {"CountryId": country_id}
    if kind == "list_item":
        if value is None:
            return {"Id": 0}
        list_id = lookups.list_id(so_field, value)
        same_as_current = isinstance(current, Mapping) and (
            str(current.get("Value") or "").casefold() == value.casefold()
        )
        if list_id is None and same_as_current:
            list_id = current.get("Id")
        if list_id is None:
            raise UnresolvedValue(f"'{value}' is not a SuperOffice {so_field} value.")
        return {"Id": list_id}
    if kind == "owner":
        if value is None:
            return {"AssociateId": 0}
        if value.startswith("associate:"):
            return {"AssociateId": int(value.split(":", 1)[1])}
        associate_id = lookups.associate_id(value)
        if associate_id is None:
            raise UnresolvedValue(f"No SuperOffice user matches the Odoo user '{value}'.")
        return {"AssociateId": associate_id}
    if kind == "ref":
        return {"ContactId": value or 0}
    if kind == "members":
        return _write_members(value or [], current or [])
    if kind == "date":
        return f"{value}T00:00:00" if value else SO_NULL_DATE
    if kind in ("int", "float", "bool", "raw"):
        return value
    return "" if value is None else value


def _write_members(keys: list[str], current: list) -> list[dict[str, Any]]:
    wanted = set(keys)
    kept = [dict(m) for m in current if _member_key(m) in wanted]
    present = {_member_key(m) for m in kept}
    for key in sorted(wanted - present):
        prefix, _, number = key.partition(":")
        other = "ContactId" if prefix == "p" else "PersonId"
        kept.append({_MEMBER_PREFIX[prefix]: int(number), other: 0})
    return kept


def _write_elements(array: list, edits: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Apply (selector, new value) edits to an EntityElement array, keeping other entries."""
    elements = [dict(e) for e in array]
    targets = [(selector, value, _select(array, selector)) for selector, value in edits]
    removed = set()
    for _selector, value, index in targets:
        if index is not None and value is None:
            removed.add(index)
        elif index is not None:
            elements[index] = {"Value": value, "Description": elements[index].get("Description", "")}
    inserts_front, appends = [], []
    for selector, value, index in targets:
        if index is None and value is not None:
            if selector == "0" or selector.startswith("!"):
                inserts_front.append({"Value": value, "Description": ""})
            else:  # "Phones[1]" goes after the entries there are, "Phones[Mobile]" is described
                appends.append({"Value": value, "Description": "" if selector.isdigit() else selector})
    kept = [e for i, e in enumerate(elements) if i not in removed]
    return inserts_front + kept + appends


def to_superoffice_patch(
    entity_type: str,
    changes: Mapping[str, Any],
    fields: Iterable[FieldMap],
    current: Mapping[str, Any] | None = None,
    lookups: Lookups | None = None,
    unresolved: list | None = None,
) -> dict[str, Any]:
    """Merge-patch body writing ``changes`` (canonical values by key) to SuperOffice.

    Only fields that may write SuperOffice (direction ``both``/``to_so``) are used. ``current``
    is the entity as last read; it is needed to keep array entries the mapping does not manage
    and to keep a person's name parts stable. Unresolvable values raise :class:`UnresolvedValue`,
    unless ``unresolved`` is a list: then ``(key, message)`` is appended and the field skipped.
    """
    lookups = lookups or _NO_LOOKUPS
    current = current or {}
    patch: dict[str, Any] = {}
    element_edits: dict[str, list[tuple[str, Any]]] = {}
    for field in fields:
        if field.key not in changes or not field.writes_so:
            continue
        value = normalize(field, changes[field.key])
        spec = parse_so_field(field.so_field)
        try:
            if spec.type == "name":
                _write_name(patch, spec.parts, value, current)
            elif spec.type == "element":
                element_edits.setdefault(spec.parts[0], []).append((spec.selector, value))
            elif spec.type == "udef":
                container, key = spec.parts
                old = (current.get(container) or {}).get(key)
                patch.setdefault(container, {})[key] = encode_udef(field.transform, value, old)
            else:
                old = _get(current, spec.parts)
                _set_path(patch, spec.parts, _write_object(field, value, old, lookups))
        except UnresolvedValue as error:
            if unresolved is None:
                raise
            unresolved.append((field.key, str(error)))
    for array, edits in element_edits.items():
        patch[array] = _write_elements(current.get(array) or [], edits)
    return patch


def _write_name(patch: dict, parts: tuple[str, ...], value: Any, current: Mapping) -> None:
    now = tuple(current.get(p) or "" for p in parts)
    has_current = any(now)
    if len(parts) == 2:
        first, _, last = split_name(value, (now[0], "", now[1]) if has_current else None)
        new = (first, last)
    else:
        new = split_name(value, now if has_current else None)
    for part, old, part_value in zip(parts, now, new, strict=True):
        if part_value != old or not has_current:
            patch[part] = part_value
