"""Full pull of 10,000 companies with their persons through the client, from a local simulator.

Prints records per second and HTTP requests per 1,000 records. Asserts nothing.

    .venv/bin/python bench/bench_client_pull.py [--companies 10000] [--page-size 1000]
                                                [--rate-limit 0] [--full-entities 200]
"""

import argparse
import time

from superoffice_connector.api import ClientConfig, SuperOfficeClient, SystemUserAuth
from superoffice_sim import SimServer


def _client(sim, rate_limit, page_size):
    app = sim.app
    auth = SystemUserAuth(system_token=app.system_token, private_key=app.private_key_pem,
                          client_secret=app.client_secret, jwt_public_key=app.jwt_public_key_pem)
    config = ClientConfig(environment="sod", tenant="Cust12345", auth=auth, base_url=sim.url,
                          rate_limit=rate_limit, page_size=page_size)
    return SuperOfficeClient(config)


def _pull(client, kind, select):
    rows = 0
    for _row in client.iter_rows(kind, select=select):
        rows += 1
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=10000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--rate-limit", type=float, default=0.0,
                        help="client-side requests/second (0 = off; production default is 10)")
    parser.add_argument("--full-entities", type=int, default=200,
                        help="also GET this many full Contact entities one by one")
    args = parser.parse_args()

    started = time.perf_counter()
    with SimServer(tenant="Cust12345", seed_companies=args.companies, seed=7) as sim:
        print(f"simulator seeded with {args.companies} companies in "
              f"{time.perf_counter() - started:.1f} s")
        with _client(sim, args.rate_limit, args.page_size) as client:
            client.current_principal()  # discovery + login outside the measurement
            base = client.request_count
            t0 = time.perf_counter()
            companies = _pull(client, "contact", ("contactId", "name", "department", "orgnr",
                                                  "number", "email/emailAddress",
                                                  "contactPhone/formattedNumber",
                                                  "postAddress/city", "updatedDate"))
            persons = _pull(client, "person", ("personId", "contactId", "firstName",
                                               "lastName", "email/emailAddress",
                                               "personMobilePhone/formattedNumber",
                                               "personUpdatedDate"))
            elapsed = time.perf_counter() - t0
            requests = client.request_count - base
            records = companies + persons
            print(f"archive pull: {companies} companies + {persons} persons = {records} records "
                  f"in {elapsed:.2f} s -> {records / elapsed:,.0f} records/s; "
                  f"{requests} HTTP requests = {1000 * requests / records:.2f} per 1,000 records "
                  f"(page size {args.page_size})")
            print(f"at the default client limit of 10 requests/s the same pull needs at least "
                  f"{requests / 10:.1f} s (request spacing alone)")
            if args.full_entities:
                ids = [row.id for row in client.iter_rows("contact", select=("contactId",))]
                ids = ids[: args.full_entities]
                base = client.request_count
                t0 = time.perf_counter()
                for entity_id in ids:
                    client.contacts.get(entity_id)
                elapsed = time.perf_counter() - t0
                requests = client.request_count - base
                print(f"full entities: {len(ids)} Contact GETs in {elapsed:.2f} s -> "
                      f"{len(ids) / elapsed:,.0f} records/s; "
                      f"{1000 * requests / len(ids):.0f} HTTP requests per 1,000 records")
            if args.rate_limit:
                print(f"client rate limit: {args.rate_limit:g} requests/s")


if __name__ == "__main__":
    main()
