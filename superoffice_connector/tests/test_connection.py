from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.translate import code_translations

from ..api import exceptions as so_exc
from .common import SuperOfficeCase


@tagged("post_install", "-at_install")
class TestConnection(SuperOfficeCase):
    def test_test_connection_reports_tenant_and_user(self):
        action = self.connection.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Cust12345", action["params"]["message"])
        self.assertEqual(self.connection.state, "ok")
        self.assertEqual(
            self.connection.superoffice_associate_id, self.sim.app.system_associate_id
        )
        self.assertTrue(self.connection.superoffice_user_name)
        self.assertIn(self.connection.superoffice_user_name, action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")  # the form shows it

    def test_test_connection_refused_credentials_is_reported_not_raised(self):
        self.connection.system_token = "Wrong-token-for-this-tenant"
        action = self.connection.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("refused the credentials", action["params"]["message"])
        self.assertNotIn("Wrong-token-for-this-tenant", action["params"]["message"])
        self.assertEqual(self.connection.state, "error")
        self.assertEqual(self.connection.last_error, action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")  # the form shows it

    def test_test_connection_unreachable_host(self):
        self.connection.write({"base_url": "http://127.0.0.1:9", "max_retries": 0})
        action = self.connection.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("could not be reached", action["params"]["message"])

    def test_test_connection_incomplete_configuration(self):
        self.connection.private_key = False
        action = self.connection.action_test_connection()
        self.assertIn("not configured correctly", action["params"]["message"])

    def test_test_connection_failure_is_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        source = (
            "SuperOffice refused the credentials of the connection. Check them with "
            "Test connection. (%(detail)s)"
        )
        catalogue = {
            source: "SuperOffice a refusé les identifiants de la connexion. (%(detail)s)",
            "Connection failed": "Échec de la connexion",
        }
        key = ("superoffice_connector", "fr_FR")
        saved = code_translations.python_translations.get(key)
        code_translations.python_translations[key] = catalogue
        self.addCleanup(self._restore_catalogue, key, saved)
        self.connection.system_token = "Wrong-token-for-this-tenant"
        action = self.connection.with_context(lang="fr_FR").action_test_connection()
        self.assertEqual(action["params"]["title"], "Échec de la connexion")
        self.assertTrue(action["params"]["message"].startswith(
            "SuperOffice a refusé les identifiants de la connexion. ("
        ))

    @staticmethod
    def _restore_catalogue(key, saved):
        if saved is None:
            code_translations.python_translations.pop(key, None)
        else:
            code_translations.python_translations[key] = saved

    def test_raise_user_error_wraps_client_exceptions(self):
        with self.assertRaises(UserError) as caught:
            self.connection._raise_user_error(so_exc.ForbiddenError("403 on Contact"))
        self.assertIn("not allowed", str(caught.exception))
        self.assertIsInstance(caught.exception.__cause__, so_exc.ForbiddenError)

    def test_client_cached_until_its_configuration_changes(self):
        client = self.connection._get_client()
        self.assertIs(self.connection._get_client(), client)
        self.connection.sync_interval = 30
        self.assertIs(self.connection._get_client(), client)
        self.connection.client_secret = "rotated-secret"
        self.assertIsNot(self.connection._get_client(), client)

    def test_online_connection_needs_tenant_onsite_needs_url(self):
        with self.assertRaises(ValidationError):
            self.create_connection(self.env, self.sim, name="No tenant", tenant=False)
        with self.assertRaises(ValidationError):
            self.create_connection(
                self.env, self.sim, name="No URL", environment="onsite", base_url=False
            )

    def test_mapping_of_connection_comes_from_the_records(self):
        fields = self.connection._mapping("company")
        self.assertEqual(fields[0].key, "name")
        self.env.ref("superoffice_connector.superoffice_field_mapping_company_website").active = False
        self.assertNotIn("website", [f.key for f in self.connection._mapping("company")])

    def test_web_url_points_to_the_tenant(self):
        url = self.connection._web_url("company", 7)
        self.assertEqual(url, f"{self.sim.url}/Cust12345/default.aspx?contact_id=7")

    def test_admin_creates_a_connection_with_the_form(self):
        with Form(self.env["superoffice.connection"]) as form:
            form.name = "From the form"
            form.environment = "sod"
            form.tenant = "Cust12345"
            form.base_url = self.sim.url
            form.auth_mode = "system_user"
            form.client_secret = self.sim.app.client_secret
            form.system_token = self.sim.app.system_token
            form.private_key = self.sim.app.private_key_pem
        connection = form.save()
        self.assertEqual(connection.company_id, self.env.company)
        self.assertEqual(connection.action_test_connection()["params"]["type"], "success")

    def test_settings_count_connections(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.superoffice_connection_count, 1)
        self.create_connection(self.env, self.sim, name="Second")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.superoffice_connection_count, 2)
