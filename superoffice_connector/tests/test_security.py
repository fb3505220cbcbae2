from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import file_open

from ..models.superoffice_connection import CREDENTIAL_FIELDS
from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeCase

# Models holding per-connection data, each with the values of one record of the connection.
PER_CONNECTION_RECORDS = {
    "superoffice.sync.run": {"kind": "pull"},
    "superoffice.sync.event": {"event": "contact.changed", "so_id": 1},
    "superoffice.sync.cursor": {"entity_type": "company"},
}


@tagged("post_install", "-at_install")
class TestSecurity(SuperOfficeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_user = cls.make_user("so_plain", groups=())
        # may edit contacts (Contacts > Creation), not projects
        cls.so_user = cls.make_user("so_user", groups=(USER_GROUP, "base.group_partner_manager"))
        cls.so_admin = cls.make_user("so_admin", groups=(ADMIN_GROUP,))
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.user_b = cls.make_user("so_user_b", company=cls.company_b)
        cls.admin_b = cls.make_user("so_admin_b", groups=(ADMIN_GROUP,), company=cls.company_b)

    def test_plain_user_cannot_read_or_create_connections(self):
        Connection = self.env["superoffice.connection"].with_user(self.plain_user)
        with self.assertRaises(AccessError):
            Connection.search_read([], ["name"])
        with self.assertRaises(AccessError):
            Connection.create(self.connection_values(self.sim, name="Mine"))

    def test_superoffice_user_reads_connection_without_credentials(self):
        connection = self.connection.with_user(self.so_user)
        rows = connection.search_read([("id", "=", self.connection.id)])
        self.assertEqual(len(rows), 1)
        for name in CREDENTIAL_FIELDS:
            self.assertNotIn(name, rows[0])
        self.assertEqual(rows[0]["tenant"], "Cust12345")
        for name in ("client_secret", "private_key", "system_token", "webhook_secret"):
            with self.assertRaises(AccessError):
                connection.read([name])
            with self.assertRaises(AccessError):
                connection.search_read([], [name])

    def test_credentials_not_in_web_read_onchange_fields_get_or_export(self):
        exporter = self.make_user("so_exporter", groups=(USER_GROUP, "base.group_allow_export"))
        connection = self.connection.with_user(exporter)
        self.assertFalse(set(CREDENTIAL_FIELDS) & set(connection.fields_get()))
        with self.assertRaises(AccessError):
            connection.web_read({"name": {}, "client_secret": {}})
        with self.assertRaises(AccessError):
            connection.onchange({}, [], {"name": {}, "private_key": {}})
        with self.assertRaises(AccessError):
            connection.export_data(["name", "system_token"])
        self.assertEqual(connection.export_data(["name"])["datas"], [["SuperOffice test"]])

    def test_superoffice_user_cannot_create_or_change_connections(self):
        with self.assertRaises(AccessError):
            self.env["superoffice.connection"].with_user(self.so_user).create(
                {"name": "x", "tenant": "Cust1"}
            )
        with self.assertRaises(AccessError):
            self.connection.with_user(self.so_user).write({"client_secret": "stolen"})
        with self.assertRaises(AccessError):
            self.connection.with_user(self.so_user).write({"name": "renamed"})

    def test_admin_reads_and_writes_credentials(self):
        connection = self.connection.with_user(self.so_admin)
        self.assertEqual(connection.read(["client_secret"])[0]["client_secret"],
                         self.sim.app.client_secret)
        connection.write({"webhook_secret": "new-secret"})
        self.assertEqual(self.connection.webhook_secret, "new-secret")

    def test_superoffice_user_may_link_records_they_can_edit(self):
        partner = self.create_company_partner("Linkable AS")
        link = self.env["superoffice.link"].with_user(self.so_user).create({
            "connection_id": self.connection.id, "entity_type": "company", "so_id": 3,
            "partner_id": partner.id, "actor_type": "customer",
        })
        self.assertEqual(partner.superoffice_link_id, link)
        with self.assertRaises(AccessError):
            self.env["superoffice.link"].with_user(self.plain_user).search([])

    def test_superoffice_user_cannot_link_records_they_cannot_edit(self):
        project = self.create_project("Not mine")
        Link = self.env["superoffice.link"].with_user(self.so_user)
        with self.assertRaises(AccessError):
            Link.create({"connection_id": self.connection.id, "entity_type": "project",
                         "so_id": 3, "project_id": project.id})
        link = self.link_project(project, 3)
        with self.assertRaises(AccessError):
            link.with_user(self.so_user).write({"state": "needs_sync"})
        with self.assertRaises(AccessError):
            link.with_user(self.so_user).unlink()
        self.assertTrue(link.exists())

    def test_plain_user_does_not_get_superoffice_fields_of_partners(self):
        partner = self.create_company_partner("Hidden AS")
        self.link_partner(partner, 4)
        row = partner.with_user(self.plain_user).read()[0]
        self.assertNotIn("superoffice_state", row)
        self.assertNotIn("superoffice_link_ids", row)

    def test_other_company_sees_neither_connections_nor_links(self):
        partner = self.create_company_partner("Company A customer")
        self.link_partner(partner, 5)
        Connection = self.env["superoffice.connection"].with_user(self.user_b)
        Link = self.env["superoffice.link"].with_user(self.user_b)
        self.assertFalse(Connection.search([]))
        self.assertFalse(Link.search([]))
        with self.assertRaises(AccessError):
            self.connection.with_user(self.user_b).read(["name"])
        connection_b = self.create_connection(
            self.env, self.sim, name="B connection", company_id=self.company_b.id
        )
        self.assertEqual(Connection.search([]), connection_b)
        self.assertNotIn(connection_b, self.env["superoffice.connection"].with_user(
            self.so_user).search([]))

    def test_other_company_admin_sees_no_runs_events_or_watermarks(self):
        for model, values in PER_CONNECTION_RECORDS.items():
            record = self.env[model].create({"connection_id": self.connection.id, **values})
            Model = self.env[model].with_user(self.admin_b)
            self.assertFalse(Model.search([]), model)
            with self.assertRaises(AccessError):
                record.with_user(self.admin_b).read(["connection_id"])
            self.assertIn(record, self.env[model].with_user(self.so_admin).search([]), model)

    def test_other_company_connection_unusable_through_a_wizard(self):
        partner = self.create_company_partner("B customer", company_id=self.company_b.id)
        Wizard = self.env["superoffice.connect.wizard"].with_user(self.user_b).with_company(
            self.company_b
        )
        with self.assertRaises(AccessError):
            Wizard.create({"connection_id": self.connection.id, "res_model": "res.partner",
                           "res_id": partner.id, "search_text": "a"})
        with self.assertRaises(AccessError):
            self.connection.with_user(self.user_b)._get_client()

    def test_wizards_are_their_users_own(self):
        colleague = self.make_user(
            "so_user_2", groups=(USER_GROUP, "base.group_partner_manager")
        )
        partner = self.create_company_partner("Private search AS")
        wizard = self.env["superoffice.connect.wizard"].with_user(self.so_user).create({
            "connection_id": self.connection.id, "res_model": "res.partner",
            "res_id": partner.id, "search_text": False,  # blank: lists every company
        })
        wizard.action_search()
        self.assertTrue(wizard.hit_ids)
        self.assertEqual(wizard.res_id, partner.id)  # its user reads it
        for model, record in (("superoffice.connect.wizard", wizard),
                              ("superoffice.connect.wizard.hit", wizard.hit_ids[:1])):
            other = self.env[model].with_user(colleague)
            self.assertFalse(other.search([("id", "=", record.id)]))
            with self.assertRaises(AccessError):
                other.browse(record.id).read(["display_name"])
            with self.assertRaises(AccessError):
                other.browse(record.id).write({})

    def test_partner_state_ignores_links_of_other_companies(self):
        partner = self.create_company_partner("Shared AS")
        self.link_partner(partner, 6)
        shared = partner.with_user(self.user_b).with_company(self.company_b)
        self.assertEqual(shared.superoffice_state, "not_linked")
        self.assertEqual(partner.with_user(self.so_user).superoffice_state, "linked")

    def test_neutralize_clears_credentials_and_webhooks(self):
        self.connection.sudo().write({"webhook_id": 42, "state": "ok"})
        self.env.flush_all()
        with file_open("superoffice_connector/data/neutralize.sql") as sql:
            self.env.cr.execute(sql.read())
        self.env.invalidate_all()
        connection = self.connection.sudo()
        for name in ("client_secret", "system_token", "private_key", "webhook_secret",
                     "oauth_access_token", "oauth_refresh_token", "onsite_password", "ticket"):
            self.assertFalse(connection[name], name)
        self.assertEqual((connection.webhook_id, connection.state), (0, "draft"))
        self.assertEqual(connection.tenant, "Cust12345")
        crons = self.env["ir.cron"].search([]).filtered(
            lambda c: c.get_external_id()[c.id].startswith("superoffice_connector.")
        )
        self.assertFalse(crons.filtered("active"))
        action = self.connection.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
