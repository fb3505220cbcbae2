"""The addon's README.rst is generated from readme/ and the manifest; the check fails when it is
stale or when a fragment does not convert to valid reStructuredText. News fragments that
towncrier would skip are named."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import gen_addon_readme  # noqa: E402
import news_check  # noqa: E402

ADDON_DIR = ROOT / "superoffice_connector"


def copy_addon(tmp_path):
    copy = tmp_path / "superoffice_connector"
    copy.mkdir()
    for name in ("__manifest__.py", "README.rst", "pyproject.toml"):
        shutil.copy2(ADDON_DIR / name, copy / name)
    shutil.copytree(ADDON_DIR / "readme", copy / "readme")
    return copy


def test_committed_readme_is_what_the_fragments_generate():
    assert gen_addon_readme.main(["--check"]) == 0


def test_an_edited_fragment_makes_the_check_fail_until_regenerated(tmp_path, capsys):
    copy = copy_addon(tmp_path)
    usage = copy / "readme" / "USAGE.md"
    usage.write_text(usage.read_text() + "- **Export** writes the sync log as CSV.\n")
    assert gen_addon_readme.main(["--check", "--addon-dir", str(copy)]) == 1
    assert "is stale" in capsys.readouterr().out
    assert gen_addon_readme.main(["--addon-dir", str(copy)]) == 0
    assert gen_addon_readme.main(["--check", "--addon-dir", str(copy)]) == 0
    assert "- **Export** writes the sync log as CSV." in (copy / "README.rst").read_text()


def test_markdown_subset_becomes_valid_restructuredtext():
    rst = gen_addon_readme.md_to_rst(
        "Intro with `code`, [a link](https://example.com) and **strong**.\n"
        "1. First step:\n"
        "   - nested item\n"
        "   - another\n"
        "2. Second step\n\n"
        "```sh\nmake test\n```\n"
    )
    assert "``code``" in rst and "`a link <https://example.com>`__" in rst
    assert "1. First step:\n\n   - nested item" in rst
    assert "::\n\n    make test" in rst
    assert gen_addon_readme.docutils_problems(rst) == ""


def test_a_fragment_that_is_not_valid_restructuredtext_fails(tmp_path, capsys):
    copy = copy_addon(tmp_path)
    (copy / "readme" / "USAGE.md").write_text("- item\n  text\n    over-indented continuation\n")
    assert gen_addon_readme.main(["--check", "--addon-dir", str(copy)]) == 1
    assert "has problems" in capsys.readouterr().out


def test_misnamed_news_fragment_is_named(tmp_path):
    copy = copy_addon(tmp_path)
    fragments = copy / "readme" / "newsfragments"
    (fragments / "31.feat.md").write_text("A new feature.\n")
    (fragments / "32.bugfix.md").write_text("\n")
    problems = news_check.problems_of(copy)
    assert len(problems) == 2
    assert problems[0].endswith(
        "31.feat.md: not <issue>.<type>.md or +<name>.<type>.md with a type of feature, bugfix, "
        "doc, removal, misc; towncrier would leave it out of the changelog"
    )
    assert problems[1].endswith("32.bugfix.md: empty")
    assert news_check.problems_of(ADDON_DIR) == []
