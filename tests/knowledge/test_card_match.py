"""Matching questions to answer cards in any language: unseen phrasings, typos, the programme and
years asked about, the member's organisation type, and cards no longer valid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.card_match import CardMatcher, CardThresholds
from knowledge.engine import KnowledgeEngine
from knowledge.focus import question_focus
from tests.conftest import FIXED_NOW
from tests.knowledge.conftest import write

LANGUAGES = ("en", "fr", "de", "es", "it", "pl")
PAGE = """---
title: Membership and funding
url: https://example.org/page
---
# Membership and funding

## Who can join
ESER membership is for public authorities.

Source: [Join](https://example.org/join)

## Budgets
ESF+ has about 99.3 billion euro. Erasmus+ has 26.2 billion euro.

Source: [Budgets](https://example.org/budgets)
"""


def card(card_id: str, questions: dict[str, list[str]], answer: str, **extra: str) -> str:
    lines = [f"- id: {card_id}", "  questions:"]
    lines += [f"    {language}: {phrasings!r}" for language, phrasings in questions.items()]
    lines += ["  answer:"] + [f"    {language}: {answer!r}" for language in LANGUAGES]
    lines += ["  sources:", "    - doc: resources/page.md", "      section: Who can join"]
    lines += [f"  {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def everywhere(*phrasings: str) -> dict[str, list[str]]:
    return {language: list(phrasings) for language in LANGUAGES}


CARDS = "".join(
    [
        card(
            "join",
            {
                "en": ["How can we join ESER?", "Who can become an ESER member?"],
                "fr": ["Comment adhérer à ESER ?", "Qui peut devenir membre d'ESER ?"],
                "de": ["Wie können wir ESER beitreten?", "Wer kann ESER-Mitglied werden?"],
                "es": ["¿Cómo podemos unirnos a ESER?", "¿Quién puede ser miembro de ESER?"],
                "it": ["Come possiamo aderire a ESER?", "Chi può diventare membro di ESER?"],
                "pl": ["Jak możemy dołączyć do ESER?", "Kto może zostać członkiem ESER?"],
            },
            "ESER membership is for public authorities [1].",
        ),
        card(
            "join-cooperative",
            everywhere("Can a cooperative join ESER?", "Our cooperative wants to join ESER"),
            "A cooperative cannot join ESER itself [1].",
            audience="[social-enterprise]",
        ),
        card(
            "esf-budget",
            everywhere("What is the ESF+ budget?", "How much money is in ESF+?"),
            "ESF+ has 99.3 [1].",
        ),
        card(
            "erasmus-budget",
            everywhere("What is the Erasmus+ budget?", "How much money is in Erasmus+?"),
            "Erasmus+ has 26.2 [1].",
        ),
        card(
            "capitals-after-2021",
            everywhere("Who is the European Capital of Social Economy now?"),
            "No European Capital of Social Economy is known after 2021 [1].",
            gap="true",
            gap_after="2021",
        ),
        card("old-card", everywhere("What was the old rule?"), "The old rule [1].", valid_until="2020-01-01"),
    ]
)


@pytest.fixture
def engine(tmp_path: Path, fresh_engine: Callable[[], KnowledgeEngine]) -> KnowledgeEngine:
    write(tmp_path / "content" / "resources" / "page.md", PAGE)
    write(tmp_path / "content" / "answers" / "cards.yaml", CARDS)
    built = fresh_engine()
    built.content_roots = [tmp_path / "content"]
    report = built.ingest_sync([tmp_path / "content"])
    assert report.ok, report.failed
    built.answerer.refresh()
    return built


def matched(engine: KnowledgeEngine, question: str, **asker: str) -> str | None:
    prepared = engine.reader.prepare(question, now=FIXED_NOW)
    answerer = engine.answerer
    focus = question_focus(prepared, answerer.weights, answerer.cards.programmes)
    vector = engine.index.embed_query(prepared.query.dense_text)
    found = answerer.cards.match(prepared.text, vector, focus, today=FIXED_NOW.date(), **asker)  # type: ignore[arg-type]
    return found.card.id if found else None


@pytest.mark.parametrize(
    "question",
    [
        "How do we become members of ESER?",  # phrasings not in the card
        "Comment devenir membre d'ESER ?",
        "Wie werden wir Mitglied bei ESER?",
        "¿Cómo nos hacemos miembros de ESER?",
        "Come si diventa membri di ESER?",
        "Jak zostać członkiem ESER?",
        "how can we joinn ESER",  # a typo
    ],
)
def test_a_question_in_any_language_finds_its_card(engine: KnowledgeEngine, question: str) -> None:
    assert matched(engine, question) == "join"


def test_the_programme_asked_about_decides(engine: KnowledgeEngine) -> None:
    assert matched(engine, "How big is the Erasmus+ budget?") == "erasmus-budget"
    assert matched(engine, "How big is the ESF+ budget?") == "esf-budget"


def test_a_card_saying_a_fact_is_not_known_covers_later_years_only(engine: KnowledgeEngine) -> None:
    assert matched(engine, "Who was the European Capital of Social Economy in 2024?") == "capitals-after-2021"
    assert matched(engine, "Who was the European Capital of Social Economy in 2019?") is None


def test_the_card_for_the_members_organisation_type_wins_a_close_call(engine: KnowledgeEngine) -> None:
    assert matched(engine, "Can our cooperative join ESER?") == "join-cooperative"
    close = "Can our organisation join ESER?"  # the two cards score within the preference margin
    assert matched(engine, close) == "join"
    assert matched(engine, close, audience="social-enterprise") == "join-cooperative"
    assert matched(engine, close, audience="public-authority") == "join"
    assert matched(engine, "Can we join ESER?", audience="social-enterprise") == "join"  # not close


def test_expired_cards_and_unrelated_questions_get_no_card(engine: KnowledgeEngine) -> None:
    assert matched(engine, "What was the old rule?") is None  # valid until 2020
    assert matched(engine, "What time does the museum open on Sundays?") is None


def test_a_stricter_threshold_turns_a_card_away(engine: KnowledgeEngine) -> None:
    matcher: CardMatcher = engine.answerer.cards
    matcher.thresholds = CardThresholds(score=5.0)
    assert matched(engine, "How can we join ESER?") is None
