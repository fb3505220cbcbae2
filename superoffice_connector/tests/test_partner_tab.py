from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SuperOfficeCase


@tagged("post_install", "-at_install")
class TestPartnerTab(SuperOfficeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.so_user = cls.make_user("so_tab_user", groups=(
            "superoffice_connector.superoffice_connector_group_user",
            "base.group_partner_manager", "project.group_project_manager",
        ))

    def _arch(self, model, user):
        views = self.env[model].with_user(user).get_views([(False, "form")])
        return etree.fromstring(views["views"]["form"]["arch"])

    def test_tab_and_buttons_on_partner_and_project_forms(self):
        for model in ("res.partner", "project.project"):
            arch = self._arch(model, self.so_user)
            self.assertTrue(arch.xpath("//page[@name='superoffice']"), model)
            buttons = {b.get("name") for b in arch.xpath("//page[@name='superoffice']//button")}
            self.assertEqual(buttons, {
                "action_superoffice_connect", "action_superoffice_create",
                "action_superoffice_resolve", "action_superoffice_sync_now",
                "action_superoffice_disconnect",
            })

    def test_tab_hidden_from_users_without_the_superoffice_group(self):
        plain = self.make_user("so_tab_plain", groups=("base.group_partner_manager",))
        self.assertFalse(self._arch("res.partner", plain).xpath("//page[@name='superoffice']"))

    def test_not_linked_partner_offers_connect_and_create(self):
        partner = self.create_company_partner("Unlinked AS").with_user(self.so_user)
        form = Form(partner)
        self.assertEqual(form.superoffice_state, "not_linked")
        self.assertFalse(form.superoffice_link_id)
        self.assertEqual(partner.superoffice_connection_id, self.connection)
        self.assertTrue(partner.superoffice_can_create)
        action = partner.action_superoffice_connect()
        self.assertEqual(action["res_model"], "superoffice.connect.wizard")
        self.assertEqual(action["context"]["active_id"], partner.id)

    def test_create_in_superoffice_disabled_by_the_connection(self):
        self.connection.allow_create_superoffice = False
        partner = self.create_company_partner("No Create AS").with_user(self.so_user)
        self.assertFalse(partner.superoffice_can_create)
        with self.assertRaises(UserError):
            partner.action_superoffice_create()

    def test_linked_partner_shows_link_data_and_mapped_values(self):
        partner = self.create_company_partner(
            "Linked AS", city="Oslo", email="post@linked.no", phone="+47 22 00 00 00"
        )
        link = self.link_partner(partner, 14, actor_type="supplier")
        partner = partner.with_user(self.so_user)
        form = Form(partner)
        self.assertEqual(form.superoffice_state, "linked")
        self.assertEqual(form.superoffice_so_id, 14)
        self.assertEqual(form.superoffice_actor_type, "supplier")
        self.assertEqual(partner.superoffice_url, link.so_url)
        html = str(partner.superoffice_values_html)
        self.assertIn("post@linked.no", html)
        self.assertIn("Oslo", html)
        self.assertIn("E-mail", html)
        hidden = self.env.ref("superoffice_connector.superoffice_field_mapping_company_city")
        hidden.show_on_tab = False
        partner.invalidate_recordset(["superoffice_values_html"])
        self.assertNotIn("Oslo", str(partner.superoffice_values_html))

    def test_disconnect_opens_the_confirmation(self):
        partner = self.create_company_partner("Disc AS")
        self.link_partner(partner, 15)
        action = partner.with_user(self.so_user).action_superoffice_disconnect()
        self.assertEqual(action["res_model"], "superoffice.disconnect.wizard")

    def test_search_filters(self):
        Partner = self.env["res.partner"].with_user(self.so_user)
        linked = self.create_company_partner("F Linked AS")
        conflict = self.create_company_partner("F Conflict AS")
        failed = self.create_company_partner("F Failed AS")
        unlinked = self.create_company_partner("F Unlinked AS")
        self.link_partner(linked, 16)
        self.link_partner(conflict, 17, state="conflict")
        self.link_partner(failed, 18, state="failed")
        base = [("name", "=like", "F %")]
        self.assertEqual(
            Partner.search(base + [("superoffice_state", "not in", ["not_linked"])]),
            linked | conflict | failed,
        )
        self.assertEqual(Partner.search(base + [("superoffice_state", "in", ["not_linked"])]),
                         unlinked)
        self.assertEqual(Partner.search(base + [("superoffice_state", "in", ["conflict"])]),
                         conflict)
        self.assertEqual(Partner.search(base + [("superoffice_state", "in", ["failed"])]), failed)
        self.assertEqual(Partner.search(base + [("superoffice_so_id", "=", 17)]), conflict)

    def test_filters_in_search_views(self):
        for model in ("res.partner", "project.project"):
            views = self.env[model].with_user(self.so_user).get_views([(False, "search")])
            arch = etree.fromstring(views["views"]["search"]["arch"])
            names = {f.get("name") for f in arch.xpath("//filter")}
            self.assertLessEqual(
                {"superoffice_linked", "superoffice_not_linked", "superoffice_conflict",
                 "superoffice_failed"}, names, model,
            )

    def test_sync_now_reports_the_state(self):
        partner = self.create_company_partner("Sync AS")
        contact = self.so_create_contact("Sync AS")
        link = self.link_partner(partner, contact["ContactId"])
        partner.with_user(self.so_user).city = "Oslo"
        action = partner.with_user(self.so_user).action_superoffice_sync_now()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(link.state, "linked")
        self.assertEqual(self.so_contact(contact["ContactId"])["Address"]["Postal"]["City"],
                         "Oslo")

    def test_project_tab(self):
        project = self.create_project("Tab project")
        self.link_project(project, 2)
        project = project.with_user(self.so_user)
        self.assertEqual(project.superoffice_state, "linked")
        self.assertIn("Tab project", str(project.superoffice_values_html))

    def test_tab_values_follow_the_base_snapshot(self):
        partner = self.create_company_partner("Snapshot AS", city="Oslo")
        link = self.link_partner(partner, 19)
        self.assertIn("Oslo", str(partner.superoffice_values_html))
        link.base_snapshot = {**link.base_snapshot, "city": "Bergen"}
        self.assertIn("Bergen", str(partner.superoffice_values_html))

