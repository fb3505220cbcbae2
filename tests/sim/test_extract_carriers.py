"""scripts/extract_carriers.py reads carriers and their JSON names out of an npm package."""

import importlib.util
import io
import json
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("extract_carriers",
                                               ROOT / "scripts" / "extract_carriers.py")
extract_carriers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(extract_carriers)

# the layout of @superoffice/webapi's src/Carriers.ts and src/Converters.ts, in miniature
CARRIERS_TS = """
export interface Carrier {
        /**
         * The carrier's table right
         */
        tableRight?: TableRight;
        fieldProperties?: FieldPropertyDictionary;
}
export interface TableRight {
        mask?: enums.ETableRight;
        reason?: string;
}
export interface FieldPropertyDictionary {
   [index: string]: FieldProperty;
}
export interface FieldProperty {
        fieldLength?: number;
}
export interface ContactEntity extends Carrier {
        /**
         * Primary key: the note: ignored
         */
        contactId?: number;
        emails?: EntityElement[];
        address?: Address;
}
export interface PersonEntity extends Carrier {
        personId?: number;
}
export interface ProjectEntity extends Carrier {
        projectId?: number;
}
export interface EntityElement extends Carrier {
        value?: string;
}
export interface Address extends Carrier {
        street?: StructuredAddress;
        wgs84Latitude?: number;
}
export interface StructuredAddress {
        uRL?: string;
}
export interface Unrelated extends Carrier {
        nothing?: string;
}
"""
CONVERTERS_TS = """
export function Create_StructuredAddress_From(src:any) : carriers.StructuredAddress {
        res.uRL= src.URL as string;
}
"""


def _package(tmp_path):
    tgz = tmp_path / "webapi.tgz"
    files = {"package/package.json": json.dumps({"name": "@superoffice/webapi",
                                                 "version": "9.9.1", "license": "ISC"}),
             "package/LICENSE.md": "ISC License\n\nCopyright (c) SuperOffice AS\n",
             "package/src/Carriers.ts": CARRIERS_TS,
             "package/src/Converters.ts": CONVERTERS_TS}
    with tarfile.open(tgz, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tgz


def test_extracts_the_carriers_reached_from_the_entities(tmp_path):
    out = tmp_path / "carriers.json"
    assert extract_carriers.main(["--package", str(_package(tmp_path)), "--output",
                                  str(out)]) == 0
    data = json.loads(out.read_text())
    assert (data["package"], data["version"], data["license"]) == (
        "@superoffice/webapi", "9.9.1", "ISC")
    assert "SuperOffice AS" in data["license_text"]
    carriers = data["carriers"]
    assert "Unrelated" not in carriers
    assert set(carriers) == {"Carrier", "TableRight", "FieldPropertyDictionary",
                             "FieldProperty", "ContactEntity", "PersonEntity",
                             "ProjectEntity", "EntityElement", "Address",
                             "StructuredAddress"}
    assert list(carriers["ContactEntity"]["properties"]) == [
        "TableRight", "FieldProperties", "ContactId", "Emails", "Address"]
    assert carriers["ContactEntity"]["properties"]["Emails"] == "EntityElement[]"
    assert carriers["Address"]["properties"]["Wgs84Latitude"] == "number"
    assert carriers["StructuredAddress"] == {"extends": None, "properties": {"URL": "string"}}
    assert carriers["FieldPropertyDictionary"]["index"] == "FieldProperty"


def test_committed_lists_come_from_the_script():
    data = json.loads((ROOT / "tests" / "fixtures" / "webapi_carriers" /
                       "carriers.json").read_text())
    assert data["made_by"] == "scripts/extract_carriers.py"
    assert data["roots"] == list(extract_carriers.ROOTS)
    assert data["version"] == extract_carriers.DEFAULT_VERSION
