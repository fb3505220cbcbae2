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

A value one side holds that the other side cannot represent (a stage SuperOffice's status list
lacks, a status Odoo has no stage for) is *held* in the base (:func:`hold`): while that side
still holds it, it counts as the base value, so the known difference is neither a change nor a
conflict again; any edit of the field on either side ends the hold.

Every automatic choice (policy or direction) is in :attr:`MergeResult.decisions`.
``new_base`` is the snapshot to store once both writes succeeded; a value we wrote comes back
equal to it, so it is not seen as a change again (no ping-pong). If the process dies between the
remote write and storing the snapshot, the next run finds both sides equal (``both_same``) and
just moves the base; an Odoo edit made in between is only safe when the caller stored the run's
:func:`in_flight` record before the PATCH and passes it through :func:`recover_base`.

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
# The base's entry of held values: {key: [side ("odoo" or "so"), the value that side holds]}.
HELD = "_held"


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
    held = {}
    if base and base.get(HELD):
        odoo, so = dict(odoo), dict(so)
        held = mask_held(fields, odoo, so, base)
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
    kept = {k: v for k, v in held.items() if status.get(k) == "unchanged"}
    if kept:
        new_base[HELD] = kept
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


def in_flight(
    base: Mapping[str, Any] | None,
    result: MergeResult,
    stamp: tuple[str | None, int | None],
    ours: int | None,
) -> dict[str, Any]:
    """The record of a run about to PATCH ``result.to_so``, to store durably *before* the PATCH.

    ``base`` is the base the run merged with; ``stamp`` is SuperOffice's change stamp of the
    record as the run read it: ``(updated, updated_by)``, its ``UpdatedDate`` (the value our
    ``If-Unmodified-Since`` is built from) and the associate id of ``UpdatedBy``; ``ours`` is
    the associate the connection writes as. JSON-serialisable; see :func:`recover_base`.
    """
    return {
        "base": None if base is None else dict(base),
        "to_so": dict(result.to_so),
        "to_odoo": sorted(result.to_odoo),
        "new_base": dict(result.new_base),
        "stamp": list(stamp),
        "ours": ours,
    }


def mask_unresolved(
    fields: Iterable[FieldMap],
    so: dict[str, Any],
    odoo: Mapping[str, Any],
    base: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """A SuperOffice owner Odoo cannot represent (``"associate:<id>"``: no single Odoo user of
    the company matches it) counts as unchanged in SuperOffice (``so`` is changed in place):
    Odoo's user is then neither cleared nor pushed over it unless it was edited in Odoo.
    Returns ``{key: "associate:<id>"}`` of those owners, for :func:`hold_unresolved` after
    the merge (an owner already held that way is left to :func:`mask_held`).

        >>> from .mapping import default_mapping
        >>> so = {"owner": "associate:12"}
        >>> mask_unresolved(default_mapping("company"), so, {"owner": "a@x.no"}, None)
        {'owner': 'associate:12'}
        >>> so["owner"]
        'a@x.no'
    """
    held = (base or {}).get(HELD) or {}
    unresolved = {}
    for fmap in fields:
        value = so.get(fmap.key)
        if isinstance(value, str) and value.startswith("associate:"):
            unresolved[fmap.key] = value
            if list(held.get(fmap.key) or ()) == ["so", value] and fmap.key in base:
                continue
            so[fmap.key] = (base or {}).get(fmap.key, odoo.get(fmap.key))
    return unresolved


def hold_unresolved(result: MergeResult, unresolved: Mapping[str, Any]) -> None:
    """Hold (:func:`hold`) in ``result.new_base`` each SuperOffice owner of ``unresolved``
    (from :func:`mask_unresolved`) that the merge left as it was: SuperOffice keeps its owner,
    Odoo keeps its user, and the difference is told instead of hidden. An owner Odoo's edit
    replaced in SuperOffice, or a key another hold already covers, is not held."""
    held = result.new_base.get(HELD) or {}
    for key, value in unresolved.items():
        if (result.status.get(key) in ("unchanged", "both_same") and key in result.new_base
                and key not in held and result.new_base[key] != value):
            hold(result.new_base, key, "so", value, result.new_base[key])


def hold(base: dict[str, Any], key: str, side: str, value: Any, other: Any) -> None:
    """Record in ``base`` (changed in place) that ``side`` (``"odoo"`` or ``"so"``) holds
    ``value`` for ``key``, which the other side cannot represent: it keeps ``other``.

        >>> from .mapping import FieldMap
        >>> fields = (FieldMap("status", "Status", "stage_id", "ProjectStatus",
        ...                    transform="list_item"),)
        >>> base = {}
        >>> hold(base, "status", "odoo", "To Do", "Planned")
        >>> three_way(base, {"status": "To Do"}, {"status": "Planned"}, fields).status
        {'status': 'unchanged'}
        >>> three_way(base, {"status": "To Do"}, {"status": "Completed"}, fields).to_odoo
        {'status': 'Completed'}
    """
    base[key] = other
    base.setdefault(HELD, {})[key] = [side, value]


def mask_held(
    fields: Iterable[FieldMap],
    odoo: dict[str, Any],
    so: dict[str, Any],
    base: Mapping[str, Any] | None,
) -> dict[str, list]:
    """Replace (in place) a held value a side still holds by the base value; returns the
    holds still in force (see :func:`hold`)."""
    held = (base or {}).get(HELD) or {}
    live = {}
    for fmap in fields:
        entry = held.get(fmap.key)
        if not entry or fmap.key not in base:
            continue
        side, value = entry
        values = odoo if side == "odoo" else so
        if equal(fmap, values.get(fmap.key), value):
            values[fmap.key] = base[fmap.key]
            live[fmap.key] = [side, value]
    return live


def recover_base(
    base: Mapping[str, Any] | None,
    flight: Mapping[str, Any] | None,
    so: Mapping[str, Any],
    stamp: tuple[str | None, int | None],
    fields: Iterable[FieldMap],
) -> dict[str, Any] | None:
    """The base after a run that died between its SuperOffice write and saving its base.

    ``flight`` is that run's :func:`in_flight` record (the latest one: each run merges with the
    base recovered from the previous record, so the latest one carries the earlier ones); ``so``
    and ``stamp`` are what SuperOffice holds now. Without a record ``base`` is returned as is.

    Per key, what the dead run saw still holds, except for its writes:

    - a key it wrote to Odoo: that write was rolled back, the run's own base stays;
    - a key it PATCHed: an unchanged stamp means nothing was written to the record since the
      run read it, so the PATCH did not arrive: the run's own base stays. A stamp changed by
      the connection's own associate means the PATCH arrived and nobody wrote after it: the
      value sent is the base. A stamp changed by anyone else leaves two stories that end
      differently (the PATCH never arrived and a user edited; or it arrived and a user edited
      after it, perhaps back to the old value or to the value sent): the base of that key is
      unknown and left out, so any difference between the two sides is a conflict (or the
      policy's choice, reported), never a silent overwrite;
    - any other key: the run's new base (two sides that agreed at its read agreed for real).

    The stamp has SuperOffice's one-second resolution: a PATCH that arrives in the same second
    as the write before it leaves the stamp's date unchanged, but not its ``UpdatedBy`` unless
    that write was ours too.

        >>> from .mapping import FieldMap
        >>> fields = (FieldMap("city", "City", "city", "Address.Postal.City"),)
        >>> flight = {"base": {"city": "Oslo"}, "to_so": {"city": "Bergen"}, "to_odoo": [],
        ...           "new_base": {"city": "Bergen"}, "stamp": ["10:00:00", 7], "ours": 5}
        >>> recover_base({"city": "Oslo"}, flight, {"city": "Bergen"}, ("10:00:04", 5), fields)
        {'city': 'Bergen'}
        >>> recover_base({"city": "Oslo"}, flight, {"city": "Oslo"}, ("10:00:00", 7), fields)
        {'city': 'Oslo'}
        >>> recover_base({"city": "Oslo"}, flight, {"city": "Oslo"}, ("10:00:09", 7), fields)
        {}
    """
    if not flight:
        return None if base is None else dict(base)
    used = flight.get("base")
    used = {} if used is None else used
    to_so, to_odoo = flight.get("to_so") or {}, set(flight.get("to_odoo") or ())
    new_base = flight.get("new_base") or {}
    read, ours = tuple(flight.get("stamp") or (None, None)), flight.get("ours")
    stamp = tuple(stamp)
    untouched = read[0] is not None and stamp == read
    ours_last = not untouched and bool(ours) and stamp[1] == ours and stamp[0] is not None
    keys = {f.key for f in fields}
    recovered = {k: v for k, v in new_base.items() if k not in keys}
    for f in fields:
        key = f.key
        if key in to_so:
            sent = to_so[key]
            if ours_last:
                recovered[key] = sent
            elif key in used and (untouched or equal(f, used[key], sent)):
                recovered[key] = used[key]
        elif key in to_odoo:
            if key in used:
                recovered[key] = used[key]
        elif key in new_base:
            recovered[key] = new_base[key]
    return recovered
