"""Cross-lingual query expansion: a non-English question gains the English terms of its glossary.

The bundled embedding model is English-only while members write in six languages; a translator-
editable glossary per language (``knowledge/glossary/<lang>.yaml``) bridges the gap for both dense and
lexical retrieval, and its hits also help detect the question's language.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml
from langdetect import DetectorFactory, LangDetectException, detect_langs

SUPPORTED_LANGUAGES = ("en", "fr", "de", "es", "it", "pl")

GLOSSARY_DIR = Path(__file__).parent / "glossary"
WORD = re.compile(r"[\w+'’-]+", re.UNICODE)
MAX_PHRASE_WORDS = 4

DetectorFactory.seed = 0  # langdetect is random by default; answers must be reproducible


def fold(text: str) -> str:
    """Lower-case and strip accents (``Économie`` -> ``economie``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).replace("ł", "l")


class CrossLingual:
    """Language detection and English expansion of questions."""

    def __init__(self, glossary_dir: Path = GLOSSARY_DIR) -> None:
        self._glossaries: dict[str, dict[str, str]] = {}
        for language in SUPPORTED_LANGUAGES:
            path = glossary_dir / f"{language}.yaml"
            if language == "en" or not path.exists():
                continue
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            folded: dict[str, str] = {}
            for key, value in entries.items():
                folded[fold(str(key))] = str(value)
            self._glossaries[language] = folded

    def _hits(self, words: list[str], glossary: dict[str, str]) -> list[str]:
        expansions: list[str] = []
        index = 0
        while index < len(words):
            for size in range(min(MAX_PHRASE_WORDS, len(words) - index), 0, -1):
                phrase = " ".join(words[index : index + size])
                if phrase in glossary:
                    expansions.append(glossary[phrase])
                    index += size
                    break
            else:
                index += 1
        return expansions

    def detect(self, text: str, default: str = "en") -> str:
        """Best guess of the question's language among the supported ones.

        Args:
            text: The question.
            default: Returned when no language is a confident guess (a two-word question, a name).
        """
        words = [fold(word) for word in WORD.findall(text)]
        scores: dict[str, float] = {}
        for language, glossary in self._glossaries.items():
            scores[language] = float(len(self._hits(words, glossary)))
        try:
            for guess in detect_langs(text):
                if guess.lang in SUPPORTED_LANGUAGES:
                    scores[guess.lang] = scores.get(guess.lang, 0.0) + 2.0 * guess.prob
        except LangDetectException:
            pass
        if not scores:
            return default
        best = max(scores, key=lambda language: scores[language])
        # A confident guess needs langdetect's near-certainty or glossary hits on top of its vote, so
        # glossary words shared with English ("budget", "Interreg") do not flip an English question.
        return best if scores[best] >= 1.5 else default

    def expand(self, text: str, language: str) -> str:
        """English terms for the question's words in ``language`` (empty for English)."""
        glossary = self._glossaries.get(language)
        if not glossary:
            return ""
        words = [fold(word) for word in WORD.findall(text)]
        return " ".join(dict.fromkeys(self._hits(words, glossary)))
