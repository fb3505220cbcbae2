"""Owners: a company's salesperson and a project's manager are SuperOffice users, matched with
the Odoo users of the record's company by e-mail address, else by full name, only when each
side has exactly one match. A user SuperOffice lacks (or only has twice, or retired) is held
and Sync now says so; a SuperOffice user matches no user of another company. Users of two
companies, each with the connection of their own company."""

from odoo.tests import tagged

from ..sync import merge
from .test_list_values import ListValuesCase

# the simulator's users (superoffice_sim/refdata.py)
ROY, KARI, LISE, PER = 5, 10, 11, 14


class OwnersCase(ListValuesCase):
    def colleague(self, company, login, name, email):
        """An internal user of ``company`` only."""
        return self.make_user(f"{login}_{company.id}", company=company, name=name, email=email)

    def owned_company(self, user, company, connection, name):
        """A company in step with a SuperOffice company owned by Roy de Jong, a SuperOffice
        user no Odoo user matches (the partner has no salesperson)."""
        partner = self.linked_company(user, company, connection, name)
        link = partner.sudo().superoffice_link_ids
        self.sim.store.patch("contact", link.so_id, {"Associate": {"AssociateId": ROY}})
        self.sync_now(partner)
        self.assertFalse(partner.sudo().user_id)
        self.assert_in_step(partner, connection)
        return partner

    def so_owner(self, record):
        link = record.sudo().superoffice_link_ids
        kind = "contact" if link.entity_type == "company" else "project"
        return (self.sim.store.get(kind, link.so_id)["Associate"] or {}).get("AssociateId", 0)


@tagged("post_install", "-at_install")
class TestOwnerSuperOfficeHas(OwnersCase):
    def test_salesperson_chosen_in_odoo_reaches_superoffice(self):
        for user, company, connection in self.sides():
            kari = self.colleague(company, "kari", "Kari Nordmann", "Kari.Nordmann@example.com")
            partner = self.owned_company(user, company, connection, f"Kari's {company.name}")
            partner.user_id = kari
            self.assertEqual(self.sync_now(partner), "Sent to SuperOffice: Owner.")
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_owner(partner), KARI)
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            self.assertEqual(self.sync_now(partner),
                             "Nothing changed: both sides already hold the same values.")

    def test_owner_chosen_in_superoffice_reaches_odoo(self):
        for user, company, connection in self.sides():
            kari = self.colleague(company, "kari", "Kari Nordmann", "kari.nordmann@example.com")
            partner = self.owned_company(user, company, connection, f"Given {company.name}")
            link = partner.sudo().superoffice_link_ids
            self.sim.store.patch("contact", link.so_id, {"Associate": {"AssociateId": KARI}})
            self.assertEqual(self.sync_now(partner), "Updated in Odoo from SuperOffice: Owner.")
            self.assertEqual(partner.sudo().user_id, kari)
            self.assert_in_step(partner, connection)

    def test_project_manager_both_ways_by_email_and_by_full_name(self):
        for user, company, connection in self.sides():
            kari = self.colleague(company, "kari", "Kari Nordmann", "kari.nordmann@example.com")
            # SuperOffice's Lise Berg has no e-mail address: she is matched by her full name
            lise = self.colleague(company, "lise", "Lise Berg", "lise@odoo.example")
            project = self.linked_project(user, company, connection, f"Managed {company.name}")
            project.user_id = kari
            self.assertEqual(self.sync_now(project), "Sent to SuperOffice: Project manager.")
            self.assert_in_step(project, connection)
            self.assertEqual(self.so_owner(project), KARI)
            link = project.sudo().superoffice_link_ids
            self.sim.store.patch("project", link.so_id, {"Associate": {"AssociateId": LISE}})
            self.assertEqual(self.sync_now(project),
                             "Updated in Odoo from SuperOffice: Project manager.")
            self.assertEqual(project.sudo().user_id, lise)
            self.assert_in_step(project, connection)


@tagged("post_install", "-at_install")
class TestOwnerSuperOfficeLacks(OwnersCase):
    def assert_held(self, record, connection, odoo_user, so_owner, label="Owner"):
        message = self.sync_now(record)
        self.assertIn(f"1 value not sent: {label} {odoo_user.name}.", message)
        self.assertNotIn("Nothing changed", message)
        link = self.assert_in_step(record, connection)
        self.assertEqual(self.so_owner(record), so_owner)
        self.assertEqual(link.base_snapshot[merge.HELD]["owner"][0], "odoo")
        notes = [b for b in record.sudo().message_ids.mapped("body")
                 if f"{label} {odoo_user.name} was not sent" in b]
        self.assertEqual(len(notes), 1)
        self.assertIn("SuperOffice has no matching user", notes[0])
        # Sync now again: still truthful, told once
        self.assertIn(f"1 value not sent: {label} {odoo_user.name}.", self.sync_now(record))
        self.assertEqual(odoo_user, record.sudo().user_id)

    def test_a_user_superoffice_lacks_is_held_and_sync_now_says_so(self):
        for user, company, connection in self.sides():
            nina = self.colleague(company, "nina", "Nina Nilsen", "nina@odoo.example")
            partner = self.owned_company(user, company, connection, f"Nina's {company.name}")
            partner.user_id = nina
            self.assert_held(partner, connection, nina, ROY)

    def test_two_superoffice_users_of_one_name_are_not_guessed_between(self):
        for user, company, connection in self.sides():
            hans = self.colleague(company, "hans", "Hans Larsen", "hans@odoo.example")
            partner = self.owned_company(user, company, connection, f"Hans's {company.name}")
            partner.user_id = hans
            self.assert_held(partner, connection, hans, ROY)

    def test_two_odoo_users_of_one_name_are_not_guessed_between(self):
        for user, company, connection in self.sides():
            lise = self.colleague(company, "lise", "Lise Berg", "lise@one.example")
            self.colleague(company, "lise_too", "Lise Berg", "lise@two.example")
            project = self.linked_project(user, company, connection, f"Lise's {company.name}")
            so_owner = self.so_owner(project)
            project.user_id = lise
            self.assert_held(project, connection, lise, so_owner, "Project manager")

    def test_a_retired_superoffice_user_is_not_written(self):
        for user, company, connection in self.sides():
            per = self.colleague(company, "per", "Per Hansen", "per.hansen@example.com")
            partner = self.owned_company(user, company, connection, f"Per's {company.name}")
            partner.user_id = per
            self.assert_held(partner, connection, per, ROY)

    def test_a_superoffice_user_matches_no_user_of_another_company(self):
        # Kari Nordmann is a user of company B only: company A's record does not take her
        kari_b = self.colleague(self.company_b, "kari", "Kari Nordmann",
                                "kari.nordmann@example.com")
        user, company, connection = self.sides()[0]
        partner = self.owned_company(user, company, connection, "Not Kari's AS")
        link = partner.sudo().superoffice_link_ids
        self.sim.store.patch("contact", link.so_id, {"Associate": {"AssociateId": KARI}})
        self.sync_now(partner)
        self.assertFalse(partner.sudo().user_id)
        self.assertNotEqual(partner.sudo().user_id, kari_b)
        self.assert_in_step(partner, connection)
        # company B's record does
        user, company, connection = self.sides()[1]
        partner = self.owned_company(user, company, connection, "Kari's B AS")
        link = partner.sudo().superoffice_link_ids
        self.sim.store.patch("contact", link.so_id, {"Associate": {"AssociateId": KARI}})
        self.assertEqual(self.sync_now(partner), "Updated in Odoo from SuperOffice: Owner.")
        self.assertEqual(partner.sudo().user_id, kari_b)
        self.assert_in_step(partner, connection)

    def test_a_user_added_in_superoffice_later_is_sent(self):
        for user, company, connection in self.sides():
            olga = self.colleague(company, "olga", "Olga Berg", f"olga{company.id}@odoo.example")
            partner = self.owned_company(user, company, connection, f"Olga's {company.name}")
            partner.user_id = olga
            self.assertIn("1 value not sent: Owner Olga Berg.", self.sync_now(partner))
            new_id = self.sim.add_associate("OB", "Olga Berg", olga.email)
            # the push cron: SuperOffice's users were read moments ago, not read again yet
            partner.sudo().superoffice_link_ids.action_mark_needs_sync()
            connection._push()
            self.assertEqual(self.so_owner(partner), ROY)
            # Sync now is a person's own action: SuperOffice's users are read again at once
            self.assertEqual(self.sync_now(partner), "Sent to SuperOffice: Owner.")
            link = self.assert_in_step(partner, connection)
            self.assertEqual(self.so_owner(partner), new_id)
            self.assertFalse(link.base_snapshot.get(merge.HELD))

    def test_a_user_added_in_superoffice_is_sent_by_the_cron_once_the_copy_is_old(self):
        for user, company, connection in self.sides():
            olga = self.colleague(company, "olga", "Olga Berg", f"olga{company.id}@odoo.example")
            partner = self.owned_company(user, company, connection, f"Olga's {company.name}")
            partner.user_id = olga
            self.assertIn("1 value not sent: Owner Olga Berg.", self.sync_now(partner))
            new_id = self.sim.add_associate("OB", "Olga Berg", olga.email)
            link = partner.sudo().superoffice_link_ids
            link.action_mark_needs_sync()
            connection._push()
            self.assertEqual(self.so_owner(partner), ROY)  # within the interval
            self.age_shared_copy(connection, "users")
            link.action_mark_needs_sync()
            connection._push()
            self.assertEqual(self.so_owner(partner), new_id)
            link = self.assert_in_step(partner, connection)
            self.assertFalse(link.base_snapshot.get(merge.HELD))

    def test_a_run_of_records_with_users_superoffice_lacks_reads_its_users_once(self):
        for user, company, connection in self.sides():
            nina = self.colleague(company, "nina", "Nina Nilsen", f"nina{company.id}@odoo.example")
            partners = [self.owned_company(user, company, connection, f"Nina's {n} {company.name}")
                        for n in range(4)]
            for partner in partners:
                partner.user_id = nina
            self.age_shared_copy(connection, "users")
            reads = self.count_requests("GET", r"/api/v1/User\?")
            run = connection._push()  # what the push cron runs
            self.assertEqual(run.state, "done")
            self.assertEqual(run.count_failed, 0)
            self.assertEqual(reads.hits, 1, "one GET User for the run, not one per record")
            for partner in partners:
                link = self.assert_in_step(partner, connection)
                self.assertEqual(self.so_owner(partner), ROY)
                self.assertEqual(link.base_snapshot[merge.HELD]["owner"][0], "odoo")
                self.assertEqual(partner.sudo().user_id, nina)
            # each Sync now above (a person's own action) read them once; a second run within
            # the interval reads them not at all
            self.assertEqual(reads.hits, 1 + len(partners))
            for partner in partners:
                partner.sudo().superoffice_link_ids.action_mark_needs_sync()
            connection._push()
            self.assertEqual(reads.hits, 1 + len(partners))
            self.assertIn("1 value not sent: Owner Nina Nilsen.", self.sync_now(partners[0]))
            self.assertEqual(reads.hits, 2 + len(partners))
            self.sim.faults.remove(reads)

    def test_a_run_whose_read_of_the_users_fails_holds_the_owners_and_tries_once(self):
        for user, company, connection in self.sides():
            nina = self.colleague(company, "nina", "Nina Nilsen", f"nina{company.id}@odoo.example")
            partners = [self.owned_company(user, company, connection, f"Nina's {n} {company.name}")
                        for n in range(4)]
            for partner in partners:
                partner.user_id = nina
            self.age_shared_copy(connection, "users")
            connection.max_retries = 0
            down = self.sim.faults.add("status", status=503, method="GET", path=r"/api/v1/User\?")
            run = connection._push()
            self.sim.faults.remove(down)
            self.assertEqual(down.hits, 1, "the run asks once, not once per record")
            self.assertEqual((run.state, run.count_failed), ("done", 0))
            for partner in partners:
                link = self.assert_in_step(partner, connection)
                self.assertEqual(self.so_owner(partner), ROY)
                self.assertEqual(link.base_snapshot[merge.HELD]["owner"][0], "odoo")


@tagged("post_install", "-at_install")
class TestOwnerOdooLacks(OwnersCase):
    """SuperOffice's owner is a user no Odoo user of the record's company matches: Odoo keeps
    its user, SuperOffice keeps its owner, the chatter names it once and Sync now says so."""

    def assert_not_taken(self, record, connection, so_user, odoo_user, label="Owner"):
        message = self.sync_now(record)
        self.assertIn(f"1 value from SuperOffice not taken: {label} {so_user}", message)
        self.assertNotIn("Nothing changed", message)
        link = self.assert_in_step(record, connection)
        self.assertEqual(self.so_owner(record), ROY)
        self.assertEqual(record.sudo().user_id, odoo_user)
        self.assertEqual(link.base_snapshot[merge.HELD]["owner"], ["so", f"associate:{ROY}"])
        company = connection.company_id.name
        notes = [b for b in record.sudo().message_ids.mapped("body")
                 if f"{label} {so_user} from SuperOffice was not taken" in b]
        self.assertEqual(len(notes), 1)
        self.assertIn(f"no user of {company} in Odoo matches", notes[0])
        # Sync now again: still truthful, told once, nothing written either way
        self.assertIn(f"1 value from SuperOffice not taken: {label} {so_user}",
                      self.sync_now(record))
        self.assertEqual(self.so_owner(record), ROY)
        self.assertEqual(record.sudo().user_id, odoo_user)
        self.assertEqual(len([b for b in record.sudo().message_ids.mapped("body")
                              if f"{label} {so_user} from SuperOffice" in b]), 1)

    def test_a_company_owner_no_odoo_user_matches_is_held_and_sync_now_says_so(self):
        for user, company, connection in self.sides():
            kari = self.colleague(company, "kari", "Kari Nordmann", "kari.nordmann@example.com")
            partner = self.linked_company(user, company, connection, f"Roy's {company.name}")
            partner.user_id = kari
            self.assertEqual(self.sync_now(partner), "Sent to SuperOffice: Owner.")
            self.assertEqual(self.so_owner(partner), KARI)
            link = partner.sudo().superoffice_link_ids
            self.sim.store.patch("contact", link.so_id, {"Associate": {"AssociateId": ROY}})
            self.assert_not_taken(partner, connection, "Roy de Jong", kari)

    def test_a_project_owner_no_odoo_user_matches_is_held_and_sync_now_says_so(self):
        for user, company, connection in self.sides():
            project = self.linked_project(user, company, connection, f"Roy's {company.name}")
            self.assertFalse(project.sudo().user_id)
            self.assertEqual(self.so_owner(project), 0)  # an empty owner is no difference
            self.assertFalse((project.sudo().superoffice_link_ids.base_snapshot or {})
                             .get(merge.HELD))
            link = project.sudo().superoffice_link_ids
            self.sim.store.patch("project", link.so_id, {"Associate": {"AssociateId": ROY}})
            self.assert_not_taken(project, connection, "Roy de Jong",
                                  self.env["res.users"], "Project manager")

    def test_a_matching_odoo_user_added_later_is_taken(self):
        (user_a, company_a, conn_a), (user_b, company_b, conn_b) = self.sides()
        partner_a = self.owned_company(user_a, company_a, conn_a, "Later A AS")
        partner_b = self.owned_company(user_b, company_b, conn_b, "Later B AS")
        for partner in (partner_a, partner_b):
            self.assertIn("1 value from SuperOffice not taken: Owner Roy de Jong",
                          self.sync_now(partner))
        # Roy de Jong becomes a user of company B: company A's record does not take him
        roy_b = self.colleague(company_b, "roy", "Roy de Jong", "roy.dejong@example.com")
        self.assertIn("1 value from SuperOffice not taken: Owner Roy de Jong",
                      self.sync_now(partner_a))
        self.assertFalse(partner_a.sudo().user_id)
        roy_a = self.colleague(company_a, "roy", "Roy de Jong", "Roy.deJong@example.com")
        for partner, roy, connection in ((partner_b, roy_b, conn_b), (partner_a, roy_a, conn_a)):
            self.assertEqual(self.sync_now(partner), "Updated in Odoo from SuperOffice: Owner.")
            self.assertEqual(partner.sudo().user_id, roy)
            link = self.assert_in_step(partner, connection)
            self.assertFalse(link.base_snapshot.get(merge.HELD))
            self.assertEqual(self.so_owner(partner), ROY)
