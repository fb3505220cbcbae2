from odoo.tests import Form, tagged

from .common import SuperOfficeCase


@tagged("post_install", "-at_install")
class TestDirtyTracking(SuperOfficeCase):
    def setUp(self):
        super().setUp()
        self.partner = self.create_company_partner("Fjord Fisk AS", city="Bergen")
        self.link = self.link_partner(self.partner, 8)

    def test_mapped_field_marks_needs_sync(self):
        self.partner.city = "Oslo"
        self.assertEqual(self.link.state, "needs_sync")

    def test_form_edit_of_mapped_field_marks_needs_sync(self):
        with Form(self.partner) as form:
            form.phone = "+47 55 00 00 00"
        self.assertEqual(self.link.state, "needs_sync")

    def test_unmapped_field_does_not(self):
        self.partner.write({"barcode": "FF-001", "lang": "en_US"})
        self.assertEqual(self.link.state, "linked")

    def test_same_value_does_not(self):
        self.partner.write({"city": "Bergen", "name": "Fjord  Fisk AS "})
        self.assertEqual(self.link.state, "linked")

    def test_sync_writes_do_not(self):
        self.partner.with_context(superoffice_sync=True).city = "Oslo"
        self.assertEqual(self.link.state, "linked")
        self.partner._superoffice_apply({"city": "Trondheim"}, self.link._mapping())
        self.assertEqual(self.partner.city, "Trondheim")
        self.assertEqual(self.link.state, "linked")

    def test_field_flowing_only_to_odoo_does_not(self):
        self.env.ref("superoffice_connector.superoffice_field_mapping_company_city").direction = (
            "to_odoo"
        )
        self.partner.city = "Oslo"
        self.assertEqual(self.link.state, "linked")
        self.partner.street = "Bryggen 1"
        self.assertEqual(self.link.state, "needs_sync")

    def test_failed_link_is_retried_conflict_stays(self):
        self.link.state = "failed"
        self.partner.city = "Oslo"
        self.assertEqual(self.link.state, "needs_sync")
        self.link.write({"state": "conflict", "conflict_fields": ["city"]})
        self.partner.city = "Stavanger"
        self.assertEqual(self.link.state, "conflict")

    def test_only_the_written_records_links(self):
        other = self.create_company_partner("Other AS")
        other_link = self.link_partner(other, 9)
        self.partner.city = "Oslo"
        self.assertEqual(other_link.state, "linked")

    def test_person_and_project_mappings(self):
        person = self.create_person_partner("Kari Nordmann", parent=self.partner)
        person_link = self.link_partner(person, 30)
        person.function = "CEO"
        self.assertEqual(person_link.state, "needs_sync")
        project = self.create_project()
        project_link = self.link_project(project, 4)
        project.superoffice_number = "10042"  # SuperOffice gives the number: flows to Odoo only
        self.assertEqual(project_link.state, "linked")
        project.name = "Website relaunch 2"
        self.assertEqual(project_link.state, "needs_sync")

    def test_plain_user_edit_still_marks_the_link(self):
        user = self.make_user("so_dirty_plain", groups=("base.group_partner_manager",))
        self.partner.with_user(user).city = "Oslo"
        self.assertEqual(self.link.state, "needs_sync")

    def test_project_members_follow_the_linked_partners(self):
        project = self.create_project()
        self.link_project(project, 4)
        person = self.create_person_partner("Kari Nordmann", parent=self.partner)
        self.link_partner(person, 31)
        former = self.create_company_partner("Former member AS")
        self.link_partner(former, 10)
        unlinked = self.create_company_partner("Not in SuperOffice AS")
        project.message_subscribe(partner_ids=(former | unlinked).ids)
        project._superoffice_apply({"members": ["c:8", "p:31", "p:999"]})
        followers = project.message_partner_ids
        self.assertIn(self.partner, followers)
        self.assertIn(person, followers)
        self.assertIn(unlinked, followers)
        self.assertNotIn(former, followers)

