"""Every SOAP wire choice of the ERP Sync Connector in one table.

No WSDL of ``IErpConnectorWS`` is public (see the README, "SuperOffice's Connect to ERP"). What
SuperOffice documents (operation and member names, SOAP 1.1 over basicHttpBinding, the carriers'
members) is marked ``documented``; what follows from WCF's defaults or the sibling quote contract
is marked ``inferred``. Requests are read by local element names in any namespace, so only the
*output* depends on the inferred entries: once a real WSDL is known, correcting this module (and
nothing else) makes the responses and the generated ``?wsdl`` match it.

    >>> WIRE["service_namespace"].value
    'http://tempuri.org/'
    >>> action("GetActors")
    'http://tempuri.org/IErpConnectorWS/WSGetActors'
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    value: object
    status: str  # "documented" or "inferred"
    source: str


DOCUMENTED = "documented"
INFERRED = "inferred"

WIRE = {
    "soap_envelope_namespace": Choice(
        "http://schemas.xmlsoap.org/soap/envelope/", DOCUMENTED,
        "basicHttpBinding is SOAP 1.1 (IS CoreWcfExtensions.cs)"),
    "content_type": Choice("text/xml; charset=utf-8", DOCUMENTED, "SOAP 1.1 over basicHttpBinding"),
    "service_namespace": Choice(
        "http://tempuri.org/", INFERRED,
        "WCF default for a ServiceContract without Namespace; no WSDL published"),
    "contract_name": Choice("IErpConnectorWS", DOCUMENTED, "D/architecture/soap-service.md"),
    "auth_contract_name": Choice(
        "IIntegrationServiceConnectorAuth", DOCUMENTED, "D/online/example-api.md"),
    "auth_namespace": Choice(
        "http://tempuri.org/", INFERRED, "WCF default; the contract's namespace is not published"),
    "operation_prefix": Choice(
        "WS", DOCUMENTED,
        "public methods WSGetConfigData ... of IS ERPConnectorWS.cs; that the wire names equal "
        "them is inferred (no OperationContract(Name=...) seen)"),
    "action_template": Choice(
        "{namespace}{contract}/{operation}", INFERRED, "WCF default SOAPAction"),
    "request_wrapper_member": Choice(
        "request", INFERRED, "document/literal wrapped, parameter name of IS ERPConnectorWS.cs"),
    "response_suffix": Choice("Response", INFERRED, "WCF default wrapper <Op>Response"),
    "result_suffix": Choice("Result", INFERRED, "WCF default member <Op>Result"),
    "data_namespace": Choice(
        "http://schemas.datacontract.org/2004/07/SuperOffice.ErpSync.ConnectorWS", INFERRED,
        "DataContractSerializer default from the CLR namespace SuperOffice.ErpSync.ConnectorWS"),
    "arrays_namespace": Choice(
        "http://schemas.microsoft.com/2003/10/Serialization/Arrays", INFERRED,
        "DataContractSerializer default for string[] and Dictionary<string,string>"),
    "string_item": Choice("string", INFERRED, "ArrayOfstring item name"),
    "dict_item": Choice("KeyValueOfstringstring", INFERRED, "Dictionary<string,string> item name"),
    "dict_key": Choice("Key", INFERRED, "Dictionary<string,string> key member"),
    "dict_value": Choice("Value", INFERRED, "Dictionary<string,string> value member"),
    "enums_as_names": Choice(True, INFERRED, "DataContractSerializer writes enum member names"),
    # Member order of the response carriers: see MEMBER_ORDER below for the reasoning.
    "result_members": Choice(
        ("IsOk", "State", "UserExplanation", "TechExplanation", "ErrorCode"), INFERRED,
        "members documented (D/api/pluginresponseinfo.md, in this order); the quote contract's "
        "PluginResponseInfo has this order (TechExplanation Order=2, ErrorCode Order=3)"),
    "actor_type_name": Choice("ErpActorWS", DOCUMENTED, "IS ERPConnectorWS.cs"),
    "actor_members": Choice(
        ("ActorType", "ErpKey", "FieldValues", "LastModified", "ParentActorType",
         "ParentErpKey"), INFERRED,
        "members documented (D/api/erp-actor-carrier.md); alphabetical, the one order that "
        "keeps ErpKey and FieldValues in every plausible contract (MEMBER_ORDER)"),
    "field_type_name": Choice("FieldMetadataInfoWS", DOCUMENTED, "IS ERPConnectorWS.cs"),
    "field_members": Choice(
        ("FieldKey", "DisplayName", "DisplayDescription", "FieldType", "ListName", "DefaultValue",
         "MaxLength", "Access"), INFERRED,
        "members documented (D/api/field-meta-data-carrier.md, in this order); the quote "
        "contract's FieldMetadataInfo has this order (Order=1..8 after FieldKey, Rank not sent)"),
    "restriction_type_name": Choice("SearchRestrictionInfoWS", INFERRED, "WS suffix by analogy"),
    "restriction_members": Choice(
        ("FieldKey", "Operator", "Values"), DOCUMENTED, "D/search/index.md"),
    "unknown_connection_code": Choice(
        "UNKNOWN_CONNECTION_ID", INFERRED,
        "constant name ResponseErrorCodes.UNKNOWN_CONNECTION_ID (IS Connector.cs); its literal "
        "string is not published"),
    "auth_token_member": Choice(
        "SignedToken", DOCUMENTED, "AuthenticationRequest.SignedToken (D/online/example-api.md); "
        "accepted in the body or as a SOAP header"),
    "auth_result_members": Choice(
        ("Reason", "SignedApplicationToken", "Succeeded"), INFERRED,
        "members and declaration order documented (D/online/example-api.md); an empty member "
        "is left out (MEMBER_ORDER)"),
    "max_received_message_size": Choice(
        65536, INFERRED, "WCF's default MaxReceivedMessageSize of a binding; SuperOffice's "
        "connector configuration may raise it (T/erpconnector.md ConfigXml)"),
    "max_string_content_length": Choice(
        8192, INFERRED, "WCF's default XmlDictionaryReaderQuotas.MaxStringContentLength "
        "(characters, counted in UTF-16 units)"),
}

# MEMBER_ORDER: why the response carriers are written in the order above.
#
# A DataContractSerializer reads the members of a type in its contract's order and drops, without
# a word, a member that arrives after a later one (it looks forward only); members of a derived
# type come after every member of its base. SuperOffice's contract is not published, so each
# carrier is written in the order whose worst case, over the plausible contracts, keeps what
# SuperOffice needs. The plausible contracts are (a) no ``Order`` anywhere, WCF's default:
# alphabetical, and (b) SuperOffice's habit in its sibling quote contract (same EIS team): the
# declaration order, which is also the order of the documentation's member tables (the quote
# contract's PluginResponseInfo and FieldMetadataInfo match their tables member for member).
# ``superoffice_sim.erp_contract`` holds both and reads strictly; tests/erp/test_member_order.py
# proves what each keeps.
#
# * Result base (every answer): written IsOk, State, UserExplanation, TechExplanation, ErrorCode.
#   (b) reads all; (a) reads IsOk, State, UserExplanation and drops TechExplanation and ErrorCode.
#   Alphabetical instead would under (b) read ErrorCode first, jump to the end, and drop IsOk,
#   State and UserExplanation from every answer: every call would look failed. The payload is a
#   member of the derived type, so it is read in every case. A dropped ErrorCode matters for
#   UNKNOWN_CONNECTION_ID only (SuperOffice resends its configuration on it): SuperOffice then
#   shows or logs the UserExplanation, which therefore names the code and says to save the
#   connection in SuperOffice again (models/superoffice_erp_operations.py).
# * Actor: written alphabetically. (a) and (b) disagree on FieldValues against LastModified
#   ((a) has FieldValues before LastModified, (b) after it, last), and no order keeps both under
#   both: the first FieldValues must precede the first LastModified for (a) and follow it for
#   (b). Alphabetical keeps ErpKey and FieldValues under both and, under (b), drops LastModified
#   and the parent members: searches, Connect, Create and import keep working, the periodic sync
#   would start from the beginning on each poll. The declaration order would under (a) drop
#   FieldValues: every actor without values, in every answer, which SuperOffice could take for
#   blank values.
# * Field metadata: written in the declaration order. (a) then reads FieldKey, FieldType,
#   ListName and MaxLength; alphabetical would under (b) read only Access (Access first under (a)
#   is last under (b)), losing FieldKey, without which no field exists.
# * List items (string to string dictionary) and string arrays: Key, Value and the items are
#   fixed by the serializer; no choice.
# * Authenticate answer: the documented declaration is alphabetical (Reason,
#   SignedApplicationToken, Succeeded), the documentation's table lists SignedApplicationToken,
#   Succeeded, Reason. An empty member is left out (a DataContractSerializer gives it its
#   default): a success sends SignedApplicationToken then Succeeded, read under both; a refusal
#   sends Reason then Succeeded=false, and a reader that drops Succeeded reads false anyway.

# Operation -> (request members with their kinds, response payload member and kind).
# Kinds: string, strings (string[]), dict (string->string), actor, actors, restrictions.
# Members and payloads: documented (IS ERPConnectorWS.cs, D/api/ierpconnector.md).
OPERATIONS = {
    "GetConfigData": ({}, ("FieldMetaDataObjects", "fields")),
    "TestConfigData": ({"ConnectionInfo": "dict"}, None),
    "SaveConnection": ({"ConnectionGuid": "string", "ConnectionInfo": "dict"}, None),
    "TestConnection": ({"ConnectionGuid": "string"}, None),
    "DeleteConnection": ({"ConnectionGuid": "string"}, None),
    "GetSupportedActorTypes": ({"ConnectionGuid": "string"}, ("Items", "strings")),
    "GetSupportedActorTypeFields": (
        {"ConnectionGuid": "string", "ActorType": "string"}, ("FieldMetaDataObjects", "fields")),
    "GetSearchableFields": (
        {"ConnectionGuid": "string", "ActorType": "string"}, ("Items", "strings")),
    "GetActors": (
        {"ConnectionGuid": "string", "ActorType": "string", "ErpKeys": "strings",
         "FieldKeys": "strings"}, ("Actors", "actors")),
    "SearchActors": (
        {"ConnectionGuid": "string", "ActorType": "string", "SearchText": "string",
         "FieldKeys": "strings"}, ("Actors", "actors")),
    "SearchActorByParent": (
        {"ConnectionGuid": "string", "ActorType": "string", "SearchText": "string",
         "ParentActorType": "string", "ParentActorErpKey": "string", "FieldKeys": "strings"},
        ("Actors", "actors")),
    "SearchActorsAdvanced": (
        {"ConnectionGuid": "string", "ActorType": "string", "Restrictions": "restrictions",
         "FieldKeys": "strings"}, ("Actors", "actors")),
    "CreateActor": ({"ConnectionGuid": "string", "Actor": "actor"}, ("Actor", "actor")),
    "SaveActors": ({"ConnectionGuid": "string", "Actors": "actors"}, ("Actors", "actors")),
    "GetList": (
        {"ConnectionGuid": "string", "ListName": "string"}, ("ListItems", "dict")),
    "GetListItems": (
        {"ConnectionGuid": "string", "ListName": "string", "ListItemKeys": "strings"},
        ("ListItems", "dict")),
    "GetActorsByTimestamp": (
        {"ConnectionGuid": "string", "UpdatedOnOrAfter": "string", "ActorType": "string",
         "FieldKeys": "strings"}, ("Actors", "actors")),
}

# Response type names of the WS twins (documented: IS ERPConnectorWS.cs).
RESPONSE_TYPES = {
    None: "ConnectorResultBaseWS",
    "fields": "FieldMetadataInfoArrayPluginResponseWS",
    "strings": "StringArrayPluginResponseWS",
    "actors": "ActorArrayPluginResponseWS",
    "actor": "ActorPluginResponseWS",
    "dict": "ListItemArrayPluginResponseWS",
}

AUTHENTICATE = "Authenticate"

# Aliases accepted on input: the plugin names of the same members (D/api/ierpconnector.md).
REQUEST_ALIASES = {
    "ConnectionId": "ConnectionGuid",
    "LastModified": "UpdatedOnOrAfter",
    "ReturnFields": "FieldKeys",
    "ParentErpKey": "ParentActorErpKey",
    "ListItemsKeys": "ListItemKeys",
}


def value(name):
    return WIRE[name].value


def operation_element(operation):
    """The body element of a request: ``WSGetActors`` (``Authenticate`` has no prefix)."""
    if operation == AUTHENTICATE:
        return operation
    return value("operation_prefix") + operation


def action(operation):
    if operation == AUTHENTICATE:
        namespace, contract = value("auth_namespace"), value("auth_contract_name")
    else:
        namespace, contract = value("service_namespace"), value("contract_name")
    return value("action_template").format(
        namespace=namespace, contract=contract, operation=operation_element(operation)
    )


def operation_from_element(local_name):
    """Map a body element's local name (``WSGetActors``, ``GetActors``, ``Authenticate``...) to
    the operation, or None."""
    name = local_name
    prefix = value("operation_prefix")
    if name == AUTHENTICATE or name == AUTHENTICATE + "Request":
        return AUTHENTICATE
    if name.startswith(prefix) and name[len(prefix):] in OPERATIONS:
        return name[len(prefix):]
    return name if name in OPERATIONS else None


def choices_table():
    """Rows ``(name, value, status, source)`` for the README and the WSDL's documentation."""
    return [(name, c.value, c.status, c.source) for name, c in WIRE.items()]
