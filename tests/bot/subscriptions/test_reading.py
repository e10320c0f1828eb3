"""Reading topics (in six languages) and places out of ``/subscribe`` arguments."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, Catalogue
from bot.places import Places
from bot.subscriptions.reading import EVERYWHERE, PlaceReader, TopicReader, split_place

EU = ("AT", "DE", "ES", "FR", "IT", "PL")


@pytest.fixture(scope="module")
def places() -> Places:
    return Places(LANGUAGES)


@pytest.mark.parametrize(
    ("language", "text", "topics", "rest"),
    [
        ("en", "funding events Bavaria", ("funding", "events"), "Bavaria"),
        ("en", "funding and events in the whole EU", ("funding", "events"), "whole EU"),
        ("en", "Catalonia skills", ("skills",), "Catalonia"),
        ("en", "all", ("all",), ""),
        ("en", "fundng, evnts", ("funding", "events"), ""),
        ("fr", "financements et événements en Bavière", ("funding", "events"), "Bavière"),
        ("fr", "tous les sujets", ("all",), ""),
        ("de", "Förderung, Veranstaltungen Bayern", ("funding", "events"), "Bayern"),
        ("es", "financiación eventos", ("funding", "events"), ""),
        ("it", "finanziamenti per Baviera", ("funding",), "Baviera"),
        ("pl", "finansowanie i wydarzenia w Bawaria", ("funding", "events"), "Bawaria"),
        ("en", "", (), ""),
        ("en", "Poland", (), "Poland"),
    ],
)
def test_topics_and_the_rest(
    catalogue: Catalogue, language: str, text: str, topics: tuple[str, ...], rest: str
) -> None:
    read = TopicReader(catalogue).read(text, language)
    assert (read.topics, read.rest) == (topics, rest)


def test_a_label_word_shared_by_two_topics_names_neither(catalogue: Catalogue) -> None:
    reader = TopicReader(catalogue)
    assert reader.topic("funding", "en") == "funding"
    assert reader.topic("weather", "en") is None
    assert reader.topic("and", "en") is None


@pytest.mark.parametrize(
    ("text", "home", "code"),
    [
        ("Bavaria", None, "DE-BY"),
        ("Bayern", None, "DE-BY"),
        ("Poland", None, "PL"),
        ("Polska", None, "PL"),
        ("es-ct", None, "ES-CT"),
        ("everywhere", None, EVERYWHERE),
        ("whole EU", None, EVERYWHERE),
        ("Mazowieckie", "PL", "PL-14"),
    ],
)
def test_places(catalogue: Catalogue, places: Places, text: str, home: str | None, code: str) -> None:
    assert PlaceReader(places, catalogue, EU).find(text, "en", home).code == code


def test_unknown_places_get_suggestions_or_nothing(catalogue: Catalogue, places: Places) -> None:
    reader = PlaceReader(places, catalogue, EU)
    catalonia = reader.find("Catalonia", "en")
    assert catalonia.code is None and "ES-CT" in catalonia.suggestions
    assert reader.find("Qwertyland", "en").code is None
    assert reader.find("Qwertyland", "en").suggestions == ()


def test_describe_and_split(catalogue: Catalogue, places: Places) -> None:
    reader = PlaceReader(places, catalogue, EU)
    assert reader.describe("DE-BY", "fr") == "Bavière (Allemagne)"
    assert reader.describe("PL", "de") == "Polen"
    assert reader.describe(None, "it") == "ovunque"
    assert split_place("ES-CT") == ("ES", "ES-CT")
    assert split_place("ES") == ("ES", None)
    assert split_place(EVERYWHERE) == (None, None)
