"""The wheel check of ``make test`` (``scripts/wheel_check.py``) fails when the addon's wheel lacks
a data file the manifest lists, both on a wheel missing it and on a real whool build of a copy of
the addon whose data file git does not track (whool packs only the files git tracks)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import wheel_check  # noqa: E402

ADDON_DIR = ROOT / "superoffice_connector"
DATA_FILE = "data/ir_cron.xml"
METADATA = """Metadata-Version: 2.1
Name: odoo-addon-superoffice_connector
Version: {version}.1
Requires-Dist: cryptography
Requires-Dist: odoo=={series}.*
Requires-Dist: requests
"""


def git(*args, cwd):
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


def tracked_files():
    return [p for p in git("ls-files", "-z", cwd=ADDON_DIR).split("\0") if p]


def make_wheel(path, leave_out=()):
    """A wheel laid out as whool lays it out, of the addon's tracked files but ``leave_out``."""
    version = wheel_check.read_manifest(ADDON_DIR)["version"]
    dist_info = f"odoo_addon_superoffice_connector-{version}.1.dist-info"
    with zipfile.ZipFile(path, "w") as archive:
        for rel in tracked_files():
            if rel not in leave_out and rel != "pyproject.toml":
                archive.write(ADDON_DIR / rel, wheel_check.PREFIX + rel)
        series = wheel_check.wheel_series(ADDON_DIR) or ".".join(version.split(".")[:2])
        archive.writestr(f"{dist_info}/METADATA", METADATA.format(version=version, series=series))
    return path


def test_a_wheel_of_every_tracked_file_passes(tmp_path):
    assert wheel_check.check_addon_wheel(make_wheel(tmp_path / "a.whl"), ADDON_DIR) == []


def test_a_data_file_missing_from_the_wheel_is_named(tmp_path):
    wheel = make_wheel(tmp_path / "a.whl", leave_out={DATA_FILE})
    problems = wheel_check.check_addon_wheel(wheel, ADDON_DIR)
    assert problems == [
        f"{DATA_FILE} is listed in the manifest but not in the wheel (is it tracked by git?)"
    ]


def test_simulator_or_package_init_in_the_wheel_is_refused(tmp_path):
    wheel = make_wheel(tmp_path / "a.whl")
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.writestr("odoo/addons/__init__.py", "")
        archive.writestr(wheel_check.PREFIX + "superoffice_sim/server.py", "")
    problems = wheel_check.check_addon_wheel(wheel, ADDON_DIR)
    assert "odoo/addons/__init__.py must not be in the wheel" in problems
    assert f"{wheel_check.PREFIX}superoffice_sim/server.py must not be in the wheel" in problems


@pytest.mark.skipif(shutil.which("git") is None, reason="whool lists the files to pack with git")
def test_whool_build_without_an_untracked_data_file_fails_the_check(tmp_path):
    """The real build (pip, whool from the package index): a data file listed in the manifest
    but never added to git is not packed, and the check fails naming it."""
    copy = tmp_path / "superoffice_connector"
    for rel in tracked_files():
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ADDON_DIR / rel, copy / rel)
    git("init", "-q", cwd=copy)
    git("add", "-A", cwd=copy)
    git("rm", "-q", "--cached", DATA_FILE, cwd=copy)
    git("commit", "-q", "-m", "addon", cwd=copy)
    assert (copy / DATA_FILE).is_file()  # on disk, as in a working tree where it was not added
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "wheel_check.py"), "--addon", str(copy), "--no-sim"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"odoo/addons/superoffice_connector/{DATA_FILE}" not in result.stdout  # not listed
    assert (
        f"wheel: FAILED {DATA_FILE} is listed in the manifest but not in the wheel" in result.stdout
    )
