"""Reading ``/subscribe`` arguments: topics (in the member's language or English) and a place.

``funding events Catalonia``, ``financements, événements en Catalogne``, ``all everywhere``: topic
words are taken from both ends of the text, small words (``and``, ``in``) are skipped, and what is
left in the middle is the place — a country or region looked up like onboarding does
(``bot.places``), with "did you mean…?" suggestions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.places import Places, fold
from bot.topics import ALL_TOPICS, TOPICS
from knowledge.text import Texts

# A typed word this similar to a topic name counts as that topic ("event", "fundings").
TOPIC_CUTOFF = 88.0
# Longest topic name, in words, tried as one span ("skills and training").
MAX_SPAN = 4
_SPLIT = re.compile(r"[\s,;/+]+")
# A subdivision code ("es-ct" too); bare country codes count only in capitals (Places.find_country).
_REGION_CODE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
EVERYWHERE = "*"


def topic_label_key(topic: str) -> str:
    """The catalogue key of a topic's name (the onboarding interests' labels; ``all`` too)."""
    return "onboarding.value.all_topics" if topic == ALL_TOPICS else f"onboarding.interest.{topic}"


@dataclass(frozen=True)
class ReadTopics:
    """Topics found in a text and the rest of it.

    Attributes:
        topics: Topic values in the order typed (``all`` included when named).
        rest: The words that were not topics, joined (a place, or something unknown).
    """

    topics: tuple[str, ...]
    rest: str


class TopicReader:
    """Topic names in a language: values, labels, the words of labels, and the words for "all".

    Args:
        texts: The catalogues.
    """

    def __init__(self, texts: Texts) -> None:
        self._texts = texts
        self._names: dict[str, dict[str, str]] = {}

    def names(self, language: str) -> dict[str, str]:
        """Folded name -> topic, for ``language`` and English."""
        if language not in self._names:
            self._names[language] = self._build(language)
        return self._names[language]

    def _build(self, language: str) -> dict[str, str]:
        names: dict[str, str] = {}
        words: dict[str, set[str]] = {}
        for lang in dict.fromkeys((language, "en")):
            for topic in TOPICS:
                label = fold(self._texts.text(topic_label_key(topic), lang))
                names[label] = topic
                for word in label.split():
                    if len(word) >= 4:
                        words.setdefault(word, set()).add(topic)
            for word in self._texts.text("subscribe.words.all", lang).split("|"):
                if fold(word):
                    names[fold(word)] = ALL_TOPICS
        # A word belonging to one topic's name only names that topic ("funding", "formation").
        for word, topics in words.items():
            if len(topics) == 1:
                names.setdefault(word, next(iter(topics)))
        names.update({topic: topic for topic in (*TOPICS, ALL_TOPICS)})
        return names

    def fillers(self, language: str) -> set[str]:
        """Small words skipped between topics and place ("and", "in")."""
        found: set[str] = set()
        for lang in dict.fromkeys((language, "en")):
            for key in ("onboarding.words.and", "subscribe.words.filler"):
                found |= {fold(word) for word in self._texts.text(key, lang).split("|")}
        return found - {""}

    def topic(self, text: str, language: str) -> str | None:
        """The topic ``text`` names as a whole (exactly, or one word with a typo), if any."""
        folded = fold(text)
        names = self.names(language)
        if folded in names:
            return names[folded]
        if " " in folded or len(folded) < 4:
            return None
        scored = [(fuzz.ratio(folded, name), topic) for name, topic in names.items() if len(name) >= 4]
        best = max(scored, default=(0.0, ""))
        return best[1] if best[0] >= TOPIC_CUTOFF else None

    def read(self, text: str, language: str) -> ReadTopics:
        """Split ``text`` into the topics at its start and end and the words between them."""
        words = [word for word in _SPLIT.split(text.strip()) if word]
        fillers = self.fillers(language)
        found: list[str] = []
        start, end = 0, len(words)
        start = self._consume(words, start, end, found, fillers, language, forward=True)
        end = self._consume(words, start, end, found, fillers, language, forward=False)
        topics = tuple(dict.fromkeys(found))
        return ReadTopics(topics=topics, rest=" ".join(words[start:end]))

    def _consume(
        self,
        words: list[str],
        start: int,
        end: int,
        found: list[str],
        fillers: set[str],
        language: str,
        *,
        forward: bool,
    ) -> int:
        """Take topics (and fillers) from one end of ``words[start:end]``; return the new bound."""
        while start < end:
            if fold(words[start if forward else end - 1]) in fillers:
                start, end = (start + 1, end) if forward else (start, end - 1)
                continue
            for size in range(min(MAX_SPAN, end - start), 0, -1):
                span = words[start : start + size] if forward else words[end - size : end]
                topic = self.topic(" ".join(span), language)
                if topic is not None:
                    found.append(topic)
                    start, end = (start + size, end) if forward else (start, end - size)
                    break
            else:
                break
        return start if forward else end


@dataclass(frozen=True)
class FoundPlace:
    """The outcome of looking a typed place up.

    Attributes:
        code: ``ES``, ``ES-CT``, ``EVERYWHERE`` (``*``), or None when not found.
        suggestions: Close places when there is no exact match.
    """

    code: str | None
    suggestions: tuple[str, ...] = ()


class PlaceReader:
    """Countries and regions by name; a region is looked for in the member's country, then in the
    ``countries`` listed (the EU).

    Args:
        places: Names of countries and regions.
        texts: The catalogues (the words for "everywhere").
        countries: Countries whose regions are searched when the member's country has no match.
    """

    def __init__(self, places: Places, texts: Texts, countries: tuple[str, ...]) -> None:
        self.places = places
        self._texts = texts
        self._countries = countries

    def find(self, text: str, language: str, home: str | None = None) -> FoundPlace:
        """Look ``text`` up (a name in any language, an ISO code, or "everywhere")."""
        typed = text.strip()
        everywhere = {
            fold(word)
            for lang in dict.fromkeys((language, "en"))
            for word in self._texts.text("subscribe.words.everywhere", lang).split("|")
        }
        if fold(typed) in everywhere - {""}:
            return FoundPlace(EVERYWHERE)
        if _REGION_CODE.match(typed) and self.valid(typed.upper()):
            return FoundPlace(typed.upper())
        country = self.places.find_country(typed)
        if country.exact:
            return FoundPlace(country.exact)
        suggestions = list(country.suggestions)
        searched = [home] if home else []
        for code in dict.fromkeys([*searched, *self._countries]):
            region = self.places.find_region(code, typed)
            if region.exact:
                return FoundPlace(region.exact)
            suggestions += [found for found in region.suggestions if found not in suggestions]
        return FoundPlace(None, tuple(suggestions[:3]))

    def valid(self, code: str) -> bool:
        """A known ISO 3166-1 country or ISO 3166-2 subdivision code."""
        if "-" in code:
            return self.places.region_name(code, "en") != code
        return self.places.country_name(code, "en") != code

    def describe(self, code: str | None, language: str) -> str:
        """A place's name in ``language``: the region with its country, the country, or everywhere."""
        if not code or code == EVERYWHERE:
            return self._texts.text("subscribe.everywhere", language)
        if "-" in code:
            return self._texts.text(
                "onboarding.value.region_in_country",
                language,
                region=self.places.region_name(code, language),
                country=self.places.country_name(code.split("-", 1)[0], language),
            )
        return self.places.country_name(code, language)


def split_place(code: str | None) -> tuple[str | None, str | None]:
    """``ES-CT`` -> (``ES``, ``ES-CT``); ``ES`` -> (``ES``, None); nothing/everywhere -> (None, None)."""
    if not code or code == EVERYWHERE:
        return None, None
    if "-" in code:
        return code.split("-", 1)[0], code
    return code, None


def join_place(country: str | None, region: str | None) -> str | None:
    """The stored place as one code (the region when there is one)."""
    return region or country
