"""One engine per record: a record linked through SuperOffice's ERP Sync is synchronized by
SuperOffice's engine only, never also by the addon's own pull and push."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import USER_GROUP, SuperOfficeMixin
from .erp_common import Actor, ErpCase


@tagged("post_install", "-at_install")
class TestErpOneEngine(SuperOfficeMixin, ErpCase):
    seed_companies = 2

    def save_from_superoffice(self, record, actor_type="Customer", **values):
        answer = self.call("SaveActors", Actors=[
            Actor(actor_type, str(record.id), field_values=values)])
        self.assertTrue(answer.ok, answer.user_explanation)
        return answer

    def test_erp_link_disconnects_the_addons_link_and_the_push_leaves_it(self):
        contact = self.so_create_contact("Acme AS")
        link = self.link_partner(self.acme, contact["ContactId"])
        self.assertFalse(self.acme.superoffice_erp_linked)
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        self.assertEqual(link.state, "disconnected")
        self.assertTrue(self.acme.superoffice_erp_linked)
        self.assertIn("Linked from SuperOffice as Customer through SO A",
                      self.acme.superoffice_erp_summary)
        self.assertIn("ERP Sync", self.acme.message_ids[0].body)
        # even a link left in a state the push would sync is skipped
        self.acme.name = "Acme Edited In Odoo"
        link.with_context(tracking_disable=True).write({"state": "needs_sync"})
        run = self.env["superoffice.sync.push"]._run(self.connection)
        self.assertEqual(self.so_contact(contact["ContactId"])["Name"], "Acme AS")
        self.assertEqual(run.state, "done")

    def test_the_pull_leaves_a_record_superoffice_linked(self):
        contact = self.so_create_contact("Acme AS")
        link = self.link_partner(self.acme, contact["ContactId"])
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        # even a link left in a state the pull would sync is skipped, read page by page
        link.with_context(tracking_disable=True).write({"state": "linked"})
        self.sim.store.patch("contact", contact["ContactId"], {"Department": "From the CRM"})
        run = self.env["superoffice.sync.pull"]._run(self.connection)
        self.assertEqual(run.state, "done")
        self.assertFalse(self.acme.superoffice_department)
        self.assertEqual(link.state, "linked")

    def test_the_addon_refuses_to_link_a_record_superoffice_linked(self):
        self.save_from_superoffice(self.project, "Project", NAME="Relaunch")
        self.assertTrue(self.project.superoffice_erp_linked)
        project = self.so_create_project("Relaunch")
        with self.assertRaisesRegex(ValidationError, "linked from SuperOffice through ERP Sync"):
            self.link_project(self.project, project["ProjectId"])

    def test_deleted_erp_connection_gives_the_record_back(self):
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        self.call("DeleteConnection")
        self.acme.invalidate_recordset()
        self.assertFalse(self.acme.superoffice_erp_linked)
        contact = self.so_create_contact("Acme AS")
        self.link_partner(self.acme, contact["ContactId"])

    def test_created_by_superoffice_is_owned_by_its_engine(self):
        created = self.call("CreateActor", Actor=Actor("Customer", field_values={"NAME": "New AS"}))
        partner = self.env["res.partner"].browse(int(created.payload.erp_key))
        self.assertTrue(partner.superoffice_erp_linked)
        row = self.env["superoffice.erp.record"].search([("partner_id", "=", partner.id)])
        self.assertTrue(row.created_by_superoffice)

    def test_create_in_superoffice_is_refused_before_any_write(self):
        """A Create in SuperOffice dialog opened before SuperOffice's ERP Sync linked the record
        sends nothing: the refusal comes before the POST, so SuperOffice keeps one company."""
        groups = (USER_GROUP, "base.group_partner_manager", "project.group_project_manager")
        user_a = self.make_user("so_erp_user_a", groups=groups, company=self.company_a)
        user_b = self.make_user("so_erp_user_b", groups=groups, company=self.company_b)
        connection_b = self.create_connection(self.env, self.sim, name="SO of B",
                                              company_id=self.company_b.id)
        self.connection.allow_create_superoffice = True
        connection_b.allow_create_superoffice = True
        Wizard = self.env["superoffice.create.wizard"]
        opened = Wizard.with_user(user_a)._open_for(self.acme.with_user(user_a))
        contacts = self.sim.store.count("contact")
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        acme = self.acme.with_user(user_a)
        with self.assertRaisesRegex(UserError, "linked from SuperOffice through ERP Sync"):
            Wizard.with_user(user_a).browse(opened["res_id"]).action_create()
        self.assertEqual(self.sim.store.count("contact"), contacts)
        self.assertFalse(acme.superoffice_link_ids)
        for action in (acme.action_superoffice_create, acme.action_superoffice_connect):
            with self.assertRaisesRegex(UserError, "Acme AS is linked from SuperOffice"):
                action()
        self.save_from_superoffice(self.project, "Project", NAME="Relaunch")
        with self.assertRaisesRegex(UserError, "Relaunch is linked from SuperOffice"):
            self.project.with_user(user_a).action_superoffice_create()
        # company B's record, which no ERP Sync links, is created in SuperOffice as before
        other = self.other.with_user(user_b)
        action = other.action_superoffice_create()
        Wizard.with_user(user_b).browse(action["res_id"]).action_create()
        self.assertEqual(self.sim.store.count("contact"), contacts + 1)
        self.assertEqual(other.superoffice_link_id.connection_id, connection_b)
        self.assert_in_step(self.other)
