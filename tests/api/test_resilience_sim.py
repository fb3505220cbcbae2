"""Retries, backoff, Retry-After, time budget and the POST rule, with the simulator's faults."""

import socket

import pytest
from api_helpers import FAST, make_client

from superoffice_connector.api import (
    AmbiguousWriteError,
    ClientConfig,
    MalformedResponseError,
    RateLimitedError,
    ServerError,
    SuperOfficeClient,
    TicketAuth,
    TransportError,
)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_statuses_are_retried(client, sim, status):
    client.contacts.get(1)
    fault = sim.faults.add("status", path=r"/Contact/2", status=status, count=2)
    assert client.contacts.get(2).id == 2
    assert fault.hits == 2


def test_retries_are_bounded(sim):
    with make_client(sim, max_retries=3) as client:
        client.contacts.get(1)
        fault = sim.faults.add("status", path=r"/Contact/2", status=503)
        with pytest.raises(ServerError) as info:
            client.contacts.get(2)
    assert info.value.status == 503
    assert fault.hits == 4


def test_retry_after_is_honoured_and_longer_than_budget_fails_fast(sim):
    with make_client(sim, operation_budget=3) as client:
        client.contacts.get(1)
        sim.faults.add("status", path=r"/Contact/2", status=429, retry_after=1, count=1)
        assert client.contacts.get(2).id == 2
        fault = sim.faults.add("status", path=r"/Contact/2", status=429, retry_after=60)
        with pytest.raises(RateLimitedError) as info:
            client.contacts.get(2)
    assert info.value.retry_after == 60
    assert fault.hits == 1  # no pointless wait, no second attempt


def test_time_budget_stops_retrying(sim):
    with make_client(sim, max_retries=1000, backoff_base=0.05, backoff_max=0.05,
                     operation_budget=0.5) as client:
        client.contacts.get(1)
        fault = sim.faults.add("status", path=r"/Contact/2", status=502)
        with pytest.raises(ServerError):
            client.contacts.get(2)
    assert 1 <= fault.hits < 1000


def test_connection_reset_on_read_is_retried(client, sim):
    client.contacts.get(1)
    fault = sim.faults.add("reset", path=r"/Contact/2", count=1)
    assert client.contacts.get(2).id == 2
    assert fault.hits == 1


def test_hang_hits_read_timeout_then_retries(sim):
    with make_client(sim, read_timeout=0.3) as client:
        client.contacts.get(1)
        fault = sim.faults.add("hang", path=r"/Contact/2", seconds=5, count=1)
        assert client.contacts.get(2).id == 2
    assert fault.hits == 1


def test_latency_is_tolerated(client, sim):
    sim.faults.add("latency", seconds=0.05)
    assert client.contacts.get(1).id == 1


@pytest.mark.parametrize("kind", ["malformed", "truncate"])
def test_unreadable_answers_are_malformed_errors(client, sim, kind):
    client.contacts.get(1)
    sim.faults.add(kind, path=r"/Contact/2", count=1)
    with pytest.raises(MalformedResponseError):
        client.contacts.get(2)


def test_unreachable_server_is_a_transport_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = ClientConfig("sod", "Cust1", TicketAuth("t"), base_url=f"http://127.0.0.1:{port}",
                          **dict(FAST, max_retries=2))
    with SuperOfficeClient(config) as client, pytest.raises(TransportError):
        client.contacts.get(1)
    assert client.request_count == 3


def _count(sim, name):
    return sum(1 for i in sim.store.ids("contact") if sim.store.get("contact", i)["Name"] == name)


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 502}, {"kind": "reset"},
                                   {"kind": "hang", "seconds": 5}])
def test_ambiguous_create_without_marker_is_not_repeated(sim, fault):
    with make_client(sim, read_timeout=0.3) as client:
        client.contacts.get(1)
        kind = fault.pop("kind")
        injected = sim.faults.add(kind, path=r"/Contact$", method="POST", count=1, **fault)
        with pytest.raises(AmbiguousWriteError, match="check SuperOffice"):
            client.contacts.create({"Name": "No marker Ltd"})
    assert injected.hits == 1
    assert _count(sim, "No marker Ltd") <= 1


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 503}, {"kind": "reset"},
                                   {"kind": "truncate"}])
def test_ambiguous_create_with_marker_checks_then_creates_once(sim, fault):
    with make_client(sim) as client:
        client.contacts.get(1)
        kind = fault.pop("kind")
        sim.faults.add(kind, path=r"/Contact$", method="POST", count=1, **fault)
        created = client.contacts.create({"Name": "Marked Ltd", "Number2": "odoo-7"},
                                         marker=("number", "odoo-7"))
    assert created.name == "Marked Ltd" and created.id > 0
    assert _count(sim, "Marked Ltd") == 1


def test_post_refused_with_429_is_safely_repeated(client, sim):
    client.contacts.get(1)
    sim.faults.add("status", path=r"/Contact$", method="POST", status=429, count=1)
    created = client.contacts.create({"Name": "Throttled Ltd"})
    assert _count(sim, "Throttled Ltd") == 1 and created.id > 0
