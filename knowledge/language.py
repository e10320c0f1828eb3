"""Which language a member writes in, reliably on short questions ("¿Qué es ESER?", "Co to jest ESER?").

Three kinds of evidence are added up per language:

- lingua's confidence (a detector built for short text, its models inside the wheel), computed on the
  question *without* its names and acronyms — "InvestEU", "ESF+", "Gateway" say nothing about the
  language and made langdetect call "What is InvestEU?" German;
- function words found in only one of the six languages' stop-word lists ("der", "czy", "qué");
- letters only some languages use (¿ ñ, ą ł ż, ß, ç œ, ã õ).

When no language stands out (a name alone, "ESER?"), the member's profile language or the
platform's language hint decides; when two are close, the hint breaks the tie. Languages the bot does
not speak (Portuguese, Dutch, Romanian, Czech, Greek...) are recognised as such, so that the caller
answers in English with a note instead of replying in a third language.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.crosslingual import GLOSSARY_DIR, SUPPORTED_LANGUAGES, fold

# Official EU languages the bot recognises without speaking them (others fall to the closest).
OTHER_LANGUAGES = ("pt", "nl", "ro", "cs", "el")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Names of programmes and bodies, written the same in every language.
NAMES = frozenset(
    "eser esf fse efs easi erdf feder efre fesr efrr investeu erasmus horizon interreg cosme smp gateway "
    "dg grow eismea eif eib ceb ngo ngos ong".split()
)
LETTER_CUES: dict[str, tuple[str, float]] = {
    "¿": ("es", 0.6),
    "¡": ("es", 0.6),
    "ñ": ("es", 0.5),
    "ą": ("pl", 0.8),
    "ę": ("pl", 0.8),
    "ł": ("pl", 0.8),
    "ń": ("pl", 0.6),
    "ś": ("pl", 0.8),
    "ź": ("pl", 0.8),
    "ż": ("pl", 0.8),
    "ć": ("pl", 0.5),
    "ß": ("de", 0.8),
    "ä": ("de", 0.3),
    "ö": ("de", 0.3),
    "ü": ("de", 0.3),
    "ç": ("fr", 0.3),
    "œ": ("fr", 0.6),
    "ê": ("fr", 0.4),
    "î": ("fr", 0.4),
    "ô": ("fr", 0.3),
    "û": ("fr", 0.4),
    "è": ("it", 0.15),
    "ò": ("it", 0.4),
    "ì": ("it", 0.4),
    "ù": ("it", 0.2),
    "ã": ("pt", 0.8),
    "õ": ("pt", 0.8),
}
# Programme acronyms spelt differently per language ("FSE+" is French, Spanish or Italian).
NAME_CUES: dict[str, tuple[str, ...]] = {
    "fse": ("fr", "es", "it"),
    "esf": ("en", "de"),
    "efs": ("pl",),
    "feder": ("fr", "es"),
    "efre": ("de",),
    "fesr": ("it",),
    "efrr": ("pl",),
    "ong": ("fr", "es", "it"),
}
NAME_CUE_WEIGHT = 0.15
FUNCTION_WORD_WEIGHT = 0.35
CONFIDENT = 0.25  # a best score under this is no evidence: the hint (or English) decides
TIE = 0.15  # the hint wins when its language scores within this of the best


@dataclass(frozen=True)
class DetectedLanguage:
    """The result of detection.

    Attributes:
        code: ISO 639-1 code of the detected language.
        supported: Whether the bot speaks it (else answer in English with a note).
        confident: Whether the text itself decided (False when the hint or default did).
    """

    code: str
    supported: bool
    confident: bool


def _stopwords(language: str, folder: Path) -> frozenset[str]:
    path = folder / f"{language}-stopwords.txt"
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


class LanguageDetector:
    """Detects a question's language among the six the bot speaks and a few it only recognises.

    Args:
        supported: Languages the bot answers in.
        others: Languages recognised but not spoken.
        stopword_dir: Folder of ``<lang>-stopwords.txt`` lists.
    """

    def __init__(
        self,
        supported: Iterable[str] = SUPPORTED_LANGUAGES,
        others: Iterable[str] = OTHER_LANGUAGES,
        stopword_dir: Path = GLOSSARY_DIR,
    ) -> None:
        self.supported = tuple(supported)
        self.others = tuple(others)
        lists = {language: _stopwords(language, stopword_dir) for language in (*self.supported, *self.others)}
        # A function word is evidence for the languages that use it, shared between them: "der" is
        # German alone, "del" half Spanish and half Italian; one used by three or more says nothing.
        self._function_words: dict[str, list[tuple[str, float]]] = {}
        for word in set().union(*lists.values()):
            users = [language for language, words in lists.items() if word in words]
            if len(word) > 1 and len(users) <= 2:
                self._function_words[word] = [(language, 1.0 / len(users)) for language in users]
        self._detector: Any = None
        self._lock = threading.Lock()

    def _lingua(self) -> Any:
        # Built on first use (and at warm-up) with every model loaded: lingua otherwise loads its
        # n-gram models as texts first need them, and the first long question loaded them all in
        # 1.3 s while holding the GIL, stalling every other answer and message in the process.
        with self._lock:
            if self._detector is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder

                codes = [getattr(IsoCode639_1, code.upper()) for code in (*self.supported, *self.others)]
                builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                self._detector = builder.with_preloaded_language_models().build()
            return self._detector

    def warm_up(self) -> None:
        """Load the language models now rather than on the first question."""
        for sample in ("What is ESER?", "Qu'est-ce que ESER ?", "Was ist ESER?", "¿Qué es ESER?"):
            self.detect(sample)
        self._lingua().compute_language_confidence_values("Che cos'è ESER? Co to jest ESER?")

    def scores(self, text: str) -> dict[str, float]:
        """Evidence per language (higher is likelier)."""
        words = [word for word in WORD.findall(text) if not _is_name(word)]
        # Proper nouns ("Mannheim", "Strasbourg") say little about the language of the sentence
        # around them; without them lingua weighs the words of the sentence itself. Only when enough
        # words remain: in German every noun is capitalised.
        lowered = [word for n, word in enumerate(words) if n == 0 or not word[:1].isupper()]
        if len(lowered) >= 3:
            words = lowered
        scores: dict[str, float] = dict.fromkeys((*self.supported, *self.others), 0.0)
        if not words:
            return scores
        for value in self._lingua().compute_language_confidence_values(" ".join(words)):
            code = value.language.iso_code_639_1.name.lower()
            scores[code] = scores.get(code, 0.0) + value.value
        for word in words:
            for language, share in self._function_words.get(fold(word), ()):
                scores[language] += FUNCTION_WORD_WEIGHT * share
        for word in WORD.findall(text):
            for language in NAME_CUES.get(fold(word), ()):
                scores[language] += NAME_CUE_WEIGHT
        lower = text.lower()
        for letter, (language, weight) in LETTER_CUES.items():
            if letter in lower:
                scores[language] = scores.get(language, 0.0) + weight
        return scores

    def detect(self, text: str, *, hint: str | None = None, default: str = "en") -> DetectedLanguage:
        """The language of ``text``.

        Args:
            text: The member's message.
            hint: The member's profile language or the platform's language hint, if any.
            default: Used when neither the text nor a hint decides.
        """
        fallback = hint if hint in self.supported else default
        scores = self.scores(text)
        best = max(scores, key=lambda code: scores[code])
        if scores[best] < CONFIDENT:
            return DetectedLanguage(fallback, fallback in self.supported, confident=False)
        if hint in self.supported and scores.get(hint, 0.0) >= scores[best] - TIE:
            return DetectedLanguage(hint, True, confident=True)
        if best not in self.supported:
            # A close call between a language we speak and one we don't goes to the one we speak.
            spoken = max(self.supported, key=lambda code: scores[code])
            if scores[spoken] >= scores[best] - TIE:
                best = spoken
        return DetectedLanguage(best, best in self.supported, confident=True)


def _is_name(word: str) -> bool:
    # Acronyms (ESER, EaSI), inner capitals (InvestEU) and programme names carry no language.
    if sum(char.isupper() for char in word) >= 2:
        return True
    return fold(word) in NAMES
