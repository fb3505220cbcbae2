"""Tenant discovery through /api/state and rediscovery on 421."""

import pytest
from api_helpers import make_client

from superoffice_connector.api import MisdirectedError, TenantNotRunningError


def test_api_base_comes_from_tenant_state_and_is_cached(client, sim):
    assert client.discovery.api_base() == sim.api_base
    count = client.request_count
    assert client.discovery.api_base() == sim.api_base
    assert client.request_count == count
    assert client.discovery.state["IsRunning"] is True


def test_tenant_move_is_followed_after_421(client, sim):
    client.contacts.get(1)
    new_base = sim.move_tenant()
    assert client.contacts.get(2).id == 2
    assert client.discovery.api_base() == new_base


def test_tenant_moving_during_a_request(client, sim):
    client.contacts.get(1)
    sim.faults.add("move_tenant", path=r"/Contact/3", count=1)
    assert client.contacts.get(3).id == 3
    assert client.discovery.api_base() == sim.api_base


def test_second_421_in_a_row_is_not_retried_forever(client, sim):
    sim.faults.add("status", status=421, count=None)
    with pytest.raises(MisdirectedError):
        client.contacts.get(1)
    assert client.request_count <= 5  # state, 421, state again, 421


def test_unknown_tenant_gives_clear_error(sim):
    with make_client(sim, tenant="Cust99999") as client, pytest.raises(TenantNotRunningError, match="Cust99999"):
        client.contacts.get(1)


def test_tenant_is_escaped_in_the_state_url(sim):
    """A tenant typed with URL characters names no other URL (here: the real tenant's state)."""
    tenant = f"{sim.tenant}?x=1"
    with make_client(sim, tenant=tenant) as client, pytest.raises(TenantNotRunningError):
        client.contacts.get(1)


@pytest.mark.parametrize("state", ["Suspended", "OfflineMaintenance", "Deleted"])
def test_tenant_not_running_gives_clear_error(sim, state):
    sim.set_tenant_state(state)
    with make_client(sim) as client, pytest.raises(TenantNotRunningError) as info:
        client.contacts.get(1)
    assert info.value.state == state and state in str(info.value)
    assert client.request_count == 1  # no login, no data request


def test_online_maintenance_still_serves(sim):
    sim.set_tenant_state("OnlineMaintenance")
    with make_client(sim) as client:
        assert client.contacts.get(1).id == 1


def test_expired_valid_until_is_rediscovered(sim):
    sim.set_tenant_state("Running", valid_for=-60)
    with make_client(sim) as client:
        client.contacts.get(1)
        count = client.request_count
        client.contacts.get(1)
        assert client.request_count == count + 2  # state again, then the call


def test_tenant_stopping_after_discovery_is_noticed_at_the_next_check(sim):
    sim.set_tenant_state("Running", valid_for=-60)
    with make_client(sim) as client:
        client.contacts.get(1)
        sim.set_tenant_state("OfflineMaintenance")
        with pytest.raises(TenantNotRunningError):
            client.contacts.get(1)
