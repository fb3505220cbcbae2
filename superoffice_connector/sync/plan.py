"""Batch planning: what to do with one page of changed SuperOffice records.

The caller loads, once per page, the links of the page's SuperOffice ids and the current Odoo
canonical values of the linked records; :func:`plan` then decides for every record without any
further lookup (the Odoo pull plans each page of linked records with it). An owner Odoo cannot
represent counts as unchanged and is held (:func:`~.merge.mask_unresolved`,
:func:`~.merge.hold_unresolved`), exactly as when one record is merged; a link with a write in
flight (a run died after its SuperOffice write) is merged alone, by the caller, because its
base must first be recovered. Each record lands in exactly one list:

* ``creates``: not linked yet (and ``create_missing``): the Odoo values to create from;
* ``updates``: linked, merged without conflict, something to write or a base to move;
* ``conflicts``: linked, at least one field in conflict (``update.result`` still carries the
  writes of the non-conflicting fields, which may be applied);
* ``skips``: with a reason (deleted in SuperOffice, duplicate in the page, nothing changed, the
  linked Odoo record is gone, not linked and creation is off).

    >>> from .mapping import default_mapping
    >>> fields = default_mapping("company")
    >>> p = plan("company", [{"ContactId": 7, "Name": "ACME"}], {}, {}, fields)
    >>> p.creates[0].so_id, p.creates[0].values["name"]
    (7, 'ACME')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .mapping import FieldMap
from .merge import MergeResult, hold_unresolved, mask_unresolved, three_way
from .transforms import Lookups, from_superoffice

ID_KEYS = {"company": "ContactId", "person": "PersonId", "project": "ProjectId"}


@dataclass(frozen=True)
class Link:
    """What :func:`plan` needs of a link: the Odoo record id and the base snapshot."""

    odoo_id: int
    base: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Create:
    so_id: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Update:
    so_id: int
    odoo_id: int
    result: MergeResult


@dataclass(frozen=True)
class Skip:
    so_id: Any
    reason: str


@dataclass
class Plan:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    conflicts: list[Update] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


def _link_parts(link: Any) -> tuple[Any, Any]:
    if isinstance(link, Mapping):
        return link.get("odoo_id"), link.get("base")
    return link.odoo_id, link.base


def _latest(records: Iterable[Mapping[str, Any]], id_key: str, skips: list[Skip]) -> list:
    """One record per id: the most recently updated (ISO strings sort by time), then the last."""
    chosen: dict[Any, Mapping[str, Any]] = {}
    order: list[Any] = []
    for record in records:
        so_id = record.get(id_key)
        if not so_id:
            skips.append(Skip(None, f"Record without {id_key}."))
            continue
        if so_id in chosen:
            skips.append(Skip(so_id, "Duplicate in the batch: the latest version is used."))
            if str(record.get("UpdatedDate") or "") < str(chosen[so_id].get("UpdatedDate") or ""):
                continue
        else:
            order.append(so_id)
        chosen[so_id] = record
    return [chosen[so_id] for so_id in order]


def _base_moved(base: Mapping[str, Any] | None, new_base: Mapping[str, Any]) -> bool:
    base = base or {}
    return any(key not in base or base[key] != value for key, value in new_base.items())


def plan(
    entity_type: str,
    changed_records: Iterable[Mapping[str, Any]],
    links_by_so_id: Mapping[Any, Any],
    odoo_values_by_id: Mapping[Any, Mapping[str, Any]],
    fields: Iterable[FieldMap],
    policy: str = "manual",
    lookups: Lookups | None = None,
    create_missing: bool = True,
) -> Plan:
    """Plan creates, updates, conflicts and skips for a page of SuperOffice entity dicts."""
    fields = tuple(fields)
    id_key = ID_KEYS[entity_type]
    result = Plan()
    for record in _latest(changed_records, id_key, result.skips):
        so_id = record[id_key]
        if record.get("Deleted"):
            result.skips.append(Skip(so_id, "Deleted in SuperOffice."))
            continue
        so_values = from_superoffice(entity_type, record, fields, lookups)
        link = links_by_so_id.get(so_id)
        if link is None:
            if create_missing:
                values = {f.key: so_values.get(f.key) for f in fields if f.writes_odoo}
                result.creates.append(Create(so_id, values))
            else:
                result.skips.append(Skip(so_id, "Not linked to an Odoo record."))
            continue
        odoo_id, base = _link_parts(link)
        odoo_values = odoo_values_by_id.get(odoo_id)
        if odoo_values is None:
            result.skips.append(Skip(so_id, "The linked Odoo record no longer exists."))
            continue
        unresolved = mask_unresolved(fields, so_values, odoo_values, base)
        merged = three_way(base, odoo_values, so_values, fields, policy)
        hold_unresolved(merged, unresolved)
        update = Update(so_id, odoo_id, merged)
        if merged.conflicts:
            result.conflicts.append(update)
        elif merged.changed or _base_moved(base, merged.new_base):
            result.updates.append(update)
        else:
            result.skips.append(Skip(so_id, "No change."))
    return result
