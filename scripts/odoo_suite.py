"""Run the addon's Odoo tests in a throwaway database on a real PostgreSQL.

For each Odoo series ``ODOO_SERIES`` names (``19.0`` by default; ``"18.0 19.0"`` runs both, one
after the other), finds that Odoo and PostgreSQL as ``odoo_env`` describes, creates a fresh
database, installs ``superoffice_connector`` with ``--test-tags /superoffice_connector``, reads
Odoo's result line, drops the database and prints one summary line per series::

    odoo suite 18.0: N tests, F failed, E errors
    odoo suite 19.0: N tests, F failed, E errors

A series with no Odoo found (nor provisioned, see ``odoo_provision``) prints ``odoo suite 18.0:
SKIPPED (...)``; with none at all, the one line ``odoo suite: SKIPPED (no Odoo 19.0 found; set
ODOO_PYTHON)``. Exit status 1 on any failed or errored test or a failed install, else 0.

Optional: ``ODOO_SUITE_TEMPLATE`` names an existing database with ``contacts`` and ``project``
installed, copied instead of starting from an empty one (faster local runs);
``ODOO_SUITE_TAGS`` overrides the test tags (default ``/superoffice_connector``).

After a passing run the addon is uninstalled from the same database and the database is checked
for leftovers (tables, columns, models, module data of the addon): ``odoo suite 19.0: uninstall clean``,
or the leftovers and a failure.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

RESULT_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
SHOWN_RE = re.compile(r" (ERROR|CRITICAL|WARNING) .*|^(FAIL|ERROR):|^Traceback|^\S*Error")
ADDON = "superoffice_connector"


UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", "superoffice_connector")])
module.button_immediate_uninstall()
env.cr.commit()
"""

LEFTOVERS = """
import sys, psycopg2
h, p, u, pw, db = sys.argv[1:]
cur = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname=db).cursor()
checks = {
    "tables": "SELECT table_name FROM information_schema.tables"
              " WHERE table_schema='public' AND table_name LIKE 'superoffice%%'",
    "columns": "SELECT table_name || '.' || column_name FROM information_schema.columns"
               " WHERE table_schema='public' AND column_name LIKE 'superoffice%%'",
    "models": "SELECT model FROM ir_model WHERE model LIKE 'superoffice.%%'",
    "module data": "SELECT model || ',' || name FROM ir_model_data"
                   " WHERE module='superoffice_connector'",
    "module state": "SELECT state FROM ir_module_module"
                    " WHERE name='superoffice_connector' AND state <> 'uninstalled'",
}
for what, query in checks.items():
    cur.execute(query)
    for (row,) in cur.fetchall():
        print(f"{what}: {row}")
"""


def check_uninstall(python, odoo_path, pg, dbname, data_dir, log):
    """Uninstall the addon from ``dbname``; return the list of leftovers (empty when clean)."""
    cmd = odoo_env.odoo_command(python, odoo_path) + [
        "shell",
        "--addons-path", odoo_env.addons_path(python, odoo_path),
        "--data-dir", data_dir,
        "-d", dbname,
        "--no-http",
        *odoo_env.db_args(pg),
    ]  # fmt: skip
    result = subprocess.run(
        cmd, input=UNINSTALL, text=True, capture_output=True,
        env=odoo_env.odoo_env_vars(odoo_path), check=False,
    )  # fmt: skip
    log.write(result.stdout + result.stderr)
    if result.returncode != 0:
        return [f"uninstall exited with status {result.returncode}"]
    out = subprocess.run(
        [python, "-c", LEFTOVERS, pg["host"], pg["port"], pg["user"], pg["password"], dbname],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if out.returncode != 0:
        return [f"leftover check failed: {out.stderr.strip()}"]
    return out.stdout.splitlines()


def run_suite(python, odoo_path, pg, log_path):
    dbname = f"so_suite_{uuid.uuid4().hex[:10]}"
    data_dir = tempfile.mkdtemp(prefix="so-odoo-data-")
    template = os.environ.get("ODOO_SUITE_TEMPLATE", "")
    tags = os.environ.get("ODOO_SUITE_TAGS", f"/{ADDON}")
    created = False
    process = None
    try:
        if template:
            odoo_env.create_database(python, pg, dbname, template)
            created = True
        cmd = odoo_env.test_install_command(
            python, odoo_path, odoo_env.addons_path(python, odoo_path), data_dir, dbname, ADDON,
            tags, pg,
        )
        created = True  # Odoo creates it when it does not exist yet
        counts = None
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=odoo_env.odoo_env_vars(odoo_path),
                start_new_session=True,
            )
            for line in process.stdout:
                log.write(line)
                match = RESULT_RE.search(line)
                if match:
                    counts = tuple(int(g) for g in match.groups())
                    print(line.rstrip())
                elif SHOWN_RE.search(line):
                    print(line.rstrip())
            returncode = process.wait()
            leftovers = None
            if counts and not counts[0] and not counts[1] and returncode == 0:
                leftovers = check_uninstall(python, odoo_path, pg, dbname, data_dir, log)
        return counts, returncode, leftovers
    finally:
        if process is not None:
            odoo_env.terminate(process)
        if created:
            odoo_env.drop_database(python, pg, dbname)
        shutil.rmtree(data_dir, ignore_errors=True)


def run_series(series):
    """Run the suite on the Odoo ``series``; return its exit status, or None when no Odoo of that
    series is found (nor provisioned). Every line it prints starts with ``odoo suite <series>:``."""
    head = f"odoo suite {series}:"
    found = odoo_env.find_odoo(provision=True, series=series)
    if not found:
        return None
    python, odoo_path, version = found
    print(f"{head} Odoo {version} at {python}" + (f" with {odoo_path}" if odoo_path else ""))
    log_path = Path(tempfile.gettempdir()) / f"odoo-suite-{series}-{os.getpid()}.log"
    with odoo_env.postgres() as pg:
        counts, returncode, leftovers = run_suite(python, odoo_path, pg, log_path)
    if counts is None:
        print(f"{head} install of {ADDON} failed (exit {returncode}); full log: {log_path}")
        with open(log_path, encoding="utf-8") as log:
            tail = log.readlines()[-60:]
        sys.stdout.writelines(tail)
        print(f"{head} 0 tests, 0 failed, 1 errors")
        return 1
    failed, errors, total = counts
    print(f"{head} {total} tests, {failed} failed, {errors} errors")
    if leftovers:
        shown = "; ".join(leftovers[:12]) + (f" (+{len(leftovers) - 12} more)" if len(leftovers) > 12 else "")
        print(f"{head} uninstall left {shown}")
    elif leftovers is not None:
        print(f"{head} uninstall clean")
    if failed or errors or returncode != 0 or total == 0 or leftovers:
        print(f"{head} full log: {log_path}")
        return 1
    log_path.unlink(missing_ok=True)
    return 0


def main():
    odoo_env.install_signal_handlers()
    try:
        wanted = odoo_env.series_list()
    except odoo_env.SeriesError as exc:
        print(f"odoo suite: {exc}")
        return 1
    results = {}
    for series in wanted:
        try:
            results[series] = run_series(series)
        except (KeyboardInterrupt, odoo_env.Interrupted):
            print(f"odoo suite {series}: INTERRUPTED (database and cluster removed; a provisioning "
                  "left unfinished is finished on the next run)")  # fmt: skip
            return 130
    if all(result is None for result in results.values()):
        print(f"odoo suite: SKIPPED (no Odoo {' or '.join(wanted)} found; set ODOO_PYTHON)")
        return 0
    for series, result in results.items():
        if result is None:
            print(f"odoo suite {series}: SKIPPED (no Odoo {series} found; set ODOO_PYTHON)")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
