"""The offline answerer: an extractive composer of cited sentences.

It picks the sentences of the retrieved passages that share the most (rare) words with the question
and its English expansion, at most two per passage and four in all, keeps them in passage order,
and marks each with its passage's ``[n]``. Funding passages gain a sentence about the deadline status
relative to today; event passages bring their sign-up link as an action.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence

from babel.dates import format_date

from knowledge.crosslingual import fold
from knowledge.funding import deadline_status
from knowledge.models import Action, Answer, Citation, Passage
from knowledge.text import Texts

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(€])")
WORD = re.compile(r"[a-z0-9+€]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "at",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "why",
        "can",
        "could",
        "do",
        "does",
        "did",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "my",
        "our",
        "your",
        "their",
        "there",
        "here",
        "about",
        "into",
        "than",
        "then",
        "so",
        "not",
        "no",
        "yes",
        "any",
        "all",
        "some",
        "more",
        "most",
        "such",
        "also",
        "may",
        "might",
        "will",
        "would",
        "should",
        "shall",
        "has",
        "have",
        "had",
        "just",
        "only",
        "over",
        "under",
        "up",
        "down",
        "out",
        "if",
        "but",
    ]
)
MAX_SENTENCES = 4
MAX_PER_PASSAGE = 2
SNIPPET_CHARS = 240


def words(text: str) -> list[str]:
    """Content words of ``text``, folded (lower-case, no accents, no stop words)."""
    return [word for word in WORD.findall(fold(text)) if word not in STOPWORDS and len(word) > 1]


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; list items and lines count as sentences of their own."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )|\n(?=\s*\d+\. )", text):
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


class ExtractiveComposer:
    """Builds cited answers from passages without any language model.

    Args:
        texts: Fixed phrases in every language (deadline status, "I don't know"...).
        document_frequency: Returns how many chunks contain a word (for rarity weights).
        total_chunks: Returns the number of chunks indexed.
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
        doc_freq: Counter[str] = Counter()
        sentence_table: list[list[str]] = [split_sentences(passage.chunk.text) for passage in passages]
        for sentences in sentence_table:
            doc_freq.update({word for sentence in sentences for word in set(words(sentence))})
        total = max(1, sum(len(sentences) for sentences in sentence_table))

        scored: list[tuple[float, int, int, str]] = []
        for p_index, sentences in enumerate(sentence_table):
            rank_prior = 1.0 / (1 + p_index)
            title_words = set(words(passages[p_index].chunk.title))
            for s_index, sentence in enumerate(sentences):
                sentence_words = set(words(sentence))
                overlap = query_words & (sentence_words | title_words)
                weight = sum(math.log(1 + total / (1 + doc_freq[word])) for word in overlap & sentence_words)
                weight += 0.5 * len(overlap - sentence_words)
                score = weight + 2.0 * rank_prior - 0.05 * s_index
                if len(sentence) < 25:  # headings, fragments
                    score -= 2.0
                scored.append((score, p_index, s_index, sentence))

        chosen: list[tuple[int, int, str]] = []
        per_passage: Counter[int] = Counter()
        for score, p_index, s_index, sentence in sorted(scored, key=lambda row: row[0], reverse=True):
            if len(chosen) >= MAX_SENTENCES:
                break
            if per_passage[p_index] >= MAX_PER_PASSAGE or score <= 0:
                continue
            chosen.append((p_index, s_index, sentence))
            per_passage[p_index] += 1
        if not chosen and sentence_table and sentence_table[0]:
            chosen.append((0, 0, sentence_table[0][0]))

        cited = sorted({p_index for p_index, _, _ in chosen})
        number = {p_index: n for n, p_index in enumerate(cited, start=1)}
        lines: list[str] = []
        for p_index in cited:
            for _, _, sentence in sorted(row for row in chosen if row[0] == p_index):
                lines.append(f"{sentence} [{number[p_index]}]")
            status = self._deadline_line(passages[p_index], language, today)
            if status:
                lines.append(f"{status} [{number[p_index]}]")

        citations = [
            Citation(
                n=number[p_index],
                title=str(
                    passages[p_index].chunk.metadata.get("source_title") or passages[p_index].chunk.title
                ),
                url=passages[p_index].chunk.url,
                snippet=snippet(passages[p_index].chunk.text),
            )
            for p_index in cited
        ]
        return Answer(
            question=question,
            text="\n".join(lines),
            citations=citations,
            grounded=True,
            actions=self.actions([passages[p_index] for p_index in cited], language=language),
            language=language,
        )

    def _deadline_line(self, passage: Passage, language: str, today: dt.date) -> str | None:
        meta = passage.chunk.metadata
        if meta.get("kind") != "funding":
            return None
        deadline = str(meta.get("deadline") or "unknown")
        status = deadline_status(deadline, str(meta.get("opens") or ""), today)
        values = {
            "deadline": format_iso_date(deadline, language),
            "checked": format_iso_date(str(meta.get("last_checked") or ""), language),
            "today": format_date(today, format="long", locale=language),
        }
        return self.texts.text(f"answer.deadline_{status}", language, **values)

    def actions(self, passages: Sequence[Passage], *, language: str) -> list[Action]:
        """Sign-up buttons for the events among ``passages`` (each link once)."""
        actions: list[Action] = []
        seen: set[str] = set()
        for passage in passages:
            url = str(passage.chunk.metadata.get("signup_url") or "")
            if passage.chunk.metadata.get("kind") == "event" and url and url not in seen:
                seen.add(url)
                title = str(passage.chunk.metadata.get("doc_title") or passage.chunk.title)
                actions.append(
                    Action(
                        label=self.texts.text("answer.signup", language, title=title), url=url, kind="signup"
                    )
                )
        return actions


def format_iso_date(value: str, language: str) -> str:
    """An ISO date as a long date in ``language`` (the raw text when it is not a date)."""
    try:
        return format_date(dt.date.fromisoformat(value[:10]), format="long", locale=language)
    except ValueError:
        return value or "?"
