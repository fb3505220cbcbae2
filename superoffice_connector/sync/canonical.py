"""Canonical values: the plain, comparable form both sides are reduced to before merging.

A canonical value is JSON-serialisable: ``None``, ``str``, ``int``, ``float``, ``bool`` or a list
of strings. Every *kind* has a normaliser (idempotent, applied to values from either side) and a
comparison key; :func:`equal` compares two values by key so cosmetic differences are not changes:

* every kind: ``None``, ``""``, white space only, empty lists and ``False`` (Odoo's empty
  value; not for ``bool``) are all ``None``;
* ``text``: white space runs collapsed to one space, stripped;
* ``multiline``: line endings unified, each line's white space collapsed, runs of blank lines
  collapsed to one, stripped;
* ``email``: stripped and lower-cased (the value itself is lower case);
* ``phone``: the value is the *display* string (white space collapsed), compared by digits only,
  with a leading ``+`` or ``00`` both meaning "international": ``"+47 22 84 85 00"`` equals
  ``"0047-22848500"``. Writers keep the display form the user typed;
* ``url``: stripped; compared without a trailing slash, with scheme and host lower-cased and
  ``http://`` assumed when no scheme is given (Odoo adds it when saving a website);
* ``country``: ISO 3166 alpha-2 upper case (alpha-3 and English names are accepted as input);
* ``date``: ISO ``YYYY-MM-DD`` (``date``/``datetime`` objects and SuperOffice date-times accepted;
  SuperOffice's ``0001-01-01T00:00:00`` is ``None``);
* ``list_item``: the list value's name, compared case-insensitively;
* ``owner``: the Odoo user's e-mail address (else its login), lower-cased; from SuperOffice,
  ``"associate:<id>"`` when that user is no single Odoo user (see ``api.associates``);
* ``ref``: a SuperOffice id as ``int`` (``0`` is ``None``);
* ``members``: sorted list of unique member keys (``"p:<PersonId>"`` / ``"c:<ContactId>"``);
* ``int``/``float``/``bool``/``raw``: the plain value.

    >>> equal("phone", "+47 22 84 85 00", "0047 2284 8500")
    True
    >>> normalize("text", "  ACME   AS ")
    'ACME AS'
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from . import countries

_WS = re.compile(r"\s+")
_NON_DIGIT = re.compile(r"\D+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SO_NULL_DATE = "0001-01-01"


def _empty(value: Any) -> bool:
    """None, blank strings, empty lists, and ``False`` (Odoo's empty value of any field)."""
    if value is None or value is False or value == []:
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str | None:
    if _empty(value):
        return None
    return _WS.sub(" ", str(value)).strip() or None


def _multiline(value: Any) -> str | None:
    if _empty(value):
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() or None


def _email(value: Any) -> str | None:
    text = _text(value)
    return text.replace(" ", "").lower() if text else None


def _country(value: Any) -> str | None:
    if _empty(value):
        return None
    return countries.alpha2(value) or str(value).strip().upper()


def _date(value: Any) -> str | None:
    if _empty(value):
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        text = value.isoformat()
    else:
        text = str(value).strip()[:10]
        try:
            text = _dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"Not a date: {value!r}") from None
    return None if text == _SO_NULL_DATE else text


def _owner(value: Any) -> str | None:
    text = _text(value)
    return text.lower() if text else None


def _ref(value: Any) -> int | None:
    if _empty(value):
        return None
    number = int(value)
    return number or None


def _members(value: Any) -> list[str] | None:
    if _empty(value):
        return None
    if isinstance(value, str):
        value = value.split(",")
    keys = sorted({str(v).strip() for v in value if str(v).strip()})
    return keys or None


def _int(value: Any) -> int | None:
    return None if _empty(value) else int(value)


def _float(value: Any) -> float | None:
    return None if _empty(value) else float(value)


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if _empty(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "[i:1]")
    return bool(value)


def _raw(value: Any) -> Any:
    return None if _empty(value) else value


def phone_key(value: str | None) -> str | None:
    """Digits of a phone number, ``+`` prefixed when international (``+`` or ``00``, also
    inside a leading parenthesis); a value without digits (``"n/a"``) compares as its text."""
    if value is None:
        return None
    text = value.strip()
    digits = _NON_DIGIT.sub("", text)
    if not digits:
        return text.casefold() or None
    if text.lstrip("( ").startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    return digits


def url_key(value: str | None) -> str | None:
    """A URL without trailing slash, scheme/host lower-cased, ``http://`` when scheme-less."""
    if value is None:
        return None
    text = value.strip().rstrip("/")
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


NORMALIZERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "multiline": _multiline,
    "email": _email,
    "phone": _text,
    "url": _text,
    "country": _country,
    "date": _date,
    "list_item": _text,
    "owner": _owner,
    "ref": _ref,
    "members": _members,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "raw": _raw,
}

KEYS: dict[str, Callable[[Any], Any]] = {
    "phone": phone_key,
    "url": url_key,
    "list_item": _casefold,
}

# Kinds of the default mapping keys, so ``normalize("email", v)`` works with a key too.
KEY_KINDS: dict[str, str] = {
    "website": "url", "mobile": "phone", "country": "country", "description": "multiline",
    "category": "list_item", "business": "list_item", "status": "list_item", "type": "list_item",
    "owner": "owner", "company": "ref", "members": "members", "date_start": "date",
    "date_end": "date",
}


def kind_of(key_or_kind: Any) -> str:
    """Resolve a kind name, a mapping key (``"website"``) or a FieldMap to a kind name."""
    kind = getattr(key_or_kind, "transform", None) or key_or_kind
    if kind in NORMALIZERS:
        return kind
    return KEY_KINDS.get(kind, "text")


def normalize(key_or_kind: Any, value: Any) -> Any:
    """Canonical form of ``value`` for a kind, a mapping key or a FieldMap (idempotent)."""
    return NORMALIZERS[kind_of(key_or_kind)](value)


def compare_key(key_or_kind: Any, value: Any) -> Any:
    """The value ``equal`` compares: the normalised value, reduced further for some kinds."""
    kind = kind_of(key_or_kind)
    norm = NORMALIZERS[kind](value)
    key = KEYS.get(kind)
    return key(norm) if key else norm


def equal(field: Any, a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are the same canonical value for ``field`` (FieldMap/kind/key)."""
    if a == b:
        return True
    return compare_key(field, a) == compare_key(field, b)


def display(field: Any, value: Any) -> str:
    """A short human-readable form of a canonical value (for the comparison screen)."""
    value = normalize(field, value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind_of(field) == "country":
        name = countries.name(value)
        return f"{name} ({value})" if name else value
    if kind_of(field) == "owner" and str(value).startswith("associate:"):
        # A SuperOffice user whose e-mail is unknown: its associate id, not the internal key.
        return f"SuperOffice #{str(value).partition(':')[2]}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def canonical_record(fields: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Normalise every mapped key of ``values`` (missing keys become ``None``)."""
    return {f.key: normalize(f, values.get(f.key)) for f in fields}
