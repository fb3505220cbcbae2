"""Webhook registration through the client and verification of real simulator deliveries."""

import http.server
import threading

import pytest

from superoffice_connector.api import parse_webhook, verify_signature

SECRET = "webhook-secret-for-tests"


class _Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append((dict(self.headers), raw))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/superoffice/webhook", _Receiver.received
    server.shutdown()
    server.server_close()


def test_registered_webhook_delivers_verifiable_events(client, sim, receiver):
    url, received = receiver
    hook = client.register_webhook("Odoo", ["contact.changed"], url, SECRET)
    assert hook["WebhookId"] and any(h["WebhookId"] == hook["WebhookId"]
                                     for h in client.list_webhooks())
    client.contacts.patch(3, {"Name": "Webhook trigger"})
    sim.webhooks.wait_idle(timeout=5)
    events = []
    for headers, raw in received:
        signature = {k.lower(): v for k, v in headers.items()}.get("x-superoffice-signature")
        assert verify_signature(SECRET, raw, signature)
        assert not verify_signature("another secret", raw, signature)
        events.append(parse_webhook(raw))
    changed = [e for e in events if e.event == "contact.changed"]
    assert [(e.entity, e.primary_key) for e in changed] == [("contact", 3)]
    client.delete_webhook(hook["WebhookId"])
    assert all(h["WebhookId"] != hook["WebhookId"] for h in client.list_webhooks())
