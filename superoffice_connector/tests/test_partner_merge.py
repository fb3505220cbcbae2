"""Odoo's merge wizard on linked partners: refused while both are linked to different SuperOffice
records, the link carried (and told) when only the merged-away one is linked, both sides in step
afterwards, persons included; refused between a company and a person when one is linked; a contact
SuperOffice's ERP Sync links is only ever the contact kept, and SuperOffice still finds it."""

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged

from .common import SuperOfficeMixin
from .erp_common import Actor, ErpCase
from .test_company_walls import CompanyWallsCase


def merge(user, partners, dst):
    wizard = user.env["base.partner.merge.automatic.wizard"].with_user(user).create({
        "partner_ids": [Command.set(partners.ids)], "dst_partner_id": dst.id,
    })
    return wizard.action_merge()


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

    def linked_person(self, company_name, first, last):
        """A person of company A linked to a SuperOffice person, under a linked company."""
        _company, _so_id, persons = CompanyWallsCase.linked_company(
            self, company_name, self.connection, self.company_a, [(first, last)])
        return persons

    def merge(self, user, partners, dst):
        return merge(user, partners, dst)

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

    def test_a_linked_person_is_not_merged_into_a_company(self):
        person = self.linked_person("Person Home AS", "Siri", "Linked")
        other = self.create_company_partner("Other Home AS", company_id=self.company_a.id)
        link = person.superoffice_link_ids
        with self.assertRaisesRegex(UserError, "Siri Linked is linked to a person in SuperOffice"):
            self.merge(self.user_a, person | other, other)
        self.assertTrue(person.exists())
        self.assertEqual(link.partner_id, person)
        self.assertFalse(other.superoffice_link_ids)
        self.assert_in_step(person)

    def test_a_linked_company_is_not_merged_into_a_person(self):
        company, so_id = self.linked_company("Company Kind AS", self.connection, self.company_a)
        person = self.create_person_partner("Loose Person", company_id=self.company_a.id)
        with self.assertRaisesRegex(UserError, "Company Kind AS is linked to a company in "
                                               "SuperOffice"):  # fmt: skip
            self.merge(self.user_a, company | person, person)
        self.assertEqual(company.superoffice_link_ids.so_id, so_id)
        self.assertFalse(person.superoffice_link_ids)
        self.assert_in_step(company)

    def test_a_company_is_not_merged_into_a_linked_person(self):
        person = self.linked_person("Kept Person Home AS", "Tor", "Kept")
        other = self.create_company_partner("Taken In AS", company_id=self.company_a.id)
        self.create_person_partner("Under Taken In", parent=other, company_id=self.company_a.id)
        with self.assertRaisesRegex(UserError, "Tor Kept is linked to a person in SuperOffice "
                                               "and cannot take in Taken In AS"):  # fmt: skip
            self.merge(self.user_a, person | other, person)
        self.assertTrue(other.exists())
        self.assertEqual(len(other.child_ids), 1)
        self.assert_in_step(person)


@tagged("post_install", "-at_install")
class TestPartnerMergeErpSync(SuperOfficeMixin, ErpCase):
    """SuperOffice's ERP Sync knows a contact by its Odoo id (the ERP key it stores): a merge
    never deletes that id, and SuperOffice reads the merged contact by the same key."""

    seed_companies = 1

    def save_from_superoffice(self, record, actor_type="Customer", **values):
        answer = self.call("SaveActors", Actors=[
            Actor(actor_type, str(record.id), field_values=values)])
        self.assertTrue(answer.ok, answer.user_explanation)

    def get_actor(self, actor_type, record, *field_keys):
        answer = self.call("GetActors", ActorType=actor_type, ErpKeys=[str(record.id)],
                           FieldKeys=list(field_keys))
        self.assertTrue(answer.ok, answer.user_explanation)
        return answer.payload

    def test_merging_away_the_contact_superoffice_links_is_refused(self):
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        duplicate = self.env["res.partner"].create({
            "name": "Acme Duplicate AS", "is_company": True, "company_id": self.company_a.id,
            "email": self.acme.email})
        with self.assertRaisesRegex(UserError, "Choose Acme AS as the contact to keep"):
            merge(self.user_a, self.acme | duplicate, duplicate)
        self.assertTrue(self.acme.exists())
        self.assertTrue(self.acme.superoffice_erp_linked)
        # SuperOffice still finds the record by the key it holds
        (actor,) = self.get_actor("Customer", self.acme, "NAME")
        self.assertEqual((actor.erp_key, actor.field_values["NAME"]),
                         (str(self.acme.id), "Acme AS"))

    def test_merge_into_the_contact_superoffice_links_keeps_its_key_and_tells(self):
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        duplicate = self.env["res.partner"].create({
            "name": "Acme Duplicate AS", "is_company": True, "company_id": self.company_a.id,
            "email": self.acme.email, "phone": "+47 22 00 00 01"})
        kari = self.env["res.partner"].create({
            "name": "Kari Duplicate", "parent_id": duplicate.id, "company_id": self.company_a.id})
        self.save_from_superoffice(kari, "Person", LASTNAME="Duplicate")
        self.env.cr.execute("UPDATE res_partner SET write_date = '2020-01-01' WHERE id = %s",
                            [kari.id])  # fmt: skip
        self.env.invalidate_all()
        (before,) = self.get_actor("Person", kari, "LASTNAME")
        merge(self.user_a, self.acme | duplicate, self.acme)
        self.assertFalse(duplicate.exists())
        self.assertIn("Merged with Acme Duplicate AS: this contact stays linked from SuperOffice "
                      f"through ERP Sync (SO A) under its own ID {self.acme.id}",
                      "".join(self.acme.message_ids.mapped("body")))
        (actor,) = self.get_actor("Customer", self.acme, "NAME", "PHONE")
        self.assertEqual(actor.erp_key, str(self.acme.id))
        self.assertEqual(actor.field_values["PHONE"], "+47 22 00 00 01")
        # the person moved under the kept company is seen as changed by SuperOffice's engine
        (person,) = self.get_actor("Person", kari, "LASTNAME")
        self.assertEqual(person.parent_erp_key, str(self.acme.id))
        self.assertGreater(person.last_modified, before.last_modified)

    def test_a_contact_superoffice_links_and_one_the_addon_links_are_refused(self):
        self.save_from_superoffice(self.acme, NAME="Acme AS")
        contact = self.so_create_contact("Beta_Bygg 100%")
        link = self.link_partner(self.beta, contact["ContactId"])
        self.beta.email = self.acme.email  # Odoo's own check on e-mails passes
        with self.assertRaisesRegex(UserError, "each linked to a SuperOffice record"):
            merge(self.user_a, self.acme | self.beta, self.acme)
        self.assertTrue(self.beta.exists())
        self.assertEqual(link.partner_id, self.beta)
        self.assertFalse(self.acme.superoffice_link_ids)
