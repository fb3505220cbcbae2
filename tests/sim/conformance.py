"""Check WebAPI answers against SuperOffice's own definitions.

Two references, both kept under ``tests/fixtures``:

* the Swagger 2.0 subset of SuperOffice's REST API (``superoffice_swagger/``): types, enums and
  the answer schema of each path and method;
* the carriers of SuperOffice's TypeScript client 12.4 (``webapi_carriers/``): which properties
  each carrier has today (the Swagger document is older and lacks some).

Real answers carry nulls where a carrier is absent and join flag names into one mask
(``"Update, UIHintMandatory"``), and a Swagger ``{"type": "object"}`` without properties is .NET's
``object`` (any JSON value, e.g. an archive column); the schemas are relaxed accordingly.

    swagger_problems(answer, "/api/v1/Contact/{id}", "get")   # [] when it conforms
    carrier_problems(answer, "ContactEntity", links=True)      # properties not in 12.4
"""

import json
import re
from functools import cache
from pathlib import Path

import jsonschema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SWAGGER_FILE = FIXTURES / "superoffice_swagger" / "swagger-subset.json"
CARRIERS_FILE = FIXTURES / "webapi_carriers" / "carriers.json"
_SCALARS = {"string", "number", "boolean", "Date", "any", "object"}


@cache
def swagger():
    return json.loads(SWAGGER_FILE.read_text(encoding="utf-8"))


@cache
def carriers():
    return json.loads(CARRIERS_FILE.read_text(encoding="utf-8"))


def _flags_pattern(names):
    one = "|".join(re.escape(n) for n in names)
    return f"^({one})(, ({one}))*$"


def relaxed(schema):
    """A copy of a Swagger schema that accepts what real answers contain (see module doc)."""
    if isinstance(schema, list):
        return [relaxed(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if set(schema) - {"description"} == {"type"} and schema["type"] == "object":
        return {}
    out = {}
    for key, value in schema.items():
        if key == "description":
            continue
        if key in ("properties", "definitions"):
            out[key] = {name: relaxed(sub) for name, sub in value.items()}
        else:
            out[key] = relaxed(value)
    if "enum" in out and out.get("type") == "string":
        out = {"type": "string", "pattern": _flags_pattern(out["enum"])}
    if "$ref" in out or "type" in out:
        return {"anyOf": [{"type": "null"}, out]}
    return out


@cache
def _root():
    return {"definitions": relaxed(swagger()["definitions"])}


def response_schema(path, method, status="200"):
    schema = swagger()["paths"][path][method]["responses"][status]["schema"]
    return schema


def validate(instance, schema):
    """Messages of every Swagger violation (``[]``: the instance conforms)."""
    root = dict(_root(), **relaxed(schema))
    validator = jsonschema.Draft4Validator(root)
    return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message[:200]}"
            for e in sorted(validator.iter_errors(instance), key=lambda e: list(
                map(str, e.absolute_path)))]


def swagger_problems(answer, path, method, status="200"):
    return validate(answer, response_schema(path, method, status))


def definition_problems(answer, name):
    return validate(answer, {"$ref": f"#/definitions/{name}"})


def _element_type(ts_type):
    ts_type = ts_type.strip()
    depth = 0
    while ts_type.endswith("[]"):
        ts_type, depth = ts_type[:-2], depth + 1
    return ts_type, depth


def carrier_problems(value, name, links=False, complete=False, path="$"):
    """Properties of ``value`` that carrier ``name`` of 12.4 does not have.

    ``links``: the top level may carry ``_Links`` (the ``*WithLinks`` answers).
    ``complete``: also report properties of 12.4 that an object lacks.
    """
    if value is None:
        return []
    spec = carriers()["carriers"].get(name)
    if spec is None:
        return []
    if not isinstance(value, dict):
        return [f"{path}: {name} must be an object, got {type(value).__name__}"]
    if "index" in spec:
        return [p for key, item in value.items()
                for p in _typed_problems(item, spec["index"], complete, f"{path}.{key}")]
    problems = []
    known = spec["properties"]
    for key, item in value.items():
        if key == "_Links" and links:
            continue
        if key not in known:
            problems.append(f"{path}.{key}: not a property of {name} "
                            f"({carriers()['package']} {carriers()['version']})")
            continue
        problems += _typed_problems(item, known[key], complete, f"{path}.{key}")
    if complete:
        problems += [f"{path}.{key}: {name} property missing" for key in known
                     if key not in value]
    return problems


def _typed_problems(value, ts_type, complete, path):
    base, depth = _element_type(ts_type)
    if base in _SCALARS or base.startswith("enums.") or value is None:
        return []
    items = [(value, path)]
    for _ in range(depth):
        items = [(v, f"{p}[{i}]") for item, p in items if isinstance(item, list)
                 for i, v in enumerate(item)]
    return [problem for item, p in items
            for problem in carrier_problems(item, base, complete=complete, path=p)]
