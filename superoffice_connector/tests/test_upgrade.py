"""The upgrade to 1.1.0 (migrations/1.1.0/post-migrate.py): contacts an older pull created without
a company get their connection's company; what a person linked keeps its own choice."""

from odoo.tests import tagged

from ..hooks import give_company_to_linked_records
from .test_company_walls import CompanyWallsCase


@tagged("post_install", "-at_install")
class TestRecordsOlderCodeLeftWithoutCompany(CompanyWallsCase):
    def _pull_as_older_code_did(self, connection):
        """Import everything the simulator has, then clear the company of the imported contacts,
        as the pull did before company walls."""
        connection.sync_import_new = True
        run = connection._pull()
        self.assertEqual(run.count_failed, 0, run.error_log)
        links = self.env["superoffice.link"].search([("connection_id", "=", connection.id)])
        self.env.cr.execute("UPDATE res_partner SET company_id = NULL WHERE id IN %s",
                            [tuple(links.partner_id.ids)])  # fmt: skip
        self.env.invalidate_all()
        self.assertFalse(links.partner_id.company_id)
        return links

    def test_pulled_contacts_get_the_connections_company(self):
        self.so_create_project("Pulled project")
        links = self._pull_as_older_code_did(self.connection)
        shared, shared_link = self.linked_shared_company("Shared by choice AS")
        # the shared company existed before a person linked it
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = create_date - interval '1 day' WHERE id = %s",
            [shared.id],
        )
        before = shared_link.write_date
        self.env.invalidate_all()
        partners_b = self.env["res.partner"].with_user(self.user_b)
        self.assertTrue(partners_b.search([("id", "in", links.partner_id.ids)]))

        changed = give_company_to_linked_records(self.env)

        self.env.invalidate_all()
        self.assertTrue(changed)
        for partner in links.partner_id:
            self.assertEqual(partner.company_id, self.company_a, partner.display_name)
        self.assertEqual(links.project_id.company_id, self.company_a)
        self.assertFalse(shared.company_id, "a company a person linked keeps no company")
        self.assertEqual(shared_link.write_date, before)
        # company B's users no longer see nor edit company A's SuperOffice contacts
        self.assertFalse(partners_b.search([("id", "in", links.partner_id.ids)]))
        company = links.filtered(lambda link: link.entity_type == "company")[:1].partner_id
        self.assert_in_step(company)
        self.assertEqual(give_company_to_linked_records(self.env), 0, "a second run changes nothing")

    def test_a_contact_linked_in_two_companies_keeps_no_company(self):
        partner = self.create_company_partner("Two walls AS", company_id=False)
        contact = self.so_create_contact("Two walls AS")
        self.link_partner(partner, contact["ContactId"])
        self.link_partner(partner, contact["ContactId"], connection=self.connection_b)
        give_company_to_linked_records(self.env)
        self.assertFalse(partner.company_id)
