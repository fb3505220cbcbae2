"""Processes of one connection share the system user's ticket and the tenant's address."""

from api_helpers import FAST, system_user_auth, tenant_of

from superoffice_connector.api import ClientConfig, MemoryState, SharedState, SuperOfficeClient
from superoffice_connector.api.auth import clear_ticket_cache


def process_client(sim, store):
    """A client as a fresh Odoo worker process has it: no ticket cached in its memory."""
    clear_ticket_cache()
    config = ClientConfig(environment="sod", tenant=tenant_of(sim), auth=system_user_auth(sim),
                          base_url=sim.url, **FAST)
    return SuperOfficeClient(config, shared=store)


def test_a_second_process_neither_logs_in_nor_discovers_again(sim):
    store = MemoryState()
    with process_client(sim, store) as first:
        first.current_principal()
        assert first.request_count == 3  # tenant state, login, the call
    with process_client(sim, store) as second:
        second.current_principal()
        assert second.request_count == 1  # the call only
    with process_client(sim, SharedState()) as alone:
        alone.current_principal()
        assert alone.request_count == 3


def test_a_refused_shared_ticket_is_replaced_for_everyone(sim):
    store = MemoryState()
    with process_client(sim, store) as first:
        first.current_principal()
    old = store.get("ticket")["ticket"]
    sim.expire_tokens()
    with process_client(sim, store) as second:
        second.current_principal()  # 401 with the shared ticket, one login, the call again
        assert second.request_count == 3
    new = store.get("ticket")["ticket"]
    assert new != old
    with process_client(sim, store) as third:
        third.current_principal()
        assert third.request_count == 1


def test_a_moved_tenant_is_rediscovered_and_shared(sim):
    store = MemoryState()
    with process_client(sim, store) as first:
        first.current_principal()
    sim.move_tenant()
    with process_client(sim, store) as second:
        second.current_principal()  # 421, discovery, the call again
    assert store.get("tenant")["api"] == sim.api_base
    with process_client(sim, store) as third:
        third.current_principal()
        assert third.request_count == 1


class BrokenStore(SharedState):
    def get(self, name):
        raise OSError("the database is gone")

    def put(self, name, value):
        raise OSError("the database is gone")


def test_a_failing_store_never_fails_the_client(sim):
    with process_client(sim, BrokenStore()) as client:
        assert client.current_principal()
        assert client.request_count == 3
