#!/usr/bin/env bash
# Creates (or refreshes, when pyproject.toml changed) the project's virtual environment .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ -f "$stamp" ]; then
    exit 0
fi
echo "==> preparing .venv (first run, or pyproject.toml changed)"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'
rm -f .venv/.installed-*
touch "$stamp"
