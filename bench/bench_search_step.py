"""Benchmark: the Connect wizard's search step against a simulator holding 100,000 companies.

Runs inside Odoo (the wizard's real code path, in a transaction that is rolled back): opening
the wizard (likely matches), a quick search, an advanced search and a blank search's first page.
For each: wall time from the button to the hit list, the part spent waiting for SuperOffice
(HTTP round trips measured around the client calls) and the rest, spent in Odoo. Prints numbers,
asserts nothing.

    PGHOST=127.0.0.1 PGPORT=5433 PGUSER=odoo PGPASSWORD=odoo \
    $ODOO_PYTHON bench/bench_search_step.py --odoo $ODOO_PATH --db DB_WITH_ADDON [--companies 100000]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--odoo", default=os.environ.get("ODOO_PATH"))
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    if args.odoo:
        sys.path.insert(0, args.odoo)

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    from superoffice_sim import SimServer

    config.parse_config([
        "-d", args.db, "--db_host", os.environ.get("PGHOST", "127.0.0.1"),
        "--db_port", os.environ.get("PGPORT", "5432"),
        "--db_user", os.environ.get("PGUSER", "odoo"),
        "--db_password", os.environ.get("PGPASSWORD", ""),
        "--addons-path", f"{args.odoo}/addons,{args.odoo}/odoo/addons,{ROOT}",
        "--log-level", "warn",
    ])
    started = time.perf_counter()
    sim = SimServer(tenant="Cust12345", seed_companies=args.companies, seed=1)
    sim.start()
    print(f"simulator seeded with {sim.store.count('contact')} companies "
          f"in {time.perf_counter() - started:.1f} s")
    target = sim.store.create("contact", {
        "Name": "Nordlys Maskin AS", "OrgNr": "NO 987 654 321",
        "Emails": [{"Value": "post@nordlys-maskin.no"}],
        "Address": {"Postal": {"City": "Bergen"}},
    })
    try:
        registry = Registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            run(env, sim, args.repeat, target["ContactId"])
            cr.rollback()
    finally:
        sim.stop()


def run(env, sim, repeat, target_id):
    from odoo.addons.superoffice_connector.tests.common import SuperOfficeCase

    connection = env["superoffice.connection"].create(
        SuperOfficeCase.connection_values(sim, name=f"bench {time.time()}")
    )
    env["superoffice.connection"].search([("id", "!=", connection.id)]).active = False
    partner = env["res.partner"].create({
        "name": "Nordlys Maskin", "is_company": True, "vat": "987654321",
        "email": "ola@nordlys-maskin.no", "city": "Bergen",
    })
    Wizard = env["superoffice.connect.wizard"].with_context(
        active_model="res.partner", active_id=partner.id
    )
    connection._get_client().current_principal()  # authenticate once, outside the timings

    def opening():
        values = Wizard.default_get(list(Wizard._fields))
        return Wizard.create(values)

    wizard = opening()
    print(f"likely matches found the target first: {wizard.hit_ids[:1].so_id == target_id}")

    def quick():
        wizard.write({"advanced": False, "search_text": "Maskin"})
        wizard.action_search()
        return wizard

    def advanced():
        wizard.write({"advanced": True, "adv_name": "Nordlys", "adv_city": "Bergen",
                      "adv_orgnr": False, "adv_email": False})
        wizard.action_search()
        return wizard

    def blank():
        wizard.write({"advanced": False, "search_text": False})
        wizard.action_search()
        return wizard

    print(f"{'step':<34} {'total ms':>9} {'SuperOffice ms':>15} {'Odoo ms':>9} {'hits':>5}")
    for label, step in (
        ("open (likely matches)", opening),
        ("quick search 'Maskin'", quick),
        ("advanced name+city", advanced),
        ("blank search, first page", blank),
    ):
        totals, waits, hits = [], [], 0
        for _i in range(repeat):
            env.invalidate_all()
            t0 = time.perf_counter()
            result = step()
            hits = len(result.hit_ids)  # read the hit list like the form does
            result.hit_ids.mapped("name")
            totals.append(time.perf_counter() - t0)
            waits.append(result.so_seconds)
        total = statistics.median(totals) * 1000
        wait = statistics.median(waits) * 1000
        print(f"{label:<34} {total:>9.1f} {wait:>15.1f} {total - wait:>9.1f} {hits:>5}")
    print(f"(median of {repeat} runs; 'Odoo ms' = total minus time waiting for SuperOffice)")


if __name__ == "__main__":
    main()
