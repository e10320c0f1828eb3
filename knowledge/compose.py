"""The offline answerer: answer-first extractive composition of cited sentences.

The first sentence answers the question's kind (a date for "when", an amount for "how much", an
address for "whom to contact") from the sections the gate accepted: sentences are scored by the
weight of the question's focus they cover, whether they hold the kind of fact asked for, the rank of
their section and whether they open it (the knowledge base puts each section's answer first). Up to
two sentences follow when they add to it. A sentence leaning on the one before ("It…", "This…") is
used only with its predecessor. Every sentence carries the ``[n]`` of its source; funding entries
add their status relative to today, and time-sensitive answers the date their facts were checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date

from knowledge.focus import Focus, stems_of
from knowledge.funding import DeadlineStatus, deadline_status
from knowledge.models import Action, Answer, Citation, Passage
from knowledge.sentences import META_SENTENCE, holds_kind, leans_on_previous, split_sentences
from knowledge.text import Texts

__all__ = ["ExtractiveComposer", "cite", "deadline_sentence", "format_iso_date", "snippet", "split_sentences"]

MAX_SENTENCES = 3
PASSAGES_READ = 4
SUPPORT_FLOOR = 0.45  # a supporting sentence scores at least this share of the lead's score
REDUNDANCY = 0.6  # share of stems two sentences may share before the second says nothing new
SNIPPET_CHARS = 240
KIND_BONUS = 0.35
LEAD_BONUS = 0.15
RANK_WEIGHT = 0.25
# Kinds of question for which the date the facts were checked is shown.
TIME_SENSITIVE = ("when", "how_many", "how_much", "contact")


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


@dataclass(frozen=True)
class _Sentence:
    passage: int
    position: int
    text: str
    stems: frozenset[str]
    score: float


def _redundant(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= REDUNDANCY


class ExtractiveComposer:
    """Builds cited, answer-first answers from passages without any language model.

    Args:
        texts: Fixed phrases in every language (deadline status, sign-up labels, last checked).
    """

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    def compose(
        self,
        question: str,
        focus: Focus,
        passages: Sequence[Passage],
        *,
        language: str,
        today: dt.date,
        lead_passage: int = 0,
    ) -> Answer:
        """Compose a cited answer from ``passages`` (already judged relevant).

        Args:
            question: The member's question.
            focus: Its focus (terms, years, kind of answer).
            passages: Retrieved sections, best first.
            language: Language of the fixed phrases.
            today: The date deadlines are judged against.
            lead_passage: The passage the gate found answers best (its sentences are preferred).

        Returns:
            A grounded answer whose every sentence carries the ``[n]`` of the passage it comes from.
        """
        chosen = self._choose(focus, passages[:PASSAGES_READ], lead_passage)
        number: dict[int, int] = {}
        citations: list[Citation] = []
        by_url: dict[str, int] = {}
        for sentence in chosen:
            p_index = sentence.passage
            if p_index in number:
                continue
            url = passages[p_index].chunk.url
            if url not in by_url:
                by_url[url] = len(by_url) + 1
                citations.append(cite(by_url[url], passages[p_index]))
            number[p_index] = by_url[url]
        lines = [f"{sentence.text} [{number[sentence.passage]}]" for sentence in chosen]
        cited = list(dict.fromkeys(sentence.passage for sentence in chosen))
        lines += self._status_lines(focus, passages, cited, number, language, today)
        return Answer(
            question=question,
            text="\n".join(lines),
            citations=citations,
            grounded=True,
            actions=self.actions([passages[p] for p in cited], language=language),
            language=language,
        )

    def _candidates(self, focus: Focus, passages: Sequence[Passage], lead_passage: int) -> list[_Sentence]:
        total = sum(focus.terms.values()) or 1.0
        found: list[_Sentence] = []
        for p_index, passage in enumerate(passages):
            heading = stems_of(passage.chunk.title)
            rank = 1.0 / (1 + p_index) + (0.5 if p_index == lead_passage else 0.0)
            for position, text in enumerate(split_sentences(passage.chunk.text)):
                stems = frozenset(stems_of(text))
                covered = sum(w for term, w in focus.terms.items() if term in stems) / total
                through_heading = (
                    sum(w for term, w in focus.terms.items() if term in heading and term not in stems) / total
                )
                score = covered + 0.3 * through_heading + RANK_WEIGHT * rank
                score += KIND_BONUS * holds_kind(text, focus.kind) + LEAD_BONUS * (position == 0)
                if focus.years and not focus.years_covered(text):
                    score -= 0.3
                if len(text) < 25 or META_SENTENCE.search(text):
                    score -= 1.0
                found.append(_Sentence(p_index, position, text, stems, score))
        return found

    def _choose(self, focus: Focus, passages: Sequence[Passage], lead_passage: int) -> list[_Sentence]:
        candidates = self._candidates(focus, passages, min(lead_passage, max(0, len(passages) - 1)))
        if not candidates:
            return []
        by_place = {(c.passage, c.position): c for c in candidates}
        ranked = sorted(candidates, key=lambda c: c.score, reverse=True)

        def with_context(sentence: _Sentence) -> list[_Sentence]:
            # A sentence that leans on its predecessor comes with it (or not at all).
            if sentence.position and leans_on_previous(sentence.text):
                before = by_place.get((sentence.passage, sentence.position - 1))
                return [before, sentence] if before and not leans_on_previous(before.text) else []
            return [sentence]

        chosen: list[_Sentence] = []
        for candidate in ranked:
            group = with_context(candidate)
            if group:
                chosen = group
                break
        if not chosen:
            return [ranked[0]]
        lead_score = max(s.score for s in chosen)
        for candidate in ranked:
            if len(chosen) >= MAX_SENTENCES or candidate.score < SUPPORT_FLOOR * lead_score:
                break
            if candidate in chosen or any(_redundant(candidate.stems, other.stems) for other in chosen):
                continue
            new_terms = {t for t in focus.terms if t in candidate.stems} - set().union(
                *(s.stems for s in chosen)
            )
            follows = any(
                c.passage == candidate.passage and c.position == candidate.position - 1 for c in chosen
            )
            if not (new_terms or follows):
                continue
            group = [s for s in with_context(candidate) if s not in chosen]
            if group and len(chosen) + len(group) <= MAX_SENTENCES:
                chosen += group
        lead, rest = chosen[0], chosen[1:]
        # The lead stays first; the others follow in the order of their sources.
        return [lead, *sorted(rest, key=lambda s: (s.passage, s.position))]

    def _status_lines(
        self,
        focus: Focus,
        passages: Sequence[Passage],
        cited: list[int],
        number: dict[int, int],
        language: str,
        today: dt.date,
    ) -> list[str]:
        lines: list[str] = []
        if not cited:
            return lines
        first = passages[cited[0]].chunk.metadata
        for p_index in cited:
            metadata = passages[p_index].chunk.metadata
            if metadata.get("kind") == "funding" and focus.kind in ("when", "how", "yes_no"):
                lines.append(
                    f"{deadline_sentence(self.texts, metadata, language, today)[1]} [{number[p_index]}]"
                )
                return lines  # the funding status carries its own last-checked date
        checked = str(first.get("last_checked") or first.get("updated") or "")
        if focus.kind in TIME_SENSITIVE and checked:
            lines.append(
                self.texts.text("answer.last_checked", language, date=format_iso_date(checked, language))
            )
        return lines

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
