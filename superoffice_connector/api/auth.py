"""Authentication modes.

The ``*Auth`` classes are immutable descriptions of credentials (secrets are hidden from
``repr``). ``SuperOfficeClient`` turns one into an *authenticator* that produces request headers,
caches the ticket / access token and knows whether a refused request may be retried:

* :class:`SystemUserAuth` — server-to-server. Signs ``system_token.yyyyMMddHHmm`` with the app's
  RSA key, exchanges it at ``POST {root}/Login/api/PartnerSystemUser/Authenticate`` for a JWT,
  checks the JWT (signature if ``jwt_public_key`` is set, ``exp``/``nbf``, tenant ``ctx`` claim)
  and reads the ticket claim. The ticket is cached per process (keyed by host, tenant and a hash of
  the system token) and reused while it was used within the last 6 hours (SuperOffice's sliding
  lifetime, minus a margin). A 401 drops it and authenticates once more. With a shared state
  (``client.shared``, see ``shared.py``) the processes of one connection share the ticket: a
  process whose cache is empty takes the one another process obtained instead of logging in.
* :class:`OAuthAuth` — a user's access token. Refreshed with the refresh token shortly before
  ``expires_at`` and once after a 401/403; ``on_tokens`` receives the new tokens so they can be
  stored. A refused refresh raises :class:`AuthenticationError`.
* :class:`OnsiteAuth` — Basic user/password, for on-site installations only.
* :class:`TicketAuth` — a fixed ``SOTicket`` (on-site ticket, the simulator's dev ticket), with an
  optional app token for Online.
"""

import base64
import hashlib
import threading
import time
from dataclasses import dataclass, field

from .exceptions import AuthenticationError, MalformedResponseError, SuperOfficeError
from .shared import shared_get, shared_put
from .signing import TICKET_CLAIM, decode_jwt, sign_system_token
from .transport import Deadline, json_body, redact

SYSTEM_USER_PATH = "/Login/api/PartnerSystemUser/Authenticate"
OAUTH_TOKEN_PATH = "/login/common/oauth/tokens"
TICKET_LIFETIME = 6 * 3600
SHARE_USE_EVERY = 600  # seconds between two updates of the shared ticket's last use
_TICKETS = {}
_TICKETS_LOCK = threading.Lock()


@dataclass(frozen=True)
class SystemUserAuth:
    system_token: str = field(repr=False)
    private_key: object = field(repr=False)  # PEM or <RSAKeyValue> XML
    client_secret: str = field(repr=False)  # ApplicationToken and SO-AppToken
    jwt_public_key: object = field(default=None, repr=False)
    ticket_lifetime: float = TICKET_LIFETIME
    lifetime_margin: float = 300.0

    def authenticator(self, client):
        return _SystemUserAuthenticator(self, client)


@dataclass(frozen=True)
class OAuthAuth:
    client_id: str
    client_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None  # epoch seconds
    on_tokens: object = field(default=None, repr=False, compare=False)
    redirect_uri: str | None = None
    refresh_margin: float = 60.0

    def authenticator(self, client):
        return _OAuthAuthenticator(self, client)


@dataclass(frozen=True)
class OnsiteAuth:
    username: str
    password: str = field(repr=False)

    def authenticator(self, client):
        if not client.config.is_onsite:
            raise AuthenticationError("Basic authentication is only allowed on-site.")
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")
        return _StaticAuthenticator({"Authorization": f"Basic {token}"},
                                    (self.password, token))


@dataclass(frozen=True)
class TicketAuth:
    ticket: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)

    def authenticator(self, client):
        headers = {"Authorization": f"SOTicket {self.ticket}"}
        if self.app_token:
            headers["SO-AppToken"] = self.app_token
        return _StaticAuthenticator(headers, (self.ticket, self.app_token))


class _StaticAuthenticator:
    def __init__(self, headers, secrets):
        self._headers = headers
        self._secrets = tuple(s for s in secrets if s)

    def headers(self, deadline=None):
        return dict(self._headers)

    def retry_after_rejection(self, status):
        return False

    def mark_used(self):
        pass

    def secrets(self):
        return self._secrets


class _SystemUserAuthenticator:
    def __init__(self, spec, client):
        self.spec = spec
        self.client = client
        digest = hashlib.sha256(spec.system_token.encode()).hexdigest()
        self._key = (client.config.root_url, client.config.tenant.lower(), digest)
        self._shared_key = hashlib.sha256(repr(self._key).encode()).hexdigest()
        self._shared_at = 0.0
        self._lock = threading.Lock()

    def _fresh(self, last_used):
        return time.time() - last_used <= self.spec.ticket_lifetime - self.spec.lifetime_margin

    def _cached(self):
        with _TICKETS_LOCK:
            entry = _TICKETS.get(self._key)
        if entry and self._fresh(entry[1]):
            return entry[0]
        return self._shared_ticket()

    def _shared_ticket(self):
        """The ticket another process of the connection obtained, if still fresh."""
        value = shared_get(self.client.shared, "ticket")
        if not value or value.get("key") != self._shared_key or not value.get("ticket"):
            return None
        last_used = float(value.get("used") or 0)
        if not self._fresh(last_used):
            return None
        with _TICKETS_LOCK:
            _TICKETS[self._key] = (value["ticket"], last_used)
        self._shared_at = last_used
        return value["ticket"]

    def _share(self, ticket, used):
        shared_put(self.client.shared, "ticket",
                   {"key": self._shared_key, "ticket": ticket, "used": used})
        self._shared_at = used

    def headers(self, deadline=None):
        with self._lock:
            ticket = self._cached() or self._authenticate(deadline)
        return {"Authorization": f"SOTicket {ticket}", "SO-AppToken": self.spec.client_secret}

    def _authenticate(self, deadline):
        cfg = self.client.config
        body = {
            "SignedSystemToken": sign_system_token(self.spec.system_token, self.spec.private_key),
            "ApplicationToken": self.spec.client_secret,
            "ContextIdentifier": cfg.tenant,
            "ReturnTokenType": "JWT",
        }
        url = cfg.root_url + SYSTEM_USER_PATH
        try:
            response = self.client.transport.send(
                "POST", url, json=body, idempotent=True, deadline=deadline or Deadline(60)
            )
        except SuperOfficeError as exc:
            if isinstance(exc, AuthenticationError):
                raise
            raise AuthenticationError(f"The system user could not log in: {exc}",
                                      status=exc.status)
        data = json_body(response, "POST", SYSTEM_USER_PATH)
        if not isinstance(data, dict):
            raise MalformedResponseError("The system user login answer is not a JSON object.")
        if not data.get("IsSuccessful"):
            reason = self.client.transport.redact(str(data.get("ErrorMessage") or "no reason"))
            raise AuthenticationError(f"SuperOffice refused the system user login: {reason}")
        claims = decode_jwt(str(data.get("Token") or ""), public_key=self.spec.jwt_public_key,
                            tenant=cfg.tenant)
        ticket = claims.get(TICKET_CLAIM)
        if not ticket:
            raise MalformedResponseError("The system user JWT carries no ticket claim.")
        now = time.time()
        with _TICKETS_LOCK:
            _TICKETS[self._key] = (ticket, now)
        self._share(ticket, now)
        return ticket

    def retry_after_rejection(self, status):
        if status != 401:
            return False
        with _TICKETS_LOCK:
            entry = _TICKETS.pop(self._key, None)
        shared = shared_get(self.client.shared, "ticket")
        if entry and shared and shared.get("ticket") == entry[0]:
            shared_put(self.client.shared, "ticket", None)  # refused: nobody reuses it
        return True

    def mark_used(self):
        now = time.time()
        with _TICKETS_LOCK:
            entry = _TICKETS.get(self._key)
            if entry:
                _TICKETS[self._key] = (entry[0], now)
        if entry and now - self._shared_at > SHARE_USE_EVERY:
            self._share(entry[0], now)  # the sliding lifetime, for the other processes

    def secrets(self):
        with _TICKETS_LOCK:
            entry = _TICKETS.get(self._key)
        return tuple(s for s in (self.spec.system_token, self.spec.client_secret,
                                 entry and entry[0]) if s)


class _OAuthAuthenticator:
    def __init__(self, spec, client):
        self.spec = spec
        self.client = client
        self.access_token = spec.access_token
        self.refresh_token = spec.refresh_token
        self.expires_at = spec.expires_at
        self._lock = threading.Lock()

    def headers(self, deadline=None):
        with self._lock:
            if self.expires_at is not None and self.refresh_token and (
                time.time() > self.expires_at - self.spec.refresh_margin
            ):
                self._refresh(deadline)
            return {"Authorization": f"Bearer {self.access_token}"}

    def retry_after_rejection(self, status):
        if status not in (401, 403) or not self.refresh_token:
            return False
        with self._lock:
            self._refresh(None)
        return True

    def _refresh(self, deadline):
        form = {
            "grant_type": "refresh_token",
            "client_id": self.spec.client_id,
            "client_secret": self.spec.client_secret,
            "refresh_token": self.refresh_token,
        }
        if self.spec.redirect_uri:
            form["redirect_uri"] = self.spec.redirect_uri
        data = request_tokens(self.client, form, deadline)
        self.access_token = data["access_token"]
        self.refresh_token = data.get("refresh_token") or self.refresh_token
        self.expires_at = time.time() + float(data.get("expires_in") or 3600)
        if self.spec.on_tokens:
            self.spec.on_tokens({"access_token": self.access_token,
                                 "refresh_token": self.refresh_token,
                                 "expires_at": self.expires_at})

    def mark_used(self):
        pass

    def secrets(self):
        return tuple(s for s in (self.access_token, self.refresh_token, self.spec.client_secret,
                                 self.spec.access_token, self.spec.refresh_token) if s)


def request_tokens(client, form, deadline=None):
    """POST the token endpoint (authorization_code or refresh_token grant); return the JSON."""
    url = client.config.root_url + OAUTH_TOKEN_PATH
    try:
        response = client.transport.send("POST", url, data=form, idempotent=True,
                                         deadline=deadline or Deadline(60))
    except SuperOfficeError as exc:
        if exc.status in (400, 401):
            raise AuthenticationError(
                "SuperOffice refused the OAuth token request; authorise the connection again.",
                status=exc.status)
        # the form's code / refresh token / secret may not be known to the client's redaction
        form_secrets = [form.get(k) for k in ("client_secret", "refresh_token", "code")]
        message = redact(exc.message, form_secrets)
        if message != exc.message:
            exc.message = message
            exc.args = (message,)
        raise
    data = json_body(response, "POST", OAUTH_TOKEN_PATH)
    if not isinstance(data, dict) or not data.get("access_token"):
        raise MalformedResponseError("The OAuth token answer has no access_token.")
    return data


def exchange_authorization_code(client, client_id, client_secret, code, redirect_uri):
    """Authorization-code grant; returns the token JSON (access, refresh, id token, expires_in)."""
    return request_tokens(client, {
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "client_secret": client_secret, "redirect_uri": redirect_uri,
    })


def clear_ticket_cache():
    """Forget every cached system-user ticket of this process."""
    with _TICKETS_LOCK:
        _TICKETS.clear()
