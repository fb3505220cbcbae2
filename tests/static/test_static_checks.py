"""The static checks catch what they claim to catch, and the real addon passes them."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ADDON = ROOT / "superoffice_connector"

_spec = importlib.util.spec_from_file_location("static_checks", ROOT / "scripts" / "static_checks.py")
static_checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(static_checks)


@pytest.fixture
def addon_copy(tmp_path):
    target = tmp_path / "superoffice_connector"
    shutil.copytree(ADDON, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def test_real_addon_passes():
    assert static_checks.run(ADDON) == []


def test_missing_data_file_is_reported(addon_copy):
    manifest = addon_copy / "__manifest__.py"
    manifest.write_text(
        manifest.read_text().replace('"data": [', '"data": [\n        "views/nowhere.xml",')
    )
    problems = static_checks.run(addon_copy)
    assert any("nowhere.xml" in p for p in problems)


def test_unparsable_manifest_is_reported(addon_copy):
    (addon_copy / "__manifest__.py").write_text("{'name': 'x',")
    assert any("Python literal" in p for p in static_checks.run(addon_copy))


def test_broken_xml_is_reported(addon_copy):
    (addon_copy / "views" / "broken.xml").write_text("<odoo><record></odoo>")
    assert any("broken.xml" in p for p in static_checks.run(addon_copy))


def test_model_without_access_rule_is_reported(addon_copy):
    (addon_copy / "models" / "orphan.py").write_text(
        "from odoo import models\n\n\nclass Orphan(models.Model):\n    _name = 'superoffice.orphan'\n"
    )
    problems = static_checks.run(addon_copy)
    assert any("superoffice.orphan" in p for p in problems)


def test_inherit_only_and_abstract_models_need_no_rule(addon_copy):
    (addon_copy / "models" / "extra.py").write_text(
        "from odoo import models\n\n\n"
        "class Partner(models.Model):\n    _inherit = 'res.partner'\n\n\n"
        "class Mixin(models.AbstractModel):\n    _name = 'superoffice.mixin'\n"
    )
    assert static_checks.run(addon_copy) == []


@pytest.mark.parametrize("line", ["import odoo", "from odoo import fields", "from odoo.tools import x"])
def test_odoo_import_in_pure_core_is_reported(addon_copy, line):
    (addon_copy / "sync" / "leak.py").write_text(line + "\n")
    problems = static_checks.run(addon_copy)
    assert any("leak.py" in p and "must not import odoo" in p for p in problems)


def test_pure_core_imports_in_a_process_without_odoo():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.modules['odoo'] = None  # any `import odoo` now raises ImportError\n"
        "import superoffice_connector.api, superoffice_connector.sync\n"
        "import pkgutil, importlib\n"
        "for pkg in (superoffice_connector.api, superoffice_connector.sync):\n"
        "    for info in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(pkg.__name__ + '.' + info.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_extension_naming_its_own_model_needs_no_rule(addon_copy):
    (addon_copy / "models" / "ext.py").write_text(
        "from odoo import models\n\n\n"
        "class Project(models.Model):\n"
        "    _name = 'project.project'\n"
        "    _inherit = ['project.project', 'superoffice.sync.mixin']\n"
    )
    assert static_checks.run(addon_copy) == []
