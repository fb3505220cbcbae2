"""End to end in production shape: Odoo's prefork server against the simulator.

The Odoo server runs as customers run it: ``--workers 2 --max-cron-threads 1`` (two HTTP worker
processes, one cron worker process, and the gevent process), with the addon installed in a fresh
database and the simulator (in this process) holding a few thousand records. Nobody clicks Pull
now: the first SuperOffice edit notifies Odoo through the webhook, which triggers the pull cron,
and the first import of every record must then go on by itself, cron job after cron job (each
one cut by Odoo's cron time budget), in about the time its requests take at the configured rate.

Meanwhile SuperOffice users keep editing records (webhook-triggered pulls) and an Odoo user keeps
pressing Sync now on imported records (HTTP workers). At the end: every record imported once, the
edits arrived, no run failed or left "running", no cron job failed, no traceback in the server
log, and the simulator never saw more requests in one second than the configured limit, although
three processes sent them.

Skipped like ``test_end_to_end.py`` when no Odoo 19 is found. Odoo's gevent process imports
``pkg_resources`` (through gevent), which setuptools 81 and later no longer ship: when the Odoo
interpreter lacks it, ``setuptools<81`` is installed once into a cache folder that only the
server's ``PYTHONPATH`` names.
"""

import json
import os
import random
import subprocess
import threading
import time
from pathlib import Path

import pytest
from test_end_to_end import ADDON, TENANT, eventually, start_odoo

from superoffice_sim import SimServer

SEED_COMPANIES = 700  # about 700 companies, 2,100 persons and 140 projects
RATE = 20  # requests per second of the connection, for all processes together
BATCH = 100
CLIENT_OPTIONS = {"rate_limit": RATE, "max_retries": 5, "read_timeout": 10,
                  "operation_budget": 60}


def pkg_resources_path(python):
    """A folder providing ``pkg_resources`` to the gevent process, or None when not needed."""
    check = subprocess.run([python, "-c", "import pkg_resources"], capture_output=True,
                           check=False)
    if check.returncode == 0:
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = cache / "superoffice-connector" / "setuptools-lt81"
    if not (target / "pkg_resources").is_dir():
        install = subprocess.run(
            [python, "-m", "pip", "install", "-q", "--target", str(target), "setuptools<81"],
            capture_output=True, text=True, check=False,
        )
        if install.returncode:
            pytest.skip("Odoo's gevent process needs pkg_resources (setuptools<81), which could "
                        f"not be installed: {install.stderr[-300:]}")
    return target


@pytest.fixture(scope="module")
def sim():
    server = SimServer(tenant=TENANT, seed_companies=SEED_COMPANIES, seed=11,
                       webhook_retry_delays=(0.5, 1.0, 2.0), webhook_timeout=10.0)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def odoo(request):
    """Odoo 19 in prefork mode with the addon installed in a fresh database."""
    return start_odoo(request, "so_prefork", workers=2, cron_threads=1,
                      python_path=pkg_resources_path)


class Activity:
    """SuperOffice users editing and an Odoo user pressing Sync now, in two threads, until
    stopped. Records what it did and every unexpected error."""

    def __init__(self, odoo, sim, connection_id):
        self.odoo, self.sim, self.connection_id = odoo, sim, connection_id
        self.stop = threading.Event()
        self.edits = {}  # SuperOffice company id -> last Department written
        self.sync_now = {"done": 0, "busy": 0}
        self.errors = []
        self.threads = [threading.Thread(target=self._edit, daemon=True),
                        threading.Thread(target=self._sync_now, daemon=True)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def _edit(self):
        rng = random.Random(3)
        ids = self.sim.store.ids("contact")
        n = 0
        while not self.stop.wait(0.7):
            so_id = rng.choice(ids)
            n += 1
            self.sim.store.patch("contact", so_id, {"Department": f"Edit {n}"})
            self.edits[so_id] = f"Edit {n}"

    def _sync_now(self):
        import odoorpc  # noqa: PLC0415 - only where odoorpc is installed

        rpc = odoorpc.ODOO("127.0.0.1", port=self.odoo.port, timeout=120)
        rpc.login(self.odoo.db, "admin", "admin")
        rng = random.Random(4)
        while not self.stop.wait(0.3):
            links = rpc.execute_kw("superoffice.link", "search", [[
                ("connection_id", "=", self.connection_id), ("state", "=", "linked"),
            ]], {"limit": 200, "order": "id desc"})
            if not links:
                continue
            try:
                rpc.execute_kw("superoffice.link", "action_sync_now", [[rng.choice(links)]])
                self.sync_now["done"] += 1
            except odoorpc.error.RPCError as exc:
                if "being synchronized right now" in str(exc):
                    self.sync_now["busy"] += 1  # the pull holds it: the user is told so
                else:
                    self.errors.append(str(exc)[:300])


def runs(odoo, connection_id, *domain):
    return odoo.call("superoffice.sync.run", "search_read",
                     [("connection_id", "=", connection_id), *domain],
                     fields=["kind", "trigger", "state", "message", "count_created"])


def test_first_import_under_prefork_workers_goes_on_by_itself_within_one_rate_limit(odoo, sim):
    params = "ir.config_parameter"
    odoo.call(params, "set_param", "web.base.url", odoo.url)
    odoo.call(params, "set_param", f"{ADDON}.client_options", json.dumps(CLIENT_OPTIONS))
    app = sim.app
    connection_id = odoo.call("superoffice.connection", "create", {
        "name": "Prefork", "environment": "sod", "base_url": sim.url, "tenant": TENANT,
        "auth_mode": "system_user", "client_id": app.client_id,
        "client_secret": app.client_secret, "system_token": app.system_token,
        "private_key": app.private_key_pem, "sync_import_new": True, "sync_batch_size": BATCH,
        "conflict_policy": "superoffice_wins",
    })
    result = odoo.call("superoffice.connection", "action_test_connection", connection_id)
    assert result["params"]["type"] == "success", result
    odoo.call("superoffice.connection", "action_register_webhook", connection_id)
    counts = {kind: sim.store.count(kind) for kind in ("contact", "person", "project")}
    expected = sum(counts.values())
    assert expected >= 2500
    sim.rates.clear()

    def imported():
        return odoo.call("superoffice.link", "search_count",
                         [("connection_id", "=", connection_id)])

    # The budget: one GET per record and one list request per page, at RATE per second, plus
    # what the edits and Sync now cost meanwhile; the deadline leaves room for a slow machine.
    budget = (expected + expected / BATCH) / RATE
    started = time.monotonic()
    with Activity(odoo, sim, connection_id) as activity:
        # No click: the first edit in SuperOffice reaches Odoo through the webhook, whose event
        # triggers the pull cron; the import then goes on by itself.
        done = eventually(lambda: imported() >= expected, timeout=2 * budget + 120, interval=3)
        seconds = time.monotonic() - started
        assert done, (imported(), expected, runs(odoo, connection_id)[:5], odoo.log_tail())
        time.sleep(5)  # a few more edits and Sync now clicks after the import
    print(f"\nimport of {expected} records through the cron: {seconds:.0f} s "
          f"(request budget {budget:.0f} s at {RATE}/s); Sync now: {activity.sync_now}; "
          f"edits: {len(activity.edits)}; peak {sim.rates.peak()} requests/s")

    # Everything settles: the edits arrive, nothing is left pending or running.
    def settled():
        pending = odoo.call("superoffice.sync.event", "search_count", [
            ("connection_id", "=", connection_id), ("state", "=", "pending")])
        running = runs(odoo, connection_id, ("state", "=", "running"))
        last = runs(odoo, connection_id, ("kind", "=", "pull"))[:1]
        return not pending and not running and last and last[0]["state"] == "done"

    assert eventually(settled, timeout=180, interval=2, nudge=lambda: odoo.call(
        "superoffice.connection", "action_pull_now", connection_id)), runs(odoo, connection_id)[:5]
    for so_id, value in activity.edits.items():
        (link,) = odoo.call("superoffice.link", "search_read", [
            ("connection_id", "=", connection_id), ("entity_type", "=", "company"),
            ("so_id", "=", so_id)], fields=["partner_id"])
        partner = odoo.read("res.partner", link["partner_id"][0], ["superoffice_department"])
        assert partner["superoffice_department"] == value, (so_id, value)

    # Every record imported once.
    for kind, entity_type in (("contact", "company"), ("person", "person"),
                              ("project", "project")):
        assert odoo.call("superoffice.link", "search_count", [
            ("connection_id", "=", connection_id), ("entity_type", "=", entity_type),
        ]) == counts[kind], kind
    # No failed or hanging run, no failed cron job, no Sync now error, no traceback.
    assert not runs(odoo, connection_id, ("state", "in", ("failed", "running")))
    assert activity.errors == []
    assert activity.sync_now["done"] > 0
    for cron in ("superoffice_cron_pull", "superoffice_cron_push"):
        cron_id = odoo.xmlid(f"{ADDON}.{cron}")
        assert odoo.read("ir.cron", cron_id, ["failure_count"])["failure_count"] == 0, cron
    log = Path(odoo.log_path).read_text(errors="replace")
    print(f"cron jobs of the pull: {log.count('Job ' + repr('SuperOffice: pull changes'))}; "
          f"pull runs: {len(runs(odoo, connection_id, ('kind', '=', 'pull')))}")
    assert "Traceback" not in log, odoo.log_tail(120)
    assert "could not serialize" not in log
    assert " ERROR " not in log, [line for line in log.splitlines() if " ERROR " in line][:5]
    # One rate limit for the connection across the three processes that sent requests.
    assert sim.rates.peak() <= RATE, sim.rates.per_second()
    # The first import did not wait for cron wakes: it took about its request budget.
    pulls = runs(odoo, connection_id, ("kind", "=", "pull"))
    assert any(r["state"] == "continuing" for r in pulls)
    assert seconds < 2 * budget + 120
