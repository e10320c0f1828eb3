"""Cross-lingual query expansion: a non-English question gains the English terms of its glossary.

The bundled embedding model is English-only while members write in six languages; a translator-
editable glossary per language (``knowledge/glossary/<lang>.yaml``) bridges the gap for both dense and
lexical retrieval, and its hits also help detect the question's language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

SUPPORTED_LANGUAGES = ("en", "fr", "de", "es", "it", "pl")

GLOSSARY_DIR = Path(__file__).parent / "glossary"
# Apostrophes and hyphens separate words ("l'économie", "ESER-Veranstaltung"); "+" stays ("FSE+").
WORD = re.compile(r"[\w+]+", re.UNICODE)

PREFIX_KEY = 3  # prefix entries are indexed by their first three letters ("spoldziel*" under "spo")


@lru_cache(maxsize=4096)  # the same card and passage texts are folded for every question
def fold(text: str) -> str:
    """Lower-case, strip accents and straighten apostrophes (``L’Économie`` -> ``l'economie``).

    Phones type ``’``; glossaries, cards and stop-word lists are written with ``'``.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return folded.replace("ł", "l").replace("’", "'")


def words_of(text: str) -> list[str]:
    """The folded words of ``text``."""
    return WORD.findall(fold(text))


class GlossaryEntry:
    """One glossary key as word patterns: ``spółdziel*`` matches any word starting ``spoldziel``."""

    def __init__(self, key: str, english: str) -> None:
        self.patterns: list[tuple[str, bool]] = []
        for token in key.split():
            parts = words_of(token.rstrip("*"))
            # Only the last word of a token can carry the '*' ("d'intérêt*" -> "d", "interet*").
            self.patterns += [
                (part, token.endswith("*") and n == len(parts) - 1) for n, part in enumerate(parts)
            ]
        self.english = english
        self.english_words = frozenset(words_of(english))

    def matches_at(self, words: list[str], index: int) -> bool:
        """Whether the entry's words match ``words`` starting at ``index``."""
        if index + len(self.patterns) > len(words):
            return False
        for (stem, prefix), word in zip(self.patterns, words[index:], strict=False):
            if not (word.startswith(stem) if prefix else word == stem):
                return False
        return True


class _Glossary:
    """Entries indexed by their first word, so a question's words are checked against a handful of
    candidates instead of the whole glossary (detection runs on every question)."""

    def __init__(self, entries: list[GlossaryEntry]) -> None:
        self._exact: dict[str, list[GlossaryEntry]] = {}
        self._prefix: dict[str, list[GlossaryEntry]] = {}
        # Longest phrases first, so "économie sociale" wins over a single-word entry.
        for entry in sorted(entries, key=lambda entry: len(entry.patterns), reverse=True):
            stem, is_prefix = entry.patterns[0]
            if is_prefix and len(stem) < PREFIX_KEY:
                raise ValueError(
                    f"glossary prefix {stem + '*'!r} is too short: give at least {PREFIX_KEY} letters"
                )
            bucket = (
                self._prefix.setdefault(stem[:PREFIX_KEY], [])
                if is_prefix
                else self._exact.setdefault(stem, [])
            )
            bucket.append(entry)

    def candidates(self, word: str) -> list[GlossaryEntry]:
        """Entries that may start at ``word``, longest phrases first."""
        found = self._exact.get(word, []) + self._prefix.get(word[:PREFIX_KEY], [])
        return sorted(found, key=lambda entry: len(entry.patterns), reverse=True)


class CrossLingual:
    """Language detection and English expansion of questions.

    Args:
        glossary_dir: Folder of the ``<lang>.yaml`` glossaries.
    """

    def __init__(self, glossary_dir: Path = GLOSSARY_DIR) -> None:
        self._glossaries: dict[str, _Glossary] = {}
        self._stopwords: dict[str, frozenset[str]] = {}
        for language in SUPPORTED_LANGUAGES:
            path = glossary_dir / f"{language}.yaml"
            stopwords = glossary_dir / f"{language}-stopwords.txt"
            if stopwords.exists():
                lines = stopwords.read_text(encoding="utf-8").splitlines()
                self._stopwords[language] = frozenset(
                    word for line in lines if not line.startswith("#") for word in words_of(line)
                )
            if language == "en" or not path.exists():
                continue
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            glossary = [GlossaryEntry(str(key), str(value)) for key, value in entries.items()]
            self._glossaries[language] = _Glossary([entry for entry in glossary if entry.patterns])

    def _hits(self, words: list[str], glossary: _Glossary) -> list[str]:
        return self._scan(words, glossary)[0]

    def _scan(self, words: list[str], glossary: _Glossary) -> tuple[list[str], list[str], int]:
        """The English expansions of ``words``, the words no entry covered, and how many matches
        are evidence of the language (a match that is also the English word, like "social",
        "budget" or "Horizon Europe", is not)."""
        expansions: list[str] = []
        uncovered: list[str] = []
        evidence = 0
        index = 0
        while index < len(words):
            for entry in glossary.candidates(words[index]):
                if entry.matches_at(words, index):
                    expansions.append(entry.english)
                    matched = words[index : index + len(entry.patterns)]
                    evidence += not set(matched) <= entry.english_words
                    index += len(entry.patterns)
                    break
            else:
                uncovered.append(words[index])
                index += 1
        return expansions, uncovered, evidence

    def untranslated(self, text: str, language: str) -> list[str]:
        """Content words of a question in ``language`` that its glossary does not translate.

        Function words ("la", "di", "der") are left out, so what remains are names ("ESER"),
        numbers and words the knowledge base may not speak of at all ("temps", "Wetter").
        """
        glossary = self._glossaries.get(language)
        words = words_of(text)
        if glossary is None:
            return words
        stop = self._stopwords.get(language, frozenset())
        return [word for word in self._scan(words, glossary)[1] if word not in stop]

    def function_words(self, language: str) -> frozenset[str]:
        """The function words of ``language`` (folded), from its stop-word list."""
        return self._stopwords.get(language, frozenset())

    def expand(self, text: str, language: str) -> str:
        """English terms for the question's words in ``language`` (empty for English)."""
        glossary = self._glossaries.get(language)
        if not glossary:
            return ""
        words = words_of(text)
        return " ".join(dict.fromkeys(self._hits(words, glossary)))
