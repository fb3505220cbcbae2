from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SuperOfficeCase


def wizard_form(env, record, **ctx):
    wizard = env["superoffice.connect.wizard"].with_context(
        active_model=record._name, active_id=record.id, **ctx
    )
    return Form(wizard)


@tagged("post_install", "-at_install")
class TestConnectWizard(SuperOfficeCase):
    def setUp(self):
        super().setUp()
        self.contact = self.so_create_contact(
            "Nordlys Maskin AS", OrgNr="NO 987 654 321",
            Emails=[{"Value": "post@nordlys-maskin.no"}],
            Address={"Postal": {"City": "Bergen", "Address1": "Kaigaten 1"}},
        )
        self.partner = self.create_company_partner(
            "Nordlys Maskin", vat="987654321", email="ola@nordlys-maskin.no", city="Tromsø",
            street="Kaigaten 1",
        )

    def open_on_hit(self, partner, so_id):
        form = wizard_form(self.env, partner)
        wizard = form.save()
        hit = wizard.hit_ids.filtered(lambda h: h.so_id == so_id)
        self.assertTrue(hit, "the SuperOffice record is among the hits")
        hit.action_pick()
        return wizard

    def test_likely_matches_first_with_reason(self):
        self.so_create_contact("Nordlys Bakeri")
        wizard = wizard_form(self.env, self.partner).save()
        self.assertEqual(wizard.step, "search")
        first = wizard.hit_ids[0]
        self.assertEqual(first.so_id, self.contact["ContactId"])
        self.assertIn("VAT", first.match_reason)

    def test_exact_matches_first_with_full_names_and_plain_badges(self):
        """An exact name outranks a similar name even when that one shares the e-mail domain;
        the badges say which: Same name, Same VAT, Same e-mail domain, Similar name."""
        similar = self.so_create_contact("Thames Fisheries Holding Group",
                                         Emails=[{"Value": "info@thames-fish.example"}])
        exact = self.so_create_contact("Thames Fisheries Ltd")
        partner = self.create_company_partner("Thames Fisheries",
                                              email="post@thames-fish.example")
        wizard = wizard_form(self.env, partner).save()
        hits = wizard.hit_ids.filtered(lambda h: h.so_id in (similar["ContactId"],
                                                             exact["ContactId"]))
        self.assertEqual(hits.mapped("so_id"), [exact["ContactId"], similar["ContactId"]])
        self.assertEqual(hits[0].match_reason, "Same name")
        self.assertEqual(hits[1].match_reason, "Same e-mail domain, Similar name")
        self.assertEqual(hits[1].name, "Thames Fisheries Holding Group")
        first = wizard_form(self.env, self.partner).save().hit_ids[0]
        self.assertEqual(first.match_reason, "Same name, Same VAT, Same e-mail domain")

    def test_quick_search_finds_org_number_and_pages(self):
        for index in range(25):
            self.so_create_contact(f"Paging Test {index:02d}")
        wizard = wizard_form(self.env, self.partner).save()
        wizard.search_text = "Paging Test"
        wizard.action_search()
        self.assertEqual(len(wizard.hit_ids), 20)
        self.assertTrue(wizard.has_next)
        self.assertFalse(wizard.total_known)
        wizard.action_next_page()
        self.assertEqual(len(wizard.hit_ids), 5)
        self.assertTrue(wizard.total_known)
        self.assertEqual(wizard.total_count, 25)
        wizard.action_previous_page()
        self.assertEqual(len(wizard.hit_ids), 20)
        wizard.search_text = "987 654"
        wizard.action_search()
        self.assertEqual(wizard.hit_ids.mapped("so_id"), [self.contact["ContactId"]])

    def test_blank_search_lists_every_record(self):
        wizard = wizard_form(self.env, self.partner).save()
        wizard.search_text = ""
        wizard.action_search()
        self.assertEqual(len(wizard.hit_ids), 20)
        self.assertTrue(wizard.has_next)

    def test_advanced_search_combines_criteria(self):
        self.so_create_contact(
            "Nordlys Maskin AS", Address={"Postal": {"City": "Oslo"}}, Department="Sales"
        )
        wizard = wizard_form(self.env, self.partner).save()
        wizard.write({"advanced": True, "adv_name": "Nordlys Maskin", "adv_city": "Bergen"})
        wizard.action_search()
        self.assertEqual(wizard.hit_ids.mapped("so_id"), [self.contact["ContactId"]])

    def test_hit_linked_elsewhere_is_marked_and_refused(self):
        other = self.create_company_partner("Other company")
        self.link_partner(other, self.contact["ContactId"])
        wizard = wizard_form(self.env, self.partner).save()
        hit = wizard.hit_ids.filtered(lambda h: h.so_id == self.contact["ContactId"])
        self.assertTrue(hit.linked_elsewhere)
        self.assertEqual(hit.linked_record, "Other company")
        with self.assertRaises(UserError):
            hit.action_pick()

    def test_no_hit_offers_create_or_says_why_not(self):
        partner = self.create_company_partner("Zyxwv Qqq Unfindable")
        wizard = wizard_form(self.env, partner).save()
        self.assertTrue(wizard.no_hit)
        self.assertFalse(wizard.create_blocked_reason)
        self.connection.allow_create_superoffice = False
        wizard.invalidate_recordset()
        self.assertIn("does not allow", wizard.create_blocked_reason)
        with self.assertRaises(UserError):
            wizard.action_create_in_superoffice()

    def test_resolve_rows_and_connect_writes_both_sides(self):
        # owned by Roy de Jong, a SuperOffice user no Odoo user is
        self.sim.store.patch("contact", self.contact["ContactId"],
                             {"Associate": {"AssociateId": 5}})
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        self.assertEqual(wizard.step, "resolve")
        rows = {line.key: line for line in wizard.line_ids}
        self.assertTrue(rows["street"].is_equal)
        self.assertEqual(rows["street"].odoo_display, rows["street"].so_display)
        # written differently on both sides: a difference the user settles
        self.assertFalse(rows["vat"].is_equal)
        self.assertFalse(rows["vat"].choice_fixed)
        self.assertFalse(rows["city"].is_equal)
        self.assertFalse(rows["name"].is_equal)
        self.assertEqual(rows["owner"].so_display, "Roy de Jong")  # a name, not an id
        # keep the Odoo city (goes to SuperOffice) and the SuperOffice name (comes to Odoo)
        rows["city"].choice = "odoo"
        rows["name"].choice = "superoffice"
        rows["email"].choice = "superoffice"
        action = wizard.action_connect()
        self.assertEqual(action["res_id"], self.partner.id)
        self.assertEqual(self.partner.name, "Nordlys Maskin AS")
        self.assertEqual(self.partner.email, "post@nordlys-maskin.no")
        so = self.so_contact(self.contact["ContactId"])
        self.assertEqual(so["Address"]["Postal"]["City"], "Tromsø")
        self.assertEqual(so["Name"], "Nordlys Maskin AS")
        link = self.partner.superoffice_link_ids
        self.assertEqual(link.so_id, self.contact["ContactId"])
        self.assertEqual(link.state, "linked")
        self.assertEqual(link.actor_type, "customer")
        self.assertEqual(link.base_snapshot["city"], "Tromsø")
        self.assertEqual(link.base_snapshot["name"], "Nordlys Maskin AS")
        self.assert_in_step(self.partner)

    def test_connect_posts_one_linked_note(self):
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        for line in wizard.line_ids.filtered(lambda line: not line.choice):
            line.choice = "superoffice"
        wizard.action_connect()
        notes = [b for b in self.partner.message_ids.mapped("body") if "Linked to SuperOffice" in b]
        self.assertEqual(len(notes), 1, notes)
        self.assertIn("Open in SuperOffice", notes[0])
        self.assertIn(str(self.contact["ContactId"]), notes[0])

    def test_connect_as_supplier(self):
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.actor_type = "supplier"
        wizard.action_connect()
        self.assertEqual(self.partner.superoffice_link_ids.actor_type, "supplier")

    def test_superoffice_error_changes_nothing(self):
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.line_ids.filtered(lambda line: line.key == "city").choice = "odoo"
        wizard.line_ids.filtered(lambda line: line.key == "name").choice = "superoffice"
        self.sim.faults.add("status", status=403, method="PATCH")
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            wizard.action_connect()
        self.assertIn("not allowed", str(caught.exception))
        self.assertEqual(self.partner.name, "Nordlys Maskin")
        self.assertFalse(self.partner.superoffice_link_ids)
        self.assertEqual(self.so_contact(self.contact["ContactId"])["Address"]["Postal"]["City"],
                         "Bergen")

    def test_already_linked_partner_cannot_open_connect(self):
        self.link_partner(self.partner, self.contact["ContactId"])
        with self.assertRaises(UserError):
            wizard_form(self.env, self.partner)

    def test_persons_linked_in_same_flow(self):
        so_person = self.sim.store.create("person", {
            "Firstname": "Kari", "Lastname": "Hansen",
            "Emails": [{"Value": "kari@nordlys-maskin.no"}],
            "Contact": {"ContactId": self.contact["ContactId"]},
        })
        kari = self.create_person_partner("Kari Hansen", parent=self.partner,
                                          email="kari@nordlys-maskin.no")
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.action_connect()
        self.assertEqual(wizard.step, "persons")
        line = wizard.person_line_ids.filtered(lambda line: line.partner_id == kari)
        self.assertEqual(line.hit_id.so_id, so_person["PersonId"])
        wizard.action_link_persons()
        self.assertEqual(kari.superoffice_link_ids.so_id, so_person["PersonId"])
        self.assertEqual(kari.superoffice_link_ids.entity_type, "person")
        self.assertEqual(
            len([b for b in kari.message_ids.mapped("body") if "Linked to SuperOffice" in b]), 1
        )
        self.assert_in_step(self.partner)
        self.assert_in_step(kari)

    def test_individual_needs_linked_company(self):
        person = self.create_person_partner("Per Hansen", parent=self.partner)
        form = wizard_form(self.env, person)
        self.assertEqual(form.step, "blocked")
        self.assertIn("Nordlys Maskin", form.blocked_message)

    def test_individual_only_among_persons_of_linked_company(self):
        self.link_partner(self.partner, self.contact["ContactId"])
        mine = self.sim.store.create("person", {
            "Firstname": "Per", "Lastname": "Hansen",
            "Contact": {"ContactId": self.contact["ContactId"]},
        })
        other_company = self.so_create_contact("Elsewhere AS")
        self.sim.store.create("person", {
            "Firstname": "Per", "Lastname": "Hansen",
            "Contact": {"ContactId": other_company["ContactId"]},
        })
        person = self.create_person_partner("Per Hansen", parent=self.partner)
        wizard = wizard_form(self.env, person).save()
        self.assertEqual(wizard.hit_ids.mapped("so_id"), [mine["PersonId"]])
        wizard.search_text = "Per Hansen"
        wizard.action_search()
        self.assertEqual(wizard.hit_ids.mapped("so_id"), [mine["PersonId"]])
        wizard.hit_ids.action_pick()
        wizard.action_connect()
        self.assertEqual(person.superoffice_link_ids.so_id, mine["PersonId"])
        self.assert_in_step(person)

    def test_differing_row_without_choice_is_refused(self):
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.line_ids.filtered(lambda line: line.key == "city").choice = False
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_connect()
        self.assertFalse(self.partner.superoffice_link_ids)
        self.assertEqual(self.partner.city, "Tromsø")

    def test_back_to_search_drops_the_compared_record(self):
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.action_back_to_search()
        self.assertEqual((wizard.step, wizard.so_id), ("search", 0))
        self.assertFalse(wizard.line_ids)
        self.assertTrue(wizard.hit_ids)

    def test_persons_step_skipped_links_only_the_company(self):
        self.sim.store.create("person", {
            "Firstname": "Kari", "Lastname": "Hansen",
            "Contact": {"ContactId": self.contact["ContactId"]},
        })
        kari = self.create_person_partner("Kari Hansen", parent=self.partner)
        wizard = self.open_on_hit(self.partner, self.contact["ContactId"])
        wizard.action_connect()
        self.assertEqual(wizard.step, "persons")
        action = wizard.action_skip_persons()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.partner.id))
        self.assertTrue(self.partner.superoffice_link_ids)
        self.assertFalse(kari.superoffice_link_ids)

    def test_contact_without_company_is_blocked(self):
        person = self.create_person_partner("Solo Hansen")
        form = wizard_form(self.env, person)
        self.assertEqual(form.step, "blocked")
        self.assertIn("no company", form.blocked_message)

    def test_blocked_contact_offers_to_connect_its_company(self):
        person = self.create_person_partner("Per Hansen", parent=self.partner)
        wizard = wizard_form(self.env, person).save()
        action = wizard.action_connect_parent()
        company_wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(action["res_model"], "superoffice.connect.wizard")
        self.assertEqual(company_wizard._record(), self.partner)
        self.assertEqual(company_wizard.step, "search")

    def test_blocked_contact_offers_to_create_its_company(self):
        person = self.create_person_partner("Per Hansen", parent=self.partner)
        wizard = wizard_form(self.env, person).save()
        action = wizard.action_create_parent()
        self.assertEqual(action["res_model"], "superoffice.create.wizard")
        self.assertEqual(self.env[action["res_model"]].browse(action["res_id"])._record(),
                         self.partner)

    def test_connect_project(self):
        # Odoo keeps a project's start date only with an end date (both or neither)
        so_project = self.so_create_project("Harbour crane upgrade", EndDate="2027-06-30T00:00:00")
        project = self.create_project("Harbour crane upgrade", date_start="2026-01-05",
                                      date="2027-06-30")
        form = wizard_form(self.env, project)
        wizard = form.save()
        self.assertIn(so_project["ProjectId"], wizard.hit_ids.mapped("so_id"))
        wizard.hit_ids.filtered(lambda h: h.so_id == so_project["ProjectId"]).action_pick()
        number_row = wizard.line_ids.filtered(lambda line: line.key == "number")
        self.assertEqual(number_row.direction, "to_odoo")
        self.assertTrue(number_row.choice_fixed)
        # Odoo's stage has no SuperOffice status of that name: keep SuperOffice's
        wizard.line_ids.filtered(lambda line: line.key == "status").choice = "superoffice"
        wizard.action_connect()
        self.assertEqual(project.superoffice_link_ids.so_id, so_project["ProjectId"])
        self.assertEqual(project.superoffice_number, so_project["ProjectNumber"])
        self.assert_in_step(project)
