from odoo.tests import TransactionCase, tagged

from .. import compat


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_groups_exist_and_imply_each_other(self):
        user_group = self.env.ref("superoffice_connector.superoffice_connector_group_user")
        admin_group = self.env.ref("superoffice_connector.superoffice_connector_group_admin")
        self.assertIn(user_group, admin_group[compat.IMPLIED_FIELD])
        self.assertIn(self.env.ref("base.group_user"), user_group[compat.IMPLIED_FIELD])
        system = self.env.ref("base.group_system")
        self.assertIn(admin_group, system[compat.IMPLIED_FIELD])

    def test_settings_admin_is_superoffice_admin(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "superoffice_connector.superoffice_connector_group_admin"
            )
        )

    def test_top_menu_visible_to_users_only(self):
        menu = self.env.ref("superoffice_connector.superoffice_menu_root")
        self.assertEqual(
            menu[compat.GROUP_FIELD], self.env.ref("superoffice_connector.superoffice_connector_group_user")
        )
        self.assertFalse(menu.parent_id)
