"""The HTTP server: one simulated tenant on 127.0.0.1, started in a thread.

URL layout (everything on one port):
    /api/state/{tenant}                      tenant status (no auth)
    /Login/api/PartnerSystemUser/Authenticate, /login/common/oauth/{authorize,tokens},
    /login/.well-known/{openid-configuration,jwks}
    /{env}{n}/{tenant}/api/v1/...            data; the numbered host is a path prefix
    /{tenant}/api/... or a stale /{env}{n}/  -> 421 Wrong subdomain used to access tenant
    /_sim/...                                control endpoints for demos (faults, move, reset)
On-site mode serves data at /SuperOffice/api/v1/ and has no tenant state.
"""

import datetime as dt
import gc
import json
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from . import api, faults, login, refdata, seed
from .auth import AppCredentials, Tokens
from .erp_page import ErpDemo
from .errors import HttpError, NotFound
from .rates import RequestRates
from .store import Store, utcnow
from .web import Request, Response
from .webhooks import Webhooks

DEFAULTS = {
    "onsite": False, "dev_ticket": None, "ticket_lifetime": 21600,
    "access_token_lifetime": 3600, "system_token_max_age": 600,
    "webhook_retry_delays": (1.0, 4.0), "webhook_timeout": 5.0, "webhook_test_on_create": True,
    "faults": (), "data_file": None, "environment": "sod", "persons_per_company": 3,
    "verbose": False,
}
SNAPSHOT_LIMIT = 20000
# documented tenant states; IsRunning is true only for the first two
RUNNING_STATES = ("Running", "OnlineMaintenance")
TENANT_STATES = (*RUNNING_STATES, "Unknown", "Provisioning", "Deleted", "Suspended",
                 "OfflineMaintenance", "ProvisioningFailed", "Deleting", "DeleteFailed",
                 "MigrationPending")
_NUMBERED = re.compile(r"^[a-z]+\d+$")


class SimServer:
    """A SuperOffice tenant on a free local port. See sim_notes / README for the contract."""

    def __init__(self, tenant="Cust12345", seed_companies=20, seed=1, host="127.0.0.1", port=0,
                 **options):
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown SimServer options: {', '.join(sorted(unknown))}")
        self.tenant, self.seed, self.seed_companies = tenant, seed, seed_companies
        self.host, self.port = host, port
        self.options = {**DEFAULTS, **options}
        self.app = AppCredentials(tenant)
        self.tokens = Tokens(self.options["ticket_lifetime"],
                             self.options["access_token_lifetime"])
        self.faults = faults.Faults(seed)
        self.rates = RequestRates()
        self.store = Store()
        self.store.listeners.append(self._on_event)
        self.erp_page = ErpDemo(self)
        self.webhooks = Webhooks(self, self.options["webhook_retry_delays"],
                                 self.options["webhook_timeout"],
                                 self.options["webhook_test_on_create"])
        self.host_number = 2
        self.tenant_state, self.state_valid_for = "Running", 3600.0
        self.httpd = None
        self.thread = None
        self._load_data()
        # small tenants (tests) reset from an in-memory snapshot in milliseconds; big ones
        # (benchmarks) skip the copy and rebuild from the seed or file when reset
        small = self.store.count("contact") <= SNAPSHOT_LIMIT
        self._snapshot = self.store.snapshot() if small else None
        self._add_initial_faults()

    def _on_event(self, *args):
        self.webhooks.on_event(*args)

    def _load_data(self):
        # millions of small objects: the cyclic collector would rescan them over and over
        gc.disable()
        try:
            self._read_data()
        finally:
            gc.enable()
        if self.store.count("contact") > SNAPSHOT_LIMIT:
            gc.freeze()

    def _read_data(self):
        if self.options["data_file"]:
            self.store.load(self.options["data_file"])
        else:
            self.store.load_records(seed.generate(self.seed_companies, self.seed,
                                                  self.options["persons_per_company"]))

    def _add_initial_faults(self):
        for spec in self.options["faults"]:
            spec = dict(spec)
            self.faults.add(spec.pop("kind"), **spec)

    # -- addresses ---------------------------------------------------------------------------
    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def prefix(self):
        return f"{self.options['environment']}{self.host_number}"

    @property
    def endpoint(self):
        if self.options["onsite"]:
            return f"{self.url}/SuperOffice"
        return f"{self.url}/{self.prefix}/{self.tenant}"

    @property
    def api_base(self):
        return f"{self.endpoint}/api/v1/"

    @property
    def rights(self):
        """Table rights and read-only fields (see `superoffice_sim.rights`); reset clears them."""
        return self.store.rights

    def move_tenant(self):
        """Move the tenant to the next numbered host; old bases answer 421. Returns api_base."""
        self.host_number += 1
        self.store.base = self.api_base
        return self.api_base

    def set_tenant_state(self, state="Running", valid_for=3600.0):
        """Switch what `/api/state` reports. `valid_for` seconds from now give `ValidUntil`
        (negative: already expired). A tenant that is not running answers data requests 503."""
        if state not in TENANT_STATES:
            raise ValueError(f"unknown tenant state {state!r}; use one of "
                             f"{', '.join(TENANT_STATES)}")
        self.tenant_state, self.state_valid_for = state, float(valid_for)

    def expire_tokens(self):
        self.tokens.expire_all()

    def issue_oauth_code(self, redirect_uri=None):
        return self.tokens.new_code(redirect_uri)

    # -- life cycle --------------------------------------------------------------------------
    def start(self):
        self.httpd = _HTTPServer((self.host, self.port), _Handler)
        self.httpd.sim = self
        self.port = self.httpd.server_address[1]
        self.store.base = self.api_base
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sim-http",
                                       daemon=True)
        self.thread.start()
        self.webhooks.start()
        return self

    def stop(self):
        self.faults.cleared.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        self.webhooks.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset(self):
        """Back to the state after start: seed data, no faults/tokens/webhooks, first host."""
        self.faults.clear()
        self._add_initial_faults()
        self.rates.clear()
        self.tokens.clear()
        self.tokens.clock = time.time
        self.tokens.ticket_lifetime = self.options["ticket_lifetime"]
        self.tokens.access_token_lifetime = self.options["access_token_lifetime"]
        self.webhooks.reset()
        self.host_number = 2
        self.set_tenant_state()
        self.store.base = self.api_base
        self.store.clock = utcnow
        self.store.rights.clear()
        refdata.reset_lists()
        refdata.reset_associates()
        if self._snapshot is not None:
            self.store.restore(self._snapshot)
        else:
            self._load_data()

    def add_list_item(self, list_name, value):
        """Add `value` to a list (Category, Business, ProjectStatus, ...), as an administrator
        does in SuperOffice's Settings and maintenance; returns its id. `reset` forgets it."""
        return refdata.add_list_item(list_name, value)

    def add_associate(self, name, full_name, email=""):
        """Add an internal user (its short name, full name and e-mail address), as an
        administrator does in SuperOffice Admin; returns its associate id. `reset` forgets it."""
        return refdata.add_associate(name, full_name, email)

    def retire_associate(self, associate_id):
        """Retire a user: its associate stays, marked deleted. `reset` brings it back."""
        refdata.retire_associate(associate_id)

    # -- request dispatch --------------------------------------------------------------------
    def state(self, tenant):
        if self.options["onsite"] or tenant.lower() != self.tenant.lower():
            raise NotFound(f"Unknown tenant {tenant!r}")
        valid = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.state_valid_for)
        return {"ContextIdentifier": self.tenant, "Endpoint": self.endpoint,
                "State": self.tenant_state, "IsRunning": self.tenant_state in RUNNING_STATES,
                "ValidUntil": valid.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z",
                "Api": f"{self.endpoint}/api"}

    def dispatch(self, req):
        segs = [s for s in req.path.split("/") if s]
        low = [s.lower() for s in segs]
        if low[:2] == ["api", "state"] and len(segs) == 3 and req.method == "GET":
            return Response.json(self.state(segs[2]))
        if low[:1] == ["login"]:
            return self._login(req, low[1:])
        if self.options["onsite"]:
            if low[:2] == ["superoffice", "api"]:
                return api.handle(self, req, segs[2:])
            raise NotFound(f"No endpoint {req.path}")
        tenant = self.tenant.lower()
        if len(low) >= 3 and low[1] == tenant and low[2] == "api":
            if low[0] == self.prefix:
                if self.tenant_state not in RUNNING_STATES:
                    raise HttpError(503, f"Tenant {self.tenant} is not available "
                                         f"(state {self.tenant_state})")
                return api.handle(self, req, segs[3:])
            if _NUMBERED.match(low[0]):
                raise _misdirected(self)
        if len(low) >= 2 and low[0] == tenant and low[1] == "api":
            raise _misdirected(self)
        raise NotFound(f"No endpoint {req.path}")

    def _login(self, req, rest):
        method = req.method
        if rest == ["api", "partnersystemuser", "authenticate"] and method == "POST":
            return login.system_user_authenticate(self, req)
        if rest == ["common", "oauth", "tokens"] and method == "POST":
            return login.oauth_tokens(self, req)
        if rest == ["common", "oauth", "authorize"] and method == "GET":
            return login.oauth_authorize(self, req)
        if rest == [".well-known", "openid-configuration"]:
            return login.openid_configuration(self)
        if rest == [".well-known", "jwks"]:
            return Response.json(self.app.jwks())
        raise NotFound(f"No endpoint {req.path}")

    def control(self, req):
        """`/_sim/...`: runtime switches for manual testing and the demo."""
        try:
            return self._control(req)
        except (ValueError, TypeError, KeyError) as exc:
            raise HttpError(400, f"Bad control request: {exc}")

    def _control(self, req):
        action = req.path[len("/_sim/"):].strip("/").lower()
        if action == "faults" and req.method == "POST":
            spec = req.json()
            fault = self.faults.add(spec.pop("kind"), **spec)
            return Response.json({"added": repr(fault)})
        if action == "faults" and req.method == "DELETE":
            self.faults.clear()
            return Response.empty(204)
        if action == "faults" and req.method == "GET":
            return Response.json([repr(f) for f in self.faults.items])
        if action == "move_tenant" and req.method == "POST":
            return Response.json({"api_base": self.move_tenant()})
        if action == "tenant_state" and req.method == "POST":
            spec = req.json()
            self.set_tenant_state(spec.get("State", "Running"), spec.get("ValidFor", 3600.0))
            return Response.json(self.state(self.tenant))
        if action == "expire_tokens" and req.method == "POST":
            self.expire_tokens()
            return Response.empty(204)
        if action == "rates" and req.method == "GET":
            return Response.json({"peak": self.rates.peak(self.tenant),
                                  "total": self.rates.total(self.tenant),
                                  "per_second": self.rates.per_second(self.tenant)})
        if action == "associates" and req.method == "POST":
            spec = req.json()
            return Response.json({"AssociateId": self.add_associate(
                spec["Name"], spec["FullName"], spec.get("Email", ""))})
        if action == "list_items" and req.method == "POST":
            spec = req.json()
            return Response.json({"Id": self.add_list_item(spec["List"], spec["Value"])})
        if action == "reset" and req.method == "POST":
            self.reset()
            return Response.empty(204)
        raise NotFound(f"No control endpoint {req.path}")


def _misdirected(sim):
    return HttpError(421, "Wrong subdomain used to access tenant", ContextIdentifier=sim.tenant)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "SuperOfficeSim/1.0"

    def log_message(self, fmt, *args):
        if self.server.sim.options["verbose"]:
            super().log_message(fmt, *args)

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _handle(self):
        sim = self.server.sim
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        req = Request(self.command, parts.path, parts.query, self.headers, body)
        if parts.path.startswith("/_sim/"):
            return self._send(self._safe(sim.control, req))
        if parts.path.startswith("/_erp"):
            return self._send(self._safe(sim.erp_page.handle, req))
        sim.rates.record(sim.tenant)  # one tenant: every request counts against its limit
        post = None
        for fault in sim.faults.match(self.command, unquote(self.path)):
            kind = fault.kind
            if kind == "latency":
                time.sleep(fault.seconds)
            elif kind == "expire_tokens":
                sim.expire_tokens()
            elif kind == "move_tenant":
                sim.move_tenant()
            elif kind == "status":
                return self._send(_fault_status(fault))
            elif kind == "reset":
                return self._reset()
            elif kind == "hang":
                sim.faults.cleared.wait(fault.seconds)
                return self._reset()
            else:
                post = post or kind
        response = self._safe(sim.dispatch, req)
        if post == "truncate":
            response.body = faults.truncated(response.body)
        elif post == "malformed":
            response.status, response.body = 200, faults.MALFORMED
        self._send(response)

    @staticmethod
    def _safe(func, req):
        try:
            return func(req)
        except HttpError as exc:
            return Response.error(exc)
        except Exception as exc:  # a simulator bug must still answer like a server would
            return Response.json({"Message": f"Internal error: {type(exc).__name__}: {exc}"},
                                 500)

    def _send(self, response):
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        # headers and body in one write: no small-packet delays on keep-alive connections
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD" and response.body:
            self._headers_buffer.append(response.body)
        self.flush_headers()

    def _reset(self):
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass


def _fault_status(fault):
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    body = fault.body if fault.body is not None else {
        "Message": f"Injected fault: HTTP {fault.status}", "ErrorType": "InjectedFault"}
    return Response(fault.status, json.dumps(body).encode(), headers)
