from odoo.tests import tagged

from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestSyncPush(SyncCase):
    def test_edit_in_odoo_marks_the_link_and_triggers_the_push(self):
        partner, link = self.paired_company("ACME AS")
        cron = self.env.ref("superoffice_connector.superoffice_cron_push")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        partner.superoffice_department = "Purchasing"
        self.assertEqual(link.state, "needs_sync")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_push_sends_the_changed_field(self):
        partner, link = self.paired_company("ACME AS")
        partner.superoffice_department = "Purchasing"
        run = self.connection._push()
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Purchasing")
        self.assertEqual(link.state, "linked")
        self.assertEqual(link.base_snapshot["department"], "Purchasing")
        self.assertEqual((run.kind, run.count_pushed, run.count_failed), ("push", 1, 0))

    def test_edits_of_different_fields_on_both_sides_are_merged(self):
        partner, link = self.paired_company("ACME AS")
        self.so_edit_contact(link.so_id, Department="Sales")
        partner.name = "ACME Holding AS"
        self.connection._push()
        contact = self.so_contact(link.so_id)
        self.assertEqual(contact["Name"], "ACME Holding AS")
        self.assertEqual(contact["Department"], "Sales")
        self.assertEqual(partner.superoffice_department, "Sales")
        self.assertEqual(link.state, "linked")

    def test_a_412_is_read_again_merged_and_retried(self):
        partner, link = self.paired_company("ACME AS")
        partner.superoffice_department = "Purchasing"
        fault = self.sim.faults.add("status", status=412, method="PATCH", count=1)
        self.connection._push()
        self.assertEqual(fault.hits, 1)
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Purchasing")
        self.assertEqual(link.state, "linked")

    def test_a_record_that_keeps_changing_becomes_a_conflict(self):
        partner, link = self.paired_company("ACME AS")
        partner.superoffice_department = "Purchasing"
        self.sim.faults.add("status", status=412, method="PATCH")
        self.connection._push()
        self.assertEqual(link.state, "conflict")
        self.assertIn("department", link.conflict_fields)

    def test_nothing_is_sent_when_nothing_changed(self):
        partner, link = self.paired_company("ACME AS")
        link.action_mark_needs_sync()
        patches = self.sim.faults.add("latency", seconds=0, method="PATCH")
        run = self.connection._push()
        self.assertEqual(patches.hits, 0)
        self.assertEqual(run.count_unchanged, 1)

    def test_due_links_only(self):
        partner, link = self.paired_company("ACME AS")
        partner.superoffice_department = "Later"
        link.next_retry_at = "2999-01-01 00:00:00"
        run = self.connection._push()
        self.assertEqual(run.count_total, 0)
        self.assertEqual(link.state, "needs_sync")

    def test_push_cron_entry_point(self):
        partner, link = self.paired_company("ACME AS")
        partner.superoffice_department = "Cron"
        self.env["superoffice.connection"]._cron_push()
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Cron")

    def test_push_now_button_triggers_the_push_cron(self):
        cron = self.env.ref("superoffice_connector.superoffice_cron_push")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        action = self.connection.action_push_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_sync_log_button_lists_the_runs_of_this_connection(self):
        run = self.connection._push(trigger="manual")
        action = self.connection.action_view_sync_runs()
        runs = self.env["superoffice.sync.run"].search(action["domain"])
        self.assertIn(run, runs)
        self.assertEqual(runs.connection_id, self.connection)
        self.assertEqual(self.connection.sync_run_count, len(runs))

    def test_finished_push_has_nothing_left_to_do(self):
        partner, _link = self.paired_company("ACME AS")
        partner.superoffice_department = "Purchasing"
        run = self.connection._push()
        self.assertEqual((run.count_pushed, run.count_remaining), (1, 0))

    def test_connection_form_shows_the_sync_settings_to_administrators_only(self):
        admin = self.make_user(
            "so_sync_admin", groups=("superoffice_connector.superoffice_connector_group_admin",)
        )
        user = self.make_user("so_sync_user")
        Connection = self.env["superoffice.connection"]
        admin_arch = Connection.with_user(admin).get_views([(False, "form")])["views"]["form"]["arch"]
        user_arch = Connection.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("action_register_webhook", "action_pull_now", "sync_batch_size",
                     "sync_import_new", "delete_policy"):
            self.assertIn(f'name="{name}"', admin_arch)
            self.assertNotIn(f'name="{name}"', user_arch)
        self.assertIn('name="webhook_state"', user_arch)
        self.assertIn('name="action_view_sync_runs"', user_arch)
