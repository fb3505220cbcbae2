"""The README says what the dialogs do by default: a checkbox it describes is ticked or not as
the wizard's field declares."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIZARD = ROOT / "superoffice_connector" / "wizards" / "superoffice_import_wizard.py"


def _field_default(path, name):
    """The ``default=`` of the field ``name`` declared in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and [t.id for t in node.targets
                                             if isinstance(t, ast.Name)] == [name]:
            for keyword in node.value.keywords:
                if keyword.arg == "default":
                    return ast.literal_eval(keyword.value)
    raise AssertionError(f"no field {name} with a default in {path.name}")


def test_create_in_odoo_persons_checkbox_is_described_as_it_defaults():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Create in Odoo", 1)[1].split("\n### ", 1)[0]
    text = " ".join(section.split())
    label = "**Also create its persons as contacts**"
    assert label in text
    ticked = bool(re.search(re.escape(label) + r" is ticked by default", text))
    unticked = bool(re.search(re.escape(label) + r" is not ticked by default", text))
    assert not re.search(r"tick " + re.escape(label) + " if wanted", text), \
        "the README asks to tick a box the dialog may already tick"
    assert ticked or unticked, "the README says whether the box is ticked"
    assert ticked == _field_default(WIZARD, "with_persons")
