"""Country and region names in six languages, from pycountry, with fuzzy matching."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES
from bot.places import Places, fold


@pytest.fixture(scope="module")
def places() -> Places:
    return Places(LANGUAGES)


def test_fold() -> None:
    assert fold("  Île-de-France ") == "ile de france"
    assert fold("Łódzkie") == "lodzkie"
    assert fold("Baden-Württemberg") == "baden wurttemberg"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("Niemcy", "DE"),
        ("Germania", "DE"),
        ("Alemania", "DE"),
        ("pologne", "PL"),
        ("ESPAÑA", "ES"),
        ("Espana", "ES"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("DE", "DE"),
        ("POL", "PL"),
        ("Norway", "NO"),
    ],
)
def test_countries_by_name_in_any_language(places: Places, typed: str, code: str) -> None:
    assert places.find_country(typed).exact == code


def test_lower_case_two_letters_are_words_not_codes(places: Places) -> None:
    assert places.find_country("no").exact is None  # "no" is not Norway
    assert places.find_country("it").exact is None


@pytest.mark.parametrize(
    ("typed", "code"), [("Germny", "DE"), ("Polnd", "PL"), ("Belgie", "BE"), ("Turkey", "TR")]
)
def test_typos_give_suggestions(places: Places, typed: str, code: str) -> None:
    match = places.find_country(typed)
    assert match.exact is None and code in match.suggestions and len(match.suggestions) <= 3


def test_nonsense_finds_nothing(places: Places) -> None:
    assert places.find_country("Qwertyland").suggestions == ()
    assert places.find_region("PL", "xyzzy").suggestions == ()


@pytest.mark.parametrize(
    ("country", "typed", "code"),
    [
        ("DE", "Bayern", "DE-BY"),
        ("DE", "Bavaria", "DE-BY"),
        ("DE", "Bavière", "DE-BY"),
        ("FR", "Île de France", "FR-IDF"),
        ("FR", "ile-de-france", "FR-IDF"),
        ("PL", "Mazowieckie", "PL-14"),
        ("PL", "Masowien", "PL-14"),
        ("BE", "Liège", "BE-WLG"),
        ("ES", "Pais Vasco", "ES-PV"),
        ("ES", "Cataluña", "ES-CT"),  # ISO: "Catalunya [Cataluña]"
        ("ES", "Lerida", "ES-L"),
    ],
)
def test_regions_by_name_in_any_language(places: Places, country: str, typed: str, code: str) -> None:
    assert places.find_region(country, typed).exact == code


def test_region_typo_and_region_of_another_country(places: Places) -> None:
    assert places.find_region("PL", "Mazowiekie").suggestions[0] == "PL-14"
    assert places.find_region("FR", "Bayern").exact is None  # Bavaria is not in France


def test_names_in_the_member_language(places: Places) -> None:
    assert places.country_name("DE", "pl") == "Niemcy"
    assert places.country_name("BE", "fr") == "Belgique"
    assert places.region_name("DE-BY", "en") == "Bavaria"
    assert places.region_name("DE-BY", "it") == "Baviera"
    assert places.region_name("ES-MC", "es") == "Murcia"  # not ISO's inverted "Murcia, Región de"
    assert places.region_name("ES-CT", "en") == "Catalunya"  # not "Catalunya [Cataluña]"
    assert places.country_name("XX", "en") == "XX"
    assert places.has_regions("PL") and not places.has_regions("XX")
