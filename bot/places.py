"""Countries and regions by name, in the bot's languages, with fuzzy matching.

Names come from pycountry's ISO 3166-1 (countries) and ISO 3166-2 (subdivisions) data and the gettext
translations shipped with it (``pycountry.LOCALES_DIR``), so a member may type "Deutschland",
"Allemagne" or "Germany", "Bayern" or "Bavaria", and a missing accent or a typo still finds a match.
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pycountry
from rapidfuzz import fuzz, process

# Below this similarity a name is not offered even as a "did you mean…?" suggestion.
SUGGESTION_CUTOFF = 78.0
# ...and it must also be close as a whole ("Germny") or contain every typed word ("Bruxelles"):
# WRatio alone rates a short fragment of a long name ("land" in "Qwertyland") too high.
WHOLE_NAME_RATIO = 75.0
ALL_WORDS_RATIO = 95.0
_PUNCTUATION = re.compile(r"[\s\-‐–—_,.;:'’()\[\]/]+")
_QUALIFIER = re.compile(r"\s*[\[(][^\])]*[\])]")
# ISO puts alternative names in square brackets ("Lleida [Lérida]"), qualifiers in parentheses.
_BRACKETED = re.compile(r"\[([^\]]+)\]")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation: ``Île-de-France`` -> ``ile de france``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.replace("ł", "l").replace("ß", "ss").replace("ø", "o").replace("đ", "d")
    return _PUNCTUATION.sub(" ", plain).strip()


@dataclass(frozen=True)
class Match:
    """The outcome of looking a typed name up.

    Attributes:
        exact: The code whose name equals the text (after folding), if any.
        suggestions: Close codes, best first, when there is no exact match.
    """

    exact: str | None
    suggestions: tuple[str, ...] = ()


class _NameIndex:
    """Folded names -> codes, searched exactly first and fuzzily second."""

    def __init__(self) -> None:
        self._codes_by_name: dict[str, set[str]] = {}

    def add(self, code: str, names: Iterable[str]) -> None:
        for name in names:
            for variant in {name, *name_variants(name)}:
                folded = fold(variant)
                if folded:
                    self._codes_by_name.setdefault(folded, set()).add(code)

    def match(self, text: str, limit: int) -> Match:
        folded = fold(text)
        if not folded:
            return Match(exact=None)
        exact = self._codes_by_name.get(folded)
        if exact and len(exact) == 1:
            return Match(exact=next(iter(exact)))
        hits = [
            hit
            for hit in process.extract(
                folded,
                list(self._codes_by_name),
                scorer=fuzz.WRatio,
                score_cutoff=SUGGESTION_CUTOFF,
                limit=None,
            )
            if fuzz.ratio(folded, hit[0]) >= WHOLE_NAME_RATIO
            or (len(folded) >= 4 and fuzz.token_set_ratio(folded, hit[0]) >= ALL_WORDS_RATIO)
        ]
        hits.sort(key=lambda hit: (hit[1] + fuzz.ratio(folded, hit[0])) / 2, reverse=True)
        suggestions: list[str] = []
        for name, _score, _ in hits:
            for code in sorted(self._codes_by_name[name]):
                if code not in suggestions:
                    suggestions.append(code)
        return Match(exact=None, suggestions=tuple(suggestions[:limit]))


class Places:
    """Countries and their regions, named in the given languages.

    Args:
        languages: The languages names are known and shown in.
    """

    def __init__(self, languages: Sequence[str]) -> None:
        self._languages = tuple(languages)
        self._countries = _translations("iso3166-1", self._languages)
        self._subdivisions = _translations("iso3166-2", self._languages)
        self._region_indexes: dict[str, _NameIndex] = {}

    @functools.cached_property
    def _country_index(self) -> _NameIndex:
        # Built at the first country typed, not at start-up: folding every name of every country in
        # six languages takes some 60 ms, and most processes (and tests) never look one up. Lookups
        # run on the event loop, one at a time.
        index = _NameIndex()
        for country in pycountry.countries:
            index.add(country.alpha_2, self._country_names(country))
        return index

    def _country_names(self, country: object) -> list[str]:
        english = [
            str(value)
            for attribute in ("name", "official_name", "common_name")
            if (value := getattr(country, attribute, None))
        ]
        translated = [translation.gettext(name) for name in english for translation in self._countries]
        return [*english, *translated]

    def find_country(self, text: str, limit: int = 3) -> Match:
        """Look a typed country name up (any of the languages, any country of the world).

        An ISO code counts only when typed in capitals ("DE", "POL"), since "no" or "it" are words.
        """
        stripped = text.strip()
        if stripped.isupper() and len(stripped) in (2, 3):
            country = (
                pycountry.countries.get(alpha_2=stripped)
                if len(stripped) == 2
                else pycountry.countries.get(alpha_3=stripped)
            )
            if country is not None:
                return Match(exact=str(country.alpha_2))
        return self._country_index.match(stripped, limit)

    def has_regions(self, country_code: str) -> bool:
        """Whether ISO 3166-2 lists subdivisions for the country."""
        return bool(pycountry.subdivisions.get(country_code=country_code))

    def find_region(self, country_code: str, text: str, limit: int = 3) -> Match:
        """Look a typed region name up among the subdivisions of one country."""
        index = self._region_indexes.get(country_code)
        if index is None:
            index = _NameIndex()
            for subdivision in pycountry.subdivisions.get(country_code=country_code) or ():
                names = [subdivision.name, *(t.gettext(subdivision.name) for t in self._subdivisions)]
                index.add(subdivision.code, names)
            self._region_indexes[country_code] = index
        return index.match(text, limit)

    def country_name(self, code: str, language: str) -> str:
        """The country's name in ``language`` (its code when unknown)."""
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            return code
        name = str(getattr(country, "common_name", None) or country.name)
        return self._translate(self._countries, name, language)

    def region_name(self, code: str, language: str) -> str:
        """The subdivision's name in ``language`` (its code when unknown)."""
        subdivision = pycountry.subdivisions.get(code=code)
        if subdivision is None:
            return code
        return short_name(self._translate(self._subdivisions, str(subdivision.name), language))

    def _translate(self, translations: list[gettext.NullTranslations], name: str, language: str) -> str:
        if language not in self._languages:
            return name
        return translations[self._languages.index(language)].gettext(name)


def short_name(name: str) -> str:
    """The name people use: "Murcia" for ISO's "Murcia, Región de", "Catalunya" for
    "Catalunya [Cataluña]"."""
    return _QUALIFIER.sub("", name.split(",", 1)[0]).strip() or name


def name_variants(name: str) -> list[str]:
    """Forms of an ISO name a member may type: the short name and any alternative name in square
    brackets (not codes such as "[SE-04]")."""
    return [short_name(name), *(inner for inner in _BRACKETED.findall(name) if not inner[:2].isupper())]


def _translations(domain: str, languages: Sequence[str]) -> list[gettext.NullTranslations]:
    return [
        gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in languages
    ]
