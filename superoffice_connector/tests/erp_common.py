"""Helpers of the ERP Sync Connector tests: SuperOffice's engine (``superoffice_sim.erp_client``)
calls the addon's endpoint over real HTTP, in two Odoo companies.

    class TestSomething(ErpCase):
        def test_it(self):
            answer = self.call("SearchActors", ActorType="Customer", SearchText="", FieldKeys=[])
            self.assertTrue(answer.ok)
"""

import uuid

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user

from superoffice_sim.erp_client import Actor, ErpClient, Restriction

from ..models.superoffice_erp_connection import ENDPOINT

__all__ = ["Actor", "ErpCase", "Restriction"]


class ErpCase(HttpCase):
    """An ERP Sync connection of company A (user ``erp_a``) saved by SuperOffice, and company B
    with its own records and connection."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "ERP Company B"})
        groups = "base.group_user,base.group_partner_manager,project.group_project_manager"
        cls.user_a = new_test_user(
            cls.env, login="erp_a", groups=groups, company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)])
        cls.user_b = new_test_user(
            cls.env, login="erp_b", groups=groups, company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)])
        Connection = cls.env["superoffice.erp.connection"]
        cls.conn_a = Connection.create({"name": "SO A", "company_id": cls.company_a.id,
                                        "user_id": cls.user_a.id})
        cls.conn_b = Connection.create({"name": "SO B", "company_id": cls.company_b.id,
                                        "user_id": cls.user_b.id})
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({
            "name": "Acme AS", "is_company": True, "company_id": cls.company_a.id,
            "ref": "C-100", "vat": "NO123456789MVA", "city": "Oslo", "street": "Storgata 1",
            "country_id": cls.env.ref("base.no").id, "email": "post@acme.example",
            "partner_latitude": 59.91, "partner_longitude": 10.75,
        })
        cls.beta = Partner.create({
            "name": "Beta_Bygg 100%", "is_company": True, "company_id": cls.company_a.id,
            "city": "Bergen", "country_id": cls.env.ref("base.se").id, "partner_latitude": 60.39,
        })
        cls.ola = Partner.create({
            "name": "Ola Nordmann", "parent_id": cls.acme.id, "company_id": cls.company_a.id,
            "email": "ola@acme.example", "function": "CEO", "employee": True,
        })
        cls.other = Partner.create({"name": "Acme Other Company", "is_company": True,
                                    "company_id": cls.company_b.id})
        cls.project = cls.env["project.project"].create({
            "name": "Relaunch", "company_id": cls.company_a.id, "date_start": "2026-03-01",
            "date": "2026-06-30", "description": "<p>Phase one</p>",
        })

    def setUp(self):
        super().setUp()
        self.guid = str(uuid.uuid4())
        response = self.client().call("SaveConnection", ConnectionGuid=self.guid,
                                      ConnectionInfo=self.config())
        self.assertTrue(response.ok, response.user_explanation)

    # ------------------------------------------------------------------ calling

    def url(self, key=None):
        return f"{self.base_url()}{ENDPOINT}" + ("" if key == "" else f"?key={key or self.conn_a.key}")

    def client(self, key=None):
        return ErpClient(self.url(key), session=self.opener)

    def config(self, connection=None, **values):
        connection = connection or self.conn_a
        return {"COMPANY": str(connection.company_id.id), "ALLOWCREATE": "[I:1]",
                "KEY": connection.key, **values}

    def call(self, operation, key=None, **members):
        members.setdefault("ConnectionGuid", self.guid)
        return self.client(key).call(operation, **members)

    def keys(self, answer):
        self.assertTrue(answer.ok, answer.user_explanation)
        return {int(actor.erp_key) for actor in answer.payload}

    def advanced(self, actor_type, field_key, operator, *values):
        return self.keys(self.call(
            "SearchActorsAdvanced", ActorType=actor_type, FieldKeys=["NAME"],
            Restrictions=[Restriction(field_key, operator, list(values))]))

    def assertError(self, answer, code=None, text=None):
        self.assertFalse(answer.is_ok)
        self.assertEqual(answer.state, "Error")
        if code is not None:
            self.assertEqual(answer.error_code, code)
        if text is not None:
            self.assertIn(text, answer.user_explanation)
