import json
import uuid

from odoo.exceptions import UserError
from odoo.tests import tagged

from .. import compat
from ..api.webhooks import compute_signature
from ..models.superoffice_sync_event import REFUSALS
from .common import TENANT, SuperOfficeHttpCase

SECRET = "webhook-secret-for-tests"


@tagged("post_install", "-at_install")
class TestWebhook(SuperOfficeHttpCase):
    seed_companies = 3
    sim_options = {"webhook_retry_delays": (0.1, 0.2)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.use_fast_client()
        cls.connection.superoffice_associate_id = cls.sim.app.system_associate_id

    def setUp(self):
        super().setUp()
        REFUSALS.clear()

    def post(self, payload, secret=SECRET, headers=None):
        raw = json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if secret:
            all_headers["X-SuperOffice-Signature"] = compute_signature(secret, raw)
        return self.url_open(f"/superoffice/webhook/{self.connection.id}", data=raw,
                             headers=all_headers)

    def payload(self, event="contact.changed", key=1, by=5):
        return {"EventId": str(uuid.uuid4()), "Event": event, "PrimaryKey": key,
                "Entity": event.split(".")[0], "ContextIdentifier": TENANT,
                "ChangedByAssociateId": by, "Changes": ["department"]}

    def events(self):
        return self.env["superoffice.sync.event"].search(
            [("connection_id", "=", self.connection.id)]
        )

    def test_valid_delivery_is_recorded_and_triggers_the_pull(self):
        cron = self.env.ref("superoffice_connector.superoffice_cron_pull")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        response = self.post(self.payload(key=2))
        self.assertEqual(response.status_code, 200)
        event = self.events()
        self.assertEqual((event.state, event.entity_type, event.so_id), ("pending", "company", 2))
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)

    def test_bad_signature_is_refused_and_logged(self):
        response = self.post(self.payload(), secret="not the secret")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.events().state, "refused")
        response = self.post(self.payload(), secret=None)
        self.assertEqual(response.status_code, 403)
        # Counted; the row of the minute stands for it (see TestWebhookLimits).
        self.assertEqual(len(self.events()), 1)

    def test_test_event_is_ignored(self):
        response = self.post(self.payload(event="test"), headers={"X-Hook-Test": "true"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.events().state, "ignored")

    def test_echo_of_our_own_write_is_ignored(self):
        self.post(self.payload(by=self.sim.app.system_associate_id))
        self.assertEqual(self.events().state, "ignored")

    def test_repeated_delivery_is_recorded_once(self):
        payload = self.payload()
        self.post(payload)
        self.post(payload)
        self.assertEqual(len(self.events()), 1)

    def test_edit_in_superoffice_arrives_through_register_and_pull(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", self.base_url())
        contact = self.sim.store.create("contact", {"Name": "Hook AS"})
        partner = self.env["res.partner"].create({"name": "Hook AS", "is_company": True})
        link = self.env["superoffice.link"].create({
            "connection_id": self.connection.id, "entity_type": "company",
            "so_id": contact["ContactId"], "partner_id": partner.id, "actor_type": "customer",
        })
        self.connection.conflict_policy = "superoffice_wins"
        self.connection._sync_link(link)
        self.connection.conflict_policy = "manual"
        # SuperOffice's own calls carry no test cookie: let them in.
        with compat.allow_requests(self):
            self.connection.action_register_webhook()
            self.assertTrue(self.connection.webhook_id)
            # A SuperOffice user edits the company: SuperOffice calls our endpoint.
            self.sim.store.patch("contact", link.so_id, {"Department": "From webhook"})
            self.sim.webhooks.wait_idle(timeout=10)
        event = self.events().filtered(lambda e: e.state == "pending")
        self.assertEqual(event.so_id, link.so_id)
        self.connection._pull()
        self.assertEqual(partner.superoffice_department, "From webhook")
        self.assertEqual(event.state, "done")
        self.connection.action_unregister_webhook()
        self.assertFalse(self.connection.webhook_id)

    def test_register_needs_a_saved_secret(self):
        self.connection.webhook_secret = False
        with self.assertRaises(UserError):
            self.connection.action_register_webhook()
        self.assertFalse(self.connection.webhook_id)

    def test_new_connections_get_a_webhook_secret(self):
        connection = self.env["superoffice.connection"].create({
            "name": "Second", "environment": "sod", "tenant": "Cust99999",
        })
        self.assertGreaterEqual(len(connection.webhook_secret or ""), 32)
