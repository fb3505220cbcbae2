import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from superoffice_connector.sync import canonical, countries
from superoffice_connector.sync.canonical import equal, normalize
from superoffice_connector.sync.mapping import FieldMap


@pytest.mark.parametrize("empty", [None, "", "   ", "\n\t", [], False])
@pytest.mark.parametrize("kind", ["text", "multiline", "email", "phone", "url", "country",
                                  "date", "list_item", "owner", "members", "raw"])
def test_every_empty_value_is_none(kind, empty):
    assert normalize(kind, empty) is None


def test_text_collapses_white_space():
    assert normalize("text", "  Nordic \t Paper\nAS ") == "Nordic Paper AS"


def test_multiline_keeps_paragraphs_but_not_cosmetics():
    assert normalize("multiline", " Hi \r\n\r\n\r\n\r\nThis  is\r\nit  ") == "Hi\n\nThis is\nit"


def test_email_is_lower_case():
    assert normalize("email", " Post@Nordic-Paper.NO ") == "post@nordic-paper.no"


def test_phone_keeps_display_form_and_compares_by_digits():
    assert normalize("phone", " +47  22 84 85 00 ") == "+47 22 84 85 00"
    assert equal("phone", "+47 22 84 85 00", "+4722848500")
    assert equal("phone", "0047 (22) 84-85-00", "+47 22848500")
    assert not equal("phone", "+47 22 84 85 00", "22 84 85 00")
    assert not equal("phone", "+47 22 84 85 00", "+47 22 84 85 01")
    assert equal("phone", "(+47) 22 84 85 00", "+47 22848500")


def test_phone_without_digits_compares_as_text():
    assert not equal("phone", "n/a", "unknown")
    assert not equal("phone", "n/a", None)
    assert equal("phone", "N/A", "n/a")


def test_url_trailing_slash_scheme_and_host_case_are_cosmetic():
    assert equal("url", "https://Nordic-Paper.no/", "https://nordic-paper.no")
    assert equal("url", "www.example.com", "http://www.example.com/")
    assert not equal("url", "https://example.com/A", "https://example.com/a")
    assert not equal("url", "https://example.com", "http://example.com")


def test_country_accepts_codes_and_names():
    assert normalize("country", "no") == "NO"
    assert normalize("country", "NOR") == "NO"
    assert normalize("country", "Sweden") == "SE"


def test_dates():
    assert normalize("date", "2020-04-22T15:51:25") == "2020-04-22"
    assert normalize("date", "0001-01-01T00:00:00") is None
    assert normalize("date", datetime.date(2024, 2, 29)) == "2024-02-29"
    assert normalize("date", datetime.datetime(2024, 2, 29, 23, 0)) == "2024-02-29"
    with pytest.raises(ValueError):
        normalize("date", "next week")


def test_list_items_compare_case_insensitively():
    assert equal("list_item", "Vendor", "vendor")
    assert not equal("list_item", "Vendor", "Customer")


def test_members_are_a_sorted_set():
    assert normalize("members", ["p:2", "c:1", "p:2", " p:10 "]) == ["c:1", "p:10", "p:2"]


def test_ref_zero_is_none():
    assert normalize("ref", 0) is None
    assert normalize("ref", "12") == 12


def test_bool_udef_spellings():
    assert normalize("bool", "True") is True
    assert normalize("bool", "[I:0]") is False
    assert normalize("bool", False) is False


def test_normalize_accepts_field_or_mapping_key():
    field = FieldMap("web", "Web", "website", "Urls[0]", transform="url")
    assert equal(field, "https://a.no/", "https://a.no")
    assert equal("website", "https://a.no/", "https://a.no")
    assert normalize("email", "A@B.no") == "a@b.no"


def test_display():
    assert canonical.display("country", "no") == "Norway (NO)"
    assert canonical.display("members", ["p:1", "c:2"]) == "c:2, p:1"
    assert canonical.display("text", None) == ""


def test_displayed_country_reads_back_as_its_code():
    """What the create and compare screens show is accepted again when sent unchanged."""
    shown = canonical.display("country", "NO")
    assert canonical.normalize("country", shown) == "NO"
    assert canonical.normalize("country", "Sweden ( se )") == "SE"
    assert canonical.normalize("country", "Atlantis (XX)") == "ATLANTIS (XX)"


def test_countries_table_has_superoffice_ids():
    expected = {"NO": 578, "SE": 752, "DK": 208, "NL": 528, "GB": 826, "DE": 276, "US": 840,
                "FI": 246}
    assert {code: countries.country_id(code) for code in expected} == expected
    assert len(countries.COUNTRIES) == 249
    assert all(countries.alpha2_from_id(countries.country_id(c)) == c for c in countries.COUNTRIES)
    assert countries.alpha2_from_id(0) is None


_values = st.one_of(st.none(), st.text(max_size=30))
_kinds = st.sampled_from(["text", "multiline", "email", "phone", "url", "list_item", "owner"])


@given(kind=_kinds, value=_values)
def test_normalize_is_idempotent(kind, value):
    once = normalize(kind, value)
    assert normalize(kind, once) == once


@given(kind=_kinds, a=_values, b=_values)
def test_equal_is_symmetric_and_reflexive(kind, a, b):
    assert equal(kind, a, a)
    assert equal(kind, a, b) == equal(kind, b, a)


def test_owner_without_known_email_is_displayed_by_its_superoffice_id():
    from superoffice_connector.sync import canonical

    assert canonical.display("owner", "associate:5") == "SuperOffice #5"
    assert canonical.display("owner", "Ola@Example.com") == "ola@example.com"
