"""Fixtures of the client tests; the simulator fixtures `sim`/`sim_server` are in tests/conftest.py."""

import pytest
from api_helpers import make_client

from superoffice_connector.api.auth import clear_ticket_cache


@pytest.fixture(autouse=True)

def _fresh_ticket_cache():
    clear_ticket_cache()
    yield
    clear_ticket_cache()


@pytest.fixture
def client(sim):
    with make_client(sim) as c:
        yield c
