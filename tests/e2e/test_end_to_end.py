"""End to end: a real Odoo 19 server process, the simulator, and odoorpc as the external client.

One Odoo server (fresh database with ``superoffice_connector`` installed, workers 0 so the crons
run in the server's cron thread and wake up on ``_trigger()``) and one simulator (in this
process) serve the whole module. The connection is configured over RPC like an administrator
would, the webhook is registered through the connection's button, so SuperOffice (the simulator)
calls the Odoo server's ``/superoffice/webhook/<id>`` by itself. The scenarios:

* an edit in Odoo is pushed to SuperOffice by the push cron the write triggered;
* an edit in SuperOffice reaches Odoo through the webhook and the pull it triggered;
* the same field edited on both sides ends in a conflict, neither value overwritten;
* with 429, 5xx, a hanging request, an expired ticket and a tenant move injected, edits on both
  sides and a new SuperOffice company all arrive, nothing is created twice and nothing is lost.
* the server killed (SIGKILL) while its PATCH is on the way, then the field set back in Odoo
  before the next run: after a restart that edit reaches SuperOffice (the write in flight is
  recovered, see superoffice.link.pending), nothing is created twice.

Skipped when no Odoo 19 is found (``scripts/odoo_env.find_odoo``: ``ODOO_PYTHON``/``ODOO_PATH``, or
the Odoo ``make test`` provisioned into the per-user cache) or odoorpc is missing. PostgreSQL: the ``PG*`` variables, else a throwaway cluster. With
``ODOO_SUITE_TEMPLATE`` the database is copied from that template (faster), like the Odoo suite.
Waiting for the other side uses a deadline (``eventually``), not a timed assertion: the
deadline only bounds how long a scenario may take to converge.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from superoffice_sim import SimServer

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import odoo_env  # noqa: E402

ADDON = "superoffice_connector"
TENANT = "Cust12345"
START_TIMEOUT = 300  # seconds for install + start of the Odoo server
CONVERGE = 60  # deadline of one scenario's eventual state
# A client that fails fast: short timeouts and backoff, so the fault scenario converges quickly.
CLIENT_OPTIONS = (
    '{"max_retries": 3, "backoff_base": 0.05, "backoff_max": 0.5, "read_timeout": 2, '
    '"connect_timeout": 2, "operation_budget": 20, "rate_limit": 0}'
)


def eventually(check, timeout=CONVERGE, interval=0.5, nudge=None):
    """Call ``check()`` until it returns a true value (returned) or the deadline passes (then
    the last value is returned). ``nudge()`` is called every few seconds meanwhile."""
    deadline = time.monotonic() + timeout
    last_nudge = time.monotonic()
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        if nudge and time.monotonic() - last_nudge > 3:
            nudge()
            last_nudge = time.monotonic()
        time.sleep(interval)


class OdooServer:
    """The Odoo process and an odoorpc session on it."""

    def __init__(self, rpc, db, port, log_path):
        self.rpc = rpc
        self.db = db
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"
        self.process = None
        self.command = None  # (args without the port and cron options, environment)

    def start(self, install=False, cron_threads=1, timeout=START_TIMEOUT):
        """Start the server and log in. ``install``: True installs the addon first, a tuple of
        module names installs those."""
        import odoorpc

        args, env = self.command
        self.port = odoo_env.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        modules = (ADDON,) if install is True else tuple(install or ())
        cmd = [*args, *(["-i", ",".join(modules)] if modules else []),
               "--http-port", str(self.port), "--gevent-port", str(odoo_env.free_port()),
               "--max-cron-threads", str(cron_threads)]
        self.process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"Odoo exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.rpc = odoorpc.ODOO("127.0.0.1", port=self.port, timeout=120)
                self.rpc.login(self.db, "admin", "admin")
                if self.call("ir.module.module", "search_count",
                             [("name", "=", ADDON), ("state", "=", "installed")]):
                    return
            except Exception:  # noqa: BLE001 - still installing or starting
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Odoo did not start within {timeout} s:\n{self.log_tail()}")
            time.sleep(2)

    def kill(self):
        """The process group dies at once (SIGKILL): no clean shutdown, no commit."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None:
            odoo_env.terminate(self.process)

    def call(self, model, method, *args, **kwargs):
        return self.rpc.execute_kw(model, method, list(args), kwargs)

    def read(self, model, record_id, fields):
        rows = self.call(model, "read", [record_id], fields)
        return rows[0] if rows else None

    def xmlid(self, name):
        module, _, xml_name = name.partition(".")
        rows = self.call(
            "ir.model.data", "search_read", [("module", "=", module), ("name", "=", xml_name)],
            fields=["res_id"],
        )
        return rows[0]["res_id"]

    def run_cron(self, name):
        """Run a cron now in the RPC thread; False when the cron thread is running it."""
        import odoorpc.error

        try:
            self.call("ir.cron", "method_direct_trigger", self.xmlid(f"{ADDON}.{name}"))
        except odoorpc.error.RPCError as exc:
            # the same refusal: "already executing" (Odoo 19.0), "currently being executed" (18.0)
            if "already executing" in str(exc) or "currently being executed" in str(exc):
                return False
            raise
        return True

    def log_tail(self, lines=60):
        with contextlib.suppress(OSError):
            return "".join(Path(self.log_path).read_text(errors="replace").splitlines(True)[-lines:])
        return ""


@pytest.fixture(scope="module")
def sim():
    server = SimServer(
        tenant=TENANT, seed_companies=4, seed=7, webhook_retry_delays=(0.2, 0.5),
        webhook_timeout=10.0,
    )
    server.start()
    yield server
    server.stop()


def start_odoo(request, prefix, modules=(ADDON,), workers=0, cron_threads=1, python_path=None,
               timeout=START_TIMEOUT):
    """A running Odoo 19 server on a fresh database (a copy of ``ODOO_SUITE_TEMPLATE`` when set)
    with ``modules`` installed, stopped and dropped when ``request``'s scope ends; the test is
    skipped when no Odoo 19 is found. ``python_path(python)`` may name a folder to put on the
    server's PYTHONPATH."""
    found = odoo_env.find_odoo()
    if not found:
        pytest.skip("no Odoo 19 found or provisioned (set ODOO_PYTHON, and ODOO_PATH for a tree)")
    pytest.importorskip("odoorpc", reason="odoorpc is not installed (dev extras)")
    python, odoo_path, _version = found
    stack = contextlib.ExitStack()
    request.addfinalizer(stack.close)
    pg = stack.enter_context(odoo_env.postgres())
    dbname = f"{prefix}_{uuid.uuid4().hex[:10]}"
    data_dir = tempfile.mkdtemp(prefix=f"{prefix}-data-")
    stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    # Registered before the server starts: the database goes after the server has stopped.
    stack.callback(odoo_env.drop_database, python, pg, dbname)
    template = os.environ.get("ODOO_SUITE_TEMPLATE", "")
    if template:
        odoo_env.create_database(python, pg, dbname, template)
    env = odoo_env.odoo_env_vars(odoo_path)
    extra = python_path(python) if python_path else None
    if extra:
        env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], str(extra)])
    log_path = Path(data_dir) / "odoo.log"
    server = OdooServer(None, dbname, None, log_path)
    server.pg, server.python = pg, python  # for tests that open their own database sessions
    server.command = (odoo_env.odoo_command(python, odoo_path) + [
        "--addons-path", odoo_env.addons_path(python, odoo_path),
        "--data-dir", data_dir,
        "-d", dbname, "--db-filter", f"^{dbname}$",
        "--http-interface", "127.0.0.1",
        "--workers", str(workers),
        "--logfile", str(log_path), "--log-level", "info",
        *odoo_env.db_args(pg),
    ], env)  # fmt: skip
    stack.callback(server.stop)
    server.start(install=modules, cron_threads=cron_threads, timeout=timeout)
    return server


@pytest.fixture(scope="module")
def odoo(request):
    """A running Odoo 19 server with the addon installed in a fresh database."""
    return start_odoo(request, "so_e2e")


@pytest.fixture(scope="module")
def connection(odoo, sim):
    """A connection configured over RPC, tested, with its webhook registered, and the seed
    data of SuperOffice imported once (the connection imports new SuperOffice records)."""
    params = "ir.config_parameter"
    odoo.call(params, "set_param", "web.base.url", odoo.url)
    odoo.call(params, "set_param", f"{ADDON}.client_options", CLIENT_OPTIONS)
    app = sim.app
    connection_id = odoo.call("superoffice.connection", "create", {
        "name": "End to end", "environment": "sod", "base_url": sim.url, "tenant": TENANT,
        "auth_mode": "system_user", "client_id": app.client_id,
        "client_secret": app.client_secret, "system_token": app.system_token,
        "private_key": app.private_key_pem, "sync_import_new": True, "sync_batch_size": 50,
        "conflict_policy": "manual",
    })
    result = odoo.call("superoffice.connection", "action_test_connection", connection_id)
    assert result["params"]["type"] == "success", result
    odoo.call("superoffice.connection", "action_register_webhook", connection_id)
    assert odoo.run_cron("superoffice_cron_pull") or eventually(
        lambda: odoo.run_cron("superoffice_cron_pull")
    )
    return connection_id


def link_of(odoo, connection_id, entity_type, so_id):
    rows = odoo.call("superoffice.link", "search_read", [
        ("connection_id", "=", connection_id), ("entity_type", "=", entity_type),
        ("so_id", "=", so_id),
    ], fields=["partner_id", "state", "conflict_fields", "last_error"])
    return rows


def partner_of(odoo, connection_id, entity_type, so_id):
    (link,) = link_of(odoo, connection_id, entity_type, so_id)
    return link["partner_id"][0]


def department(odoo, partner_id):
    return odoo.read("res.partner", partner_id, ["superoffice_department"])[
        "superoffice_department"
    ]


def test_seed_data_is_imported_once(odoo, sim, connection):
    for kind, entity_type in (("contact", "company"), ("person", "person")):
        for so_id in sim.store.ids(kind):
            assert len(link_of(odoo, connection, entity_type, so_id)) == 1, (kind, so_id)
    webhook_id = odoo.read("superoffice.connection", connection, ["webhook_id"])["webhook_id"]
    assert webhook_id


def test_edit_in_odoo_is_pushed_to_superoffice(odoo, sim, connection):
    so_id = sim.store.ids("contact")[0]
    partner_id = partner_of(odoo, connection, "company", so_id)
    odoo.call("res.partner", "write", [partner_id], {"superoffice_department": "Edited in Odoo"})
    # The write triggered the push cron; the server's cron thread runs it.
    assert eventually(lambda: sim.store.get("contact", so_id)["Department"] == "Edited in Odoo")
    assert eventually(lambda: link_of(odoo, connection, "company", so_id)[0]["state"] == "linked")


def test_edit_in_superoffice_arrives_through_the_webhook(odoo, sim, connection):
    so_id = sim.store.ids("contact")[1]
    partner_id = partner_of(odoo, connection, "company", so_id)
    sim.store.patch("contact", so_id, {"Department": "Edited in SuperOffice"})
    assert eventually(lambda: department(odoo, partner_id) == "Edited in SuperOffice")
    events = odoo.call("superoffice.sync.event", "search_read", [
        ("connection_id", "=", connection), ("so_id", "=", so_id), ("entity_type", "=", "company"),
    ], fields=["state"])
    assert "done" in {e["state"] for e in events}, events


def test_same_field_edited_on_both_sides_is_a_conflict(odoo, sim, connection):
    so_id = sim.store.ids("contact")[2]
    partner_id = partner_of(odoo, connection, "company", so_id)
    # Without the webhook, the SuperOffice edit waits for the next pull, so both edits meet.
    odoo.call("superoffice.connection", "action_unregister_webhook", connection)
    try:
        sim.store.patch("contact", so_id, {"Department": "SuperOffice side"})
        odoo.call("res.partner", "write", [partner_id], {"superoffice_department": "Odoo side"})
        assert eventually(
            lambda: link_of(odoo, connection, "company", so_id)[0]["state"] == "conflict"
        )
        (link,) = link_of(odoo, connection, "company", so_id)
        assert "department" in link["conflict_fields"]
        assert sim.store.get("contact", so_id)["Department"] == "SuperOffice side"
        assert department(odoo, partner_id) == "Odoo side"
    finally:
        odoo.call("superoffice.connection", "action_register_webhook", connection)


def test_faults_end_in_a_consistent_state_without_duplicates_or_lost_edits(odoo, sim, connection):
    contacts, persons = sim.store.ids("contact"), sim.store.ids("person")
    odoo_company, so_company = contacts[3], contacts[0]
    odoo_person, so_person = persons[0], persons[1]
    companies_before = sim.store.count("contact")
    faults = [
        sim.faults.add("status", status=429, retry_after=1, count=1, method="GET",
                       path=r"/api/v1/Contact/\d+$"),
        sim.faults.add("status", status=503, count=1, method="PATCH",
                       path=r"/api/v1/Contact/\d+$"),
        sim.faults.add("hang", seconds=5, count=1, method="GET", path=r"/api/v1/Person/\d+$"),
        sim.faults.add("expire_tokens", count=1, method="GET", path=r"/api/v1/.*\?"),
        sim.faults.add("move_tenant", count=1, method="PATCH", path=r"/api/v1/Person/\d+$"),
    ]
    try:
        odoo_company_partner = partner_of(odoo, connection, "company", odoo_company)
        odoo_person_partner = partner_of(odoo, connection, "person", odoo_person)
        odoo.call("res.partner", "write", [odoo_company_partner],
                  {"superoffice_department": "Odoo under faults"})
        odoo.call("res.partner", "write", [odoo_person_partner], {"function": "Odoo title"})
        sim.store.patch("contact", so_company, {"Department": "SuperOffice under faults"})
        sim.store.patch("person", so_person, {"Title": "SuperOffice title"})
        new = sim.store.create("contact", {"Name": "Brand New E2E AS"})
        so_company_partner = partner_of(odoo, connection, "company", so_company)
        so_person_partner = partner_of(odoo, connection, "person", so_person)

        def converged():
            return (
                sim.store.get("contact", odoo_company)["Department"] == "Odoo under faults"
                and sim.store.get("person", odoo_person)["Title"] == "Odoo title"
                and department(odoo, so_company_partner) == "SuperOffice under faults"
                and odoo.read("res.partner", so_person_partner, ["function"])["function"]
                == "SuperOffice title"
                and len(link_of(odoo, connection, "company", new["ContactId"])) == 1
            )

        def next_runs():
            # The scheduled runs that would come later (a run stopped early resumes there).
            odoo.run_cron("superoffice_cron_push")
            odoo.run_cron("superoffice_cron_pull")

        assert eventually(converged, nudge=next_runs), odoo.call(
            "superoffice.sync.run", "search_read", [], fields=["kind", "state", "message"],
            limit=10,
        )
    finally:
        sim.faults.clear()
    assert [f.hits for f in faults] == [1] * len(faults)
    # No duplicates: one Odoo partner for the new company, nothing created in SuperOffice.
    assert odoo.call("res.partner", "search_count", [("name", "=", "Brand New E2E AS")]) == 1
    assert sim.store.count("contact") == companies_before + 1  # the one created above
    # No lost update, nothing left failing.
    for entity_type, so_id in (("company", odoo_company), ("company", so_company),
                               ("person", odoo_person), ("person", so_person)):
        (link,) = link_of(odoo, connection, entity_type, so_id)
        assert link["state"] == "linked", link
    assert sim.store.get("contact", odoo_company)["Department"] == "Odoo under faults"
    assert department(odoo, so_company_partner) == "SuperOffice under faults"


def test_server_killed_after_its_patch_heals_without_losing_the_next_edit(odoo, sim, connection):
    """The Odoo server dies (SIGKILL) while its PATCH is on the way; SuperOffice applies it.
    Before the next run the user sets the field back to its old value: that edit must reach
    SuperOffice, not be overwritten by the value the dead run wrote. Runs last: it restarts the
    server."""
    so_id = sim.store.ids("contact")[1]
    partner = partner_of(odoo, connection, "company", so_id)
    old = sim.store.get("contact", so_id)["Department"]
    assert department(odoo, partner) == old
    companies = sim.store.count("contact")
    slow = sim.faults.latency(seconds=4, count=1, method="PATCH", path=rf"/api/v1/Contact/{so_id}$")
    try:
        # The write triggers the push cron; its PATCH reaches the simulator, which holds it.
        odoo.call("res.partner", "write", [partner], {"superoffice_department": "Dead run"})
        assert eventually(lambda: slow.hits == 1, timeout=30, nudge=lambda: odoo.run_cron(
            "superoffice_cron_push")), odoo.log_tail()
        odoo.kill()
        assert eventually(lambda: sim.store.get("contact", so_id)["Department"] == "Dead run",
                          timeout=15)
    finally:
        sim.faults.clear()
    # Restarted without the cron thread, so nothing runs before the user's edit.
    odoo.start(cron_threads=0)
    (link,) = link_of(odoo, connection, "company", so_id)
    assert link["state"] == "needs_sync", link  # the dead run's transaction never committed
    assert department(odoo, partner) == "Dead run"
    odoo.call("res.partner", "write", [partner], {"superoffice_department": old})
    assert odoo.run_cron("superoffice_cron_push")
    (link,) = link_of(odoo, connection, "company", so_id)
    assert link["state"] == "linked", link
    assert sim.store.get("contact", so_id)["Department"] == old
    assert department(odoo, partner) == old
    assert len(link_of(odoo, connection, "company", so_id)) == 1
    assert sim.store.count("contact") == companies  # nothing created twice
