"""The extractive composer: the sentence that answers comes first, every sentence is cited with the
passage it was taken from, nothing leans on a sentence left out, statuses and dates where asked."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import Catalogue
from knowledge.compose import ExtractiveComposer
from knowledge.focus import Focus, stem
from knowledge.models import Chunk, Passage
from knowledge.question import QuestionKind
from knowledge.sentences import split_sentences

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


def focus(words: str, kind: QuestionKind = "what", years: tuple[str, ...] = ()) -> Focus:
    return Focus(terms={stem(word): 1.0 for word in words.split()}, years=frozenset(years), kind=kind)


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def compose(question: str, asked: Focus, passages: list[Passage], **kwargs: object):  # type: ignore[no-untyped-def]
    options: dict[str, object] = {"language": "en", "today": TODAY, **kwargs}
    return ExtractiveComposer(Catalogue()).compose(question, asked, passages, **options)  # type: ignore[arg-type]


def test_the_sentence_that_answers_the_kind_of_question_comes_first() -> None:
    page = passage(
        "pilot",
        "The ESER 2018 pilot brought regions together around the social economy. "
        "The ESER 2018 pilot call closed on 15 March 2018. "
        "The ESER 2018 pilot had 32 regions from 14 countries.",
    )
    when = compose(
        "When did the 2018 pilot call close?", focus("pilot call close", "when", ("2018",)), [page]
    )
    assert when.text.splitlines()[0].startswith("The ESER 2018 pilot call closed on 15 March 2018.")
    many = compose("How many regions were in the pilot?", focus("regions pilot", "how_many"), [page])
    assert many.text.splitlines()[0].startswith("The ESER 2018 pilot had 32 regions")


def test_every_sentence_is_cited_with_its_own_passage_and_nothing_unrelated_is_added() -> None:
    passages = [
        passage(
            "membership", "ESER membership is open to regional and local public authorities. Cats are nice."
        ),
        passage(
            "coops", "Cooperatives take part in ESER through their authority's events. The weather was fine."
        ),
    ]
    answer = compose(
        "Can cooperatives become ESER members?", focus("cooperatives eser members membership"), passages
    )
    by_number = {c.n: c.doc_id for c in answer.citations}
    for line in answer.text.splitlines():
        sentence, number = re.fullmatch(r"(.+) \[(\d+)\]", line).groups()  # type: ignore[union-attr]
        source = next(p for p in passages if sentence in p.chunk.text)
        assert by_number[int(number)] == source.chunk.doc_id
    assert "Cats" not in answer.text and "weather" not in answer.text
    assert markers(answer.text) == set(by_number)


def test_a_sentence_leaning_on_the_one_before_comes_with_it_or_not_at_all() -> None:
    page = passage(
        "missions",
        "The Social Economy Missions followed up the ESER pilot with cooperation projects. "
        "It funded about four cooperation projects per topic.",
    )
    answer = compose("How many projects did it fund?", focus("funded projects", "how_much"), [page])
    lines = answer.text.splitlines()
    assert lines[0].startswith("The Social Economy Missions followed up")
    assert lines[1].startswith("It funded about four")


def test_near_duplicate_sentences_are_said_once() -> None:
    passages = [
        passage("a", "The Mannheim summit was postponed to 26-27 May 2021 because of COVID-19."),
        passage("b", "Because of COVID-19 the Mannheim summit was postponed to 26-27 May 2021."),
    ]
    answer = compose("When was the Mannheim summit?", focus("mannheim summit", "when"), passages)
    assert len(answer.text.splitlines()) == 1


def test_same_source_page_gets_one_number() -> None:
    passages = [
        passage("first", "ESER membership is for public authorities.", url="https://x.eu/same"),
        passage(
            "second", "ESER membership was confirmed for public authorities in 2023.", url="https://x.eu/same"
        ),
    ]
    answer = compose(
        "Who can get ESER membership?", focus("eser membership public authorities 2023"), passages
    )
    assert [c.n for c in answer.citations] == [1] and markers(answer.text) == {1}


def test_funding_status_only_when_asked_about_applying_or_dates() -> None:
    funding = passage(
        "call",
        "The test call funds cluster twinning between regions.",
        kind="funding",
        deadline="2027-01-31",
        opens="2026-10-01",
        last_checked="2026-11-01",
    )
    asked = compose(
        "What is the deadline of the twinning call?", focus("deadline twinning call", "when"), [funding]
    )
    assert "Status: open" in asked.text and "January 31, 2027" in asked.text
    later = compose(
        "What is the deadline of the twinning call?",
        focus("deadline twinning call", "when"),
        [funding],
        today=dt.date(2027, 2, 1),
    )
    assert "Status: closed" in later.text
    not_asked = compose("What does the twinning call fund?", focus("twinning call fund"), [funding])
    assert "Status" not in not_asked.text


def test_time_sensitive_answers_say_when_the_facts_were_checked_in_the_members_language() -> None:
    page = passage("net", "The ESER network had 55 members in June 2024.", updated="2025-11-01")
    answer = compose("How many members?", focus("members network", "how_much"), [page], language="fr")
    assert answer.text.splitlines()[-1] == "Dernière vérification : 1 novembre 2025."
    what = compose("What is the network?", focus("members network"), [page])
    assert "checked" not in what.text


def test_event_passages_bring_signup_buttons() -> None:
    event = passage(
        "meeting",
        "The ESER network meeting takes place in Brussels.",
        kind="event",
        signup_url="https://events.example.org/register",
    )
    answer = compose(
        "ESER network meeting in Brussels", focus("network meeting brussels"), [event], language="de"
    )
    assert [a.url for a in answer.actions] == ["https://events.example.org/register"]
    assert answer.actions[0].label.startswith("Anmelden")


def test_sentence_splitting() -> None:
    text = "First sentence. Second one!\n\n- A list item\n- Another item\n## Heading"
    assert split_sentences(text) == ["First sentence.", "Second one!", "A list item", "Another item"]
