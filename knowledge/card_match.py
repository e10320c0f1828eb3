"""Matching a member's question against the answer cards' phrasings, in any language.

Evidence, per card: the embedding similarity of the question to the card's closest phrasing (dense,
from the same query vector as passage retrieval), the fuzzy similarity of the words to the closest
phrasing (typos tolerated), and whether the card covers the question's focus — two questions that
differ only by the programme they name ("ESF+ budget" and "Erasmus+ budget") are close in meaning,
so the distinctive words and the years asked about must be the card's own. Thresholds depend on the
embedding model and were calibrated on the development questions.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.anchors import ProgrammeNames
from knowledge.card_index import CARD_QUESTION, cards_from_chunks
from knowledge.cards import AnswerCard
from knowledge.crosslingual import fold
from knowledge.focus import Focus, stems_of
from knowledge.index import VectorIndex

WORD = re.compile(r"[\w+]+")

# How far below the best card a card written for the member's organisation type or country may score
# and still be preferred ("How can we join?" from a cooperative gets the cooperatives' card).
PREFERENCE_MARGIN = 0.1


@dataclass(frozen=True)
class CardThresholds:
    """When a card answers a question.

    Attributes:
        score: Combined score (similarity plus weighted word match) a card needs.
        coverage: Share of the question's focus the card's own words must cover.
        lexical_weight: Weight of the fuzzy word match (0–1) in the combined score.
    """

    score: float = 0.95
    coverage: float = 0.5
    lexical_weight: float = 0.4


@dataclass(frozen=True)
class CardMatch:
    """A card chosen for a question, with the evidence."""

    card: AnswerCard
    score: float
    similarity: float
    lexical: float
    coverage: float
    phrasing: str


class CardMatcher:
    """Finds the answer card for a question.

    Args:
        index: The index holding the cards (as ``card_question`` and ``card`` chunks).
        thresholds: Calibrated thresholds for the index's embedding model.
        programmes: Programme names a question may be anchored to.
        function_words: Folded function words of the six languages (left out of word matching).
    """

    def __init__(
        self,
        index: VectorIndex,
        thresholds: CardThresholds | None = None,
        programmes: ProgrammeNames | None = None,
        function_words: frozenset[str] = frozenset(),
    ) -> None:
        self.index = index
        self.thresholds = thresholds or CardThresholds()
        self.programmes = programmes or ProgrammeNames()
        self.function_words = function_words
        self._version = -1
        self.cards: dict[str, AnswerCard] = {}
        self._phrasings: list[tuple[str, str]] = []  # (card id, folded phrasing)
        # Each phrasing's words in sorted order: fuzz.ratio on them is fuzz.token_sort_ratio on the
        # phrasings, without sorting 5,000 phrasings again for every question (3.9 -> 0.6 ms).
        self._phrasing_sorted: list[str] = []
        self._card_stems: dict[str, set[str]] = {}
        self._card_text: dict[str, str] = {}
        self._refreshing = threading.Lock()

    def _content(self, text: str) -> str:
        # Words are compared without the function words of any of the six languages: "czym jest ESER"
        # and "czym jest InvestEU" share two words and differ in the only one that matters.
        return " ".join(word for word in WORD.findall(fold(text)) if word not in self.function_words)

    def refresh(self) -> None:
        """Re-read the cards when the index changed since the last look.

        Answers run on several threads: one rebuilds while the others wait, and the new tables
        replace the old ones only once complete, so no answer reads a half-built table.
        """
        if self._version == self.index.version:
            return
        with self._refreshing:
            version = self.index.version
            if self._version == version:
                return
            chunks = self.index.card_chunks
            cards = cards_from_chunks(chunks)
            phrasings = [
                (str(chunk.metadata.get("card_id")), self._content(chunk.text))
                for chunk in chunks
                if chunk.metadata.get("kind") == CARD_QUESTION
            ]
            card_stems: dict[str, set[str]] = {}
            card_text: dict[str, str] = {}
            for card_id, card in cards.items():
                words = " ".join([*(q for qs in card.questions.values() for q in qs), *card.answer.values()])
                card_stems[card_id] = stems_of(words)
                card_text[card_id] = words
            self.cards, self._phrasings = cards, phrasings
            self._phrasing_sorted = [_sorted_words(text) for _, text in phrasings]
            self._card_stems, self._card_text = card_stems, card_text
            self._version = version

    def candidates(
        self, question: str, vector: list[float], focus: Focus, *, today: dt.date, limit: int = 5
    ) -> list[CardMatch]:
        """The best cards for ``question``, best first, with their evidence (thresholds not applied)."""
        self.refresh()
        if not self.cards:
            return []
        similarity: dict[str, tuple[float, str]] = {}
        for chunk, score in self.index.nearest_card_questions(vector, 24):
            card_id = str(chunk.metadata.get("card_id"))
            if score > similarity.get(card_id, (-1.0, ""))[0]:
                similarity[card_id] = (score, chunk.text)
        lexical: dict[str, float] = {}
        for _, score, index in process.extract(
            _sorted_words(self._content(question)), self._phrasing_sorted, scorer=fuzz.ratio, limit=20
        ):
            card_id = self._phrasings[index][0]
            lexical[card_id] = max(lexical.get(card_id, 0.0), score / 100)
        weight = self.thresholds.lexical_weight
        found: list[CardMatch] = []
        for card_id in set(similarity) | set(lexical):
            card = self.cards.get(card_id)
            if card is None or not card.usable(today):
                continue
            dense, phrasing = similarity.get(card_id, (0.0, ""))
            words = self._card_stems[card_id]
            coverage = focus.coverage(words) if focus.terms else 0.0
            years_ok = _covers_years(card, focus.years)
            years_ok = years_ok and self.programmes.all_named(focus.programmes, self._card_text[card_id])
            score = dense + weight * lexical.get(card_id, 0.0)
            found.append(
                CardMatch(
                    card, score if years_ok else 0.0, dense, lexical.get(card_id, 0.0), coverage, phrasing
                )
            )
        found.sort(key=lambda match: match.score, reverse=True)
        return found[:limit]

    def match(
        self,
        question: str,
        vector: list[float],
        focus: Focus,
        *,
        today: dt.date,
        audience: str | None = None,
        country: str | None = None,
    ) -> CardMatch | None:
        """The card that answers ``question``, or None.

        Among cards close to the best, one for the member's organisation type or country wins.
        """
        limits = self.thresholds
        accepted = [
            m
            for m in self.candidates(question, vector, focus, today=today, limit=10)
            if m.score >= limits.score and m.coverage >= limits.coverage
        ]
        if not accepted:
            return None
        best = accepted[0]

        def preference(match: CardMatch) -> tuple[bool, float]:
            card = match.card
            fits = (audience is not None and audience in card.audience) or (
                country is not None and country in card.countries
            )
            return (fits and match.score >= best.score - PREFERENCE_MARGIN, match.score)

        return max(accepted, key=preference)


def _sorted_words(text: str) -> str:
    """``text``'s words in sorted order, as ``fuzz.token_sort_ratio`` compares them."""
    return " ".join(sorted(text.split()))


def _covers_years(card: AnswerCard, years: frozenset[str]) -> bool:
    """Whether the card speaks of every year asked about: it names it, or it says the fact is not
    known for any year after ``gap_after`` ("no European capital is known after 2021")."""
    text = " ".join(card.answer.values())
    after = card.gap_after
    return all(year in text or (card.gap and after is not None and int(year) > after) for year in years)
