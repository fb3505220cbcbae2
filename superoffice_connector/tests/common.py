"""Shared helpers of the addon's Odoo tests.

``SuperOfficeCase`` starts one SuperOffice simulator per test class (real HTTP on 127.0.0.1),
resets its data before every test and creates a ``superoffice.connection`` pointing at it with
system-user authentication. Helpers are named after the domain::

    class TestSomething(SuperOfficeCase):
        def test_link(self):
            partner = self.create_company_partner("ACME AS", city="Oslo")
            contact = self.so_create_contact("ACME AS")
            link = self.link_partner(partner, contact["ContactId"])
            self.assertEqual(partner.superoffice_state, "linked")
            self.assert_in_step(partner)   # the end of every flow: both sides equal
"""

import copy
import json

from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user

from superoffice_sim import SimServer, refdata

from ..api.shared import REREAD_AFTER
from ..models import superoffice_connection
from ..models.superoffice_rate_limit import OwnConnection
from ..models.superoffice_shared_state import DatabaseState
from ..models.superoffice_sync_service import KIND
from ..sync import canonical, merge, transforms

USER_GROUP = "superoffice_connector.superoffice_connector_group_user"
ADMIN_GROUP = "superoffice_connector.superoffice_connector_group_admin"
TENANT = "Cust12345"


# Client options of tests that inject faults: few retries, short timeouts, no rate limit.
FAST_CLIENT = {
    "max_retries": 1, "backoff_base": 0.01, "backoff_max": 0.05, "read_timeout": 2,
    "connect_timeout": 2, "operation_budget": 8, "rate_limit": 0,
}


class SuperOfficeMixin:
    """A running simulator and a connection to it, for TransactionCase and HttpCase alike."""

    seed_companies = 20
    sim_options = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = SimServer(
            tenant=TENANT, seed_companies=cls.seed_companies, seed=1, **cls.sim_options
        )
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        # The tickets this class's clients shared are committed outside its transaction: forget
        # them when it ends, so the next class does not start with rows its setUp then deletes
        # under its feet (a DELETE of them in a test would be a serialization failure).
        cls.addClassCleanup(cls._forget_shared_state, cls.env.cr.dbname)
        cls.company = cls.env.company
        cls.connection = cls.create_connection(cls.env, cls.sim)

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # The client passes (connect, read) timeouts; Odoo's test guard compares with a number.
        timeout = kw.get("timeout")
        if isinstance(timeout, tuple):
            kw["timeout"] = max(t for t in timeout if t is not None)
        return super()._request_handler(s, r, **kw)

    @staticmethod
    def _forget_shared_state(dbname):
        OwnConnection(dbname).fetchone("DELETE FROM superoffice_shared_state", ())

    def setUp(self):
        super().setUp()
        self.sim.reset()
        # A fresh client per test: the simulator forgot its tickets when it was reset, so the
        # tickets and addresses the processes share are forgotten too (outside the test's
        # transaction, where the clients keep them).
        superoffice_connection._CLIENTS.clear()
        OwnConnection(self.env.cr.dbname).fetchone("DELETE FROM superoffice_shared_state", ())

    @classmethod
    def use_fast_client(cls):
        """Make the client fail fast, so fault-injection tests run in seconds."""
        cls.env["ir.config_parameter"].sudo().set_param(
            "superoffice_connector.client_options", json.dumps(FAST_CLIENT)
        )

    # ------------------------------------------------------------------ connection / users

    @staticmethod
    def connection_values(sim, **overrides):
        app = sim.app
        values = {
            "name": "SuperOffice test",
            "environment": "sod",
            "base_url": sim.url,
            "tenant": TENANT,
            "auth_mode": "system_user",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "system_token": app.system_token,
            "private_key": app.private_key_pem,
            "jwt_public_key": app.jwt_public_key_pem,
            "webhook_secret": "webhook-secret-for-tests",
        }
        values.update(overrides)
        return values

    @classmethod
    def create_connection(cls, env, sim, **overrides):
        return env["superoffice.connection"].create(cls.connection_values(sim, **overrides))

    @classmethod
    def make_user(cls, login, groups=(USER_GROUP,), company=None, **values):
        """An internal user in ``groups`` (xml ids), restricted to ``company`` when given."""
        group_ids = ",".join(("base.group_user", *groups))
        if company:
            values.setdefault("company_id", company.id)
            values.setdefault("company_ids", [Command.set(company.ids)])
        return new_test_user(cls.env, login=login, groups=group_ids, **values)

    # ------------------------------------------------------------------ Odoo records

    def create_company_partner(self, name="ACME AS", **values):
        return self.env["res.partner"].create({"name": name, "is_company": True, **values})

    def create_person_partner(self, name="Ola Nordmann", parent=None, **values):
        if parent:
            values["parent_id"] = parent.id
        return self.env["res.partner"].create({"name": name, "is_company": False, **values})

    def create_project(self, name="Website relaunch", **values):
        return self.env["project.project"].create({"name": name, **values})

    def link_partner(self, partner, so_id, entity_type=None, actor_type="customer",
                     connection=None, **values):
        """Link ``partner`` to SuperOffice record ``so_id`` with the current values as base."""
        connection = connection or self.connection
        entity_type = entity_type or ("company" if partner.is_company else "person")
        fields = connection._mapping(entity_type)
        vals = {
            "connection_id": connection.id,
            "entity_type": entity_type,
            "so_id": so_id,
            "partner_id": partner.id,
            "actor_type": actor_type if entity_type == "company" else False,
            "base_snapshot": partner._superoffice_values(fields, connection),
            **values,
        }
        return self.env["superoffice.link"].create(vals)

    def link_project(self, project, so_id, connection=None, **values):
        connection = connection or self.connection
        fields = connection._mapping("project")
        return self.env["superoffice.link"].create({
            "connection_id": connection.id,
            "entity_type": "project",
            "so_id": so_id,
            "project_id": project.id,
            "base_snapshot": project._superoffice_values(fields, connection),
            **values,
        })

    def age_shared_copy(self, connection, name, seconds=REREAD_AFTER):
        """Make the copy of SuperOffice's ``name`` (``"users"``, ``"list:category"``) that the
        processes of ``connection`` share as if it were read ``seconds`` earlier (a name
        missing from it is then read for in SuperOffice again)."""
        state = DatabaseState(OwnConnection(self.env.cr.dbname), connection.id)
        value = state.get(name)
        self.assertTrue(value and value.get("read_at"), f"a shared copy of {name}")
        value["read_at"] -= seconds
        state.put(name, value)

    def count_requests(self, method, path):
        """Counts the simulator's requests of ``method`` on ``path`` (a regex) from now on:
        the returned object's ``hits``."""
        return self.sim.faults.add("latency", seconds=0, method=method, path=path)

    # ------------------------------------------------------------------ SuperOffice records

    def so_contact(self, so_id):
        return self.sim.store.get("contact", so_id)

    def so_person(self, so_id):
        return self.sim.store.get("person", so_id)

    def so_project(self, so_id):
        return self.sim.store.get("project", so_id)

    # ------------------------------------------------------------------ the end of a flow

    def assert_in_step(self, record, connection=None):
        """The end state of every flow: ``record`` and its SuperOffice record hold equal mapped
        values, and an immediate Sync now changes nothing on either side. Returns the link.

        Compared: every field mapped on both sides, whatever its direction, SuperOffice's read
        with the connection's lookups (an owner is the Odoo user it matches). A value held in
        the base (one side has it, the other side cannot represent it: ``sync.merge.hold``; a
        SuperOffice owner no single Odoo user of the company matches, ``"associate:<id>"``, is
        one) compares as the base while that side holds it, and then the record's chatter names
        it."""
        self.env.invalidate_all()
        links = record.sudo().superoffice_link_ids
        link = links.filtered(lambda lk: lk.connection_id == connection) if connection else links
        self.assertEqual(len(link), 1, f"{record.display_name} has one link")
        self.assertEqual(link.state, "linked", f"{record.display_name} is linked")
        connection = link.connection_id
        fields_ = [f for f in link._mapping() if f.direction != "none" and f.so_field
                   and f.odoo_field]
        odoo_values = record._superoffice_values(fields_, connection)
        entity = link.connection_id._get_client().service(KIND[link.entity_type]).get(link.so_id)
        so_values = transforms.from_superoffice(link.entity_type, entity, fields_,
                                                connection._lookups())
        base = link.base_snapshot or {}
        odoo_shown = dict(odoo_values)
        held = merge.mask_held(fields_, odoo_shown, so_values, base)
        notes = "".join(record.sudo().message_ids.mapped("body"))
        for fmap in fields_:
            so_value = so_values.get(fmap.key)
            self.assertTrue(
                canonical.equal(fmap, odoo_shown.get(fmap.key), so_value),
                f"{fmap.label}: Odoo has {odoo_values.get(fmap.key)!r}, SuperOffice {so_value!r}",
            )
            if fmap.key in held:
                # as the note shows it: members, companies and owners by name
                shown = record._superoffice_display(fmap, held[fmap.key][1], connection, entity)
                self.assertIn(shown, notes, f"{fmap.label} {shown}: the difference is told")
        stored = copy.deepcopy(self.sim.store.get(KIND[link.entity_type], link.so_id))
        outcome = connection._sync_link(link)
        self.env.invalidate_all()
        self.assertEqual(outcome, "unchanged", "an immediate Sync now changes nothing")
        self.assertEqual(link.state, "linked")
        self.assertEqual(record._superoffice_values(fields_, connection), odoo_values)
        self.assertEqual(self.sim.store.get(KIND[link.entity_type], link.so_id), stored)
        return link

    def _so_values(self, link, fields_):
        """Canonical values of ``link``'s SuperOffice record, read over the client."""
        client = link.connection_id._get_client()
        entity = client.service(KIND[link.entity_type]).get(link.so_id)
        return transforms.from_superoffice(link.entity_type, entity, fields_)

    def sales_users(self, connection):
        """Odoo users of ``connection``'s company that are the simulator's sales users, the
        owners of its seeded records (``superoffice_sim.seed``), matched by e-mail address:
        for tests of seeded data that are not about owners (an owner no Odoo user matches is
        a difference the sync holds and tells)."""
        users = self.env["res.users"]
        for associate_id in refdata.SALES_ASSOCIATES:
            users |= self.make_user(
                f"sales{associate_id}_{connection.id}", company=connection.company_id,
                name=refdata.ASSOCIATES[associate_id][1],
                email=refdata.ASSOCIATE_EMAILS[associate_id],
            )
        return users

    def so_create_contact(self, name, **values):
        """A SuperOffice company; with no owner unless ``Associate`` is given (the simulator's
        default owner, Roy de Jong, is no Odoo user: a difference the sync holds and tells)."""
        return self.sim.store.create("contact", {"Name": name, "Associate": {"AssociateId": 0},
                                                 **values})

    def so_create_project(self, name, **values):
        """A SuperOffice project; with no owner unless ``Associate`` is given (see
        :meth:`so_create_contact`)."""
        return self.sim.store.create("project", {"Name": name, "Associate": {"AssociateId": 0},
                                                 **values})


class SuperOfficeCase(SuperOfficeMixin, TransactionCase):
    """TransactionCase with a running simulator and a connection to it."""


class SuperOfficeHttpCase(SuperOfficeMixin, HttpCase):
    """HttpCase (tours, the webhook endpoint) with a running simulator and a connection to it."""
