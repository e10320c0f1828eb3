"""The focus of a question: the words that carry it, weighted by how much they say, the years an
answer must mention, and the kind of answer wanted.

Both the relevance gate and the composer judge passages and sentences against the focus, the same way
for every language: a translated question is represented by its English glossary terms and the words
its glossary left untranslated (names, numbers, words the knowledge base may not speak of at all).

Weights: a word the knowledge base uses weighs its inverse document frequency; a word it never uses
("weather", "Bavaria") weighs like a rare word — the question is about something the passages do not
cover — but less when it is a name (often where the member is: a country is left out altogether, most
answers hold for every country) or a foreign word the glossary could not translate (more likely a gap
of the glossary than of the knowledge base).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from knowledge.anchors import ProgrammeNames
from knowledge.crosslingual import fold
from knowledge.intent import country_names
from knowledge.question import PreparedQuestion, QuestionKind
from knowledge.spelling import is_common_word

WORD = re.compile(r"[a-z0-9][a-z0-9+€]*")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Words of questions that carry no topic: asked in every question, or about asking itself.
GENERIC = frozenset(
    """a an the and or of to in on for with by at from as is are was were be been it its this that these
    those what which who whom how when where why can could do does did i you we they he she my our your
    their there here about into than then so not no yes any all some more most such also may might will
    would should shall has have had just only over under up down out if but us me one get give tell
    know explain please want need information info exactly actually really thing things like much many
    way ways someone anyone something anything lot still right now today current currently new hi
    hello thanks thank whats whos hows wheres whose kind sort mean means meant ourselves myself yourself
    there's it's im we're were weve ive youre let lets okay ok say says said see go goes going""".split()
)
UNKNOWN_WEIGHT = 0.8  # share of the rarest known word's weight given to a word the passages never use
PLACE_FACTOR = 0.4
UNTRANSLATED_FACTOR = 0.4
# An everyday word the passages never use ("trying", "hosts") says little about the topic.
COMMON_FACTOR = 0.15
COMMON_ZIPF = 3.5


def content_words(text: str) -> list[str]:
    """Folded words of ``text`` that can carry a topic."""
    return [w for w in WORD.findall(fold(text)) if w not in GENERIC and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The English Snowball stem ("joining", "joins" → "join"): the passages are English, and a
    translated question is judged by its English terms. Cached: the stemmer is pure Python."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


# One stemmer per thread: a Snowball stemmer keeps the word it works on in itself, so two answers
# stemming at once on the engine's pool would corrupt each other's (an IndexError, seen under load).
_STEMMERS = threading.local()


def stems_of(text: str) -> set[str]:
    """The stems of ``text``'s content words (for coverage checks)."""
    return {stem(word) for word in content_words(text)}


@dataclass(frozen=True)
class Focus:
    """What a passage or sentence must cover to answer the question.

    Attributes:
        terms: Stems of the topic words with their weights.
        years: Years the question names; an answer that names none of them does not answer it.
        kind: The kind of answer wanted.
        programmes: Programmes the question names (``knowledge.anchors``); an answer must name them.
    """

    terms: dict[str, float]
    years: frozenset[str]
    kind: QuestionKind
    programmes: frozenset[str] = frozenset()

    def coverage(self, words: set[str]) -> float:
        """Share of the focus's weight found among ``words`` (stems)."""
        total = sum(self.terms.values())
        return sum(w for term, w in self.terms.items() if term in words) / total if total else 0.0

    def years_covered(self, text: str) -> bool:
        """Whether ``text`` names every year of the question."""
        return all(year in text for year in self.years)


class TermWeights:
    """Inverse document frequencies of stems over the indexed passages.

    Args:
        texts: One text per passage.
    """

    def __init__(self, texts: Iterable[str] = ()) -> None:
        frequency: Counter[str] = Counter()
        count = 0
        for text in texts:
            count += 1
            frequency.update(stems_of(text))
        self._frequency = frequency
        self._count = max(1, count)
        self.unknown = UNKNOWN_WEIGHT * math.log(1 + self._count)

    def known(self, term: str) -> bool:
        """Whether any passage uses ``term``."""
        return term in self._frequency

    def weight(self, term: str) -> float:
        """IDF of ``term``; a word no passage uses weighs ``unknown``."""
        frequency = self._frequency.get(term, 0)
        return math.log(1 + self._count / (1 + frequency)) if frequency else self.unknown


def question_focus(
    question: PreparedQuestion, weights: TermWeights, programmes: ProgrammeNames | None = None
) -> Focus:
    """The focus of a prepared question (``programmes`` finds the programme names it is anchored to)."""
    query = question.query
    places = set(country_names())
    terms: dict[str, float] = {}

    def add(words: Iterable[str], factor: float) -> None:
        for word in words:
            term = stem(word)
            weight = weights.weight(term)
            if not weights.known(term):
                common = is_common_word(word, question.detected.code, COMMON_ZIPF)
                weight *= COMMON_FACTOR if common else factor
            if word in places:
                continue  # a country is the member's context: most answers hold for every country
            terms[term] = max(terms.get(term, 0.0), weight)

    capitalised = {fold(word) for n, word in enumerate(query.text.split()) if n and word[:1].isupper()}
    if query.expansion:
        add(content_words(query.expansion), 1.0)
        add(content_words(query.untranslated), UNTRANSLATED_FACTOR)
    else:
        words = content_words(query.text)
        add([w for w in words if w not in capitalised], 1.0)
        add([w for w in words if w in capitalised], PLACE_FACTOR)  # names: often where the member is
    years = frozenset(match.group(0) for match in YEAR.finditer(query.text))
    named = programmes.named_in(f"{query.text} {query.expansion}") if programmes else frozenset()
    return Focus(terms=terms, years=years, kind=question.kind, programmes=named)
