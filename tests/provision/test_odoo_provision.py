"""Provisioning into the per-user cache: a first build, reuse, a half-finished or broken cache,
ODOO_PROVISION, a failed attempt remembered, and missing system prerequisites. The source is a
small stand-in tree with an empty requirements.txt and pip runs with no index: no network."""

import json
import os
import shutil
import subprocess
import sys
import time

import odoo_env
import odoo_provision
import pytest
from conftest import BUNDLED_WHEELS, ROOT, closed_port, make_tree
from odoo_prerequisites import diagnose, missing_prerequisites, prerequisites_message
from odoo_provision import Cache, ProvisionError, ensure, inspect
from odoo_source import Source

REAL_MISSING = missing_prerequisites(Source("folder", ""), {**os.environ, "PGHOST": "x"})
OFFLINE_SETUPTOOLS = any(
    name.startswith("setuptools-") for name in os.listdir(BUNDLED_WHEELS)
)  # Python 3.12+ no longer bundles setuptools: pip would need an index
needs_build_tools = pytest.mark.skipif(
    bool(REAL_MISSING) or not OFFLINE_SETUPTOOLS,
    reason=f"build prerequisites missing here ({REAL_MISSING}) or no bundled setuptools wheel",
)


@pytest.fixture
def source_env(cache_env, tmp_path):
    cache_env["ODOO_SOURCE"] = str(make_tree(tmp_path / "odoo-src"))
    cache_env["ODOO_PROVISION_EXTRAS"] = ""  # websocket-client and pytest-odoo need an index
    return cache_env


def _lines(capsys):
    return capsys.readouterr().out


@needs_build_tools
def test_build_reuse_and_rebuild_of_a_broken_or_unfinished_cache(source_env, capsys):
    # first run: the tree is fetched, the environment built, provisioned.json written last
    python, src, version = ensure(source_env)
    cache = Cache(source_env)
    assert (python, src, version) == (str(cache.python), str(cache.src), "19.0")
    out = _lines(capsys)
    assert "[1/2] fetching the Odoo 19.0 source from local folder" in out
    assert "[2/2] installing Odoo's requirements.txt" in out and "provisioned Odoo 19.0" in out
    stamp = json.loads(cache.stamp.read_text())
    assert stamp["version"] == "19.0" and stamp["source"].startswith("local folder")
    # setuptools below 81 (pkg_resources for gevent) and `import odoo` through odoo-src.pth
    check = subprocess.run(
        [python, "-W", "ignore", "-c",
         "import pkg_resources, setuptools, odoo.release; print(setuptools.__version__)"],
        capture_output=True, text=True, check=True, cwd="/",
    )  # fmt: skip
    assert int(check.stdout.split(".")[0]) < 81
    assert cache.complete.read_text().strip() == odoo_provision.recipe(cache, ())
    assert odoo_env.find_odoo(env=source_env) == (python, src, version)

    # second run: the source is gone and PATH is empty, yet the cache is used as it is, quietly
    shutil.rmtree(source_env["ODOO_SOURCE"])
    (cache.src / "kept").write_text("the tree is not fetched again")
    started = time.monotonic()
    assert ensure({**source_env, "PATH": ""}) == (python, src, version)
    assert time.monotonic() - started < 5 and _lines(capsys) == ""

    # stopped before provisioned.json: only that is written
    cache.stamp.unlink()
    assert inspect(cache, ()) == (True, True, "19.0", "it was not finished (no provisioned.json)")
    assert ensure(source_env)[2] == "19.0" and cache.stamp.exists()
    assert "[1/2]" not in (out := _lines(capsys)) and "[2/2]" not in out

    # stopped while installing the requirements: the environment alone is built again
    cache.complete.unlink()
    assert inspect(cache, ()) == (True, False, None, "its Python environment is unfinished")
    assert ensure(source_env)[2] == "19.0"
    assert "[2/2]" in (out := _lines(capsys)) and "[1/2]" not in out
    assert (cache.src / "kept").exists()

    # an environment built for other extras or requirements, or whose interpreter went away
    assert inspect(cache, ("websocket-client",))[:2] == (True, False)
    assert odoo_env.find_odoo(env={**source_env, "ODOO_PROVISION_EXTRAS": "websocket-client"}) is None
    requirements = (cache.src / "requirements.txt").read_text()
    (cache.src / "requirements.txt").write_text("lxml\n")
    assert inspect(cache, ()) == (
        True, False, None, "its Python environment was built for other requirements or extras",
    )  # fmt: skip
    (cache.src / "requirements.txt").write_text(requirements)
    python_link = os.readlink(cache.venv / "bin" / "python")
    (cache.venv / "bin" / "python").unlink()
    assert inspect(cache, ())[:2] == (True, False)
    assert odoo_env.find_odoo(env=source_env) is None
    (cache.venv / "bin" / "python").symlink_to(python_link)

    # a damaged tree, or a fetch interrupted (partial copy beside an absent tree): fetched again;
    # the environment, built for the same requirements, is kept
    make_tree(source_env["ODOO_SOURCE"])
    (cache.src / "odoo" / "release.py").unlink()
    assert inspect(cache, ())[:2] == (False, False)
    shutil.rmtree(cache.src)
    (cache.dir / "src.fetching").mkdir()
    assert inspect(cache, ())[3] == "no provisioned Odoo yet"
    assert ensure(source_env)[2] == "19.0"
    assert "[1/2]" in (out := _lines(capsys)) and "[2/2]" not in out
    assert not (cache.dir / "src.fetching").exists() and not (cache.src / "kept").exists()
    assert inspect(cache, ())[3] is None

    # ODOO_PROVISION=0: the ready cache is not used either
    assert odoo_env.find_odoo(provision=True, env={**source_env, "ODOO_PROVISION": "0"}) is None


def test_odoo_provision_0_builds_nothing(source_env):
    assert odoo_env.find_odoo(provision=True, env={**source_env, "ODOO_PROVISION": "0"}) is None
    assert not Cache(source_env).root.exists()


def test_odoo_python_or_path_set_means_no_provisioning(source_env):
    for name in ("ODOO_PYTHON", "ODOO_PATH"):
        env = {**source_env, name: "/nonexistent"}
        assert odoo_env.find_odoo(provision=True, env=env) is None
    assert not Cache(source_env).root.exists()


def test_unreachable_source_fails_fast_and_is_remembered(cache_env, capsys):
    unreachable = f"http://127.0.0.1:{closed_port()}/odoo.git"
    env = {**cache_env, "ODOO_SOURCE": unreachable}
    with pytest.raises(ProvisionError, match="cannot connect to 127.0.0.1"):
        ensure(env, timeout=3)
    cache = Cache(env)
    assert json.loads(cache.failed.read_text())["source"] == unreachable
    assert not cache.dir.exists()
    capsys.readouterr()
    started = time.monotonic()
    with pytest.raises(ProvisionError, match="not tried again before .*ODOO_PROVISION=1"):
        ensure(env, timeout=3)
    assert time.monotonic() - started < 1 and capsys.readouterr().out == ""
    with pytest.raises(ProvisionError) as retried:
        ensure({**env, "ODOO_PROVISION": "1"}, timeout=3)
    assert "not tried again" not in str(retried.value)
    # an hour later, or for another source, it is tried again
    failure = json.loads(cache.failed.read_text())
    assert odoo_provision.remembered_failure(cache, unreachable, env)
    assert not odoo_provision.remembered_failure(cache, unreachable, env, now=failure["time"] + 3601)
    assert not odoo_provision.remembered_failure(cache, "/elsewhere", env)


def test_make_test_step_and_odoo_suite_skip_quickly_without_a_source(cache_env):
    env = {**cache_env, "ODOO_SOURCE": f"http://127.0.0.1:{closed_port()}/odoo.git"}
    python = str(ROOT / ".venv" / "bin" / "python")
    python = python if os.path.exists(python) else sys.executable
    started = time.monotonic()
    step = subprocess.run(
        [python, "scripts/odoo_provision.py", "--optional"], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert step.returncode == 0, step.stdout + step.stderr
    assert "not provisioned: ODOO_SOURCE http://127.0.0.1" in step.stdout
    suite = subprocess.run(
        [python, "scripts/odoo_suite.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert suite.returncode == 0
    assert suite.stdout.splitlines()[-1] == "odoo suite: SKIPPED (no Odoo 19.0 found; set ODOO_PYTHON)"
    assert time.monotonic() - started < 30
    required = subprocess.run(
        [python, "scripts/odoo_provision.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert required.returncode == 1


def _tools(folder, cc_exit):
    folder.mkdir()
    (folder / "cc").write_text(f"#!/bin/sh\ncat >/dev/null\nexit {cc_exit}\n")
    (folder / "pg_config").write_text("#!/bin/sh\necho /nonexistent\n")
    for tool in ("cc", "pg_config"):
        (folder / tool).chmod(0o755)
    return str(folder)


def test_missing_prerequisites_are_named_with_the_apt_get_command(tmp_path):
    include = tmp_path / "include"
    include.mkdir()
    env = {"PATH": str(tmp_path / "empty")}
    missing = missing_prerequisites(
        Source("git", "https://example.org/odoo.git"), env, python_include=str(include),
        pg_lib_glob=str(tmp_path / "none" / "*"),
    )  # fmt: skip
    message = prerequisites_message(missing, root=False)
    assert "git, to fetch the Odoo source" in message
    assert "Python.h" in message and "a C compiler (cc)" in message and "pg_config" in message
    assert "PostgreSQL's server binaries" in message
    assert "sudo apt-get install -y git python3-dev build-essential libpq-dev postgresql" in message
    # a compiler that finds no LDAP/SASL headers; PostgreSQL named by the PG* variables
    (include / "Python.h").write_text("")
    env = {"PATH": _tools(tmp_path / "bin", cc_exit=1), "PGHOST": "db"}
    missing = missing_prerequisites(Source("folder", ""), env, python_include=str(include))
    assert [package for _what, package in missing] == ["libldap2-dev", "libldap2-dev", "libsasl2-dev"]
    assert "apt-get install -y libldap2-dev libsasl2-dev" in prerequisites_message(
        missing, root=True
    )
    env["PATH"] = _tools(tmp_path / "bin-ok", cc_exit=0)
    assert missing_prerequisites(Source("folder", ""), env, python_include=str(include)) == []


def test_missing_prerequisites_stop_before_anything_is_fetched(cache_env, tmp_path):
    env = {**cache_env, "PATH": str(tmp_path / "empty"), "ODOO_SOURCE": "https://example.org/o.git"}
    with pytest.raises(ProvisionError, match="apt-get install -y git .*build-essential"):
        ensure(env)
    cache = Cache(env)
    assert not cache.dir.exists() and not cache.failed.exists()


def test_pip_failures_name_the_missing_package():
    assert "libsasl2-dev" in diagnose("Modules/LDAPObject.c:9:10: fatal error: sasl/sasl.h: No such file")
    assert "libldap2-dev" in diagnose("fatal error: lber.h: No such file or directory")
    assert "libpq-dev" in diagnose("Error: pg_config executable not found.")
    assert "build-essential" in diagnose("error: command 'x86_64-linux-gnu-gcc' failed: No such file")
    assert diagnose("ERROR: No matching distribution found for foo==1") == (
        "ERROR: No matching distribution found for foo==1"
    )


@needs_build_tools
def test_each_series_has_its_own_tree_and_environment(source_env, tmp_path, capsys):
    env = {**source_env, "ODOO_SOURCE_18_0": str(make_tree(tmp_path / "odoo-18", major=18))}
    python18, src18, version18 = ensure(env, series="18.0")
    assert version18 == "18.0" and src18 == str(Cache(env, "18.0").src)
    assert "odoo-18.0" in src18 and "[1/2] fetching the Odoo 18.0 source" in _lines(capsys)
    assert not Cache(env, "19.0").dir.exists()  # the 19.0 cache is another folder, untouched
    python19, src19, version19 = ensure(env, series="19.0")  # ODOO_SOURCE: a 19 tree
    assert version19 == "19.0" and "odoo-19.0" in src19 and python19 != python18
    found = odoo_env.find_odoo(env={**env, "ODOO_SERIES": "18.0"})
    assert found == (python18, src18, "18.0")
    assert odoo_env.find_odoo(env=env) == (python19, src19, "19.0")  # 19.0 by default
    # a tree of another series is refused, and nothing is left of the attempt
    wrong = {**env, "ODOO_SOURCE_18_0": str(make_tree(tmp_path / "odoo-17", major=17))}
    wrong["XDG_CACHE_HOME"] = str(tmp_path / "other-cache")
    with pytest.raises(ProvisionError, match="this is Odoo 17.0, not Odoo 18"):
        ensure(wrong, series="18.0")


def test_odoo_series_names_one_or_more_supported_series():
    assert odoo_env.series_list({}) == ["19.0"]
    assert odoo_env.series_list({"ODOO_SERIES": "18.0 19.0"}) == ["18.0", "19.0"]
    assert odoo_env.series_list({"ODOO_SERIES": "19.0,18.0,19.0"}) == ["19.0", "18.0"]
    with pytest.raises(odoo_env.SeriesError, match="ODOO_SERIES 17.0: not a supported .*18.0, 19.0"):
        odoo_env.series_list({"ODOO_SERIES": "17.0 18.0"})
    with pytest.raises(odoo_env.SeriesError, match="names 2 series here"):
        odoo_env.series_of({"ODOO_SERIES": "18.0 19.0"})


def test_odoo_suite_skips_every_series_it_cannot_find(cache_env):
    env = {**cache_env, "ODOO_SOURCE": f"http://127.0.0.1:{closed_port()}/odoo.git",
           "ODOO_SERIES": "18.0 19.0"}  # fmt: skip
    python = str(ROOT / ".venv" / "bin" / "python")
    python = python if os.path.exists(python) else sys.executable
    suite = subprocess.run(
        [python, "scripts/odoo_suite.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert suite.returncode == 0, suite.stdout
    assert "odoo 18.0: not provisioned: ODOO_SOURCE http://127.0.0.1" in suite.stdout
    assert "odoo 19.0: not provisioned: ODOO_SOURCE http://127.0.0.1" in suite.stdout
    assert suite.stdout.splitlines()[-1] == (
        "odoo suite: SKIPPED (no Odoo 18.0 or 19.0 found; set ODOO_PYTHON)"
    )
    unknown = subprocess.run(
        [python, "scripts/odoo_suite.py"], cwd=ROOT, env={**env, "ODOO_SERIES": "17.0"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert unknown.returncode == 1 and "not a supported Odoo series" in unknown.stdout
