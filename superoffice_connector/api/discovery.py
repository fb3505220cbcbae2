"""Tenant discovery: where does the tenant's API live right now?

Online tenants are load-balanced across numbered hosts (``sod2``, ``sod3``, …) and move. The
un-numbered host answers ``GET /api/state/{tenant}`` without authentication; its ``Api`` link
(``…/Cust12345/api``) plus ``/v1/`` is the data base URL. The answer is cached until its
``ValidUntil``; a 421 (wrong host) drops the cache so the next call rediscovers.
On-site there is nothing to discover: ``base_url`` is the API root. With a shared state
(``client.shared``) the processes of one connection share the answer until its ``ValidUntil``.
"""

import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from .exceptions import MalformedResponseError, NotFoundError, TenantNotRunningError
from .parsing import parse_datetime
from .shared import shared_get, shared_put
from .transport import json_body

RUNNING_STATES = ("Running", "OnlineMaintenance")
DEFAULT_VALIDITY = timedelta(minutes=10)
MAX_VALIDITY = timedelta(hours=24)


def api_v1_url(api_root):
    """``…/api`` or ``…/api/v1`` or ``…/api/v1/`` -> ``…/api/v1/``."""
    root = api_root.rstrip("/")
    if root.lower().endswith("/v1"):
        return root + "/"
    return root + "/v1/"


class TenantDiscovery:
    def __init__(self, client):
        self.client = client
        self._base = None
        self._valid_until = None
        self._state = None
        self._lock = threading.Lock()

    @property
    def state(self):
        """The last tenant state document (dict) or ``None``."""
        return self._state

    def invalidate(self):
        with self._lock:
            stale, self._base = self._base, None
            self._valid_until = None
        shared = shared_get(self.client.shared, "tenant")
        if stale and shared and shared.get("api") == stale:
            shared_put(self.client.shared, "tenant", None)

    def api_base(self, deadline=None):
        """The data base URL ending in ``/api/v1/``."""
        cfg = self.client.config
        if cfg.is_onsite:
            return api_v1_url(cfg.root_url)
        with self._lock:
            now = datetime.now(timezone.utc)
            if self._base and self._valid_until and now < self._valid_until:
                return self._base
            if self._take_shared(now):
                return self._base
            self._base, self._valid_until = self._discover(deadline)
            shared_put(self.client.shared, "tenant", {
                "where": self._where(), "api": self._base,
                "valid_until": self._valid_until.isoformat(),
            })
            return self._base

    def _where(self):
        return f"{self.client.config.root_url} {self.client.config.tenant.lower()}"

    def _take_shared(self, now):
        """Use the address another process discovered, while it is valid."""
        value = shared_get(self.client.shared, "tenant")
        if not value or value.get("where") != self._where() or not value.get("api"):
            return False
        try:
            valid_until = datetime.fromisoformat(value["valid_until"])
        except (KeyError, TypeError, ValueError):
            return False
        if now >= valid_until:
            return False
        self._base, self._valid_until = value["api"], valid_until
        return True

    def _discover(self, deadline):
        cfg = self.client.config
        # Escaped: a tenant value is configuration typed by a person, never a path of its own.
        path = f"/api/state/{quote(cfg.tenant, safe='')}"
        try:
            response = self.client.transport.send("GET", cfg.root_url + path, deadline=deadline)
        except NotFoundError:
            raise TenantNotRunningError(
                f"SuperOffice does not know the tenant {cfg.tenant} in {cfg.environment}.",
                state="Unknown", status=404,
            )
        data = json_body(response, "GET", path)
        if not isinstance(data, dict):
            raise MalformedResponseError("The tenant state answer is not a JSON object.")
        self._state = data
        state = data.get("State")
        running = data.get("IsRunning")
        if running is None:
            running = state in RUNNING_STATES
        if not running:
            raise TenantNotRunningError(
                f"The SuperOffice tenant {cfg.tenant} is not running (state: {state}); "
                "try again later.",
                state=state,
            )
        api = data.get("Api") or (data.get("Endpoint") and data["Endpoint"].rstrip("/") + "/api")
        if not api:
            raise MalformedResponseError("The tenant state answer has no Api link.")
        now = datetime.now(timezone.utc)
        try:
            valid_until = parse_datetime(data.get("ValidUntil")) or now + DEFAULT_VALIDITY
        except MalformedResponseError:
            valid_until = now + DEFAULT_VALIDITY
        valid_until = min(valid_until, now + MAX_VALIDITY)
        return api_v1_url(api), valid_until
