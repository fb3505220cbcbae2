"""SuperOffice's side of ERP Sync: a SOAP client of an ERP Sync Connector (``IErpConnectorWS``).

It writes requests as SuperOffice's WCF client would under the connector's wire table
(``superoffice_connector.erp.wire``: the best reading of the unpublished WSDL) and reads the
answers with the standard library's ElementTree, independently of the connector's own parser.
Like a default WCF client it refuses an answer over 65,536 bytes or with a string over 8,192
characters (:class:`.erp_contract.QuotaExceeded`); with ``contract="alphabetical"`` or
``"documented"`` it reads each carrier strictly in that contract's member order, dropping what a
DataContractSerializer would drop (:mod:`.erp_contract`); without, it reads every member.

    client = ErpClient("http://127.0.0.1:8069/superoffice/erp/ErpConnectorWS.svc?key=...")
    client.call("SaveConnection", ConnectionGuid=guid, ConnectionInfo={"KEY": key})
    answer = client.call("SearchActors", ConnectionGuid=guid, ActorType="Customer",
                         SearchText="", FieldKeys=["NAME"])
    answer.ok, [a.erp_key for a in answer.payload]
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import requests

from superoffice_connector.erp import wire

from .erp_contract import (
    CONTRACTS,
    MAX_RECEIVED_MESSAGE_SIZE,
    MAX_STRING_CONTENT_LENGTH,
    QuotaExceeded,
    read_members,
    string_length,
)

SOAP = wire.value("soap_envelope_namespace")


@dataclass
class Actor:
    actor_type: str = ""
    erp_key: str = ""
    last_modified: str = ""
    parent_actor_type: str = ""
    parent_erp_key: str = ""
    field_values: dict = field(default_factory=dict)


@dataclass
class Restriction:
    field_key: str
    operator: str
    values: list


@dataclass
class Answer:
    is_ok: bool
    state: str
    user_explanation: str
    tech_explanation: str
    error_code: str
    payload: object
    http_status: int = 200

    @property
    def ok(self):
        return self.is_ok and self.state != "Error"


class SoapFault(Exception):
    def __init__(self, status, message):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def _q(namespace, name):
    return f"{{{namespace}}}{name}"


class ErpClient:
    def __init__(self, url, timeout=30, session=None, contract=None,
                 max_received=MAX_RECEIVED_MESSAGE_SIZE, max_string=MAX_STRING_CONTENT_LENGTH):
        self.url = url
        self.timeout = timeout
        self.session = session or requests.Session()
        self.contract = CONTRACTS[contract] if contract else None
        self.max_received = max_received
        self.max_string = max_string

    # ------------------------------------------------------------------ writing

    def _write_member(self, parent, name, kind, value):
        data, arrays = wire.value("data_namespace"), wire.value("arrays_namespace")
        node = ET.SubElement(parent, _q(data, name))
        if kind == "string":
            node.text = "" if value is None else str(value)
        elif kind == "strings":
            for item in value or []:
                ET.SubElement(node, _q(arrays, wire.value("string_item"))).text = str(item)
        elif kind == "dict":
            for key, val in (value or {}).items():
                pair = ET.SubElement(node, _q(arrays, wire.value("dict_item")))
                ET.SubElement(pair, _q(arrays, wire.value("dict_key"))).text = key
                ET.SubElement(pair, _q(arrays, wire.value("dict_value"))).text = val
        elif kind == "actor":
            self._write_actor(node, value)
        elif kind == "actors":
            for actor in value or []:
                self._write_actor(ET.SubElement(node, _q(data, wire.value("actor_type_name"))), actor)
        elif kind == "restrictions":
            for restriction in value or []:
                item = ET.SubElement(node, _q(data, wire.value("restriction_type_name")))
                self._write_member(item, "FieldKey", "string", restriction.field_key)
                self._write_member(item, "Operator", "string", restriction.operator)
                self._write_member(item, "Values", "strings", restriction.values)

    def _write_actor(self, node, actor):
        members = {"ActorType": actor.actor_type, "ErpKey": actor.erp_key,
                   "LastModified": actor.last_modified, "ParentActorType": actor.parent_actor_type,
                   "ParentErpKey": actor.parent_erp_key}
        for name in wire.value("actor_members"):
            if name == "FieldValues":
                self._write_member(node, name, "dict", actor.field_values)
            else:
                self._write_member(node, name, "string", members[name])

    def envelope(self, operation, members):
        """The request bytes of ``operation`` with ``members`` (by their WS names)."""
        envelope = ET.Element(_q(SOAP, "Envelope"))
        body = ET.SubElement(envelope, _q(SOAP, "Body"))
        if operation == wire.AUTHENTICATE:
            op = ET.SubElement(body, _q(wire.value("auth_namespace"), operation))
            request = ET.SubElement(op, _q(wire.value("auth_namespace"), "request"))
            self._write_member(request, wire.value("auth_token_member"), "string",
                               members.get("SignedToken", ""))
            return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)
        expected, _payload = wire.OPERATIONS[operation]
        service = wire.value("service_namespace")
        op = ET.SubElement(body, _q(service, wire.operation_element(operation)))
        if expected:
            request = ET.SubElement(op, _q(service, wire.value("request_wrapper_member")))
            for name, kind in expected.items():
                if name in members:
                    self._write_member(request, name, kind, members[name])
        return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _local(tag):
        return tag.rsplit("}", 1)[-1]

    def _members(self, node, carrier, extra=()):
        """``{name: element}`` of the members of ``node`` this client reads: all of them, or with
        a contract only those its DataContractSerializer would read."""
        if node is None:
            return {}
        elements = [(self._local(item.tag), item) for item in node]
        if self.contract is None:
            found = {}
            for name, item in elements:
                found.setdefault(name, item)
            return found
        order = tuple(self.contract[carrier]) + tuple(extra)
        read = read_members([name for name, _item in elements], order)
        found, names = {}, iter(read)
        wanted = next(names, None)
        for name, item in elements:
            if name == wanted:
                found[name] = item
                wanted = next(names, None)
        return found

    def _read_dict(self, node):
        result = {}
        for pair in node if node is not None else []:
            members = {self._local(m.tag): m for m in pair}
            key = members.get(wire.value("dict_key"))
            val = members.get(wire.value("dict_value"))
            result[key.text or ""] = (val.text or "") if val is not None else ""
        return result

    def _read_actor(self, node):
        members = self._members(node, "actor")

        def text(name):
            item = members.get(name)
            return (item.text or "") if item is not None else ""
        return Actor(text("ActorType"), text("ErpKey"), text("LastModified"),
                     text("ParentActorType"), text("ParentErpKey"),
                     self._read_dict(members.get("FieldValues")))

    def _read_payload(self, node, kind):
        if node is None:
            return None
        if kind == "strings":
            return [item.text or "" for item in node]
        if kind == "dict":
            return self._read_dict(node)
        if kind == "actor":
            return None if node.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true" \
                else self._read_actor(node)
        if kind == "actors":
            return [self._read_actor(item) for item in node]
        if kind == "fields":
            return [{name: m.text or "" for name, m in self._members(item, "field").items()}
                    for item in node]
        raise ValueError(kind)

    def _check_strings(self, root):
        for node in root.iter():
            # a character is one or two UTF-16 code units: measure only what may be over
            if node.text and len(node.text) * 2 > self.max_string and \
                    string_length(node.text) > self.max_string:
                raise QuotaExceeded(f"<{self._local(node.tag)}> holds {string_length(node.text)} "
                                    f"characters, over MaxStringContentLength ({self.max_string})")

    def parse(self, operation, status, content):
        if len(content) > self.max_received:
            raise QuotaExceeded(f"HTTP {status}: the answer of {len(content)} bytes is over "
                                f"MaxReceivedMessageSize ({self.max_received})")
        try:
            root = ET.fromstring(content)
        except ET.ParseError:
            raise SoapFault(status, content[:200])
        self._check_strings(root)
        body = root.find(_q(SOAP, "Body"))
        if body is None or not len(body):
            raise SoapFault(status, "no SOAP body")
        response = body[0]
        if self._local(response.tag) == "Fault":
            raise SoapFault(status, (response.findtext("faultstring") or "").strip())
        result = response[0]
        if operation == wire.AUTHENTICATE:
            values = {name: m.text or "" for name, m in self._members(result, "auth").items()}
            return Answer(values.get("Succeeded") == "true", "", values.get("Reason", ""), "", "",
                          values.get("SignedApplicationToken", ""), status)
        spec = wire.OPERATIONS[operation][1]
        values = self._members(result, "result", (spec[0],) if spec else ())

        def text(name):
            return (values[name].text or "") if name in values else ""
        payload = self._read_payload(values.get(spec[0]), spec[1]) if spec else None
        return Answer(text("IsOk") == "true", text("State"), text("UserExplanation"),
                      text("TechExplanation"), text("ErrorCode"), payload, status)

    # ------------------------------------------------------------------ calling

    def post(self, body, action=""):
        return self.session.post(
            self.url, data=body, timeout=self.timeout,
            headers={"Content-Type": wire.value("content_type"), "SOAPAction": f'"{action}"'},
        )

    def call(self, operation, **members):
        """Call ``operation``; returns an :class:`Answer` or raises :class:`SoapFault`."""
        response = self.post(self.envelope(operation, members), wire.action(operation))
        return self.parse(operation, response.status_code, response.content)
