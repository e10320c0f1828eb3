"""Typo tolerance: words of a question that the knowledge base never uses are corrected to the closest
word it does use ("joinn" → "join", "citty counsil" → "city council"), before retrieval.

The vocabulary is every word of the indexed passages and answer-card phrasings, with its frequency;
rapidfuzz finds the candidates within one edit (two for long words), and the most frequent wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from knowledge.crosslingual import fold

TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_LENGTH = 4  # shorter words are too easily "corrected" into another real word
# A word at least this common in the question's language (wordfreq's Zipf scale: 3 = once per
# million words) is a real word the knowledge base happens not to use ("hosts"), not a typo.
REAL_WORD_ZIPF = 2.0


def is_common_word(word: str, language: str, zipf: float = REAL_WORD_ZIPF) -> bool:
    """Whether ``word`` is a word of ``language`` (or English) at least as common as ``zipf``."""
    from wordfreq import zipf_frequency  # its word lists load on first use

    lowered = word.lower()
    return any(zipf_frequency(lowered, code) >= zipf for code in dict.fromkeys((language, "en")))


def load_word_lists(languages: Iterable[str]) -> None:
    """Load wordfreq's word lists of ``languages`` now (they load on first use, about half a second
    each, and stay for the process): run once at start-up, no member's first question in a language
    waits for its list."""
    from wordfreq import get_frequency_dict, zipf_frequency

    for code in languages:
        get_frequency_dict(code, "best")  # positional, as wordfreq asks for it: one cache entry
        zipf_frequency("eser", code)  # and the language's tokenizer


class Vocabulary:
    """The words the knowledge base uses, for correcting misspelt question words.

    Args:
        texts: The texts to learn words from (passages, card phrasings, glossary terms).
    """

    def __init__(self, texts: Iterable[str] = ()) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(TOKEN.findall(fold(text)))
        self.counts = counts
        self._by_length: dict[int, list[str]] = {}
        for word in counts:
            self._by_length.setdefault(len(word), []).append(word)

    def __contains__(self, word: str) -> bool:
        return fold(word) in self.counts

    def correct_word(self, word: str) -> str | None:
        """The known word closest to ``word`` (None when it is known, too short or nothing is close)."""
        folded = fold(word)
        if len(folded) < MIN_LENGTH or folded in self.counts or not self.counts:
            return None
        limit = 1 if len(folded) < 8 else 2
        candidates = [
            w for n in range(len(folded) - limit, len(folded) + limit + 1) for w in self._by_length.get(n, ())
        ]
        matches = process.extract(
            folded, candidates, scorer=Levenshtein.distance, score_cutoff=limit, limit=10
        )
        if not matches:
            return None
        # Fewest edits first, then the most frequent word.
        best = min(matches, key=lambda match: (match[1], -self.counts[match[0]]))
        return best[0]

    def correct(
        self, text: str, *, keep: Iterable[str] = (), language: str = "en"
    ) -> tuple[str, dict[str, str]]:
        """``text`` with its unknown words corrected, and what was changed.

        Args:
            text: The question.
            keep: Words never to touch (the language's function words).
            language: The question's language (its real words are never corrected).
        """
        protected = {fold(word) for word in keep}
        changes: dict[str, str] = {}

        def replace(match: re.Match[str]) -> str:
            word = match.group(0)
            if fold(word) in protected or (word[:1].isupper() and match.start() > 0):
                return word  # a capitalised word inside a sentence is a name: leave it alone
            corrected = self.correct_word(word)
            if corrected is None or is_common_word(word, language):
                return word
            changes[word] = corrected
            return corrected

        return TOKEN.sub(replace, text), changes
