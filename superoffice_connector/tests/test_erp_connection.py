"""ERP Sync Connector: set-up, keys, GUIDs, hostile bodies, WSDL and Online authentication,
called over real HTTP as SuperOffice's engine calls them."""

import base64
import json
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from odoo.fields import Datetime
from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from ..erp import wire
from .erp_common import ErpCase

EMPTY = "00000000-0000-0000-0000-000000000000"
LOGGERS = ("odoo.addons.superoffice_connector.models.superoffice_erp_operations",
           "odoo.addons.superoffice_connector.controllers.erp_connector")


@tagged("post_install", "-at_install")
class TestErpSetUp(ErpCase):
    def test_configuration_flow_of_the_admin_dialog(self):
        client = self.client()
        fields = client.call("GetConfigData").payload
        self.assertEqual([f["FieldKey"] for f in fields], ["COMPANY", "ALLOWCREATE", "KEY"])
        self.assertEqual(fields[0]["FieldType"], "List")
        self.assertEqual(fields[0]["ListName"], "Companies")
        self.assertEqual(fields[2]["Access"], "Mandatory")
        companies = client.call("GetList", ConnectionGuid=EMPTY, ListName="Companies").payload
        self.assertEqual(companies, {str(self.company_a.id): self.company_a.name})
        good = client.call("TestConfigData", ConnectionInfo=self.config())
        self.assertTrue(good.ok, good.user_explanation)
        bad_key = client.call("TestConfigData", ConnectionInfo=self.config(KEY="nope"))
        self.assertError(bad_key, text="key does not match")
        # the user of connection A has no access to company B
        bad_company = client.call("TestConfigData",
                                  ConnectionInfo=self.config(COMPANY=str(self.company_b.id)))
        self.assertError(bad_company)

    def test_save_connection_stores_the_guid_and_configuration(self):
        self.assertEqual(self.conn_a.guid, self.guid)
        self.assertEqual(self.conn_a.state, "connected")
        self.assertTrue(self.conn_a.so_allow_create)
        self.assertNotIn("KEY", self.conn_a.config)
        self.assertTrue(self.call("TestConnection").ok)
        types = self.call("GetSupportedActorTypes").payload
        self.assertEqual(types, ["Customer", "Supplier", "Person", "Project"])
        for actor_type in types:
            declared = {f["FieldKey"] for f in self.call(
                "GetSupportedActorTypeFields", ActorType=actor_type).payload}
            searchable = set(self.call("GetSearchableFields", ActorType=actor_type).payload)
            self.assertTrue(searchable and searchable <= declared, actor_type)
        self.assertError(self.call("GetSupportedActorTypeFields", ActorType="Employee"))

    def test_a_call_is_noted_on_the_connection_at_most_once_a_minute(self):
        """Calls at once never wait for each other on the connection's row
        (tests/e2e/test_erp_concurrency_e2e.py); here: when the row is written."""
        recent = Datetime.now() - timedelta(seconds=30)
        self.conn_a.last_call_at = recent
        self.assertTrue(self.call("TestConnection").ok)
        self.conn_a.invalidate_recordset(["last_call_at"])
        self.assertEqual(self.conn_a.last_call_at, recent)
        self.conn_a.last_call_at = recent - timedelta(minutes=1)
        self.assertTrue(self.call("TestConnection").ok)
        self.conn_a.invalidate_recordset(["last_call_at"])
        self.assertGreater(self.conn_a.last_call_at, recent)
        # a call refused before its operation is not noted
        self.conn_a.last_call_at = recent - timedelta(minutes=1)
        self.assertError(self.call("TestConnection", ConnectionGuid=str(uuid.uuid4())))
        self.conn_a.invalidate_recordset(["last_call_at"])
        self.assertEqual(self.conn_a.last_call_at, recent - timedelta(minutes=1))

    def test_field_keys_are_the_ones_superoffice_maps_automatically(self):
        keys = {f["FieldKey"] for f in self.call(
            "GetSupportedActorTypeFields", ActorType="Customer").payload}
        self.assertTrue({"NAME", "NUMBER1", "VATNO", "PHONE", "EMAIL", "URL", "STREETAD1",
                         "STREETZIP", "STREETCITY", "COUNTRY"} <= keys)
        person = {f["FieldKey"] for f in self.call(
            "GetSupportedActorTypeFields", ActorType="Person").payload}
        self.assertTrue({"FIRSTNAME", "LASTNAME", "EMAIL", "POSITION", "PHONE_DIRECT"} <= person)

    @mute_logger(*LOGGERS)
    def test_missing_or_wrong_key_is_refused_and_changes_nothing(self):
        for key in ("", "wrong-key"):
            answer = self.client(key).call("SaveConnection", ConnectionGuid=str(uuid.uuid4()),
                                           ConnectionInfo=self.config())
            self.assertError(answer, code="ACCESS_DENIED")
            self.assertError(self.call("SearchActors", key=key, ActorType="Customer",
                                       SearchText="", FieldKeys=[]), code="ACCESS_DENIED")
        self.assertEqual(self.conn_a.guid, self.guid)

    @mute_logger(*LOGGERS)
    def test_guid_of_another_key_is_unknown(self):
        answer = self.call("SearchActors", key=self.conn_b.key, ActorType="Customer",
                           SearchText="", FieldKeys=[])
        self.assertError(answer, code=wire.value("unknown_connection_code"))

    @mute_logger(*LOGGERS)
    def test_unknown_guid_then_resend_and_retry(self):
        self.conn_a.action_release()
        answer = self.call("GetActors", ActorType="Customer", ErpKeys=[str(self.acme.id)],
                           FieldKeys=["NAME"])
        self.assertError(answer, code=wire.value("unknown_connection_code"))
        self.assertFalse(answer.payload)
        # SuperOffice resends the latest configuration and calls again
        self.assertTrue(self.call("SaveConnection", ConnectionInfo=self.config()).ok)
        again = self.call("GetActors", ActorType="Customer", ErpKeys=[str(self.acme.id)],
                          FieldKeys=["NAME"])
        self.assertEqual(again.payload[0].field_values, {"NAME": "Acme AS"})

    @mute_logger(*LOGGERS)
    def test_delete_connection_then_calls_are_unknown(self):
        self.assertTrue(self.call("DeleteConnection").ok)
        self.assertEqual(self.conn_a.state, "deleted")
        self.assertError(self.call("TestConnection"), code=wire.value("unknown_connection_code"))

    @mute_logger(*LOGGERS)
    def test_key_already_bound_to_another_guid_is_refused(self):
        answer = self.call("SaveConnection", ConnectionGuid=str(uuid.uuid4()),
                           ConnectionInfo=self.config())
        self.assertError(answer, text="already used")
        self.assertEqual(self.conn_a.guid, self.guid)

    @mute_logger(*LOGGERS)
    def test_hostile_and_broken_bodies_get_a_fault_and_no_expansion(self):
        client = self.client()
        laughs = (b'<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaaaaaaaa">'
                  b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><s:Envelope xmlns:s="'
                  + wire.value("soap_envelope_namespace").encode()
                  + b'"><s:Body><WSGetList><request><ListName>&b;</ListName></request>'
                  b"</WSGetList></s:Body></s:Envelope>")
        response = client.post(laughs)
        self.assertEqual(response.status_code, 500)
        self.assertIn(b"document type declaration", response.content)
        external = laughs.replace(b'<!ENTITY a "aaaaaaaaaaaaaaaa">',
                                  b'<!ENTITY a SYSTEM "file:///etc/passwd">')
        response = client.post(external)
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(b"root:", response.content)
        huge = client.envelope("GetList", {"ConnectionGuid": self.guid, "ListName": "x" * (6 << 20)})
        self.assertEqual(client.post(huge).status_code, 413)
        # A body without a declared length (chunked transfer) is refused before it is read.
        chunked = client.post(iter([client.envelope("GetList", {"ConnectionGuid": self.guid,
                                                                  "ListName": "country"})]))
        self.assertEqual(chunked.status_code, 413)
        self.assertEqual(client.post(b"<not xml").status_code, 500)
        self.assertEqual(client.post(b"<Envelope><Body><WSReboot/></Body></Envelope>").status_code, 500)

    @mute_logger(*LOGGERS)
    def test_neutralized_copy_refuses_superoffice(self):
        key = self.conn_a.key
        with file_open("superoffice_connector/data/neutralize.sql") as sql:
            self.env.cr.execute(sql.read())
        self.env.invalidate_all()
        self.assertFalse(self.conn_a.with_context(active_test=False).key)
        self.assertError(self.call("TestConnection", key=key), code="ACCESS_DENIED")

    def test_wsdl_is_served_from_the_table(self):
        response = self.opener.get(self.url("") + "?wsdl")
        self.assertEqual(response.status_code, 200)
        root = ET.fromstring(response.content)
        self.assertEqual(root.get("targetNamespace"), wire.value("service_namespace"))
        self.assertIn(wire.action("GetActorsByTimestamp").encode(), response.content)

    def test_requests_are_read_without_prefix_or_namespaces(self):
        body = (f"<Envelope><Body><GetList><ConnectionGuid>{self.guid}</ConnectionGuid>"
                "<ListName>Country</ListName></GetList></Body></Envelope>").encode()
        response = self.client().post(body)
        self.assertIn(b"Norway", response.content)


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@tagged("post_install", "-at_install")
class TestErpOnlineAuthenticate(ErpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.so_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cls.app_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cls.conn_a.write({
            "online_client_id": "app-123",
            "online_signing_keys": cls.so_key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode(),
            "online_private_key": cls.app_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption()).decode(),
        })

    def token(self, key=None, **claims):
        now = int(time.time())
        payload = {"iss": "SuperOffice AS", "aud": "spn:app-123", "nonce": "0f" * 16,
                   "nbf": now - 60, "exp": now + 300, "sub": "Cust12345", **claims}
        head = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = _b64url(json.dumps(payload).encode())
        signature = (key or self.so_key).sign(f"{head}.{body}".encode(), padding.PKCS1v15(),
                                              hashes.SHA256())
        return f"{head}.{body}.{_b64url(signature)}"

    def test_valid_token_is_answered_with_the_signed_nonce(self):
        answer = self.client().call("Authenticate", SignedToken=self.token())
        self.assertTrue(answer.is_ok, answer.user_explanation)
        signed, signature = answer.payload.rsplit(".", 1)
        nonce, stamp = signed.split(".")
        self.assertEqual(nonce, "0f" * 16)
        self.assertEqual(len(stamp), 12)
        self.app_key.public_key().verify(base64.b64decode(signature), signed.encode(),
                                         padding.PKCS1v15(), hashes.SHA256())

    @mute_logger(*LOGGERS)
    def test_bad_tokens_are_refused(self):
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for token, reason in (
            (self.token(aud="spn:someone-else"), "audience"),
            (self.token(exp=int(time.time()) - 600), "expired"),
            (self.token(key=other), "signature"),
            (self.token(nonce=""), "nonce"),
            ("not-a-token", ""),
        ):
            answer = self.client().call("Authenticate", SignedToken=token)
            self.assertFalse(answer.is_ok, reason)
            self.assertIn(reason, answer.user_explanation)
            self.assertFalse(answer.payload)
        wrong_key = self.client("wrong").call("Authenticate", SignedToken=self.token())
        self.assertFalse(wrong_key.is_ok)
