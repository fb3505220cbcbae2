#!/usr/bin/env bash
# The test command (`make test`): builds the project's virtual environment if needed, then runs
# the pre-commit hooks (ruff, OCA's checks, pylint-odoo), the static checks, the pure pytest
# suite, the wheel check and the Odoo suite, in that order.
# Exits non-zero when any step fails; every step runs so one report shows all problems.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/venv.sh || exit 1
PY=.venv/bin/python
failed=()

step() {
    local name=$1
    shift
    echo
    echo "==> $name"
    if "$@"; then
        echo "<== $name: ok"
    else
        echo "<== $name: FAILED"
        failed+=("$name")
    fi
}

# The hooks of .pre-commit-config.yaml, as `pre-commit run --all-files` runs them for a developer
# (their environment is built from the package index on the first run).
step "pre-commit" .venv/bin/pre-commit run --all-files --show-diff-on-failure --color never
step "static checks" "$PY" scripts/static_checks.py
pure_suite() {
    "$PY" -m pytest "${@:-tests}" -q -p no:cacheprovider
    local rc=$?
    # pytest exits 5 when it collected nothing: that is a failure of the suite, not a pass.
    [ "$rc" -eq 0 ]
}
# Before the suites: finds an Odoo of each series ODOO_SERIES names (default 19.0; "18.0 19.0"),
# or provisions it into the per-user cache (first run only; scripts/odoo_provision.py). Without
# one, the end-to-end tests and the Odoo suite are skipped on it.
step "odoo ${ODOO_SERIES:-19.0}" "$PY" scripts/odoo_provision.py --optional
# The end-to-end tests (under tests/) start one Odoo series per run: the first ODOO_SERIES names
# runs with the pure suite, every other one runs tests/e2e on its own.
read -ra series <<< "${ODOO_SERIES:-19.0}"; series=(${series[@]//,/ })
ODOO_SERIES=${series[0]} step "pure suite" pure_suite
for other in "${series[@]:1}"; do
    ODOO_SERIES=$other step "end to end $other" pure_suite tests/e2e
done
# The addon's wheel (whool) and the simulator's: contents listed and checked; with an Odoo,
# installed into an environment layered on it and the addon installed from there (each series).
for each in "${series[@]}"; do
    ODOO_SERIES=$each step "wheel${series[1]:+ $each}" "$PY" scripts/wheel_check.py
done
step "odoo suite" "$PY" scripts/odoo_suite.py

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
echo "all checks passed"
