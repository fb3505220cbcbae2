"""On-site mode (Basic, fixed SOTicket) and the dev ticket, on their own simulator instances."""

import pytest
from api_helpers import FAST, make_client

from superoffice_connector.api import (
    AuthenticationError,
    ClientConfig,
    OnsiteAuth,
    SuperOfficeClient,
    TicketAuth,
)

sim_module = pytest.importorskip("superoffice_sim")

DEV_TICKET = "7T:dev-ticket-for-tests"


@pytest.fixture(scope="module")
def onsite_sim():
    with sim_module.SimServer(tenant="Cust12345", seed_companies=5, seed=3, onsite=True) as sim:
        yield sim


@pytest.fixture(scope="module")
def dev_sim():
    with sim_module.SimServer(tenant="Cust12345", seed_companies=5, seed=4,
                              dev_ticket=DEV_TICKET) as sim:
        yield sim


def _onsite_client(sim, auth):
    config = ClientConfig(environment="onsite", tenant="", auth=auth,
                          base_url=sim.api_base, **FAST)
    return SuperOfficeClient(config)


def test_onsite_basic_auth_against_api_root(onsite_sim):
    auth = OnsiteAuth(onsite_sim.app.onsite_username, onsite_sim.app.onsite_password)
    with _onsite_client(onsite_sim, auth) as client:
        assert client.contacts.get(1).id == 1
        assert client.request_count == 1  # no discovery on-site


def test_onsite_wrong_password(onsite_sim):
    with _onsite_client(onsite_sim, OnsiteAuth(onsite_sim.app.onsite_username, "nope")) as c, pytest.raises(AuthenticationError):
        c.contacts.get(1)


def test_basic_auth_is_not_offered_online(dev_sim):
    with pytest.raises(AuthenticationError):
        make_client(dev_sim, auth=OnsiteAuth("user", "pw"))


def test_dev_ticket(dev_sim):
    with make_client(dev_sim, auth=TicketAuth(DEV_TICKET, app_token="anything")) as client:
        assert client.contacts.get(1).id == 1
