"""manifestoo's checks of the addon's manifest, without an Odoo on the machine (the pre-commit
hook ``manifestoo``; needs ``manifestoo``).

- every dependency is an Odoo Community core addon of the manifest's series (manifestoo's own
  table) or an addon of this repository: an Enterprise addon, a misspelt name or an addon of
  another repository would make the wheel require an ``odoo-addon-*`` package nobody publishes;
- ``check-licenses``: the addon's licence may depend on each dependency's licence;
- ``check-dev-status``: the addon declares a development status, and no dependency is less mature.

The two last are manifestoo's own commands (``check_licenses_command``,
``check_dev_status_command``). manifestoo's command line finds core addons by importing Odoo;
these commands read a core addon's licence and status from manifestoo's tables by its name only,
so the core dependencies are given to them by name, and the checks run where no Odoo is.

    python scripts/manifestoo_check.py
"""

import sys
from pathlib import Path
from types import SimpleNamespace

from manifestoo.addons_selection import AddonsSelection
from manifestoo.commands.check_dev_status import check_dev_status_command
from manifestoo.commands.check_licenses import check_licenses_command
from manifestoo_core.addons_set import AddonsSet
from manifestoo_core.core_addons import is_core_ce_addon
from manifestoo_core.odoo_series import OdooSeries, detect_from_addon_version

ROOT = Path(__file__).resolve().parent.parent
# The series one source serves (scripts/odoo_env.py SERIES; read as text: this hook's
# environment has none of the project's packages). A version without a series ("1.1.0", which
# Odoo prefixes with the series it runs) is checked against each of them.
SERIES = ("18.0", "19.0")


def problems():
    addons = AddonsSet()
    addons.add_from_addons_dir(ROOT)
    found = []
    for name, addon in sorted(addons.items()):
        series = detect_from_addon_version(addon.manifest.version or "")
        for one in [series] if series else [OdooSeries(s) for s in SERIES]:
            found += _problems_of(name, addons, one)
    return sorted(set(found))


def _problems_of(name, addons, series):
    """manifestoo's findings on addon ``name`` for one Odoo ``series``."""
    found = []
    known = AddonsSet(addons)
    for dep in addons[name].manifest.depends:
        if dep in addons:
            continue
        if not is_core_ce_addon(dep, series):
            found.append(
                f"{name}: depends on {dep!r}, neither an Odoo {series.value} Community core "
                "addon nor an addon of this repository"
            )
            continue
        known[dep] = SimpleNamespace(name=dep)  # read by name from manifestoo's core tables
    selection = AddonsSelection({name})
    found += check_licenses_command(selection, known, False, series)
    found += check_dev_status_command(selection, known, None, False, series)
    return found


def main():
    found = problems()
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
