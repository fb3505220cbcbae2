"""Odoo's merge wizard on linked partners: refused while both are linked to different SuperOffice
records, the link carried (and told) when only the merged-away one is linked, both sides in step
afterwards, persons included."""

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

from .test_company_walls import CompanyWallsCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(CompanyWallsCase):
    def linked_company(self, name, connection, company, persons=()):
        """A company partner of ``company`` in Oslo linked on ``connection``, with linked
        persons: the partner and its SuperOffice id."""
        partner, so_id, _persons = super().linked_company(
            name, connection, company, persons,
            contact_values={"Address": {"Postal": {"City": "Oslo"}}},
            city="Oslo", country_id=self.env.ref("base.no").id,
        )
        return partner, so_id

    def merge(self, user, partners, dst):
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(user).create({
            "partner_ids": [Command.set(partners.ids)], "dst_partner_id": dst.id,
        })
        return wizard.action_merge()

    def test_merge_of_two_partners_linked_to_different_companies_is_refused(self):
        survivor, survivor_so = self.linked_company("Merge Keep AS", self.connection,
                                                    self.company_a)
        merged, merged_so = self.linked_company(
            "Merge Away AS", self.connection, self.company_a,
            persons=[("Kari", "Away"), ("Per", "Away")])
        with self.assertRaisesRegex(UserError, "linked to different SuperOffice records"):
            self.merge(self.user_a, survivor | merged, survivor)
        self.assertTrue(merged.exists())
        self.assertEqual(merged.superoffice_link_ids.so_id, merged_so)
        self.assertEqual(survivor.superoffice_link_ids.so_id, survivor_so)
        self.assertEqual(len(merged.child_ids), 2)
        for record in (survivor, merged, *merged.child_ids):
            self.assert_in_step(record)

    def test_link_of_the_merged_away_partner_is_carried_and_told(self):
        survivor = self.create_company_partner("Merged B AS", company_id=self.company_b.id,
                                               city="Bergen", phone="+47 55 00 00 00")
        merged, merged_so = self.linked_company(
            "Old B Name AS", self.connection_b, self.company_b,
            persons=[("Eva", "Bee"), ("Ole", "Bee")])
        persons = merged.child_ids
        self.merge(self.user_b, survivor | merged, survivor)
        self.assertFalse(merged.exists())
        link = survivor.superoffice_link_ids
        self.assertEqual(link.so_id, merged_so)
        self.assertEqual(link.connection_id, self.connection_b)
        self.assertEqual(survivor.child_ids, persons)
        self.assertIn(f"Merged with Old B Name AS: its link to SuperOffice Company {merged_so}",
                      "".join(survivor.message_ids.mapped("body")))
        run = self.env["superoffice.sync.push"]._run(self.connection_b)
        self.assertEqual(run.state, "done")
        contact = self.so_contact(merged_so)
        self.assertEqual(contact["Name"], "Merged B AS")
        self.assertEqual(contact["Address"]["Postal"]["City"], "Bergen")
        self.assertEqual(len(self.sim.store.persons_of(merged_so)), 2)
        for record in (survivor, *persons):
            self.assert_in_step(record)

    def test_merge_into_the_linked_partner_keeps_its_link(self):
        survivor, survivor_so = self.linked_company("Linked A AS", self.connection,
                                                    self.company_a)
        merged = self.create_company_partner("Unlinked A AS", company_id=self.company_a.id,
                                             city="Oslo")
        person = self.create_person_partner("Lise Unlinked", parent=merged,
                                            company_id=self.company_a.id)
        self.merge(self.user_a, survivor | merged, survivor)
        self.assertEqual(survivor.superoffice_link_ids.so_id, survivor_so)
        self.assertIn(person, survivor.child_ids)
        self.env["superoffice.sync.push"]._run(self.connection)
        self.assert_in_step(survivor)
