"""Choices typed instead of pressed: topics as a list, languages by name, regions and "any"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.store.broadcasts import AnnouncementRow
from tests.bot.onboarding.member import Member


@pytest.fixture
async def organiser(app: App) -> Member:
    await app.services.organisers.store.grant("telegram", "org", granted_by="test", now=datetime.now(UTC))
    return Member(app, user="org", hint="fr")


async def test_typed_answers_in_the_organisers_language(app: App, organiser: Member) -> None:
    await app.services.subscriptions.subscribe(
        "telegram",
        "m1",
        chat_id="m1",
        topics=["events"],
        country="PL",
        region=None,
        language="pl",
        now=app.services.clock(),
    )
    [step] = await organiser.command("announce")
    assert "Rédigeons une annonce" in step.text
    await organiser.say("Bonjour à tous")
    [step] = await organiser.say("2")  # the second upcoming event, by its number
    [step] = await organiser.say("financement, événements")
    assert "Pologne" not in step.text and "Partout" in step.text  # now the region step, in French
    [step] = await organiser.say("Pologne")
    [step] = await organiser.say("polski")
    [step] = await organiser.say("Maintenant")
    assert "Aperçu" in step.text and "Pologne" in step.text and "Polski" in step.text
    await organiser.say("oui")
    async with app.services.sessions() as session:
        [row] = (await session.scalars(select(AnnouncementRow))).all()
    assert (row.topics, row.region, row.language) == ("events,funding", "PL", "pl")


async def test_unknown_topic_and_language_are_asked_again(organiser: Member) -> None:
    await organiser.command("announce")
    await organiser.say("Bonjour")
    await organiser.say("aucun événement")
    [again] = await organiser.say("astronomie")
    assert "astronomie" in again.text and "funding" in again.text
    await organiser.say("tout le monde")
    [again] = await organiser.say("tout le monde")  # the topics step took it; now the region step
    assert "Partout" in again.text
