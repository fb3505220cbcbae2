"""Values are shown as people know them: a person's company, project members and the project
manager by name in the resolve step, on the SuperOffice tab and in the chatter, never as
SuperOffice ids (``5``, ``p:250``) or logins."""

import re

from odoo.tests import Form, tagged

from .test_company_walls import CompanyWallsCase

ID_LIKE = re.compile(r"^\d+$|\b[pc]:\d+")


@tagged("post_install", "-at_install")
class TestNamesShown(CompanyWallsCase):
    def resolve_step(self, user, record, so_id):
        wizard = Form(self.env["superoffice.connect.wizard"].with_user(user).with_context(
            active_model=record._name, active_id=record.id)).save()
        hit = wizard.hit_ids.filtered(lambda h: h.so_id == so_id)
        self.assertTrue(hit, "the SuperOffice record is among the hits")
        hit.action_pick()
        self.assertEqual(wizard.step, "resolve")
        return wizard

    def line(self, wizard, key):
        return wizard.line_ids.filtered(lambda line: line.key == key)

    def test_person_company_by_name(self):
        company, contact_id, _persons = self.linked_company(
            "Names Company AS", self.connection, self.company_a)
        self.sim.store.patch("contact", contact_id, {"Name": "Names Company AS (SO)"})
        person = self.create_person_partner("Kari Names", parent=company,
                                            company_id=self.company_a.id)
        so_person = self.sim.store.create("person", {
            "Firstname": "Kari", "Lastname": "Names", "Contact": {"ContactId": contact_id}})
        wizard = self.resolve_step(self.user_a, person, so_person["PersonId"])
        company_line = self.line(wizard, "company")
        self.assertEqual(company_line.odoo_display, "Names Company AS")
        self.assertEqual(company_line.so_display, "Names Company AS (SO)")
        self.assertTrue(company_line.is_equal)
        for line in wizard.line_ids.filtered(lambda line: not line.is_equal):
            line.choice = "odoo"
        wizard.action_connect()
        self.assertIn("<th class='pe-3'>Company</th><td>Names Company AS</td>",
                      person.with_user(self.user_a).superoffice_values_html)
        self.assert_in_step(person)

    def test_project_members_and_manager_by_name(self):
        company, contact_id, persons = self.linked_company(
            "Members B AS", self.connection_b, self.company_b,
            persons=[("Eva", "Member"), ("Ole", "Member")])
        eva, ole = persons
        unlinked = self.sim.store.create("person", {
            "Firstname": "Tor", "Lastname": "Unlinked", "Contact": {"ContactId": contact_id}})
        # the test users share one e-mail address; a manager is matched by a unique one
        self.user_b.email = "manager.b@example.com"
        eva_so = eva.superoffice_link_ids.so_id
        so_project = self.so_create_project("Members project", ProjectMembers=[
            {"PersonId": eva_so}, {"PersonId": unlinked["PersonId"]}])
        project = self.env["project.project"].with_user(self.user_b).create({
            "name": "Members project", "company_id": self.company_b.id,
            "user_id": self.user_b.id,
        })
        project.message_subscribe(partner_ids=(eva | ole).ids)
        wizard = self.resolve_step(self.user_b, project, so_project["ProjectId"])
        members = self.line(wizard, "members")
        self.assertEqual(members.odoo_display, "Eva Member, Ole Member")
        self.assertEqual(members.so_display, "Eva Member, Tor Unlinked")
        owner = self.line(wizard, "owner")
        self.assertEqual(owner.odoo_display, self.user_b.name)
        for line in wizard.line_ids.filtered(lambda line: line.key in ("members", "owner")):
            for shown in (line.odoo_display, line.so_display):
                self.assertFalse(ID_LIKE.search(shown or ""), f"{line.label}: {shown}")
        for line in wizard.line_ids.filtered(lambda line: not line.choice_fixed):
            line.choice = "superoffice" if line.key == "members" else "odoo"
        wizard.action_connect()
        # Tor has no Odoo contact: the note says so by name, not as p:<id>
        notes = "".join(project.message_ids.mapped("body"))
        self.assertIn("Tor Unlinked", notes)
        self.assertNotRegex(notes, r"\bp:\d+")
        self.assertNotRegex(project.with_user(self.user_b).superoffice_values_html,
                            r"\bp:\d+")
        self.assert_in_step(project)
