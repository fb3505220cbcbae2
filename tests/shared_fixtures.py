"""Where the real captured SuperOffice responses are.

A copy lives in the repository (``tests/fixtures/superoffice``, with its source and licence in the
README there), so every clone runs every test; ``SUPEROFFICE_FIXTURES`` names another folder
(e.g. a newer capture) to run the same tests against.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_REPOSITORY = ROOT / "tests" / "fixtures" / "superoffice"


def superoffice_fixtures_dir():
    for candidate in (os.environ.get("SUPEROFFICE_FIXTURES"), IN_REPOSITORY):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def require_superoffice_fixtures():
    folder = superoffice_fixtures_dir()
    if folder is None:
        pytest.fail(f"the captured SuperOffice responses are missing from {IN_REPOSITORY}")
    return folder
