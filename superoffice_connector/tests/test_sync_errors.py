from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.superoffice_sync_service import MAX_RETRIES
from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestSyncErrors(SyncCase):
    def two_dirty_companies(self):
        good, good_link = self.paired_company("Good AS")
        bad, bad_link = self.paired_company("Bad AS")
        good.superoffice_department = "Good"
        bad.superoffice_department = "Bad"
        return good_link, bad_link

    def test_one_bad_record_does_not_stop_the_others(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.faults.add("status", status=500, path=rf"/Contact/{bad_link.so_id}$")
        run = self.connection._push()
        self.assertEqual(good_link.state, "linked")
        self.assertEqual(self.so_contact(good_link.so_id)["Department"], "Good")
        self.assertEqual(bad_link.state, "needs_sync")
        self.assertEqual(bad_link.retry_count, 1)
        self.assertTrue(bad_link.next_retry_at)
        self.assertTrue(bad_link.last_error)
        self.assertEqual((run.count_pushed, run.count_failed), (1, 1))
        self.assertIn(str(bad_link.so_id), run.error_log)

    def test_one_record_odoo_refuses_does_not_stop_the_import(self):
        self.connection.sync_import_new = True
        # Odoo refuses a project that ends before it starts.
        bad = self.so_create_project("Back to the past", StartDate="2026-01-05T00:00:00",
                                     EndDate="2001-01-01T00:00:00")
        good = self.so_create_project("Good project")
        pull_logger = "odoo.addons.superoffice_connector.models.superoffice_sync_pull"
        with mute_logger("odoo.sql_db", pull_logger):
            run = self.connection._pull()
        links = self.env["superoffice.link"].search([
            ("connection_id", "=", self.connection.id), ("entity_type", "=", "project"),
        ])
        self.assertEqual(len(links), self.sim.store.count("project") - 1)
        self.assertNotIn(bad["ProjectId"], links.mapped("so_id"))
        self.assertIn(good["ProjectId"], links.mapped("so_id"))
        self.assertFalse(self.env["project.project"].search([("name", "=", "Back to the past")]))
        self.assertEqual(run.count_failed, 1)
        self.assertEqual(run.count_created, len(
            self.env["superoffice.link"].search([("connection_id", "=", self.connection.id)])
        ))
        self.assertIn(f"project {bad['ProjectId']}", run.error_log)

    def test_retries_end_in_failed_with_the_error_on_the_record(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.faults.add("status", status=500, path=rf"/Contact/{bad_link.so_id}$")
        bad_link.retry_count = MAX_RETRIES - 1
        self.connection._push()
        self.assertEqual(bad_link.state, "failed")
        self.assertTrue(bad_link.partner_id.superoffice_last_error)
        self.assertFalse(bad_link.next_retry_at)

    def test_backoff_grows_with_the_retries(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.faults.add("status", status=500, path=rf"/Contact/{bad_link.so_id}$")
        self.connection._push()
        first = bad_link.next_retry_at
        bad_link.next_retry_at = False
        self.connection._push()
        self.assertEqual(bad_link.retry_count, 2)
        self.assertGreater((bad_link.next_retry_at - first).total_seconds(), 100)

    def test_a_validation_error_is_kept_on_the_link(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.faults.add("status", status=400, method="PATCH",
                            path=rf"/Contact/{bad_link.so_id}$")
        run = self.connection._push()
        self.assertEqual(run.count_failed, 1)
        self.assertEqual(good_link.state, "linked")

    def test_a_429_ends_the_run_early_and_the_next_run_resumes(self):
        good_link, bad_link = self.two_dirty_companies()
        fault = self.sim.faults.add("status", status=429)
        run = self.connection._push()
        self.assertEqual(run.state, "partial")
        self.assertTrue(run.message)
        # Nobody is blamed for the throttling.
        self.assertEqual((good_link.retry_count, bad_link.retry_count), (0, 0))
        self.assertEqual((good_link.state, bad_link.state), ("needs_sync", "needs_sync"))
        self.sim.faults.remove(fault)
        again = self.connection._push()
        self.assertEqual((again.state, again.count_pushed), ("done", 2))
        # The log shows what the stopped run left for the next one.
        self.assertEqual((run.count_remaining, again.count_remaining), (2, 0))

    def test_expired_ticket_is_renewed(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.expire_tokens()
        run = self.connection._push()
        self.assertEqual(run.count_pushed, 2)

    def test_tenant_moved_is_followed(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.move_tenant()
        run = self.connection._push()
        self.assertEqual(run.count_pushed, 2)
        self.assertEqual(self.so_contact(bad_link.so_id)["Department"], "Bad")

    def test_timeouts_and_5xx_are_retried(self):
        good_link, bad_link = self.two_dirty_companies()
        self.sim.faults.add("hang", seconds=5, method="GET", count=1)
        self.sim.faults.add("status", status=503, method="PATCH", count=1)
        run = self.connection._push()
        self.assertEqual(run.count_pushed + run.count_failed, 2)
        if run.count_failed:  # a failure is retried by the next run, never lost
            self.env["superoffice.link"].search([("next_retry_at", "!=", False)]).write(
                {"next_retry_at": False}
            )
            self.connection._push()
        self.assertEqual(self.so_contact(good_link.so_id)["Department"], "Good")
        self.assertEqual(self.so_contact(bad_link.so_id)["Department"], "Bad")

    def test_an_outage_ends_the_run_after_a_few_records(self):
        links = self.env["superoffice.link"]
        for n in range(5):
            partner, link = self.paired_company(f"Company {n}")
            partner.superoffice_department = "X"
            links |= link
        self.sim.faults.add("status", status=503)
        run = self.connection._push()
        self.assertEqual(run.state, "partial")
        self.assertEqual(run.count_failed, 3)
        self.assertEqual(run.count_remaining, 2)

    def test_sync_log_records_duration_and_requests(self):
        good_link, bad_link = self.two_dirty_companies()
        run = self.connection._push()
        self.assertEqual(run.state, "done")
        self.assertTrue(run.date_end)
        self.assertGreater(run.duration, 0)
        self.assertGreaterEqual(run.http_requests, 4)  # a GET and a PATCH per link
        self.assertEqual(run.count_total, 2)
