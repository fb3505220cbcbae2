"""Provision an Odoo for ``make test`` and ``make demo`` when none is found.

With neither ``ODOO_PYTHON`` nor ``ODOO_PATH`` set and no Odoo in the project's ``.venv``, an Odoo
of each series asked (``ODOO_SERIES``: ``19.0`` by default, ``18.0``, or both) is built once into a
per-user cache that every checkout on the machine shares, one tree and environment per series
(below for 19.0; 18.0 has the same under ``odoo-18.0``)::

    ${XDG_CACHE_HOME:-~/.cache}/superoffice-connector/
        odoo-19.0/src/              the Odoo 19.0 source tree (renamed into place once complete)
        odoo-19.0/venv/             Python environment: Odoo's requirements.txt, setuptools<81 and
                                    odoo-src.pth (``import odoo``); venv/.complete once installed
        odoo-19.0/provisioned.json  written last: where it came from, when, how long it took
        odoo-19.0.log               pip's full output of the last build
        odoo-19.0.failed.json       the last failed attempt (see below)
        odoo-19.0.lock              one build at a time; others wait for it

The source is ``ODOO_SOURCE`` (``odoo_source`` lists its kinds; default Odoo's official git
repository, the series' branch, shallow); with several series, ``ODOO_SOURCE_18_0`` (and
``ODOO_SOURCE_19_0``) name each one's own. A cache is ready when its tree is a complete Odoo tree of its series, its
environment finished installing, ``provisioned.json`` exists and the environment imports that
Odoo: then it is used as is, without network. A half-finished or broken cache is rebuilt: the
environment alone when the tree is sound, else both.

A failed download or build is remembered for an hour (``odoo-19.0.failed.json``): until then the
same source is not tried again, so that a machine that cannot reach it (a CI runner) loses the
time once; ``ODOO_PROVISION=1`` retries at once. ``ODOO_PROVISION=0`` neither builds nor uses the
cache. ``ODOO_PROVISION_EXTRAS`` replaces the packages installed beside requirements.txt
(default: websocket-client for the browser tests, pytest-odoo).

setuptools stays below 81 in the environment: Odoo 19's pinned gevent (started with
``--workers`` > 0) imports ``pkg_resources``, which setuptools 81 removed; cbor2 5.4.2's build
needs it too.

Command line: ``python scripts/odoo_provision.py [--optional]`` finds or provisions an Odoo of each
series ``ODOO_SERIES`` names and prints where it is; exit 1 when one is missing, unless
``--optional`` (``make test``).
"""

import argparse
import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import odoo_source  # noqa: E402
from odoo_prerequisites import (  # noqa: E402
    diagnose,
    has_module,
    missing_prerequisites,
    prerequisites_message,
)

RETRY_AFTER = 3600  # seconds a failed attempt is remembered
SETUPTOOLS = "setuptools<81"
# Beside requirements.txt (ODOO_PROVISION_EXTRAS replaces them): websocket-client for Odoo's
# browser tests (HttpCase tours skip without it), pytest-odoo for the addon's tests under pytest.
EXTRAS = ("websocket-client", "pytest-odoo")
NEEDED_SPACE = 3 << 30  # bytes free before a build starts (it takes about 1.5 GB)
SHOWN_PIP = re.compile(r"^\s*(Collecting|Building wheel for \S+ .*started|Successfully installed|ERROR:)")


class ProvisionError(Exception):
    """No Odoo could be provisioned; the message says why and what to do."""


class BuildError(ProvisionError):
    """Building the environment failed (remembered like an unreachable source)."""


def say(message, series=odoo_env.DEFAULT_SERIES):
    print(f"odoo {series}: {message}", flush=True)


def source_of(env, series):
    """The ``ODOO_SOURCE`` text for ``series``: ``ODOO_SOURCE_18_0`` first, then ``ODOO_SOURCE``."""
    return env.get(f"ODOO_SOURCE_{series.replace('.', '_')}") or env.get("ODOO_SOURCE")


class Cache:
    """The paths of the cache of ``series`` for ``env`` (``XDG_CACHE_HOME``, ``HOME``)."""

    def __init__(self, env, series=odoo_env.DEFAULT_SERIES):
        base = env.get("XDG_CACHE_HOME") or os.path.join(
            env.get("HOME") or os.path.expanduser("~"), ".cache"
        )
        self.series = series
        self.root = Path(base) / "superoffice-connector"
        self.dir = self.root / f"odoo-{series}"
        self.src = self.dir / "src"
        self.venv = self.dir / "venv"
        self.python = self.venv / "bin" / "python"
        self.complete = self.venv / ".complete"
        self.stamp = self.dir / "provisioned.json"
        self.log = self.root / f"odoo-{series}.log"
        self.failed = self.root / f"odoo-{series}.failed.json"
        self.lock = self.root / f"odoo-{series}.lock"


def extras_of(env):
    value = env.get("ODOO_PROVISION_EXTRAS")
    return EXTRAS if value is None else tuple(value.split())


def recipe(cache, extras=EXTRAS):
    """What the environment is built from (the tree's requirements.txt, setuptools<81, the
    extras); an environment built from anything else is rebuilt, one built from the same is kept
    when the tree is fetched again."""
    try:
        digest = hashlib.sha1((cache.src / "requirements.txt").read_bytes()).hexdigest()[:12]
    except OSError:
        digest = "missing"
    return f"requirements.txt {digest}, {SETUPTOOLS}, extras: {' '.join(extras) or '-'}"


def inspect_venv(cache, extras=EXTRAS):
    """``(version, problem)`` of the environment with the cache's source tree."""
    try:
        built_with = cache.complete.read_text(encoding="utf-8").strip()
    except OSError:
        return None, "its Python environment is unfinished"
    if built_with != recipe(cache, extras):
        return None, "its Python environment was built for other requirements or extras"
    version = odoo_env.probe_odoo(str(cache.python), str(cache.src), cache.series)
    if not version:
        return None, f"its Python environment no longer imports Odoo {cache.series}"
    return version, None


def inspect(cache, extras=EXTRAS):
    """``(src_ok, venv_ok, version, problem)``: which parts of the cache are sound, the version the
    environment imports when both are, and what is wrong otherwise (None when ready)."""
    if not cache.src.exists():
        return False, False, None, "no provisioned Odoo yet"
    try:
        odoo_source.odoo_version(cache.src, cache.series)
    except odoo_source.SourceError as exc:
        return False, False, None, f"its source tree is broken or unfinished ({exc})"
    version, problem = inspect_venv(cache, extras)
    if problem:
        return True, False, None, problem
    if not cache.stamp.exists():
        return True, True, version, "it was not finished (no provisioned.json)"
    return True, True, version, None


# ------------------------------------------------------------------------------ building


def _pip(python, args, log, env, series=odoo_env.DEFAULT_SERIES):
    """Run pip, showing its main lines; BuildError with the likely cause when it fails."""
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines = []
    for line in process.stdout:
        log.write(line)
        lines.append(line)
        if SHOWN_PIP.match(line):
            shown = re.sub(r" \(from .*\)$", "", line.strip())
            say("  " + (shown if len(shown) < 110 else shown[:107] + "..."), series)
    if process.wait() != 0:
        raise BuildError(f"pip install failed: {diagnose(''.join(lines))}; full log: {log.name}")


def build_venv(cache, env, python=sys.executable, extras=EXTRAS):
    """Create the environment: Odoo's requirements, setuptools<81, the extras, odoo-src.pth."""
    shutil.rmtree(cache.venv, ignore_errors=True)
    pip_env = dict(env)
    with open(cache.log, "w", encoding="utf-8") as log:
        if _pip_version() >= (22, 3):
            # this interpreter's pip (--python: 22.3 and later) installs pip itself: much faster
            # than ensurepip
            subprocess.run([python, "-m", "venv", "--without-pip", str(cache.venv)], check=True, env=env)
            _pip(python, ["--python", str(cache.python), "install", "--no-compile", "--upgrade",
                          "pip", SETUPTOOLS], log, pip_env, cache.series)  # fmt: skip
        else:
            subprocess.run([python, "-m", "venv", str(cache.venv)], check=True, env=env)
            _pip(cache.python, ["install", "--upgrade", "pip", SETUPTOOLS], log, pip_env, cache.series)
        constraints = cache.venv / "constraints.txt"
        constraints.write_text(f"{SETUPTOOLS}\n", encoding="utf-8")
        args = ["install", "-c", str(constraints), "-r", str(cache.src / "requirements.txt")]
        if _pip_has_build_constraint(cache.venv):
            args[1:1] = ["--build-constraint", str(constraints)]
        else:  # older pip: the constraint reaches the build environments through the variable
            pip_env["PIP_CONSTRAINT"] = str(constraints)
        _pip(cache.python, args + list(extras), log, pip_env, cache.series)
    check = subprocess.run(
        [str(cache.python), "-W", "ignore", "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib']); import pkg_resources"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if check.returncode != 0:
        raise BuildError(f"the environment has no pkg_resources: {check.stderr.strip()[-300:]}")
    Path(check.stdout.strip(), "odoo-src.pth").write_text(f"{cache.src}\n", encoding="utf-8")
    cache.complete.write_text(recipe(cache, extras) + "\n", encoding="utf-8")


def _pip_version():
    """The version of this interpreter's pip, (0,) without one."""
    if not has_module("pip"):
        return (0,)
    try:
        return tuple(int(part) for part in importlib.metadata.version("pip").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return (0,)


def _pip_has_build_constraint(venv):
    """Whether the environment's pip has ``--build-constraint`` (pip 25.3 and later)."""
    options = list(venv.glob("lib/python*/site-packages/pip/_internal/cli/cmdoptions.py"))
    return bool(options) and "--build-constraint" in options[0].read_text(encoding="utf-8")


def _size(path):
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


@contextlib.contextmanager
def _locked(cache):
    with open(cache.lock, "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another run is provisioning into {cache.dir}; waiting for it", cache.series)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def remembered_failure(cache, source_text, env, now=None):
    """The last failed attempt for this source if it is recent enough to skip a retry."""
    if env.get("ODOO_PROVISION") == "1":
        return None
    try:
        failure = json.loads(cache.failed.read_text(encoding="utf-8"))
        age = (now or time.time()) - float(failure["time"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if failure.get("source") != source_text or not 0 <= age < RETRY_AFTER:
        return None
    return failure


def _clock(epoch):
    return time.strftime("%H:%M", time.localtime(epoch))


def ensure(env=None, timeout=odoo_source.REACH_TIMEOUT, python=sys.executable,
           series=odoo_env.DEFAULT_SERIES):  # fmt: skip
    """Return ``(python, src, version)`` of the provisioned Odoo ``series``, building it first
    when the cache is not ready. Raise :class:`ProvisionError` with the reason when that fails."""
    env = dict(os.environ if env is None else env)
    cache = Cache(env, series)
    extras = extras_of(env)
    src_ok, venv_ok, version, problem = inspect(cache, extras)
    if problem is None:
        return str(cache.python), str(cache.src), version
    source_text = source_of(env, series) or odoo_source.DEFAULT_SOURCE
    cache.root.mkdir(parents=True, exist_ok=True)
    failure = remembered_failure(cache, source_text, env)
    if failure:
        raise ProvisionError(
            f"{failure['reason']} (at {_clock(failure['time'])}; not tried again before "
            f"{_clock(failure['time'] + RETRY_AFTER)}, or now with ODOO_PROVISION=1)"
        )
    if src_ok:  # the tree is kept: the source is not needed
        source = odoo_source.Source("folder", str(cache.src))
    else:
        try:
            source = odoo_source.parse_source(source_of(env, series), series)
        except odoo_source.SourceError as exc:
            raise ProvisionError(str(exc)) from None
    missing = missing_prerequisites(source, env)
    if missing:
        raise ProvisionError(prerequisites_message(missing))
    free = shutil.disk_usage(cache.root).free
    if free < NEEDED_SPACE and not (src_ok and venv_ok):
        raise ProvisionError(
            f"{cache.root} has {free >> 20} MB free; provisioning needs about {NEEDED_SPACE >> 30} GB"
        )
    with _locked(cache):
        src_ok, venv_ok, version, problem = inspect(cache, extras)  # another run may have built it
        if problem is None:
            return str(cache.python), str(cache.src), version
        state = (src_ok, venv_ok, problem)
        return _build(cache, env, source, source_text, state, timeout, python, extras)


def _build(cache, env, source, source_text, state, timeout, python, extras):
    src_ok, venv_ok, problem = state
    series = cache.series

    def say(message):
        print(f"odoo {series}: {message}", flush=True)

    started = time.monotonic()
    say(f"no Odoo {series} found through ODOO_PYTHON/ODOO_PATH; provisioning one into {cache.dir}")
    say(f"  ({problem}; a full build takes a few minutes and about 1.5 GB of disk, once per "
        "machine; ODOO_PROVISION=0 turns this off)")  # fmt: skip
    fetched = cache.dir / "source.json"
    try:
        if not src_ok:
            shutil.rmtree(cache.src, ignore_errors=True)
            cache.stamp.unlink(missing_ok=True)
            cache.dir.mkdir(parents=True, exist_ok=True)
            say(f"[1/2] fetching the Odoo {series} source from {source.describe()}")
            step = time.monotonic()
            info = odoo_source.fetch(source, cache.src, env=env, say=say, timeout=timeout,
                                     series=series)  # fmt: skip
            info["fetch_seconds"] = round(time.monotonic() - step)
            fetched.write_text(json.dumps(info) + "\n", encoding="utf-8")
            say(f"[1/2] source ready: Odoo {info['version']} in {info['fetch_seconds']} s")
            venv_ok = inspect_venv(cache, extras)[1] is None  # same requirements: kept
        try:
            stamp = json.loads(fetched.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stamp = {}
        stamp["python"] = sys.version.split()[0]
        cache.stamp.unlink(missing_ok=True)
        if not venv_ok:
            say("[2/2] installing Odoo's requirements.txt into a Python environment "
                f"(with {SETUPTOOLS}, {', '.join(extras) or 'no extras'}; about 2-4 minutes)")  # fmt: skip
            step = time.monotonic()
            build_venv(cache, env, python, extras)
            stamp["venv_seconds"] = round(time.monotonic() - step)
            say(f"[2/2] environment ready in {stamp['venv_seconds']} s")
        version = odoo_env.probe_odoo(str(cache.python), str(cache.src), series)
        if not version:
            raise BuildError(f"{cache.python} does not import the Odoo {series} in {cache.src}")
    except odoo_source.SourceError as exc:
        if not cache.src.exists() and not cache.complete.exists():
            shutil.rmtree(cache.dir, ignore_errors=True)
        if source.remote:
            _remember(cache, source_text, str(exc))
        raise ProvisionError(str(exc)) from None
    except (BuildError, subprocess.CalledProcessError) as exc:
        _remember(cache, source_text, str(exc))
        raise ProvisionError(str(exc)) from None
    stamp.update(
        version=version,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        seconds=round(time.monotonic() - started),
        size_mb=_size(cache.dir) >> 20,
    )
    tmp = cache.stamp.with_suffix(".tmp")
    tmp.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    tmp.replace(cache.stamp)
    cache.failed.unlink(missing_ok=True)
    say(f"provisioned Odoo {version} in {stamp['seconds']} s ({stamp['size_mb']} MB in {cache.dir})")
    return str(cache.python), str(cache.src), version


def _remember(cache, source_text, reason):
    record = {"source": source_text, "time": time.time(), "reason": reason}
    with contextlib.suppress(OSError):
        cache.failed.write_text(json.dumps(record) + "\n", encoding="utf-8")


def provisioned(env=None, build=False, series=odoo_env.DEFAULT_SERIES):
    """The provisioned Odoo ``series`` as ``(python, src, version)`` when the cache is ready (or,
    with ``build``, once built); None otherwise (with ``build``, after printing why)."""
    env = os.environ if env is None else env
    if env.get("ODOO_PROVISION") == "0":
        return None
    if not build:
        cache = Cache(env, series)
        _src, _venv, version, problem = inspect(cache, extras_of(env))
        return None if problem else (str(cache.python), str(cache.src), version)
    try:
        return ensure(env, series=series)
    except ProvisionError as exc:
        say(f"not provisioned: {exc}", series)
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Find or provision an Odoo of each series asked.")
    parser.add_argument("--optional", action="store_true", help="exit 0 when there is none")
    args = parser.parse_args(argv)
    odoo_env.install_signal_handlers()
    try:
        wanted = odoo_env.series_list()
    except odoo_env.SeriesError as exc:
        print(exc)
        return 2
    missing = 0
    for series in wanted:
        try:
            found = odoo_env.find_odoo(provision=True, series=series)
        except (KeyboardInterrupt, odoo_env.Interrupted):
            say("interrupted; the unfinished part is rebuilt on the next run", series)
            return 130
        if found:
            python, odoo_path, version = found
            say(f"Odoo {version} at {python}" + (f" with {odoo_path}" if odoo_path else ""), series)
        else:
            say("none: the Odoo suite and the end-to-end tests are skipped on it", series)
            missing += 1
    return 0 if args.optional or not missing else 1


if __name__ == "__main__":
    sys.exit(main())
