"""Side-by-side comparison for Connect (no base yet) and for resolving conflicts.

:func:`connect_rows` lists one :class:`Row` per mapped field; the wizard shows label, both values
and lets the user pick a side where they differ. :func:`apply_choices` turns the picks into the
writes for both sides and the base snapshot to store on the new link.

Default choice: equal values -> ``"superoffice"`` (nothing to write); a one-way field -> its
source side; otherwise the policy (``odoo_wins`` -> Odoo, ``superoffice_wins`` -> SuperOffice);
``manual`` -> the side that has a value, SuperOffice when both have one.

    >>> from .mapping import FieldMap
    >>> fields = (FieldMap("city", "City", "city", "Address.Postal.City"),)
    >>> rows = connect_rows({"city": "Oslo"}, {"city": "Bergen"}, fields)
    >>> apply_choices(rows, {"city": "odoo"})
    Applied(to_odoo={}, to_so={'city': 'Oslo'}, base={'city': 'Oslo'})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .canonical import display, equal, normalize
from .mapping import FieldMap
from .merge import POLICIES, three_way

CHOICES = ("odoo", "superoffice")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    direction: str
    odoo_value: Any
    so_value: Any
    odoo_display: str
    so_display: str
    equal: bool
    default_choice: str
    writes_odoo: bool = True
    writes_so: bool = True


@dataclass
class Applied:
    to_odoo: dict[str, Any] = field(default_factory=dict)
    to_so: dict[str, Any] = field(default_factory=dict)
    base: dict[str, Any] = field(default_factory=dict)


def _default_choice(f: FieldMap, o: Any, s: Any, same: bool, policy: str) -> str:
    if same:
        return "superoffice"
    if f.direction == "to_so":
        return "odoo"
    if f.direction == "to_odoo":
        return "superoffice"
    if policy == "odoo_wins":
        return "odoo"
    if policy == "superoffice_wins":
        return "superoffice"
    return "odoo" if s is None and o is not None else "superoffice"


def connect_rows(
    odoo: Mapping[str, Any],
    so: Mapping[str, Any],
    fields: Iterable[FieldMap],
    policy: str = "manual",
) -> list[Row]:
    """One row per mapped field (``direction="none"`` fields included, for information)."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown conflict policy '{policy}'.")
    rows = []
    for f in fields:
        o, s = normalize(f, odoo.get(f.key)), normalize(f, so.get(f.key))
        same = equal(f, o, s)
        rows.append(Row(
            f.key, f.label, f.direction, o, s, display(f, o), display(f, s), same,
            _default_choice(f, o, s, same, policy), f.writes_odoo, f.writes_so,
        ))
    return rows


def conflict_rows(
    base: Mapping[str, Any] | None,
    odoo: Mapping[str, Any],
    so: Mapping[str, Any],
    fields: Iterable[FieldMap],
) -> list[Row]:
    """Rows of the fields in conflict only, for the conflict-resolution screen."""
    fields = tuple(fields)
    conflicted = {c.key for c in three_way(base, odoo, so, fields).conflicts}
    return [r for r in connect_rows(odoo, so, fields) if r.key in conflicted]


def apply_choices(rows: Iterable[Row], choices: Mapping[str, str] | None = None) -> Applied:
    """Writes for both sides and the new base from the user's choices (``{key: side}``).

    Rows without a choice use their default. A choice that would write a side the field's
    direction forbids is refused with ``ValueError``. Fields with direction ``none`` are left
    out of the writes and of the base.
    """
    choices = choices or {}
    applied = Applied()
    for row in rows:
        choice = choices.get(row.key, row.default_choice)
        if choice not in CHOICES:
            raise ValueError(f"Unknown choice '{choice}' for field '{row.label}'.")
        if row.direction == "none":
            continue
        if row.equal:
            applied.base[row.key] = row.so_value
            continue
        if choice == "odoo":
            if not row.writes_so:
                raise ValueError(f"Field '{row.label}' cannot be written to SuperOffice.")
            applied.to_so[row.key] = row.odoo_value
            applied.base[row.key] = row.odoo_value
        else:
            if not row.writes_odoo:
                raise ValueError(f"Field '{row.label}' cannot be written to Odoo.")
            applied.to_odoo[row.key] = row.so_value
            applied.base[row.key] = row.so_value
    return applied
