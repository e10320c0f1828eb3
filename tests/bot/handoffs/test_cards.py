"""Organisers' cards: a kept answer is a draft members never get; published, it answers the next
member at once (other phrasings too), cited "ESER organisers, <date>" or by its link, only in the
languages it has (with a note naming its language otherwise); removed, it answers no more."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.handoffs.models import HandoffError
from knowledge.models import Answer
from tests.bot.onboarding.member import RecordingSender
from tests.conftest import Clock

ORGANISER = "telegram:100"
QUESTION = "Who can sign the ESER charter for a Belgian cooperative?"
OTHER = "Who may sign the ESER charter for a cooperative in Belgium?"


async def answered_handoff(app: App, clock: Clock, text: str, language: str = "en") -> str:
    app.services.senders["telegram"] = RecordingSender("telegram")
    await app.services.organisers.store.grant("telegram", "100", granted_by="test", now=clock())
    handoff = await app.services.handoffs.ask(
        platform="telegram", user_id="m1", chat_id="m1", question=QUESTION, language="en"
    )
    await app.services.handoffs.answer(handoff.id, organiser=ORGANISER, text=text, language=language)
    return handoff.id


async def ask(app: App, question: str, language: str | None = None) -> Answer:
    return await app.services.knowledge.answer(question, language=language)


async def test_a_published_card_answers_the_next_member_in_other_words(app: App, clock: Clock) -> None:
    handoff_id = await answered_handoff(app, clock, "The legal representative of the cooperative signs it.")
    cards = app.services.organiser_cards
    draft = await cards.save_draft(handoff_id, organiser=ORGANISER)
    assert draft.status == "draft" and draft.questions == {"en": [QUESTION]}
    assert draft.missing_languages == ("fr", "de", "es", "it", "pl")
    assert (await cards.save_draft(handoff_id, organiser=ORGANISER)).id == draft.id  # kept once
    assert (await ask(app, OTHER)).card_id != draft.id  # a draft answers nobody

    published = await cards.publish(draft.id, organiser=ORGANISER)
    assert published.status == "published" and published.published_by == ORGANISER
    answer = await ask(app, OTHER)
    assert answer.card_id == draft.id and "legal representative" in answer.text
    [citation] = answer.citations
    assert citation.title == "ESER organisers, 2026-11-26"
    assert (await app.services.handoffs.get(handoff_id)).card_id == draft.id  # type: ignore[union-attr]

    # Asked in German, the English card answers with the note that its sources are in English.
    german = await ask(
        app, "Wer darf die ESER-Charta für eine belgische Genossenschaft unterschreiben?", "de"
    )
    if german.card_id == draft.id:
        assert "legal representative" in german.text and "Englisch" in german.text

    assert await cards.remove(draft.id)
    assert (await ask(app, OTHER)).card_id != draft.id


async def test_a_card_written_in_french_says_so_to_other_languages(app: App, clock: Clock) -> None:
    handoff_id = await answered_handoff(
        app, clock, "Le représentant légal de la coopérative signe la charte.", language="fr"
    )
    cards = app.services.organiser_cards
    draft = await cards.save_draft(handoff_id, organiser=ORGANISER, source_url="https://example.org/charte")
    await cards.publish(draft.id, organiser=ORGANISER)
    answer = await ask(app, OTHER, "en")
    assert answer.card_id == draft.id
    assert "représentant légal" in answer.text and "This answer is written in French." in answer.text
    assert answer.citations[0].url == "https://example.org/charte"

    translated = await cards.add_language(
        draft.id, "en", question=QUESTION, answer="The cooperative's legal representative signs the charter."
    )
    assert translated.missing_languages == ("de", "es", "it", "pl")
    answer = await ask(app, OTHER, "en")
    assert "legal representative signs" in answer.text and "written in" not in answer.text


async def test_only_answered_hand_offs_become_cards_and_only_organisers_publish(
    app: App, clock: Clock
) -> None:
    app.services.senders["telegram"] = RecordingSender("telegram")
    await app.services.organisers.store.grant("telegram", "100", granted_by="test", now=clock())
    handoff = await app.services.handoffs.ask(
        platform="telegram", user_id="m1", chat_id="m1", question=QUESTION, language="en"
    )
    with pytest.raises(HandoffError) as open_one:
        await app.services.organiser_cards.save_draft(handoff.id, organiser=ORGANISER)
    assert open_one.value.key == "handoff.error.not_answered"
    await app.services.handoffs.answer(handoff.id, organiser=ORGANISER, text="Its board.", language="en")
    draft = await app.services.organiser_cards.save_draft(handoff.id, organiser=ORGANISER)
    with pytest.raises(HandoffError) as member:
        await app.services.organiser_cards.publish(draft.id, organiser="telegram:555")
    assert member.value.key == "handoff.error.not_organiser"
