"""Benchmark: the ERP Sync Connector at N companies, SuperOffice's engine played from outside.

Starts an Odoo server (the series of ``ODOO_SERIES``, 19.0 by default) on a fresh database with
the addon installed (PostgreSQL from the PG* variables, else a throwaway cluster;
``scripts/odoo_env``), fills it with N companies by SQL
(copies of one company made through the ORM, written ``--per-instant`` at a time with the same
write date, as records written in one transaction are; then ``VACUUM ANALYZE``, so that no
autovacuum of the fill runs during the polls), and prints, in one run:

* Odoo's own ``search_read`` of the fields of the Customer actor, pages of the Search limit,
  JSON-RPC, the connection's user: rows/s;
* the first periodic sync with the answer size limit raised to hold the Search limit (as an
  administrator who raised SuperOffice's quotas would): ``GetActorsByTimestamp`` from an empty
  stamp, then from the newest stamp of each answer, until nothing new: actors/s and the ratio
  to ``search_read``;
* the same with the default answer size limit and a default WCF client (65,536 bytes): polls,
  actors per poll, server time per poll (median, max), and the time SuperOffice's engine needs
  at one poll a minute; then the distribution of the polls' server times (p50, p90, p99, max,
  the median of each tenth of the sync), the garbage collections of Odoo's process during the
  polls, each request's queries, query time and the rest (Python) from Odoo's log, the same
  distribution of Odoo's own time per poll (queries and the rest, from its log), and the ten
  slowest polls (index, the load average then, their line of Odoo's log) each asked again three
  times with the same stamp: a poll fast when asked again was slow by the machine's load of
  the moment, not by its own work;
* ``SearchActors`` by a unique name, the blank search, ``SearchActorsAdvanced`` ``begins`` and
  ``GetActors`` of 100 keys: server time, median of 5.

Server time is the time from sending the request to the answer's headers on loopback
(``requests``' ``elapsed``), which includes the HTTP round trip and not the client's parsing.

Usage (the project's virtual environment; Odoo found like the test suite finds it)::

    .venv/bin/python bench/bench_erp.py --companies 100000

It prints numbers and asserts nothing.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import odoo_env  # noqa: E402

from superoffice_sim.erp_client import ErpClient, Restriction  # noqa: E402
from superoffice_sim.erp_engine import ErpSyncEngine  # noqa: E402

ADDON = "superoffice_connector"
ENDPOINT = "/superoffice/erp/ErpConnectorWS.svc"
FIELDS = ["name", "ref", "vat", "phone", "email", "website", "street", "street2", "zip", "city",
          "state_id", "country_id", "partner_latitude", "partner_longitude", "write_date"]

FILL = """
import sys, psycopg2
h, p, u, pw, db, source, count, per_instant = sys.argv[1:]
count, per_instant = int(count), int(per_instant)
c = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname=db)
cur = c.cursor()
cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner'"
            " AND column_name <> 'id'")
columns = [r[0] for r in cur.fetchall()]
override = {
    "name": "'Bench ' || lpad(g::text, 7, '0') || ' AS'",
    "complete_name": "'Bench ' || lpad(g::text, 7, '0') || ' AS'",
    "email": "'post' || g || '@bench.example'", "ref": "'B-' || g",
    "phone": "'+47 22 ' || lpad(g::text, 6, '0')", "city": "'Oslo'",
    "street": "'Storgata ' || (g % 300)", "zip": "lpad((g % 9000)::text, 4, '0')",
    "write_date": "timestamp '2026-01-01' + (g / %d) * interval '1 second'" % per_instant,
    "create_date": "timestamp '2026-01-01'", "commercial_partner_id": "NULL",
}
select = ", ".join(override.get(col, '"%s"' % col) for col in columns)
names = ", ".join('"%s"' % col for col in columns)
cur.execute(f"INSERT INTO res_partner ({names}) SELECT {select} FROM res_partner, "
            f"generate_series(1, {count}) g WHERE res_partner.id = {int(source)}")
cur.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
c.commit()
# the table at rest, as a customer's is: the fill's dead rows vacuumed now, not by autovacuum
# in the middle of the polls
c.autocommit = True
cur.execute("VACUUM ANALYZE res_partner")
"""


class Odoo:
    def __init__(self, url, db):
        self.url, self.db = url, db
        self.session = requests.Session()
        self.uid = None

    def rpc(self, service, method, *args):
        response = self.session.post(f"{self.url}/jsonrpc", json={
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"service": service, "method": method, "args": list(args)}}, timeout=600)
        body = response.json()
        if body.get("error"):
            raise RuntimeError(json.dumps(body["error"])[:2000])
        return body["result"]

    def login(self):
        self.uid = self.rpc("common", "login", self.db, "admin", "admin")
        return self.uid

    def call(self, model, method, *args, **kwargs):
        return self.rpc("object", "execute_kw", self.db, self.uid, "admin", model, method,
                        list(args), kwargs)


def start(stack, python, odoo_path, pg, db):
    data_dir = tempfile.mkdtemp(prefix="so-bench-erp-")
    stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    stack.callback(odoo_env.drop_database, python, pg, db)
    port = odoo_env.free_port()
    env = odoo_env.odoo_env_vars(odoo_path)
    process = subprocess.Popen(odoo_env.odoo_command(python, odoo_path) + [
        "--addons-path", odoo_env.addons_path(python, odoo_path), "--data-dir", data_dir,
        # -d without --db-filter: Odoo then knows the database of a call without a session (as
        # SuperOffice's are) without listing the server's databases, a new PostgreSQL connection
        # per call (README, "SuperOffice's own Connect to ERP", sizing)
        "-d", db, "--http-interface", "127.0.0.1",
        "--http-port", str(port), "--gevent-port", str(odoo_env.free_port()), "--workers", "0",
        "--max-cron-threads", "0", "-i", ADDON, "--limit-time-real", "3600",
        "--logfile", f"{data_dir}/odoo.log", "--log-level", "warn", *odoo_env.db_args(pg),
        # each request's queries, their time and the rest (Python), and each collection of
        # Python's garbage collector beyond the youngest generation (odoo/tools/gc.py)
        "--log-handler", "werkzeug:INFO", "--log-handler", "gc:DEBUG",
    ], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    stack.callback(odoo_env.terminate, process)
    odoo = Odoo(f"http://127.0.0.1:{port}", db)
    odoo.log = Path(f"{data_dir}/odoo.log")
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(Path(f"{data_dir}/odoo.log").read_text()[-3000:])
        with contextlib.suppress(Exception):
            if odoo.login() and odoo.call("ir.module.module", "search_count", [
                    ("name", "=", ADDON), ("state", "=", "installed")]):
                return odoo
        time.sleep(3)
    raise SystemExit("Odoo did not start")


def fill(python, pg, odoo, count, per_instant):
    company = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
    source = odoo.call("res.partner", "create", {
        "name": "Bench source", "is_company": True, "company_id": company,
        "country_id": odoo.call("res.country", "search", [("code", "=", "NO")])[0],
        "vat": "NO999999999MVA", "website": "https://bench.example"})
    started = time.perf_counter()
    subprocess.run([python, "-c", FILL, pg["host"], pg["port"], pg["user"], pg["password"],
                    odoo.db, str(source), str(count), str(per_instant)], check=True)
    return company, time.perf_counter() - started


def median_ms(function, times=5):
    samples = []
    for _n in range(times):
        samples.append(function().http_elapsed * 1000)
    return statistics.median(samples)


class TimedClient(ErpClient):
    """Records each answer's server time (request sent to headers received) on the answer."""

    on_answer = None

    def call(self, operation, **members):
        response = self.post(self.envelope(operation, members), "")
        answer = self.parse(operation, response.status_code, response.content)
        answer.http_elapsed = response.elapsed.total_seconds()
        answer.size = len(response.content)
        if self.on_answer:
            self.on_answer()
        return answer


def first_sync(engine, actor_type="Customer", stamps=None):
    """Polls until nothing new; ``stamps`` (a list), if given, receives the stamp of each poll."""
    polls, actors, times, sizes = 0, 0, [], []
    started = time.perf_counter()
    while True:
        if stamps is not None:
            stamps.append(engine.watermarks.get(actor_type, ""))
        answer = engine.changes(actor_type)
        polls += 1
        actors += len(answer.payload)
        times.append(answer.http_elapsed * 1000)
        sizes.append(answer.size)
        if not answer.payload:
            return polls, actors, time.perf_counter() - started, times, sizes


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


REQUEST_LINE = re.compile(r"POST /superoffice/erp/\S+ HTTP/[\d.]+\" \d+ \S+ (\d+) ([\d.]+) ([\d.]+)")
GC_LINE = re.compile(r"collected \{.*'generation': (\d).*\} in ([\d.]+)ms")


def server_log(text):
    """Per request of the connector in ``text`` (the server's log): (queries, query ms, rest
    ms, [(generation, ms) of the collections that ended during it])."""
    requests_, pending = [], []
    for line in text.splitlines():
        if gc := GC_LINE.search(line):
            pending.append((int(gc.group(1)), float(gc.group(2))))
        elif request := REQUEST_LINE.search(line):
            requests_.append((int(request.group(1)), 1000 * float(request.group(2)),
                              1000 * float(request.group(3)), pending))
            pending = []
    return requests_


def poll_distribution(engine, times, stamps, loads, log=None, slowest=10, repeats=3):
    """Prints the distribution of the polls' server times, the slowest polls (their index and
    the machine's load then) and each slowest poll asked again ``repeats`` times with the same
    stamp: a poll fast when repeated was slow by the load of the moment, not by its own work."""
    print(f"server time per poll: p50 {percentile(times, 0.5):.1f} ms, p90 "
          f"{percentile(times, 0.9):.1f} ms, p99 {percentile(times, 0.99):.1f} ms, max "
          f"{max(times):.1f} ms; over 50 ms: {sum(t > 50 for t in times)} of {len(times)} polls")
    tenth = max(1, len(times) // 10)
    print("median per tenth of the sync (ms): " + ", ".join(
        f"{statistics.median(times[i:i + tenth]):.1f}" for i in range(0, len(times), tenth)))
    log = log if log is not None and len(log) == len(times) else None
    if log:
        collections = [(i, gen, ms) for i, entry in enumerate(log) for gen, ms in entry[3]]
        for generation in (1, 2):
            these = [(i, ms) for i, gen, ms in collections if gen == generation]
            print(f"garbage collections of generation {generation} during the polls: "
                  f"{len(these)}" + (", at polls " + ", ".join(
                      f"#{i} ({ms:.1f} ms)" for i, ms in these[:20]) if these else ""))
        print(f"per poll in Odoo's log: queries median {statistics.median(e[0] for e in log)}, "
              f"query time median {statistics.median(e[1] for e in log):.1f} ms, the rest "
              f"(Python) median {statistics.median(e[2] for e in log):.1f} ms")
        # Odoo's own count of each request (its queries and the rest, from the request's
        # start to its answer), without the loopback and the wait for Odoo's thread
        own = [e[1] + e[2] for e in log]
        over = [i for i, ms in enumerate(own) if ms > 50]
        collected = [i for i in over if any(gen > 0 for gen, _ms in log[i][3])]
        print(f"Odoo's own time per poll (its log): p50 {percentile(own, 0.5):.1f} ms, p90 "
              f"{percentile(own, 0.9):.1f} ms, p99 {percentile(own, 0.99):.1f} ms, max "
              f"{max(own):.1f} ms; over 50 ms: {len(over)} of {len(own)} polls, "
              f"{len(collected)} of them holding a collection beyond the youngest generation"
              + (": " + ", ".join(f"#{i} {own[i]:.1f} ms" for i in over[:20]) if over else ""))
    worst = sorted(range(len(times)), key=lambda i: -times[i])[:slowest]
    print(f"slowest polls (index from 0 of {len(times)}: ms, load average 1 min then"
          + ("; Odoo's log: queries, query ms, Python ms, collections" if log else "")
          + f"; then the same poll asked again {repeats} times, ms):")
    for index in worst:
        again = []
        for _n in range(repeats):
            answer = engine.call("GetActorsByTimestamp", ActorType="Customer",
                                 UpdatedOnOrAfter=stamps[index],
                                 FieldKeys=engine.mapping["Customer"])
            again.append(answer.http_elapsed * 1000)
        server = ""
        if log:
            queries, query_ms, rest_ms, gcs = log[index]
            server = f"; {queries} queries, {query_ms:.1f} + {rest_ms:.1f} ms" + "".join(
                f", gen{gen} gc {ms:.1f} ms" for gen, ms in gcs)
        print(f"  #{index}: {times[index]:.1f} ms, load {loads[index]:.2f}{server}; again "
              + " / ".join(f"{t:.1f}" for t in again))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100000)
    parser.add_argument("--per-instant", type=int, default=2000,
                        help="companies written with one write date (one transaction)")
    parser.add_argument("--search-limit", type=int, default=500)
    args = parser.parse_args()
    found = odoo_env.find_odoo()
    if not found:
        raise SystemExit("no Odoo found (set ODOO_PYTHON, and ODOO_PATH for a source tree)")
    python, odoo_path, _version = found
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(odoo_env.postgres())
        db = f"so_bench_erp_{uuid.uuid4().hex[:8]}"
        odoo_env.create_database(python, pg, db)
        odoo = start(stack, python, odoo_path, pg, db)
        company, fill_seconds = fill(python, pg, odoo, args.companies, args.per_instant)
        total = odoo.call("res.partner", "search_count", [("is_company", "=", True),
                                                          ("parent_id", "=", False)])
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
              f"{args.companies} companies filled in {fill_seconds:.1f} s "
              f"({args.per_instant} per write date), {total} company partners")

        domain = ["|", ("company_id", "=", False), ("company_id", "=", company),
                  ("is_company", "=", True), ("parent_id", "=", False)]
        started, rows, offset = time.perf_counter(), 0, 0
        while True:
            page = odoo.call("res.partner", "search_read", domain, fields=FIELDS,
                             limit=args.search_limit, offset=offset, order="id")
            rows += len(page)
            offset += args.search_limit
            if len(page) < args.search_limit:
                break
        search_read_rate = rows / (time.perf_counter() - started)
        print(f"search_read, pages of {args.search_limit}: {rows} rows, {search_read_rate:,.0f} rows/s")

        connection = odoo.call("superoffice.erp.connection", "create", {
            "name": "Bench", "company_id": company, "user_id": odoo.uid,
            "search_limit": args.search_limit, "answer_budget": 50_000_000})
        key = odoo.call("superoffice.erp.connection", "read", [connection], ["key"])[0]["key"]
        url = f"{odoo.url}{ENDPOINT}?key={key}"
        config = {"COMPANY": str(company), "ALLOWCREATE": "[I:1]", "KEY": key}
        keys = ["NAME", "NUMBER1", "VATNO", "PHONE", "EMAIL", "URL", "STREETAD1", "STREETAD2",
                "STREETZIP", "STREETCITY", "STREETSTATE", "COUNTRY", "LATITUDE", "LONGITUDE",
                "LASTMODIFIED"]
        mapping = {"Customer": keys}

        raised = ErpSyncEngine(TimedClient(url, max_received=50_000_000), config, mapping)
        raised.set_up()
        polls, actors, seconds, times, _sizes = first_sync(raised)
        rate = actors / seconds
        print(f"first sync, answer size limit raised: {actors} actors in {polls} polls, "
              f"{seconds:.1f} s: {rate:,.0f} actors/s = {100 * rate / search_read_rate:.0f} % "
              f"of search_read; {actors / polls:.0f} actors per answer; server time "
              f"{sum(times) / 1000:.1f} s ({1000 * actors / sum(times):,.0f} actors/s), the rest "
              f"is the engine reading the answers")

        odoo.call("superoffice.erp.connection", "write", [connection],
                  {"answer_budget": 60000})
        default = ErpSyncEngine(TimedClient(url), config, mapping, guid=raised.guid)
        stamps, loads = [], []
        default.client.on_answer = lambda: loads.append(os.getloadavg()[0])
        log_start = odoo.log.stat().st_size
        polls, actors, seconds, times, sizes = first_sync(default, stamps=stamps)
        time.sleep(1)  # the log's last lines
        with odoo.log.open() as log_file:
            log_file.seek(log_start)
            log = server_log(log_file.read())
        print(f"first sync, default limit: {actors} actors in {polls} polls ({actors / polls:.0f} "
              f"per answer, largest answer {max(sizes)} bytes), {seconds:.1f} s; server time per "
              f"poll median {statistics.median(times):.1f} ms, max {max(times):.1f} ms; at one "
              f"poll a minute SuperOffice needs {polls} minutes ({polls / 60:.1f} h)")
        poll_distribution(default, times, stamps, loads, log)

        name = f"Bench {args.companies // 2:07d} AS"
        unique = median_ms(lambda: default.client.call(
            "SearchActors", ConnectionGuid=default.guid, ActorType="Customer", SearchText=name,
            FieldKeys=keys))
        blank = median_ms(lambda: default.client.call(
            "SearchActors", ConnectionGuid=default.guid, ActorType="Customer", SearchText="",
            FieldKeys=keys))
        begins = median_ms(lambda: default.client.call(
            "SearchActorsAdvanced", ConnectionGuid=default.guid, ActorType="Customer",
            FieldKeys=keys, Restrictions=[Restriction("NAME", "begins", [name[:-4]])]))
        ids = odoo.call("res.partner", "search", domain, limit=100, offset=args.companies // 3)
        get = median_ms(lambda: default.client.call(
            "GetActors", ConnectionGuid=default.guid, ActorType="Customer",
            ErpKeys=[str(i) for i in ids], FieldKeys=keys))
        floor = median_ms(lambda: default.client.call(
            "GetSupportedActorTypes", ConnectionGuid=default.guid))
        print(f"server time, median of 5: SearchActors by a unique name {unique:.1f} ms, blank "
              f"search {blank:.1f} ms, advanced begins {begins:.1f} ms, GetActors of 100 keys "
              f"{get:.1f} ms; a call that reads no record (GetSupportedActorTypes) {floor:.1f} ms")
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
