"""The upgrade to 1.1.0 (migrations/1.1.0/post-migrate.py): contacts an older pull created without
a company get their connection's company; what a person linked keeps its own choice; the project
start-date mapping row moves to StartDate unless an administrator changed it."""

import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from ..hooks import give_company_to_linked_records
from .test_company_walls import CompanyWallsCase


@tagged("post_install", "-at_install")
class TestRecordsOlderCodeLeftWithoutCompany(CompanyWallsCase):
    def _pull_as_older_code_did(self, connection):
        """Import everything the simulator has, then clear the company of the imported contacts,
        as the pull did before company walls."""
        connection.sync_import_new = True
        self.sales_users(connection)  # the seeded owners are Odoo users: no difference here
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


def _migration_1_1_0():
    """The module migrations/1.1.0/post-migrate.py, imported by its path as Odoo's upgrade does."""
    path = Path(__file__).resolve().parents[1] / "migrations" / "1.1.0" / "post-migrate.py"
    spec = importlib.util.spec_from_file_location("superoffice_connector_migrate_1_1_0", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestStartDateMappingMigration(TransactionCase):
    """The project start-date mapping row (``noupdate`` data): an upgrade from 1.0.x moves it to
    SuperOffice's StartDate both ways only while it still holds what 1.0.x shipped."""

    OLD = {"odoo_field": "date_start", "so_field": "CreatedDate", "direction": "to_odoo",
           "transform": "date", "active": True}  # fmt: skip

    def setUp(self):
        super().setUp()
        self.line = self.env.ref(
            "superoffice_connector.superoffice_field_mapping_project_date_start")
        self.line.write(self.OLD)
        self.migrate = _migration_1_1_0().migrate

    def start_date_map(self):
        Mapping = self.env["superoffice.field.mapping"]
        return {f.key: f for f in Mapping._field_maps("project")}["date_start"]

    def test_the_row_as_1_0_shipped_it_moves_to_startdate_both_ways(self):
        self.assertEqual(self.start_date_map().so_field, "CreatedDate")
        self.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((self.line.so_field, self.line.direction), ("StartDate", "both"))
        self.assertEqual((self.line.odoo_field, self.line.transform), ("date_start", "date"))
        # the synchronization reads the moved row at once (the mapping cache was cleared)
        mapped = self.start_date_map()
        self.assertEqual((mapped.so_field, mapped.direction), ("StartDate", "both"))
        self.assertTrue(mapped.writes_so)
        self.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((self.line.so_field, self.line.direction), ("StartDate", "both"))

    def test_a_row_the_administrator_changed_is_left_alone_and_logged(self):
        for changed in ({"direction": "none"},
                        {"so_field": "UserDefinedFields.SuperOffice:3"},
                        {"active": False}):  # fmt: skip
            with self.subTest(**changed):
                self.line.write(dict(self.OLD, **changed))
                with self.assertLogs("odoo.addons.superoffice_connector.hooks",
                                     "WARNING") as logs:  # fmt: skip
                    self.migrate(self.env.cr, "19.0.1.0.0")
                self.assertIn("left as the administrator set it", "\n".join(logs.output))
                values = {name: self.line[name] for name in self.OLD}
                self.assertEqual(values, dict(self.OLD, **changed))

    def test_label_and_order_changes_do_not_keep_the_old_field(self):
        self.line.write({"label": "Oppstart", "sequence": 5, "show_on_tab": False})
        self.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual((self.line.so_field, self.line.direction), ("StartDate", "both"))
        self.assertEqual((self.line.label, self.line.sequence), ("Oppstart", 5))

    def test_a_new_install_runs_nothing(self):
        self.migrate(self.env.cr, None)
        self.assertEqual(self.line.so_field, "CreatedDate")
