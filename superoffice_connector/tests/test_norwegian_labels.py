"""A user whose language is Norwegian sees the mapped fields' names in Norwegian: in the resolve
step, in Create in SuperOffice and on the SuperOffice tab, also after an English user filled the
mapping cache, and in a database upgraded from a version without the Norwegian labels."""

import polib

from odoo.tests import Form, tagged
from odoo.tools.misc import file_path

from .test_company_walls import CompanyWallsCase

MODULE = "superoffice_connector"


@tagged("post_install", "-at_install")
class TestNorwegianLabels(CompanyWallsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("nb_NO")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["nb_NO"])
        cls.user_a.lang = "nb_NO"
        cls.user_b.lang = "nb_NO"
        po = polib.pofile(file_path(f"{MODULE}/i18n/nb.po"))
        cls.nb = {e.msgid: e.msgstr for e in po if e.msgid and not e.obsolete}
        cls.english = set(cls.env["superoffice.field.mapping"].with_context(
            lang="en_US", active_test=False).search([]).mapped("label"))

    def assertNorwegian(self, labels):
        labels = [label for label in labels if label]
        self.assertTrue(labels)
        for label in labels:
            self.assertIn(label, self.nb.values(), f"{label!r} is not a Norwegian label")
            if label in self.english:
                # a label that reads the same in both languages ("Status", "Type")
                self.assertEqual(self.nb[label], label, f"{label!r} is English")

    def test_resolve_step_and_tab_in_norwegian(self):
        # an English user fills the mapping cache first
        self.assertEqual(self.connection._mapping("company")[0].label, "Name")
        partner = self.create_company_partner("Fjord Maskin AS", company_id=self.company_a.id,
                                              vat="NO987654300", city="Tromsø")
        contact = self.so_create_contact("Fjord Maskin AS", OrgNr="987654300",
                                         Address={"Postal": {"City": "Bergen"}})
        wizard = Form(self.env["superoffice.connect.wizard"].with_user(self.user_a).with_context(
            active_model="res.partner", active_id=partner.id, lang="nb_NO")).save()
        wizard.hit_ids.filtered(lambda h: h.so_id == contact["ContactId"]).action_pick()
        self.assertEqual(wizard.step, "resolve")
        labels = wizard.line_ids.mapped("label")
        self.assertIn("Organisasjonsnummer / MVA-nummer", labels)
        self.assertNotIn("VAT / organisation number", labels)
        self.assertNorwegian(labels)
        for line in wizard.line_ids.filtered(lambda line: not line.choice_fixed):
            line.choice = "superoffice"
        wizard.action_connect()
        html = partner.with_user(self.user_a).with_context(lang="nb_NO").superoffice_values_html
        self.assertIn("<th class='pe-3'>Poststed</th><td>Bergen</td>", html)
        self.assertNotIn(">City<", html)
        self.assert_in_step(partner)

    def test_create_in_superoffice_and_tab_in_norwegian_in_company_b(self):
        self.connection_b.allow_create_superoffice = True
        partner = self.create_company_partner("Vidde Bygg AS", company_id=self.company_b.id,
                                              city="Alta")
        nb_partner = partner.with_user(self.user_b).with_context(lang="nb_NO")
        action = nb_partner.action_superoffice_create()
        wizard = self.env["superoffice.create.wizard"].with_user(self.user_b).with_context(
            lang="nb_NO").browse(action["res_id"])
        self.assertNorwegian(wizard.line_ids.mapped("label"))
        wizard.action_create()
        html = partner.with_user(self.user_b).with_context(lang="nb_NO").superoffice_values_html
        self.assertIn("Poststed", html)
        self.assertNotIn(">City<", html)
        self.assert_in_step(partner)

    def test_an_upgraded_database_gets_the_norwegian_labels(self):
        """A database whose mapping rows hold English labels only gets the Norwegian ones when
        the module's terms are loaded, as an upgrade loads them (existing ones are kept)."""
        Mapping = self.env["superoffice.field.mapping"]
        self.env.cr.execute("UPDATE superoffice_field_mapping SET label = label - 'nb_NO'")
        Mapping.invalidate_model(["label"])
        self.env.registry.clear_cache()
        city = self.env.ref(f"{MODULE}.superoffice_field_mapping_company_city")
        self.assertEqual(city.with_context(lang="nb_NO").label, "City")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["nb_NO"])
        Mapping.invalidate_model(["label"])
        self.env.registry.clear_cache()
        self.assertEqual(city.with_context(lang="nb_NO").label, "Poststed")
        labels = [f.label for f in self.connection.with_user(self.user_a)
                  .with_context(lang="nb_NO")._mapping("company")]
        self.assertNorwegian(labels)
