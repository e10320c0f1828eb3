"""Follow-up questions ("and for Italy?", "et en 2020 ?", "what about Erasmus+?") rewritten as the
standalone question they stand for, so that retrieval sees the topic of the thread.

Without a language model the rewrite is by substitution: a year, a country or a programme named in
the follow-up replaces the one of the same kind in the previous question, or is added to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.crosslingual import fold
from knowledge.intent import country_spans

YEAR = re.compile(r"\b(19|20)\d{2}\b")
# Openers of a follow-up in the six languages (folded).
OPENERS = re.compile(
    r"^(and|what about|how about|same for|also for|et|et pour|et en|quid de|und|und fur|was ist mit|"
    r"y|y para|y en|que tal|e|e per|e in|e nel|e a|i|a co z|a dla|a w|oraz)\b"
)
PROGRAMMES = (
    "esf+",
    "easi",
    "erdf",
    "interreg",
    "investeu",
    "erasmus+",
    "horizon europe",
    "single market programme",
    "cosme",
    "social economy missions",
    "fse+",
    "feder",
    "efre",
    "fesr",
    "efrr",
    "efs+",
)
MAX_FOLLOW_UP_WORDS = 7


def is_follow_up(question: str) -> bool:
    """A short question that opens like a follow-up ("and for Italy?")."""
    folded = fold(question).strip(" ¿¡?!.")
    return len(folded.split()) <= MAX_FOLLOW_UP_WORDS and bool(OPENERS.match(folded))


def _programmes(text: str) -> list[str]:
    folded = fold(text)
    return [name for name in PROGRAMMES if re.search(rf"(?<![\w+]){re.escape(name)}(?![\w+])", folded)]


def standalone_question(question: str, history: Sequence[str]) -> str:
    """The question a follow-up stands for; any other question is returned as it is.

    Args:
        question: The member's latest message.
        history: Earlier questions of the thread, oldest first.
    """
    if not history or not is_follow_up(question):
        return question
    previous = history[-1]
    rewritten = previous
    added: list[str] = []
    years = [match.group(0) for match in YEAR.finditer(question)]
    if years:
        if YEAR.search(previous):
            rewritten = YEAR.sub(years[0], rewritten, count=1)
        else:
            added.append(f"in {years[0]}")
    new_places = country_spans(question)
    if new_places:
        place = question[new_places[0][0] : new_places[0][1]]
        old_places = country_spans(rewritten)
        rewritten = _swap(rewritten, old_places[0][:2] if old_places else None, place, added, f"in {place}")
    programmes = _programmes(question)
    if programmes:
        before = _programmes(previous)
        found = re.search(re.escape(before[0]), rewritten, re.IGNORECASE) if before else None
        rewritten = _swap(rewritten, found.span() if found else None, programmes[0], added, programmes[0])
    if not (years or new_places or programmes):
        added.append(question)
    return " ".join([rewritten.rstrip(" ?"), *(part.strip(" ?") for part in added)]).strip() + "?"


def _swap(text: str, span: tuple[int, int] | None, new: str, added: list[str], otherwise: str) -> str:
    """``text`` with ``span`` replaced by ``new``; without a span, ``otherwise`` is added instead."""
    if span is None:
        added.append(otherwise)
        return text
    return text[: span[0]] + new + text[span[1] :]
