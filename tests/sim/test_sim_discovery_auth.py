"""Items 1-3: running it, tenant discovery with 421 and moves, authentication."""

import base64
import datetime as dt
import os
import subprocess
import sys
import time

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sim_helpers import CLAIM, Api, authenticate, jwt_claims, system_ticket

from superoffice_sim import SimServer, sign_system_token


def test_cli_prints_base_url_and_serves_the_dev_ticket(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "superoffice_sim", "--port", "0",
                             "--seed-companies", "3", "--dev-ticket", "DEV"],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "started in" in line:
                break
        text = "".join(lines)
        base = next(ln.split()[-1] for ln in lines if "API base URL" in ln)
        assert "SOTicket DEV" in text and "PartnerSystemUser/Authenticate" in text
        answer = requests.get(base + "Contact/1", headers={"Authorization": "SOTicket DEV"},
                              timeout=5)
        assert answer.status_code == 200 and answer.json()["ContactId"] == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_dump_writes_loadable_data(tmp_path):
    target = tmp_path / "seed.json"
    subprocess.run([sys.executable, "-m", "superoffice_sim", "--seed-companies", "4",
                    "--dump", str(target)], check=True, capture_output=True, timeout=60)
    sim = SimServer(data_file=str(target))
    assert sim.store.count("contact") == 4
    assert sim.store.count("person") >= 4


def test_tenant_state_without_auth(sim):
    state = requests.get(f"{sim.url}/api/state/{sim.tenant}", timeout=5).json()
    assert set(state) == {"ContextIdentifier", "Endpoint", "State", "IsRunning", "ValidUntil",
                          "Api"}
    assert state["ContextIdentifier"] == sim.tenant and state["IsRunning"] is True
    assert state["State"] == "Running"
    assert state["Api"] + "/v1/" == sim.api_base
    assert state["ValidUntil"].endswith("Z")
    assert requests.get(f"{sim.url}/api/state/Cust99999", timeout=5).status_code == 404


@pytest.mark.parametrize("state, running", [("OnlineMaintenance", True),
                                            ("OfflineMaintenance", False),
                                            ("Suspended", False)])
def test_tenant_state_can_be_switched(api, sim, state, running):
    sim.set_tenant_state(state, valid_for=-60)
    answer = requests.get(f"{sim.url}/api/state/{sim.tenant}", timeout=5).json()
    assert answer["State"] == state and answer["IsRunning"] is running
    valid_until = dt.datetime.fromisoformat(answer["ValidUntil"][:19])
    assert valid_until < dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert api.get("Contact/1").status_code == (200 if running else 503)


def test_tenant_state_control_endpoint_and_reset(sim_server):
    control = f"{sim_server.url}/_sim/tenant_state"
    assert requests.post(control, json={"State": "Sleeping"}, timeout=5).status_code == 400
    answer = requests.post(control, json={"State": "Deleted"}, timeout=5)
    assert answer.json()["State"] == "Deleted" and answer.json()["IsRunning"] is False
    sim_server.reset()
    assert sim_server.state(sim_server.tenant)["State"] == "Running"


def test_api_link_gives_version_info(sim):
    info = requests.get(sim.api_base[:-len("v1/")], timeout=5).json()
    assert info["v1"] == sim.api_base and info["Version"] == "v1"


def test_unnumbered_host_answers_421(api, sim):
    answer = api.session.get(f"{sim.url}/{sim.tenant}/api/v1/Contact/1", timeout=5)
    assert answer.status_code == 421
    assert answer.json()["Message"] == "Wrong subdomain used to access tenant"


def test_moved_tenant_old_base_421_new_base_from_state(api, sim):
    old = sim.api_base
    new = sim.move_tenant()
    assert new != old and "/sod3/" in new
    assert api.session.get(old + "Contact/1", timeout=5).status_code == 421
    state = requests.get(f"{sim.url}/api/state/{sim.tenant}", timeout=5).json()
    assert state["Api"] + "/v1/" == new
    assert api.session.get(new + "Contact/1", timeout=5).status_code == 200
    assert api.get("Contact/1").json()["_Links"]["Self"].startswith(new)


def test_reset_brings_the_tenant_back(sim_server):
    sim_server.move_tenant()
    sim_server.reset()
    assert "/sod2/" in sim_server.api_base


def test_system_user_jwt_is_rs256_signed_with_ticket_ctx_and_exp(sim):
    answer = authenticate(sim)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"IsSuccessful", "Token", "ErrorMessage"} and body["IsSuccessful"]
    header_b64, payload_b64, sig_b64 = body["Token"].split(".")
    header = jwt_claims(f"x.{header_b64}.y")
    assert header["alg"] == "RS256"
    key = serialization.load_pem_public_key(sim.app.jwt_public_key_pem.encode())
    signature = base64.urlsafe_b64decode(sig_b64 + "=" * (-len(sig_b64) % 4))
    key.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(),
               hashes.SHA256())
    claims = jwt_claims(body["Token"])
    assert claims[CLAIM + "ticket"].startswith("7T:")
    assert claims[CLAIM + "ctx"] == sim.tenant
    assert claims["exp"] > time.time()
    assert claims[CLAIM + "webapi_url"] + "v1/" == sim.api_base


@pytest.mark.parametrize("override, message", [
    ({"ApplicationToken": "wrong"}, "application token"),
    ({"ContextIdentifier": "Cust00001"}, "context identifier"),
    ({"SignedSystemToken": "garbage"}, "SignedSystemToken"),
])
def test_system_user_rejects_bad_requests_in_band(sim, override, message):
    body = authenticate(sim, **override).json()
    assert body["IsSuccessful"] is False and body["Token"] is None
    assert message.lower() in body["ErrorMessage"].lower()


def test_system_user_rejects_foreign_key_and_stale_timestamp(sim):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    forged = sign_system_token(sim.app.system_token, other_pem)
    assert "signature" in authenticate(sim, SignedSystemToken=forged).json()["ErrorMessage"]
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    stale = sign_system_token(sim.app.system_token, sim.app.private_key_pem, when=old)
    assert "expired" in authenticate(sim, SignedSystemToken=stale).json()["ErrorMessage"]


def test_ticket_needs_the_app_token_online(sim):
    ticket = system_ticket(sim)
    url = sim.api_base + "Contact/1"
    assert requests.get(url, headers={"Authorization": f"SOTicket {ticket}"},
                        timeout=5).status_code == 401
    assert requests.get(url, headers={"Authorization": f"SOTicket {ticket}",
                                      "SO-AppToken": sim.app.client_secret},
                        timeout=5).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "SOTicket 7T:unknown"},
                                     {"Authorization": "Bearer 8A:unknown"},
                                     {"Authorization": "Basic YWRtaW46YWRtaW4="}])
def test_missing_or_bad_credentials_give_401(sim, headers):
    answer = requests.get(sim.api_base + "Contact/1", headers=headers, timeout=5)
    assert answer.status_code == 401
    assert "Message" in answer.json()


def _tokens(sim, **form):
    return requests.post(f"{sim.url}/login/common/oauth/tokens", data={
        "client_id": sim.app.client_id, "client_secret": sim.app.client_secret, **form},
        timeout=5)


def test_oauth_code_then_bearer_then_refresh(sim):
    code = sim.issue_oauth_code()
    first = _tokens(sim, grant_type="authorization_code", code=code,
                    redirect_uri=sim.app.redirect_uri).json()
    bearer = {"Authorization": f"Bearer {first['access_token']}"}
    me = requests.get(sim.api_base + "User/currentPrincipal", headers=bearer, timeout=5).json()
    assert me["AssociateId"] == sim.app.user_associate_id
    assert jwt_claims(first["id_token"])[CLAIM + "ctx"] == sim.tenant
    again = _tokens(sim, grant_type="authorization_code", code=code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    refreshed = _tokens(sim, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != \
        first["access_token"]
    assert _tokens(sim, grant_type="refresh_token", refresh_token="nope").status_code == 400
    bad_client = _tokens(sim, grant_type="refresh_token", refresh_token=first["refresh_token"],
                         client_secret="wrong")
    assert bad_client.status_code == 401


def test_authorize_redirects_with_code_and_state(sim):
    answer = requests.get(f"{sim.url}/login/common/oauth/authorize", params={
        "client_id": sim.app.client_id, "redirect_uri": sim.app.redirect_uri,
        "response_type": "code", "state": "xyz"}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(sim.app.redirect_uri) and "state=xyz" in location
    code = location.split("code=")[1].split("&")[0]
    assert _tokens(sim, grant_type="authorization_code", code=code,
                   redirect_uri=sim.app.redirect_uri).status_code == 200


def test_access_tokens_expire(sim):
    sim.tokens.access_token_lifetime = 60
    token = _tokens(sim, grant_type="authorization_code", code=sim.issue_oauth_code()).json()
    assert token["expires_in"] == 60
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert requests.get(sim.api_base + "Contact/1", headers=bearer, timeout=5).ok
    sim.tokens.clock = lambda: time.time() + 61
    assert requests.get(sim.api_base + "Contact/1", headers=bearer, timeout=5).status_code == 401


def test_ticket_expiry_is_sliding(sim):
    sim.tokens.ticket_lifetime = 100
    api = Api(sim)
    start = time.time()
    for step in (60, 120, 180):  # each use renews the 100 s window
        sim.tokens.clock = lambda s=step: start + s
        assert api.get("Contact/1").status_code == 200
    sim.tokens.clock = lambda: start + 181 + 101
    assert api.get("Contact/1").status_code == 401


def test_expire_tokens_now(sim, api):
    assert api.get("Contact/1").status_code == 200
    sim.expire_tokens()
    assert api.get("Contact/1").status_code == 401


def test_onsite_mode_basic_and_no_bearer():
    with SimServer(seed_companies=2, onsite=True) as onsite:
        assert onsite.api_base.endswith("/SuperOffice/api/v1/")
        url = onsite.api_base + "Contact/1"
        good = requests.get(url, auth=(onsite.app.onsite_username, onsite.app.onsite_password),
                            timeout=5)
        assert good.status_code == 200
        assert requests.get(url, auth=("admin", "wrong"), timeout=5).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer 8A:x"},
                            timeout=5).status_code == 401
        assert requests.get(f"{onsite.url}/api/state/Cust12345", timeout=5).status_code == 404


def test_openid_metadata_and_jwks(sim):
    meta = requests.get(f"{sim.url}/login/.well-known/openid-configuration", timeout=5).json()
    assert meta["token_endpoint"].endswith("/login/common/oauth/tokens")
    jwks = requests.get(meta["jwks_uri"], timeout=5).json()
    assert jwks["keys"][0]["alg"] == "RS256"


def test_users_and_list_items_can_be_added_through_the_control_endpoint(api, sim):
    """For the demo: a user or a list item added while Odoo runs, as an administrator adds them
    in SuperOffice."""
    base = f"{sim.url}/_sim"
    answer = requests.post(f"{base}/associates", json={
        "Name": "OB", "FullName": "Olga Berg", "Email": "olga@example.com"}, timeout=5)
    associate_id = answer.json()["AssociateId"]
    answer = requests.post(f"{base}/list_items", json={"List": "Category", "Value": "Importer"},
                           timeout=5)
    item_id = answer.json()["Id"]
    assert requests.post(f"{base}/associates", json={"Name": "X"}, timeout=5).status_code == 400
    rows = api.get("User", params={"$select": "associateDbId,fullName,personEmail"}).json()
    olga = [row for row in rows["value"] if row["PrimaryKey"] == str(associate_id)]
    assert [(row["fullName"], row["personEmail"]) for row in olga] == [
        ("Olga Berg", "olga@example.com")]
    items = api.get("List/Category/Items").json()
    assert {"Id": item_id, "Name": "Importer"}.items() <= next(
        item for item in items if item["Id"] == item_id).items()
