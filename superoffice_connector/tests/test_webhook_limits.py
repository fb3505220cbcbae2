"""The webhook's limits: refusals are counted in a bounded sample, the body is capped before it
is read, repeated signed deliveries are recorded once, and old signed ones are refused; with
two companies, each connection counts and sees only its own."""

import json
import uuid
from datetime import datetime, timedelta, timezone

from odoo.tests import tagged

from ..api.webhooks import compute_signature
from ..controllers.webhook import MAX_BODY
from ..models.superoffice_sync_event import REFUSAL_WINDOW, REFUSALS, REFUSED_SAMPLE
from .common import ADMIN_GROUP, TENANT, SuperOfficeHttpCase

SECRET_A = "webhook-secret-for-tests"
SECRET_B = "webhook-secret-of-company-b"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@tagged("post_install", "-at_install")
class TestWebhookLimits(SuperOfficeHttpCase):
    seed_companies = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.connection_b = cls.create_connection(
            cls.env, cls.sim, name="SuperOffice of B", company_id=cls.company_b.id,
            webhook_secret=SECRET_B,
        )
        cls.admin_a = cls.make_user("hook_admin_a", groups=(ADMIN_GROUP,), company=cls.company)
        cls.admin_b = cls.make_user("hook_admin_b", groups=(ADMIN_GROUP,),
                                    company=cls.company_b)

    def setUp(self):
        super().setUp()
        REFUSALS.clear()
        self.clock = FakeClock()
        self.patch(REFUSALS, "clock", self.clock)

    def post(self, connection, payload=None, secret=None, raw=None, headers=None):
        raw = raw if raw is not None else json.dumps(payload).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if secret:
            all_headers["X-SuperOffice-Signature"] = compute_signature(secret, raw)
        return self.url_open(f"/superoffice/webhook/{connection.id}", data=raw,
                             headers=all_headers)

    def payload(self, key=1, **values):
        return {"Event": "contact.changed", "PrimaryKey": key, "Entity": "contact",
                "ContextIdentifier": TENANT, "ChangedByAssociateId": 5, **values}

    def events(self, connection, state=None):
        domain = [("connection_id", "=", connection.id)]
        if state:
            domain.append(("state", "=", state))
        return self.env["superoffice.sync.event"].search(domain)

    def test_a_flood_of_unsigned_calls_is_counted_not_stored_call_by_call(self):
        for _call in range(50):
            self.assertEqual(self.post(self.connection, self.payload()).status_code, 403)
        refused = self.events(self.connection, "refused")
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused.calls, 1)
        self.assertEqual(self.connection.webhook_refused_count, 1)
        self.assertTrue(self.connection.webhook_refused_at)
        # A minute later the next refusal writes the 49 counted meanwhile and itself.
        self.clock.now += REFUSAL_WINDOW
        self.post(self.connection, self.payload(), secret="a guess")
        self.assertEqual(self.connection.webhook_refused_count, 51)
        self.assertEqual(self.events(self.connection, "refused")[0].calls, 50)
        # Company B's connection counted nothing.
        self.assertEqual(self.connection_b.webhook_refused_count, 0)
        self.assertFalse(self.events(self.connection_b))

    def test_refused_rows_keep_a_bounded_sample(self):
        for _minute in range(REFUSED_SAMPLE + 10):
            self.clock.now += REFUSAL_WINDOW
            self.post(self.connection, self.payload())
        self.assertEqual(len(self.events(self.connection, "refused")), REFUSED_SAMPLE)
        self.assertEqual(self.connection.webhook_refused_count, REFUSED_SAMPLE + 10)
        # Each administrator sees the refusals of their own company's connection only.
        self.clock.now += REFUSAL_WINDOW
        self.post(self.connection_b, self.payload(), secret=SECRET_A)
        Event = self.env["superoffice.sync.event"]
        seen_b = Event.with_user(self.admin_b).search([("state", "=", "refused")])
        self.assertEqual(seen_b.connection_id, self.connection_b)
        seen_a = Event.with_user(self.admin_a).search([("state", "=", "refused")])
        self.assertEqual(seen_a.connection_id, self.connection)

    def test_a_body_over_the_cap_is_refused_before_it_is_read(self):
        raw = b'{"Event": "contact.changed", "Pad": "' + b"x" * MAX_BODY + b'"}'
        response = self.post(self.connection, raw=raw, secret=SECRET_A)
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.events(self.connection, "pending"))
        small = self.post(self.connection, self.payload(EventId=str(uuid.uuid4())),
                          secret=SECRET_A)
        self.assertEqual(small.status_code, 200)

    def test_signed_delivery_without_event_id_is_recorded_once_per_connection(self):
        payload = self.payload(key=2)
        for _replay in range(3):
            self.assertEqual(self.post(self.connection, payload, SECRET_A).status_code, 200)
            self.assertEqual(self.post(self.connection_b, payload, SECRET_B).status_code, 200)
        self.assertEqual(len(self.events(self.connection, "pending")), 1)
        self.assertEqual(len(self.events(self.connection_b, "pending")), 1)
        # A different delivery of the same record is a new event.
        self.post(self.connection, self.payload(key=2, Changes=["name"]), SECRET_A)
        self.assertEqual(len(self.events(self.connection, "pending")), 2)

    def test_signed_delivery_with_a_timestamp_far_from_now_is_refused(self):
        now = datetime.now(timezone.utc)
        for connection, secret in ((self.connection, SECRET_A), (self.connection_b, SECRET_B)):
            for stamp in (now - timedelta(days=2), now + timedelta(hours=3)):
                payload = self.payload(key=1, EventId=str(uuid.uuid4()),
                                       Timestamp=stamp.isoformat().replace("+00:00", "Z"))
                self.assertEqual(self.post(connection, payload, secret).status_code, 403)
                self.clock.now += REFUSAL_WINDOW
            self.assertFalse(self.events(connection, "pending"))
            self.assertEqual(connection.webhook_refused_count, 2)
            fresh = self.payload(key=1, EventId=str(uuid.uuid4()),
                                 Timestamp=now.isoformat().replace("+00:00", "Z"))
            self.assertEqual(self.post(connection, fresh, secret).status_code, 200)
            self.assertEqual(len(self.events(connection, "pending")), 1)
