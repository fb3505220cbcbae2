"""Authentication modes against the simulator over HTTP."""

import time

import pytest
from api_helpers import make_client, oauth_auth, oauth_tokens, system_user_auth
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from superoffice_connector.api import AuthenticationError, TicketAuth
from superoffice_connector.api.signing import private_key_to_xml


def _other_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_system_user_logs_in_once_and_reuses_the_ticket(sim):
    with make_client(sim) as client:
        principal = client.current_principal()
        assert principal
        first = client.request_count  # state + Authenticate + currentPrincipal
        assert first == 3
        client.contacts.get(1)
        client.current_principal()
        assert client.request_count == first + 2


def test_ticket_cache_is_shared_by_clients_of_the_same_tenant(sim):
    with make_client(sim) as one:
        one.current_principal()
    with make_client(sim) as two:
        two.current_principal()
        assert two.request_count == 2  # state + call, no new Authenticate


def test_system_user_with_rsa_xml_key(sim):
    auth = system_user_auth(sim, private_key=private_key_to_xml(sim.app.private_key_pem))
    with make_client(sim, auth=auth) as client:
        assert client.current_principal()


def test_wrong_private_key_is_refused_clearly(sim):
    with make_client(sim, auth=system_user_auth(sim, private_key=_other_pem())) as client, pytest.raises(AuthenticationError, match="refused the system user login"):
        client.current_principal()


def test_jwt_from_an_unexpected_signer_is_refused(sim):
    other_public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = other_public.public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with make_client(sim, auth=system_user_auth(sim, jwt_public_key=pem)) as client, pytest.raises(AuthenticationError, match="signature"):
        client.current_principal()


def test_ticket_expiring_between_calls_is_renewed_once(sim):
    with make_client(sim) as client:
        client.contacts.get(1)
        sim.expire_tokens()
        before = client.request_count
        assert client.contacts.get(1).id == 1
        assert client.request_count == before + 3  # 401, Authenticate, repeat


def test_ticket_expiring_mid_run_of_a_paged_read(sim):
    sim.faults.add("expire_tokens", path=r"\$skip=10\b", count=1)
    with make_client(sim) as client:
        ids = [row.id for row in client.iter_rows("contact", page_size=5)]
    assert ids == sorted(sim.store.ids("contact"))


def test_wrong_app_token_fails_without_looping(sim):
    with make_client(sim, auth=system_user_auth(sim, client_secret="wrong-secret")) as client, pytest.raises(AuthenticationError):
        client.current_principal()
        assert client.request_count <= 4


def test_fixed_ticket_that_is_unknown_gives_authentication_error(sim):
    with make_client(sim, auth=TicketAuth("7T:bogus", app_token=sim.app.client_secret)) as c:
        with pytest.raises(AuthenticationError) as info:
            c.contacts.get(1)
        assert info.value.status == 401
        assert c.request_count == 2  # state + one refused call, no retry for a fixed ticket


def test_oauth_access_token_works_and_refreshes_after_expiry(sim):
    tokens = oauth_tokens(sim)
    saved = []
    auth = oauth_auth(sim, tokens, expires_at=time.time() + 3600, on_tokens=saved.append)
    with make_client(sim, auth=auth) as client:
        client.contacts.get(1)
        sim.expire_tokens()
        assert client.contacts.get(2).id == 2
    assert len(saved) == 1
    assert saved[0]["access_token"] != tokens["access_token"]
    assert saved[0]["refresh_token"] == tokens["refresh_token"]


def test_oauth_refreshes_before_a_known_expiry(sim):
    tokens = oauth_tokens(sim)
    saved = []
    auth = oauth_auth(sim, tokens, expires_at=time.time() - 5, on_tokens=saved.append)
    with make_client(sim, auth=auth) as client:
        client.contacts.get(1)
        assert client.request_count == 3  # state, refresh, GET: no 401 round trip
    assert len(saved) == 1


def test_oauth_refused_refresh_token_fails_clearly(sim):
    tokens = oauth_tokens(sim)
    auth = oauth_auth(sim, tokens, refresh_token="revoked-refresh-token")
    with make_client(sim, auth=auth) as client:
        sim.expire_tokens()
        with pytest.raises(AuthenticationError, match="authorise the connection again"):
            client.contacts.get(1)


def test_oauth_without_refresh_token_fails_on_401(sim):
    tokens = oauth_tokens(sim)
    with make_client(sim, auth=oauth_auth(sim, tokens, refresh_token=None)) as client:
        sim.expire_tokens()
        with pytest.raises(AuthenticationError):
            client.contacts.get(1)


def test_ticket_older_than_its_lifetime_is_not_reused(sim):
    with make_client(sim, auth=system_user_auth(sim, ticket_lifetime=0, lifetime_margin=0)) as c:
        c.current_principal()
        count = c.request_count
        c.current_principal()
        assert c.request_count == count + 2  # Authenticate again, then the call
