"""ListItems: list values by name, cached for every process of a connection, read again when a
name is missing (against the simulator, two clients sharing one state as two workers do)."""

from api_helpers import make_client

from superoffice_connector.api import MemoryState
from superoffice_connector.api.lists import ListItems


def test_names_match_case_insensitively(client):
    lists = ListItems(client)
    assert lists("Category", "Competitor") == 5
    assert lists("Category", "competitor") == 5
    assert lists("ProjectStatus", "In Progress") == 2
    assert lists("Business", "Finance") == 5


def shared_client(sim, shared):
    client = make_client(sim)
    client.shared = shared
    return client


def test_a_second_process_reads_the_shared_copy_not_superoffice(sim):
    shared = MemoryState()
    with shared_client(sim, shared) as one, shared_client(sim, shared) as two:
        assert ListItems(one)("Category", "Partner") == 4
        # what the second process finds is the shared copy, whatever SuperOffice says now
        shared.put("list:category", {"items": {"Partner": 4, "Competitor": 77}})
        before = two.request_count
        assert ListItems(two)("Category", "Competitor") == 77
        assert two.request_count == before


def test_a_value_added_in_superoffice_is_found_by_reading_again(sim):
    shared = MemoryState()
    with shared_client(sim, shared) as client:
        assert ListItems(client)("Category", "Partner") == 4  # the shared copy is taken
        new_id = sim.add_list_item("Category", "Reseller")
        lists = ListItems(client)
        assert lists("Category", "Reseller") == new_id
        assert shared.get("list:category")["items"]["Reseller"] == new_id


def test_a_value_superoffice_lacks_is_read_for_once_per_instance(sim):
    with shared_client(sim, MemoryState()) as client:
        assert ListItems(client)("Category", "Partner") == 4  # the shared copy is taken
        lists = ListItems(client)
        assert lists("Category", "Partner") == 4
        before = client.request_count
        assert lists("Category", "Wholesaler") is None
        assert client.request_count == before + 1
        assert lists("Category", "Wholesaler") is None
        assert lists("Category", "Nobody") is None
        assert client.request_count == before + 1


def test_a_list_superoffice_does_not_have_is_empty(client):
    assert ListItems(client)("NoSuchList", "Anything") is None
