"""The kinds of ODOO_SOURCE, fetching each into a folder, and sources that cannot be reached."""

import http.server
import tarfile
import threading
import time
from pathlib import Path

import odoo_source
import pytest
from conftest import closed_port, git, make_git_repo, make_tree, silent_server
from odoo_source import SourceError, fetch, parse_source


def test_default_source_is_odoos_repository_branch_19():
    for value in (None, "", "  "):
        source = parse_source(value)
        assert (source.kind, source.location, source.ref, source.remote) == (
            "git", "https://github.com/odoo/odoo.git", "19.0", True,
        )  # fmt: skip


@pytest.mark.parametrize(
    "value, kind, location, ref",
    [
        ("https://example.org/odoo.git", "git", "https://example.org/odoo.git", "19.0"),
        ("https://example.org/odoo.git#saas-19.1", "git", "https://example.org/odoo.git", "saas-19.1"),
        ("git@example.org:odoo/odoo.git", "git", "git@example.org:odoo/odoo.git", "19.0"),
        ("ssh://git@example.org/odoo.git", "git", "ssh://git@example.org/odoo.git", "19.0"),
        ("https://example.org/odoo_19.0.latest.tar.gz", "tarball",
         "https://example.org/odoo_19.0.latest.tar.gz", None),
    ],
)  # fmt: skip
def test_remote_sources(value, kind, location, ref):
    source = parse_source(value)
    assert (source.kind, source.location, source.ref, source.remote) == (kind, location, ref, True)


def test_local_sources(tmp_path):
    work_tree = make_git_repo(tmp_path / "repo")
    bare = tmp_path / "bare.git"
    git("clone", "-q", "--bare", str(work_tree), str(bare), cwd=tmp_path)
    folder = make_tree(tmp_path / "folder")
    tarball = tmp_path / "odoo.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(folder, arcname="odoo-19.0")
    cases = {
        str(work_tree): ("git", None),
        str(work_tree) + "#v1": ("git", "v1"),
        str(bare): ("git", None),
        f"file://{work_tree}": ("git", None),
        str(folder): ("folder", None),
        str(tarball): ("tarball", None),
    }
    for value, (kind, ref) in cases.items():
        source = parse_source(value)
        assert (source.kind, source.ref, source.remote) == (kind, ref, False), value


def test_local_source_that_is_neither(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        parse_source(str(tmp_path / "missing"))
    (tmp_path / "notes.txt").write_text("not an archive")
    with pytest.raises(SourceError, match="not a tarball"):
        parse_source(str(tmp_path / "notes.txt"))


def test_fetch_local_git_repository_prefers_branch_19(tmp_path):
    repo = make_git_repo(tmp_path / "repo", branch="main", major=18)
    make_tree(repo, major=19)
    git("checkout", "-q", "-b", "19.0", cwd=repo)
    git("commit", "-q", "-am", "19", cwd=repo)
    commit = git("rev-parse", "HEAD", cwd=repo)
    git("checkout", "-q", "main", cwd=repo)  # HEAD is Odoo 18: branch 19.0 must win
    info = fetch(parse_source(str(repo)), tmp_path / "src", say=lambda _m: None)
    assert info["version"] == "19.0" and info["commit"] == commit
    assert (tmp_path / "src" / "odoo-bin").exists()
    assert not (tmp_path / "src" / ".git").exists()
    assert not (tmp_path / "src.fetching").exists()


def test_fetch_local_git_ref_and_missing_ref(tmp_path):
    repo = make_git_repo(tmp_path / "repo", branch="work")
    git("tag", "v1", cwd=repo)
    info = fetch(parse_source(f"{repo}#v1"), tmp_path / "src", say=lambda _m: None)
    assert info["commit"] == git("rev-parse", "HEAD", cwd=repo)
    with pytest.raises(SourceError, match="no branch, tag or commit nope"):
        fetch(parse_source(f"{repo}#nope"), tmp_path / "src2", say=lambda _m: None)
    assert not (tmp_path / "src2").exists()


def test_fetch_folder_leaves_out_bytecode(tmp_path):
    folder = make_tree(tmp_path / "folder")
    (folder / "odoo" / "__pycache__").mkdir()
    (folder / "odoo" / "__pycache__" / "release.cpython-311.pyc").write_bytes(b"")
    info = fetch(parse_source(str(folder)), tmp_path / "src", say=lambda _m: None)
    assert info["version"] == "19.0"
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == [
        "addons", "odoo", "odoo-bin", "requirements.txt",
    ]  # fmt: skip
    assert not (tmp_path / "src" / "odoo" / "__pycache__").exists()


def _tarball(tmp_path, top="odoo-19.0", major=19):
    folder = make_tree(tmp_path / "tree", major=major)
    tarball = tmp_path / "odoo.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(folder, arcname=top)
    return tarball


def test_fetch_tarball_with_a_top_folder(tmp_path):
    info = fetch(parse_source(str(_tarball(tmp_path))), tmp_path / "src", say=lambda _m: None)
    assert info["version"] == "19.0"
    assert (tmp_path / "src" / "odoo" / "release.py").exists()


def test_fetch_tarball_over_http(tmp_path):
    tarball = _tarball(tmp_path)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{tarball.name}"
        source = parse_source(url)
        assert (source.kind, source.remote) == ("tarball", True)
        info = fetch(source, tmp_path / "src", say=lambda _m: None)
        assert info["version"] == "19.0"
        with pytest.raises(SourceError, match="HTTP 404"):
            fetch(parse_source(url.replace("odoo.tar", "gone.tar")), tmp_path / "x", say=print)
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_refuses_another_odoo_and_an_incomplete_tree(tmp_path):
    with pytest.raises(SourceError, match="this is Odoo 18.0, not Odoo 19"):
        fetch(parse_source(str(_tarball(tmp_path, major=18))), tmp_path / "src", say=print)
    folder = make_tree(tmp_path / "half")
    (folder / "addons" / "web" / "__manifest__.py").unlink()
    with pytest.raises(SourceError, match="addons/web/__manifest__.py missing"):
        fetch(parse_source(str(folder)), tmp_path / "src", say=print)
    assert not (tmp_path / "src").exists() and not (tmp_path / "src.fetching").exists()


def _fails_fast(location, match, timeout=2):
    started = time.monotonic()
    with pytest.raises(SourceError, match=match):
        fetch(parse_source(location), Path("/nonexistent/src"), say=lambda _m: None, timeout=timeout)
    return time.monotonic() - started


def test_unreachable_sources_fail_with_the_reason(tmp_path):
    port = closed_port()
    assert _fails_fast(f"http://127.0.0.1:{port}/odoo.git", "cannot connect to 127.0.0.1 port") < 5
    assert _fails_fast(f"http://127.0.0.1:{port}/odoo.tar.gz", "cannot connect") < 5
    assert _fails_fast("https://odoo-source.invalid/odoo.git", "cannot reach odoo-source.invalid") < 5


def test_a_source_that_never_answers_fails_within_the_timeout(tmp_path):
    with silent_server() as port:
        took = _fails_fast(f"http://127.0.0.1:{port}/odoo.git", "no answer within 2 s")
        assert 1.5 < took < 5
        took = _fails_fast(f"http://127.0.0.1:{port}/odoo.tar.gz", "timed out")
        assert 1.5 < took < 5


def test_the_default_deadline_is_well_under_30_seconds():
    # make test waits at most this long for an unreachable default source (CI has no GitHub)
    assert odoo_source.REACH_TIMEOUT <= 20
