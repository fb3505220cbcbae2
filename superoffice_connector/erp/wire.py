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
    "result_members": Choice(
        ("ErrorCode", "IsOk", "State", "TechExplanation", "UserExplanation"), INFERRED,
        "members documented (D/api/pluginresponseinfo.md); order alphabetical per "
        "DataContractSerializer (SuperOffice sets Order on some members of the quote contract)"),
    "actor_type_name": Choice("ErpActorWS", DOCUMENTED, "IS ERPConnectorWS.cs"),
    "actor_members": Choice(
        ("ActorType", "ErpKey", "FieldValues", "LastModified", "ParentActorType",
         "ParentErpKey"), INFERRED,
        "members documented (D/api/erp-actor-carrier.md); order alphabetical"),
    "field_type_name": Choice("FieldMetadataInfoWS", DOCUMENTED, "IS ERPConnectorWS.cs"),
    "field_members": Choice(
        ("Access", "DefaultValue", "DisplayDescription", "DisplayName", "FieldKey", "FieldType",
         "ListName", "MaxLength"), INFERRED,
        "members documented (D/api/field-meta-data-carrier.md); order alphabetical"),
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
        "members documented (D/online/example-api.md); order alphabetical"),
}

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
