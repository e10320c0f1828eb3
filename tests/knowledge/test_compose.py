"""The extractive composer: cited sentences only, no padding, no repeats, statuses where asked."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import Catalogue
from knowledge.compose import ExtractiveComposer, split_sentences, words
from knowledge.models import Chunk, Passage

TODAY = dt.date(2026, 11, 26)


def passage(doc: str, text: str, url: str | None = None, **meta: str | float) -> Passage:
    metadata: dict[str, str | int | float | bool] = {"kind": "resource", "doc_title": doc.title(), **meta}
    chunk = Chunk(
        id=f"{doc}::intro::0",
        doc_id=doc,
        text=text,
        title=doc.title(),
        url=url or f"https://x.eu/{doc}",
        metadata=metadata,
    )
    return Passage(chunk=chunk, score=1.0, dense_score=0.8)


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_every_sentence_is_cited_and_every_citation_used(catalogue: Catalogue) -> None:
    passages = [
        passage(
            "membership", "ESER membership is open to regional and local public authorities. Cats are nice."
        ),
        passage(
            "coops", "Cooperatives take part through their authority's ESER events. The weather was fine."
        ),
        passage("unrelated", "The Digital Road to Mannheim had eight online events."),
    ]
    answer = ExtractiveComposer(catalogue).compose(
        "Can cooperatives join ESER as members?", "", passages, language="en", today=TODAY
    )
    lines = answer.text.splitlines()
    assert all(re.search(r"\[\d+\]$", line) for line in lines)
    assert markers(answer.text) == {c.n for c in answer.citations}
    assert "Cats" not in answer.text and "weather" not in answer.text  # no padding with unrelated text
    assert "Mannheim" not in answer.text and all(c.doc_id != "unrelated" for c in answer.citations)
    assert answer.grounded


def test_near_duplicate_sentences_are_said_once(catalogue: Catalogue) -> None:
    passages = [
        passage("a", "The Mannheim summit was postponed to 26-27 May 2021 because of COVID-19."),
        passage("b", "Because of COVID-19 the Mannheim summit was postponed to 26-27 May 2021."),
    ]
    answer = ExtractiveComposer(catalogue).compose(
        "When was the Mannheim summit?", "", passages, language="en", today=TODAY
    )
    assert len(answer.text.splitlines()) == 1


def test_same_source_page_gets_one_number(catalogue: Catalogue) -> None:
    passages = [
        passage("first", "ESER membership is for public authorities.", url="https://x.eu/same"),
        passage(
            "second",
            "ESER membership was confirmed by the 2023 call for public authorities.",
            url="https://x.eu/same",
        ),
    ]
    answer = ExtractiveComposer(catalogue).compose(
        "Who can get ESER membership?", "", passages, language="en", today=TODAY
    )
    assert [c.n for c in answer.citations] == [1] and markers(answer.text) == {1}


def test_funding_status_only_when_asked_about_applying(catalogue: Catalogue) -> None:
    funding = passage(
        "call",
        "The test call funds cluster twinning between regions.",
        kind="funding",
        deadline="2027-01-31",
        opens="2026-10-01",
        last_checked="2026-11-01",
    )
    composer = ExtractiveComposer(catalogue)
    asked = composer.compose(
        "Is the cluster twinning call open, what is the deadline?", "", [funding], language="en", today=TODAY
    )
    assert "Status: open" in asked.text and "January 31, 2027" in asked.text
    later = composer.compose(
        "Is the cluster twinning call open, what is the deadline?",
        "",
        [funding],
        language="en",
        today=dt.date(2027, 2, 1),
    )
    assert "Status: closed" in later.text
    not_asked = composer.compose(
        "Which regions take part in cluster twinning?", "", [funding], language="en", today=TODAY
    )
    assert "Status" not in not_asked.text


def test_status_in_the_members_language(catalogue: Catalogue) -> None:
    funding = passage(
        "esf",
        "ESF+ funds employment and the social economy.",
        kind="funding",
        deadline="rolling",
        last_checked="2025-11-01",
    )
    answer = ExtractiveComposer(catalogue).compose(
        "Quel est le budget du FSE+ ?", "budget ESF+", [funding], language="fr", today=TODAY
    )
    assert "Statut : permanent" in answer.text and "1 novembre 2025" in answer.text


def test_event_passages_bring_signup_buttons(catalogue: Catalogue) -> None:
    event = passage(
        "meeting",
        "The ESER network meeting takes place in Brussels.",
        kind="event",
        signup_url="https://events.example.org/register",
    )
    answer = ExtractiveComposer(catalogue).compose(
        "ESER network meeting in Brussels", "", [event], language="de", today=TODAY
    )
    assert [a.url for a in answer.actions] == ["https://events.example.org/register"]
    assert answer.actions[0].label.startswith("Anmelden")


def test_sentence_splitting_and_words() -> None:
    text = "First sentence. Second one!\n\n- A list item\n- Another item\n## Heading"
    assert split_sentences(text) == ["First sentence.", "Second one!", "A list item", "Another item"]
    assert words("The Économie sociale, and ESF+") == ["economie", "sociale", "esf+"]
