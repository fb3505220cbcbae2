"""Where the real captured SuperOffice responses are.

They live in the steering folder ``shared/fixtures/superoffice`` beside the repository (CI lays a
copy there); ``SUPEROFFICE_FIXTURES`` names another folder. Without them the tests that need them
are skipped, except under CI (``CI=true``), where their absence is an error.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def superoffice_fixtures_dir():
    candidates = [os.environ.get("SUPEROFFICE_FIXTURES"), ROOT.parent / "shared" / "fixtures" / "superoffice"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def require_superoffice_fixtures():
    folder = superoffice_fixtures_dir()
    if folder is None:
        reason = "the captured SuperOffice responses (../shared/fixtures/superoffice) are not here"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return folder
