"""SOAP 1.1 requests in, responses out, as :mod:`.wire` says.

Reading is lenient: the body's first element names the operation (with or without the ``WS``
prefix, in any namespace; the ``SOAPAction`` header is not needed), members are found by local
name inside the ``request`` wrapper or directly under the operation element, and the plugin
names of members are accepted too. Writing follows the table exactly.

    >>> req = parse_request(b'''<Envelope><Body><WSGetList><request>
    ...   <ConnectionGuid>g</ConnectionGuid><ListName>Country</ListName>
    ... </request></WSGetList></Body></Envelope>''')
    >>> req.operation, req.params["ListName"]
    ('GetList', 'Country')
"""

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from . import wire
from .carriers import ErpActor, Restriction, Result
from .xmlsafe import UnsafeXmlError, child, children, local, parse

XSI = "http://www.w3.org/2001/XMLSchema-instance"


class SoapRequestError(ValueError):
    """The body is no SOAP request of this contract (answered with a SOAP fault)."""


@dataclass
class Request:
    operation: str
    params: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------------ reading


def _text(element):
    return "" if element is None else (element.text or "").strip()


def _strings(element):
    return [] if element is None else [_text(node) for node in element]


def _dict(element):
    result = {}
    if element is None:
        return result
    for item in element:
        key = child(item, wire.value("dict_key"))
        if key is None:
            continue
        value = child(item, wire.value("dict_value"))
        result[_text(key)] = "" if value is None else (value.text or "")
    return result


def _actor(element):
    if element is None:
        return None
    return ErpActor(
        actor_type=_text(child(element, "ActorType")),
        erp_key=_text(child(element, "ErpKey")),
        last_modified=_text(child(element, "LastModified")),
        parent_actor_type=_text(child(element, "ParentActorType")),
        parent_erp_key=_text(child(element, "ParentErpKey")),
        field_values=_dict(child(element, "FieldValues")),
    )


def _restrictions(element):
    if element is None:
        return []
    result = []
    for item in element:
        values = _strings(child(item, "Values"))
        if not values and child(item, "ScalarValue") is not None:
            values = [_text(child(item, "ScalarValue"))]
        result.append(Restriction(
            _text(child(item, "FieldKey")), _text(child(item, "Operator")), values))
    return result


_READERS = {
    "string": _text, "strings": _strings, "dict": _dict, "actor": _actor,
    "actors": lambda el: [] if el is None else [_actor(node) for node in el],
    "restrictions": _restrictions,
}


def _members(wrapper, expected):
    """The element holding the members: the ``request`` wrapper, or the operation itself."""
    names = set(expected) | set(wire.REQUEST_ALIASES)
    if any(local(node.tag) in names for node in wrapper):
        return wrapper
    nested = children(wrapper)
    return nested[0] if len(nested) == 1 else wrapper


def parse_request(data, max_size=None):
    """Parse a SOAP request body (bytes) into a :class:`Request`."""
    try:
        root = parse(data) if max_size is None else parse(data, max_size)
    except UnsafeXmlError as exc:
        raise SoapRequestError(str(exc))
    if local(root.tag) != "Envelope":
        raise SoapRequestError("The body is no SOAP envelope")
    body = child(root, "Body")
    if body is None or not len(body):
        raise SoapRequestError("The SOAP envelope has no body")
    headers = {}
    header = child(root, "Header")
    if header is not None:
        headers = {local(node.tag): _text(node) for node in header}
    operation_element = body[0]
    operation = wire.operation_from_element(local(operation_element.tag))
    if operation is None:
        raise SoapRequestError(f"Unknown operation {local(operation_element.tag)!r}")
    if operation == wire.AUTHENTICATE:
        token_name = wire.value("auth_token_member")
        token = next((node for node in operation_element.iter()
                      if local(node.tag) == token_name), None)
        params = {token_name: _text(token) if token is not None else headers.get(token_name, "")}
        return Request(operation, params, headers)
    expected, _payload = wire.OPERATIONS[operation]
    members = _members(operation_element, expected)
    found = {}
    for node in members:
        name = wire.REQUEST_ALIASES.get(local(node.tag), local(node.tag))
        if name in expected and name not in found:
            found[name] = node
    params = {name: _READERS[kind](found.get(name)) for name, kind in expected.items()}
    return Request(operation, params, headers)


# ------------------------------------------------------------------------------------ writing


def string_length(text):
    """The length of ``text`` as a WCF reader counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def over_string_quota(text):
    """Whether a default WCF client would refuse ``text`` (``MaxStringContentLength``)."""
    quota = wire.value("max_string_content_length")
    if not text or len(text) * 2 <= quota:  # a character is one or two UTF-16 code units
        return False
    return string_length(text) > quota


def leave_out_long_values(actor):
    """Remove the values of ``actor`` a default WCF client would refuse; returns their keys.

    A value is never cut: a cut value would come back from SuperOffice and overwrite the whole
    one. It is left out of the answer instead (the caller says so in UserExplanation)."""
    long_keys = [key for key, text in actor.field_values.items() if over_string_quota(text)]
    for key in long_keys:
        del actor.field_values[key]
    return long_keys


def actor_item(actor):
    """One actor as an item of a list answer (to measure it and write it once)."""
    return _write_actor(wire.value("actor_type_name"), actor)


def item_sizes(kind, payload):
    """The size in bytes of each item of a list payload (actors, list items) as written."""
    if kind == "actors":
        type_name = wire.value("actor_type_name")
        return [len(_write_actor(type_name, a).encode()) for a in payload or []]
    if kind == "dict":
        key, val, item = wire.value("dict_key"), wire.value("dict_value"), wire.value("dict_item")
        return [len(_el("b", item, _el("b", key, _s(k)) + _el("b", val, _s(v))).encode())
                for k, v in (payload or {}).items()]
    return []


def first_items(kind, payload, count):
    """The first ``count`` items of a list payload."""
    if kind == "dict":
        return dict(list(payload.items())[:count])
    return list(payload)[:count]



def _el(prefix, name, content=""):
    if content == "":
        return f"<{prefix}:{name}/>"
    return f"<{prefix}:{name}>{content}</{prefix}:{name}>"


def _s(value):
    text = value if type(value) is str else str(value if value is not None else "")
    if "&" in text or "<" in text or ">" in text:
        return escape(text)
    return text


def _write_strings(name, values):
    item = wire.value("string_item")
    inner = "".join(_el("b", item, _s(v)) for v in values)
    return f'<a:{name} xmlns:b="{wire.value("arrays_namespace")}">{inner}</a:{name}>'


def _write_dict(name, values):
    key, val, item = wire.value("dict_key"), wire.value("dict_value"), wire.value("dict_item")
    # _el of each part, written out: an answer of 500 actors writes 7,500 of these
    open_key, close_key = f"<b:{item}><b:{key}>", f"</b:{key}>"
    open_val, close_val = f"<b:{val}>", f"</b:{val}></b:{item}>"
    empty_key, empty_val = f"<b:{item}><b:{key}/>", f"<b:{val}/></b:{item}>"
    parts = []
    for k, v in values.items():
        k, v = _s(k), _s(v)
        parts.append(f"{open_key}{k}{close_key}" if k else empty_key)
        parts.append(f"{open_val}{v}{close_val}" if v else empty_val)
    inner = "".join(parts)
    return f'<a:{name} xmlns:b="{wire.value("arrays_namespace")}">{inner}</a:{name}>'


def _write_actor(name, actor):
    parts = {
        "ActorType": _el("a", "ActorType", _s(actor.actor_type)),
        "ErpKey": _el("a", "ErpKey", _s(actor.erp_key)),
        "FieldValues": _write_dict("FieldValues", actor.field_values),
        "LastModified": _el("a", "LastModified", _s(actor.last_modified)),
        "ParentActorType": _el("a", "ParentActorType", _s(actor.parent_actor_type)),
        "ParentErpKey": _el("a", "ParentErpKey", _s(actor.parent_erp_key)),
    }
    return _el("a", name, "".join(parts[m] for m in wire.value("actor_members")))


def _write_field(meta):
    parts = {
        "Access": _el("a", "Access", _s(meta.access)),
        "DefaultValue": _el("a", "DefaultValue", _s(meta.default_value)),
        "DisplayDescription": _el("a", "DisplayDescription", _s(meta.display_description)),
        "DisplayName": _el("a", "DisplayName", _s(meta.display_name)),
        "FieldKey": _el("a", "FieldKey", _s(meta.field_key)),
        "FieldType": _el("a", "FieldType", _s(meta.field_type)),
        "ListName": _el("a", "ListName", _s(meta.list_name)),
        "MaxLength": _el("a", "MaxLength", _s(int(meta.max_length or 0))),
    }
    return _el("a", wire.value("field_type_name"),
               "".join(parts[m] for m in wire.value("field_members")))


def _write_payload(name, kind, payload, items=None):
    if kind == "strings":
        return _write_strings(name, payload or [])
    if kind == "dict":
        return _write_dict(name, payload or {})
    if kind == "actor":
        if payload is None:
            return f'<a:{name} i:nil="true"/>'
        return _write_actor(name, payload)
    if kind == "actors":
        if items is None:
            items = [actor_item(a) for a in payload or []]
        return _el("a", name, "".join(items))
    if kind == "fields":
        return _el("a", name, "".join(_write_field(m) for m in payload or []))
    raise ValueError(kind)


def _envelope(inner):
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{wire.value("soap_envelope_namespace")}"><s:Body>{inner}'
        "</s:Body></s:Envelope>"
    ).encode()


def build_response(operation, result, payload=None, items=None):
    """The response envelope of ``operation`` with ``result`` (a :class:`Result`) and its payload
    (for a list of actors, ``items`` may give them already written by :func:`actor_item`)."""
    result = result or Result()
    element = wire.operation_element(operation)
    quota = wire.value("max_string_content_length")  # explanations, not data: clipped
    base = {
        "ErrorCode": _el("a", "ErrorCode", _s(result.error_code)),
        "IsOk": _el("a", "IsOk", "true" if result.is_ok else "false"),
        "State": _el("a", "State", _s(result.state)),
        "TechExplanation": _el("a", "TechExplanation", _s(result.tech_explanation[:quota // 2])),
        "UserExplanation": _el("a", "UserExplanation", _s(result.user_explanation[:quota // 2])),
    }
    inner = "".join(base[m] for m in wire.value("result_members"))
    spec = wire.OPERATIONS[operation][1]
    if spec:
        inner += _write_payload(spec[0], spec[1], payload, items)
    result_name = element + wire.value("result_suffix")
    return _envelope(
        f'<{element}{wire.value("response_suffix")} xmlns="{wire.value("service_namespace")}">'
        f'<{result_name} xmlns:a="{wire.value("data_namespace")}" xmlns:i="{XSI}">{inner}'
        f"</{result_name}></{element}{wire.value('response_suffix')}>"
    )


def build_authenticate_response(succeeded, signed_token="", reason=""):
    """The Authenticate answer; an empty member is left out, so that the answer reads the same
    under either plausible member order (see ``MEMBER_ORDER`` in :mod:`.wire`)."""
    parts = {
        "Reason": _el("a", "Reason", _s(reason)) if reason else "",
        "SignedApplicationToken": _el("a", "SignedApplicationToken", _s(signed_token))
        if signed_token else "",
        "Succeeded": _el("a", "Succeeded", "true" if succeeded else "false"),
    }
    inner = "".join(parts[m] for m in wire.value("auth_result_members"))
    name = wire.AUTHENTICATE
    return _envelope(
        f'<{name}{wire.value("response_suffix")} xmlns="{wire.value("auth_namespace")}">'
        f'<{name}{wire.value("result_suffix")} xmlns:a="{wire.value("data_namespace")}">'
        f"{inner}</{name}{wire.value('result_suffix')}></{name}{wire.value('response_suffix')}>"
    )


def build_fault(message, code="s:Client"):
    """A SOAP fault, only for bodies that are no request of this contract at all."""
    return _envelope(
        f"<s:Fault><faultcode>{_s(code)}</faultcode><faultstring>{_s(message)}</faultstring>"
        "</s:Fault>"
    )
