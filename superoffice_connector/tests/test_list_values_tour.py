from odoo.fields import Command
from odoo.tests import tagged

from .. import compat
from ..sync import merge
from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeHttpCase

# refdata.CATEGORIES and ASSOCIATES of the simulator
PARTNER, COMPETITOR = 4, 5
KARI = 10


@tagged("post_install", "-at_install")
class TestListValuesTour(SuperOfficeHttpCase):
    """A category chosen on the partner form, in headless Chromium: one SuperOffice has reaches
    it with Sync now, one it lacks is held, and each notification says what really happened;
    then a salesperson SuperOffice has as a user reaches it as the owner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({compat.GROUP_FIELD: [
            (4, cls.env.ref(USER_GROUP).id), (4, cls.env.ref(ADMIN_GROUP).id),
        ]})

    def test_category_chosen_on_the_form(self):
        Tag = self.env["res.partner.category"]
        tags = {name: Tag.search([("name", "=", name)], limit=1) or Tag.create({"name": name})
                for name in ("Partner", "Competitor", "Wholesaler")}
        contact = self.so_create_contact("Tour Rival AS", Category={"Id": PARTNER})
        partner = self.env["res.partner"].create({
            "name": "Tour Rival AS", "is_company": True,
            "country_id": self.env.ref("base.no").id,
            "category_id": [Command.set(tags["Partner"].ids)],
        })
        self.link_partner(partner, contact["ContactId"])
        self.assert_in_step(partner)
        kari = self.make_user("tour_kari", name="Kari Nordmann", email="kari.nordmann@example.com")
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_list_values_tour",
                        login="admin")
        self.assertEqual(partner.category_id, tags["Wholesaler"])
        self.assertEqual(self.so_contact(contact["ContactId"])["Category"]["Id"], COMPETITOR)
        link = self.assert_in_step(partner)
        self.assertEqual(link.base_snapshot[merge.HELD]["category"], ["odoo", "Wholesaler"])
        self.assertEqual(partner.user_id, kari)
        self.assertEqual(
            self.so_contact(contact["ContactId"])["Associate"]["AssociateId"], KARI)
