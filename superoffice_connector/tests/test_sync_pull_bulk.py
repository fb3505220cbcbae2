"""The pull reads pages of archive columns, not one record per request, and merges a page of
linked records in batches with the same outcome as one record at a time."""

import math

from odoo.tests import tagged
from odoo.tools import mute_logger

from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestSyncPullBulk(SyncCase):
    def links(self, entity_type):
        return self.env["superoffice.link"].search([
            ("connection_id", "=", self.connection.id), ("entity_type", "=", entity_type),
        ])

    def import_all(self):
        self.connection.sync_import_new = True
        run = self.connection._pull()
        self.assertEqual((run.state, run.count_failed), ("done", 0), run.error_log)
        return run

    def test_import_reads_pages_and_gets_only_records_the_columns_cannot_give(self):
        store = self.sim.store
        store.patch("contact", store.ids("contact")[0], {"Description": "Only in the entity"})
        counts = {kind: store.count(kind) for kind in ("contact", "person", "project")}
        # A company's description is no archive column: those companies alone are read whole;
        # so is every project (no archive column gives its StartDate).
        described = sum(1 for i in store.ids("contact")
                        if store.record("contact", i)["description"])
        whole = described + counts["project"]
        pages = sum(math.floor(n / 50) + 1 for n in counts.values())
        details = pages - (math.floor(counts["person"] / 50) + 1)  # phones, project members
        run = self.import_all()
        self.assertEqual(run.count_created, sum(counts.values()))
        # the list pages, their phone and member rows, the entities read whole, and at most
        # login, discovery and SuperOffice's user list (the owners, read once per connection)
        self.assertLessEqual(run.http_requests, pages + details + whole + 4)
        self.assertEqual(described, 1)
        first = self.links("company").filtered(lambda lk: lk.so_id == store.ids("contact")[0])
        self.assertEqual(first.base_snapshot["description"], "Only in the entity")

    def test_edits_of_many_persons_arrive_in_one_page_without_reading_them(self):
        self.import_all()
        persons = self.links("person")[:7]
        for n, link in enumerate(persons):
            self.sim.store.patch("person", link.so_id, {"Title": f"Title {n}"})
        run = self.connection._pull()
        self.assertEqual((run.count_updated, run.count_failed), (7, 0), run.error_log)
        # one page per entity type, no GET of a person
        self.assertLessEqual(run.http_requests, 3)
        for n, link in enumerate(persons):
            self.assertEqual(link.partner_id.function, f"Title {n}")
            self.assertEqual(link.base_snapshot["function"], f"Title {n}")
            self.assertEqual(link.state, "linked")

    def test_a_page_merged_in_batch_gives_what_one_record_at_a_time_gives(self):
        self.import_all()
        links = self.links("person")[:6]
        edited, changed_in_odoo = links[:3], links[3:]
        for link in edited:
            self.sim.store.patch("person", link.so_id, {"Title": "Buyer", "Lastname": "Moe"})
        # both sides edited the same field: a conflict in the batch too
        self.sim.store.patch("person", changed_in_odoo[0].so_id, {"Title": "SO title"})
        changed_in_odoo[0].partner_id.function = "Odoo title"
        run = self.connection._pull()
        self.assertEqual((run.count_updated, run.count_conflict), (3, 1), run.error_log)
        self.assertEqual(changed_in_odoo[0].state, "conflict")
        self.assertEqual(changed_in_odoo[0].conflict_fields, ["function"])
        self.assertEqual(changed_in_odoo[0].partner_id.function, "Odoo title")
        for link in edited:
            self.assertTrue(link.partner_id.name.endswith(" Moe"), link.partner_id.name)
            self.assertEqual(link.base_snapshot["name"], link.partner_id.name)

    def test_a_record_that_writes_superoffice_is_read_whole_before_its_patch(self):
        self.import_all()
        link = self.links("person")[0]
        emails_before = self.so_person(link.so_id)["Emails"]
        self.sim.store.patch("person", link.so_id, {"Title": "From SuperOffice",
                                                     "OfficePhones": [
                                                         {"Value": "+47 11 22 33 44"},
                                                         {"Value": "+47 55 66 77 88"}]})
        link.partner_id.with_context(superoffice_sync=True).comment = "From Odoo"
        run = self.connection._pull()
        self.assertEqual(run.count_failed, 0, run.error_log)
        person = self.so_person(link.so_id)
        self.assertEqual(person["Description"], "From Odoo")
        self.assertEqual(link.partner_id.function, "From SuperOffice")
        # the PATCH kept the array entries the mapping does not manage
        self.assertEqual([p["Value"] for p in person["OfficePhones"]],
                         ["+47 11 22 33 44", "+47 55 66 77 88"])
        self.assertEqual(person["Emails"], emails_before)

    def test_one_record_odoo_refuses_leaves_the_rest_of_its_page_applied(self):
        good, good_link = self.paired_project("Good project")
        # with an end date, Odoo keeps the start date SuperOffice gives it (both or neither)
        bad, bad_link = self.paired_project("Back to the past", StartDate="2026-01-05T00:00:00",
                                            EndDate="2027-06-30T00:00:00")
        self.assertTrue(bad.date_start)
        self.sim.store.patch("project", good_link.so_id, {"Name": "Good project 2"})
        # Odoo refuses a project that ends before it starts.
        self.sim.store.patch("project", bad_link.so_id, {"EndDate": "2001-01-01T00:00:00"})
        # The two projects are planned in one batch, which PostgreSQL refuses as a whole (the
        # dates' CHECK constraint); then each is merged alone and only the bad one fails.
        with mute_logger("odoo.sql_db",
                         "odoo.addons.superoffice_connector.models.superoffice_sync_service"):
            run = self.connection._pull()
        self.assertEqual((run.count_updated, run.count_failed), (1, 1), run.error_log)
        self.assertEqual(good.name, "Good project 2")
        self.assertEqual(good_link.state, "linked")
        self.assertEqual(str(bad.date), "2027-06-30")
        self.assertEqual(bad_link.retry_count, 1)
        self.assertTrue(bad_link.last_error)
        self.assertIn(f"project {bad_link.so_id}", run.error_log)
