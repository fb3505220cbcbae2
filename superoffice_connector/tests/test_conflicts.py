import ast

from odoo.tests import tagged

from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestConflicts(SyncCase):
    def both_edited(self):
        partner, link = self.paired_company("ACME AS")
        self.so_edit_contact(link.so_id, Department="Sales")
        partner.superoffice_department = "Purchasing"
        return partner, link

    def test_same_field_changed_on_both_sides_is_a_conflict(self):
        partner, link = self.both_edited()
        run = self.connection._push()
        self.assertEqual(link.state, "conflict")
        self.assertEqual(link.conflict_fields, ["department"])
        self.assertEqual(run.count_conflict, 1)
        # Nothing was overwritten on either side.
        self.assertEqual(partner.superoffice_department, "Purchasing")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Sales")

    def test_other_fields_still_flow_while_one_conflicts(self):
        partner, link = self.both_edited()
        self.so_edit_contact(link.so_id, OrgNr="NO123")
        self.connection._push()
        self.assertEqual(link.state, "conflict")
        self.assertEqual(partner.vat, "NO123")

    def test_conflicts_menu_lists_the_link(self):
        partner, link = self.both_edited()
        self.connection._push()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_conflict_action"
        )
        listed = self.env["superoffice.link"].search(ast.literal_eval(action["domain"]))
        self.assertIn(link, listed)
        self.assertEqual(self.connection.conflict_count, 1)
        self.assertIn("Department", link.conflict_labels)

    def test_resolving_applies_the_choice_and_clears_the_state(self):
        partner, link = self.both_edited()
        self.connection._push()
        action = link.action_resolve_conflict()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.link_id, link)
        line = wizard.line_ids.filtered(lambda row: row.key == "department")
        line.choice = "odoo"
        wizard.action_connect()
        self.assertEqual(link.state, "linked")
        self.assertFalse(link.conflict_fields)
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Purchasing")
        # The next run finds both sides in step.
        link.action_mark_needs_sync()
        run = self.connection._push()
        self.assertEqual((run.count_conflict, run.count_failed), (0, 0))
        self.assertEqual(link.state, "linked")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Purchasing")
        self.assert_in_step(partner)

    def test_resolving_from_the_tab_ends_in_step(self):
        partner, link = self.both_edited()
        self.so_edit_contact(link.so_id, OrgNr="NO555")
        self.connection._push()
        action = partner.action_superoffice_resolve()
        self.assertEqual(action["name"], "Resolve sync conflict")
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        wizard.line_ids.filtered(lambda row: row.key == "department").choice = "superoffice"
        wizard.action_connect()
        self.assertEqual(partner.superoffice_department, "Sales")
        self.assertEqual(partner.vat, "NO555")
        self.assert_in_step(partner)

    def test_sync_now_on_a_conflict_says_so(self):
        partner, link = self.both_edited()
        action = partner.action_superoffice_sync_now()
        self.assertEqual(link.state, "conflict")
        self.assertEqual(action["params"]["title"], "Sync conflict")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Department", action["params"]["message"])
        self.assertNotIn("Synchronized", action["params"]["title"])

    def test_the_superoffice_tab_opens_the_same_screen(self):
        partner, link = self.both_edited()
        self.connection._push()
        action = partner.action_superoffice_resolve()
        self.assertEqual(action["res_model"], "superoffice.connect.wizard")
        self.assertEqual(action["context"]["superoffice_link_id"], link.id)

    def test_odoo_wins_policy_resolves_without_a_person(self):
        self.connection.conflict_policy = "odoo_wins"
        partner, link = self.both_edited()
        self.connection._push()
        self.assertEqual(link.state, "linked")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Purchasing")

    def test_superoffice_wins_policy(self):
        self.connection.conflict_policy = "superoffice_wins"
        partner, link = self.both_edited()
        self.connection._pull()
        self.assertEqual(link.state, "linked")
        self.assertEqual(partner.superoffice_department, "Sales")
