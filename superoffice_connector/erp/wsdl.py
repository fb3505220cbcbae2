"""The WSDL served at ``?wsdl``, generated from :mod:`.wire` (so it can never disagree with
the responses). It documents our reading of the contract; it is not SuperOffice's WSDL, and
each inferred choice is listed in its ``wsdl:documentation``."""

from xml.sax.saxutils import escape, quoteattr

from . import wire

_XS = "http://www.w3.org/2001/XMLSchema"
_RESULT_TYPE = "ConnectorResultBaseWS"
_KIND_TYPES = {
    "string": "xs:string", "strings": "arr:ArrayOfstring",
    "dict": "arr:ArrayOf" + "KeyValueOfstringstring",
    "actor": "d:ErpActorWS", "actors": "d:ArrayOfErpActorWS",
    "restrictions": "d:ArrayOfSearchRestrictionInfoWS", "fields": "d:ArrayOfFieldMetadataInfoWS",
}


def request_type(operation):
    expected = wire.OPERATIONS[operation][0]
    if set(expected) == {"ConnectionGuid"}:
        return "RequestBaseWS"
    return f"{operation}RequestWS"


def _sequence(members):
    inner = "".join(
        f'<xs:element name="{name}" type="{kind}" minOccurs="0" nillable="true"/>'
        for name, kind in members
    )
    return f"<xs:sequence>{inner}</xs:sequence>"


def _complex(name, members, base=None):
    if base:
        return (f'<xs:complexType name="{name}"><xs:complexContent><xs:extension base="d:{base}">'
                f"{_sequence(members)}</xs:extension></xs:complexContent></xs:complexType>")
    return f'<xs:complexType name="{name}">{_sequence(members)}</xs:complexType>'


def _array(name, item, item_type):
    return (f'<xs:complexType name="{name}"><xs:sequence><xs:element name="{item}" '
            f'type="{item_type}" minOccurs="0" maxOccurs="unbounded" nillable="true"/>'
            "</xs:sequence></xs:complexType>")


def _data_schema():
    types = []
    done = set()
    for operation, (members, _payload) in wire.OPERATIONS.items():
        name = request_type(operation)
        if not members or name in done:
            continue
        done.add(name)
        types.append(_complex(name, [(m, _KIND_TYPES[k]) for m, k in members.items()]))
    types.append(_complex(_RESULT_TYPE, [
        (m, "xs:boolean" if m == "IsOk" else "xs:string") for m in wire.value("result_members")]))
    for kind, type_name in wire.RESPONSE_TYPES.items():
        if kind is None:
            continue
        member = next(spec[0] for _m, spec in wire.OPERATIONS.values() if spec and spec[1] == kind)
        types.append(_complex(type_name, [(member, _KIND_TYPES[kind])], base=_RESULT_TYPE))
    actor_kinds = {"FieldValues": "dict"}
    types.append(_complex("ErpActorWS", [
        (m, _KIND_TYPES[actor_kinds.get(m, "string")]) for m in wire.value("actor_members")]))
    types.append(_array("ArrayOfErpActorWS", "ErpActorWS", "d:ErpActorWS"))
    types.append(_complex("FieldMetadataInfoWS", [
        (m, "xs:int" if m == "MaxLength" else "xs:string") for m in wire.value("field_members")]))
    types.append(_array("ArrayOfFieldMetadataInfoWS", "FieldMetadataInfoWS", "d:FieldMetadataInfoWS"))
    types.append(_complex("SearchRestrictionInfoWS", [
        ("FieldKey", "xs:string"), ("Operator", "xs:string"), ("Values", "arr:ArrayOfstring")]))
    types.append(_array("ArrayOfSearchRestrictionInfoWS", "SearchRestrictionInfoWS",
                        "d:SearchRestrictionInfoWS"))
    types.append(_complex("AuthenticationRequest", [("SignedToken", "xs:string")]))
    types.append(_complex("AuthenticationResponse", [
        (m, "xs:boolean" if m == "Succeeded" else "xs:string")
        for m in wire.value("auth_result_members")]))
    return (f'<xs:schema elementFormDefault="qualified" targetNamespace="{wire.value("data_namespace")}">'
            f'<xs:import namespace="{wire.value("arrays_namespace")}"/>{"".join(types)}</xs:schema>')


def _arrays_schema():
    key, val = wire.value("dict_key"), wire.value("dict_value")
    return (
        f'<xs:schema elementFormDefault="qualified" targetNamespace="{wire.value("arrays_namespace")}">'
        + _array("ArrayOfstring", wire.value("string_item"), "xs:string")
        + f'<xs:complexType name="ArrayOfKeyValueOfstringstring"><xs:sequence>'
        f'<xs:element name="{wire.value("dict_item")}" minOccurs="0" maxOccurs="unbounded">'
        f'<xs:complexType><xs:sequence><xs:element name="{key}" type="xs:string"/>'
        f'<xs:element name="{val}" type="xs:string" nillable="true"/></xs:sequence>'
        "</xs:complexType></xs:element></xs:sequence></xs:complexType></xs:schema>"
    )


def _operations():
    ops = [(op, request_type(op) if members else None, wire.RESPONSE_TYPES[spec[1] if spec else None])
           for op, (members, spec) in wire.OPERATIONS.items()]
    return ops


def _service_schema():
    parts = []
    for operation, req_type, resp_type in _operations():
        element = wire.operation_element(operation)
        inner = (f'<xs:sequence><xs:element name="{wire.value("request_wrapper_member")}" '
                 f'type="d:{req_type}" minOccurs="0" nillable="true"/></xs:sequence>'
                 if req_type else "<xs:sequence/>")
        parts.append(f'<xs:element name="{element}"><xs:complexType>{inner}</xs:complexType></xs:element>')
        result = element + wire.value("result_suffix")
        parts.append(
            f'<xs:element name="{element}{wire.value("response_suffix")}"><xs:complexType><xs:sequence>'
            f'<xs:element name="{result}" type="d:{resp_type}" minOccurs="0" nillable="true"/>'
            "</xs:sequence></xs:complexType></xs:element>")
    return (f'<xs:schema elementFormDefault="qualified" targetNamespace="{wire.value("service_namespace")}" '
            f'xmlns:d="{wire.value("data_namespace")}"><xs:import namespace="{wire.value("data_namespace")}"/>'
            f'{"".join(parts)}</xs:schema>')


def build_wsdl(address):
    """The WSDL document (bytes) for a service at ``address``."""
    tns = wire.value("service_namespace")
    contract = wire.value("contract_name")
    notes = "; ".join(f"{name}: {value} ({status})" for name, value, status, _s in wire.choices_table())
    messages, port_ops, binding_ops = [], [], []
    for operation, _req, _resp in _operations():
        element = wire.operation_element(operation)
        messages.append(f'<wsdl:message name="{contract}_{element}_InputMessage">'
                        f'<wsdl:part name="parameters" element="tns:{element}"/></wsdl:message>')
        messages.append(f'<wsdl:message name="{contract}_{element}_OutputMessage">'
                        f'<wsdl:part name="parameters" element="tns:{element}{wire.value("response_suffix")}"/>'
                        "</wsdl:message>")
        port_ops.append(
            f'<wsdl:operation name="{element}">'
            f'<wsdl:input wsaw:Action={quoteattr(wire.action(operation))} message="tns:{contract}_{element}_InputMessage"/>'
            f'<wsdl:output message="tns:{contract}_{element}_OutputMessage"/></wsdl:operation>')
        binding_ops.append(
            f'<wsdl:operation name="{element}"><soap:operation soapAction={quoteattr(wire.action(operation))} '
            'style="document"/><wsdl:input><soap:body use="literal"/></wsdl:input>'
            '<wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>')
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<wsdl:definitions name="ErpConnectorWS" '
        'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        'xmlns:wsaw="http://www.w3.org/2006/05/addressing/wsdl" '
        f'xmlns:xs="{_XS}" xmlns:tns="{tns}" targetNamespace="{tns}" '
        f'xmlns:d="{wire.value("data_namespace")}" xmlns:arr="{wire.value("arrays_namespace")}">'
        f"<wsdl:documentation>Generated from the connector's wire table. {escape(notes)}"
        "</wsdl:documentation>"
        f"<wsdl:types>{_service_schema()}{_data_schema()}{_arrays_schema()}</wsdl:types>"
        f'{"".join(messages)}'
        f'<wsdl:portType name="{contract}">{"".join(port_ops)}</wsdl:portType>'
        f'<wsdl:binding name="BasicHttpBinding_{contract}" type="tns:{contract}">'
        '<soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>'
        f'{"".join(binding_ops)}</wsdl:binding>'
        f'<wsdl:service name="ErpConnectorWS"><wsdl:port name="BasicHttpBinding_{contract}" '
        f'binding="tns:BasicHttpBinding_{contract}"><soap:address location={quoteattr(address)}/>'
        "</wsdl:port></wsdl:service></wsdl:definitions>"
    ).encode()
