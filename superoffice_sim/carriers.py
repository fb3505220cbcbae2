"""Sub-objects shared by the entities: elements, addresses, user-defined fields.

Store format: elements are `[value, description]` pairs, addresses are dicts of the structured
parts (`Address1`..`State`), list udefs are ints and string udefs are strings.
"""

import re

from . import refdata, schema
from .errors import ValidationError

_NON_DIGITS = re.compile(r"[^0-9]")


def no_rights():
    """`TableRight`/`FieldProperties` of a nested carrier that shows no rights of its own."""
    return {"TableRight": None, "FieldProperties": {}}


ADDRESS_PARTS = ("Address1", "Address2", "Address3", "City", "County", "State", "Zipcode")


def empty_address():
    return dict.fromkeys(ADDRESS_PARTS, "")


def elements(pairs, phone=False):
    """EntityElement carriers `{Value, StrippedValue, Description}` for stored pairs."""
    out = []
    for value, description in pairs:
        stripped = _NON_DIGITS.sub("", value) if phone else value
        out.append({"TableRight": None, "FieldProperties": {}, "Value": value,
                    "StrippedValue": stripped, "Description": description})
    return out


def parse_elements(name, items):
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError(name, f"{name} must be a list of elements")
    pairs = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationError(f"{name}[{i}]", "an element must be an object")
        value = item.get("Value") or ""
        description = item.get("Description") or ""
        if not isinstance(value, str) or not isinstance(description, str):
            raise ValidationError(f"{name}[{i}].Value", "element values must be strings")
        if len(value) > schema.ELEMENT_LENGTH:
            raise ValidationError(f"{name}[{i}].Value", _too_long(value, schema.ELEMENT_LENGTH))
        if value:
            pairs.append([value, description])
    return pairs


def _too_long(value, limit):
    return f"value is {len(value)} characters long, the limit is {limit}"


def check_length(field_name, value, limit):
    if limit > 0 and isinstance(value, str) and len(value) > limit:
        raise ValidationError(field_name, _too_long(value, limit))


def _format_lines(parts):
    lines = [parts[k] for k in ("Address1", "Address2", "Address3") if parts.get(k)]
    city = " ".join(p for p in (parts.get("Zipcode", ""), parts.get("City", "")) if p)
    if city:
        lines.append(city)
    return "\n".join(lines)


def _structured(atype, parts):
    """A `StructuredAddress`: no carrier in 12.4, so no `TableRight`/`FieldProperties`."""
    out = {"AtypeIdx": atype}
    out.update({k: parts.get(k, "") for k in ADDRESS_PARTS})
    out["Formatted"] = _format_lines(parts)
    return out


def address(postal, street, country_id, postal_type="ContactPostalAddress",
            street_type="ContactStreetAddress"):
    """Address carrier with structured `Street`/`Postal`, `LocalizedAddress` and `Formatted`."""
    main = postal if any(postal.values()) else street
    localized = []
    for atype, parts in ((postal_type, postal), (street_type, street)):
        row = [{**no_rights(), "Name": k, "Value": parts.get(k, ""), "Tooltip": "",
                "Label": "Address" if k.startswith("Address") else k, "ValueLength": 0,
                "AddressType": atype} for k in ("Address1", "Address2", "Address3")]
        localized.append(row)
        localized.append([{**no_rights(), "Name": k, "Value": parts.get(k, ""),
                           "Tooltip": "", "Label": k, "ValueLength": 0, "AddressType": atype}
                          for k in ("Zipcode", "City")])
    formatted = "\n".join(x for x in (_format_lines(main), refdata.country_name(country_id)) if x)
    return {"TableRight": None, "FieldProperties": {}, "Wgs84Latitude": 0.0,
            "Wgs84Longitude": 0.0, "LocalizedAddress": localized,
            "Street": _structured(street_type, street),
            "Postal": _structured(postal_type, postal), "Formatted": formatted}


def parse_address_part(name, obj, current):
    """Structured address parts from a `Street`/`Postal` object, validated."""
    if obj is None:
        return empty_address()
    if not isinstance(obj, dict):
        raise ValidationError(name, f"{name} must be an object")
    parts = dict(current)
    for key in ADDRESS_PARTS:
        if key in obj:
            value = obj[key] if obj[key] is not None else ""
            if not isinstance(value, str):
                raise ValidationError(f"{name}.{key}", "must be a string")
            check_length(f"{name}.{key}", value, schema.ADDRESS_PART_LENGTH[key])
            parts[key] = value
    return parts


def udef_values(kind, values):
    """`UserDefinedFields` with `[I:n]` list encoding and DisplayText companions."""
    out = {}
    for prog_id, (_label, udef_kind) in schema.UDEFS[kind].items():
        value = values.get(prog_id)
        if udef_kind == "list":
            item = value or 0
            out[prog_id] = f"[I:{item}]"
            out[f"{prog_id}:DisplayText"] = schema.UDEF_LIST_ITEMS.get(item, "")
            out[f"{prog_id}:DisplayTooltip"] = ""
        else:
            out[prog_id] = value or ""
    return out


def custom_values(kind, values):
    return {k: v for k, v in udef_values(kind, values).items() if ":Display" not in k}


_LIST_ENCODED = re.compile(r"^\[I:(-?\d+)\]$")


def parse_udefs(kind, name, obj, current):
    if obj is None:
        return dict(current)
    if not isinstance(obj, dict):
        raise ValidationError(name, f"{name} must be an object")
    values = dict(current)
    for key, value in obj.items():
        if ":Display" in key:
            continue
        spec = schema.UDEFS[kind].get(key)
        if spec is None:
            raise ValidationError(f"{name}.{key}", "unknown user-defined field")
        if spec[1] == "list":
            match = _LIST_ENCODED.match(str(value)) if value not in (None, "") else None
            if value in (None, ""):
                values[key] = 0
            elif isinstance(value, int) or str(value).isdigit():
                values[key] = int(value)
            elif match:
                values[key] = int(match.group(1))
            else:
                raise ValidationError(f"{name}.{key}", "list value must be like [I:8]")
            if values[key] and values[key] not in schema.UDEF_LIST_ITEMS:
                raise ValidationError(f"{name}.{key}", f"unknown list item {values[key]}")
        else:
            values[key] = "" if value is None else str(value)
    return values
