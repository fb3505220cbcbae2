from hypothesis import given
from hypothesis import strategies as st

from superoffice_connector.sync.names import join_name, split_name

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABÆØÅæéü-'", min_size=1, max_size=8)
_part = st.lists(_word, max_size=3).map(" ".join)


def test_join_skips_empty_parts():
    assert join_name("Marie", "", "De Greeve") == "Marie De Greeve"
    assert join_name(" Jan ", "Olav", None) == "Jan Olav"


def test_split_last_word_is_last_name():
    assert split_name("Jan Olav Berg") == ("Jan Olav", "", "Berg")
    assert split_name("  Cher ") == ("", "", "Cher")
    assert split_name("") == ("", "", "")


def test_split_keeps_current_parts_that_still_fit():
    current = ("Marie", "", "De Greeve")
    assert split_name("Marie De Greeve", current) == current
    assert split_name("Maria De Greeve", current) == ("Maria", "", "De Greeve")
    assert split_name("Marie Dupont", current) == ("Marie", "", "Dupont")
    assert split_name("Ann Lee", current) == ("Ann", "", "Lee")
    assert split_name("Anna Maria Berg", ("Anna", "Maria", "Berg")) == ("Anna", "Maria", "Berg")
    assert split_name("Ann Maria Berg", ("Anna", "Maria", "Berg")) == ("Ann", "Maria", "Berg")


def test_split_of_a_case_change_keeps_the_boundaries_and_takes_the_new_case():
    current = ("Marie", "", "De Greeve")
    assert split_name("marie de greeve", current) == ("marie", "", "de greeve")
    assert split_name("Maria DE GREEVE", current) == ("Maria", "", "DE GREEVE")
    assert split_name("ANNA Lee", ("Anna", "", "Berg")) == ("ANNA", "", "Lee")


@given(full=_part, first=_part, middle=_part, last=_part)
def test_split_then_join_gives_the_name_back(full, first, middle, last):
    assert join_name(*split_name(full)) == full
    assert join_name(*split_name(full, (first, middle, last))) == full


@given(first=_part, middle=_part, last=_part)
def test_join_then_split_with_current_is_stable(first, middle, last):
    assert split_name(join_name(first, middle, last), (first, middle, last)) == (first, middle, last)


@given(first=_part, middle=_part, last=_part)
def test_a_change_of_case_survives_the_split(first, middle, last):
    full = join_name(first, middle, last).upper()
    assert join_name(*split_name(full, (first, middle, last))) == full
