"""Person names: SuperOffice keeps Firstname/MiddleName/Lastname, Odoo one ``name``.

Join: the non-empty parts, one space apart (``"Marie De Greeve"``).
Split: the last word is the last name, everything before it the first name, no middle name.
Because that rule cannot know that "De Greeve" is one last name, :func:`split_name` takes the
SuperOffice person's current parts and keeps them where the new full name still agrees with them,
so a name written by Odoo comes back to SuperOffice unchanged unless a person really edited it.

    >>> split_name("Marie De Greeve")
    ('Marie De', '', 'Greeve')
    >>> split_name("Marie De Greeve", current=("Marie", "", "De Greeve"))
    ('Marie', '', 'De Greeve')
"""

from __future__ import annotations

from collections.abc import Sequence


def _clean(part: str | None) -> str:
    return " ".join((part or "").split())


def join_name(first: str | None, middle: str | None = None, last: str | None = None) -> str:
    """Full name from the parts (empty parts are skipped)."""
    return " ".join(p for p in (_clean(first), _clean(middle), _clean(last)) if p)


def split_name(
    full: str | None, current: Sequence[str | None] | None = None
) -> tuple[str, str, str]:
    """Split a full name into ``(first, middle, last)``, keeping ``current`` parts that still fit."""
    full = _clean(full)
    if current is not None:
        first, middle, last = (_clean(p) for p in current)
        if join_name(first, middle, last).casefold() == full.casefold():
            return first, middle, last
        if last and (full == last or full.endswith(" " + last)):
            rest = full[: len(full) - len(last)].strip()
            if middle and rest.endswith(" " + middle):
                return rest[: -len(middle)].strip(), middle, last
            return rest, "", last
        if first and full.startswith(first + " "):
            rest = full[len(first) :].strip()
            head, _, tail = rest.rpartition(" ")
            return first, head, tail
    if " " not in full:
        return "", "", full
    head, _, tail = full.rpartition(" ")
    return head, "", tail
