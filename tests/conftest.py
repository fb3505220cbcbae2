"""Shared pytest fixtures: one SuperOffice simulator per test session, reset before each test.

    def test_something(sim):            # fresh seed data, no faults/tokens/webhooks
        requests.get(sim.url + "/api/state/" + sim.tenant)

`sim_server` is the same server without the reset (for read-only module-level use).
"""

import pytest

from superoffice_sim import SimServer

SIM_OPTIONS = {
    "tenant": "Cust12345",
    "seed_companies": 20,
    "seed": 1,
    # short webhook retry delays keep delivery tests fast; the defaults are 1 s and 4 s
    "webhook_retry_delays": (0.05, 0.1),
    "webhook_timeout": 2.0,
}


@pytest.fixture(scope="session")
def sim_server():
    with SimServer(**SIM_OPTIONS) as server:
        yield server


@pytest.fixture
def sim(sim_server):
    sim_server.reset()
    yield sim_server
    sim_server.faults.clear()
