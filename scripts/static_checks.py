"""Static checks of the addon that need no Odoo.

Run as ``python scripts/static_checks.py [ADDON_DIR]``; prints one line per problem and exits 1
when there is any. The checks:

- the manifest is a Python literal and every data/demo file it lists exists;
- every XML file of the addon parses;
- every model defined with ``_name`` (regular or transient) has a line in
  ``security/ir.model.access.csv``;
- no module under ``api/``, ``sync/`` or ``erp/`` imports ``odoo`` (they are the pure core).
"""

import ast
import csv
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PURE_PACKAGES = ("api", "sync", "erp")
MODEL_BASES = {"Model", "TransientModel"}


def check_manifest(addon):
    manifest_path = addon / "__manifest__.py"
    try:
        manifest = ast.literal_eval(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError) as exc:
        return [f"{manifest_path}: cannot be read as a Python literal: {exc}"]
    problems = []
    for key in ("data", "demo"):
        for name in manifest.get(key, []):
            if not (addon / name).is_file():
                problems.append(f"{manifest_path}: {key} file {name!r} does not exist")
    return problems


def check_xml(addon):
    problems = []
    for path in sorted(addon.rglob("*.xml")):
        try:
            ET.parse(path)
        except ET.ParseError as exc:
            problems.append(f"{path}: XML does not parse: {exc}")
    return problems


def _model_names(tree):
    """Yield the ``_name`` of every class deriving from models.Model/TransientModel."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}
        if not bases & MODEL_BASES:
            continue
        attrs = {
            target.id: stmt.value
            for stmt in node.body
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
            if isinstance(target, ast.Name)
        }
        name = attrs.get("_name")
        if not isinstance(name, ast.Constant):
            continue
        inherit = attrs.get("_inherit")
        inherited = set()
        if isinstance(inherit, ast.Constant):
            inherited = {inherit.value}
        elif isinstance(inherit, (ast.List, ast.Tuple)):
            inherited = {e.value for e in inherit.elts if isinstance(e, ast.Constant)}
        if name.value not in inherited:  # `_name` equal to an inherited model only extends it
            yield name.value


def check_access_rules(addon):
    access_file = addon / "security" / "ir.model.access.csv"
    covered = set()
    if access_file.is_file():
        with access_file.open(encoding="utf-8") as handle:
            covered = {row["model_id:id"].split(".")[-1] for row in csv.DictReader(handle)}
    problems = []
    for path in sorted(addon.rglob("*.py")):
        if any(part in PURE_PACKAGES + ("tests",) for part in path.relative_to(addon).parts[:-1]):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            problems.append(f"{path}: Python does not parse: {exc}")
            continue
        for name in _model_names(tree):
            if "model_" + name.replace(".", "_") not in covered:
                problems.append(f"{path}: model {name!r} has no access rule in {access_file.name}")
    return problems


def check_pure_imports(addon):
    problems = []
    for package in PURE_PACKAGES:
        for path in sorted((addon / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                if any(n == "odoo" or n.startswith("odoo.") for n in names):
                    problems.append(f"{path}:{node.lineno}: the pure core must not import odoo")
    return problems


def run(addon):
    addon = Path(addon)
    return (
        check_manifest(addon)
        + check_xml(addon)
        + check_access_rules(addon)
        + check_pure_imports(addon)
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    addon = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "superoffice_connector"
    problems = run(addon)
    for problem in problems:
        print(problem)
    print(f"static checks: {len(problems)} problem(s) in {addon.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
