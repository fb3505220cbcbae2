from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_company_walls import CompanyWallsCase


@tagged("post_install", "-at_install")
class TestPullNowAndPushNow(CompanyWallsCase):
    """The connection's Pull now and Push now run even when the cron would find nothing due,
    and only for the connection they were pressed on."""

    def new_runs(self, before):
        return self.env["superoffice.sync.run"].search([("id", "not in", before.ids)])

    def test_pull_now_runs_right_after_a_complete_pull(self):
        for connection in (self.connection, self.connection_b):
            self.assertEqual(connection._pull().state, "done")
        Connection = self.env["superoffice.connection"]
        before = self.env["superoffice.sync.run"].search([])
        Connection._cron_pull()
        self.assertFalse(self.new_runs(before), "nothing is due yet")
        self.connection.with_user(self.admin_a).action_pull_now()
        with self.assertRaises(AccessError):
            self.connection_b.with_user(self.admin_a).action_pull_now()
        Connection._cron_pull()  # what the triggered cron runs
        run = self.new_runs(before)
        self.assertEqual(
            (run.connection_id, run.kind, run.trigger, run.state),
            (self.connection, "pull", "manual", "done"),
        )
        Connection._cron_pull()  # one press, one run
        self.assertEqual(self.new_runs(before), run)

    def test_push_now_runs_without_due_links(self):
        Connection = self.env["superoffice.connection"]
        before = self.env["superoffice.sync.run"].search([])
        self.connection_b.with_user(self.admin_b).action_push_now()
        with self.assertRaises(AccessError):
            self.connection.with_user(self.admin_b).action_push_now()
        Connection._cron_push()
        run = self.new_runs(before)
        self.assertEqual(
            (run.connection_id, run.kind, run.trigger, run.state),
            (self.connection_b, "push", "manual", "done"),
        )
        Connection._cron_push()
        self.assertEqual(self.new_runs(before), run)
