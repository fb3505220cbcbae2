"""Build the addon's wheel and the simulator's wheel, check what they hold, install them into Odoo.

Run as ``python scripts/wheel_check.py`` (a step of ``make test``). Prints one ``wheel:`` line per
finding and a summary; exit status 1 when a check fails.

1. ``pip wheel superoffice_connector/``: whool (the build backend named by the addon's
   ``pyproject.toml``, installed from the package index by pip) builds
   ``odoo_addon_superoffice_connector-<manifest version>.<commits>-py3-none-any.whl`` from the files
   git tracks in the addon folder. ``pip wheel .`` builds the ``superoffice-sim`` wheel.
2. Both wheels' contents are listed, then checked (``check_addon_wheel``, ``check_sim_wheel``):
   every data file the manifest lists, every asset it names, ``i18n/``, ``static/``, ``readme/``,
   ``README.rst``, every Python module of the addon (the pure ``api/``, ``sync/``, ``erp/``
   included) under ``odoo/addons/superoffice_connector/``; nothing of the simulator, the
   benchmarks, the development scripts, no ``pyproject.toml``, no compiled file, and no
   ``odoo/__init__.py`` (``odoo`` and ``odoo.addons`` must stay namespace packages). The metadata
   names ``odoo-addon-superoffice_connector``, the manifest's version and Odoo series and the
   manifest's Python dependencies.
3. Where an Odoo of the series ``ODOO_SERIES`` names is found (``odoo_env.find_odoo``, never
   provisioned here): a throwaway virtual environment layered on that Odoo's environment (a
   ``.pth`` adds its site-packages and source tree after the new environment's own),
   ``pip install --no-deps`` of both wheels into it (``--no-deps``: an Odoo run from its source
   tree has no ``odoo`` distribution to satisfy the wheel's ``odoo==19.0.*``; the other
   requirements are checked to be installed instead), a check
   that ``odoo.addons.superoffice_connector`` resolves into that environment, then Odoo installs
   the addon in a fresh database with an addons path of Odoo's own folders only (the repository
   is neither on it nor on ``PYTHONPATH``) and runs ``SMOKE_TAGS``. Without an Odoo:
   ``wheel: install into Odoo SKIPPED``.

``--addon DIR`` checks the wheel of another copy of the addon (the tests use a copy whose data
file git does not track); ``--no-odoo`` stops after step 2; ``--no-sim`` builds and checks the
addon's wheel only.
"""

import argparse
import ast
import email.parser
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

ROOT = odoo_env.ROOT
ADDON = "superoffice_connector"
DIST = f"odoo-addon-{ADDON}"
PREFIX = f"odoo/addons/{ADDON}/"
PURE_PACKAGES = ("api", "sync", "erp")
# Shipped whole: every file of these folders that is in the source is in the wheel.
WHOLE_FOLDERS = ("i18n", "static", "readme")
# Never in the addon's wheel: development parts of the repository and build leftovers.
FORBIDDEN = re.compile(
    r"(^|/)(superoffice_sim|bench|scripts|\.venv|__pycache__|build|dist)/|\.py[co]$"
    r"|^" + re.escape(PREFIX) + r"(pyproject\.toml|PKG-INFO)$"
    r"|^odoo/(addons/)?__init__\.py$"
)
# The smoke set run from the installed wheel, and why each class:
# TestInstall: groups, menus and rights come from the wheel's data files;
# TestTranslations: the wheel's i18n files are found by Odoo (file_path) and match the code;
# TestConnection: the pure api/ package of the wheel talks to the simulator of the
#   superoffice-sim wheel over real HTTP, and the connection form loads from the wheel's views.
SMOKE_TAGS = ",".join(
    f"/{ADDON}:{name}" for name in ("TestInstall", "TestTranslations", "TestConnection")
)
RESULT_RE = re.compile(r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests")
SHOWN_RE = re.compile(r" (ERROR|CRITICAL) .*|^(FAIL|ERROR):|^Traceback")
ADDONS_PATHS_RE = re.compile(r"addons paths: (.*)$")


def say(message):
    print(f"wheel: {message}", flush=True)


def read_manifest(addon_dir):
    return ast.literal_eval((Path(addon_dir) / "__manifest__.py").read_text(encoding="utf-8"))


def build(sources, workdir):
    """``pip wheel --no-deps`` of each of ``sources`` (in parallel, each into its own folder of
    ``workdir``, in pip's isolated build environment); the paths of the wheels built."""
    runs = []
    for index, source in enumerate(sources):
        outdir = Path(workdir, f"wheel-{index}")
        process = subprocess.Popen(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(outdir),
             str(source)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        runs.append((source, outdir, process))
    wheels, failures = [], []
    for source, outdir, process in runs:
        output = process.communicate()[0]
        built = sorted(outdir.glob("*.whl"))
        if process.returncode != 0 or len(built) != 1:
            noise = "Location 'file:"  # the machine's pip configuration names absent local indexes
            shown = [line for line in output.splitlines() if noise not in line]
            failures.append(f"pip wheel {source} failed:\n" + "\n".join(shown[-40:]))
        wheels += built[:1]
    if failures:
        raise RuntimeError("\n".join(failures))
    return wheels


def sim_source(workdir):
    """A copy of the files git tracks that the ``superoffice-sim`` wheel is built from: an in-tree
    setuptools build would reuse the repository's ``build/`` folder, where a module deleted since
    an earlier build is still found."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "pyproject.toml", "superoffice_sim", ADDON],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    target = Path(workdir, "sim-src")
    for rel in filter(None, listed):
        if (ROOT / rel).is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target / rel)
    return target


def wheel_metadata(names, archive):
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    return email.parser.HeaderParser().parsestr(archive.read(meta_name).decode())


def source_files(addon_dir):
    """The addon's files on disk that its wheel must hold, relative to ``addon_dir``."""
    addon_dir = Path(addon_dir)
    manifest = read_manifest(addon_dir)
    wanted = {"__manifest__.py", "__init__.py", "README.rst"}
    wanted.update(manifest.get("data", []))
    wanted.update(manifest.get("demo", []))
    for path in addon_dir.rglob("*"):
        rel = path.relative_to(addon_dir).as_posix()
        if not path.is_file() or "__pycache__" in rel.split("/"):
            continue
        if rel.endswith(".py") or rel.split("/")[0] in WHOLE_FOLDERS:
            wanted.add(rel)
    return wanted


def wheel_series(addon_dir):
    """The Odoo series the addon's ``pyproject.toml`` gives whool (``[tool.whool]
    odoo_series_override``), or None: then whool reads it from the manifest's version."""
    try:
        import tomllib  # noqa: PLC0415 - Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        return None
    path = Path(addon_dir) / "pyproject.toml"
    if not path.exists():
        return None
    options = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("whool", {})
    return options.get("odoo_series_override") or options.get("odoo_version_override")


def check_addon_wheel(wheel, addon_dir):
    """Problems of the addon's wheel ``wheel`` built from ``addon_dir`` (empty list: none)."""
    addon_dir = Path(addon_dir)
    manifest = read_manifest(addon_dir)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = wheel_metadata(names, archive)
    problems = []
    shipped = {n[len(PREFIX):] for n in names if n.startswith(PREFIX)}
    for rel in sorted(source_files(addon_dir) - shipped):
        listed = rel in manifest.get("data", []) or rel in manifest.get("demo", [])
        why = "listed in the manifest" if listed else "in the addon folder"
        problems.append(f"{rel} is {why} but not in the wheel (is it tracked by git?)")
    for bundle, patterns in manifest.get("assets", {}).items():
        for pattern in patterns:
            pattern = pattern if isinstance(pattern, str) else pattern[-1]
            rel = pattern.removeprefix(f"{ADDON}/")
            if rel != pattern and not fnmatch.filter(shipped, rel):
                problems.append(f"asset {pattern} of {bundle} matches no file in the wheel")
    for package in PURE_PACKAGES:
        if f"{package}/__init__.py" not in shipped:
            problems.append(f"the pure package {package}/ is not in the wheel")
    for name in names:
        if FORBIDDEN.search(name):
            problems.append(f"{name} must not be in the wheel")
        elif not (name.startswith(PREFIX) or name.split("/")[0].endswith(".dist-info")):
            problems.append(f"{name} is outside {PREFIX}")
    series = wheel_series(addon_dir) or ".".join(manifest["version"].split(".")[:2])
    if meta["Name"] != DIST:
        problems.append(f"the wheel's name is {meta['Name']}, not {DIST}")
    if not meta["Version"].startswith(manifest["version"]):
        problems.append(f"version {meta['Version']} is not the manifest's {manifest['version']}")
    requires = set(meta.get_all("Requires-Dist") or [])
    for needed in [f"odoo=={series}.*", *manifest.get("external_dependencies", {}).get("python", [])]:
        if needed not in requires:
            problems.append(f"Requires-Dist lacks {needed} (has {sorted(requires)})")
    return problems


def check_sim_wheel(wheel):
    """Problems of the ``superoffice-sim`` wheel: the simulator, its page, the pure core it speaks
    through (``superoffice_connector.erp.wire``) and its console script; no ORM layer."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            (archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), ""
        )
    sim_dir = ROOT / "superoffice_sim"
    wanted = {f"superoffice_sim/{p.name}" for p in sim_dir.glob("*") if p.suffix in (".py", ".html")}
    wanted |= {"superoffice_connector/__init__.py"}
    for package in PURE_PACKAGES:
        base = ROOT / ADDON / package
        wanted |= {f"{ADDON}/{package}/{p.relative_to(base).as_posix()}" for p in base.rglob("*.py")}
    problems = [f"{rel} is not in the superoffice-sim wheel" for rel in sorted(wanted - names)]
    for name in sorted(names):
        top = name.split("/")
        # setuptools ships a listed package's own modules too (the manifest, hooks.py): inert
        # outside Odoo, as __init__.py loads the ORM layer only as odoo.addons.superoffice_connector
        if name.startswith(f"{ADDON}/") and len(top) > 2 and top[1] not in PURE_PACKAGES:
            problems.append(f"{name} (not the pure core) must not be in the superoffice-sim wheel")
        if FORBIDDEN.search(name.replace("superoffice_sim/", "sim/")) or name.startswith("odoo/"):
            problems.append(f"{name} must not be in the superoffice-sim wheel")
    if not re.search(r"^superoffice-sim\s*=\s*superoffice_sim\.__main__:main$", entry_points, re.M):
        problems.append("the superoffice-sim wheel has no console script superoffice-sim")
    return problems


def list_wheel(wheel):
    with zipfile.ZipFile(wheel) as archive:
        infos = archive.infolist()
    say(f"{wheel.name}: {len(infos)} files, {sum(i.file_size for i in infos) // 1024} KiB")
    for info in infos:
        print(f"    {info.file_size:>9}  {info.filename}")


# ---------------------------------------------------------------------- install into an Odoo


def layered_env(python, odoo_path, where):
    """A virtual environment at ``where`` that sees everything ``python`` (the Odoo's) sees,
    after its own packages; returns its interpreter."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(where)], check=True)
    env_python = str(where / "bin" / "python")
    site_dirs = subprocess.run(
        [python, "-c", "import site, sys; print('\\n'.join(site.getsitepackages()))"],
        capture_output=True, text=True, check=True, env=clean_env(),
    ).stdout.split()  # fmt: skip
    own = subprocess.run(
        [env_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    lines = [f"import site; site.addsitedir({d!r})" for d in site_dirs if os.path.isdir(d)]
    if odoo_path:
        lines.append(str(Path(odoo_path).resolve()))
    Path(own, "odoo-layer.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return env_python


def clean_env():
    """The environment for processes of the layered Odoo: no PYTHONPATH (so not the repository)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def probe(env_python, code, cwd):
    result = subprocess.run(
        [env_python, "-c", code], capture_output=True, text=True, env=clean_env(), cwd=cwd,
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr else "failed")
    return result.stdout.strip()


REQUIREMENTS = """
import importlib.metadata as md, re, odoo.release
dist = md.distribution("odoo-addon-superoffice_connector")
for req in dist.requires or []:
    name = re.split(r"[ =<>!~;\\[]", req, maxsplit=1)[0]
    if name == "odoo":
        print(f"{req}: Odoo {odoo.release.version} from its source tree")
    else:
        print(f"{req}: {name} {md.version(name)}")
"""


def install_into_odoo(wheels, found, workdir):
    """Install ``wheels`` into an environment layered on ``found`` and the addon into a fresh
    database; returns the list of problems."""
    python, odoo_path, version = found
    say(f"Odoo {version} at {python}" + (f" with {odoo_path}" if odoo_path else ""))
    env_python = layered_env(python, odoo_path, workdir / "env")
    pip = [sys.executable, "-m", "pip", "--python", env_python, "install", "--no-deps", "--quiet"]
    subprocess.run([*pip, *map(str, wheels)], check=True, env=clean_env(), cwd=workdir)
    say(f"installed {', '.join(w.name for w in wheels)} into the layered environment {workdir / 'env'}")
    for line in probe(env_python, REQUIREMENTS, workdir).splitlines():
        say(f"requirement {line}")
    script = Path(env_python).parent / "superoffice-sim"
    usage = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=clean_env(), cwd=workdir,
        check=False,
    )  # fmt: skip
    if usage.returncode != 0 or "simulator" not in usage.stdout:
        return [f"the console script superoffice-sim does not run: {usage.stderr.strip()[-300:]}"]
    say(f"console script {script.name} of the superoffice-sim wheel runs")
    origin = probe(
        env_python,
        "import importlib.util as u; print(u.find_spec('odoo.addons.superoffice_connector').origin)",
        workdir,
    )
    own = probe(env_python, "import sysconfig; print(sysconfig.get_paths()['purelib'])", workdir)
    if not origin.startswith(own):
        return [f"odoo.addons.superoffice_connector comes from {origin}, not from the wheel in {own}"]
    say(f"odoo.addons.superoffice_connector is {origin}")
    addons = odoo_env.addons_path(python, odoo_path).split(",")
    addons = ",".join(p for p in addons if Path(p).resolve() != ROOT)
    say(f"addons path (Odoo's own folders only): {addons}")
    with odoo_env.postgres() as pg:
        return run_smoke(env_python, odoo_path, pg, addons, workdir, str(Path(origin).parent.parent))


def run_smoke(env_python, odoo_path, pg, addons, workdir, wheel_addons):
    """Odoo installs the addon in a fresh database and runs ``SMOKE_TAGS``; ``wheel_addons`` is
    the environment's ``odoo/addons`` folder, which Odoo's namespace must list."""
    dbname = f"so_wheel_{uuid.uuid4().hex[:10]}"
    template = os.environ.get("ODOO_SUITE_TEMPLATE", "")
    if template:  # as the Odoo suite: a copy of a database with the dependencies installed
        odoo_env.create_database(env_python, pg, dbname, template)
    cmd = odoo_env.test_install_command(
        env_python, odoo_path, addons, workdir / "data", dbname, ADDON, SMOKE_TAGS, pg,
    )
    log_path = Path(tempfile.gettempdir()) / f"wheel-check-{os.getpid()}.log"
    counts, paths, process = None, None, None
    try:
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                env=clean_env(), cwd=workdir, start_new_session=True,
            )  # fmt: skip
            for line in process.stdout:
                log.write(line)
                if (match := RESULT_RE.search(line)) is not None:
                    counts = tuple(int(g) for g in match.groups())
                    print(line.rstrip())
                elif (match := ADDONS_PATHS_RE.search(line)) is not None:
                    paths = match.group(1)
                elif SHOWN_RE.search(line):
                    print(line.rstrip())
            returncode = process.wait()
    finally:
        if process is not None:
            odoo_env.terminate(process)
        odoo_env.drop_database(env_python, pg, dbname)
    problems = []
    if paths is None or str(ROOT) in paths or wheel_addons not in paths:
        problems.append(
            f"Odoo's addons paths {paths} name the repository or not {wheel_addons} (or were not logged)"
        )
    if counts is None:
        problems.append(f"install of {ADDON} from the wheel failed (exit {returncode})")
    else:
        failed, errors, total = counts
        say(f"smoke set from the wheel ({SMOKE_TAGS}): {total} tests, {failed} failed, {errors} errors")
        if failed or errors or not total or returncode:
            problems.append("the smoke set failed")
    if problems:
        say(f"full Odoo log: {log_path}")
    else:
        log_path.unlink(missing_ok=True)
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addon", type=Path, default=ROOT / ADDON, help="the addon folder to build")
    parser.add_argument("--no-odoo", action="store_true", help="build and check only")
    parser.add_argument("--no-sim", action="store_true", help="only the addon's wheel (no Odoo)")
    args = parser.parse_args(argv)
    odoo_env.install_signal_handlers()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="so-wheel-"))
    try:
        sources = [args.addon.resolve()] if args.no_sim else [args.addon.resolve(), sim_source(workdir)]
        wheels = build(sources, workdir)
        say(f"built in {time.monotonic() - started:.1f} s")
        for wheel in wheels:
            list_wheel(wheel)
        problems = check_addon_wheel(wheels[0], args.addon)
        if not args.no_sim:
            problems += check_sim_wheel(wheels[1])
        for problem in problems:
            say(f"FAILED {problem}")
        if not problems:
            say("contents ok: manifest data, assets, i18n, static, readme, every module, "
                "the pure api/sync/erp packages; no simulator, benches, scripts or build files")
        if args.no_odoo or args.no_sim:
            return 1 if problems else 0
        found = odoo_env.find_odoo(provision=False)
        if not found:
            say(f"install into Odoo SKIPPED (no Odoo {odoo_env.series_of()} found; set ODOO_PYTHON)")
        else:
            odoo_started = time.monotonic()
            install_problems = install_into_odoo(wheels, found, workdir)
            for problem in install_problems:
                say(f"FAILED {problem}")
            problems += install_problems
            say(f"install into Odoo took {time.monotonic() - odoo_started:.0f} s")
        say(f"{'FAILED' if problems else 'ok'} in {time.monotonic() - started:.0f} s")
        return 1 if problems else 0
    except RuntimeError as exc:
        say(f"FAILED {exc}")
        return 1
    except (KeyboardInterrupt, odoo_env.Interrupted):
        say("INTERRUPTED")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
