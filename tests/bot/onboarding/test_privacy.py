"""Members' control over their data: /profile, /language, /forget and /privacy."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import App, build_app
from bot.broadcast.models import Draft
from bot.models import Target
from bot.store.base import member_reference_tables, member_tables
from bot.store.broadcasts import AnnouncementRow
from bot.store.erasure import count_member_rows
from bot.store.events import EventRow
from bot.store.gaps import GapStore
from bot.store.outbox import OutboxStore
from bot.store.web_logins import WebLoginStore
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import Member, callbacks
from tests.conftest import Clock, make_settings

EVENT = {
    "title": "Social economy summit Madrid",
    "start": "2026-12-10 10:00",
    "end": "2026-12-10 17:00",
    "timezone": "Europe/Madrid",
    "place": "Palacio de Congresos, Madrid",
    "language": "es",
    "region": "ES",
    "topics": "events",
}


async def onboard(member: Member, *, language: str = "en", consent: str = "yes") -> None:
    *_, question = await member.command("start")
    [question] = await member.press(question, language)
    [question] = await member.press(question, "public-authority")
    [question] = await member.say("Belgium")
    [question] = await member.say("Liège")
    [question] = await member.press(question, "funding")
    [question] = await member.press(question, "!done")
    await member.press(question, consent)


async def leave_traces(member: Member) -> None:
    """Give the member a row in every member table: profile, flow, consent, subscriptions, answers,
    a vote, feedback, a hand-off and (as an organiser) the regions they cover, a weekly digest and a
    used sign-in link."""
    await onboard(member)
    [answer] = await member.say("What is the Social Economy Action Plan?")
    up = next(
        b.callback_data for row in answer.buttons for b in row if (b.callback_data or "").endswith(":up")
    )
    await member.app.handle(member.message(callback=up))
    await member.command("feedback", "Thanks!")
    # An organiser role, and an announcement queued for the member (their subscription's outbox row).
    services = member.app.services
    await services.organisers.store.grant("telegram", member.user, granted_by="test", now=services.clock())
    await member.command("human", "Who can help our cooperative?")  # a question handed to the organisers
    await services.handoffs.set_regions(f"telegram:{member.user}", ["BE"])  # the countries they answer for
    organiser = Target(platform="telegram", chat_id=member.user)
    await services.broadcasts.submit(Draft(text="Hello"), organiser=organiser, report_to=None)
    await OutboxStore(services.sessions).start_due(services.clock())
    await member.command("newevent")  # an organiser's dialogue, left half-way
    await services.events.add(EVENT, created_by=f"telegram:{member.user}")  # an event they added
    now = services.clock()
    await GapStore(services.sessions).claim_digest("2026-W48", "telegram", member.user, now)  # a digest
    await WebLoginStore(services.sessions).use(  # a sign-in link to the organisers' page, used
        f"link-{member.user}", platform="telegram", user_id=member.user, now=now, expires_at=now
    )


async def test_profile_shows_what_is_stored(app: App) -> None:
    member = Member(app)
    [empty] = await member.command("profile")
    assert "/start" in empty.text and "0" in empty.text
    await onboard(member)
    await member.say("What is ESER?")
    [profile] = await member.command("profile")
    for expected in ("English", "Regional or local public authority", "Liège (Belgium)", "EU funding"):
        assert expected in profile.text
    assert "November 26, 2026" in profile.text  # when the announcements consent was given
    assert "1 (each deleted after 30 days)" in profile.text and "/forget" in profile.text


async def test_profile_in_the_member_language(app: App) -> None:
    member = Member(app, hint="en")
    await onboard(member, language="de", consent="no")
    [profile] = await member.command("profile")
    assert (
        profile.language == "de"
        and "(Belgien)" in profile.text
        and "Regionale oder lokale Behörde" in profile.text
    )
    assert "nein (geantwortet am 26. November 2026)" in profile.text


async def test_language_command_offers_buttons_and_changes_the_language(app: App) -> None:
    member = Member(app)
    [prompt] = await member.command("language")
    assert [b.callback_data for row in prompt.buttons for b in row] == [
        f"pv:lang:{code}" for code in ("en", "fr", "de", "es", "it", "pl")
    ]
    [changed] = await member.app.handle(member.message(callback="pv:lang:fr"))
    assert changed.language == "fr" and "français" in changed.text
    assert (await app.services.members.context("telegram", "u1")).language == "fr"
    [help_reply] = await member.command("help")
    assert help_reply.language == "fr"
    [changed] = await member.command("language", "Polish")
    assert changed.language == "pl"
    [changed] = await member.command("language", "es")
    assert changed.language == "es"
    [prompt] = await member.command("language", "Klingon")
    assert prompt.buttons and prompt.language == "es"


async def test_language_changed_in_a_group_keeps_the_direct_chat(app: App) -> None:
    member = Member(app)
    await onboard(member)
    await member.command("language", "it", direct=False)
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.language == "it" and profile.chat_id == "dm-u1"


async def test_forget_erases_every_row_about_the_member_after_confirmation(app: App) -> None:
    member, other = Member(app), Member(app, user="u2")
    await leave_traces(member)
    await leave_traces(other)
    before = await count_member_rows(app.services.sessions, "telegram", "u1")
    tables = set(member_tables()) | set(member_reference_tables())
    assert set(before) == tables and {"announcements", "events", "inbox"} <= tables
    assert all(before[table] > 0 for table in before), sorted(before.items())  # every member table had a row

    [confirm] = await member.command("forget")
    assert set(callbacks(confirm)) == {"yes", "no"}
    [kept] = await member.app.handle(member.message(callback="pv:forget:no"))
    assert "kept" in kept.text
    kept_rows = await count_member_rows(app.services.sessions, "telegram", "u1")
    # Nothing went; only the inbox recorded the two messages.
    assert kept_rows == {**before, "inbox": before["inbox"] + 2}

    [done] = await member.app.handle(member.message(callback="pv:forget:yes"))
    assert f"({sum(kept_rows.values())} records)" in done.text
    after = await count_member_rows(app.services.sessions, "telegram", "u1")
    assert after == dict.fromkeys(tables, 0)
    assert all(
        count > 0 for count in (await count_member_rows(app.services.sessions, "telegram", "u2")).values()
    )

    [again] = await member.app.handle(member.message(callback="pv:forget:yes"))  # idempotent
    assert "nothing to erase" in again.text
    # Forgotten means unknown: /start is a fresh welcome, not an offer to resume.
    welcome, _ = await member.command("start")
    assert "Welcome to ESER Assistant" in welcome.text


async def test_forget_typed_confirmation_and_the_quota(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    settings = make_settings(tmp_path, ESER_QUOTA_QUESTIONS="2")
    app = await build_app(settings, knowledge=knowledge, clock=clock)
    member = Member(app, hint="fr")
    for _ in range(2):
        [answer] = await member.command("ask", "What is ESER?")
        assert answer.citations
    [blocked] = await member.command("ask", "What is ESER?")
    assert not blocked.citations
    [done] = await member.command("forget", "oui")
    assert done.language == "fr" and "effacé" in done.text
    [answer] = await member.command("ask", "What is ESER?")  # the quota forgot them too
    assert answer.citations
    await app.services.db.dispose()


async def test_privacy_explains_what_why_and_how_long(
    tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    settings = make_settings(tmp_path, ESER_QUESTION_RETENTION_DAYS="7", ESER_ONBOARDING_RETENTION_DAYS="45")
    app = await build_app(settings, knowledge=knowledge, clock=clock)
    [text] = await Member(app, platform="slack", user="U9").command("privacy")
    assert "7 days" in text.text and "45 days" in text.text and "30 minutes" in text.text
    assert "/eser forget" in text.text and "/eser profile" in text.text
    await app.services.db.dispose()


async def test_profile_and_forget_only_in_a_private_chat(app: App) -> None:
    member = Member(app)
    await onboard(member)
    [pointer] = await member.command("profile", direct=False)
    assert "private chat" in pointer.text and "/profile" in pointer.text and "Liège" not in pointer.text
    [pointer] = await member.command("forget", "yes", direct=False)
    assert "/forget" in pointer.text
    assert await app.services.profiles.get("telegram", "u1") is not None  # nothing erased


async def test_a_forget_confirmation_pressed_in_a_group_erases_nothing(app: App) -> None:
    member = Member(app)
    await onboard(member)
    before = await count_member_rows(app.services.sessions, "telegram", "u1")
    # The payload is genuine (the bot offered it in the private chat); the press comes from a group.
    pressed = app.signer.sign("telegram", "pv:forget:yes")
    [refusal] = await app.answer(member.message(callback=pressed, direct=False))
    assert refusal.ephemeral and "private" in refusal.text.lower()
    after = await count_member_rows(app.services.sessions, "telegram", "u1")
    assert {k: v for k, v in after.items() if k != "inbox"} == {
        k: v for k, v in before.items() if k != "inbox"
    }


async def test_an_organiser_who_is_forgotten_is_no_longer_named_on_announcements_or_events(app: App) -> None:
    services = app.services
    organiser = Member(app, user="org1")
    await services.organisers.store.grant("telegram", "org1", granted_by="test", now=services.clock())
    who = Target(platform="telegram", chat_id="org1")
    submitted = await services.broadcasts.submit(Draft(text="Hello"), organiser=who, report_to=who)
    await services.events.add(EVENT, created_by="telegram:org1")
    [done] = await organiser.app.handle(organiser.message(callback="pv:forget:yes"))
    assert "nothing to erase" not in done.text and "records" in done.text
    async with services.sessions() as session:
        announcement = await session.get(AnnouncementRow, submitted.announcement_id)
        creators = (await session.scalars(select(EventRow.created_by))).all()
    assert announcement is not None and announcement.created_by == "" and announcement.report_to is None
    assert announcement.text == "Hello"  # the announcement itself stays, for the other organisers
    assert list(creators) == [""]
