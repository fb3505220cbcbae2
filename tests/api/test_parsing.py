"""Parsing of wire values and of every captured real response."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from shared_fixtures import require_superoffice_fixtures, superoffice_fixtures_dir

from superoffice_connector.api import ArchiveRow, MalformedResponseError, Project
from superoffice_connector.api.entities import thaw
from superoffice_connector.api.parsing import (
    decode_udefs,
    decode_value,
    format_datetime_utc,
    format_http_date,
    parse_datetime,
    parse_http_date,
)

FIXTURES = superoffice_fixtures_dir() or Path("missing-superoffice-fixtures")
UTC = timezone.utc


def test_naive_timestamp_is_utc():
    assert parse_datetime("2020-04-22T15:51:25") == datetime(2020, 4, 22, 15, 51, 25, tzinfo=UTC)


def test_seven_fraction_digits_and_offsets():
    assert parse_datetime("2020-08-19T17:12:16.9553621").microsecond == 955362
    assert parse_datetime("2025-05-14T10:48:07.8912039+02:00") == datetime(
        2025, 5, 14, 8, 48, 7, 891203, tzinfo=UTC)
    assert parse_datetime("2018-04-24T07:50:50.6812131Z").tzinfo == UTC


def test_empty_date_is_none_and_open_end_is_max():
    assert parse_datetime("0001-01-01T00:00:00") is None
    assert parse_datetime("") is None
    assert parse_datetime("9999-12-31T23:59:59.9999999").year == 9999


def test_not_a_date_raises():
    with pytest.raises(MalformedResponseError):
        parse_datetime("yesterday")


def test_culture_values_decoded():
    assert decode_value("[I:8]") == 8
    assert decode_value("[F:12345.6789]") == 12345.6789
    assert decode_value("[DT:12/31/2013 23:59:59.0000000]") == datetime(
        2013, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert decode_value("[D:06/01/2020]") == date(2020, 6, 1)
    assert decode_value("[I:1]") == 1
    assert decode_value("plain [I:8] text") == "plain [I:8] text"
    assert decode_value("[I:notanumber]") == "[I:notanumber]"


def test_udef_companions_stay_text():
    udefs = decode_udefs({"SuperOffice:1": "[I:8]", "SuperOffice:1:DisplayText": "[I:9]"})
    assert udefs == {"SuperOffice:1": 8, "SuperOffice:1:DisplayText": "[I:9]"}


def test_http_dates_round_trip():
    when = datetime(2024, 2, 29, 12, 0, 5, tzinfo=UTC)
    assert format_http_date(when) == "Thu, 29 Feb 2024 12:00:05 GMT"
    assert parse_http_date(format_http_date(when)) == when
    assert parse_http_date("garbage") is None
    assert format_datetime_utc(datetime(2024, 1, 1, 1, 2, 3, 999, tzinfo=UTC)) == (
        "2024-01-01T01:02:03")


def _walk_dates(value, found):
    if isinstance(value, dict):
        for v in value.values():
            _walk_dates(v, found)
    elif isinstance(value, list):
        for v in value:
            _walk_dates(v, found)
    elif isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        found.append(value)


def test_every_captured_response_is_present():
    assert len(list(require_superoffice_fixtures().glob("*.json"))) >= 7


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_every_fixture_parses_without_loss(path):
    data = json.loads(path.read_text())
    if "value" in data:
        rows = [ArchiveRow(r) for r in data["value"]]
        assert [thaw(r) for r in rows] == data["value"]
        for row, raw in zip(rows, data["value"], strict=True):
            if "PrimaryKey" in raw:
                assert row.id == int(raw["PrimaryKey"])
    elif "ProjectId" in data:
        project = Project(data)
        assert project.raw == data  # unknown keys kept, nothing dropped or altered
        assert project.id == data["ProjectId"]
        assert project.name == data["Name"]
        assert len(project.members) == len(data["ProjectMembers"])
        for key, raw in (data.get("UserDefinedFields") or {}).items():
            decoded = project.udefs[key]
            if raw.startswith("[I:"):
                assert decoded == int(raw[3:-1])
    dates = []
    _walk_dates(data, dates)
    for text in dates:
        parsed = parse_datetime(text)
        assert parsed is None if text.startswith("0001-") else parsed.tzinfo == UTC


def test_entity_is_read_only():
    project = Project(
        json.loads((require_superoffice_fixtures() / "project_1_response.json").read_text())
    )
    with pytest.raises(TypeError):
        project["Name"] = "x"
    with pytest.raises(TypeError):
        project["TableRight"]["Mask"] = "x"
    with pytest.raises(AttributeError):
        project.name = "x"
    raw = project.raw
    raw["Name"] = "changed"
    assert project.name != "changed"
    assert project.change_stamp == ("2020-06-03T17:46:13", 5)
    assert Project({"ProjectId": 1, "UpdatedBy": None}).change_stamp == (None, None)


def test_change_stamp_compares_instants_not_spellings():
    def stamp(updated):
        return Project({"ProjectId": 1, "UpdatedDate": updated,
                        "UpdatedBy": {"AssociateId": 7}}).change_stamp

    assert stamp("2020-06-03T17:46:13.0000000") == stamp("2020-06-03T17:46:13Z") == (
        "2020-06-03T17:46:13", 7)
    assert stamp("2020-06-03T19:46:13+02:00") == stamp("2020-06-03T17:46:13")
    assert stamp("2020-06-03T17:46:14") != stamp("2020-06-03T17:46:13")
    assert stamp("0001-01-01T00:00:00") == ("0001-01-01", 7)  # never updated: still a stamp
    assert stamp("not a date") == (None, 7)
