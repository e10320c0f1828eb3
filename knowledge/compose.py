"""The offline answerer: an extractive composer of cited sentences.

It scores every sentence of the retrieved passages by the rare words it shares with the question (and
its English expansion), keeps the best ones that say something new — at most two per passage and
three in all, none much weaker than the best — in passage order, and marks each with its passage's
``[n]``. A passage that gives no sentence is not cited. Funding passages gain their deadline status
relative to today when the question is about applying or money; event passages bring their sign-up
link as an action.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date

from knowledge.crosslingual import fold
from knowledge.funding import DeadlineStatus, deadline_status
from knowledge.models import Action, Answer, Citation, Passage
from knowledge.text import Texts

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(€])")
WORD = re.compile(r"[a-z0-9+€]+")
STOPWORDS = frozenset(
    """a an the and or of to in on for with by at from as is are was were be been it its this that these
    those what which who whom how when where why can could do does did i you we they he she my our your
    their there here about into than then so not no yes any all some more most such also may might will
    would should shall has have had just only over under up down out if but us me one get give tell""".split()
)
# Words that say the member cares about applying or money: then a funding entry's status is shown.
FUNDING_CUES = frozenset(
    """deadline deadlines apply application applications open closed close closes call calls funding fund
    funds grant grants budget money still rolling until submit eligible""".split()
)
# Sentences about the knowledge base itself, not about the topic.
META_SENTENCE = re.compile(r"\b(last checked|this page)\b", re.IGNORECASE)
MAX_SENTENCES = 3
MAX_PER_PASSAGE = 2
RELATIVE_FLOOR = 0.35  # a sentence scoring under 35% of the best one is padding, not an answer
REDUNDANCY = 0.6  # share of content words two sentences may have in common before one is redundant
SNIPPET_CHARS = 240


def words(text: str) -> list[str]:
    """Content words of ``text``, folded (lower-case, no accents, no stop words)."""
    return [word for word in WORD.findall(fold(text)) if word not in STOPWORDS and len(word) > 1]


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; list items and lines count as sentences of their own."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )|\n(?=\s*\d+\. )|\n(?=#)", text):
        block = re.sub(r"^\s*([-*]|\d+\.)\s+", "", block.strip())
        block = " ".join(block.split())
        if not block or block.startswith("#"):
            continue
        sentences.extend(part.strip() for part in SENTENCE_END.split(block) if part.strip())
    return sentences


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The passage shortened at a word boundary."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def cite(n: int, passage: Passage) -> Citation:
    """The citation numbered ``n`` for ``passage``: its source page's title and link, and a snippet."""
    chunk = passage.chunk
    return Citation(
        n=n,
        title=str(chunk.metadata.get("source_title") or chunk.metadata.get("doc_title") or chunk.title),
        url=chunk.url,
        snippet=snippet(chunk.text),
        doc_id=chunk.doc_id,
    )


def format_iso_date(value: str, language: str) -> str:
    """An ISO date as a long date in ``language`` (the raw text when it is not a date)."""
    try:
        return format_date(dt.date.fromisoformat(value[:10]), format="long", locale=language)
    except ValueError:
        return value or "?"


def deadline_sentence(
    texts: Texts, metadata: dict[str, str | int | float | bool], language: str, today: dt.date
) -> tuple[DeadlineStatus, str]:
    """A funding entry's status on ``today`` and the sentence saying so, with its last-checked date."""
    deadline = str(metadata.get("deadline") or "unknown")
    status = deadline_status(deadline, str(metadata.get("opens") or ""), today)
    key = (
        "answer.deadline_closed_undated"
        if status == "closed" and deadline == "closed"
        else f"answer.deadline_{status}"
    )
    values = {
        "deadline": format_iso_date(deadline, language),
        "checked": format_iso_date(str(metadata.get("last_checked") or ""), language),
        "today": format_date(today, format="long", locale=language),
    }
    return status, texts.text(key, language, **values)


def question_overlap(question_words: set[str], passage: Passage) -> float:
    """Share of the question's content words found in the passage (text and title)."""
    if not question_words:
        return 0.0
    found = set(words(passage.chunk.text)) | set(words(passage.chunk.title))
    return len(question_words & found) / len(question_words)


@dataclass(frozen=True)
class _Candidate:
    score: float
    passage: int
    position: int
    text: str
    words: frozenset[str]


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= REDUNDANCY


class ExtractiveComposer:
    """Builds cited answers from passages without any language model.

    Args:
        texts: Fixed phrases in every language (deadline status, sign-up labels).
    """

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def compose(
        self,
        question: str,
        expansion: str,
        passages: Sequence[Passage],
        *,
        language: str,
        today: dt.date,
    ) -> Answer:
        """Compose a cited answer from ``passages`` (already judged relevant).

        Args:
            question: The member's question.
            expansion: English terms of a non-English question.
            passages: Retrieved passages, best first, one per document.
            language: Language of the fixed phrases.
            today: The date deadlines are judged against.

        Returns:
            A grounded answer whose every sentence carries a ``[n]`` of a passage in ``citations``.
        """
        query_words = set(words(question)) | set(words(expansion))
        chosen = self._choose(query_words, passages)
        cited = sorted({candidate.passage for candidate in chosen})
        # Two sections of one page share the page's link: they share its number too.
        number: dict[int, int] = {}
        citations: list[Citation] = []
        by_url: dict[str, int] = {}
        for p_index in cited:
            url = passages[p_index].chunk.url
            if url not in by_url:
                by_url[url] = len(by_url) + 1
                citations.append(cite(by_url[url], passages[p_index]))
            number[p_index] = by_url[url]
        wants_status = bool(query_words & FUNDING_CUES)
        lines: list[str] = []
        for p_index in cited:
            for candidate in sorted((c for c in chosen if c.passage == p_index), key=lambda c: c.position):
                lines.append(f"{candidate.text} [{number[p_index]}]")
            status = self._deadline_line(passages[p_index], language, today) if wants_status else None
            if status:
                lines.append(f"{status} [{number[p_index]}]")
        return Answer(
            question=question,
            text="\n".join(lines),
            citations=citations,
            grounded=True,
            actions=self.actions([passages[p_index] for p_index in cited], language=language),
            language=language,
        )

    def _choose(self, query_words: set[str], passages: Sequence[Passage]) -> list[_Candidate]:
        table = [split_sentences(passage.chunk.text) for passage in passages]
        doc_freq: Counter[str] = Counter()
        for sentences in table:
            doc_freq.update({word for sentence in sentences for word in set(words(sentence))})
        total = max(1, sum(len(sentences) for sentences in table))

        candidates: list[_Candidate] = []
        for p_index, sentences in enumerate(table):
            rank_prior = 1.0 / (1 + p_index)
            title_words = set(words(passages[p_index].chunk.title))
            for s_index, sentence in enumerate(sentences):
                sentence_words = frozenset(words(sentence))
                shared = query_words & sentence_words
                if not shared and not (p_index == 0 and s_index == 0):
                    continue
                weight = sum(math.log(1 + total / (1 + doc_freq[word])) for word in shared)
                weight += 0.5 * len((query_words & title_words) - sentence_words) if shared else 0.0
                score = weight + 2.0 * rank_prior - 0.05 * s_index
                if len(sentence) < 25 or META_SENTENCE.search(sentence):
                    score -= 3.0
                candidates.append(_Candidate(score, p_index, s_index, sentence, sentence_words))
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.score, reverse=True)
        best = candidates[0].score
        chosen: list[_Candidate] = []
        per_passage: Counter[int] = Counter()
        for candidate in candidates:
            if len(chosen) >= MAX_SENTENCES:
                break
            if candidate.score <= 0 or candidate.score < RELATIVE_FLOOR * best:
                break
            if per_passage[candidate.passage] >= MAX_PER_PASSAGE:
                continue
            if any(_similar(candidate.words, other.words) for other in chosen):
                continue
            chosen.append(candidate)
            per_passage[candidate.passage] += 1
        return chosen or [candidates[0]]

    def _deadline_line(self, passage: Passage, language: str, today: dt.date) -> str | None:
        if passage.chunk.metadata.get("kind") != "funding":
            return None
        return deadline_sentence(self.texts, passage.chunk.metadata, language, today)[1]

    def actions(self, passages: Sequence[Passage], *, language: str) -> list[Action]:
        """Sign-up buttons for the events among ``passages`` (each link once)."""
        actions: list[Action] = []
        seen: set[str] = set()
        for passage in passages:
            url = str(passage.chunk.metadata.get("signup_url") or "")
            if passage.chunk.metadata.get("kind") == "event" and url and url not in seen:
                seen.add(url)
                title = str(passage.chunk.metadata.get("doc_title") or passage.chunk.title)
                label = self.texts.text("answer.signup", language, title=title)
                actions.append(Action(label=label, url=url, kind="signup"))
        return actions
