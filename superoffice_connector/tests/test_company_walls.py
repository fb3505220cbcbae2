"""Company walls: what the connector creates belongs to the connection's company, a user of
another company never changes what is sent with it, and a link never moves between companies."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeCase

PARTNER_EDITOR = "base.group_partner_manager"


class CompanyWallsCase(SuperOfficeCase):
    """Company A (the test company) with the simulator's connection, company B with its own
    connection to the same simulator, and a SuperOffice user and administrator in each."""

    seed_companies = 3

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.connection_b = cls.create_connection(
            cls.env, cls.sim, name="SuperOffice of B", company_id=cls.company_b.id
        )
        cls.user_groups = (USER_GROUP, PARTNER_EDITOR, "project.group_project_manager",
                           "project.group_project_stages")
        cls.user_a = cls.make_user("wall_user_a", groups=cls.user_groups, company=cls.company_a)
        cls.user_b = cls.make_user("wall_user_b", groups=cls.user_groups, company=cls.company_b)
        cls.admin_a = cls.make_user("wall_admin_a", groups=(ADMIN_GROUP, PARTNER_EDITOR),
                                    company=cls.company_a)
        cls.admin_b = cls.make_user("wall_admin_b", groups=(ADMIN_GROUP, PARTNER_EDITOR),
                                    company=cls.company_b)

    def linked_company(self, name, connection, company, persons=(), contact_values=None,
                       **values):
        """A company partner of ``company`` linked on ``connection`` to a new SuperOffice
        company (``contact_values``), with linked persons (``(first, last)`` pairs): the
        partner, its SuperOffice id and the person partners."""
        partner = self.create_company_partner(name, company_id=company.id, **values)
        contact = self.so_create_contact(name, **(contact_values or {}))
        self.link_partner(partner, contact["ContactId"], connection=connection)
        linked = self.env["res.partner"]
        for first, last in persons:
            so_person = self.sim.store.create("person", {
                "Firstname": first, "Lastname": last,
                "Contact": {"ContactId": contact["ContactId"]},
            })
            person = self.create_person_partner(f"{first} {last}", parent=partner,
                                                company_id=company.id)
            self.link_partner(person, so_person["PersonId"], connection=connection)
            linked |= person
        return partner, contact["ContactId"], linked

    def linked_shared_company(self, name="Shared AS"):
        """A company partner of no company, linked on company A's connection."""
        partner = self.create_company_partner(name, company_id=False)
        contact = self.so_create_contact(name)
        return partner, self.link_partner(partner, contact["ContactId"])


@tagged("post_install", "-at_install")
class TestCreatedRecordsBelongToTheConnectionsCompany(CompanyWallsCase):
    def test_pull_import_creates_companies_persons_and_projects_of_the_connection(self):
        self.so_create_project("Imported wall project")
        self.connection.sync_import_new = True
        run = self.connection._pull()
        self.assertEqual(run.count_failed, 0, run.error_log)
        links = self.env["superoffice.link"].search([("connection_id", "=", self.connection.id)])
        self.assertEqual(set(links.mapped("entity_type")), {"company", "person", "project"})
        for record in links.partner_id:
            self.assertEqual(record.company_id, self.company_a, record.display_name)
        for record in links.project_id:
            self.assertEqual(record.company_id, self.company_a, record.display_name)
        # A user of company B sees none of them and cannot write them.
        Partner = self.env["res.partner"].with_user(self.user_b)
        self.assertFalse(Partner.search([("id", "in", links.partner_id.ids)]))
        Project = self.env["project.project"].with_user(self.user_b)
        self.assertFalse(Project.search([("id", "in", links.project_id.ids)]))
        imported = links.filtered(lambda link: link.entity_type == "company")[:1].partner_id
        # Odoo 19's record rule speaks first (AccessError, a UserError); on 18.0 the
        # connector's company wall does (UserError)
        with self.assertRaises(UserError):
            imported.with_user(self.user_b).write({"superoffice_department": "From B"})
        self.assertNotEqual(imported.superoffice_department, "From B")

    def test_create_in_odoo_creates_company_persons_and_project_of_the_connection(self):
        contact = self.so_create_contact("Wall Import AS")
        self.sim.store.create("person", {
            "Firstname": "Kari", "Lastname": "Wall", "Contact": {"ContactId": contact["ContactId"]},
        })
        project = self.so_create_project("Wall import project")
        created = []
        self.user_a.company_ids |= self.company_b
        for entity_type, text, so_id in (("company", "Wall Import", contact["ContactId"]),
                                         ("project", "Wall import project",
                                          project["ProjectId"])):
            # The user works in company B too; the wizard uses company A's connection.
            form = Form(self.env["superoffice.import.wizard"].with_user(self.user_a)
                        .with_company(self.company_b).with_context(
                            allowed_company_ids=[self.company_b.id, self.company_a.id],
                            default_connection_id=self.connection.id))
            form.entity_type = entity_type
            form.search_text = text
            wizard = form.save()
            self.assertEqual(wizard.connection_id, self.connection)
            wizard.action_search()
            wizard.hit_ids.filtered(lambda hit, so_id=so_id: hit.so_id == so_id).action_pick()
            action = wizard.action_create_in_odoo()
            created.append(self.env[action["res_model"]].browse(action["res_id"]))
        partner, odoo_project = created
        self.assertEqual(partner.company_id, self.company_a)
        self.assertEqual(partner.child_ids.mapped("company_id"), self.company_a)
        self.assertEqual(partner.child_ids.superoffice_link_ids.connection_id, self.connection)
        self.assertEqual(odoo_project.company_id, self.company_a)


@tagged("post_install", "-at_install")
class TestEditsStayInsideTheirCompany(CompanyWallsCase):
    def test_user_of_another_company_may_not_change_synchronized_fields(self):
        partner, link = self.linked_shared_company()
        before = self.so_contact(link.so_id)["Department"]
        shared = partner.with_user(self.user_b).with_company(self.company_b)
        with self.assertRaisesRegex(UserError, "SuperOffice test"):
            shared.write({"superoffice_department": "Written by B"})
        self.assertEqual(link.state, "linked")
        # What is not sent to SuperOffice stays editable for them.
        shared.write({"color": 3})
        self.connection._push()
        self.assertEqual(self.so_contact(link.so_id)["Department"], before)
        self.assertFalse(partner.superoffice_department)

    def test_user_of_the_connections_company_edits_and_the_push_sends_it(self):
        partner, link = self.linked_shared_company()
        partner.with_user(self.user_a).write({"superoffice_department": "Written by A"})
        self.assertEqual(link.state, "needs_sync")
        self.connection._push()
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Written by A")

    def test_a_linked_record_cannot_move_to_another_company(self):
        partner, link = self.linked_shared_company()
        with self.assertRaises(ValidationError):
            partner.with_user(self.user_b).write({"company_id": self.company_b.id})
        self.assertFalse(partner.company_id)
        partner.company_id = self.company_a  # into its connection's company: fine
        self.assertEqual(link.company_id, self.company_a)


@tagged("post_install", "-at_install")
class TestLinksKeepTheirCompany(CompanyWallsCase):
    def test_a_link_cannot_be_moved_to_another_companys_connection(self):
        partner, link = self.linked_shared_company()
        for user in (self.user_a, self.admin_a):
            with self.assertRaises(UserError):
                link.with_user(user).write({"connection_id": self.connection_b.id})
        with self.assertRaises(UserError):
            link.sudo().write({"connection_id": self.connection_b.id})
        self.assertEqual((link.connection_id, link.company_id), (self.connection, self.company_a))

    def test_a_link_keeps_the_records_it_links(self):
        partner, link = self.linked_shared_company()
        other = self.create_company_partner("Other AS", company_id=False)
        other_contact = self.so_create_contact("Other AS")
        for vals in ({"partner_id": other.id}, {"so_id": other_contact["ContactId"]},
                     {"entity_type": "person"}):
            with self.assertRaises(UserError):
                link.with_user(self.user_a).write(vals)
        self.assertEqual((link.partner_id, link.entity_type), (partner, "company"))
        # Writing the values it has is no change.
        link.with_user(self.user_a).write({"connection_id": self.connection.id,
                                           "partner_id": partner.id, "actor_type": "supplier"})
        self.assertEqual(link.actor_type, "supplier")

    def test_a_record_of_another_company_cannot_be_linked(self):
        partner_b = self.create_company_partner("B's own AS", company_id=self.company_b.id)
        contact = self.so_create_contact("B's own AS")
        with self.assertRaises(UserError):
            self.link_partner(partner_b, contact["ContactId"])
        self.assertFalse(partner_b.sudo().superoffice_link_ids)
        self.link_partner(partner_b, contact["ContactId"], connection=self.connection_b)

    def test_a_connection_with_links_stays_in_its_company(self):
        _partner, link = self.linked_shared_company()
        with self.assertRaises(UserError):
            self.connection.write({"company_id": self.company_b.id})
        self.assertEqual(link.company_id, self.company_a)
        empty = self.create_connection(self.env, self.sim, name="Empty one")
        empty.company_id = self.company_b
        self.assertEqual(empty.company_id, self.company_b)
