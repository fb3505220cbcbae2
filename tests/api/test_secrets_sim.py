"""No secret ever appears in an exception message or a log line."""

import logging

import pytest
from api_helpers import make_client, oauth_auth, oauth_tokens, system_user_auth

from superoffice_connector.api import SuperOfficeError, TicketAuth
from superoffice_connector.api.auth import exchange_authorization_code


def _secrets(sim, tokens):
    app = sim.app
    values = [app.client_secret, app.system_token, tokens["access_token"],
              tokens.get("refresh_token"), app.private_key_pem]
    values += [line for line in app.private_key_pem.splitlines() if len(line) > 20][:3]
    return [v for v in values if v]


def test_no_secret_in_messages_or_logs(sim, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = oauth_tokens(sim)
    messages = []

    def attempt(client, action):
        try:
            action(client)
        except SuperOfficeError as exc:
            messages.append(str(exc))
            messages.append(repr(exc.args))

    scenarios = [
        (make_client(sim), lambda c: c.contacts.get(999999)),
        (make_client(sim, auth=system_user_auth(sim, client_secret="bad-secret-value")),
         lambda c: c.current_principal()),
        (make_client(sim, auth=TicketAuth(tokens["access_token"], app_token="app-token-xyz")),
         lambda c: c.contacts.get(1)),
        (make_client(sim, auth=oauth_auth(sim, tokens, refresh_token="stale-refresh-xyz")),
         lambda c: (sim.expire_tokens(), c.contacts.get(1))),
        (make_client(sim, max_retries=1), lambda c: (
            sim.faults.add("status", status=503, count=2), c.contacts.get(1))),
        (make_client(sim), lambda c: c.contacts.create({"Name": "y" * 5000})),
    ]
    live_secrets = []
    for client, action in scenarios:
        with client:
            attempt(client, action)
            live_secrets.extend(client._auth.secrets())  # tickets/tokens obtained on the way
    assert any(s.startswith("7T:") for s in live_secrets)
    assert len(messages) == 2 * len(scenarios)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    reprs = repr(system_user_auth(sim)) + repr(oauth_auth(sim, tokens))
    for secret in _secrets(sim, tokens) + live_secrets + ["bad-secret-value",
                                                          "stale-refresh-xyz"]:
        for text in messages:
            assert secret not in text
        assert secret not in logs
        assert secret not in reprs


def test_server_echo_of_a_secret_is_redacted(sim):
    """If SuperOffice ever echoed the ticket in an error, the client would strip it."""
    ticket = "7T:echoed-ticket-value"
    sim.faults.add("status", status=401, count=1,
                   body={"Message": f"bad ticket {ticket} with app-token-value"})
    auth = TicketAuth(ticket, app_token="app-token-value")
    with make_client(sim, auth=auth) as client, pytest.raises(SuperOfficeError) as info:
        client.contacts.get(1)
    assert "bad ticket *** with ***" in str(info.value)


def test_token_endpoint_echo_of_the_form_is_redacted(sim):
    code = sim.issue_oauth_code()
    app = sim.app
    sim.faults.add("status", path=r"/oauth/tokens", status=500, count=1,
                   body={"Message": f"failed for code={code} secret={app.client_secret}"})
    client = make_client(sim, auth=TicketAuth("unused-ticket"), max_retries=0)
    with client, pytest.raises(SuperOfficeError) as info:
        exchange_authorization_code(client, app.client_id, app.client_secret, code,
                                    app.redirect_uri)
    assert info.value.status == 500 and "failed for code=***" in str(info.value)
    assert code not in str(info.value) and app.client_secret not in str(info.value)
    assert code not in repr(info.value.args)
