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
    """Split a full name into ``(first, middle, last)``, keeping ``current`` parts that still fit.

    Parts are matched word by word, ignoring case, and always take their text from ``full``:
    ``"marie de greeve"`` with current ``("Marie", "", "De Greeve")`` gives
    ``("marie", "", "de greeve")``, so a change of case is written, not lost."""
    words = _clean(full).split()
    if current is not None:
        fitted = _fit(words, *(_clean(p).split() for p in current))
        if fitted is not None:
            return tuple(" ".join(part) for part in fitted)
    return " ".join(words[:-1]), "", " ".join(words[-1:])


def _same(words: list[str], part: list[str]) -> bool:
    return [w.casefold() for w in words] == [w.casefold() for w in part]


def _fit(
    words: list[str], first: list[str], middle: list[str], last: list[str]
) -> tuple[list[str], list[str], list[str]] | None:
    """Word lists of the new name split where the current parts still match, or None."""
    cut = len(words) - len(last)
    if _same(words, first + middle + last):
        return words[: len(first)], words[len(first) : cut], words[cut:]
    if last and cut >= 0 and _same(words[cut:], last):
        rest, tail = words[:cut], words[cut:]
        split = len(rest) - len(middle)
        if middle and split > 0 and _same(rest[split:], middle):
            return rest[:split], rest[split:], tail
        return rest, [], tail
    if first and len(words) > len(first) and _same(words[: len(first)], first):
        rest = words[len(first) :]
        return words[: len(first)], rest[:-1], rest[-1:]
    return None
