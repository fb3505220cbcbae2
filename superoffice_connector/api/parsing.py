"""Parsing of SuperOffice wire values.

Date-times: SuperOffice sends ISO-8601 strings, mostly *without* an offset
(``"2020-04-22T15:51:25"``), sometimes with 7 fractional digits or a ``Z``/offset. The documentation
says entity dates are "in UTC", so **a naive timestamp is taken to be UTC**; every parsed value is
an aware ``datetime`` in UTC. ``0001-01-01T00:00:00`` is SuperOffice's "no date" and becomes
``None``; ``9999-12-31T23:59:59.9999999`` (open end) is kept as ``datetime.max`` in UTC.

User-defined / ERP field values are strings encoded with ``CultureDataFormatter``:
``"[I:8]"`` int, ``"[F:12345.6789]"`` float, ``"[DT:12/31/2013 23:59:59.0000000]"`` date-time
(invariant culture, month first, UTC), ``"[D:06/01/2020]"`` date and booleans ``"[I:1]"``/``"[I:0]"``. :func:`decode_value` turns
them into Python values and leaves any other string as it is.
"""

import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

from .exceptions import MalformedResponseError

UTC = timezone.utc
_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
_CULTURE_RE = re.compile(r"^\[(I|F|DT|D):(.*)\]$", re.S)
_CULTURE_DT_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$"
)
NULL_DATE_PREFIX = "0001-01-01"


def _fraction_to_us(frac):
    if not frac:
        return 0
    return int((frac + "000000")[:6])


def parse_datetime(value):
    """Parse a SuperOffice date-time string into an aware UTC ``datetime`` (or ``None``).

    Naive values are UTC. ``None``, ``""`` and ``0001-01-01T00:00:00`` give ``None``.
    Raises :class:`MalformedResponseError` for a string that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if not isinstance(value, str):
        raise MalformedResponseError(f"Expected a date-time string, got {type(value).__name__}.")
    m = _ISO_RE.match(value.strip())
    if not m:
        raise MalformedResponseError(f"Not a date-time value: {value[:40]!r}.")
    year, month, day, hh, mm, ss, frac, tz = m.groups()
    if value.startswith(NULL_DATE_PREFIX):
        return None
    if year == "9999":
        return datetime.max.replace(tzinfo=UTC)
    dt = datetime(
        int(year),
        int(month),
        int(day),
        int(hh or 0),
        int(mm or 0),
        int(ss or 0),
        _fraction_to_us(frac),
    )
    if tz in (None, "Z"):
        return dt.replace(tzinfo=UTC)
    sign = 1 if tz[0] == "+" else -1
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return dt.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)


def format_datetime_utc(value):
    """Format a ``datetime`` the way SuperOffice filters expect: naive UTC, seconds precision."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def format_http_date(value):
    """RFC 7231 date for ``If-Modified-Since`` / ``If-Unmodified-Since``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value.astimezone(UTC), usegmt=True)


def parse_http_date(value):
    """Parse an HTTP date header (``Last-Modified``); ``None`` if absent or unreadable."""
    if not value:
        return None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def decode_value(value):
    """Decode a ``CultureDataFormatter`` string (``"[I:8]"`` etc.); other values pass unchanged."""
    if not isinstance(value, str):
        return value
    m = _CULTURE_RE.match(value)
    if not m:
        return value
    kind, body = m.groups()
    try:
        if kind == "I":
            return int(body)
        if kind == "F":
            return float(body)
        value = _parse_culture_datetime(body)
        return value.date() if kind == "D" and value is not None else value
    except ValueError:
        return value


def _parse_culture_datetime(body):
    m = _CULTURE_DT_RE.match(body.strip())
    if not m:
        raise ValueError(body)
    month, day, year, hh, mm, ss, frac = m.groups()
    if year == "0001":
        return None
    return datetime(
        int(year),
        int(month),
        int(day),
        int(hh or 0),
        int(mm or 0),
        int(ss or 0),
        _fraction_to_us(frac),
        tzinfo=UTC,
    )


def decode_udefs(udefs):
    """Decode a ``UserDefinedFields`` dict: ``{key: decoded}``; ``:DisplayText`` keys stay strings."""
    result = {}
    for key, raw in (udefs or {}).items():
        if key.endswith((":DisplayText", ":DisplayTooltip")):
            result[key] = raw
        else:
            result[key] = decode_value(raw)
    return result


def parse_int(value, default=None):
    """Archive rows carry ids as strings in slim mode (``"PrimaryKey": "1"``)."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise MalformedResponseError(f"Expected an integer, got {str(value)[:40]!r}.")
