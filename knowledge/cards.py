"""Answer cards: curated question → answer units in six languages, matched before document retrieval.

A card file (``knowledge/content/answers/<topic>.yaml``) holds a list of cards::

    - id: eser-who-can-join
      questions:                  # several phrasings per language, all six languages
        en: [Who can join ESER?, Can a cooperative become an ESER member?]
        fr: [Qui peut adhérer à ESER ?, ...]
      answer:                     # one to three sentences that stand alone, answer first
        en: ESER membership is open to regional and local public authorities only [1]. ...
      sources:                    # [n] in the answers points at the n-th source
        - doc: resources/eser-who-can-join.md
          section: Who can become a member       # a heading of that document (optional)
      audience: [public-authority]  # optional: preferred for these organisation types
      countries: [FR]               # optional: preferred for members of these countries
      last_checked: 2025-11-01      # for anything that changes: shown with the answer
      valid_until: 2027-06-30       # optional: not used after this date
      gap: true                     # optional: the card says the fact is not known (a decline)
      gap_after: 2021               # optional: ...for any year after this one

This module reads card files (with the line of each card, for error messages) and checks them: every
language present, every sentence cited, the same figures, dates, e-mail addresses and links in every
language, no phrasing claimed by two cards, no citation of a document or section that does not exist.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from knowledge.crosslingual import SUPPORTED_LANGUAGES, fold
from knowledge.safe_yaml import YamlError, load_yaml_node

CardStatus = Literal["published", "draft"]
MARKER = re.compile(r"\[(\d{1,2})\]")
SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s*\[\d{1,2}\])*\s+(?=[^\s\[])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://[^\s)\]]+")
# A number, with thousands separators (1,000,000 / 1 000 000 / 1.000.000) and decimals (99.3 / 99,3).
NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,’']\d{3})*(?:[.,]\d+)?")


class CardSource(BaseModel, frozen=True):
    """Where a card's statements come from: a knowledge-base document and, optionally, a section."""

    doc: str
    section: str = ""


class AnswerCard(BaseModel, frozen=True):
    """One curated answer (see the module docstring for the file format)."""

    id: str
    questions: dict[str, list[str]]
    answer: dict[str, str]
    sources: list[CardSource] = Field(min_length=1)
    audience: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    last_checked: dt.date | None = None
    valid_until: dt.date | None = None
    status: CardStatus = "published"
    gap: bool = False
    gap_after: int | None = None

    @field_validator("id")
    @classmethod
    def _id_is_a_slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,79}", value):
            raise ValueError("id must be a slug of lower-case letters, digits and hyphens")
        return value

    @field_validator("questions")
    @classmethod
    def _phrasings_are_text(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {lang: [q.strip() for q in phrasings if q and q.strip()] for lang, phrasings in value.items()}

    @field_validator("countries")
    @classmethod
    def _countries_upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(code.upper() for code in value)

    def answer_in(self, language: str) -> tuple[str, str] | None:
        """The answer in ``language``, else in English, else in the first language it has (an
        organiser's card starts in the language the organiser wrote), with the language it is in
        (None for a card without any answer)."""
        for candidate in (language, "en", *self.answer):
            if self.answer.get(candidate):
                return self.answer[candidate], candidate
        return None

    def usable(self, today: dt.date) -> bool:
        """Whether the card may answer members today (published and still valid)."""
        return self.status == "published" and (self.valid_until is None or today <= self.valid_until)


class CardProblem(BaseModel, frozen=True):
    """Something wrong with a card, named by file, line and card."""

    path: str
    card: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: card {self.card!r}: {self.message}"


class LoadedCard(BaseModel, frozen=True):
    """A card with the file and line it was read from."""

    card: AnswerCard
    path: str
    line: int | None = None


def card_entries(text: str, source: str = "<cards>") -> list[tuple[int | None, Any]]:
    """The top-level list items of a card file with their 1-based line numbers.

    Args:
        text: The file's text.
        source: Its path, for error messages.

    Raises:
        YamlError: When the file is not valid YAML or exceeds the alias and size limits.
    """
    return entries_with_lines(*load_yaml_node(text, source=source))


def entries_with_lines(node: yaml.Node | None, data: Any) -> list[tuple[int | None, Any]]:
    """The top-level items of a parsed YAML document with their 1-based lines (from its node)."""
    if data is None or node is None:
        return []
    items = data if isinstance(data, list) else [data]
    if isinstance(node, yaml.SequenceNode):
        lines: list[int | None] = [child.start_mark.line + 1 for child in node.value]
    else:
        lines = [node.start_mark.line + 1]
    return list(zip(lines, items, strict=False))


def is_card(entry: object) -> bool:
    """Whether a YAML mapping is an answer card (it has questions and an answer)."""
    return isinstance(entry, dict) and "questions" in entry and "answer" in entry


def parse_card(entry: object, *, path: str, line: int | None) -> LoadedCard | CardProblem:
    """Validate one card mapping."""
    card_id = str(entry.get("id", "?")) if isinstance(entry, dict) else "?"
    try:
        return LoadedCard(card=AnswerCard.model_validate(entry), path=path, line=line)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "card"
        return CardProblem(path=path, card=card_id, line=line, message=f"{field}: {first['msg']}")


def load_card_file(path: Path) -> tuple[list[LoadedCard], list[CardProblem]]:
    """Read every card of one file; a bad card is a problem, the others still load."""
    try:
        entries = card_entries(path.read_text(encoding="utf-8"), str(path))
    except YamlError as error:
        return [], [CardProblem(path=str(path), card="?", line=error.line, message=error.problem)]
    cards: list[LoadedCard] = []
    problems: list[CardProblem] = []
    for line, entry in entries:
        result = parse_card(entry, path=str(path), line=line)
        (cards if isinstance(result, LoadedCard) else problems).append(result)  # type: ignore[arg-type]
    return cards, problems


def card_files(roots: Iterable[Path]) -> list[Path]:
    """Card files under ``roots`` (the ``answers/`` folder of each content root)."""
    found: list[Path] = []
    for root in roots:
        folder = root / "answers" if (root / "answers").is_dir() else root
        if folder.is_dir() and folder.name == "answers":
            found += sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml"))
    return found


def load_cards(roots: Iterable[Path]) -> tuple[list[LoadedCard], list[CardProblem]]:
    """Every card of the content roots, and the files' unreadable entries."""
    cards: list[LoadedCard] = []
    problems: list[CardProblem] = []
    for path in card_files(roots):
        loaded, bad = load_card_file(path)
        cards += loaded
        problems += bad
    return cards, problems


def parity_findings(roots: list[Path]) -> tuple[int, list[CardProblem]]:
    """What ``eser-bot cards check`` reports (and the organisers' page shows): (cards checked,
    problems) — the unreadable entries, then the parity and citation checks."""
    from knowledge.ingest import load_paths  # the ingest imports this module

    cards, problems = load_cards(roots)
    documents, _, _ = load_paths(roots, roots)
    return len(cards), problems + check_cards(cards, document_sections(documents))


# --- consistency checks ---------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    """The sentences of an answer, each with its trailing markers.

    A full stop after a day number ("am 6. April 2023", "vom 15. bis 19. September") or after an
    abbreviation ("2023 r. w Brukseli", "z. B.") does not end a sentence.
    """
    merged: list[str] = []
    for part in (part.strip() for part in SENTENCE_END.split(text.strip())):
        if not part:
            continue
        if merged and _continues(merged[-1], part):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


ORDINAL_END = re.compile(r"(?<![\d.])\d{1,2}\.$")
ABBREVIATION_END = re.compile(
    r"(?:\b(?:r|ok|ca|np|tj|nr|Nr|bzw|ggf|vgl|inkl|z\. B|u\. a|m\.in|S|ul|al|św|tzw|ds|mln|mld|tys|Mrd|Mio"
    r"|godz|Tsd|ev|ecc|pág|núm)\.)$"
)


def _continues(previous: str, part: str) -> bool:
    if MARKER.search(previous[-6:]):
        return False  # a cited sentence is complete
    if ABBREVIATION_END.search(previous):
        return True
    first = part.split(" ", 1)[0].strip(",;:")
    return bool(ORDINAL_END.search(previous)) and (part[:1].islower() or first in GERMAN_MONTHS)


GERMAN_MONTHS = frozenset(
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)


def _normalise_number(raw: str) -> str:
    digits = re.sub(r"[ \u00a0\u202f’']", "", raw)
    # "1.000.000" / "1,000,000": thousands separators; "99,3" / "99.3": a decimal point.
    if re.fullmatch(r"\d{1,3}([.,])\d{3}(\1\d{3})*", digits):
        return re.sub(r"[.,]", "", digits)
    return digits.replace(",", ".")


def figures(text: str) -> dict[str, list[str]]:
    """The figures of a text that must agree across languages: numbers, e-mail addresses, links."""
    without_markers = MARKER.sub(" ", text)
    emails = sorted(EMAIL.findall(without_markers))
    urls = sorted(URL.findall(without_markers))
    rest = URL.sub(" ", EMAIL.sub(" ", without_markers))
    numbers = sorted(_normalise_number(match) for match in NUMBER.findall(rest))
    return {"numbers": numbers, "emails": emails, "links": urls}


def check_card(loaded: LoadedCard, languages: Sequence[str] = SUPPORTED_LANGUAGES) -> list[CardProblem]:
    """Parity and citation checks of one card (languages, markers, figures)."""
    card = loaded.card
    problems: list[str] = []
    for language in languages:
        if not card.questions.get(language):
            problems.append(f"no question phrasings in {language}")
        if not card.answer.get(language):
            problems.append(f"no answer in {language}")
    reference = card.answer.get("en")
    for language, text in card.answer.items():
        for sentence in sentences(text):
            numbers = [int(n) for n in MARKER.findall(sentence)]
            if not numbers:
                problems.append(f"{language} answer: sentence without a [n] citation: {sentence[:60]!r}")
            elif any(not 1 <= n <= len(card.sources) for n in numbers):
                problems.append(f"{language} answer: citation out of range in {sentence[:60]!r}")
        if reference and language != "en":
            for kind, expected in figures(reference).items():
                found = figures(text)[kind]
                if found != expected:
                    problems.append(f"{language} answer has {kind} {found}, English has {expected}")
    return [CardProblem(path=loaded.path, card=card.id, line=loaded.line, message=m) for m in problems]


def check_cards(
    cards: Sequence[LoadedCard],
    sections: dict[str, set[str]] | None = None,
    languages: Sequence[str] = SUPPORTED_LANGUAGES,
) -> list[CardProblem]:
    """Check a whole set of cards.

    Args:
        cards: The loaded cards.
        sections: Knowledge-base document ids with their section headings; when given, every
            citation must name an existing document (and section).
        languages: Languages every card must have (drafts only need one).
    """
    problems: list[CardProblem] = []
    owners: dict[tuple[str, str], str] = {}
    seen_ids: set[str] = set()
    for loaded in cards:
        card = loaded.card
        where = {"path": loaded.path, "card": card.id, "line": loaded.line}
        if card.id in seen_ids:
            problems.append(CardProblem(**where, message="another card has the same id"))
        seen_ids.add(card.id)
        problems += check_card(loaded, languages if card.status == "published" else ())
        for language, phrasings in card.questions.items():
            for phrasing in phrasings:
                key = (language, " ".join(fold(phrasing).split()).rstrip(" ?!.¿¡"))
                owner = owners.setdefault(key, card.id)
                if owner != card.id:
                    problems.append(
                        CardProblem(
                            **where, message=f"phrasing {phrasing!r} is also claimed by card {owner!r}"
                        )
                    )
        for source in card.sources if sections is not None else ():
            headings = (sections or {}).get(source.doc)
            if headings is None:
                problems.append(CardProblem(**where, message=f"cites {source.doc!r}, which does not exist"))
            elif source.section and fold(source.section) not in {fold(h) for h in headings}:
                problems.append(
                    CardProblem(**where, message=f"cites section {source.section!r} not in {source.doc!r}")
                )
    return problems


def document_sections(documents: Iterable[Any]) -> dict[str, set[str]]:
    """Document ids with every heading of their text (``SourceDocument``s; cards are skipped)."""
    headings: dict[str, set[str]] = {}
    for document in documents:
        if document.kind == "card":
            continue
        found = headings.setdefault(document.doc_id, {document.title})
        for line in document.text.splitlines():
            match = re.match(r"^#{1,3}\s+(.+?)\s*#*\s*$", line)
            if match:
                found.add(match.group(1).strip())
    return headings
