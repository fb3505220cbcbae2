"""End to end: the ERP Sync Connector under concurrent transactions, on Odoo's prefork server.

SuperOffice's engine calls the endpoint while other transactions run: Odoo users writing
records, and the engine's own calls, several at once. The server runs as customers run it
(``--workers 2 --max-cron-threads 1``), and the other transactions are real PostgreSQL sessions
of their own (:class:`Sessions`), held open between statements, so that the order of events is
chosen by the test and not by chance. Where a request must be caught in the middle, the test
holds a lock on a table the request reads at that point, and sees in ``pg_stat_activity`` that
the request waits there with its snapshot taken.

* A transaction that began before a poll's snapshot and commits while the poll runs, after a
  later transaction committed: the poll's answer must not move SuperOffice's stamp past its
  records (they would never be sent).
* Two calls of one connection at the same time, and a call while another transaction holds the
  connection's row: every call answers, none waits for the other.
* A record rule created through one worker holds at the next poll of every worker (each keeps
  the acting user's rules compiled between polls).

Skipped like ``test_end_to_end.py`` when no Odoo 19 is found.
"""

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_end_to_end import eventually, start_odoo
from test_erp_sync_end_to_end import partner, set_up_engine
from test_prefork import pkg_resources_path

SESSIONS = r"""
import json, sys, psycopg2
host, port, user, password, dbname = sys.argv[1:]
sessions = {}
for line in sys.stdin:
    name, sql, params = json.loads(line)
    try:
        if name not in sessions:
            sessions[name] = psycopg2.connect(host=host, port=port, user=user,
                                              password=password, dbname=dbname)
        cnx = sessions[name]
        if sql == "COMMIT":
            cnx.commit()
            rows = []
        else:
            cursor = cnx.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
        answer = {"rows": rows}
    except Exception as exc:
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(answer, default=str), flush=True)
"""


class Sessions:
    """Named PostgreSQL sessions on the server's database, each its own transaction (read
    committed) kept open until ``COMMIT``; run by Odoo's interpreter, which has psycopg2."""

    def __init__(self, odoo):
        pg = odoo.pg
        self.process = subprocess.Popen(
            [odoo.python, "-c", SESSIONS, pg["host"], pg["port"], pg["user"], pg["password"],
             odoo.db],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def sql(self, name, sql, *params):
        self.process.stdin.write(json.dumps([name, sql, list(params)]) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        assert "error" not in answer, answer["error"]
        return answer["rows"]

    def commit(self, name):
        self.sql(name, "COMMIT")

    def waiting(self, table):
        """How many requests wait for a lock on ``table`` with their snapshot taken."""
        rows = self.sql("watch", """
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND backend_xmin IS NOT NULL AND query LIKE %s""", f"%{table}%")
        self.commit("watch")  # pg_stat_activity is read again in the next transaction
        return rows[0][0]

    def close(self):
        self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture(scope="module")
def odoo(request):
    """Odoo 19 in prefork mode with the addon installed in a fresh database."""
    return start_odoo(request, "so_erp_prefork", workers=2, cron_threads=1,
                      python_path=pkg_resources_path)


@pytest.fixture
def sessions(odoo):
    sessions = Sessions(odoo)
    yield sessions
    sessions.close()


def drain(engine, actor_type="Customer"):
    """Poll as SuperOffice's engine does until nothing new; the actors received, in order."""
    received = []
    for _poll in range(100):
        answer = engine.changes(actor_type)
        received += answer.payload
        if answer.state == "Ok" and not answer.payload:
            return received
    raise AssertionError("the periodic sync does not end")


def write_now(sessions, name, partner_id, city):
    """Write ``city`` on a partner in session ``name``, stamped as Odoo stamps a write: with the
    start of the writing transaction."""
    sessions.sql(name, "UPDATE res_partner SET city = %s, write_date = now() AT TIME ZONE 'UTC'"
                       " WHERE id = %s", city, partner_id)


def test_a_transaction_committing_while_a_poll_runs_is_not_skipped(odoo, sessions):
    engine = set_up_engine(odoo)
    early, late = partner(odoo, name="Race Early AS"), partner(odoo, name="Race Late AS")
    drain(engine)  # SuperOffice's stamp is at the newest record now
    # An Odoo user's transaction writes Early and is still running; a later one writes Late
    # and commits: Late's write date is after Early's.
    write_now(sessions, "early", early, "Early city")
    write_now(sessions, "late", late, "Late city")
    sessions.commit("late")
    # A poll begins, takes its snapshot (Early's write not in it) and is held on its way to
    # the answer; meanwhile Early's transaction commits.
    sessions.sql("hold", "LOCK TABLE superoffice_erp_connection IN ACCESS EXCLUSIVE MODE")
    with ThreadPoolExecutor(1) as pool:
        poll = pool.submit(engine.changes, "Customer")
        try:
            assert eventually(lambda: sessions.waiting("superoffice_erp_connection"),
                              timeout=60, interval=0.2), "the poll never waited for the table"
            sessions.commit("early")
        finally:
            sessions.commit("hold")
        answer = poll.result(timeout=120)
    received = answer.payload + drain(engine)
    cities = {int(actor.erp_key): actor.field_values["STREETCITY"] for actor in received}
    assert cities.get(late) == "Late city"
    # Early's records come, in this answer or a later one: SuperOffice's stamp never passed them
    assert cities.get(early) == "Early city", (
        f"Early's write was skipped: received {cities}, stamp {engine.watermarks['Customer']}")
    assert len(received) == len({actor.erp_key for actor in received}), "a record sent twice"


def old_last_call(sessions, connection_id):
    sessions.sql("setup", "UPDATE superoffice_erp_connection SET last_call_at = '2000-01-01'"
                          " WHERE id = %s", connection_id)
    sessions.commit("setup")


def call(engine, operation, **members):
    return engine.client.call(operation, ConnectionGuid=engine.guid, **members)


def test_two_calls_at_once_both_answer(odoo, sessions):
    """One call runs while another of the same connection begins and ends: both note the call
    on the connection's row; the first must still answer."""
    engine = set_up_engine(odoo)
    norway = odoo.call("res.country", "search", [("code", "=", "NO")])[0]
    partner(odoo, name="Country AS", country_id=norway)
    old_last_call(sessions, engine.connection_id)
    # A poll is held after its snapshot, where it reads the countries of its answer (no other
    # call reads them)...
    sessions.sql("hold", "LOCK TABLE res_country IN ACCESS EXCLUSIVE MODE")
    with ThreadPoolExecutor(1) as pool:
        poll = pool.submit(call, engine, "GetActorsByTimestamp", ActorType="Customer",
                           UpdatedOnOrAfter="", FieldKeys=["NAME", "COUNTRY"])
        try:
            assert eventually(lambda: sessions.waiting("res_country"),
                              timeout=60, interval=0.2), "the poll never waited for the table"
            # ... while another call of the same connection runs in the other worker and ends
            other = call(engine, "GetSupportedActorTypes")
            assert other.ok, other.user_explanation
        finally:
            sessions.commit("hold")
        answer = poll.result(timeout=120)
    assert answer.ok, (answer.state, answer.user_explanation, answer.tech_explanation)
    assert answer.payload, "no actor answered"
    last = odoo.read("superoffice.erp.connection", engine.connection_id, ["last_call_at"])
    assert last["last_call_at"] > "2001"  # noted by one of them


def test_a_call_does_not_wait_for_the_connections_row(odoo, sessions):
    """Another transaction holds the connection's row (a call about to commit, an administrator
    saving the connection): a call answers without waiting for it, and after it."""
    engine = set_up_engine(odoo)
    old_last_call(sessions, engine.connection_id)
    sessions.sql("row", "UPDATE superoffice_erp_connection SET last_call_at = '2000-01-02'"
                        " WHERE id = %s", engine.connection_id)
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        test = pool.submit(call, engine, "TestConnection")
        try:
            while not test.done():
                assert not sessions.waiting("superoffice_erp_connection"), (
                    "the call waits for the connection's row")
                assert time.monotonic() - started < 120, "the call does not answer"
                time.sleep(0.2)
        finally:
            sessions.commit("row")
        answer = test.result(timeout=120)
    assert answer.ok, (answer.state, answer.user_explanation, answer.tech_explanation)
    # the row changed since: the next calls answer too, and one of them notes the call
    for _n in range(2):
        answer = call(engine, "TestConnection")
        assert answer.ok, (answer.state, answer.user_explanation, answer.tech_explanation)
    last = odoo.read("superoffice.erp.connection", engine.connection_id, ["last_call_at"])
    assert last["last_call_at"] > "2001"


def test_a_record_rule_holds_in_every_workers_next_poll(odoo):
    """Each worker keeps what the acting user may read compiled to SQL (its rules) between polls;
    a record rule created through one worker holds at the next poll of every worker (Odoo
    clears its caches in all of them)."""
    engine = set_up_engine(odoo)
    secret = partner(odoo, name="Rule Secret AS", city="Hidden town")
    seen = partner(odoo, name="Rule Seen AS", city="Open town")

    def answered():
        # a first sync from nothing, twice per worker at least: every answer of every worker
        keys = set()
        for _round in range(4):
            engine.watermarks.pop("Customer", None)
            keys |= {int(actor.erp_key) for actor in drain(engine)}
        return keys

    assert {secret, seen} <= answered()  # both workers have compiled the user's rules now
    model = odoo.call("ir.model", "search", [("model", "=", "res.partner")])[0]
    rule = odoo.call("ir.rule", "create", {
        "name": "Not the hidden town", "model_id": model,
        "domain_force": "[('city', '!=', 'Hidden town')]", "perm_read": True})  # every user
    try:
        for _poll in range(3):
            keys = answered()
            assert seen in keys
            assert secret not in keys, "a worker answered with the rules it compiled before"
    finally:
        odoo.call("ir.rule", "unlink", [rule])
