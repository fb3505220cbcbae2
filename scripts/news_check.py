"""The addon's news fragments are ones towncrier turns into the changelog (the pre-commit hook
``towncrier``; needs ``towncrier``).

A fragment is ``superoffice_connector/readme/newsfragments/<issue>.<type>.md`` (or
``+<name>.<type>.md`` when there is no issue), ``<type>`` one of those in
``superoffice_connector/pyproject.toml`` (``[tool.towncrier]``), with some text. towncrier itself
skips a file whose name it does not understand, so a misnamed fragment would vanish from the
changelog without a word: this check names it, then renders the draft changelog with
``towncrier build --draft`` and fails when towncrier does.

    python scripts/news_check.py
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import tomllib  # Python 3.11+, as the hook's environment and the development one

ROOT = Path(__file__).resolve().parent.parent
ADDON_DIR = ROOT / "superoffice_connector"


def shown(path):
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def problems_of(addon_dir=ADDON_DIR):
    config = tomllib.loads((addon_dir / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["towncrier"]
    types = [t["directory"] for t in config["type"]]
    name_re = re.compile(r"^(\d+|\+[\w-]+)\.(" + "|".join(map(re.escape, types)) + r")(\.\d+)?\.md$")
    problems = []
    folder = addon_dir / config["directory"]
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith("."):
            continue
        if not name_re.match(path.name):
            problems.append(
                f"{shown(path)}: not <issue>.<type>.md or +<name>.<type>.md with a type "
                f"of {', '.join(types)}; towncrier would leave it out of the changelog"
            )
        elif not path.read_text(encoding="utf-8").strip():
            problems.append(f"{shown(path)}: empty")
    return problems


def main():
    problems = problems_of()
    for problem in problems:
        print(problem)
    manifest = ast.literal_eval((ADDON_DIR / "__manifest__.py").read_text(encoding="utf-8"))
    draft = subprocess.run(
        ["towncrier", "build", "--draft", "--dir", str(ADDON_DIR), "--version", manifest["version"]],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if draft.returncode != 0:
        print(f"towncrier build --draft failed:\n{draft.stdout}{draft.stderr}")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
