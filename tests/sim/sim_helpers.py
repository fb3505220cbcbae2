"""Helpers for the simulator tests: an authenticated HTTP session and a webhook receiver."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from superoffice_sim import sign_system_token

CLAIM = "http://schemes.superoffice.net/identity/"


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def authenticate(sim, **overrides):
    body = {"SignedSystemToken": sign_system_token(sim.app.system_token, sim.app.private_key_pem),
            "ApplicationToken": sim.app.client_secret, "ContextIdentifier": sim.tenant,
            "ReturnTokenType": "JWT"}
    body.update(overrides)
    return requests.post(f"{sim.url}/Login/api/PartnerSystemUser/Authenticate", json=body,
                         timeout=5)


def system_ticket(sim):
    answer = authenticate(sim).json()
    assert answer["IsSuccessful"], answer["ErrorMessage"]
    return jwt_claims(answer["Token"])[CLAIM + "ticket"]


class Api:
    """requests.Session bound to the simulator's current API base, as the system user."""

    def __init__(self, sim, ticket=None):
        self.sim = sim
        self.session = requests.Session()
        self.session.headers.update({
            "Authorization": f"SOTicket {ticket or system_ticket(sim)}",
            "SO-AppToken": sim.app.client_secret, "Accept": "application/json"})

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.sim.api_base + path, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def rows(self, path, **params):
        answer = self.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()["value"]


class Receiver:
    """A local webhook target recording each POST; `statuses` are answered in turn.

    With a `gate` (threading.Event), deliveries other than the test POST are held until it is
    set; `arrived` is set as soon as one of them came in.
    """

    def __init__(self, statuses=(200,), gate=None):
        self.statuses = list(statuses)
        self.calls = []
        self.lock = threading.Lock()
        self.gate = gate
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.calls.append({"headers": dict(self.headers), "body": body})
                    status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 \
                        else receiver.statuses[0]
                if receiver.gate is not None and self.headers.get("X-Hook-Test") != "true":
                    receiver.arrived.set()
                    receiver.gate.wait(10)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def events(self):
        """Payloads of non-test deliveries."""
        with self.lock:
            return [json.loads(c["body"]) for c in self.calls
                    if c["headers"].get("X-Hook-Test") != "true"]
