"""``/announce`` on the real app: preview with exact counts, confirm once, targeting, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.store.broadcasts import AnnouncementRow
from tests.bot.onboarding.member import Member, callbacks
from tests.conftest import Clock


@pytest.fixture
async def organiser(app: App) -> Member:
    await app.services.organisers.store.grant("slack", "UORG", granted_by="test", now=datetime.now(UTC))
    return Member(app, platform="slack", user="UORG")


async def subscribe(app: App, platform: str, user: str, topics: list[str], country: str | None) -> None:
    await app.services.subscriptions.subscribe(
        platform,
        user,
        chat_id=f"dm-{user}",
        topics=topics,
        country=country,
        region=None,
        language="en",
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )


async def announcements(app: App) -> list[AnnouncementRow]:
    async with app.services.sessions() as session:
        return list(await session.scalars(select(AnnouncementRow)))


async def test_compose_preview_and_confirm_once(app: App, organiser: Member) -> None:
    await subscribe(app, "telegram", "t1", ["events"], "ES")
    await subscribe(app, "telegram", "t2", ["funding"], "ES")  # another topic: not counted
    await subscribe(app, "slack", "s1", ["events"], None)  # no place: hears from everywhere
    await subscribe(app, "telegram", "t3", ["events"], "FR")  # another country: not counted

    await organiser.command("announce")
    [event_step] = await organiser.say(
        "Registration for the network meeting is open. @channel see you there!"
    )
    assert "network meeting 2027" in event_step.text  # the knowledge base's upcoming events are offered
    [topics] = await organiser.press(event_step, "2")  # the second soonest: the network meeting
    [topics] = await organiser.press(topics, "events")
    await organiser.press(topics, "!done")
    [language] = await organiser.say("ES")
    [when] = await organiser.press(language, "any")
    [preview] = await organiser.press(when, "now")

    assert "Telegram: 1 · Slack: 1 (2 in all)" in preview.text
    assert "@channel" not in preview.text.replace("(@channel)", "")  # the organiser's mention is defanged
    assert "ESER network meeting 2027" in preview.text
    assert "https://events.example.org/eser-network-meeting-2027/register" in [
        b.url for row in preview.buttons for b in row
    ]
    assert "unsub" not in callbacks(preview)  # the recipients' unsubscribe button is not the organiser's
    assert await announcements(app) == []  # nothing before the confirmation

    [notify] = await organiser.press(preview, "notify")
    assert "notified with @" in notify.text
    [done] = await organiser.press(notify, "confirm")
    assert "confirmed" in done.text
    [again] = await organiser.press(notify, "confirm")  # a double press
    assert "already over" in again.text
    [row] = await announcements(app)
    assert row.topics == "events" and row.region == "ES" and row.language is None
    assert row.event_id == "test-eser-network-meeting-2027" and row.notify_channel
    assert row.created_by == "slack:UORG" and row.report_to == "slack:dm-UORG"
    assert row.idempotency_key.startswith("announce:slack:UORG:")


async def test_a_scheduled_announcement_in_the_organisers_zone(
    app: App, organiser: Member, clock: Clock
) -> None:
    await app.services.subscriptions.subscribe(
        "telegram",
        "t1",
        chat_id="dm-t1",
        topics=["all"],
        country=None,
        region=None,
        language="fr",
        now=clock(),
    )
    await organiser.command("announce")
    [event_step] = await organiser.say("Save the date")
    [topics] = await organiser.press(event_step, "none")
    [region] = await organiser.press(topics, "any")  # everyone
    [language] = await organiser.press(region, "EU")
    await organiser.press(language, "fr")
    [again] = await organiser.say("2026-11-01 09:00")
    assert "already passed" in again.text
    [preview] = await organiser.say("2026-12-01 09:00 Europe/Paris")
    assert "(Europe/Paris)" in preview.text and "Telegram: 1 · Slack: 0 (1 in all)" in preview.text
    [done] = await organiser.say("yes")
    assert "confirmed" in done.text
    [row] = await announcements(app)
    assert row.send_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC) and row.language == "fr"
    assert row.event_id is None and row.topics == "" and row.region is None and not row.notify_channel


async def test_a_member_who_is_not_an_organiser_is_refused(app: App, organiser: Member) -> None:
    member = Member(app, platform="slack", user="UMEMBER")
    [refused] = await member.command("announce")
    assert "Only ESER organisers can send announcements" in refused.text
    await organiser.command("announce")
    await organiser.say("Hello")
    await app.services.organisers.store.revoke("slack", "UORG")
    [revoked] = await organiser.say("1")  # every step checks again
    assert "Only ESER organisers can send announcements" in revoked.text
    async with app.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AnnouncementRow)) == 0


async def test_an_announcement_to_nobody_is_refused_not_queued(app: App, organiser: Member) -> None:
    await organiser.command("announce")
    [event_step] = await organiser.say("Nobody is listening")
    [topics] = await organiser.press(event_step, "none")
    [region] = await organiser.press(topics, "any")
    [language] = await organiser.press(region, "EU")
    [when] = await organiser.press(language, "any")
    [preview] = await organiser.press(when, "now")
    nobody = app.services.catalogue.text("broadcast.invalid.nobody", "en")
    assert "Telegram: 0 · Slack: 0" in preview.text and nobody in preview.text
    assert not any("confirm" in data for data in callbacks(preview))  # no "Send to 0"
    [refused] = await organiser.say("yes")  # typed anyway
    assert nobody in refused.text
    assert await announcements(app) == []  # nothing sits "scheduled"
