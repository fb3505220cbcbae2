"""Find an Odoo and a PostgreSQL server for the Odoo suite and the demo.

The contract (README, "Running the Odoo suite"):

- ``ODOO_SERIES``: the Odoo series wanted, ``19.0`` (default) or ``18.0`` (``SERIES`` lists those
  the addon supports); ``make test`` takes a list (``"18.0 19.0"``) and runs the suite on each.
  Below, "Odoo 19" stands for the series asked; an Odoo of another series is not used.

- ``ODOO_PYTHON``: a Python interpreter that can ``import odoo`` (Odoo 19 and its requirements).
  If unset, the project's own ``.venv`` is tried. ``ODOO_PATH``, if set, is an Odoo 19 source
  tree (the folder with ``odoo-bin``) added to that interpreter's path.
- With neither variable set and no Odoo in ``.venv``: the Odoo 19 provisioned into the per-user
  cache (``odoo_provision``; ``make test`` and ``make demo`` build it on their first run).
- PostgreSQL: with ``PGHOST``/``PGPORT``/``PGUSER``/``PGPASSWORD`` set, that server is used (a
  role that may create databases). Otherwise a private throwaway cluster is started with the
  machine's ``initdb``/``pg_ctl`` on a free port, as an unprivileged system user when run as
  root (PostgreSQL refuses to run as root), and removed afterwards.
"""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SYSTEM_USER = "superoffice-pg"
PG_ROLE = "odoo_suite"
PG_ROLE_PASSWORD = "odoo_suite"
PG_LIB_GLOB = "/usr/lib/postgresql/*/bin"
SERIES = ("18.0", "19.0")  # the Odoo series the addon installs on and is tested on
DEFAULT_SERIES = "19.0"


class SeriesError(ValueError):
    """``ODOO_SERIES`` names a series the addon does not support; the message says which do."""


def series_list(env=None):
    """The series ``ODOO_SERIES`` names (spaces or commas between them), ``19.0`` when unset."""
    env = os.environ if env is None else env
    asked = (env.get("ODOO_SERIES") or DEFAULT_SERIES).replace(",", " ").split()
    unknown = [series for series in asked if series not in SERIES]
    if unknown:
        raise SeriesError(
            f"ODOO_SERIES {' '.join(unknown)}: not a supported Odoo series (supported: {', '.join(SERIES)})"
        )
    return list(dict.fromkeys(asked))


def series_of(env=None):
    """The one series ``ODOO_SERIES`` names (the demo, a server of the end-to-end tests)."""
    asked = series_list(env)
    if len(asked) != 1:
        raise SeriesError(f"ODOO_SERIES names {len(asked)} series here; name one of {', '.join(SERIES)}")
    return asked[0]


class Interrupted(Exception):
    """Raised from SIGTERM/SIGHUP so that every ``finally`` cleans up."""


def install_signal_handlers():
    def _raise(signum, _frame):
        raise Interrupted(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_env_vars(odoo_path=None):
    """Environment for an Odoo process: the repository (for the simulator) and ODOO_PATH on the path."""
    env = dict(os.environ)
    parts = [str(ROOT)]
    if odoo_path:
        parts.append(odoo_path)
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


def probe_odoo(python, odoo_path=None, series=DEFAULT_SERIES):
    """The version (``19.0``) of the Odoo ``series`` that ``python`` imports (with ``odoo_path`` on
    its path), or None when it imports none, or another major version."""
    try:
        probe = subprocess.run(
            [python, "-c", "import odoo.release as r; print(r.version_info[0], r.version)"],
            capture_output=True,
            text=True,
            env=odoo_env_vars(odoo_path),
            check=False,
        )
    except OSError:  # no such interpreter, or not one
        return None
    if probe.returncode != 0:
        return None
    major, version = probe.stdout.split(maxsplit=1)
    return version.strip() if major == series.split(".")[0] else None


def find_odoo(provision=False, env=None, series=None):
    """Return ``(python, odoo_path, version)`` of an Odoo of ``series`` (default: the one
    ``ODOO_SERIES`` names), or None when there is none.

    ``ODOO_PYTHON`` (with ``ODOO_PATH``) when set and of that series; else the project's
    ``.venv``; else, with neither variable set, the Odoo provisioned in the per-user cache
    (``odoo_provision``, one per series), built first when ``provision`` is true and the cache is
    not ready.
    """
    env = os.environ if env is None else env
    series = series or series_of(env)
    odoo_path = env.get("ODOO_PATH") or None
    python = env.get("ODOO_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
    version = probe_odoo(python, odoo_path, series)
    if version:
        return python, odoo_path, version
    if env.get("ODOO_PYTHON") or odoo_path:
        return None
    import odoo_provision  # noqa: PLC0415 (imports this module)

    return odoo_provision.provisioned(env, build=provision, series=series)


def odoo_command(python, odoo_path):
    if odoo_path:
        return [python, str(Path(odoo_path) / "odoo-bin")]
    return [python, "-m", "odoo"]


def test_install_command(python, odoo_path, addons, data_dir, dbname, addon, tags, pg):
    """The command that installs ``addon`` into ``dbname`` and runs its tests ``tags``, then
    stops: Odoo's HTTP and gevent ports on free ports of 127.0.0.1 (the browser tests need
    them), the database settings of ``pg``. Used by the Odoo suite and the wheel check."""
    return odoo_command(python, odoo_path) + [
        "--addons-path", addons,
        "--data-dir", str(data_dir),
        "-d", dbname,
        "-i", addon,
        "--test-tags", tags,
        "--stop-after-init",
        "--http-port", str(free_port()),
        "--gevent-port", str(free_port()),
        "--http-interface", "127.0.0.1",
        "--log-level", "info",
        *db_args(pg),
    ]  # fmt: skip


def addons_path(python, odoo_path):
    """Odoo's own addons folders plus the repository root (which holds the addon)."""
    # Odoo 19's `odoo` is a namespace package (no __file__), 18's a package: look next to each path.
    code = (
        "import os, odoo, odoo.addons as a;"
        "paths=list(a.__path__);"
        "paths+=[os.path.join(os.path.dirname(p), 'addons') for p in odoo.__path__];"
        "print(','.join(p for p in dict.fromkeys(paths) if os.path.isdir(p)))"
    )
    out = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, env=odoo_env_vars(odoo_path), check=True
    ).stdout.strip()
    return ",".join([p for p in out.split(",") if p] + [str(ROOT)])


# --------------------------------------------------------------------------------- PostgreSQL


def pg_bindir(path=None, lib_glob=PG_LIB_GLOB):
    """The folder with PostgreSQL's ``initdb`` and ``pg_ctl`` (``path``: a PATH to search)."""
    candidates = []
    pg_config = shutil.which("pg_config", path=path)
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob(lib_glob), reverse=True)
    for bindir in candidates:
        if bindir and Path(bindir, "initdb").exists() and Path(bindir, "pg_ctl").exists():
            return bindir
    initdb = shutil.which("initdb", path=path)
    if initdb and shutil.which("pg_ctl", path=path):
        return str(Path(initdb).parent)
    return None


def _ensure_system_user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
        )
        return pwd.getpwnam(name)


def _as_user(cmd, user):
    """Run ``cmd`` as ``user`` when we are root, else as ourselves."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", user, "--", *cmd]


@contextlib.contextmanager
def cluster(workdir=None, reset=False):
    """Run a private PostgreSQL cluster and yield its connection settings.

    Without ``workdir`` the cluster is a throwaway in a temporary folder, removed afterwards (the
    Odoo suite). With ``workdir`` it is kept there between runs (the demo), unless ``reset``.
    """
    bindir = pg_bindir()
    if not bindir:
        raise RuntimeError(
            "no PostgreSQL server binaries (initdb, pg_ctl) found; install PostgreSQL "
            "(Debian: apt-get install postgresql) or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
        )
    throwaway = workdir is None
    if throwaway:
        workdir = Path(tempfile.mkdtemp(prefix="so-pg-"))
    elif reset:
        shutil.rmtree(workdir, ignore_errors=True)
    workdir = Path(workdir)
    datadir, sockdir = workdir / "data", workdir / "socket"
    sockdir.mkdir(parents=True, exist_ok=True)
    user = PG_SYSTEM_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        entry = _ensure_system_user(user)
        os.chmod(workdir, 0o755)
        for path in (workdir, sockdir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = free_port()
    log = workdir / "postgres.log"
    fresh = not (datadir / "PG_VERSION").exists()
    started = False
    try:
        if fresh:
            subprocess.run(
                _as_user(
                    [
                        f"{bindir}/initdb", "-D", str(datadir), "-U", "postgres", "-E", "UTF8",
                        "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=trust",
                    ],
                    user,
                ),
                check=True,
                stdout=subprocess.DEVNULL,
                cwd="/",
            )  # fmt: skip
        options = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1"
        if throwaway:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_user(
                [f"{bindir}/pg_ctl", "-D", str(datadir), "-l", str(log), "-o", options, "-w", "start"],
                user,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd="/",
        )
        started = True
        if fresh:
            subprocess.run(
                [
                    f"{bindir}/psql", "-h", str(sockdir), "-p", str(port), "-U", "postgres", "-q",
                    "-c", f"CREATE ROLE {PG_ROLE} LOGIN CREATEDB PASSWORD '{PG_ROLE_PASSWORD}'",
                ],
                check=True,
                cwd="/",
            )  # fmt: skip
        yield {"host": "127.0.0.1", "port": str(port), "user": PG_ROLE, "password": PG_ROLE_PASSWORD}
    finally:
        if started:
            mode = "immediate" if throwaway else "fast"
            subprocess.run(
                _as_user([f"{bindir}/pg_ctl", "-D", str(datadir), "-m", mode, "-w", "stop"], user),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
            )
        if throwaway:
            shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def postgres():
    """The PostgreSQL to use: the one the PG* variables name, or a private throwaway cluster."""
    if os.environ.get("PGHOST") or os.environ.get("PGPORT") or os.environ.get("PGUSER"):
        yield {
            "host": os.environ.get("PGHOST", "127.0.0.1"),
            "port": os.environ.get("PGPORT", "5432"),
            "user": os.environ.get("PGUSER", pwd.getpwuid(os.geteuid()).pw_name),
            "password": os.environ.get("PGPASSWORD", ""),
        }
        return
    with cluster() as settings:
        yield settings


def db_args(pg):
    args = ["--db_host", pg["host"], "--db_port", pg["port"], "--db_user", pg["user"]]
    if pg["password"]:
        args += ["--db_password", pg["password"]]
    return args


def create_database(python, pg, dbname, template=None):
    """Create ``dbname`` (a copy of ``template`` when given) with the Odoo interpreter's
    psycopg2."""
    code = (
        "import sys, psycopg2\n"
        "h, p, u, pw, db, tpl = sys.argv[1:]\n"
        "c = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname='postgres')\n"
        "c.autocommit = True\n"
        "q = 'CREATE DATABASE \"%s\" ENCODING \\'unicode\\' TEMPLATE \"%s\"' % (db, tpl or 'template0')\n"
        "c.cursor().execute(q)\n"
    )
    subprocess.run(
        [python, "-c", code, pg["host"], pg["port"], pg["user"], pg["password"], dbname,
         template or ""],
        check=True,
    )


def drop_database(python, pg, dbname):
    """Drop ``dbname`` with the Odoo interpreter's psycopg2 (no psql needed on the machine)."""
    code = (
        "import sys, psycopg2\n"
        "h, p, u, pw, db = sys.argv[1:]\n"
        "c = psycopg2.connect(host=h, port=p, user=u, password=pw, dbname='postgres')\n"
        "c.autocommit = True\n"
        "cur = c.cursor()\n"
        "cur.execute('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s', (db,))\n"
        "cur.execute('DROP DATABASE IF EXISTS \"%s\"' % db.replace('\"', ''))\n"
    )
    for _attempt in range(5):
        result = subprocess.run(
            [python, "-c", code, pg["host"], pg["port"], pg["user"], pg["password"], dbname],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0:
            return True
        time.sleep(1)
    print(f"warning: could not drop database {dbname}: {result.stderr.strip()}", file=sys.stderr)
    return False


def terminate(process, grace=15):
    """Stop an Odoo process group: SIGINT (clean shutdown), then SIGKILL."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
