import os
import re
import sys
from pathlib import Path

import pytest

from superoffice_connector.sync.mapping import (
    FieldMap,
    default_mapping,
    validate_mapping,
    with_direction,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import odoo_provision  # noqa: E402

# ODOO_PATH, else the tree of the Odoo provisioned into the per-user cache (when there is one)
ODOO_SRC = Path(os.environ.get("ODOO_PATH") or odoo_provision.Cache(os.environ).src)
# Fields the Odoo layer of this addon adds (Odoo 19 has no such field).
ADDED = {"res.partner": {"superoffice_mobile", "superoffice_department"},
         "project.project": {"superoffice_number"}}


@pytest.mark.parametrize("entity", ["company", "person", "project"])
def test_default_mappings_are_valid(entity):
    assert validate_mapping(default_mapping(entity)) == []


def test_required_coverage():
    keys = {e: {f.key for f in default_mapping(e)} for e in ("company", "person", "project")}
    assert {"name", "department", "vat", "ref", "street", "street2", "zip", "city", "state",
            "country", "phone", "mobile", "email", "website", "category", "owner",
            "description"} <= keys["company"]
    assert {"name", "function", "email", "phone", "mobile", "company"} <= keys["person"]
    assert {"name", "number", "status", "type", "date_start", "date_end", "description",
            "members"} <= keys["project"]


def test_validate_reports_problems():
    bad = (
        FieldMap("a", "A", "name", None),
        FieldMap("a", "A2", None, "Name", direction="sideways", transform="magic"),
        FieldMap("b", "B", "x", "Y", direction="none", mandatory_so=True),
    )
    problems = validate_mapping(bad)
    assert len(problems) == 5, problems
    assert any("mapped twice" in p for p in problems)
    assert any("'magic'" in p for p in problems)
    assert any("mandatory" in p for p in problems)


def test_unknown_entity():
    with pytest.raises(ValueError):
        default_mapping("invoice")


def test_dict_round_trip_and_direction_override():
    mapping = with_direction(default_mapping("company"), phone="to_so")
    phone = next(f for f in mapping if f.key == "phone")
    assert phone.direction == "to_so" and phone.writes_so and not phone.writes_odoo
    assert FieldMap.from_dict({**phone.to_dict(), "unknown": 1}) == phone


def _model_fields(path):
    text = path.read_text()
    return set(re.findall(r"^    (\w+)(?:: \w+)? = fields\.", text, re.M))


@pytest.mark.skipif(not ODOO_SRC.exists(), reason="Odoo 19 source tree not available")
@pytest.mark.parametrize(("entity", "model", "sources"), [
    ("company", "res.partner", ["odoo/addons/base/models/res_partner.py"]),
    ("person", "res.partner", ["odoo/addons/base/models/res_partner.py"]),
    ("project", "project.project", ["addons/project/models/project_project.py",
                                    "addons/mail/models/mail_thread.py"]),
])
def test_default_odoo_fields_exist_in_odoo_19(entity, model, sources):
    known = set().union(*(_model_fields(ODOO_SRC / s) for s in sources)) | ADDED[model]
    missing = {f.odoo_field for f in default_mapping(entity)} - known
    assert not missing
