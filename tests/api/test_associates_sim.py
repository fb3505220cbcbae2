"""SuperOffice's users read from ``GET User`` (the AllUsers archive) and paired with Odoo users:
by e-mail address, else by full name, only when each side has exactly one match; retired users
match nobody; cached for every process of a connection with the time it was read, and read again
when a user is missing only once that copy is older than ``REREAD_AFTER`` (against the simulator
over HTTP; ``GET User`` requests counted on the simulator)."""

import time

from api_helpers import make_client

from superoffice_connector.api import MemoryState
from superoffice_connector.api.associates import Associates, OwnerLookup
from superoffice_connector.api.shared import REREAD_AFTER

# the simulator's users (superoffice_sim/refdata.py)
ROY, ASTRID, KARI, LISE, HANS, HANS_TOO, PER = 5, 6, 10, 11, 12, 13, 14


def user(email, name, login=None):
    """An Odoo user as the lookup takes it: (key, e-mail, full name)."""
    return ((email or login).lower(), email, name)


def lookup(client, *users):
    return OwnerLookup(Associates(client), lambda: list(users))


def test_the_user_list_gives_ids_names_emails_and_who_is_retired(client):
    rows = {row["id"]: row for row in client.users()}
    assert rows[KARI] == {"id": KARI, "full_name": "Kari Nordmann",
                          "email": "kari.nordmann@example.com", "active": True}
    assert rows[LISE]["email"] == ""
    assert rows[PER]["active"] is False
    assert client.users(page_size=3) == client.users()  # paged: the same users


def test_a_user_matches_by_email_address_case_insensitively(client):
    kari = user("Kari.Nordmann@Example.com", "K. Nordmann")
    owners = lookup(client, kari)
    assert owners.associate_id("kari.nordmann@example.com") == KARI
    assert owners.owner_key(KARI) == "kari.nordmann@example.com"


def test_an_email_address_in_superoffice_is_not_matched_by_name(client):
    # SuperOffice's Kari has an e-mail address: an Odoo Kari with another one is somebody else
    owners = lookup(client, user("kari@elsewhere.no", "Kari Nordmann"))
    assert owners.associate_id("kari@elsewhere.no") is None
    assert owners.owner_key(KARI) is None


def test_a_user_without_email_in_superoffice_matches_by_full_name(client):
    lise = user("lise@odoo.example", "Lise  Berg")
    owners = lookup(client, lise)
    assert owners.associate_id("lise@odoo.example") == LISE
    assert owners.owner_key(LISE) == "lise@odoo.example"


def test_two_superoffice_users_of_one_name_are_never_guessed_between(client):
    owners = lookup(client, user("hans@odoo.example", "Hans Larsen"))
    assert owners.associate_id("hans@odoo.example") is None
    assert owners.owner_key(HANS) is None
    assert owners.owner_key(HANS_TOO) is None


def test_two_odoo_users_of_one_name_are_never_guessed_between(client):
    owners = lookup(client, user("lise@one.example", "Lise Berg"),
                    user("lise@two.example", "Lise Berg"))
    assert owners.associate_id("lise@one.example") is None
    assert owners.owner_key(LISE) is None


def test_a_retired_user_matches_nobody(client):
    owners = lookup(client, user("per.hansen@example.com", "Per Hansen"))
    assert owners.associate_id("per.hansen@example.com") is None
    assert owners.owner_key(PER) is None
    assert owners.full_name(PER) == "Per Hansen"


def test_an_odoo_user_of_another_company_is_not_offered(client):
    # the lookup only knows the users it is given: those of the record's company
    owners = lookup(client, user("astrid.eriksen@example.com", "Astrid Eriksen"))
    assert owners.owner_key(KARI) is None
    assert owners.owner_key(ASTRID) == "astrid.eriksen@example.com"


def user_reads(sim):
    """Counts the simulator's ``GET User`` requests (``.hits``)."""
    return sim.faults.add("latency", seconds=0, method="GET", path=r"/api/v1/User\?")


def age(shared, seconds=REREAD_AFTER):
    """The shared copy of the users as if it were read ``seconds`` earlier."""
    value = shared.get("users")
    value["read_at"] -= seconds
    shared.put("users", value)


def test_a_user_added_in_superoffice_is_found_once_the_copy_is_old(sim):
    shared = MemoryState()
    with make_client(sim) as client:
        client.shared = shared
        nina = user("nina@example.com", "Nina Nilsen")
        assert lookup(client, nina).associate_id("nina@example.com") is None
        new_id = sim.add_associate("NN", "Nina Nilsen", "nina@example.com")
        reads = user_reads(sim)
        # the copy was read just now: a miss does not read SuperOffice again
        assert lookup(client, nina).associate_id("nina@example.com") is None
        assert reads.hits == 0
        age(shared)
        owners = lookup(client, nina)  # takes the shared copy, old and without her: reads again
        assert owners.associate_id("nina@example.com") == new_id
        assert reads.hits == 1
        assert any(row["id"] == new_id for row in shared.get("users")["users"])
        assert time.time() - shared.get("users")["read_at"] < 60  # the new copy's time


def test_a_second_process_reads_the_shared_copy_and_a_miss_once_per_interval(sim):
    shared = MemoryState()
    with make_client(sim) as one, make_client(sim) as two:
        one.shared = two.shared = shared
        kari = user("kari.nordmann@example.com", "Kari Nordmann")
        nobody = user("nobody@example.com", "No Body")
        assert lookup(one, kari).associate_id(kari[0]) == KARI
        reads = user_reads(sim)
        # one lookup per record, as the sync built them: a miss each, no read within the interval
        for _record in range(5):
            owners = lookup(two, kari, nobody)
            assert owners.associate_id(kari[0]) == KARI
            assert owners.associate_id("nobody@example.com") is None
            assert owners.owner_key(999) is None
        assert reads.hits == 0
        age(shared)
        for process in (one, two, one, two):
            owners = lookup(process, kari, nobody)
            assert owners.associate_id("nobody@example.com") is None
            assert owners.owner_key(999) is None
        assert reads.hits == 1  # one read again, by the first to miss; the others take its copy


def test_a_copy_without_its_read_time_is_old(sim):
    shared = MemoryState()
    with make_client(sim) as client:
        client.shared = shared
        kari = user("kari.nordmann@example.com", "Kari Nordmann")
        shared.put("users", {"users": [{"id": KARI, "full_name": "Kari Nordmann",
                                        "email": "kari.nordmann@example.com", "active": True}]})
        reads = user_reads(sim)
        lise = user("lise@odoo.example", "Lise Berg")
        owners = lookup(client, kari, lise)
        assert owners.associate_id(kari[0]) == KARI
        assert reads.hits == 0  # found in the copy the older version kept
        assert owners.associate_id("lise@odoo.example") == LISE
        assert reads.hits == 1
        assert shared.get("users")["read_at"] > 0


def test_a_failed_read_again_keeps_the_copy_and_fails_nothing(sim):
    shared = MemoryState()
    with make_client(sim, max_retries=0) as client:
        client.shared = shared
        kari = user("kari.nordmann@example.com", "Kari Nordmann")
        nina = user("nina@example.com", "Nina Nilsen")
        assert lookup(client, kari).associate_id(kari[0]) == KARI
        new_id = sim.add_associate("NN", "Nina Nilsen", "nina@example.com")
        age(shared)
        kept = shared.get("users")
        down = sim.faults.add("status", status=503, method="GET", path=r"/api/v1/User\?")
        owners = lookup(client, kari, nina)
        assert owners.associate_id("nina@example.com") is None  # held, not an error
        assert owners.associate_id(kari[0]) == KARI
        assert owners.owner_key(999) is None
        assert down.hits == 1  # this lookup does not try again
        assert shared.get("users") == kept
        sim.faults.remove(down)
        # the copy is still old: the next lookup reads again and finds her
        assert lookup(client, nina).associate_id("nina@example.com") == new_id


def test_a_persons_own_action_reads_a_new_copy_again_once(sim):
    """Sync now, a wizard (``fresh``): a user missing from a copy read moments ago makes the
    users be read again at once, once per lookup."""
    shared = MemoryState()
    with make_client(sim) as client:
        client.shared = shared
        olga = user("olga@example.com", "Olga Berg")
        assert lookup(client, olga).associate_id("olga@example.com") is None
        new_id = sim.add_associate("OB", "Olga Berg", "olga@example.com")
        reads = user_reads(sim)
        assert lookup(client, olga).associate_id("olga@example.com") is None  # a run
        assert reads.hits == 0
        owners = OwnerLookup(Associates(client, fresh=True), lambda: [olga])
        assert owners.associate_id("olga@example.com") == new_id
        assert reads.hits == 1
        assert owners.associate_id("nobody@example.com") is None
        assert owners.owner_key(999999) is None
        assert reads.hits == 1  # once per lookup
        assert lookup(client, olga).associate_id("olga@example.com") == new_id  # shared
        assert reads.hits == 1
