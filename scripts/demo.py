"""The main command (`make demo`): the SuperOffice simulator plus an Odoo with the addon.

Starts the simulator with demo data on http://127.0.0.1:8555, an Odoo of the series
``ODOO_SERIES`` names (``19.0`` by default, or ``18.0``) with ``superoffice_connector`` installed in
the database ``superoffice_demo`` (``superoffice_demo_18_0`` on 18.0: each series keeps its own)
whose SuperOffice connection points at the simulator, prints the URL and the login, and stops both
on Ctrl-C.

PostgreSQL: the server the PG* variables name, else a private cluster kept in ``var/demo-pg`` (so
the demo database survives between runs; ``make demo RESET=1`` starts it afresh).
"""

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

ROOT = odoo_env.ROOT
DB = "superoffice_demo"  # on the default series; another series' demo has its own database
SIM_PORT = int(os.environ.get("SIM_PORT", "8555"))
ODOO_PORT = int(os.environ.get("ODOO_PORT", "8069"))
TENANT = "Cust12345"
DEV_TICKET = "7T:ZGVtby10aWNrZXQ="  # accepted by the simulator started below, and by nothing else
VAR = ROOT / "var" / "demo"

NO_ODOO = """\
No Odoo {series} was found or provisioned, so the demo cannot start. With neither ODOO_PYTHON nor
ODOO_PATH set, `make demo` provisions one into the per-user cache from ODOO_SOURCE (the reason it
could not is printed above). Or point ODOO_PYTHON at a Python interpreter that can `import odoo`
(Odoo {series} with its requirements), and ODOO_PATH at the Odoo {series} source tree (the folder with
odoo-bin) if that interpreter does not already have it on its path; PostgreSQL is taken from
PGHOST/PGPORT/PGUSER/PGPASSWORD, or started privately when they are unset. The README's
"Running against a real Odoo 19" shows both ways."""

CONFIGURE = """
conn = env["superoffice.connection"].with_context(active_test=False).search(
    [("name", "=", "SuperOffice simulator (demo)")], limit=1)
values = {
    "name": "SuperOffice simulator (demo)",
    "environment": "sod",
    "base_url": %(url)r,
    "tenant": %(tenant)r,
    "auth_mode": "ticket",
    "ticket": %(ticket)r,
    "client_secret": "demo-app-token",
    "allow_create_superoffice": True,
    "allow_create_odoo": True,
    "active": True,
}
if conn:
    conn.write(values)
else:
    env["superoffice.connection"].create(values)
erp = env["superoffice.erp.connection"].search([("name", "=", "SuperOffice ERP Sync (demo)")])
erp_values = {"name": "SuperOffice ERP Sync (demo)", "key": %(erp_key)r,
              "company_id": env.company.id, "user_id": env.ref("base.user_admin").id}
if erp:
    erp.write(erp_values)
    erp.action_release()
else:
    env["superoffice.erp.connection"].create(erp_values)
# Odoo users who are users of the simulated SuperOffice too (same e-mail address): the owners
# of its companies and the managers of its projects map to them
Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
for login, name, email in (("astrid", "Astrid Eriksen", "astrid.eriksen@example.com"),
                           ("emma", "Emma Smith", "emma.smith@example.com")):
    if not Users.search([("login", "=", login)]):
        Users.create({"login": login, "name": name, "email": email})
env.cr.commit()
"""
ERP_KEY = "demo-erp-sync-key"  # the demo's ERP Sync connector key, in the URL printed below


def wait_http(url, timeout=120, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with status {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status < 500:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def demo_postgres(reset):
    """PG* server if given, else a persistent private cluster in var/demo-pg."""
    if os.environ.get("PGHOST") or os.environ.get("PGPORT") or os.environ.get("PGUSER"):
        with odoo_env.postgres() as pg:
            yield pg
        return
    with odoo_env.cluster(ROOT / "var" / "demo-pg", reset=reset) as pg:
        yield pg


def database_exists(python, pg, database):
    code = (
        "import sys, psycopg2\n"
        "h, p, u, pw, db = sys.argv[1:]\n"
        "c = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname='postgres')\n"
        "cur = c.cursor(); cur.execute('SELECT 1 FROM pg_database WHERE datname=%s', (db,))\n"
        "print('yes' if cur.fetchone() else 'no')\n"
    )
    out = subprocess.run(
        [python, "-c", code, pg["host"], pg["port"], pg["user"], pg["password"], database],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return out == "yes"


def main():
    odoo_env.install_signal_handlers()
    reset = os.environ.get("RESET") == "1"
    try:
        series = odoo_env.series_of()
    except odoo_env.SeriesError as exc:
        print(f"demo: {exc}")
        return 1
    try:
        found = odoo_env.find_odoo(provision=True, series=series)
    except (KeyboardInterrupt, odoo_env.Interrupted):
        print(f"\nstopped while provisioning Odoo {series}; the next run finishes it")
        return 130
    if not found:
        print(NO_ODOO.format(series=series))
        return 1
    python, odoo_path, version = found
    VAR.mkdir(parents=True, exist_ok=True)
    sim = None
    try:
        sim = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "python"), "-m", "superoffice_sim",
                "--host", "127.0.0.1", "--port", str(SIM_PORT), "--tenant", TENANT,
                "--seed-companies", "200", "--dev-ticket", DEV_TICKET,
            ],
            cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        sim_url = f"http://127.0.0.1:{SIM_PORT}"
        wait_http(f"{sim_url}/api/state/{TENANT}", timeout=60, process=sim)
        with demo_postgres(reset) as pg:
            run_odoo(python, odoo_path, version, pg, reset, sim, sim_url, series)
        return 0
    except (KeyboardInterrupt, odoo_env.Interrupted):
        print("\nstopped the demo")
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if sim is not None:
            odoo_env.terminate(sim)


def run_odoo(python, odoo_path, version, pg, reset, sim, sim_url, series):
    """Create or reuse the demo database, configure its connection, serve until Ctrl-C."""
    database = DB if series == odoo_env.DEFAULT_SERIES else f"{DB}_{series.replace('.', '_')}"
    data_dir = VAR / ("odoo-data" if database == DB else f"odoo-data-{series}")
    env = odoo_env.odoo_env_vars(odoo_path)
    command = odoo_env.odoo_command(python, odoo_path)
    options = [
        "--addons-path", odoo_env.addons_path(python, odoo_path),
        "--data-dir", str(data_dir),
        "-d", database,
        "--http-interface", "127.0.0.1",
        *odoo_env.db_args(pg),
    ]  # fmt: skip
    if reset and database_exists(python, pg, database):
        odoo_env.drop_database(python, pg, database)
        shutil.rmtree(data_dir, ignore_errors=True)
    if not database_exists(python, pg, database):
        print(f"==> creating the demo database {database} with superoffice_connector (about a minute)")
        subprocess.run(
            command + options + ["-i", "superoffice_connector", "--stop-after-init"],
            env=env, check=True,
        )  # fmt: skip
    print("==> pointing its SuperOffice connection at the simulator")
    subprocess.run(
        command + ["shell"] + options + ["--no-http"],
        input=CONFIGURE % {"url": sim_url, "tenant": TENANT, "ticket": DEV_TICKET,
                           "erp_key": ERP_KEY},
        text=True, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    odoo = subprocess.Popen(
        command + options + ["--http-port", str(ODOO_PORT)], env=env, start_new_session=True
    )
    try:
        wait_http(f"http://127.0.0.1:{ODOO_PORT}/web/login", timeout=180, process=odoo)
        connector = f"http://127.0.0.1:{ODOO_PORT}/superoffice/erp/ErpConnectorWS.svc?key={ERP_KEY}"
        print(
            f"\nOdoo {version} with SuperOffice Connector: http://127.0.0.1:{ODOO_PORT}/odoo"
            "  (login: admin, password: admin)"
            f"\nSuperOffice simulator: {sim_url}  (tenant {TENANT}, API {sim_url}/sod2/{TENANT}/api/v1/)"
            f"\nSuperOffice's ERP tab (Connect to ERP against this Odoo): {sim_url}/_erp/"
            f"?connector={urllib.parse.quote(connector, safe='')}"
            "\nPress Ctrl-C to stop both.\n",
            flush=True,
        )
        while odoo.poll() is None and sim.poll() is None:
            time.sleep(1)
        raise RuntimeError("Odoo or the simulator stopped unexpectedly")
    finally:
        odoo_env.terminate(odoo)


if __name__ == "__main__":
    sys.exit(main())
