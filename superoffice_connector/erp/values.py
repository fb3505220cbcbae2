"""Field values as SuperOffice encodes them (``D/api/field-value-formats-and-conventions.md``).

Every value travels as a string. Strings and list keys are sent as they are; other types use
CultureDataFormatter brackets, and the connector must read what SuperOffice sends:

    >>> encode(DATETIME, datetime(2013, 12, 31, 23, 59, 59))
    '[DT:12/31/2013 23:59:59.0000000]'
    >>> decode(DOUBLE, "[D:0.5]"), decode(INTEGER, "[I:7]"), decode(CHECKBOX, "[I:1]")
    (0.5, 7, True)
    >>> format_timestamp(datetime(2026, 11, 29, 18, 43, 0))
    '2026-11-29T18:43:00'
    >>> format_cursor(datetime(2026, 11, 29, 18, 43, 0, 5), 42)
    '2026-11-29T18:43:00.000005.000000000042'
    >>> parse_cursor('2026-11-29T18:43:00.000005.000000000042')
    (datetime.datetime(2026, 11, 29, 18, 43, 0, 5), 42, True)
    >>> parse_cursor('2026-11-29T18:43:00')
    (datetime.datetime(2026, 11, 29, 18, 43), 0, False)
"""

import re
from datetime import date, datetime, timedelta, timezone

from .carriers import CHECKBOX, DATETIME, DOUBLE, INTEGER, LIST, PASSWORD, TEXT

_BRACKET = re.compile(r"^\[(DT|TS|D|F|I|M|B|T):(.*)\]$", re.S)
_NUMBER_TAGS = ("F", "D", "M", "I")
EPOCH = datetime(1970, 1, 1)


class ValueEncodingError(ValueError):
    """A value SuperOffice sent cannot be read as the field's type."""


def encode(field_type, value):
    """Encode a Python value for a field of ``field_type`` (None and False-y texts -> '')."""
    if field_type == CHECKBOX:
        return "[I:1]" if value else "[I:0]"
    if value is None or value is False or value == "":
        return ""
    if field_type == INTEGER:
        return f"[I:{int(value)}]"
    if field_type == DOUBLE:
        return f"[F:{float(value)!r}]"
    if field_type == DATETIME:
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return "[DT:" + value.strftime("%m/%d/%Y %H:%M:%S") + f".{value.microsecond * 10:07d}]"
    return str(value)


def _split(text):
    match = _BRACKET.match(text.strip())
    return (match.group(1), match.group(2)) if match else (None, text)


def decode(field_type, text):
    """Decode ``text`` for a field of ``field_type``; '' -> None (False for a checkbox)."""
    text = "" if text is None else str(text)
    if field_type in (TEXT, PASSWORD, LIST, "", None):
        return text
    tag, raw = _split(text)
    raw = raw.strip()
    if field_type == CHECKBOX:
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("", "0", "false", "no"):
            return False
        raise ValueEncodingError(f"{text!r} is not a checkbox value ([I:1] or [I:0])")
    if raw == "":
        return None
    try:
        if field_type == INTEGER:
            if tag not in (None, *_NUMBER_TAGS):
                raise ValueError
            number = float(raw)
            if number != int(number):
                raise ValueError
            return int(number)
        if field_type == DOUBLE:
            if tag not in (None, *_NUMBER_TAGS):
                raise ValueError
            return float(raw)
    except ValueError:
        raise ValueEncodingError(f"{text!r} is not a {field_type.lower()} value")
    if field_type == DATETIME:
        return parse_datetime(raw, tag, text)
    raise ValueEncodingError(f"Unknown field type {field_type!r}")


_DT_FORMATS = ("%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
_D_FORMATS = ("%d.%m.%Y", "%m/%d/%Y", "%Y-%m-%d")
_ISO_FORMATS = ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def _fraction(raw):
    # .NET writes seven fraction digits, strptime reads at most six
    return re.sub(r"\.(\d{6})\d+", r".\1", raw)


def parse_datetime(raw, tag=None, original=None):
    raw = _fraction(raw.strip().rstrip("Z"))
    formats = {"DT": _DT_FORMATS, "TS": _DT_FORMATS, "D": _D_FORMATS}.get(tag, _ISO_FORMATS + _DT_FORMATS)
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise ValueEncodingError(f"{original or raw!r} is not a date and time value")


def format_timestamp(moment):
    """LastModified: UTC, fixed width, so text order is time order (ISO ``s`` format)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


_CURSOR = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\.(\d{12})$")


def format_cursor(moment, record_id):
    """LastModified of a record: its write date (UTC, to the microsecond) and its id, fixed
    width, so that text order is the order of (write date, id).

    Why a cursor and not the write date alone: every record written in one transaction has the
    same write date (the transaction's start), so an import of 10,000 records is one instant.
    SuperOffice stores the newest LastModified it saw and asks for what changed "on or after"
    it; with the id in the value an answer can end anywhere inside an instant and the next one
    starts right after the last record sent. Why text: SuperOffice does not parse the value,
    and a digit-for-digit fixed width sorts the same as text, as time and (per part) as numbers;
    it reads as a date for a person."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return f"{moment:%Y-%m-%dT%H:%M:%S.%f}.{int(record_id):012d}"


def parse_cursor(text):
    """``(moment, record id, exact)`` of an UpdatedOnOrAfter value. ``exact``: one of our
    cursors, meaning "after that record"; otherwise a date and time (an older LastModified, a
    date SuperOffice made up, or nothing: the beginning) meaning "on or after"."""
    match = _CURSOR.match((text or "").strip())
    if match:
        moment = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S.%f")
        return moment, int(match.group(2)), True
    return parse_timestamp(text), 0, False


def parse_timestamp(text):
    """Read an UpdatedOnOrAfter value (our LastModified, or an encoded date); what cannot be read
    means "from the beginning", as SuperOffice's sample connector does: a repeat is harmless,
    a skipped change is not."""
    text = (text or "").strip()
    if not text:
        return EPOCH
    tag, raw = _split(text)
    try:
        return parse_datetime(raw, tag)
    except ValueEncodingError:
        return EPOCH


def next_minute(moment):
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
