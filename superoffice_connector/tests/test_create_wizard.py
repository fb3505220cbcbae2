from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..sync import merge
from .common import SuperOfficeCase


def create_form(env, record):
    return Form(env["superoffice.create.wizard"].with_context(
        active_model=record._name, active_id=record.id
    ))


def line_index(form, key):
    return next(i for i, line in enumerate(form.line_ids._records) if line["key"] == key)


@tagged("post_install", "-at_install")
class TestCreateWizard(SuperOfficeCase):
    def test_create_company_prefilled_editable_and_linked(self):
        partner = self.create_company_partner(
            "Fjordkraft Testing AS", city="Ålesund", vat="NO999888777", email="hei@fjordtest.no"
        )
        form = create_form(self.env, partner)
        with form.line_ids.edit(
            next(i for i, line in enumerate(form.line_ids._records) if line["key"] == "city")
        ) as line:
            self.assertEqual(line.value, "Ålesund")
            line.value = "Molde"
        wizard = form.save()
        count = self.sim.store.count("contact")
        wizard.action_create()
        self.assertEqual(self.sim.store.count("contact"), count + 1)
        link = partner.superoffice_link_ids
        so = self.so_contact(link.so_id)
        self.assertEqual(so["Name"], "Fjordkraft Testing AS")
        self.assertEqual(so["OrgNr"], "NO999888777")
        self.assertEqual(so["Address"]["Postal"]["City"], "Molde")
        self.assertEqual(link.base_snapshot["city"], "Molde")
        self.assert_in_step(partner)

    def test_edited_value_is_kept_in_odoo_too(self):
        """The City edited in the dialog is the record's City afterwards, so the next sync has
        nothing to push over SuperOffice's value."""
        partner = self.create_company_partner("Edited City AS", city="Ålesund")
        form = create_form(self.env, partner)
        with form.line_ids.edit(line_index(form, "city")) as line:
            line.value = "Molde"
        form.save().action_create()
        self.assertEqual(partner.city, "Molde")
        link = self.assert_in_step(partner)
        self.assertEqual(self.so_contact(link.so_id)["Address"]["Postal"]["City"], "Molde")
        self.assertIn("City", partner.message_ids[:3].mapped("body")[0] + "".join(
            partner.message_ids.mapped("body")))

    def test_empty_stays_empty_and_nothing_is_garbled(self):
        """A record without country or owner: the dialog shows them empty and posts no "not
        sent" note; the country SuperOffice fills in by itself is copied to Odoo and named."""
        partner = self.create_company_partner("No Country AS")
        form = create_form(self.env, partner)
        for key in ("country", "owner"):
            self.assertFalse(form.line_ids._records[line_index(form, key)]["value"], key)
        form.save().action_create()
        self.assert_in_step(partner)
        self.assertEqual(partner.country_id, self.env.ref("base.no"))
        bodies = partner.message_ids.mapped("body")
        self.assertFalse([b for b in bodies if "Not sent" in b])
        self.assertTrue([b for b in bodies if "Country: Norway (NO)" in b])

    def test_owner_is_shown_and_matched_by_the_user(self):
        """The owner line shows the Odoo user's name; sent unchanged it is that user (not the
        name read as an e-mail address); the note says what to do when SuperOffice has no
        such user."""
        user = self.make_user("owner_user", name="Olga Owner", email="olga@example.com")
        partner = self.create_company_partner("Owned AS", user_id=user.id,
                                              country_id=self.env.ref("base.se").id)
        form = create_form(self.env, partner)
        self.assertEqual(form.line_ids._records[line_index(form, "owner")]["value"], "Olga Owner")
        self.assertEqual(form.line_ids._records[line_index(form, "country")]["value"],
                         "Sweden (SE)")
        form.save().action_create()
        link = self.assert_in_step(partner)
        self.assertEqual(self.so_contact(link.so_id)["Country"]["CountryId"], 752)
        self.assertEqual(partner.user_id, user)
        notes = [b for b in partner.message_ids.mapped("body") if "Not sent" in b]
        self.assertEqual(len(notes), 1)
        self.assertIn("Olga Owner", notes[0])
        self.assertIn("olga@example.com", notes[0])
        self.assertNotIn("Country", notes[0])
        self.assertNotIn("superoffice #", notes[0].lower())

    def test_second_click_creates_nothing(self):
        partner = self.create_company_partner("Double Click AS")
        wizard = create_form(self.env, partner).save()
        count = self.sim.store.count("contact")
        wizard.action_create()
        action = wizard.action_create()
        self.assertEqual(action["res_id"], partner.id)
        self.assertEqual(self.sim.store.count("contact"), count + 1)

    def test_answer_lost_after_post_recovers_without_duplicate(self):
        partner = self.create_company_partner("Lost Answer AS")
        wizard = create_form(self.env, partner).save()
        count = self.sim.store.count("contact")
        self.sim.faults.add("truncate", path=r"/api/v1/Contact$", method="POST", count=1)
        wizard.action_create()
        self.assertEqual(self.sim.store.count("contact"), count + 1)
        self.assertEqual(self.so_contact(partner.superoffice_link_ids.so_id)["Name"],
                         "Lost Answer AS")

    def test_refused_create_changes_nothing(self):
        partner = self.create_company_partner("Refused AS")
        wizard = create_form(self.env, partner).save()
        count = self.sim.store.count("contact")
        self.sim.faults.add("status", status=403, path=r"/api/v1/Contact$", method="POST")
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_create()
        self.assertEqual(self.sim.store.count("contact"), count)
        self.assertFalse(partner.superoffice_link_ids)

    def test_not_allowed_by_connection(self):
        self.connection.allow_create_superoffice = False
        partner = self.create_company_partner("Not Allowed AS")
        form = create_form(self.env, partner)
        self.assertIn("does not allow", form.create_blocked_reason)
        with self.assertRaises(UserError):
            form.save().action_create()

    def test_user_without_right_is_refused(self):
        partner = self.create_company_partner("No Right AS")
        user = self.make_user("no_so_user", groups=())
        wizard = create_form(self.env, partner).save()
        with self.assertRaises(AccessError):
            wizard.with_user(user).action_create()
        self.assertFalse(partner.superoffice_link_ids)

    def test_individual_requires_linked_company(self):
        company = self.create_company_partner("Parent Unlinked AS")
        person = self.create_person_partner("Ada Lovelace", parent=company)
        form = create_form(self.env, person)
        self.assertIn("Parent Unlinked AS", form.blocked_message)
        contact = self.so_create_contact("Parent Unlinked AS")
        self.link_partner(company, contact["ContactId"])
        wizard = create_form(self.env, person).save()
        wizard.action_create()
        link = person.superoffice_link_ids
        so_person = self.so_person(link.so_id)
        self.assertEqual(so_person["Contact"]["ContactId"], contact["ContactId"])
        self.assertEqual((so_person["Firstname"], so_person["Lastname"]), ("Ada", "Lovelace"))
        self.assert_in_step(person)

    def test_create_project_takes_back_the_number(self):
        # Odoo keeps a project's start date only with an end date (both or neither); a stage
        # SuperOffice has no status for is the subject of test_value_not_sent_is_kept_in_odoo
        project = self.create_project("New warehouse", date_start="2026-01-05", date="2027-06-30",
                                      stage_id=False)
        wizard = create_form(self.env, project).save()
        wizard.action_create()
        link = project.superoffice_link_ids
        self.assertTrue(project.superoffice_number)
        self.assertEqual(project.superoffice_number, self.so_project(link.so_id)["ProjectNumber"])
        self.assert_in_step(project)

    def test_value_not_sent_is_kept_in_odoo(self):
        """A stage SuperOffice has no status of that name is not sent, and SuperOffice's empty
        status does not overwrite it in Odoo; the note names it, and the difference is held in
        the base, so the next sync neither sends it nor asks again."""
        project = self.create_project("Staged project")
        stage = project.stage_id
        self.assertTrue(stage)
        create_form(self.env, project).save().action_create()
        self.assertEqual(project.stage_id, stage)
        link = project.superoffice_link_ids
        self.assertEqual(link.base_snapshot[merge.HELD]["status"], ["odoo", stage.name])
        notes = [b for b in project.message_ids.mapped("body") if "Not sent" in b]
        self.assertEqual(len(notes), 1)
        self.assertIn(stage.name, notes[0])
        self.assert_in_step(project)
