"""Write the property lists of SuperOffice's WebAPI carriers that the simulator serves.

SuperOffice AS publishes its TypeScript WebAPI client as the npm package ``@superoffice/webapi``
(ISC licence). Its ``src/Carriers.ts`` declares every carrier of that release (camelCase
TypeScript names, each carrier ``extends Carrier`` or stands alone), and ``src/Converters.ts``
reads each carrier from the JSON wire (``res.orgNr= src.OrgNr``), which gives the exact
PascalCase JSON names (``URL``, ``Wgs84Latitude``). This script reads both files and writes, for
ContactEntity, PersonEntity, ProjectEntity and every carrier they reference (nested carriers,
list items, rights), the JSON property names with their TypeScript types, the base carrier and
the package's version and licence, to ``tests/fixtures/webapi_carriers/carriers.json``. The
conformance test (``tests/sim/test_sim_conformance.py``) checks every answer against that file.

The package itself is not kept in the repository; the script fetches it with ``npm pack``:

    python scripts/extract_carriers.py                      # npm pack @superoffice/webapi@12.4.1514
    python scripts/extract_carriers.py --version 12.5.x     # another release
    python scripts/extract_carriers.py --package ./superoffice-webapi-12.4.1514.tgz
"""

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "tests" / "fixtures" / "webapi_carriers" / "carriers.json"
PACKAGE = "@superoffice/webapi"
DEFAULT_VERSION = "12.4.1514"
ROOTS = ("ContactEntity", "PersonEntity", "ProjectEntity")

_INTERFACE = re.compile(r"^export interface (\w+)(?: extends (\w+))? \{\s*$")
_PROPERTY = re.compile(r"^\s+(\w+)(\?)?:\s*(.+?);\s*$")
_INDEX = re.compile(r"^\s+\[index: string\]:\s*(.+?);\s*$")
_CONVERTER = re.compile(r"^export function Create_(\w+)_From\(src:any\)")
_READ = re.compile(r"^\s+res\.(\w+)\s*=.*?\bsrc\.(\w+)\b")


def parse_interfaces(text):
    """``{name: {"extends", "properties": {ts name: type}, "index"}}`` from Carriers.ts."""
    interfaces, current = {}, None
    for line in text.splitlines():
        if current is None:
            match = _INTERFACE.match(line)
            if match:
                current = {"extends": match.group(2), "properties": {}, "index": None}
                interfaces[match.group(1)] = current
            continue
        if line.startswith("}"):
            current = None
            continue
        index = _INDEX.match(line)
        if index:
            current["index"] = index.group(1)
            continue
        prop = _PROPERTY.match(line)
        if prop:
            current["properties"][prop.group(1)] = prop.group(3)
    return interfaces


def parse_wire_names(text):
    """``{carrier: {ts name: JSON name}}`` from the JSON readers of Converters.ts."""
    names, current = {}, None
    for line in text.splitlines():
        match = _CONVERTER.match(line)
        if match:
            current = names.setdefault(match.group(1), {})
            continue
        if line.startswith("}"):
            current = None
            continue
        read = _READ.match(line)
        if current is not None and read:
            current[read.group(1)] = read.group(2)
    return names


def referenced(ts_type):
    """Carrier names a TypeScript type refers to (``EntityElement[]`` -> EntityElement)."""
    return [name for name in re.findall(r"[A-Za-z_][\w.]*", ts_type)
            if not name.startswith("enums.")]


def closure(interfaces, roots):
    seen, todo = [], list(roots)
    while todo:
        name = todo.pop(0)
        if name in seen or name not in interfaces:
            continue
        seen.append(name)
        spec = interfaces[name]
        if spec["extends"]:
            todo.append(spec["extends"])
        for ts_type in [*spec["properties"].values(), spec["index"] or ""]:
            todo.extend(referenced(ts_type))
    return seen


def carrier_table(interfaces, wire, names):
    out = {}
    for name in sorted(names):
        spec, chain = interfaces[name], []
        base = spec["extends"]
        while base:
            chain.append(base)
            base = interfaces[base]["extends"]
        properties = {}
        for owner in [*reversed(chain), name]:
            for ts_name, ts_type in interfaces[owner]["properties"].items():
                json_name = wire.get(name, {}).get(ts_name) or \
                    wire.get(owner, {}).get(ts_name) or ts_name[:1].upper() + ts_name[1:]
                properties[json_name] = ts_type
        entry = {"extends": spec["extends"], "properties": properties}
        if spec["index"]:
            entry["index"] = spec["index"]
        out[name] = entry
    return out


def fetch_package(version, workdir):
    subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=workdir,
                   check=True, stdout=subprocess.DEVNULL)
    return next(Path(workdir).glob("*.tgz"))


def read_package(tgz):
    with tarfile.open(tgz) as archive:
        def text(member):
            return archive.extractfile(f"package/{member}").read().decode("utf-8-sig")
        return (json.loads(text("package.json")), text("LICENSE.md"),
                text("src/Carriers.ts"), text("src/Converters.ts"))


def build(tgz):
    meta, licence, carriers_ts, converters_ts = read_package(tgz)
    interfaces = parse_interfaces(carriers_ts)
    wire = parse_wire_names(converters_ts)
    missing = [r for r in ROOTS if r not in interfaces]
    if missing:
        raise SystemExit(f"{tgz}: no interface {missing} in src/Carriers.ts")
    return {
        "package": meta["name"], "version": meta["version"],
        "build": meta.get("SoBuildLabel", ""), "license": meta.get("license", ""),
        "license_text": licence.strip(),
        "source": "src/Carriers.ts (types), src/Converters.ts (JSON names)",
        "made_by": "scripts/extract_carriers.py", "roots": list(ROOTS),
        "carriers": carrier_table(interfaces, wire, closure(interfaces, ROOTS)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--package", type=Path, help="a .tgz made by npm pack (no download)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        tgz = args.package or fetch_package(args.version, workdir)
        data = build(tgz)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(data['carriers'])} carriers of {data['package']} "
          f"{data['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
