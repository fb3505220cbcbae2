"""ListItems: list values by name, cached for every process of a connection with the time the
list was read, read again when a name is missing only once that copy is older than
``REREAD_AFTER`` (against the simulator, two clients sharing one state as two workers do;
``GET List/<name>/Items`` requests counted on the simulator)."""

import time

from api_helpers import make_client

from superoffice_connector.api import MemoryState
from superoffice_connector.api.lists import ListItems
from superoffice_connector.api.shared import REREAD_AFTER


def test_names_match_case_insensitively(client):
    lists = ListItems(client)
    assert lists("Category", "Competitor") == 5
    assert lists("Category", "competitor") == 5
    assert lists("ProjectStatus", "In Progress") == 2
    assert lists("Business", "Finance") == 5


def shared_client(sim, shared, **options):
    client = make_client(sim, **options)
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


def category_reads(sim):
    """Counts the simulator's ``GET List/Category/Items`` requests (``.hits``)."""
    return sim.faults.add("latency", seconds=0, method="GET", path=r"/api/v1/List/Category/")


def age(shared, name="list:category", seconds=REREAD_AFTER):
    """The shared copy of a list as if it were read ``seconds`` earlier."""
    value = shared.get(name)
    value["read_at"] -= seconds
    shared.put(name, value)


def test_a_value_added_in_superoffice_is_found_once_the_copy_is_old(sim):
    shared = MemoryState()
    with shared_client(sim, shared) as client:
        assert ListItems(client)("Category", "Partner") == 4  # the shared copy is taken
        new_id = sim.add_list_item("Category", "Reseller")
        reads = category_reads(sim)
        assert ListItems(client)("Category", "Reseller") is None  # the copy is new
        assert reads.hits == 0
        age(shared)
        assert ListItems(client)("Category", "Reseller") == new_id
        assert reads.hits == 1
        assert shared.get("list:category")["items"]["Reseller"] == new_id
        assert time.time() - shared.get("list:category")["read_at"] < 60


def test_a_value_superoffice_lacks_is_read_for_once_per_interval(sim):
    shared = MemoryState()
    with shared_client(sim, shared) as one, shared_client(sim, shared) as two:
        assert ListItems(one)("Category", "Partner") == 4  # the shared copy is taken
        reads = category_reads(sim)
        # one lookup per record, as the sync built them: no read within the interval
        for process in (one, two) * 3:
            lists = ListItems(process)
            assert lists("Category", "Partner") == 4
            assert lists("Category", "Wholesaler") is None
            assert lists("Category", "Nobody") is None
        assert reads.hits == 0
        age(shared)
        for process in (two, one) * 3:
            lists = ListItems(process)
            assert lists("Category", "Wholesaler") is None
            assert lists("Category", "Nobody") is None
        assert reads.hits == 1  # one read again, by the first to miss; the others take its copy


def test_a_list_copy_without_its_read_time_is_old(sim):
    shared = MemoryState()
    with shared_client(sim, shared) as client:
        shared.put("list:category", {"items": {"Partner": 4}})  # kept by an older version
        reads = category_reads(sim)
        lists = ListItems(client)
        assert lists("Category", "Partner") == 4
        assert reads.hits == 0
        assert lists("Category", "Competitor") == 5
        assert reads.hits == 1
        assert shared.get("list:category")["read_at"] > 0


def test_a_failed_read_again_keeps_the_list_and_fails_nothing(sim):
    shared = MemoryState()
    with shared_client(sim, shared, max_retries=0) as client:
        assert ListItems(client)("Category", "Partner") == 4
        new_id = sim.add_list_item("Category", "Reseller")
        age(shared)
        kept = shared.get("list:category")
        down = sim.faults.add("status", status=503, method="GET", path=r"/api/v1/List/Category/")
        lists = ListItems(client)
        assert lists("Category", "Reseller") is None  # held, not an error
        assert lists("Category", "Partner") == 4
        assert lists("Category", "Nobody") is None
        assert down.hits == 1  # this lookup does not try again
        assert shared.get("list:category") == kept
        sim.faults.remove(down)
        assert ListItems(client)("Category", "Reseller") == new_id  # still old: read again


def test_a_list_superoffice_does_not_have_is_empty(client):
    assert ListItems(client)("NoSuchList", "Anything") is None


def test_a_persons_own_action_reads_a_new_copy_again_once(sim):
    """Sync now, a wizard (``fresh``): a name missing from a copy read moments ago makes the list
    be read again at once, once per lookup, so that a value just added in SuperOffice is found."""
    shared = MemoryState()
    with shared_client(sim, shared) as client:
        assert ListItems(client)("Category", "Partner") == 4  # the shared copy is taken
        new_id = sim.add_list_item("Category", "Importer")
        reads = category_reads(sim)
        assert ListItems(client)("Category", "Importer") is None  # a run: the copy is new
        assert reads.hits == 0
        lists = ListItems(client, fresh=True)
        assert lists("Category", "Importer") == new_id
        assert reads.hits == 1
        # the same lookup misses again without reading again
        assert lists("Category", "Nobody") is None
        assert lists("Category", "Nobody either") is None
        assert reads.hits == 1
        # the copy it read is shared: a run finds the new value without reading
        assert ListItems(client)("Category", "Importer") == new_id
        assert reads.hits == 1
