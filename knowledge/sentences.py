"""Sentences of passages: splitting, whether one stands alone, and whether one holds the kind of fact
a question asks for (a date for "when", an amount for "how much", an address for "whom to contact")."""

from __future__ import annotations

import re

from knowledge.question import QuestionKind

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(€])")
# A sentence opening with one of these leans on the sentence before it.
UNRESOLVED_OPENER = re.compile(
    r"^(?:It|Its|This|That|These|Those|They|Their|Them|Such|He|She|Both|Despite this|However|Also|"
    r"Moreover|Furthermore|In addition|Therefore|Thus|As a result|Instead|Still|Yet|Then|The same)\b"
)
META_SENTENCE = re.compile(r"\b(last checked|this page|this section|the facts below)\b", re.IGNORECASE)
MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
KIND_EVIDENCE: dict[QuestionKind, re.Pattern[str]] = {
    "when": re.compile(
        rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{MONTHS})\b|\b(?:{MONTHS}) (?:19|20)\d\d\b"
        r"|\b(?:19|20)\d\d-\d\d-\d\d\b"
        r"|\b(?:19|20)\d\d\b|\bpermanent\b|\bany time\b|\brolling\b|\bopen all year\b"
    ),
    "how_many": re.compile(
        r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen)\b"
    ),
    "how_much": re.compile(r"€\s?\d|\bEUR\b|\beuros?\b|\b\d[\d.,]*\s?(?:million|billion|%|per cent)"),
    "contact": re.compile(
        r"[\w.+-]+@[\w-]+\.[\w.]+|https?://|\bmailbox\b|\bcontact\b|\bpage\b", re.IGNORECASE
    ),
    "who": re.compile(
        r"\b(?:authorit\w*|Commission|DG \w+|organisations?|members?|[A-Z][a-z]+ [A-Z][a-z]+|leads?|led by)\b"
    ),
    "where": re.compile(r"\b(?:in|at) (?:the )?[A-Z][\w-]+|\bheld\b|\bonline\b"),
    "how": re.compile(
        r"\b(?:apply|applies|through|via|submit|send|contact|managing authorit\w*|call|join\w*|must|should|"
        r"steps?|procedure|approach)\b",
        re.IGNORECASE,
    ),
    "yes_no": re.compile(r"\b(?:no|not|only|yes|cannot|never|does|is|are|can)\b", re.IGNORECASE),
    "what": re.compile(r"\b(?:is an?|are|is the|means?|refers? to|covers?)\b"),
}


HEADING_LINE = re.compile(r"^(#[^\n]*)$", re.MULTILINE)


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage; list items and lines count as sentences of their own."""
    sentences: list[str] = []
    # A heading line is a block of its own (never a sentence); the text right under it is kept.
    text = HEADING_LINE.sub(r"\n\1\n", text)
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )|\n(?=\s*\d+\. )|\n(?=#)|\n(?=\|)", text):
        block = re.sub(r"^\s*([-*]|\d+\.)\s+", "", block.strip())
        block = " ".join(block.split())
        if not block or block.startswith("#"):
            continue
        sentences.extend(part.strip() for part in SENTENCE_END.split(block) if part.strip())
    return sentences


def leans_on_previous(sentence: str) -> bool:
    """Whether the sentence opens with a pronoun or connective that needs the sentence before it."""
    return bool(UNRESOLVED_OPENER.match(sentence))


def holds_kind(sentence: str, kind: QuestionKind) -> bool:
    """Whether the sentence holds the kind of fact the question asks for."""
    return bool(KIND_EVIDENCE[kind].search(sentence))
