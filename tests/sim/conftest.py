import pytest
from sim_helpers import Api


@pytest.fixture
def api(sim):
    return Api(sim)
