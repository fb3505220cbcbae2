from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeCase


@tagged("post_install", "-at_install")
class TestImportWizard(SuperOfficeCase):
    def import_form(self, entity_type="company"):
        form = Form(self.env["superoffice.import.wizard"])
        form.entity_type = entity_type
        return form

    def picked(self, search_text, so_id, entity_type="company"):
        """The wizard after searching ``search_text`` and picking SuperOffice record ``so_id``."""
        form = self.import_form(entity_type)
        form.search_text = search_text
        wizard = form.save()
        wizard.action_search()
        wizard.hit_ids.filtered(lambda h: h.so_id == so_id).action_pick()
        return wizard

    def test_create_company_with_persons_in_odoo(self):
        contact = self.so_create_contact("Import Me AS", OrgNr="912345678",
                                         Address={"Postal": {"City": "Trondheim"}})
        person = self.sim.store.create("person", {
            "Firstname": "Eva", "Lastname": "Berg", "Contact": {"ContactId": contact["ContactId"]},
        })
        wizard = self.picked("Import Me", contact["ContactId"])
        self.assertFalse(wizard.duplicate_id)
        wizard.line_ids.filtered(lambda line: line.key == "city").value = "Stjørdal"
        action = wizard.action_create_in_odoo()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(partner.name, "Import Me AS")
        self.assertEqual(partner.city, "Stjørdal")
        self.assertEqual(partner.superoffice_link_ids.so_id, contact["ContactId"])
        eva = partner.child_ids.filtered(lambda p: p.name == "Eva Berg")
        self.assertEqual(eva.superoffice_link_ids.so_id, person["PersonId"])
        # the edited City reached SuperOffice too: both sides end in step
        self.assertEqual(self.so_contact(contact["ContactId"])["Address"]["Postal"]["City"],
                         "Stjørdal")
        self.assert_in_step(partner)
        self.assert_in_step(eva)

    def test_owner_shown_by_name_and_kept(self):
        contact = self.so_create_contact("Owned Import AS", Associate={"AssociateId": 5})
        wizard = self.picked("Owned Import", contact["ContactId"])
        owner = wizard.line_ids.filtered(lambda line: line.key == "owner")
        self.assertEqual(owner.value, "Roy de Jong")
        action = wizard.action_create_in_odoo()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(self.so_contact(contact["ContactId"])["Associate"]["AssociateId"], 5)
        # no Odoo user is Roy de Jong: held, and the chatter says so
        self.assertFalse(partner.user_id)
        self.assertTrue([b for b in partner.message_ids.mapped("body")
                         if "Owner Roy de Jong from SuperOffice was not taken" in b])
        self.assert_in_step(partner)

    def test_existing_partner_offered_for_connect(self):
        contact = self.so_create_contact("Twin AS", OrgNr="NO 911 222 333")
        partner = self.create_company_partner("Twin Company", vat="NO911222333")
        wizard = self.picked("Twin", contact["ContactId"])
        self.assertEqual(wizard.duplicate_id, partner)
        action = wizard.action_connect_existing()
        connect = self.env["superoffice.connect.wizard"].browse(action["res_id"])
        self.assertEqual(connect.step, "resolve")
        self.assertEqual(connect.so_id, contact["ContactId"])

    def test_same_org_number_written_differently_is_a_duplicate(self):
        contact = self.so_create_contact("Written AS", OrgNr="911222444")
        self.create_company_partner("Other digits AS", vat="NO 911 222 445")
        partner = self.create_company_partner("Written Company", vat="no 911.222-444")
        wizard = self.picked("Written", contact["ContactId"])
        self.assertEqual(wizard.duplicate_id, partner)
        self.assertEqual(wizard.duplicate_reason, "Same VAT / organisation number")

    def test_same_name_and_city_is_a_duplicate(self):
        contact = self.so_create_contact("Same Name AS", Address={"Postal": {"City": "Bodø"}})
        partner = self.create_company_partner("Same Name AS", city="Bodø")
        wizard = self.picked("Same Name", contact["ContactId"])
        self.assertEqual(wizard.duplicate_id, partner)

    def test_create_project_in_odoo(self):
        # Odoo keeps a project's start date only with an end date (both or neither)
        so_project = self.so_create_project("Imported project", EndDate="2027-06-30T00:00:00")
        wizard = self.picked("Imported project", so_project["ProjectId"], "project")
        action = wizard.action_create_in_odoo()
        project = self.env["project.project"].browse(action["res_id"])
        self.assertEqual(project.name, "Imported project")
        self.assertEqual(project.superoffice_link_ids.so_id, so_project["ProjectId"])
        self.assert_in_step(project)

    def test_disabled_when_connection_disallows(self):
        self.connection.allow_create_odoo = False
        form = self.import_form()
        self.assertFalse(form.allowed)
        with self.assertRaises(UserError):
            form.save().action_search()

    def test_company_without_connection_is_told_who_can_add_one(self):
        """A user of a company with no connection is not told that "this connection" refuses:
        the dialog says the company has none and names who can add one; a user of the company
        with a connection creates as before."""
        company_c = self.env["res.company"].create({"name": "Company Without SO"})
        user_c = self.make_user("import_user_c", groups=(USER_GROUP, "base.group_partner_manager"),
                                company=company_c)
        self.make_user("import_admin_c", groups=(ADMIN_GROUP,), company=company_c,
                       name="Connie Admin")
        user_a = self.make_user("import_user_a", groups=(USER_GROUP, "base.group_partner_manager"),
                                company=self.company)
        contact = self.so_create_contact("Walled Import AS")
        form = Form(self.env["superoffice.import.wizard"].with_user(user_c))
        self.assertFalse(form.connection_id)
        self.assertFalse(form.allowed)
        self.assertIn("Your company Company Without SO has no SuperOffice connection",
                      form.blocked_reason)
        self.assertIn("Connie Admin", form.blocked_reason)
        self.assertNotIn("This connection", form.blocked_reason)
        # the dialog cannot search (its Search button is hidden); a call is refused all the same
        wizard = self.env["superoffice.import.wizard"].with_user(user_c).new(
            {"entity_type": "company", "search_text": "Walled Import"})
        with self.assertRaisesRegex(UserError, "has no SuperOffice connection"):
            wizard.action_search()
        self.assertFalse(self.env["superoffice.link"].search([("so_id", "=", contact["ContactId"])]))
        form = Form(self.env["superoffice.import.wizard"].with_user(user_a))
        self.assertEqual(form.connection_id, self.connection)
        self.assertTrue(form.allowed)
        form.search_text = "Walled Import"
        wizard = form.save()
        wizard.action_search()
        wizard.hit_ids.filtered(lambda h: h.so_id == contact["ContactId"]).action_pick()
        action = wizard.action_create_in_odoo()
        partner = self.env["res.partner"].browse(action["res_id"])
        self.assertEqual(partner.company_id, self.company)
        self.assert_in_step(partner)

    def test_persons_box_is_ticked_and_unticking_creates_the_company_alone(self):
        contact = self.so_create_contact("Alone AS")
        self.sim.store.create("person", {
            "Firstname": "Per", "Lastname": "Alone", "Contact": {"ContactId": contact["ContactId"]},
        })
        wizard = self.picked("Alone AS", contact["ContactId"])
        self.assertTrue(wizard.with_persons)
        self.assertEqual(wizard.person_count, 1)
        wizard.with_persons = False
        partner = self.env["res.partner"].browse(wizard.action_create_in_odoo()["res_id"])
        self.assertFalse(partner.child_ids)
        self.assertEqual(len(self.sim.store.persons_of(contact["ContactId"])), 1)
        self.assert_in_step(partner)
