"""The core's front door: buttons checked and signed, text cleaned, an apology when the database is
out of reach (in the member's remembered language), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.app import App, build_app
from bot.models import IncomingMessage
from bot.store.answers import AnswerRow
from bot.store.profiles import SubscriptionRow
from knowledge.engine import KnowledgeEngine
from tests.bot.store.postgres import (
    allow_connections,
    create_database,
    drop_database,
    refuse_connections,
    url_of,
)
from tests.conftest import Clock, make_settings

_ids = iter(range(1, 10_000))


def message(
    text: str = "", *, callback: str | None = None, direct: bool = True, hint: str = "en"
) -> IncomingMessage:
    command = text[1:].split()[0] if text.startswith("/") else None
    return IncomingMessage(
        platform="telegram",
        chat_id="42" if direct else "-100",
        user_id="42",
        text=text,
        is_direct=direct,
        command=command,
        args=" ".join(text.split()[1:]) if command else "",
        callback_data=callback,
        language_hint=hint,
        event_id=f"telegram:1:{next(_ids)}",
    )


async def test_a_forged_button_is_refused_and_nothing_is_stored(app: App) -> None:
    [refusal] = await app.answer(message(callback="sub:ok:a:XX-<b>evil</b>"))
    assert refusal.ephemeral and "no longer works" in refusal.text
    async with app.services.sessions() as session:
        assert (await session.scalars(select(SubscriptionRow))).all() == []


async def test_buttons_the_bot_sent_work_and_replies_are_signed(app: App) -> None:
    [picker] = await app.answer(message("/subscribe"))
    done = picker.buttons[-1][0]  # "All topics"
    assert done.callback_data and app.signer.verify("telegram", done.callback_data) == "sub:ok:a:"
    [subscribed] = await app.answer(message(callback=done.callback_data))
    assert not subscribed.ephemeral
    async with app.services.sessions() as session:
        assert [row.topic for row in (await session.scalars(select(SubscriptionRow))).all()] == ["all"]


@pytest.mark.parametrize(("platform", "shown"), [("slack", "‹!here›"), ("telegram", "<!here>")])
async def test_replies_escape_the_mention_markup_their_platform_declares(
    app: App, platform: str, shown: str
) -> None:
    # The unknown command is echoed back: Slack's markup in it is made inert on Slack only, where it
    # would ping; the plain @channel is defanged everywhere.
    echoed = IncomingMessage(
        platform=platform,  # type: ignore[arg-type]
        chat_id="D42",
        user_id="U42",
        text="/<!here>@channel",
        is_direct=True,
        command="<!here>@channel",
        language_hint="en",
        event_id=f"{platform}:1:{next(_ids)}",
    )
    [reply] = await app.handle(echoed)
    assert shown in reply.text and "@channel" not in reply.text


async def test_a_signed_button_of_another_platform_is_refused(app: App) -> None:
    signed = app.signer.sign("slack", "pv:forget:yes")
    [refusal] = await app.answer(message(callback=signed))
    assert refusal.ephemeral and "no longer works" in refusal.text


@pytest_asyncio.fixture
async def postgres_app(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> AsyncIterator[tuple[App, str]]:
    name = create_database()
    app = await build_app(
        make_settings(tmp_path, DATABASE_URL=url_of(name)), knowledge=knowledge, clock=clock
    )
    try:
        yield app, name
    finally:
        allow_connections(name)
        await app.services.db.dispose()
        drop_database(name)


@pytest.mark.postgres
async def test_nul_and_lone_surrogates_are_cleaned_before_postgresql(postgres_app: tuple[App, str]) -> None:
    app, _ = postgres_app
    [reply] = await app.handle(message("What is the Social Economy\x00 Action Plan?\udcff"))
    assert reply.citations, reply.text  # answered, not the apology
    async with app.services.sessions() as session:
        [stored] = (await session.scalars(select(AnswerRow.question))).all()
    assert stored == "What is the Social Economy Action Plan?"


@pytest.mark.postgres
async def test_a_database_outage_gets_an_apology_in_the_remembered_language(
    postgres_app: tuple[App, str],
) -> None:
    app, name = postgres_app
    [answer] = await app.handle(message("/language fr", hint="en"))
    assert answer.language == "fr"
    refuse_connections(name)
    [apology] = await app.handle(message("Qu'est-ce que ESER ?", hint="en"))
    assert apology.text == app.services.catalogue.text("error.unavailable", "fr")
    allow_connections(name)
    [back] = await app.handle(message("/help", hint="en"))
    assert back.language == "fr" and back.text != apology.text


@pytest.mark.postgres
async def test_an_apology_without_memory_uses_the_platform_language(postgres_app: tuple[App, str]) -> None:
    app, name = postgres_app
    refuse_connections(name)
    [apology] = await app.answer(message("Wie kann ich beitreten?", hint="de-AT"))
    assert apology.text == app.services.catalogue.text("error.unavailable", "de")
