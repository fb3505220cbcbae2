"""The ERP Sync Connector's SOAP layer: safe parsing, lenient reading, writing as the table says."""

import doctest
import xml.etree.ElementTree as ET

import pytest

from superoffice_connector import erp
from superoffice_connector.erp import carriers, envelope, search, values, wire, wsdl, xmlsafe
from superoffice_connector.erp.carriers import ErpActor, Result

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


@pytest.mark.parametrize("module", [wire, xmlsafe, envelope, values, search])
def test_docstring_examples(module):
    assert doctest.testmod(module).failed == 0


def soap(body, header=""):
    return (f'<s:Envelope xmlns:s="{SOAP}"><s:Header>{header}</s:Header>'
            f"<s:Body>{body}</s:Body></s:Envelope>").encode()


def test_billion_laughs_is_refused_before_expansion():
    body = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>')
    with pytest.raises(xmlsafe.UnsafeXmlError, match="document type declaration"):
        xmlsafe.parse(body)


def test_external_entity_is_refused():
    body = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(xmlsafe.UnsafeXmlError):
        xmlsafe.parse(body)


def test_undeclared_entity_is_refused_and_predefined_ones_work():
    with pytest.raises(xmlsafe.UnsafeXmlError):
        xmlsafe.parse(b"<x>&nbsp;</x>")
    assert xmlsafe.parse(b"<x>&lt;&amp;&#65;</x>").text == "<&A"


def test_body_over_the_cap_is_refused_without_parsing():
    with pytest.raises(xmlsafe.UnsafeXmlError, match="larger"):
        xmlsafe.parse(b"<x>" + b"a" * 100 + b"</x>", max_size=50)


def test_deep_nesting_is_refused():
    with pytest.raises(xmlsafe.UnsafeXmlError, match="deeply"):
        xmlsafe.parse(b"<a>" * 100 + b"</a>" * 100)


def test_not_well_formed_and_no_envelope_are_request_errors():
    with pytest.raises(erp.SoapRequestError, match="well-formed"):
        erp.parse_request(b"<a><b></a>")
    with pytest.raises(erp.SoapRequestError, match="envelope"):
        erp.parse_request(b"<a/>")
    with pytest.raises(erp.SoapRequestError, match="Unknown operation"):
        erp.parse_request(soap("<WSFormatDisk/>"))


def test_members_are_read_by_local_name_in_any_namespace_and_wrapper():
    body = ('<x:WSGetActors xmlns:x="urn:any"><x:request xmlns:d="urn:other" xmlns:b="urn:arr">'
            "<d:ActorType>Customer</d:ActorType><d:ConnectionGuid> g-1 </d:ConnectionGuid>"
            "<d:ErpKeys><b:string>7</b:string><b:string>9</b:string></d:ErpKeys>"
            "<d:FieldKeys><b:string>NAME</b:string></d:FieldKeys></x:request></x:WSGetActors>")
    request = erp.parse_request(soap(body))
    assert request.operation == "GetActors"
    assert request.params == {"ConnectionGuid": "g-1", "ActorType": "Customer",
                              "ErpKeys": ["7", "9"], "FieldKeys": ["NAME"]}


def test_operation_without_prefix_and_without_wrapper_and_plugin_names():
    body = ("<GetActorsByTimestamp><ConnectionId>g</ConnectionId><LastModified>2026-01-01T00:00:00"
            "</LastModified><ActorType>Project</ActorType></GetActorsByTimestamp>")
    request = erp.parse_request(soap(body))
    assert request.operation == "GetActorsByTimestamp"
    assert request.params["ConnectionGuid"] == "g"
    assert request.params["UpdatedOnOrAfter"] == "2026-01-01T00:00:00"
    assert request.params["FieldKeys"] == []


def test_actor_dictionary_and_restrictions_are_read():
    body = ("<WSSaveActors><request><ConnectionGuid>g</ConnectionGuid><Actors><ErpActorWS>"
            "<ActorType>Person</ActorType><ErpKey>5</ErpKey><LastModified>t</LastModified>"
            "<ParentActorType>Customer</ParentActorType><ParentErpKey>4</ParentErpKey>"
            "<FieldValues><KeyValueOfstringstring><Key>FIRSTNAME</Key><Value> Ann </Value>"
            "</KeyValueOfstringstring><KeyValueOfstringstring><Key>EMAIL</Key><Value/>"
            "</KeyValueOfstringstring></FieldValues></ErpActorWS></Actors></request></WSSaveActors>")
    (actor,) = erp.parse_request(soap(body)).params["Actors"]
    assert actor == ErpActor("Person", "5", "t", "Customer", "4", {"FIRSTNAME": " Ann ", "EMAIL": ""})
    body = ("<WSSearchActorsAdvanced><request><Restrictions><SearchRestrictionInfoWS>"
            "<FieldKey>NAME</FieldKey><Operator>between</Operator><Values><string>a</string>"
            "<string>c</string></Values></SearchRestrictionInfoWS></Restrictions></request>"
            "</WSSearchActorsAdvanced>")
    (restriction,) = erp.parse_request(soap(body)).params["Restrictions"]
    assert (restriction.field_key, restriction.operator, restriction.values) == ("NAME", "between", ["a", "c"])


def test_authenticate_token_in_body_or_header():
    body = "<Authenticate><request><SignedToken>abc</SignedToken></request></Authenticate>"
    assert erp.parse_request(soap(body)).params == {"SignedToken": "abc"}
    request = erp.parse_request(soap("<Authenticate/>", "<SignedToken>hdr</SignedToken>"))
    assert request.params == {"SignedToken": "hdr"}


def _result(xml_bytes, operation):
    root = ET.fromstring(xml_bytes)
    response = root.find(f"{{{SOAP}}}Body/{{{wire.value('service_namespace')}}}WS{operation}Response")
    return response.find(f"{{{wire.value('service_namespace')}}}WS{operation}Result")


def test_response_members_follow_the_table_order_and_namespaces():
    actor = ErpActor("Customer", "7", "2026-11-29T10:00:00", "", "", {"NAME": "A & B <AS>"})
    result = _result(erp.build_response("GetActors", Result(), [actor]), "GetActors")
    data = wire.value("data_namespace")
    names = [xmlsafe.local(node.tag) for node in result]
    assert names == [*wire.value("result_members"), "Actors"]
    assert all(node.tag.startswith("{" + data + "}") for node in result)
    (actor_el,) = list(result.find(f"{{{data}}}Actors"))
    assert [xmlsafe.local(n.tag) for n in actor_el] == list(wire.value("actor_members"))
    pair = actor_el.find(f"{{{data}}}FieldValues")[0]
    assert pair.tag == f"{{{wire.value('arrays_namespace')}}}KeyValueOfstringstring"
    assert [n.text for n in pair] == ["NAME", "A & B <AS>"]


def test_error_result_is_in_the_operation_carrier_not_a_fault():
    error = carriers.ErpError("Unknown connection", "no config for g", "UNKNOWN_CONNECTION_ID")
    result = _result(erp.build_response("SaveActors", error.result(), []), "SaveActors")
    values_ = {xmlsafe.local(n.tag): n.text for n in result}
    assert values_["IsOk"] == "false" and values_["State"] == "Error"
    assert values_["ErrorCode"] == "UNKNOWN_CONNECTION_ID"
    assert values_["UserExplanation"] == "Unknown connection"


def test_each_operation_round_trips_through_its_own_response():
    payloads = {"fields": [carriers.FieldMetadata("NAME", "Name")], "strings": ["a"],
                "actors": [ErpActor("Project", "1")], "actor": ErpActor("Project", "1"),
                "dict": {"NO": "Norway"}, None: None}
    for operation, (_members, spec) in wire.OPERATIONS.items():
        kind = spec[1] if spec else None
        result = _result(erp.build_response(operation, Result(), payloads[kind]), operation)
        assert result is not None, operation
        if spec:
            assert xmlsafe.local(result[-1].tag) == spec[0]


def test_authenticate_response():
    root = ET.fromstring(erp.build_authenticate_response(False, reason="Wrong audience"))
    texts = {xmlsafe.local(n.tag): n.text for n in root.iter()}
    assert texts["Succeeded"] == "false" and texts["Reason"] == "Wrong audience"


def test_wsdl_is_generated_from_the_table():
    document = ET.fromstring(wsdl.build_wsdl("https://odoo.example/superoffice/erp/ErpConnectorWS.svc"))
    ns = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/"}
    operations = {op.get("name") for op in document.findall("wsdl:portType/wsdl:operation", ns)}
    assert operations == {wire.operation_element(op) for op in wire.OPERATIONS}
    actions = {op.get("soapAction") for op in document.findall(".//soap:operation", ns)}
    assert wire.action("SaveActors") in actions
    assert document.get("targetNamespace") == wire.value("service_namespace")


def test_every_wire_choice_is_marked():
    assert {c.status for c in wire.WIRE.values()} <= {wire.DOCUMENTED, wire.INFERRED}
    assert all(c.source for c in wire.WIRE.values())
