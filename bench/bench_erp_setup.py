"""Benchmark: what the ERP Sync Connector's set-up costs besides its calls.

Starts an Odoo 19 server on a fresh database with the addon installed (as ``bench_erp.py`` does:
PostgreSQL from the PG* variables, else a throwaway cluster; ``scripts/odoo_env``), fills it with
N companies by SQL (``bench_erp.fill``), and prints, in one run:

* the write cost of the addon's seven trigram indexes on ``res_partner`` (the ``ilike`` of
  SearchActors): their size at that table size; the time to create companies through the ORM
  (JSON-RPC ``create`` of ``--batch`` records at a time, ``--batches`` per round) and to
  ``write`` a name and city change on each batch (one ``write`` per batch), with the seven
  indexes present and after ``DROP INDEX`` of exactly those seven, rounds in the order
  with / without, without / with, ... (so that neither side always runs on the larger table or
  later in the machine's load): the median per batch of each side and their ratio; the
  ``VACUUM`` after each round (where a GIN index's pending entries are merged), the same
  ``UPDATE`` of the city of a round's rows in one SQL statement (the indexes' cost without the
  ORM) and the time to build the seven indexes again;
* the cost of a call without an Odoo session (as all of SuperOffice's are) by how Odoo finds its
  database: median of ``--calls`` calls of ``GetSupportedActorTypes`` (reads no record) against
  a server started with ``-d`` and no ``--db-filter`` (Odoo takes ``-d`` as the list of its
  databases), and against a second server on the same database started with ``-d`` and
  ``--db-filter`` matching it (a second, empty database on the cluster, so that the filter has
  something to filter), without and with the request header ``X-Odoo-Database: <database>``;
  the three kinds of calls take turns; then, for 20 calls of each kind, the connections
  PostgreSQL opened to its ``postgres`` database meanwhile (``pg_stat_database.sessions``): the
  listing of the server's databases, one new connection each time.

Server time is the time from sending the request to the answer's headers on loopback
(``requests``' ``elapsed``).

Usage (the project's virtual environment; Odoo found like the test suite finds it)::

    .venv/bin/python bench/bench_erp_setup.py --companies 100000

It prints numbers and asserts nothing.
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

# bench_erp (beside this script) puts the project and scripts/ on the path; it sorts first
import bench_erp
import odoo_env
import requests
from bench_erp import ADDON, ENDPOINT, Odoo, TimedClient

from superoffice_sim.erp_engine import ErpSyncEngine

# the addon's trigram indexes: SEARCH_INDEXED and the names _erp_init_search_indexes gives them
# (superoffice_connector/models/superoffice_erp_connection.py)
SEARCH_INDEXED = ("name", "ref", "vat", "email", "city", "phone", "function")
TRIGRAM_INDEXES = [f"superoffice_erp_res_partner_{column}_trgm_idx" for column in SEARCH_INDEXED]

SQL = """
import json, sys, time, psycopg2
h, p, u, pw, db, statements = sys.argv[1:]
c = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname=db)
c.autocommit = True
cur = c.cursor()
out = []
for statement, params in json.loads(statements):
    started = time.perf_counter()
    cur.execute(statement, params)
    seconds = time.perf_counter() - started
    out.append({"seconds": seconds, "rows": cur.fetchall() if cur.description else None})
print(json.dumps(out, default=str))
"""


def sql(python, pg, db, *statements):
    """Runs ``(statement, params)`` pairs in autocommit with the Odoo interpreter's psycopg2;
    returns each one's ``{"seconds", "rows"}``."""
    result = subprocess.run(
        [python, "-c", SQL, pg["host"], pg["port"], pg["user"], pg["password"], db,
         json.dumps([[s, p] for s, p in statements])],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def serve(stack, python, odoo_path, pg, db, data_dir, *extra, install=False):
    """An Odoo server on ``db`` (``-d``) with ``extra`` arguments, once it answers."""
    port = odoo_env.free_port()
    log = Path(data_dir) / f"odoo-{port}.log"
    process = subprocess.Popen(odoo_env.odoo_command(python, odoo_path) + [
        "--addons-path", odoo_env.addons_path(python, odoo_path), "--data-dir", data_dir,
        "-d", db, "--http-interface", "127.0.0.1", "--http-port", str(port),
        "--gevent-port", str(odoo_env.free_port()), "--workers", "0", "--max-cron-threads", "0",
        *(["-i", ADDON] if install else []), "--limit-time-real", "3600",
        "--logfile", str(log), "--log-level", "warn", *odoo_env.db_args(pg), *extra,
    ], env=odoo_env.odoo_env_vars(odoo_path), stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(odoo_env.terminate, process)
    odoo = Odoo(f"http://127.0.0.1:{port}", db)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(log.read_text()[-3000:])
        with contextlib.suppress(Exception):
            if odoo.login() and odoo.call("ir.module.module", "search_count", [
                    ("name", "=", ADDON), ("state", "=", "installed")]):
                return odoo
        time.sleep(3)
    raise SystemExit("Odoo did not start")


def load():
    return f"{os.getloadavg()[0]:.2f}"


def trigram_write_cost(python, pg, odoo, company, args):
    db = odoo.db
    found = sql(python, pg, db, (
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'res_partner' "
        "AND indexname = ANY(%s) ORDER BY indexname", [TRIGRAM_INDEXES]))[0]["rows"]
    definitions = [definition for _name, definition in found]
    print(f"trigram indexes of the addon on res_partner: {len(found)} of {len(TRIGRAM_INDEXES)} "
          f"present" + (f" (for example: {definitions[0]})" if definitions else ""))
    if not definitions:
        return
    sizes = sql(python, pg, db, ("VACUUM ANALYZE res_partner", None), (
        "SELECT count(*), pg_relation_size('res_partner'), pg_total_relation_size('res_partner'),"
        " (SELECT sum(pg_relation_size(quote_ident(i)::regclass)) FROM unnest(%s::text[]) i)"
        " FROM res_partner",
        [TRIGRAM_INDEXES]))[1]["rows"][0]
    rows, heap, total, trigram = (int(v) for v in sizes)
    print(f"at {rows} partners: the seven trigram indexes {trigram / 2**20:.1f} MiB, the table "
          f"{heap / 2**20:.1f} MiB (heap), {total / 2**20:.1f} MiB with all its indexes and "
          f"TOAST ({trigram / rows:.0f} bytes of trigram index per partner)")

    present = True
    create = {True: [], False: []}
    write = {True: [], False: []}
    vacuum = {True: [], False: []}
    update = {True: [], False: []}
    builds = []
    country = odoo.call("res.country", "search", [("code", "=", "NO")])[0]
    serial = 0
    for round_ in range(args.rounds):
        for with_indexes in ((True, False) if round_ % 2 == 0 else (False, True)):
            if with_indexes != present:
                if with_indexes:
                    results = sql(python, pg, db, *((d, None) for d in definitions))
                    builds.append(sum(r["seconds"] for r in results))
                else:
                    sql(python, pg, db, *((f'DROP INDEX "{name}"', None) for name, _d in found))
                present = with_indexes
            sql(python, pg, db, ("VACUUM ANALYZE res_partner", None))
            ids = []
            for _batch in range(args.batches):
                values = []
                for _n in range(args.batch):
                    serial += 1
                    values.append({
                        "name": f"Write bench {serial:07d} AS", "is_company": True,
                        "company_id": company, "ref": f"W-{serial}",
                        "vat": f"NO{serial:09d}MVA", "email": f"post{serial}@write.example",
                        "phone": f"+47 23 {serial:06d}", "city": "Oslo",
                        "street": f"Kirkegata {serial % 300}", "zip": f"{serial % 9000:04d}",
                        "country_id": country})
                started = time.perf_counter()
                batch = odoo.call("res.partner", "create", values)
                create[with_indexes].append(time.perf_counter() - started)
                ids.append(batch)
            for batch in ids:
                started = time.perf_counter()
                odoo.call("res.partner", "write", batch, {
                    "name": f"Write bench renamed {batch[0]} AS", "city": "Bergen"})
                write[with_indexes].append(time.perf_counter() - started)
            flat = [i for batch in ids for i in batch]
            results = sql(python, pg, db, ("VACUUM res_partner", None), (
                "UPDATE res_partner SET city = 'Trondheim' WHERE id = ANY(%s)", [flat]))
            vacuum[with_indexes].append(results[0]["seconds"])
            update[with_indexes].append(results[1]["seconds"])
        print(f"  round {round_ + 1} of {args.rounds} done, load average {load()}", flush=True)
    if not present:
        sql(python, pg, db, *((d, None) for d in definitions))

    per = args.batch
    size = args.batch * args.batches

    def line(label, samples, unit=1000, suffix=" ms"):
        on, off = statistics.median(samples[True]), statistics.median(samples[False])
        print(f"{label}: with the seven indexes {on * unit:,.1f}{suffix}, without {off * unit:,.1f}"
              f"{suffix}, ratio {on / off:.2f} (median of {len(samples[True])} / "
              f"{len(samples[False])}; all with: " + ", ".join(
                  f"{s * unit:,.0f}" for s in samples[True]) + "; without: " + ", ".join(
                  f"{s * unit:,.0f}" for s in samples[False]) + ")")

    line(f"ORM create of {per} companies (one JSON-RPC create)", create)
    line(f"ORM write of name and city on {per} companies (one JSON-RPC write)", write)
    line(f"VACUUM res_partner after a round of {size} created and written", vacuum)
    line(f"SQL UPDATE of city on the {size} rows of a round (one statement)", update)
    print(f"per company: ORM create {1000 * statistics.median(create[True]) / per:.2f} / "
          f"{1000 * statistics.median(create[False]) / per:.2f} ms, write "
          f"{1000 * statistics.median(write[True]) / per:.2f} / "
          f"{1000 * statistics.median(write[False]) / per:.2f} ms (with / without)")
    final = sql(python, pg, db, ("SELECT count(*) FROM res_partner", None))[0]["rows"][0][0]
    print(f"building the seven indexes again (CREATE INDEX; {len(builds)} builds, table of "
          f"{rows} to {final} partners): " + ", ".join(f"{s:.1f} s" for s in builds))


def sessionless_calls(stack, python, odoo_path, pg, odoo, company, data_dir, args):
    db = odoo.db
    other = f"{db}_other"
    odoo_env.create_database(python, pg, other)
    stack.callback(odoo_env.drop_database, python, pg, other)
    filtered = serve(stack, python, odoo_path, pg, db, data_dir,
                     "--db-filter", f"^{db}$")
    listed = sql(python, pg, db, (
        "SELECT datname FROM pg_database WHERE datdba = (SELECT usesysid FROM pg_user WHERE "
        "usename = current_user) AND NOT datistemplate AND datallowconn "
        "AND datname NOT IN ('postgres', 'template0') ORDER BY datname", None))[0]["rows"]
    print(f"databases Odoo lists on this cluster (owner {pg['user']}): {len(listed)}")

    connection = odoo.call("superoffice.erp.connection", "create", {
        "name": "Bench", "company_id": company, "user_id": odoo.uid})
    key = odoo.call("superoffice.erp.connection", "read", [connection], ["key"])[0]["key"]
    config = {"COMPANY": str(company), "ALLOWCREATE": "[I:1]", "KEY": key}
    engine = ErpSyncEngine(TimedClient(f"{odoo.url}{ENDPOINT}?key={key}"), config)
    engine.set_up()
    header = requests.Session()
    header.headers["X-Odoo-Database"] = db
    kinds = {
        "-d, no --db-filter": TimedClient(f"{odoo.url}{ENDPOINT}?key={key}"),
        "-d and --db-filter": TimedClient(f"{filtered.url}{ENDPOINT}?key={key}"),
        "-d and --db-filter, header X-Odoo-Database": TimedClient(
            f"{filtered.url}{ENDPOINT}?key={key}", session=header),
    }
    times = {name: [] for name in kinds}
    failed = dict.fromkeys(kinds, 0)

    def call(name):
        answer = kinds[name].call("GetSupportedActorTypes", ConnectionGuid=engine.guid)
        if not answer.ok:
            failed[name] += 1
        return answer.http_elapsed * 1000

    names = list(kinds)
    for name in names:  # warm up: each server's registry, caches and connection pool
        for _n in range(5):
            call(name)
    for n in range(args.calls):
        for name in names[n % 3:] + names[:n % 3]:
            times[name].append(call(name))
    print(f"a call without a session (GetSupportedActorTypes, reads no record), server time, "
          f"the three kinds in turn, {args.calls} calls each, load average {load()}:")
    for name in names:
        print(f"  {name}: median {statistics.median(times[name]):.1f} ms, p90 "
              f"{bench_erp.percentile(times[name], 0.9):.1f} ms, min {min(times[name]):.1f} ms"
              + (f"; {failed[name]} answers not ok" if failed[name] else ""))

    def sessions():
        time.sleep(1.5)  # a backend's statistics reach the shared counters within a second
        return int(sql(python, pg, db, (
            "SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'", None)
        )[0]["rows"][0][0])

    print("connections PostgreSQL opened to its database 'postgres' during 20 calls of each "
          "kind (pg_stat_database.sessions; this script's own connections go to the bench's "
          "database):")
    for name in names:
        before = sessions()
        for _n in range(20):
            call(name)
        print(f"  {name}: {sessions() - before}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100000,
                        help="companies filled by SQL before the measures")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=5, help="batches per round")
    parser.add_argument("--rounds", type=int, default=4,
                        help="rounds, each with and without the indexes")
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    found = odoo_env.find_odoo()
    if not found:
        raise SystemExit("no Odoo 19 found (set ODOO_PYTHON, and ODOO_PATH for a source tree)")
    python, odoo_path, version = found
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(odoo_env.postgres())
        db = f"so_bench_erp_setup_{uuid.uuid4().hex[:8]}"
        odoo_env.create_database(python, pg, db)
        stack.callback(odoo_env.drop_database, python, pg, db)
        data_dir = tempfile.mkdtemp(prefix="so-bench-erp-setup-")
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        print(f"Odoo {version}; machine: {os.cpu_count()} CPUs, load average {load()}", flush=True)
        odoo = serve(stack, python, odoo_path, pg, db, data_dir, install=True)
        company, seconds = bench_erp.fill(python, pg, odoo, args.companies, 2000)
        print(f"{args.companies} companies filled by SQL in {seconds:.1f} s, load average "
              f"{load()}", flush=True)
        trigram_write_cost(python, pg, odoo, company, args)
        sessionless_calls(stack, python, odoo_path, pg, odoo, company, data_dir, args)
        print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
