from odoo.tests import tagged

from .common import USER_GROUP, SuperOfficeHttpCase


@tagged("post_install", "-at_install")
class TestConnectTour(SuperOfficeHttpCase):
    """Click through Connect and Create in SuperOffice in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({"group_ids": [(4, cls.env.ref(USER_GROUP).id)]})

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

    def test_create_in_superoffice(self):
        partner = self.env["res.partner"].create({
            "name": "Qwxz Nomatch Fiskeri", "is_company": True, "city": "Vardø",
        })
        count = self.sim.store.count("contact")
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_create_tour", login="admin")
        self.assertEqual(self.sim.store.count("contact"), count + 1)
        stored = self.sim.store.get("contact", partner.superoffice_link_ids.so_id)
        self.assertEqual(stored["Name"], "Qwxz Nomatch Fiskeri")
        self.assertEqual(stored["Address"]["Postal"]["City"], "Hammerfest")
