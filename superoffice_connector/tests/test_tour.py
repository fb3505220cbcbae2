from odoo.tests import tagged

from .. import compat
from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeHttpCase


@tagged("post_install", "-at_install")
class TestConnectTour(SuperOfficeHttpCase):
    """The user flows in headless Chromium, each checked at its end on the screen (in the tour)
    and on both sides (here): equal values, and an immediate Sync now changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({compat.GROUP_FIELD: [
            (4, cls.env.ref(USER_GROUP).id), (4, cls.env.ref(ADMIN_GROUP).id),
        ]})

    def test_connect_company(self):
        contact = self.sim.store.create("contact", {
            "Name": "Tour Harbour Logistics AS",
            "Phones": [{"Value": "+47 55 00 00 00", "Description": "Main"}],
            "Address": {"Postal": {"City": "Bergen"}},
        })
        partner = self.env["res.partner"].create({
            "name": "Tour Harbour Logistics AS", "is_company": True, "city": "Tromsø",
            "phone": "+47 77 11 22 33",
        })
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_connect_tour", login="admin")
        link = partner.superoffice_link_ids
        self.assertEqual(link.so_id, contact["ContactId"])
        stored = self.sim.store.get("contact", contact["ContactId"])
        self.assertEqual(stored["Address"]["Postal"]["City"], "Tromsø")
        self.assertEqual(stored["Phones"][0]["Value"], "+47 77 11 22 33")
        self.assert_in_step(partner)

    def test_create_in_superoffice_with_an_edited_value(self):
        partner = self.env["res.partner"].create({
            "name": "Qwxz Nomatch Fiskeri", "is_company": True, "city": "Vardø",
        })
        count = self.sim.store.count("contact")
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_create_tour", login="admin")
        self.assertEqual(self.sim.store.count("contact"), count + 1)
        stored = self.sim.store.get("contact", partner.superoffice_link_ids.so_id)
        self.assertEqual(stored["Name"], "Qwxz Nomatch Fiskeri")
        self.assertEqual(stored["Address"]["Postal"]["City"], "Hammerfest")
        self.assertEqual(partner.city, "Hammerfest")
        # SuperOffice gave the new company its own user as owner: held, and told once
        self.assertEqual(stored["Associate"]["AssociateId"], 5)
        self.assertFalse(partner.user_id)
        self.assertEqual(len([b for b in partner.message_ids.mapped("body")
                              if "Owner Roy de Jong from SuperOffice was not taken" in b]), 1)
        self.assert_in_step(partner)

    def test_conflict_resolved_on_the_superoffice_tab(self):
        contact = self.so_create_contact("Tour Conflict AS")
        partner = self.env["res.partner"].create({"name": "Tour Conflict AS", "is_company": True})
        link = self.env["superoffice.link"].create({
            "connection_id": self.connection.id, "entity_type": "company",
            "so_id": contact["ContactId"], "partner_id": partner.id, "actor_type": "customer",
        })
        self.connection.conflict_policy = "superoffice_wins"
        self.connection._sync_link(link)
        self.connection.conflict_policy = "manual"
        self.sim.store.patch("contact", contact["ContactId"], {"Department": "Sales"})
        partner.superoffice_department = "Purchasing"
        self.connection._sync_link(link)
        self.assertEqual(link.state, "conflict")
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_conflict_tour", login="admin")
        self.assertEqual(link.state, "linked")
        self.assertEqual(self.sim.store.get("contact", contact["ContactId"])["Department"],
                         "Purchasing")
        self.assertEqual(partner.superoffice_department, "Purchasing")
        self.assert_in_step(partner)

    def test_test_connection_updates_the_form(self):
        self.assertEqual(self.connection.state, "draft")
        self.start_tour(self._connection_url(self.connection),
                        "superoffice_test_connection_tour", login="admin")
        self.assertEqual(self.connection.state, "ok")

    def test_test_connection_failure_updates_the_form(self):
        self.connection.system_token = "Wrong-token-for-this-tenant"
        self.start_tour(self._connection_url(self.connection),
                        "superoffice_test_connection_error_tour", login="admin")
        self.assertEqual(self.connection.state, "error")
        self.assertIn("refused the credentials", self.connection.last_error)

    @staticmethod
    def _connection_url(connection):
        return f"/odoo/action-superoffice_connector.superoffice_connection_action/{connection.id}"


@tagged("post_install", "-at_install")
class TestErpLinkedAndNamesTour(SuperOfficeHttpCase):
    """On screen: no Connect or Create in SuperOffice on a record SuperOffice's ERP Sync links;
    names, not ids, in the resolve step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({compat.GROUP_FIELD: [
            (4, cls.env.ref(USER_GROUP).id), (4, cls.env.ref(ADMIN_GROUP).id),
        ]})
        cls.connection.allow_create_superoffice = True

    def test_no_connect_nor_create_on_a_record_erp_sync_links(self):
        partner = self.env["res.partner"].create({"name": "Tour Erp Linked AS",
                                                  "is_company": True})
        erp = self.env["superoffice.erp.connection"].create({"name": "Tour ERP Sync"})
        erp.write({"state": "connected", "guid": "tour-erp-guid"})
        self.env["superoffice.erp.record"]._mark(erp, "Customer", partner)
        contacts = self.sim.store.count("contact")
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_erp_linked_tour",
                        login="admin")
        self.assertEqual(self.sim.store.count("contact"), contacts)
        self.assertFalse(partner.superoffice_link_ids)

    def test_resolve_step_shows_the_persons_company_by_name(self):
        name = "Lighthouse Harbour Maritime Logistics Holding AS"
        contact = self.sim.store.create("contact", {"Name": name})
        company = self.env["res.partner"].create({"name": name, "is_company": True})
        self.env["superoffice.link"].create({
            "connection_id": self.connection.id, "entity_type": "company",
            "so_id": contact["ContactId"], "partner_id": company.id, "actor_type": "customer",
            "base_snapshot": company._superoffice_values(self.connection._mapping("company"),
                                                         self.connection),
        })
        so_person = self.sim.store.create("person", {
            "Firstname": "Kari", "Lastname": "Nameshown",
            "Contact": {"ContactId": contact["ContactId"]},
        })
        person = self.env["res.partner"].create({"name": "Kari Nameshown",
                                                 "parent_id": company.id})
        self.start_tour(f"/odoo/contacts/{person.id}", "superoffice_person_names_tour",
                        login="admin")
        self.assertEqual(person.superoffice_link_ids.so_id, so_person["PersonId"])
        self.assert_in_step(person)
