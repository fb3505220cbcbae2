"""Login endpoints (system user, OAuth, OIDC metadata) and the API credential check."""

import base64
import binascii
import datetime as dt
import time
from urllib.parse import urlencode, urlparse

from .auth import CLAIM, Unauthorized
from .web import Response


def _jwt_claims(sim, associate_id, lifetime, **extra):
    now = int(time.time())
    claims = {
        "iss": f"{sim.url}/login", "aud": sim.app.client_id, "iat": now, "nbf": now,
        "exp": now + lifetime, "sub": f"{associate_id}@{sim.tenant}",
        CLAIM + "ctx": sim.tenant, CLAIM + "associateid": str(associate_id),
        CLAIM + "webapi_url": sim.api_base[: -len("v1/")],
        CLAIM + "netserver_url": sim.api_base.replace("/api/v1/", "/Remote/Services88/"),
        CLAIM + "serial": "1234567890",
    }
    claims.update(extra)
    return claims


def system_user_authenticate(sim, req):
    """POST /Login/api/PartnerSystemUser/Authenticate: in-band errors, like the real service."""
    body = req.json(required=False) or {}

    def fail(message):
        return Response.json({"IsSuccessful": False, "Token": None, "ErrorMessage": message})

    if not isinstance(body, dict):
        return fail("Request body must be a JSON object")
    if body.get("ApplicationToken") != sim.app.client_secret:
        return fail("Invalid application token")
    if body.get("ContextIdentifier") != sim.tenant:
        return fail(f"Unknown context identifier {body.get('ContextIdentifier')!r}")
    parts = str(body.get("SignedSystemToken") or "").rsplit(".", 2)
    if len(parts) != 3:
        return fail("SignedSystemToken must be 'token.yyyyMMddHHmm.signature'")
    token, stamp, signature = parts
    if token != sim.app.system_token:
        return fail("Unknown system user token")
    try:
        signed_at = dt.datetime.strptime(stamp, "%Y%m%d%H%M").replace(tzinfo=dt.timezone.utc)
        raw_signature = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        return fail("SignedSystemToken has a bad timestamp or signature encoding")
    age = abs((dt.datetime.now(dt.timezone.utc) - signed_at).total_seconds())
    if age > sim.options["system_token_max_age"]:
        return fail("SignedSystemToken has expired; sign it with the current UTC time")
    if not sim.app.verify_app_signature(f"{token}.{stamp}".encode(), raw_signature):
        return fail("SignedSystemToken signature does not match the application's public key")
    associate_id = sim.app.system_associate_id
    ticket = sim.tokens.new_ticket(associate_id)
    claims = _jwt_claims(sim, associate_id, sim.tokens.ticket_lifetime,
                         **{CLAIM + "ticket": ticket, CLAIM + "system_token": token,
                            CLAIM + "is_administrator": "False"})
    return Response.json({"IsSuccessful": True, "Token": sim.app.sign_jwt(claims),
                          "ErrorMessage": ""})


def _oauth_error(error, description, status=400):
    return Response.json({"error": error, "error_description": description}, status)


def _client_credentials(req, form):
    auth = req.header("Authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            return user, password
        except (ValueError, binascii.Error):
            return None, None
    return form.get("client_id"), form.get("client_secret")


def _is_loopback(uri):
    host = urlparse(uri or "").hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def oauth_tokens(sim, req):
    """POST /login/common/oauth/tokens for authorization_code and refresh_token grants."""
    form = req.form()
    client_id, client_secret = _client_credentials(req, form)
    if client_id != sim.app.client_id or client_secret != sim.app.client_secret:
        return _oauth_error("invalid_client", "Unknown client or wrong client secret", 401)
    grant = form.get("grant_type")
    tokens = sim.tokens
    if grant == "authorization_code":
        entry = tokens.take_code(form.get("code", ""))
        if entry is None:
            return _oauth_error("invalid_grant", "Authorization code is invalid or expired")
        associate_id, redirect_uri, _ = entry
        if redirect_uri and form.get("redirect_uri") != redirect_uri:
            return _oauth_error("invalid_grant", "redirect_uri does not match")
        refresh = tokens.new_refresh_token(associate_id)
    elif grant == "refresh_token":
        associate_id = tokens.refresh.get(form.get("refresh_token", ""))
        if associate_id is None:
            return _oauth_error("invalid_grant", "Refresh token is invalid or revoked")
        refresh = None
    else:
        return _oauth_error("unsupported_grant_type", f"Unsupported grant_type {grant!r}")
    body = {"token_type": "Bearer",
            "access_token": tokens.new_access_token(sim.tenant, associate_id),
            "expires_in": tokens.access_token_lifetime}
    if refresh:
        body["refresh_token"] = refresh
    body["id_token"] = sim.app.sign_jwt(_jwt_claims(
        sim, associate_id, tokens.access_token_lifetime,
        **{CLAIM + "system_token": sim.app.system_token,
           CLAIM + "email": "roy.de.jong@example.com", CLAIM + "is_administrator": "True",
           CLAIM + "company_name": "Simulated tenant", CLAIM + "upn": "RJ"}))
    return Response.json(body)


def oauth_authorize(sim, req):
    """GET /login/common/oauth/authorize: consent is automatic; redirects with a code."""
    if req.param("client_id") != sim.app.client_id:
        return _oauth_error("invalid_client", "Unknown client_id")
    redirect_uri = req.param("redirect_uri") or sim.app.redirect_uri
    if redirect_uri != sim.app.redirect_uri and not _is_loopback(redirect_uri) \
            and not redirect_uri.startswith("https://"):
        return _oauth_error("invalid_request", "redirect_uri must be https or loopback")
    code = sim.tokens.new_code(redirect_uri)
    query = {"code": code}
    if req.param("state") is not None:
        query["state"] = req.param("state")
    sep = "&" if "?" in redirect_uri else "?"
    return Response(302, b"", {"Location": f"{redirect_uri}{sep}{urlencode(query)}"})


def openid_configuration(sim):
    login = f"{sim.url}/login"
    return Response.json({
        "issuer": login, "authorization_endpoint": f"{login}/common/oauth/authorize",
        "token_endpoint": f"{login}/common/oauth/tokens",
        "jwks_uri": f"{login}/.well-known/jwks", "scopes_supported": ["openid"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "grant_types_supported": ["implicit", "authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
    })


def authenticate(sim, req):
    """Associate id of the caller of a data request, or raise 401."""
    auth = (req.header("Authorization") or "").strip()
    scheme, _, credential = auth.partition(" ")
    scheme, credential = scheme.lower(), credential.strip()
    onsite = sim.options["onsite"]
    if not auth:
        raise Unauthorized("Authorization has been denied for this request: no credentials.")
    if scheme == "soticket":
        if sim.options["dev_ticket"] and credential == sim.options["dev_ticket"]:
            return sim.app.user_associate_id
        associate_id = sim.tokens.check_ticket(credential)
        if associate_id is None:
            raise Unauthorized("Ticket is unknown or has expired.")
        if not onsite and req.header("SO-AppToken") != sim.app.client_secret:
            raise Unauthorized("SO-AppToken header is missing or wrong (use the client_secret).")
        return associate_id
    if scheme == "bearer":
        if onsite:
            raise Unauthorized("Bearer tokens are not accepted by an on-site installation.")
        associate_id = sim.tokens.check_access_token(credential)
        if associate_id is None:
            raise Unauthorized("Access token is unknown or has expired.")
        return associate_id
    if scheme == "basic":
        if not onsite:
            raise Unauthorized("Basic authentication is not allowed in SuperOffice Online.")
        try:
            user, _, password = base64.b64decode(credential).decode().partition(":")
        except (ValueError, binascii.Error):
            raise Unauthorized("Malformed Basic credentials.")
        if (user, password) != (sim.app.onsite_username, sim.app.onsite_password):
            raise Unauthorized("Wrong user name or password.")
        return sim.app.user_associate_id
    raise Unauthorized(f"Unsupported authorization scheme {scheme!r}.")
