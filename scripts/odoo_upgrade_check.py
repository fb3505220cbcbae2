"""Upgrade a database that ran an older version of the addon to this checkout, and check it.

    ODOO_SERIES=19.0 .venv/bin/python scripts/odoo_upgrade_check.py [COMMIT [AS_VERSION]]

``COMMIT`` defaults to 08b67ed. With ``AS_VERSION`` (e.g. ``1.0.0``) the addon of ``COMMIT`` is
installed under that manifest version: on a series no older commit installs on (18.0), ``HEAD
1.0.0`` checks that ``-u`` runs the migrations of the versions in between.

In a throwaway database on the PostgreSQL ``odoo_env`` finds (``ODOO_SUITE_TEMPLATE``: a database
with ``contacts`` and ``project`` to copy, as for the Odoo suite):

1. installs the addon as it was at ``COMMIT`` (``git archive``, nothing else of that commit);
2. with a SuperOffice simulator, gives company A a connection, pulls it (companies, persons,
   projects, all linked), adds a company B with its own connection, a SuperOffice user in each
   company, and clears the company of company A's pulled contacts, as the pull did before company
   walls (so the data is what a database that started on such a version holds);
3. upgrades to this checkout (``-u superoffice_connector``);
4. checks: the installed version moved, every link and group (with its members) is still there,
   the contacts got company A (migrations/1.1.0), company B's user no longer sees them, a Sync
   now of a company changes nothing, the project start-date mapping row moved from
   ``CreatedDate`` to ``StartDate`` both ways (migrations/1.1.0), a second Sync now of a project
   changes nothing, and the addon uninstalls cleanly afterwards.

Prints one line per step and ``upgrade <series>: ok`` at the end; exit status 1 on any failure.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import odoo_suite  # noqa: E402

ROOT = odoo_env.ROOT
ADDON = "superoffice_connector"
DEFAULT_FROM = "08b67ed"
TENANT = "Cust12345"
TICKET = "7T:dXBncmFkZS10aWNrZXQ="

SETUP = """
import json
A = env.company
B = env["res.company"].create({"name": "Upgrade company B"})
values = dict(name="Upgrade A", environment="sod", base_url=%(url)r, tenant=%(tenant)r,
              auth_mode="ticket", ticket=%(ticket)r, client_secret="x", sync_import_new=True)
conn_a = env["superoffice.connection"].create(values)
env["superoffice.connection"].create(dict(values, name="Upgrade B", company_id=B.id,
                                          sync_import_new=False))
run = conn_a._pull()
group = env.ref("superoffice_connector.superoffice_connector_group_user")
users = {}
for login, company in (("upgrade_a", A), ("upgrade_b", B)):
    users[login] = env["res.users"].create({
        "name": login, "login": login, "company_id": company.id, "company_ids": [(6, 0, company.ids)],
        %(group_field)r: [(4, group.id), (4, env.ref("base.group_partner_manager").id)],
    }).id
links = env["superoffice.link"].search([("connection_id", "=", conn_a.id)])
partners = links.partner_id
env.cr.execute("UPDATE res_partner SET company_id = NULL WHERE id IN %%s", [tuple(partners.ids)])
env.cr.commit()
print("RESULT " + json.dumps({
    "failed": run.count_failed, "links": len(links), "partners": partners.ids, "company": A.name,
    "projects": links.project_id.ids, "users": users,
    "members": sorted(group.sudo().with_context(active_test=False).mapped(%(users_field)r).ids),
}))
"""

CHECK = """
import json
module = env["ir.module.module"].search([("name", "=", "superoffice_connector")])
group = env.ref("superoffice_connector.superoffice_connector_group_user")
admin_group = env.ref("superoffice_connector.superoffice_connector_group_admin")
links = env["superoffice.link"].search([])
partners = env["res.partner"].browse(%(partners)r)
user_b = env["res.users"].browse(%(user_b)d)
company_link = links.filtered(lambda link: link.entity_type == "company")[:1]
project_link = links.filtered(lambda link: link.entity_type == "project")[:1]
start = env.ref("superoffice_connector.superoffice_field_mapping_project_date_start")
project_sync = [project_link.connection_id._sync_link(project_link) for _n in range(2)]
print("RESULT " + json.dumps({
    "version": module.latest_version, "state": module.state, "links": len(links),
    "linked_states": sorted(set(links.mapped("state"))),
    "partner_companies": sorted(set(partners.mapped("company_id.name"))),
    "seen_by_b": len(env["res.partner"].with_user(user_b).search([("id", "in", partners.ids)])),
    "members": sorted(group.sudo().with_context(active_test=False).mapped(%(users_field)r).ids),
    "admin_implies_user": group in admin_group.%(implied_field)s,
    "sync_now": company_link.connection_id._sync_link(company_link),
    "start_date_mapping": [start.so_field, start.direction],
    "project_sync": project_sync,
    "project_start": str(project_link.project_id.date_start or "-"),
}))
env.cr.commit()
"""


class CheckFailed(Exception):
    pass


def say(series, message):
    print(f"upgrade {series}: {message}", flush=True)


def shell(python, odoo_path, addons, pg, db, script, data_dir):
    """Run ``script`` in ``odoo-bin shell``; return the JSON its RESULT line carries."""
    cmd = odoo_env.odoo_command(python, odoo_path) + [
        "shell", "--addons-path", addons, "--data-dir", data_dir, "-d", db, "--no-http",
        *odoo_env.db_args(pg),
    ]  # fmt: skip
    result = subprocess.run(cmd, input=script, text=True, capture_output=True,
                            env=odoo_env.odoo_env_vars(odoo_path), check=False)  # fmt: skip
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise CheckFailed(f"odoo shell printed no result:\n{(result.stdout + result.stderr)[-3000:]}")


def odoo(python, odoo_path, addons, pg, db, args, data_dir, log):
    cmd = odoo_env.odoo_command(python, odoo_path) + [
        "--addons-path", addons, "--data-dir", data_dir, "-d", db, "--stop-after-init",
        "--no-http", "--log-level", "info", *odoo_env.db_args(pg), *args,
    ]  # fmt: skip
    result = subprocess.run(cmd, text=True, capture_output=True,
                            env=odoo_env.odoo_env_vars(odoo_path), check=False)  # fmt: skip
    log.write(result.stdout + result.stderr)
    errors = [line.split(" ", 4)[-1] for line in (result.stdout + result.stderr).splitlines()
              if " ERROR " in line or " CRITICAL " in line
              or "invalid module names" in line]  # fmt: skip
    if result.returncode != 0 or errors:
        raise CheckFailed(f"odoo-bin {' '.join(args)} failed: " + "; ".join(errors[:5] or
                          [f"exit {result.returncode}"]))  # fmt: skip
    return result.stdout + result.stderr


def expect(condition, what):
    if not condition:
        raise CheckFailed(what)


def run(series, commit, work, log, as_version=None):
    found = odoo_env.find_odoo(series=series)
    if not found:
        say(series, f"SKIPPED (no Odoo {series} found)")
        return 0
    python, odoo_path, version = found
    old = work / "old"
    old.mkdir()
    archive = subprocess.run(["git", "archive", commit, ADDON], cwd=ROOT, capture_output=True,
                             check=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old, filter="data")
    manifest_path = old / ADDON / "__manifest__.py"
    manifest = manifest_path.read_text(encoding="utf-8")
    old_version = manifest.split('"version": "', 1)[1].split('"', 1)[0]
    if as_version:  # the code of COMMIT, installed as an older version of the addon
        manifest_path.write_text(manifest.replace(f'"version": "{old_version}"',
                                                  f'"version": "{as_version}"'), encoding="utf-8")
        old_version = f"{as_version}, the code of {commit}"
    say(series, f"from {commit} (version {old_version}) to this checkout, on Odoo {version}")
    base = odoo_env.addons_path(python, odoo_path).rsplit(",", 1)[0]
    old_addons, new_addons = f"{base},{old}", f"{base},{ROOT}"
    group_field = "group_ids" if series.startswith("19") else "groups_id"
    fields = {"group_field": group_field, "users_field": "user_ids" if series.startswith("19")
              else "users", "implied_field": "all_implied_ids" if series.startswith("19")
              else "trans_implied_ids"}  # fmt: skip
    db = f"so_upgrade_{uuid.uuid4().hex[:8]}"
    data_dir = str(work / "data")
    sim_port = odoo_env.free_port()
    sim = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "superoffice_sim", "--host", "127.0.0.1",
         "--port", str(sim_port), "--tenant", TENANT, "--seed-companies", "6",
         "--dev-ticket", TICKET],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with odoo_env.postgres() as pg:
            template = os.environ.get("ODOO_SUITE_TEMPLATE")
            if template:
                odoo_env.create_database(python, pg, db, template)
            try:
                return _steps(series, commit, python, odoo_path, pg, db, data_dir, log,
                              old_addons, new_addons, fields, sim_port)  # fmt: skip
            finally:
                odoo_env.drop_database(python, pg, db)
    finally:
        odoo_env.terminate(sim)


def _steps(series, commit, python, odoo_path, pg, db, data_dir, log, old_addons, new_addons,
           fields, sim_port):  # fmt: skip
    try:
        odoo(python, odoo_path, old_addons, pg, db, ["-i", ADDON], data_dir, log)
    except CheckFailed as exc:
        say(series, f"the addon at {commit} does not install on Odoo {series}: {exc}")
        return 1
    say(series, f"1/4 installed the addon at {commit}")
    url = f"http://127.0.0.1:{sim_port}"
    wait_for_simulator(url)
    before = shell(python, odoo_path, old_addons, pg, db, SETUP % {
        "url": url, "tenant": TENANT, "ticket": TICKET, **fields}, data_dir)  # fmt: skip
    expect(before["failed"] == 0 and before["links"] > 0, f"the pull with the old code: {before}")
    say(series, f"2/4 old code pulled {before['links']} linked records "
        f"({len(before['partners'])} contacts, {len(before['projects'])} projects); "
        "contacts' company cleared as before company walls")  # fmt: skip
    output = odoo(python, odoo_path, new_addons, pg, db, ["-u", ADDON], data_dir, log)
    migrated = [line.split(" INFO ", 1)[-1] for line in output.splitlines()
                if "created without a company now belong" in line or "start date mapping" in line
                or "module superoffice_connector:"
                " Running migration" in line]  # fmt: skip
    say(series, "3/4 upgraded with -u superoffice_connector: " + ("; ".join(migrated) or "-"))
    after = shell(python, odoo_path, new_addons, pg, db, CHECK % {
        "partners": before["partners"], "user_b": before["users"]["upgrade_b"], **fields,
    }, data_dir)  # fmt: skip
    expect(after["version"] == f"{series}.1.1.0", f"installed version {after['version']}")
    expect(after["links"] == before["links"], f"links {before['links']} -> {after['links']}")
    expect(after["linked_states"] == ["linked"], f"link states {after['linked_states']}")
    expect(after["partner_companies"] == [before["company"]],
           f"contacts' companies {after['partner_companies']}")
    expect(after["seen_by_b"] == 0, f"company B's user sees {after['seen_by_b']} of A's contacts")
    expect(after["members"] == before["members"], "the SuperOffice User group lost members")
    expect(after["admin_implies_user"], "Administrator no longer implies User")
    expect(after["sync_now"] == "unchanged", f"a Sync now after the upgrade: {after['sync_now']}")
    expect(after["start_date_mapping"] == ["StartDate", "both"],
           f"project start date mapping {after['start_date_mapping']}")
    expect(after["project_sync"][1] == "unchanged",
           f"a second Sync now of a project: {after['project_sync']}")
    say(series, f"4/4 version {after['version']}, {after['links']} links linked, contacts of "
        f"{after['partner_companies'][0]}, none seen by company B, group members kept, "
        "Sync now unchanged; project start date mapped to "
        f"{'/'.join(after['start_date_mapping'])}, a project's Sync now "
        f"{' then '.join(after['project_sync'])} (start date {after['project_start']})")  # fmt: skip
    leftovers = odoo_suite.check_uninstall(python, odoo_path, pg, db, data_dir, log)
    expect(not leftovers, f"uninstall left {leftovers}")
    say(series, "uninstall clean")
    return 0


def wait_for_simulator(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/state/{TENANT}", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise CheckFailed(f"the simulator at {url} did not answer")


def main():
    odoo_env.install_signal_handlers()
    commit = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_FROM
    as_version = sys.argv[2] if len(sys.argv) > 2 else None
    series = odoo_env.series_of()
    log_path = Path(tempfile.gettempdir()) / f"odoo-upgrade-{series}-{os.getpid()}.log"
    with tempfile.TemporaryDirectory(prefix="so-upgrade-") as work, \
            open(log_path, "w", encoding="utf-8") as log:  # fmt: skip
        try:
            status = run(series, commit, Path(work), log, as_version)
        except CheckFailed as exc:
            say(series, f"FAILED: {exc}")
            status = 1
    if status:
        say(series, f"full log: {log_path}")
    else:
        say(series, "ok")
    return status


if __name__ == "__main__":
    sys.exit(main())
