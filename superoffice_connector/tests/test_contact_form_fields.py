"""Every mapped contact value a user can set on the contact form reaches SuperOffice, and
SuperOffice's values show there: a company's department, and the mobile number of companies and
persons (18.0's own Mobile field, 19.0 the addon's under the phone: compat.PARTNER_MOBILE).
Users of two companies, each with the connection of their own company."""

from odoo.tests import Form, tagged

from .. import compat
from .test_company_walls import CompanyWallsCase


def mobile_of(entity, kind):
    if kind == "contact":
        return next((p["Value"] for p in entity.get("Phones") or ()
                     if p.get("Description") == "Mobile"), None)
    return next((p["Value"] for p in entity.get("MobilePhones") or ()), None)


@tagged("post_install", "-at_install")
class TestContactFormFields(CompanyWallsCase):
    def sides(self):
        return ((self.user_a, self.company_a, self.connection),
                (self.user_b, self.company_b, self.connection_b))

    def test_mobile_field_of_the_series_is_mapped_and_on_the_form(self):
        for entity_type in ("company", "person"):
            line = self.env["superoffice.field.mapping"].search(
                [("entity_type", "=", entity_type), ("key", "=", "mobile")])
            self.assertEqual(line.odoo_field, compat.PARTNER_MOBILE)
        own_view = self.env.ref("superoffice_connector.res_partner_view_form_mobile")
        self.assertEqual(own_view.active, compat.PARTNER_MOBILE == compat.OWN_MOBILE)
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn(f'name="{compat.PARTNER_MOBILE}"', arch)
        self.assertIn('name="superoffice_department"', arch)
        if compat.PARTNER_MOBILE != compat.OWN_MOBILE:
            self.assertNotIn(f'name="{compat.OWN_MOBILE}"', arch, "one Mobile on the form")

    def test_department_and_mobile_typed_on_the_form_reach_superoffice(self):
        for user, company, connection in self.sides():
            partner, contact_id, persons = self.linked_company(
                f"Form fields {company.name}", connection, company,
                persons=[("Kari", "Nordmann")])
            with Form(partner.with_user(user).with_company(company)) as form:
                form.superoffice_department = "Purchasing"
                setattr(form, compat.PARTNER_MOBILE, "+47 900 11 222")
            with Form(persons.with_user(user).with_company(company)) as form:
                setattr(form, compat.PARTNER_MOBILE, "+47 911 22 333")
            for record, number in ((partner, "+47 900 11 222"), (persons, "+47 911 22 333")):
                message = record.with_user(user).with_company(company) \
                    .action_superoffice_sync_now()["params"]["message"]
                self.assertIn("Sent to SuperOffice", message)
                link = self.assert_in_step(record, connection)
                kind = "contact" if record.is_company else "person"
                entity = self.sim.store.get(kind, link.so_id)
                self.assertEqual(mobile_of(entity, kind), number, record.display_name)
            self.assertEqual(self.so_contact(contact_id)["Department"], "Purchasing")

    def test_superoffice_mobile_shows_on_the_form(self):
        user, company, connection = self.sides()[1]
        partner, contact_id, persons = self.linked_company(
            "Form shows", connection, company, persons=[("Ola", "Hansen")])
        link = persons.sudo().superoffice_link_ids
        self.sim.store.patch("person", link.so_id, {
            "MobilePhones": [{"Value": "+47 922 33 444", "Description": "Mobile"}]})
        connection._sync_link(link)
        form = Form(persons.with_user(user).with_company(company))
        self.assertEqual(getattr(form, compat.PARTNER_MOBILE), "+47 922 33 444")
        self.assert_in_step(persons, connection)
