"""The answers of every operation read by a strict DataContractSerializer of each plausible
contract order (``superoffice_sim.erp_contract``): IsOk, State, UserExplanation and the payload
always arrive; what each order drops is the documented worst case of ``erp/wire.py``."""

import doctest

import pytest

from superoffice_connector import erp
from superoffice_connector.erp import carriers, wire, wsdl
from superoffice_connector.erp.carriers import ErpActor, FieldMetadata, Result
from superoffice_sim import erp_contract
from superoffice_sim.erp_client import Actor, ErpClient

CONTRACTS = sorted(erp_contract.CONTRACTS)
ACTOR = ErpActor("Person", "42", "2026-11-29T18:43:00.000001.000000000042", "Customer", "7",
                 {"FIRSTNAME": "Ola", "LASTNAME": "Nordmann"})
PAYLOADS = {
    "fields": [FieldMetadata("COUNTRY", "Country", carriers.LIST, list_name="Country",
                             default_value="NO", max_length=2, access=carriers.MANDATORY)],
    "strings": ["Customer", "Person"],
    "actors": [ACTOR, ErpActor("Person", "43", "x", "Customer", "7", {"LASTNAME": "Hansen"})],
    "actor": ACTOR,
    "dict": {"NO": "Norway", "SE": "Sweden"},
    None: None,
}


def client(contract):
    return ErpClient("http://unused", contract=contract)


def test_the_strict_reader_reads_like_a_data_contract_serializer():
    assert doctest.testmod(erp_contract).failed == 0


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("operation", sorted(wire.OPERATIONS))
def test_every_answer_keeps_state_explanation_and_payload(contract, operation):
    spec = wire.OPERATIONS[operation][1]
    kind = spec[1] if spec else None
    body = erp.build_response(operation, Result(carriers.OK_WITH_INFO, "Only the first 2"),
                              PAYLOADS[kind])
    answer = client(contract).parse(operation, 200, body)
    assert (answer.is_ok, answer.state, answer.user_explanation) == (
        True, "OkWithInfo", "Only the first 2")
    payload = answer.payload
    if kind == "fields":
        (meta,) = payload
        # FieldKey, FieldType and ListName arrive under every order
        assert {k: meta[k] for k in ("FieldKey", "FieldType", "ListName")} == {
            "FieldKey": "COUNTRY", "FieldType": "List", "ListName": "Country"}
    elif kind in ("actors", "actor"):
        actors = payload if kind == "actors" else [payload]
        assert [a.erp_key for a in actors] == (["42", "43"] if kind == "actors" else ["42"])
        assert actors[0].field_values == ACTOR.field_values
    elif kind is not None:
        assert payload == PAYLOADS[kind]


@pytest.mark.parametrize("contract", CONTRACTS)
def test_an_error_keeps_is_ok_state_and_explanation(contract):
    result = Result(carriers.ERROR, "Odoo does not know this SuperOffice connection "
                    "(UNKNOWN_CONNECTION_ID).", "unknown", "UNKNOWN_CONNECTION_ID")
    answer = client(contract).parse("GetActors", 200, erp.build_response("GetActors", result, []))
    assert (answer.is_ok, answer.state) == (False, "Error")
    assert "UNKNOWN_CONNECTION_ID" in answer.user_explanation
    # the code itself survives the documented order only: the explanation carries it too
    assert answer.error_code == ("UNKNOWN_CONNECTION_ID" if contract == "documented" else "")


def test_the_worst_cases_are_the_ones_documented_in_the_wire_table():
    body = erp.build_response("GetActors", Result(carriers.ERROR, "u", "t", "C"), [ACTOR])
    documented = client("documented").parse("GetActors", 200, body)
    alphabetical = client("alphabetical").parse("GetActors", 200, body)
    assert (documented.tech_explanation, documented.error_code) == ("t", "C")
    assert (alphabetical.tech_explanation, alphabetical.error_code) == ("", "")
    # actor: alphabetical keeps every member under its own order, and under the documented one
    # drops LastModified and the parent after FieldValues
    assert alphabetical.payload[0] == Actor(
        "Person", "42", ACTOR.last_modified, "Customer", "7", ACTOR.field_values)
    assert (documented.payload[0].last_modified, documented.payload[0].parent_erp_key) == ("", "")
    fields = erp.build_response("GetConfigData", Result(), PAYLOADS["fields"])
    (meta,) = client("alphabetical").parse("GetConfigData", 200, fields).payload
    assert sorted(meta) == ["FieldKey", "FieldType", "ListName", "MaxLength"]


def test_alphabetical_result_members_would_lose_is_ok_under_the_documented_order():
    """Why the result base is not alphabetical: the documented reader meets ErrorCode first."""
    order = ("ErrorCode", "IsOk", "State", "TechExplanation", "UserExplanation")
    assert erp_contract.read_members(order, erp_contract.CONTRACTS["documented"]["result"]) == [
        "ErrorCode"]
    written = wire.value("result_members")
    for contract in CONTRACTS:
        kept = erp_contract.read_members(written, erp_contract.CONTRACTS[contract]["result"])
        assert kept[:3] == ["IsOk", "State", "UserExplanation"]


@pytest.mark.parametrize("contract", CONTRACTS)
def test_authenticate_reads_the_same_under_every_order(contract):
    ok = client(contract).parse("Authenticate", 200,
                                erp.build_authenticate_response(True, signed_token="nonce.sig"))
    assert (ok.is_ok, ok.payload) == (True, "nonce.sig")
    refused = client(contract).parse("Authenticate", 200,
                                     erp.build_authenticate_response(False, reason="Expired"))
    assert (refused.is_ok, refused.user_explanation) == (False, "Expired")


def test_the_wsdl_declares_the_order_the_answers_use():
    text = wsdl.build_wsdl("http://x").decode()
    for type_name, members in (("ConnectorResultBaseWS", wire.value("result_members")),
                               ("ErpActorWS", wire.value("actor_members")),
                               ("FieldMetadataInfoWS", wire.value("field_members")),
                               ("AuthenticationResponse", wire.value("auth_result_members"))):
        declared = text[text.index(f'complexType name="{type_name}"'):]
        declared = declared[:declared.index("</xs:complexType>")]
        positions = [declared.index(f'name="{m}"') for m in members]
        assert positions == sorted(positions), type_name
