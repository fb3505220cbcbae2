from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SuperOfficeCase


@tagged("post_install", "-at_install")
class TestLink(SuperOfficeCase):
    def setUp(self):
        super().setUp()
        self.partner = self.create_company_partner("Nordic Tools AS", city="Oslo")

    def _assert_refused(self, **values):
        vals = {
            "connection_id": self.connection.id, "entity_type": "company", "so_id": 11,
            "partner_id": self.partner.id, "actor_type": "customer", **values,
        }
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["superoffice.link"].create(vals)
            self.env.flush_all()

    def test_one_superoffice_record_per_connection(self):
        self.link_partner(self.partner, 11)
        other = self.create_company_partner("Other AS")
        self._assert_refused(partner_id=other.id)

    def test_one_link_per_partner_and_connection(self):
        self.link_partner(self.partner, 11)
        self._assert_refused(so_id=12)

    def test_one_link_per_project_and_connection(self):
        project = self.create_project()
        self.link_project(project, 3)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.link_project(project, 4)
            self.env.flush_all()

    def test_same_superoffice_record_on_another_connection(self):
        self.link_partner(self.partner, 11)
        second = self.create_connection(self.env, self.sim, name="Second tenant")
        other = self.create_company_partner("Other AS")
        link = self.link_partner(other, 11, connection=second)
        self.assertEqual(link.so_id, 11)

    def test_a_link_points_to_exactly_one_record(self):
        project = self.create_project()
        self._assert_refused(project_id=project.id)

    def test_company_needs_exactly_one_actor_type(self):
        with self.assertRaises(ValidationError):
            self.link_partner(self.partner, 11, actor_type=False)
        person = self.create_person_partner("Kari Nordmann", parent=self.partner)
        with self.assertRaises(ValidationError):
            self.link_partner(person, 21, actor_type="supplier", entity_type="person").write(
                {"actor_type": "supplier"}
            )

    def test_odoo_record_and_url(self):
        link = self.link_partner(self.partner, 11, actor_type="supplier")
        self.assertEqual(link._odoo_record(), self.partner)
        self.assertIn("contact_id=11", link.so_url)
        project_link = self.link_project(self.create_project(), 5)
        self.assertIn("project_id=5", project_link.so_url)
        self.assertEqual(project_link._odoo_record().name, "Website relaunch")

    def test_chatter_on_link_and_disconnect(self):
        link = self.link_partner(self.partner, 11)
        body = self.partner.message_ids[0].body
        self.assertIn("Linked to SuperOffice", body)
        self.assertIn("contact_id=11", body)
        link.unlink()
        self.assertIn("Disconnected from SuperOffice", self.partner.message_ids[0].body)

    def test_chatter_on_conflict_gained_and_lost(self):
        link = self.link_partner(self.partner, 11)
        count = len(self.partner.message_ids)
        link.write({"state": "conflict", "conflict_fields": ["city", "phone"]})
        self.assertIn("city, phone", self.partner.message_ids[0].body)
        link.write({"state": "conflict"})
        self.assertEqual(len(self.partner.message_ids), count + 1)
        link.write({"state": "linked", "conflict_fields": False})
        self.assertIn("resolved", self.partner.message_ids[0].body)
        link.write({"state": "needs_sync"})
        self.assertEqual(len(self.partner.message_ids), count + 2)

    def test_base_snapshot_holds_canonical_values(self):
        self.partner.write({"email": " Post@Nordic.NO ", "country_id": self.env.ref("base.no").id})
        link = self.link_partner(self.partner, 11)
        self.assertEqual(link.base_snapshot["email"], "post@nordic.no")
        self.assertEqual(link.base_snapshot["country"], "NO")
        self.assertEqual(link.base_snapshot["city"], "Oslo")
        bare = self.link_partner(self.create_company_partner("Bare AS"), 12)
        self.assertIsNone(bare.base_snapshot["country"])
        self.assertIsNone(bare.base_snapshot["email"])

    def test_retry_resets_a_failed_link(self):
        link = self.link_partner(self.partner, 11, state="failed", retry_count=5,
                                 last_error="boom")
        link.action_mark_needs_sync()
        self.assertEqual((link.state, link.retry_count, link.last_error),
                         ("needs_sync", 0, False))

    def test_autovacuum_removes_settled_and_orphan_writes_in_flight(self):
        partner = self.create_company_partner("Vacuum AS")
        link = self.link_partner(partner, 11)
        gone = self.link_partner(self.create_company_partner("Gone AS"), 12)
        Pending = self.env["superoffice.link.pending"]
        settled, open_ = (Pending.create({"link_id": link.id, "so_values": {"name": n}})
                          for n in ("Settled", "Open"))
        orphan = Pending.create({"link_id": gone.id, "so_values": {"name": "Orphan"}})
        link.pending_so_resolved_id = settled.id
        gone.partner_id.unlink()  # the database deletes the link (ondelete cascade)
        self.assertFalse(gone.exists())
        Pending._gc_settled()
        remaining = Pending.search([("id", "in", (settled | open_ | orphan).ids)])
        self.assertEqual(remaining, open_)
        self.assertEqual(link.pending_so_values, {"name": "Open"})
