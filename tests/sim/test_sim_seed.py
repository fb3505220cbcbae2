"""Item 8: deterministic, realistic seed data; JSON dump and load."""

from collections import Counter

from superoffice_sim import SimServer
from superoffice_sim.seed import generate


def test_same_seed_same_data_other_seed_other_data():
    assert generate(30, seed=5) == generate(30, seed=5)
    assert generate(30, seed=5)["contact"] != generate(30, seed=6)["contact"]


def test_seed_is_varied_and_realistic():
    data = generate(400, seed=1)
    contacts, persons = data["contact"], data["person"]
    countries = Counter(c["country_id"] for c in contacts)
    assert {578, 752, 208, 528, 826} <= set(countries)  # Nordic, Dutch, English
    names = [c["name"] for c in contacts]
    assert len(set(names)) < len(names)  # exact duplicates
    lowered = Counter(n.lower() for n in names)
    assert any(n != n.upper() and n.upper() in names for n in names) or \
        any(v > 1 for v in lowered.values())  # near duplicates differ only in case/spacing
    assert any("'" in c["name"] for c in contacts) or any("'" in p["lastname"] for p in persons)
    text = " ".join(names + [p["lastname"] for p in persons])
    assert any(ch in text for ch in "øæåØÆÅ")
    assert all(c["orgnr"] and c["phones"] and c["emails"] and c["postal"]["City"]
               for c in contacts)
    assert all(p["emails"][0][0].isascii() for p in persons)
    assert 2.5 < len(persons) / len(contacts) < 3.5
    assert data["project"] and all(p["members"] for p in data["project"])


def test_dump_and_load_round_trip(tmp_path, sim):
    sim.store.patch("contact", 1, {"Name": "Ødegård & Sønner AS"})
    path = tmp_path / "tenant.json"
    sim.store.dump(str(path))
    copy = SimServer(data_file=str(path))
    assert copy.store.get("contact", 1)["Name"] == "Ødegård & Sønner AS"
    for kind in ("contact", "person", "project"):
        assert copy.store.ids(kind) == sim.store.ids(kind)
    created = copy.store.create("contact", {"Name": "After load"})
    assert created["ContactId"] == max(sim.store.ids("contact")) + 1
