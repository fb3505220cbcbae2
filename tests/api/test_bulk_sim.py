"""Bulk reads: archive columns give the same canonical values as the entities, for every
default mapping row, with a GET only for the records whose mapped fields no column carries."""

import pytest

from superoffice_connector.api.bulk import SOURCES, BulkReader
from superoffice_connector.api.query import F
from superoffice_connector.sync import transforms
from superoffice_connector.sync.mapping import default_mapping

KINDS = {"company": "contact", "person": "person", "project": "project"}
LOOKUPS = transforms.Lookups(associates={5: "rj@example.com", 6: "ae@example.com",
                                         7: "jv@example.com", 8: "es@example.com"})


def _edge_records(sim):
    """Records with the empty and unusual values the seed does not have."""
    store = sim.store
    bare = store.create("contact", {"Name": "Bare company"})["ContactId"]
    store.patch("contact", 1, {
        "Description": "Line one\r\nline two", "Category": {"Id": 0}, "Business": {"Id": 0},
        "Associate": {"AssociateId": 0}, "Country": {"CountryId": 0},
        "Phones": [{"Value": "+47 1", "Description": "Mobile"},
                   {"Value": "+47 2", "Description": "Main"}],
        "Emails": [], "Urls": []})
    loner = store.create("person", {"Firstname": "Solo", "Lastname": "Person",
                                    "Contact": {"ContactId": bare}})["PersonId"]
    store.patch("person", 1, {"Description": "Met at the fair", "MobilePhones": [],
                              "MiddleName": "van", "Title": ""})
    store.patch("project", 1, {"EndDate": "2031-05-06T00:00:00", "ProjectMembers": [],
                               "Description": ""})
    store.soft_delete("contact", 3)
    store.soft_delete("person", 2)
    return bare, loner


@pytest.mark.parametrize("entity_type", ["company", "person", "project"])
def test_archive_and_entity_give_the_same_canonical_values(client, sim, entity_type):
    _edge_records(sim)
    kind = KINDS[entity_type]
    fields = default_mapping(entity_type)
    reader = BulkReader(client, kind, [f.so_field for f in fields])
    entries, after = [], 0
    while True:
        page = reader.page(after_id=after, top=25)
        entries += page
        if len(page) < 25:
            break
        after = page[-1].id
    assert [e.id for e in entries] == sorted(sim.store.ids(kind))
    from_columns = deleted = 0
    for entry in entries:
        full = client.service(kind).get(entry.id)
        expected = transforms.from_superoffice(entity_type, full, fields, LOOKUPS)
        entity = entry.entity if entry.complete else reader.get(entry.id)
        assert transforms.from_superoffice(entity_type, entity, fields, LOOKUPS) == expected
        # every field the columns give is compared, also on rows that need the entity
        columns = [f for f in fields if f.so_field not in entry.gaps]
        from_columns += len(columns)
        got = transforms.from_superoffice(entity_type, entry.entity, columns, LOOKUPS)
        assert got == {f.key: expected[f.key] for f in columns}, entry.id
        assert entry.entity.change_stamp == full.change_stamp
        # PersonEntity has no Deleted in SuperOffice 12.4: for a person only the archive's
        # personDeletedDate tells a soft-deleted one
        gone = bool((sim.store.record(kind, entry.id) or {}).get("deleted"))
        assert entry.entity.deleted == gone
        assert full.deleted == (gone and kind == "contact")
        deleted += gone
    # no archive column gives a project's StartDate: every project row needs its entity
    unreadable = len(entries) if kind == "project" else 1
    assert from_columns >= len(entries) * len(fields) - unreadable
    assert deleted == (0 if kind == "project" else 1)


def test_every_default_mapping_row_has_an_archive_source():
    for entity_type, kind in KINDS.items():
        for fmap in default_mapping(entity_type):
            assert fmap.so_field in SOURCES[kind], (entity_type, fmap.key)


def test_only_records_that_need_it_are_read_whole(client, sim):
    bare, loner = _edge_records(sim)
    fields = [f.so_field for f in default_mapping("person")]
    persons = BulkReader(client, "person", fields).by_ids(sim.store.ids("person"))
    assert all(e.complete for e in persons.values()) and loner in persons
    companies = BulkReader(client, "contact", [f.so_field for f in default_mapping("company")])
    client.current_principal()
    before = client.request_count
    entries = companies.by_ids([1, 2, bare])
    # the page, then the phone rows of the companies that have a phone
    assert client.request_count - before == 2
    assert entries[1].gaps == ("Description",)  # only the entity has a company's description
    assert entries[2].complete and entries[bare].complete
    projects = BulkReader(client, "project", [f.so_field for f in default_mapping("project")])
    before = client.request_count
    entries = projects.by_ids(sim.store.ids("project")).values()
    # the page and the member rows; a project's start date only its entity has
    assert client.request_count - before == 2
    assert all(e.gaps == ("StartDate",) for e in entries)


def test_a_page_is_one_request_and_keyset_paging_follows_the_primary_key(client, sim):
    reader = BulkReader(client, "person", [f.so_field for f in default_mapping("person")])
    client.current_principal()  # discovery and login are not part of the reads
    before = client.request_count
    first = reader.page(top=10)
    second = reader.page(after_id=first[-1].id, top=10)
    assert client.request_count - before == 2
    assert [e.id for e in first + second] == sorted(sim.store.ids("person"))[:20]
    changed = reader.page(F("personUpdatedDate").after_time(first[0].updated), top=1000)
    assert all(e.updated > first[0].updated for e in changed)


def test_ids_missing_from_the_archive_are_left_out(client, sim):
    reader = BulkReader(client, "contact", ["Name"])
    assert set(reader.by_ids([1, 2, 999999])) == {1, 2}
