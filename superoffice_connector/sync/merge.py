"""Three-way merge of one record: base snapshot, current Odoo values, current SuperOffice values.

Per field (all values canonical, compared with :func:`.canonical.equal`):

============================  =====================  ==========================================
Odoo vs base / SO vs base     status                 effect
============================  =====================  ==========================================
Odoo = SO (= base)            ``unchanged``          nothing
Odoo = SO (≠ base)            ``both_same``          nothing written, base moves
Odoo changed, SO not          ``odoo_changed``       write SuperOffice
SO changed, Odoo not          ``so_changed``         write Odoo
both changed, differently     ``conflict``           policy ``manual``: nothing written, base kept
                              ``odoo_wins``          policy ``odoo_wins``: write SuperOffice
                              ``superoffice_wins``   policy ``superoffice_wins``: write Odoo
============================  =====================  ==========================================

Directions: a ``to_so`` field never writes Odoo and a ``to_odoo`` field never writes SuperOffice.
An edit of a one-way field on the side that is not its source is not synced back: the source value
is written over it in the same run (status ``source_wins``), and the choice is reported.
``direction="none"`` fields are ``ignored``. A missing base (``None``, or a key missing from it)
is connect time: equal values are ``both_same``, different values follow the policy.

Every automatic choice (policy or direction) is in :attr:`MergeResult.decisions`.
``new_base`` is the snapshot to store once both writes succeeded; a value we wrote comes back
equal to it, so it is not seen as a change again (no ping-pong). If the process dies between the
remote write and storing the snapshot, the next run finds both sides equal (``both_same``) and
just moves the base; an Odoo edit made in between is only safe when the caller kept the pending
writes and passes the base through :func:`recover_base`.

    >>> from .mapping import FieldMap
    >>> fields = (FieldMap("city", "City", "city", "Address.Postal.City"),)
    >>> r = three_way({"city": "Oslo"}, {"city": "Bergen"}, {"city": "Oslo"}, fields)
    >>> r.to_so, r.status
    ({'city': 'Bergen'}, {'city': 'odoo_changed'})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .canonical import KEYS, NORMALIZERS, equal, kind_of
from .mapping import FieldMap

POLICIES = ("manual", "odoo_wins", "superoffice_wins")


@dataclass(frozen=True)
class Conflict:
    key: str
    label: str
    base: Any
    odoo: Any
    so: Any


@dataclass(frozen=True)
class Decision:
    """An automatic choice: ``status`` is ``odoo_wins``, ``superoffice_wins`` or ``source_wins``."""

    key: str
    status: str
    value: Any
    note: str


@dataclass
class MergeResult:
    to_odoo: dict[str, Any] = field(default_factory=dict)
    to_so: dict[str, Any] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    status: dict[str, str] = field(default_factory=dict)
    new_base: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when something must be written to either side."""
        return bool(self.to_odoo or self.to_so)

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts)


@dataclass(frozen=True)
class _Compiled:
    key: str
    label: str
    norm: Any
    cmp: Any
    direction: str
    writes_so: bool
    writes_odoo: bool


@lru_cache(maxsize=64)
def _compile(fields: tuple[FieldMap, ...]) -> tuple[_Compiled, ...]:
    return tuple(
        _Compiled(f.key, f.label, NORMALIZERS[kind_of(f)], KEYS.get(kind_of(f)), f.direction,
                  f.writes_so, f.writes_odoo)
        for f in fields
    )


def _same(c: _Compiled, a: Any, b: Any) -> bool:
    if a == b:
        return True
    return c.cmp is not None and a is not None and b is not None and c.cmp(a) == c.cmp(b)


_WRONG_SIDE = {
    "to_odoo": "Edited in Odoo, but SuperOffice is this field's source: SuperOffice value kept.",
    "to_so": "Edited in SuperOffice, but Odoo is this field's source: Odoo value kept.",
}


def three_way(
    base: Mapping[str, Any] | None,
    odoo: Mapping[str, Any],
    so: Mapping[str, Any],
    fields: Iterable[FieldMap],
    policy: str = "manual",
) -> MergeResult:
    """Decide, field by field, what flows where. See the module documentation."""
    if policy not in POLICIES:
        raise ValueError(f"Unknown conflict policy '{policy}'.")
    result = MergeResult()
    status, new_base = result.status, result.new_base
    for c in _compile(tuple(fields)):
        key = c.key
        has_base = base is not None and key in base
        if c.direction == "none":
            status[key] = "ignored"
            if has_base:
                new_base[key] = base[key]
            continue
        o, s = odoo.get(key), so.get(key)
        if has_base and o == s and base[key] == o:  # the common case: nothing to normalise
            status[key] = "unchanged"
            new_base[key] = s
            continue
        o, s = c.norm(o), c.norm(s)
        b = c.norm(base[key]) if has_base else None
        if _same(c, o, s):
            status[key] = "unchanged" if has_base and _same(c, o, b) else "both_same"
            new_base[key] = s
            continue
        odoo_changed = not has_base or not _same(c, o, b)
        so_changed = not has_base or not _same(c, s, b)
        if odoo_changed and so_changed:
            _both_changed(result, c, policy, b, o, s, has_base)
        elif odoo_changed:
            _one_side_changed(result, c, o, s, to_so=True)
        else:
            _one_side_changed(result, c, s, o, to_so=False)
    return result


def _one_side_changed(result: MergeResult, c: _Compiled, new: Any, other: Any, to_so: bool) -> None:
    """``new`` flows to the other side (``to_so``: from Odoo to SuperOffice) unless the field's
    direction forbids it: then the other side's value goes back over the edit."""
    if c.writes_so if to_so else c.writes_odoo:
        _write(result, c, "odoo_changed" if to_so else "so_changed", new, to_so)
    elif c.writes_odoo if to_so else c.writes_so:
        _source_wins(result, c, other, to_so=not to_so)
    else:
        result.status[c.key] = "ignored"


def _write(result: MergeResult, c: _Compiled, status: str, value: Any, to_so: bool) -> None:
    (result.to_so if to_so else result.to_odoo)[c.key] = value
    result.status[c.key] = status
    result.new_base[c.key] = value


def _source_wins(result: MergeResult, c: _Compiled, value: Any, to_so: bool) -> None:
    _write(result, c, "source_wins", value, to_so)
    note = _WRONG_SIDE["to_so" if to_so else "to_odoo"]
    result.decisions.append(Decision(c.key, "source_wins", value, note))


def _both_changed(
    result: MergeResult, c: _Compiled, policy: str, b: Any, o: Any, s: Any, has_base: bool
) -> None:
    if c.direction == "to_so" and c.writes_so:
        return _source_wins(result, c, o, to_so=True)
    if c.direction == "to_odoo" and c.writes_odoo:
        return _source_wins(result, c, s, to_so=False)
    if policy == "odoo_wins" and c.writes_so:
        _write(result, c, "odoo_wins", o, to_so=True)
        note = "Changed on both sides: Odoo value kept (policy Odoo wins)."
        result.decisions.append(Decision(c.key, "odoo_wins", o, note))
    elif policy == "superoffice_wins" and c.writes_odoo:
        _write(result, c, "superoffice_wins", s, to_so=False)
        note = "Changed on both sides: SuperOffice value kept (policy SuperOffice wins)."
        result.decisions.append(Decision(c.key, "superoffice_wins", s, note))
    else:
        result.status[c.key] = "conflict"
        result.conflicts.append(Conflict(c.key, c.label, b, o, s))
        if has_base:
            result.new_base[c.key] = b
    return None


def recover_base(
    base: Mapping[str, Any] | None,
    pending: Mapping[str, Any] | None,
    so: Mapping[str, Any],
    fields: Iterable[FieldMap],
) -> dict[str, Any] | None:
    """The base after a run that died between the SuperOffice write and saving the base.

    ``pending`` is the ``to_so`` of that run, stored on the link *before* the PATCH. A pending
    value SuperOffice now holds reached it: it becomes the base of that key. Without this, an
    Odoo edit made before the next run back to the old base value would look unchanged and be
    overwritten by the value we wrote ourselves.

        >>> from .mapping import FieldMap
        >>> fields = (FieldMap("city", "City", "city", "Address.Postal.City"),)
        >>> recover_base({"city": "Oslo"}, {"city": None}, {"city": None}, fields)
        {'city': None}
    """
    if not pending:
        return None if base is None else dict(base)
    recovered = dict(base or {})
    for f in fields:
        if f.key not in pending:
            continue
        # SuperOffice still holding the old base value is the one sign that the write did not
        # arrive. Holding the pending value, or a third value (a SuperOffice user edited it after
        # our write), it arrived: the pending value is the base, so an Odoo edit made since
        # then is an edit (a conflict when SuperOffice changed too), never silently overwritten.
        if f.key in recovered and equal(f, recovered[f.key], so.get(f.key)):
            continue
        recovered[f.key] = pending[f.key]
    return recovered
