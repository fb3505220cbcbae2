"""Where a provisioned Odoo comes from: the kinds of ``ODOO_SOURCE`` and how each is fetched.

Every function takes the Odoo series wanted (``ODOO_SERIES``: ``19.0`` by default, ``18.0``);
below, ``19.0`` stands for it. ``ODOO_SOURCE`` is one of

- a git URL (``https://``, ``http://``, ``ssh://``, ``git://``, ``file://`` or ``user@host:path``);
  unset means Odoo's official repository, ``https://github.com/odoo/odoo.git``. Cloned shallow
  (``--depth 1``), branch ``19.0``;
- a local git repository (a work tree or a bare repository): its branch ``19.0`` if it has one,
  else its ``HEAD``, exported with ``git archive``;
- a local folder holding an Odoo 19 source tree (the folder with ``odoo-bin``), copied;
- a tarball (``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``), a local file or an
  ``http(s)://`` URL, whose top folder (or the archive itself) holds ``odoo-bin``.

A ``#ref`` suffix picks another branch, tag or commit of a git source.

A remote source must answer within ``REACH_TIMEOUT`` seconds (the TCP connection to its host, then
``git ls-remote`` or the HTTP response); otherwise fetching fails with the reason, long before the
30 seconds a caller waits at most. Once it answered, a download may take minutes: git aborts a
transfer that stays below 1 kB/s for 30 s, an HTTP download a read that waits ``REACH_TIMEOUT``.
"""

import os
import re
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DEFAULT_SOURCE = "https://github.com/odoo/odoo.git"
DEFAULT_BRANCH = "19.0"
REACH_TIMEOUT = 20  # seconds for a remote source to answer at all
TARBALL_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")
DEFAULT_PORTS = {"https": 443, "http": 80, "ssh": 22, "git": 9418}


class SourceError(Exception):
    """The source cannot be fetched, or is not a tree of the series; the message says why."""


class Source:
    """A parsed ``ODOO_SOURCE``: ``kind`` is ``git``, ``folder`` or ``tarball``."""

    def __init__(self, kind, location, ref=None, remote=False):
        self.kind, self.location, self.ref, self.remote = kind, location, ref, remote

    def __repr__(self):
        return f"Source({self.kind!r}, {self.location!r}, ref={self.ref!r}, remote={self.remote})"

    def describe(self):
        where = "remote " if self.remote else "local "
        ref = f" ({self.ref})" if self.ref else ""
        return f"{where}{self.kind} {self.location}{ref}"


def _is_git_dir(path):
    return (path / ".git").exists() or all(
        (path / name).exists() for name in ("HEAD", "objects", "refs")
    )


def parse_source(value, series=DEFAULT_BRANCH):
    """Turn an ``ODOO_SOURCE`` value (``None`` or empty: the default) into a :class:`Source`;
    a remote git source without ``#ref`` takes the branch named after ``series``."""
    value = (value or "").strip()
    if not value:
        return Source("git", DEFAULT_SOURCE, series, remote=True)
    ref = None
    if "#" in value:
        value, ref = value.rsplit("#", 1)
        ref = ref or None
    tarball = value.lower().endswith(TARBALL_SUFFIXES)
    scheme = urllib.parse.urlsplit(value).scheme.lower() if "://" in value else ""
    if scheme or SCP_LIKE.match(value):
        if tarball and scheme in ("http", "https"):
            return Source("tarball", value, remote=True)
        if scheme == "file":
            local = parse_source(urllib.parse.unquote(urllib.parse.urlsplit(value).path), series)
            local.ref = ref or local.ref
            return local
        return Source("git", value, ref or series, remote=True)
    path = Path(value).expanduser().resolve()
    if not path.exists():
        raise SourceError(f"ODOO_SOURCE {value}: no such file or folder")
    if path.is_file():
        if tarball or tarfile.is_tarfile(path):
            return Source("tarball", str(path))
        raise SourceError(f"ODOO_SOURCE {value}: a file that is not a tarball")
    if _is_git_dir(path):
        return Source("git", str(path), ref)
    return Source("folder", str(path))


# ------------------------------------------------------------------------------ reachability


def _proxied(scheme, env):
    names = (f"{scheme}_proxy", "all_proxy")
    return any(env.get(name) or env.get(name.upper()) for name in names)


def host_port(location):
    """``(host, port)`` a remote source connects to, or None for a local one."""
    match = SCP_LIKE.match(location)
    if match:
        return location.split("@", 1)[1].split(":", 1)[0], 22
    parts = urllib.parse.urlsplit(location)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 443)


def check_connect(host, port, timeout):
    """Raise :class:`SourceError` unless a TCP connection to ``host:port`` opens within
    ``timeout`` seconds (the name lookup included)."""
    result = {}

    def lookup():
        try:
            result["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            result["error"] = exc

    deadline = time.monotonic() + timeout
    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise SourceError(f"cannot reach {host}: the name lookup took more than {timeout:g} s")
    if "error" in result:
        raise SourceError(f"cannot reach {host}: {result['error']}")
    error = None
    for family, type_, proto, _name, address in result["addresses"][:4]:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            with socket.socket(family, type_, proto) as sock:
                sock.settimeout(left)
                sock.connect(address)
                return
        except OSError as exc:
            error = exc
    reason = "timed out" if error is None or isinstance(error, TimeoutError) else error
    raise SourceError(f"cannot connect to {host} port {port} within {timeout:g} s: {reason}")


def git_env(env):
    git = dict(env)
    git.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_HTTP_LOW_SPEED_LIMIT="1000",
        GIT_HTTP_LOW_SPEED_TIME="30",
        GIT_SSH_COMMAND=env.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=10"),
    )
    return git


def _git(args, env, timeout=None, cwd=None):
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, env=git_env(env), timeout=timeout,
            cwd=cwd, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise SourceError("git is not installed (Debian/Ubuntu: apt-get install -y git)")


def _last_line(text):
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def check_remote(source, env, timeout=REACH_TIMEOUT):
    """Check that a remote source answers within ``timeout`` seconds; raise
    :class:`SourceError` with the reason otherwise."""
    deadline = time.monotonic() + timeout
    scheme = urllib.parse.urlsplit(source.location).scheme.lower() or "ssh"
    target = host_port(source.location)
    if target and not (scheme in ("http", "https") and _proxied(scheme, env)):
        check_connect(*target, timeout=timeout)
    left = max(deadline - time.monotonic(), 1)
    if source.kind == "tarball":
        return
    try:
        result = _git(["ls-remote", source.location, source.ref], env, timeout=left)
    except subprocess.TimeoutExpired:
        raise SourceError(f"no answer within {timeout:g} s")
    if result.returncode != 0:
        raise SourceError(_last_line(result.stderr))
    if not result.stdout.strip():
        raise SourceError(f"no branch or tag {source.ref}")


# ------------------------------------------------------------------------------ fetching


def odoo_root(folder):
    """The folder holding ``odoo-bin``: ``folder`` itself or its single top folder."""
    folder = Path(folder)
    if (folder / "odoo-bin").exists():
        return folder
    children = [child for child in folder.iterdir() if child.is_dir()]
    if len(children) == 1 and (children[0] / "odoo-bin").exists():
        return children[0]
    raise SourceError("no Odoo source tree in it (no odoo-bin at its top or in its top folder)")


def odoo_version(tree, series=DEFAULT_BRANCH):
    """The version (``19.0``) of the Odoo tree at ``tree``; :class:`SourceError` if it is not a
    complete source tree of the Odoo ``series`` (its major version)."""
    tree = Path(tree)
    missing = [
        name
        for name in ("odoo-bin", "odoo/release.py", "requirements.txt",
                     "odoo/addons/base/__manifest__.py", "addons/web/__manifest__.py")
        if not (tree / name).is_file()
    ]  # fmt: skip
    if missing:
        raise SourceError(f"not a complete Odoo source tree: {', '.join(missing)} missing")
    release = (tree / "odoo/release.py").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^version_info\s*=\s*\((\d+),\s*(\d+)", release, re.M)
    if not match:
        raise SourceError("odoo/release.py has no version_info")
    major, minor = match.groups()
    wanted = series.split(".")[0]
    if major != wanted:
        raise SourceError(f"this is Odoo {major}.{minor}, not Odoo {wanted}")
    return f"{major}.{minor}"


def _extract(tar, dest):
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, filter="data")
    else:  # Python < 3.11.4: members are checked by hand
        for member in tar.getmembers():
            if member.name.startswith("/") or ".." in Path(member.name).parts:
                raise SourceError(f"unsafe path in the tarball: {member.name}")
        tar.extractall(dest)  # noqa: S202


def _download(url, target, timeout, say):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done, shown = 0, time.monotonic()
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if time.monotonic() - shown > 10:
                    of = f" of {total >> 20} MB" if total else ""
                    say(f"  downloaded {done >> 20} MB{of}")
                    shown = time.monotonic()
    except urllib.error.HTTPError as exc:
        raise SourceError(f"HTTP {exc.code} {exc.reason}")
    except OSError as exc:  # URLError and timeouts are OSErrors too
        raise SourceError(str(getattr(exc, "reason", None) or exc))


def _run_with_progress(cmd, env, say, every=10):
    """Run ``cmd``, showing a line of its progress output (``\\r``-updated, on stderr) when its
    phase changes and every ``every`` seconds; return its exit status and last line."""
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    pending, last, phase, shown = b"", "no message", None, 0.0
    while chunk := process.stderr.read1(65536):
        *lines, pending = re.split(rb"[\r\n]", pending + chunk)
        for raw in lines:
            line = raw.decode(errors="replace").strip()
            if not line:
                continue
            last = line
            now = time.monotonic()
            if line.split(":")[0] != phase or now - shown >= every:
                say(f"  {line}")
                phase, shown = line.split(":")[0], now
    if pending.strip():
        last = pending.decode(errors="replace").strip()
    return process.wait(), last


def fetch(source, dest, env=None, say=print, timeout=REACH_TIMEOUT, series=DEFAULT_BRANCH):
    """Put the Odoo ``series`` tree of ``source`` into the new folder ``dest``; return a dict
    describing what was fetched (``version``, and ``commit`` for git). ``dest`` is left absent on
    failure."""
    env = dict(os.environ if env is None else env)
    dest = Path(dest)
    work = dest.with_name(dest.name + ".fetching")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    info = {"source": source.describe()}
    try:
        if source.remote:
            say(f"  checking that {source.location} answers (at most {timeout:g} s)")
            check_remote(source, env, timeout)
        if source.kind == "git" and source.remote:
            tree = work / "tree"
            say(f"  git clone --depth 1 --branch {source.ref} {source.location}"
                " (Odoo's repository: several hundred MB to download)")  # fmt: skip
            returncode, tail = _run_with_progress(
                ["git", "clone", "--depth", "1", "--single-branch", "--branch", source.ref,
                 "--progress", source.location, str(tree)],
                git_env(env), say,
            )  # fmt: skip
            if returncode != 0:
                raise SourceError(f"git clone failed: {tail}")
            info["commit"] = _git(["rev-parse", "HEAD"], env, cwd=tree).stdout.strip()
            shutil.rmtree(tree / ".git")
        elif source.kind == "git":
            ref = source.ref
            if not ref:
                has_branch = _git(["rev-parse", "--verify", "--quiet", f"refs/heads/{series}"],
                                  env, cwd=source.location).returncode == 0  # fmt: skip
                ref = series if has_branch else "HEAD"
            commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], env,
                          cwd=source.location)  # fmt: skip
            if commit.returncode != 0:
                raise SourceError(f"no branch, tag or commit {ref}")
            info["commit"] = commit.stdout.strip()
            say(f"  git archive {ref} of {source.location} ({info['commit'][:12]})")
            tree = work / "tree"
            tree.mkdir()
            archive = subprocess.Popen(
                ["git", "archive", "--format=tar", info["commit"]], cwd=source.location,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=git_env(env),
            )  # fmt: skip
            with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
                _extract(tar, tree)
            if archive.wait() != 0:
                raise SourceError(f"git archive failed: {_last_line(archive.stderr.read().decode())}")
        elif source.kind == "folder":
            say(f"  copying {source.location}")
            tree = work / "tree"
            shutil.copytree(
                source.location, tree, symlinks=True,
                ignore=shutil.ignore_patterns(".git", "__pycache__", "*.pyc"),
            )  # fmt: skip
        else:
            archive_path = Path(source.location)
            if source.remote:
                archive_path = work / "download.tar"
                say(f"  downloading {source.location}")
                _download(source.location, archive_path, timeout, say)
            say(f"  extracting {archive_path.name}")
            try:
                with tarfile.open(archive_path) as tar:
                    _extract(tar, work / "unpacked")
            except tarfile.TarError as exc:
                raise SourceError(f"not a readable tarball ({exc})")
            tree = odoo_root(work / "unpacked")
        tree = odoo_root(tree)
        info["version"] = odoo_version(tree, series)
        tree.rename(dest)
        return info
    except SourceError as exc:
        raise SourceError(f"ODOO_SOURCE {source.location}: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
