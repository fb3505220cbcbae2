"""Simulator speed: start-up with a large seed and 1,000-row archive pages.

    .venv/bin/python bench/bench_simulator.py [--companies 100000] [--repeat 20]

Prints start-up time and median/p95 latency (over real HTTP on 127.0.0.1) of 1,000-row pages
filtered with `begins` and `afterTime`, the queries a sync run issues. Asserts nothing.
"""

import argparse
import statistics
import time

import requests

from superoffice_sim import SimServer

DEV_TICKET = "7T:bench"


def measure(session, url, params, repeat):
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        answer = session.get(url, params=params, timeout=60)
        answer.raise_for_status()
        rows = len(answer.json()["value"])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    sim = SimServer(seed_companies=args.companies, seed=1, dev_ticket=DEV_TICKET).start()
    startup = time.perf_counter() - started
    try:
        store = sim.store
        print(f"seed: {store.count('contact')} companies, {store.count('person')} persons, "
              f"{store.count('project')} projects")
        print(f"start-up (seed + indexes + listen): {startup:.1f} s")
        stamps = sorted(r["updated"] for r in store.tables["contact"].values())
        person_stamps = sorted(r["updated"] for r in store.tables["person"].values())
        since = stamps[len(stamps) // 2]
        recent = stamps[len(stamps) * 97 // 100]  # a sync run's window: the newest 3 %
        person_since = person_stamps[len(person_stamps) // 2]
        session = requests.Session()
        session.headers.update({"Authorization": f"SOTicket {DEV_TICKET}",
                                "Accept": "application/json"})
        base = sim.api_base
        contact_cols = "contactId,name,department,orgnr,number,updatedDate,email/emailAddress," \
                       "postAddress/city,country,category,associateId"
        person_cols = "personId,firstName,lastName,contactId,personUpdatedDate," \
                      "email/emailAddress"
        cases = [
            ("Contact name begins 'N', page 1", "Contact",
             {"$select": contact_cols, "$filter": "name begins 'N'", "$orderby": "contactId",
              "$top": 1000}),
            ("Contact name begins 'N', page 3", "Contact",
             {"$select": contact_cols, "$filter": "name begins 'N'", "$orderby": "contactId",
              "$top": 1000, "$skip": 2000}),
            ("Contact updatedDate afterTime (half), page 1", "Contact",
             {"$select": contact_cols, "$filter": f"updatedDate afterTime '{since}'",
              "$orderby": "contactId", "$top": 1000}),
            ("Contact updatedDate afterTime (half), page 20", "Contact",
             {"$select": contact_cols, "$filter": f"updatedDate afterTime '{since}'",
              "$orderby": "contactId", "$top": 1000, "$skip": 19000}),
            ("Contact updatedDate afterTime (newest 3 %), page 1", "Contact",
             {"$select": contact_cols, "$filter": f"updatedDate afterTime '{recent}'",
              "$orderby": "contactId", "$top": 1000}),
            ("Person lastName begins 'H', page 1", "Person",
             {"$select": person_cols, "$filter": "lastName begins 'H'",
              "$orderby": "personId", "$top": 1000}),
            ("Person personUpdatedDate afterTime (half), page 1", "Person",
             {"$select": person_cols, "$filter": f"personUpdatedDate afterTime '{person_since}'",
              "$orderby": "personId", "$top": 1000}),
            ("Contact name contains 'fjord' (full scan)", "Contact",
             {"$select": contact_cols, "$filter": "name contains 'fjord'", "$top": 1000}),
            ("Contact no filter, page 50", "Contact",
             {"$select": contact_cols, "$orderby": "contactId", "$top": 1000, "$skip": 49000}),
        ]
        print(f"{'query':52} {'median ms':>10} {'p95 ms':>8} {'rows':>6}")
        for label, path, params in cases:
            median, p95, rows = measure(session, base + path, params, args.repeat)
            print(f"{label:52} {median:10.1f} {p95:8.1f} {rows:6d}")
        median, p95, _ = 0, 0, 0
        times = []
        for i in range(1, args.repeat * 5 + 1):
            t = time.perf_counter()
            session.get(f"{base}Contact/{i * 97 % store.count('contact') + 1}",
                        timeout=10).raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"{'GET Contact/{id} (full entity)':52} {statistics.median(times):10.1f} "
              f"{times[int(len(times) * 0.95) - 1]:8.1f} {1:6d}")
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
