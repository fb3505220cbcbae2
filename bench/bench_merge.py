"""Merge throughput of the sync core: records per second for 100,000 records of 20 fields.

Run: .venv/bin/python bench/bench_merge.py [records]
Prints numbers, asserts nothing. Measures three_way alone (canonical dicts in), then the whole
incoming path (SuperOffice JSON -> canonical -> merge) through plan().
"""

import random
import sys
import time

from superoffice_connector.sync.mapping import FieldMap, default_mapping
from superoffice_connector.sync.merge import three_way
from superoffice_connector.sync.plan import Link, plan
from superoffice_connector.sync.transforms import Lookups, from_superoffice

FIELDS = default_mapping("company") + (
    FieldMap("level", "Level", "x_level", "UserDefinedFields.SuperOffice:1", transform="int"),
    FieldMap("since", "Since", "x_since", "UserDefinedFields.SuperOffice:2", transform="date"),
)
assert len(FIELDS) == 20
LOOKUPS = Lookups(associates={i: f"user{i}@example.com" for i in range(50)})


def so_json(i, rng):
    return {
        "ContactId": i, "Name": f"Company {i} AS", "Department": "Sales", "OrgNr": f"NO{i:09d}",
        "Number1": str(10000 + i), "UpdatedDate": "2024-05-02T10:11:12", "Deleted": 0,
        "Phones": [{"Value": f"+47 22 {i % 100:02d} {i % 97:02d} 00", "Description": "Main"},
                   {"Value": f"+47 9{i % 1000:03d} 1122", "Description": "Mobile"}],
        "Emails": [{"Value": f"post@company{i}.no", "Description": ""}],
        "Urls": [{"Value": f"https://company{i}.no/", "Description": ""}],
        "Category": {"Id": 3, "Value": "Vendor"}, "Business": {"Id": 2, "Value": "IT"},
        "Country": {"CountryId": 578, "TwoLetterISOCountry": "NO"},
        "Associate": {"AssociateId": i % 50},
        "Description": f"Customer number {i}.\r\nImportant.",
        "Address": {"Postal": {"Address1": f"Gate {i}", "Address2": "", "Zipcode": "0150",
                               "City": rng.choice(["Oslo", "Bergen", "Ski"]), "State": ""}},
        "UserDefinedFields": {"SuperOffice:1": f"[I:{i % 9}]", "SuperOffice:2": "[D:06/01/2020]"},
    }


def edit(values, rng, keys):
    values = dict(values)
    key = rng.choice(keys)
    values[key] = f"changed {rng.random():.6f}" if key not in ("country", "level", "since") \
        else values[key]
    return values


def main(count):
    rng = random.Random(1)
    keys = [f.key for f in FIELDS if f.transform in ("text", "multiline")]
    records = [so_json(i, rng) for i in range(count)]
    started = time.perf_counter()
    so_values = [from_superoffice("company", r, FIELDS, LOOKUPS) for r in records]
    read_s = time.perf_counter() - started
    bases = so_values
    odoo = [edit(v, rng, keys) if rng.random() < 0.1 else dict(v) for v in so_values]
    so = [edit(v, rng, keys) if rng.random() < 0.1 else v for v in so_values]

    for policy in ("manual", "odoo_wins"):
        started = time.perf_counter()
        writes = conflicts = 0
        for b, o, s in zip(bases, odoo, so, strict=True):
            result = three_way(b, o, s, FIELDS, policy)
            writes += result.changed
            conflicts += len(result.conflicts)
        merge_s = time.perf_counter() - started
        print(f"three_way[{policy}]: {count} records x {len(FIELDS)} fields in {merge_s:.2f} s"
              f" = {count / merge_s:,.0f} records/s ({count * len(FIELDS) / merge_s:,.0f} fields/s);"
              f" {writes} records to write, {conflicts} conflicts")

    started = time.perf_counter()
    _ = [three_way(None, o, s, FIELDS) for o, s in zip(odoo, so, strict=True)]
    connect_s = time.perf_counter() - started
    print(f"three_way[no base]: {count / connect_s:,.0f} records/s")

    print(f"from_superoffice: {count} entities in {read_s:.2f} s = {count / read_s:,.0f} records/s")

    links = {i: Link(i, bases[i]) for i in range(count)}
    odoo_by_id = dict(enumerate(odoo))
    started = time.perf_counter()
    page_size = 200
    totals = [0, 0, 0, 0]
    for start in range(0, count, page_size):
        result = plan("company", records[start:start + page_size], links, odoo_by_id, FIELDS,
                      lookups=LOOKUPS)
        for i, part in enumerate((result.creates, result.updates, result.conflicts, result.skips)):
            totals[i] += len(part)
    plan_s = time.perf_counter() - started
    print(f"plan (JSON -> canonical -> merge, pages of {page_size}): {count / plan_s:,.0f} records/s;"
          f" creates/updates/conflicts/skips = {totals}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
