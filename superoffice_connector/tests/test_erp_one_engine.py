"""One engine per record: a record linked through SuperOffice's ERP Sync is synchronized by
SuperOffice's engine only, never also by the addon's own pull and push."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SuperOfficeMixin
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
