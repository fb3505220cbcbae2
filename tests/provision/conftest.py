"""Helpers for the provisioning tests: small stand-in Odoo source trees, local git repositories,
and servers on 127.0.0.1 that refuse or never answer. Nothing here uses the network."""

import contextlib
import ensurepip
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# pip and setuptools wheels that come with Python (ensurepip): what the offline builds install
BUNDLED_WHEELS = str(Path(ensurepip.__file__).parent / "_bundled")
sys.path.insert(0, str(ROOT / "scripts"))


def make_tree(folder, major=19, requirements=""):
    """A minimal tree with what ``odoo_source.odoo_version`` checks and ``import odoo.release``
    needs: enough for the provisioning logic, nothing of Odoo itself."""
    folder = Path(folder)
    for name in ("odoo/addons/base", "addons/web"):
        (folder / name).mkdir(parents=True, exist_ok=True)
        (folder / name / "__manifest__.py").write_text("{'name': 'stand-in'}\n")
    (folder / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (folder / "odoo/release.py").write_text(
        f"version_info = ({major}, 0, 0, 'final', 0, '')\nversion = '{major}.0'\n"
    )
    (folder / "requirements.txt").write_text(requirements)
    return folder


def git(*args, cwd):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@localhost",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@localhost")  # fmt: skip
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_git_repo(folder, branch="19.0", major=19):
    make_tree(folder, major=major)
    git("init", "-q", "-b", branch, cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "tree", cwd=folder)
    return folder


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@contextlib.contextmanager
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


@pytest.fixture
def cache_env(tmp_path):
    """An environment whose cache is an empty temporary folder, with the PostgreSQL variables set
    (so the server binaries are not a prerequisite) and pip kept offline."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ODOO_", "PIP_", "XDG_"))
    }
    env.update(
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        PGHOST="127.0.0.1",
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,
        PIP_FIND_LINKS=BUNDLED_WHEELS,
    )
    return env
