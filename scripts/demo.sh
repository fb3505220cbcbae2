#!/usr/bin/env bash
# The main command (`make demo`): simulator + Odoo (ODOO_SERIES: 19.0 by default, 18.0) with the
# addon; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
exec .venv/bin/python scripts/demo.py
