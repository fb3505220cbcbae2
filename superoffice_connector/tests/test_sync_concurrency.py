import threading

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import compat
from .common import SuperOfficeCase
from .sync_common import SyncCase


@tagged("post_install", "-at_install")
class TestSyncConcurrency(SyncCase):
    def test_crash_between_the_superoffice_write_and_the_odoo_commit_heals(self):
        partner, link = self.paired_company("Crash AS")
        partner.superoffice_department = "Pushed"
        companies = self.sim.store.count("contact")
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            self.connection._push()
            self.assertEqual(self.so_contact(link.so_id)["Department"], "Pushed")
            raise RuntimeError("the process dies before the Odoo commit")
        self.env.invalidate_all()
        self.assertEqual(link.state, "needs_sync")
        self.assertNotEqual(link.base_snapshot["department"], "Pushed")
        # Meanwhile a SuperOffice user edits another field: it must not be lost either.
        self.so_edit_contact(link.so_id, OrgNr="NO999")
        run = self.connection._push()
        self.assertEqual(run.count_failed, 0)
        self.assertEqual(link.state, "linked")
        self.assertEqual(link.base_snapshot["department"], "Pushed")
        self.assertEqual(partner.superoffice_department, "Pushed")
        self.assertEqual(partner.vat, "NO999")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Pushed")
        self.assertEqual(self.sim.store.count("contact"), companies)

    def _push_with_broken_patch(self, link, kind):
        """A push whose PATCH of ``link`` gets no usable answer: ``truncate`` (SuperOffice
        applied it, the answer was cut) or ``reset`` (the connection dropped before it)."""
        fault = self.sim.faults.add(kind, method="PATCH", path=rf"/Contact/{link.so_id}$")
        run = self.connection._push()
        self.sim.faults.remove(fault)
        self.assertEqual(run.count_failed, 1)
        self.assertNotEqual(link.state, "linked")
        self.assertNotEqual(link.base_snapshot["department"], "Pushed")

    def test_applied_patch_with_a_lost_answer_then_edit_back_is_pushed(self):
        partner, link = self.paired_company("Lost answer AS", Department="Old")
        partner.superoffice_department = "Pushed"
        self._push_with_broken_patch(link, "truncate")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Pushed")  # it arrived
        partner.superoffice_department = "Old"  # the user sets it back before the retry
        self.assertEqual(self.connection._sync_link(link), "pushed")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Old")
        self.assertEqual((partner.superoffice_department, link.state), ("Old", "linked"))
        self.assertEqual(link.base_snapshot["department"], "Old")
        self.assertFalse(link.pending_so_values)

    def test_patch_that_never_arrived_is_sent_again_without_a_conflict(self):
        partner, link = self.paired_company("Never arrived AS", Department="Old")
        partner.superoffice_department = "Pushed"
        self._push_with_broken_patch(link, "reset")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Old")  # it never arrived
        self.assertEqual(self.connection._sync_link(link), "pushed")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Pushed")
        self.assertEqual((link.state, link.base_snapshot["department"]), ("linked", "Pushed"))

    def test_user_edit_after_an_unanswered_patch_is_a_conflict(self):
        """Our PATCH got no answer and a SuperOffice user wrote to the record since: whether
        the user's value came before or after ours cannot be told, so neither is overwritten."""
        partner, link = self.paired_company("Who was last AS", Department="Old")
        partner.superoffice_department = "Pushed"
        self._push_with_broken_patch(link, "truncate")
        self.so_edit_contact(link.so_id, Department="Theirs", OrgNr="NO123")
        self.assertEqual(self.connection._sync_link(link), "conflict")
        self.assertEqual((link.state, link.conflict_fields), ("conflict", ["department"]))
        self.assertEqual(partner.superoffice_department, "Pushed")
        self.assertEqual(self.so_contact(link.so_id)["Department"], "Theirs")
        self.assertEqual(partner.vat, "NO123")  # the field edited on one side only still flows

    def test_edit_back_to_the_old_value_after_a_crash_is_not_overwritten(self):
        """Real transactions: a push dies after its PATCH; the user then sets the field back
        to the value of the old base. The next run pushes that edit instead of taking the
        value the dead run wrote to SuperOffice."""
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = SuperOfficeCase.create_connection(
                env, self.sim, name="Crash ABA", conflict_policy="superoffice_wins"
            )
            contact = self.so_create_contact("Aba AS", Department="Old")
            partner = env["res.partner"].create({"name": "Aba AS", "is_company": True})
            link = env["superoffice.link"].create({
                "connection_id": connection.id, "entity_type": "company",
                "so_id": contact["ContactId"], "partner_id": partner.id,
                "actor_type": "customer",
            })
            connection._sync_link(link)
            connection.conflict_policy = "manual"
            ids = connection.id, partner.id, link.id
        connection_id, partner_id, link_id = ids
        self.addCleanup(self._drop_committed, connection_id, [partner_id], [link_id])

        def edit(value):  # a user's edit, committed
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["res.partner"].browse(partner_id).superoffice_department = value

        edit("Pushed")
        with registry.cursor() as cr:  # the run that dies: its transaction never commits
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["superoffice.connection"].browse(connection_id)._push()
            self.assertEqual(self.so_contact(contact["ContactId"])["Department"], "Pushed")
            cr.rollback()
        with registry.cursor() as cr:
            link = api.Environment(cr, SUPERUSER_ID, {})["superoffice.link"].browse(link_id)
            self.assertEqual(link.base_snapshot["department"], "Old")
            self.assertEqual(link.pending_so_values, {"department": "Pushed"})
        edit("Old")

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"superoffice_sync_commit": True})
            run = env["superoffice.connection"].browse(connection_id)._push()
            self.assertEqual((run.count_total, run.count_failed), (1, 0))
            link = env["superoffice.link"].browse(link_id)
            self.assertEqual(env["res.partner"].browse(partner_id).superoffice_department, "Old")
            self.assertEqual(self.so_contact(contact["ContactId"])["Department"], "Old")
            self.assertEqual(link.state, "linked")
            self.assertEqual(link.base_snapshot["department"], "Old")
            self.assertFalse(link.pending_so_values)

    def test_two_runs_never_handle_the_same_link(self):
        """Real transactions: one holds a link's row lock, the other run skips that link."""
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = SuperOfficeCase.create_connection(
                env, self.sim, name="Concurrency", conflict_policy="superoffice_wins"
            )
            ids = {}
            for name in ("Locked AS", "Free AS"):
                contact = self.sim.store.create("contact", {"Name": name})
                partner = env["res.partner"].create({"name": name, "is_company": True})
                link = env["superoffice.link"].create({
                    "connection_id": connection.id, "entity_type": "company",
                    "so_id": contact["ContactId"], "partner_id": partner.id,
                    "actor_type": "customer", "state": "needs_sync",
                })
                ids[name] = (partner.id, link.id)
            connection_id = connection.id
        self.addCleanup(self._drop_committed, connection_id, [p for p, _l in ids.values()])

        locked_link = ids["Locked AS"][1]
        with registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            self.assertTrue(compat.try_lock_for_update(env_a["superoffice.link"].browse(locked_link)))
            with registry.cursor() as cr_b:
                env_b = api.Environment(cr_b, SUPERUSER_ID, {"superoffice_sync_commit": True})
                run = env_b["superoffice.connection"].browse(connection_id)._push()
                self.assertEqual(run.count_total, 1)
                self.assertEqual(env_b["superoffice.link"].browse(locked_link).state,
                                 "needs_sync")
                free = env_b["superoffice.link"].browse(ids["Free AS"][1])
                self.assertEqual(free.state, "linked")
                with self.assertRaises(UserError):
                    env_b["superoffice.connection"].browse(connection_id)._sync_link(
                        env_b["superoffice.link"].browse(locked_link)
                    )
            cr_a.rollback()
        with registry.cursor() as cr_c:
            env_c = api.Environment(cr_c, SUPERUSER_ID, {"superoffice_sync_commit": True})
            run = env_c["superoffice.connection"].browse(connection_id)._push()
            self.assertEqual(run.count_total, 1)
            self.assertEqual(env_c["superoffice.link"].browse(locked_link).state, "linked")

    def _committed_link(self, name):
        """A linked partner committed to the database (another cursor can lock its link)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = SuperOfficeCase.create_connection(
                env, self.sim, name=f"Busy {name}", conflict_policy="superoffice_wins"
            )
            contact = self.sim.store.create("contact", {"Name": name})
            partner = env["res.partner"].create({"name": name, "is_company": True})
            link = env["superoffice.link"].create({
                "connection_id": connection.id, "entity_type": "company",
                "so_id": contact["ContactId"], "partner_id": partner.id, "actor_type": "customer",
            })
            ids = connection.id, partner.id, link.id
        self.addCleanup(self._drop_committed, ids[0], [ids[1]], [ids[2]])
        return ids

    def test_sync_now_while_a_run_holds_the_record_says_so(self):
        """Sync now right after a save: the push the save started holds the link. After a
        short wait the answer is that the record is being synchronized, not a failure."""
        _connection_id, partner_id, link_id = self._committed_link("Held AS")
        with self.registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            self.assertTrue(compat.try_lock_for_update(env_a["superoffice.link"].browse(link_id)))
            with self.registry.cursor() as cr_b:  # waits the few seconds, then answers
                env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                action = env_b["res.partner"].browse(partner_id).action_superoffice_sync_now()
            cr_a.rollback()
        self.assertEqual(action["params"]["title"], "Already being synchronized")
        self.assertEqual(action["params"]["type"], "info")
        self.assertNotIn("failed", action["params"]["message"])

    def test_sync_now_waits_for_the_run_that_holds_the_record(self):
        _connection_id, partner_id, link_id = self._committed_link("Released AS")
        with self.registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            self.assertTrue(compat.try_lock_for_update(env_a["superoffice.link"].browse(link_id)))
            release = threading.Timer(0.5, cr_a.rollback)
            release.start()
            with self.registry.cursor() as cr_b:
                env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                action = env_b["res.partner"].browse(partner_id).action_superoffice_sync_now()
                self.assertEqual(env_b["superoffice.link"].browse(link_id).state, "linked")
                cr_b.rollback()
            release.join()
        self.assertEqual(action["params"]["title"], "Synchronized", action["params"]["message"])

    def _drop_committed(self, connection_id, partner_ids, link_ids=()):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["superoffice.link.pending"].search([("link_id", "in", list(link_ids))]).unlink()
            env["superoffice.connection"].browse(connection_id).unlink()
            env["res.partner"].browse(partner_ids).unlink()
