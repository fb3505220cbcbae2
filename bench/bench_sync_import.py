"""Benchmark: initial import and incremental pull inside Odoo, next to a plain batch create.

Runs the real pull (``superoffice.connection._pull``: pages of archive columns, a GET only for
the records no column can give, three-way merge, ORM writes, links, one commit per batch)
against the simulator over HTTP on 127.0.0.1, in an Odoo 19 database with the addon installed,
and prints:

* initial import of N companies (with their ~3 persons each, the simulator's seed):
  records/s, HTTP requests per record, SQL queries per record;
* an incremental run after 1,000 changes made in SuperOffice;
* a plain batch ``res.partner.create`` of the same companies and persons in the same process,
  and the ratio of the two (the figure that counts);
* with ``--idle-links N``: a pull over N linked companies (and one person each) when nothing
  changed in SuperOffice: HTTP requests per entity type and seconds of Odoo time (the links
  are inserted with SQL, copies of one linked partner, so that part is quick).

With ``--through-cron`` the initial import runs as production runs it: Odoo's own cron code
(``IrCron._process_jobs``: the cron's time budget per call, ``_commit_progress``, the trigger a
"continuing" run sets) is called again whenever the pull cron is ready, as a cron worker does
when it is notified; it prints the cron jobs and runs it took. ``--rate`` sets the client's
requests per second (default 0: no limit, the speed of the code alone).

Usage (Odoo's Python; PostgreSQL from the PG* variables)::

    PGHOST=127.0.0.1 PGPORT=5433 PGUSER=odoo PGPASSWORD=odoo \\
      $ODOO_PYTHON bench/bench_sync_import.py --odoo-path $ODOO_PATH --companies 10000 --changes 1000

Without ``--db`` a database is copied from ``--template`` (default ``tmpl_base``), the addon is
installed in it, and it is dropped at the end. It prints numbers and asserts nothing.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def pg():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5433"),
        "user": os.environ.get("PGUSER", "odoo"), "password": os.environ.get("PGPASSWORD", "odoo"),
    }


def odoo_args(db, odoo_path):
    p = pg()
    return [
        "-d", db, "--db_host", p["host"], "--db_port", p["port"], "--db_user", p["user"],
        "--db_password", p["password"],
        "--addons-path", f"{odoo_path}/addons,{odoo_path}/odoo/addons,{ROOT}",
    ]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(db, template, odoo_path):
    import psycopg2

    p = pg()
    conn = psycopg2.connect(dbname="postgres", **p)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    conn.close()
    subprocess.run(
        [sys.executable, f"{odoo_path}/odoo-bin", *odoo_args(db, odoo_path), "-i",
         "superoffice_connector", "--stop-after-init", "--http-port", str(free_port()), "--log-level", "warn"],
        check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def drop_database(db):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **pg())
    conn.autocommit = True
    conn.cursor().execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    conn.close()


QUERIES = [0]


def count_queries():
    """Count every SQL statement Odoo's cursors execute in this process."""
    from odoo import sql_db

    execute = sql_db.Cursor.execute

    def counting(self, *args, **kwargs):
        QUERIES[0] += 1
        return execute(self, *args, **kwargs)

    sql_db.Cursor.execute = counting


def measure(env, client, label, function):
    """Run ``function``; returns (seconds, http requests, sql queries, result)."""
    env.cr.commit()
    requests_before = client.request_count if client else 0
    sql_before = QUERIES[0]
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    requests = (client.request_count - requests_before) if client else 0
    return seconds, requests, QUERIES[0] - sql_before, result


def report(label, records, seconds, requests, queries):
    print(f"{label:<40} {records:>7} records {seconds:>8.1f} s {records / seconds:>9.1f} rec/s "
          f"{requests / max(records, 1):>6.2f} HTTP/rec {queries / max(records, 1):>7.1f} SQL/rec")
    print(f"{label}: {100 * requests / max(records, 1):.2f} HTTP requests per 100 records")
    print(f"{label}: {queries / max(records, 1):.2f} SQL statements per record")


def new_connection(env, sim, name, **values):
    app = sim.app
    return env["superoffice.connection"].create({
        "name": f"{name} {uuid.uuid4().hex[:6]}", "environment": "sod", "base_url": sim.url,
        "tenant": "Cust12345", "auth_mode": "system_user",
        "client_id": app.client_id, "client_secret": app.client_secret,
        "system_token": app.system_token, "private_key": app.private_key_pem, **values,
    })


def copy_rows(cr, table, source_id, count, overrides):
    """Insert ``count`` copies of row ``source_id`` of ``table``; ``overrides`` maps a column
    to an SQL expression of ``g`` (1..count). Returns the new ids in ``g`` order."""
    cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
               "AND column_name != 'id' ORDER BY ordinal_position", [table])
    columns = [c for (c,) in cr.fetchall()]
    exprs = [overrides.get(c, f'src."{c}"') for c in columns]
    quoted = [f'"{c}"' for c in columns]
    cr.execute(
        f'INSERT INTO "{table}" ({", ".join(quoted)}) '
        f'SELECT {", ".join(exprs)} FROM "{table}" src, generate_series(1, %s) g '
        f"WHERE src.id = %s ORDER BY g RETURNING id", [count, source_id])
    return [i for (i,) in cr.fetchall()]


def idle_pull(registry, args):
    """A pull over ``args.idle_links`` linked companies when nothing changed in SuperOffice."""
    from odoo import SUPERUSER_ID, api

    from superoffice_sim import SimServer

    count = args.idle_links
    print(f"simulator: seeding {count} companies for the idle pull ...", flush=True)
    sim = SimServer(tenant="Cust12345", seed_companies=count, seed=2, persons_per_company=1)
    sim.start()
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            connection = new_connection(env, sim, "Idle", sync_batch_size=args.batch)
            first = env["res.partner"].create({"name": "Idle template", "is_company": True})
            link = env["superoffice.link"].with_context(superoffice_no_chatter=True).create({
                "connection_id": connection.id, "entity_type": "company", "so_id": 1,
                "partner_id": first.id, "actor_type": "customer", "state": "linked",
                "base_snapshot": {"name": "Idle template"},
            })
            env.flush_all()
            partner_ids = copy_rows(cr, "res_partner", first.id, count - 1,
                                    {"name": "'Idle ' || g", "complete_name": "'Idle ' || g"})
            cr.execute("CREATE TEMP TABLE idle_ids (g int, partner_id int)")
            cr.execute("INSERT INTO idle_ids SELECT * FROM unnest(%s::int[], %s::int[])",
                       [list(range(1, count)), partner_ids])
            cr.execute("CREATE INDEX ON idle_ids (g)")
            copy_rows(cr, "superoffice_link", link.id, count - 1, {
                "so_id": "g + 1",
                "partner_id": "(SELECT partner_id FROM idle_ids i WHERE i.g = g.g)",
            })
            # Every link has seen its record's last change, and the previous run ended now.
            now = env.cr.now()
            cr.execute("UPDATE superoffice_link SET so_updated_at = %s WHERE connection_id = %s",
                       [now, connection.id])
            for entity_type in ("company", "person", "project"):
                env["superoffice.sync.cursor"].sudo()._for(connection, entity_type).write(
                    {"watermark": now})
            cr.commit()
            links = env["superoffice.link"].search_count(
                [("connection_id", "=", connection.id)])
            client = connection._get_client()
            client.current_principal()  # login and discovery are not part of an idle run
            seconds, requests, queries, run_ = measure(env, client, "idle", connection._pull)
            print(f"idle pull over {links} links: state {run_.state}, "
                  f"records {run_.count_updated + run_.count_unchanged + run_.count_created}")
            print(f"idle pull: {requests} HTTP requests ({requests / 3:.1f} per entity type)")
            print(f"idle pull: {seconds:.3f} s of Odoo time (run logged {run_.duration:.3f} s)")
            print(f"idle pull: {queries} SQL statements")
            cr.rollback()
    finally:
        sim.stop()


def import_through_cron(db, env, connection):
    """The first import through Odoo's cron machinery; returns (cron jobs, pull runs)."""
    from odoo.addons.base.models.ir_cron import IrCron

    env.ref("superoffice_connector.superoffice_cron_pull")._trigger()
    env.cr.commit()
    jobs, seen = 0, 0
    while True:
        IrCron._process_jobs(db)
        jobs += 1
        env.cr.rollback()  # a fresh snapshot: what the cron worker committed
        env.invalidate_all()
        runs = env["superoffice.sync.run"].search(
            [("connection_id", "=", connection.id), ("kind", "=", "pull")]
        )
        if runs[:1].state != "continuing" or len(runs) == seen:
            return jobs, runs
        seen = len(runs)


def run(db, args):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    from superoffice_sim import SimServer

    odoo.tools.config.parse_config([*odoo_args(db, args.odoo_path), "--log-level", "warn"])
    registry = Registry(db)
    count_queries()
    print(f"simulator: seeding {args.companies} companies ...", flush=True)
    sim = SimServer(tenant="Cust12345", seed_companies=args.companies, seed=1)
    sim.start()
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param(
                "superoffice_connector.client_options", json.dumps({"rate_limit": args.rate})
            )
            connection = new_connection(env, sim, "Bench", sync_import_new=True,
                                        sync_batch_size=args.batch,
                                        conflict_policy="superoffice_wins")
            cr.commit()
            client = connection._get_client()
            companies, persons = sim.store.count("contact"), sim.store.count("person")
            print(f"SuperOffice holds {companies} companies, {persons} persons, "
                  f"{sim.store.count('project')} projects", flush=True)

            if args.through_cron:
                seconds, requests, queries, (jobs, runs) = measure(
                    env, client, "import", lambda: import_through_cron(db, env, connection)
                )
                imported = sum(runs.mapped("count_created"))
                print(f"import through the cron: {jobs} cron jobs, {len(runs)} pull runs "
                      f"(last {runs[:1].state}), created {imported}, failed "
                      f"{sum(runs.mapped('count_failed'))}, rate limit {args.rate or 'none'}")
                report("initial import (through the cron)", imported, seconds, requests,
                       queries)
            else:
                seconds, requests, queries, run_ = measure(env, client, "import",
                                                           connection._pull)
                imported = run_.count_created
                print(f"import run: state {run_.state}, created {imported}, failed "
                      f"{run_.count_failed}, skipped {run_.count_skipped}")
                report("initial import (pull, inside Odoo)", imported, seconds, requests,
                       queries)
            import_rate = imported / seconds

            rng = random.Random(1)
            kinds = ["contact"] * (args.changes // 4) + ["person"] * (args.changes - args.changes // 4)
            for n, kind in enumerate(kinds):
                so_id = rng.choice(sim.store.ids(kind))
                field = "Department" if kind == "contact" else "Title"
                sim.store.patch(kind, so_id, {field: f"Changed {n}"})
            seconds, requests, queries, run_ = measure(env, client, "incr", connection._pull)
            changed = run_.count_updated + run_.count_pushed
            print(f"incremental run: state {run_.state}, updated {run_.count_updated}, "
                  f"unchanged {run_.count_unchanged}, failed {run_.count_failed}")
            report(f"incremental pull ({args.changes} changes)", max(changed, 1), seconds,
                   requests, queries)

            # Plain batch create of the same partners (values as read from SuperOffice).
            values = []
            for so_id in sim.store.ids("contact"):
                contact = sim.store.get("contact", so_id)
                values.append({"name": contact["Name"], "is_company": True,
                               "superoffice_department": contact.get("Department") or False,
                               "vat": contact.get("OrgNr") or False})
            for so_id in sim.store.ids("person"):
                person = sim.store.get("person", so_id)
                values.append({"name": " ".join(p for p in (person.get("Firstname"),
                                                            person.get("Lastname")) if p),
                               "is_company": False, "function": person.get("Title") or False})

            def plain_create():
                Partner = env["res.partner"]
                for start in range(0, len(values), 1000):
                    Partner.create(values[start:start + 1000])
                    env.cr.commit()
                return len(values)

            seconds, _requests, queries, created = measure(env, None, "plain", plain_create)
            report("plain batch res.partner.create", created, seconds, 0, queries)
            plain_rate = created / seconds
            print(f"ratio plain create / sync import: {plain_rate / import_rate:.1f}x "
                  f"(sync import reaches {100 * import_rate / plain_rate:.1f}% of plain create speed)")
            print(f"initial import: {100 * import_rate / plain_rate:.1f} % of plain batch "
                  "create speed")
    finally:
        sim.stop()
    if args.idle_links:
        idle_pull(registry, args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--companies", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--idle-links", type=int, default=0,
                        help="also measure a pull over this many unchanged links (e.g. 100000)")
    parser.add_argument("--through-cron", action="store_true",
                        help="import through Odoo's cron code instead of one direct pull")
    parser.add_argument("--rate", type=float, default=0,
                        help="client requests per second (0: no limit)")
    parser.add_argument("--db", help="existing database with the addon installed")
    parser.add_argument("--template", default=os.environ.get("ODOO_SUITE_TEMPLATE", "tmpl_base"))
    parser.add_argument("--odoo-path", default=os.environ.get("ODOO_PATH"),
                        required=not os.environ.get("ODOO_PATH"), help="Odoo 19 source tree")
    args = parser.parse_args()
    db = args.db or f"so_bench_{uuid.uuid4().hex[:8]}"
    if not args.db:
        print(f"creating database {db} ...", flush=True)
        create_database(db, args.template, args.odoo_path)
    try:
        run(db, args)
    finally:
        if not args.db:
            drop_database(db)


if __name__ == "__main__":
    main()
