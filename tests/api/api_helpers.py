"""Helpers for the client tests: clients wired to the simulator (`sim` fixture, tests/conftest.py)."""

from superoffice_connector.api import (
    ClientConfig,
    OAuthAuth,
    SuperOfficeClient,
    SystemUserAuth,
    TicketAuth,
)
from superoffice_connector.api.auth import exchange_authorization_code

FAST = {"rate_limit": 0, "backoff_base": 0.005, "backoff_max": 0.02, "read_timeout": 5,
        "connect_timeout": 2, "operation_budget": 20}


def tenant_of(sim):
    return getattr(sim, "tenant", None) or "Cust12345"


def system_user_auth(sim, **overrides):
    app = sim.app
    values = {"system_token": app.system_token, "private_key": app.private_key_pem,
              "client_secret": app.client_secret, "jwt_public_key": app.jwt_public_key_pem}
    values.update(overrides)
    return SystemUserAuth(**values)


def make_client(sim, auth=None, environment="sod", **options):
    settings = dict(FAST)
    settings.update(options)
    config = ClientConfig(environment=environment, tenant=settings.pop("tenant", tenant_of(sim)),
                          auth=auth or system_user_auth(sim), base_url=sim.url, **settings)
    return SuperOfficeClient(config)


def oauth_tokens(sim):
    """Run the authorization-code grant against the simulator; returns the token JSON."""
    app = sim.app
    bootstrap = make_client(sim, auth=TicketAuth("unused"))
    try:
        return exchange_authorization_code(bootstrap, app.client_id, app.client_secret,
                                           sim.issue_oauth_code(), app.redirect_uri)
    finally:
        bootstrap.close()


def oauth_auth(sim, tokens, **overrides):
    app = sim.app
    values = {"client_id": app.client_id, "client_secret": app.client_secret,
              "access_token": tokens["access_token"], "refresh_token": tokens.get("refresh_token"),
              "redirect_uri": app.redirect_uri}
    values.update(overrides)
    return OAuthAuth(**values)
