from datetime import timedelta

from odoo.tests import tagged

from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestSyncPull(SyncCase):
    def cursor(self, entity_type="company"):
        return self.env["superoffice.sync.cursor"].search([
            ("connection_id", "=", self.connection.id), ("entity_type", "=", entity_type),
        ])

    def test_edit_in_superoffice_reaches_linked_partner(self):
        partner, link = self.paired_company("ACME AS")
        self.so_edit_contact(link.so_id, Department="Sales")
        run = self.connection._pull()
        self.assertEqual(partner.superoffice_department, "Sales")
        self.assertEqual(link.state, "linked")
        self.assertEqual(link.base_snapshot["department"], "Sales")
        self.assertEqual((run.state, run.kind, run.count_updated), ("done", "pull", 1))

    def test_unlinked_records_are_not_created_unless_the_connection_says_so(self):
        Partner = self.env["res.partner"].with_context(active_test=False)
        before = Partner.search_count([])
        run = self.connection._pull()
        self.assertEqual(Partner.search_count([]), before)
        self.assertEqual(run.count_created, 0)
        self.assertGreater(run.count_skipped, 0)

    def test_import_creates_each_record_once(self):
        self.connection.sync_import_new = True
        companies = self.sim.store.count("contact")
        run = self.connection._pull()
        links = self.env["superoffice.link"].search([
            ("connection_id", "=", self.connection.id), ("entity_type", "=", "company"),
        ])
        self.assertEqual(len(links), companies)
        self.assertEqual(run.count_failed, 0, run.error_log)
        contact = self.so_contact(links[0].so_id)
        self.assertEqual(links[0].partner_id.name, contact["Name"])
        # The overlap re-reads everything: nothing is created twice.
        self.cursor().watermark = False
        again = self.connection._pull()
        self.assertEqual(again.count_created, 0)
        self.assertEqual(len(links.search([("connection_id", "=", self.connection.id),
                                            ("entity_type", "=", "company")])), companies)

    def test_import_links_persons_to_their_companies_and_leaves_both_sides_in_step(self):
        self.connection.sync_import_new = True
        self.sales_users(self.connection)  # the seeded owners are Odoo users: no difference here
        run = self.connection._pull()
        self.assertEqual(run.count_failed, 0, run.error_log)
        links = self.env["superoffice.link"].search([("connection_id", "=", self.connection.id)])
        companies = {lk.so_id: lk.partner_id for lk in links if lk.entity_type == "company"}
        persons = links.filtered(lambda lk: lk.entity_type == "person")
        self.assertEqual(len(persons), self.sim.store.count("person"))
        for link in persons:
            contact_id = self.so_person(link.so_id)["Contact"]["ContactId"]
            self.assertEqual(link.partner_id.parent_id, companies[contact_id])
            self.assertEqual(link.base_snapshot["company"], contact_id)
        self.assertEqual(set(links.mapped("state")), {"linked"})
        # The snapshots hold what both sides hold (or what Odoo could take): reading everything
        # again pushes nothing back, raises no conflict and leaves the snapshots as they are.
        snapshots = {link.id: link.base_snapshot for link in links}
        self.env["superoffice.sync.cursor"].search([
            ("connection_id", "=", self.connection.id),
        ]).watermark = False
        links.so_updated_at = False
        again = self.connection._pull()
        self.assertEqual(again.count_failed, 0, again.error_log)
        self.assertEqual((again.count_created, again.count_pushed, again.count_conflict), (0, 0, 0))
        self.assertEqual({link.id: link.base_snapshot for link in links}, snapshots)

    def test_watermark_is_the_run_start_and_moves_after_the_feed_is_read(self):
        run = self.connection._pull()
        cursor = self.cursor()
        self.assertTrue(cursor.watermark)
        self.assertLessEqual(cursor.watermark, run.date_end)
        self.assertFalse(cursor.run_start)
        self.assertEqual(cursor.after_id, 0)

    def test_a_429_keeps_the_cursor_and_the_next_run_resumes(self):
        self.connection.write({"sync_import_new": True, "sync_batch_size": 5})
        # Pages after the first one (primary key greater than a non-zero id) are throttled.
        fault = self.sim.faults.add("status", status=429, path=r"contactId(%20| )gt(%20| )[1-9]")
        first = self.connection._pull()
        cursor = self.cursor()
        self.assertEqual(first.state, "partial")
        self.assertEqual(first.count_created, 5)
        self.assertEqual(cursor.after_id, 5)
        self.assertFalse(cursor.watermark)
        self.sim.faults.remove(fault)
        second = self.connection._pull()
        self.assertEqual(second.state, "done")
        links = self.env["superoffice.link"].search([
            ("connection_id", "=", self.connection.id), ("entity_type", "=", "company"),
        ])
        self.assertEqual(len(links), self.sim.store.count("contact"))
        self.assertEqual(len(set(links.mapped("so_id"))), len(links))
        self.assertTrue(cursor.watermark)

    def test_echo_is_skipped_without_reading_the_record(self):
        partner, link = self.paired_company("Echo AS")
        self.connection._pull()
        again = self.connection._pull()  # the overlap shows the same rows again
        self.assertEqual(again.count_updated, 0)
        self.assertGreaterEqual(again.count_unchanged, 1)
        # Only list requests: one per entity type (and no GET of the unchanged company).
        self.assertLessEqual(again.http_requests, 3)

    def test_soft_deleted_company_archives_the_partner(self):
        partner, link = self.paired_company("Gone AS")
        self.sim.store.soft_delete("contact", link.so_id)
        run = self.connection._pull()
        self.assertFalse(partner.active)
        self.assertEqual(link.state, "disconnected")
        self.assertEqual(run.count_deleted, 1)

    def test_delete_policy_unlink_only_drops_the_link(self):
        self.connection.delete_policy = "unlink"
        partner, link = self.paired_company("Gone Too AS")
        self.sim.store.soft_delete("contact", link.so_id)
        self.connection._pull()
        self.assertFalse(link.exists())
        self.assertTrue(partner.active)

    def test_project_edit_in_superoffice_reaches_the_project(self):
        project, link = self.paired_project("Website relaunch")
        self.sim.store.patch("project", link.so_id, {"Name": "Website relaunch 2"})
        self.connection._pull()
        self.assertEqual(project.name, "Website relaunch 2")

    def pull_runs(self):
        return self.env["superoffice.sync.run"].search_count(
            [("connection_id", "=", self.connection.id), ("kind", "=", "pull")]
        )

    def test_cron_pulls_a_connection_once_per_its_interval(self):
        self.env["superoffice.connection"].search(
            [("id", "!=", self.connection.id)]
        ).active = False
        self.connection.sync_interval = 30
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 1)
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 1, "pulled again before its interval had passed")
        self.last_run("pull").date_start -= timedelta(minutes=30)
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 2)

    def test_cron_pulls_at_once_when_a_webhook_event_waits_or_the_last_run_stopped_early(self):
        self.env["superoffice.connection"].search(
            [("id", "!=", self.connection.id)]
        ).active = False
        self.connection.sync_interval = 60
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 1)
        self.env["superoffice.sync.event"].create({
            "connection_id": self.connection.id, "event": "contact.changed",
            "entity_type": "company", "so_id": 1,
        })
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 2)
        self.last_run("pull").state = "partial"
        self.env["superoffice.connection"]._cron_pull()
        self.assertEqual(self.pull_runs(), 3)
