"""Credentials of the simulated tenant: app keys, system-user tickets, OAuth tokens, JWTs.

Tickets (`7T:...`) have a sliding lifetime (each use renews it); access tokens (`8A:...`) expire
after a fixed lifetime; refresh tokens live until `reset`. `expire_all()` ends every ticket and
access token at once, as a tenant restart or a long pause would.
"""

import base64
import datetime as dt
import functools
import hashlib
import json
import secrets
import threading
import time
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import refdata
from .errors import HttpError

CLAIM = "http://schemes.superoffice.net/identity/"
_KEYS = {}


def _key(name):
    """RSA keys are made once per process: generating them is the slow part of start-up."""
    if name not in _KEYS:
        _KEYS[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEYS[name]


def _pem(key, private=False):
    if private:
        return key.private_bytes(serialization.Encoding.PEM,
                                 serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class AppCredentials:
    """What the client needs: readable as attributes and as `app["client_secret"]`."""

    def __init__(self, tenant):
        app_key, jwt_key = _key("app"), _key("jwt")
        self.client_id = "sim-" + hashlib.sha1(tenant.encode()).hexdigest()[:24]
        self.client_secret = "sim-secret-" + hashlib.sha1(f"s{tenant}".encode()).hexdigest()
        self.private_key_pem = _pem(app_key, private=True)
        self.public_key_pem = _pem(app_key)
        self.system_token = "Odoo Connector-" + hashlib.sha1(f"t{tenant}".encode()).hexdigest()[:16]
        self.jwt_public_key_pem = _pem(jwt_key)
        self.redirect_uri = "http://127.0.0.1/callback"
        self.onsite_username = "admin"
        self.onsite_password = "admin"
        self.system_associate_id = refdata.SYSTEM_ASSOCIATE_ID
        self.user_associate_id = refdata.USER_ASSOCIATE_ID
        self._app_public = app_key.public_key()
        self._jwt_key = jwt_key
        self.kid = b64url(hashlib.sha1(self.jwt_public_key_pem.encode()).digest())

    def __getitem__(self, name):
        return getattr(self, name)

    def as_dict(self):
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def sign_jwt(self, claims):
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid, "x5t": self.kid}
        signing_input = ".".join(b64url(json.dumps(p, separators=(",", ":")).encode())
                                 for p in (header, claims))
        signature = self._jwt_key.sign(signing_input.encode(), padding.PKCS1v15(),
                                       hashes.SHA256())
        return f"{signing_input}.{b64url(signature)}"

    def verify_app_signature(self, data, signature):
        try:
            self._app_public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            return True
        except InvalidSignature:
            return False

    def jwks(self):
        numbers = self._jwt_key.public_key().public_numbers()

        def enc(n):
            return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))

        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "x5t": self.kid, "n": enc(numbers.n), "e": enc(numbers.e)}]}


@functools.lru_cache(maxsize=8)
def _load_private_key(pem):
    # loading checks the key, which takes tens of milliseconds: do it once per key
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign_system_token(system_token, private_key_pem, when=None):
    """Client-side helper (used by tests): the SignedSystemToken for `when` (default now)."""
    key = _load_private_key(private_key_pem)
    when = when or dt.datetime.now(dt.timezone.utc)
    data = f"{system_token}.{when:%Y%m%d%H%M}"
    signature = key.sign(data.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{data}.{base64.b64encode(signature).decode()}"


class Unauthorized(HttpError):
    def __init__(self, message):
        super().__init__(401, message)
        self.headers = {"WWW-Authenticate": 'SOTicket, Bearer realm="SuperOffice"'}


class Tokens:
    """Issued tickets, access tokens, refresh tokens and authorization codes."""

    def __init__(self, ticket_lifetime=21600, access_token_lifetime=3600):
        self.lock = threading.Lock()
        self.clock = time.time
        self.ticket_lifetime = ticket_lifetime
        self.access_token_lifetime = access_token_lifetime
        self.clear()

    def clear(self):
        with self.lock:
            self.tickets, self.access, self.refresh, self.codes = {}, {}, {}, {}
            self.counter = 0

    def new_ticket(self, associate_id):
        with self.lock:
            self.counter += 1
            raw = f"{uuid.uuid4()};{self.counter}".encode()
            ticket = "7T:" + base64.b64encode(raw).decode()
            self.tickets[ticket] = [associate_id, self.clock() + self.ticket_lifetime]
            return ticket

    def new_access_token(self, tenant, associate_id):
        with self.lock:
            token = f"8A:{tenant}.A" + base64.b64encode(secrets.token_bytes(48)).decode()
            self.access[token] = [associate_id, self.clock() + self.access_token_lifetime]
            return token

    def new_refresh_token(self, associate_id):
        with self.lock:
            token = secrets.token_urlsafe(48)
            self.refresh[token] = associate_id
            return token

    def new_code(self, redirect_uri=None, associate_id=refdata.USER_ASSOCIATE_ID):
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.codes[code] = (associate_id, redirect_uri, self.clock() + 600)
            return code

    def take_code(self, code):
        with self.lock:
            entry = self.codes.pop(code, None)
            if entry is None or entry[2] < self.clock():
                return None
            return entry

    def check_ticket(self, ticket):
        """Associate id of a live ticket (renewing it), or None."""
        with self.lock:
            entry = self.tickets.get(ticket)
            now = self.clock()
            if entry is None or entry[1] < now:
                return None
            entry[1] = now + self.ticket_lifetime
            return entry[0]

    def check_access_token(self, token):
        with self.lock:
            entry = self.access.get(token)
            if entry is None or entry[1] < self.clock():
                return None
            return entry[0]

    def expire_all(self):
        with self.lock:
            past = self.clock() - 1
            for entry in (*self.tickets.values(), *self.access.values()):
                entry[1] = past
