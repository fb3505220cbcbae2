"""What a user is told: a record linked meanwhile, text the database cannot take; and what a user
sees: the application private key masked like every other secret."""

from lxml import etree

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .. import compat
from .common import ADMIN_GROUP, USER_GROUP, SuperOfficeHttpCase
from .test_company_walls import CompanyWallsCase


@tagged("post_install", "-at_install")
class TestLostCreateRace(CompanyWallsCase):
    def test_the_loser_is_told_the_record_was_just_linked(self):
        partner = self.create_company_partner("Race AS", company_id=False)
        # Both users of company A loaded the form while it was not linked; the first one wins.
        winner = self.make_user("race_winner", groups=self.user_groups, company=self.company_a)
        create = Form(self.env["superoffice.create.wizard"].with_user(winner).with_context(
            active_model="res.partner", active_id=partner.id)).save()
        create.action_create()
        loser = partner.with_user(self.user_a)
        with self.assertRaisesRegex(UserError, "was just linked to SuperOffice"):
            loser.action_superoffice_create()
        # For company B the record is not linked on B's connection: B may create it there.
        action = partner.with_user(self.user_b).with_company(self.company_b) \
            .action_superoffice_create()
        wizard = self.env["superoffice.create.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.connection_id, self.connection_b)

    def test_a_connection_that_does_not_allow_it_still_says_so(self):
        self.connection.allow_create_superoffice = False
        partner = self.create_company_partner("Not here AS", company_id=self.company_a.id)
        with self.assertRaisesRegex(UserError, "does not allow creating"):
            partner.with_user(self.user_a).action_superoffice_create()


@tagged("post_install", "-at_install")
class TestWizardTextInput(CompanyWallsCase):
    def test_nul_in_a_search_text_is_refused_with_a_message(self):
        for user, company, connection in ((self.user_a, self.company_a, self.connection),
                                          (self.user_b, self.company_b, self.connection_b)):
            Wizard = self.env["superoffice.import.wizard"].with_user(user).with_company(company)
            before = Wizard.search_count([])
            form = Form(Wizard)
            self.assertEqual(form.connection_id, connection)
            form.search_text = "ACME\x00"
            with self.assertRaisesRegex(UserError, r"Search contains a character .*U\+0000"):
                form.save()
            self.assertEqual(Wizard.search_count([]), before)
            partner = self.create_company_partner(f"Search {company.name}",
                                                  company_id=company.id)
            connect = Form(self.env["superoffice.connect.wizard"].with_user(user)
                           .with_company(company).with_context(
                               active_model="res.partner", active_id=partner.id)).save()
            with self.assertRaises(UserError):
                connect.write({"search_text": "x\x1by"})
            with self.assertRaises(UserError):
                connect.write({"adv_city": "\ud800"})
            connect.write({"search_text": "Tab\tand line\nbreaks are fine"})

    def test_nul_in_a_value_row_is_refused_and_changes_nothing(self):
        partner = self.create_company_partner("Row AS", company_id=self.company_b.id)
        wizard = Form(self.env["superoffice.create.wizard"].with_user(self.user_b)
                      .with_company(self.company_b).with_context(
                          active_model="res.partner", active_id=partner.id)).save()
        line = wizard.line_ids.filtered(lambda row: row.key == "name")
        with self.assertRaisesRegex(UserError, "control character"):
            wizard.write({"line_ids": [Command.update(line.id, {"value": "Row\x00AS"})]})
        self.assertEqual(line.value, "Row AS")


@tagged("post_install", "-at_install")
class TestPrivateKeyMasked(CompanyWallsCase):
    def test_private_key_is_masked_on_the_form_and_stays_writable(self):
        for admin, connection in ((self.admin_a, self.connection), (self.admin_b,
                                                                    self.connection_b)):
            Connection = self.env["superoffice.connection"].with_user(admin)
            arch = Connection.get_views([(False, "form")])["views"]["form"]["arch"]
            node = etree.fromstring(arch).xpath("//field[@name='private_key']")[0]
            self.assertEqual(node.get("password"), "True")
            # A masked input is one line: the key arrives without its line breaks, and the
            # connection still signs with it.
            flat = "".join(self.sim.app.private_key_pem.splitlines())
            with Form(connection.with_user(admin)) as form:
                form.private_key = flat
            self.assertEqual(connection.sudo().private_key, flat)
            result = connection.with_user(admin).action_test_connection()
            self.assertEqual(result["params"]["type"], "success", result)


@tagged("post_install", "-at_install")
class TestGuardsInTheBrowser(SuperOfficeHttpCase):
    """The same guards, clicked through in headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").write({compat.GROUP_FIELD: [
            Command.link(cls.env.ref(USER_GROUP).id), Command.link(cls.env.ref(ADMIN_GROUP).id),
        ]})

    def test_nul_in_the_connect_search_gets_a_message(self):
        self.so_create_contact("Guard Harbour AS")
        partner = self.env["res.partner"].create({"name": "Guard", "is_company": True})
        self.start_tour(f"/odoo/contacts/{partner.id}", "superoffice_nul_search_tour",
                        login="admin")

    def test_private_key_is_a_masked_input(self):
        self.start_tour(
            f"/odoo/action-superoffice_connector.superoffice_connection_action/"
            f"{self.connection.id}",
            "superoffice_masked_key_tour", login="admin",
        )
