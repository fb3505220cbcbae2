"""Generate the addon's ``README.rst`` from its ``readme/`` fragments, the way OCA's
``oca-gen-addon-readme`` lays it out (that generator is not on the package index).

    python scripts/gen_addon_readme.py           # write superoffice_connector/README.rst
    python scripts/gen_addon_readme.py --check   # exit 1 when README.rst is not what it generates

The fragments are Markdown (``DESCRIPTION.md``, ``CONTEXT.md``, ``INSTALL.md``, ``CONFIGURE.md``,
``USAGE.md``, ``ROADMAP.md``, ``HISTORY.md`` (written by towncrier at a release),
``CONTRIBUTORS.md``, ``CREDITS.md``; each optional but the description) in the subset they use:
paragraphs, ``-`` and ``1.`` lists (nested by indentation), ``#`` headings, fenced code,
`` `code` ``, ``*emphasis*``, ``**strong**`` and ``[text](url)``. The title, version, licence,
dependencies, authors and bug tracker come from the manifest. The result is parsed with docutils
when it is installed (it is in the pre-commit hook): a warning of docutils fails the run, so a
fragment that does not convert cleanly is caught here and not on the Apps page or the package
index.
"""

import argparse
import ast
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON_DIR = ROOT / "superoffice_connector"
SECTIONS = (
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+\.)\s+")
HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")
SUB_ADORNMENTS = {1: "~", 2: "^", 3: '"'}


def inline(text):
    """Markdown inline markup to reStructuredText."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"``{part[1:-1]}``")
            continue
        part = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r"`\1 <\2>`__", part)
        out.append(part)
    return "".join(out)


def md_to_rst(markdown):
    """The fragment ``markdown`` as reStructuredText (see the module docstring for the subset)."""
    lines = markdown.strip("\n").splitlines()
    out = []
    fence = None
    for line in lines:
        if fence is not None:
            if line.strip().startswith("```"):
                fence = None
                out.append("")
            else:
                out.append("    " + line[fence:] if line.strip() else "")
            continue
        if line.strip().startswith("```"):
            fence = len(line) - len(line.lstrip())
            if out and out[-1].strip():
                out.append("")
            out += ["::", ""]
            continue
        heading = HEADING.match(line)
        if heading:
            title = inline(heading.group(2))
            if out and out[-1].strip():
                out.append("")
            out += [title, SUB_ADORNMENTS[len(heading.group(1))] * len(title), ""]
            continue
        # reStructuredText needs a blank line before a list item that follows text (a nested list
        # after its parent's text, or a list after a paragraph); between items it is allowed.
        if LIST_ITEM.match(line) and out and out[-1].strip():
            out.append("")
        out.append(inline(line.rstrip()))
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def fragment(addon_dir, name):
    for suffix in (".md", ".rst"):
        path = addon_dir / "readme" / f"{name}{suffix}"
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            return md_to_rst(text) if suffix == ".md" else text.strip("\n")
    return None


def title_block(title, char="="):
    return f"{char * len(title)}\n{title}\n{char * len(title)}"


def section(title, body, char="="):
    return f"{title}\n{char * len(title)}\n\n{body}"


def generate(addon_dir=ADDON_DIR):
    addon_dir = Path(addon_dir)
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    description = fragment(addon_dir, "DESCRIPTION")
    if description is None:
        raise SystemExit(f"{addon_dir}/readme/DESCRIPTION.md is missing")
    blocks = [
        title_block(manifest["name"]),
        "..\n   This file is generated from readme/*.md and __manifest__.py by\n"
        "   scripts/gen_addon_readme.py: edit those and run the script, not this file.",
        f"**Version** {manifest['version']} · **License** {manifest['license']} · "
        f"**Depends on** {', '.join(manifest.get('depends', []))}",
        description,
        "**Table of contents**\n\n.. contents::\n   :local:",
    ]
    for name, title in SECTIONS:
        body = fragment(addon_dir, name)
        if body:
            blocks.append(section(title, body))
    website = manifest.get("website", "")
    blocks.append(
        section(
            "Bug Tracker",
            "Bugs and questions go to the project's issue tracker at\n"
            f"{website}. Please include the Odoo version, the connection's\n"
            "environment and the message shown.",
        )
    )
    credits = [section("Authors", "\n".join(f"* {a.strip()}" for a in manifest["author"].split(",")), "~")]
    for name, title in (("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits")):
        body = fragment(addon_dir, name)
        if body:
            credits.append(section(title, body, "~"))
    blocks.append(section("Credits", "\n\n".join(credits)))
    return "\n\n".join(blocks) + "\n"


def docutils_problems(text):
    """docutils' warnings and errors on ``text``; None when docutils is not installed."""
    try:
        import docutils.core  # noqa: PLC0415 (optional: the pre-commit hook installs it)
        import docutils.utils  # noqa: PLC0415
    except ImportError:
        return None
    import io  # noqa: PLC0415

    stream = io.StringIO()
    docutils.core.publish_doctree(
        text,
        settings_overrides={"warning_stream": stream, "report_level": 2, "halt_level": 5},
    )
    return stream.getvalue().strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when README.rst is stale")
    parser.add_argument("--addon-dir", type=Path, default=ADDON_DIR)
    args = parser.parse_args(argv)
    target = args.addon_dir / "README.rst"
    text = generate(args.addon_dir)
    problems = docutils_problems(text)
    if problems:
        print(f"{target}: the generated reStructuredText has problems:\n{problems}")
        return 1
    current = target.read_text(encoding="utf-8") if target.is_file() else ""
    if args.check:
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(), text.splitlines(), str(target), "generated", lineterm="", n=1
            )
            print("\n".join(list(diff)[:40]))
            print(f"{target} is stale: run python scripts/gen_addon_readme.py and commit it")
            return 1
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
