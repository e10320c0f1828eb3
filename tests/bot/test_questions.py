"""The question handlers, driven through the core ``App`` (no platform involved)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.models import IncomingMessage, Reply
from bot.store.answers import AnswerRow
from tests.conftest import Clock

_ids = itertools.count()


def message(
    text: str = "",
    *,
    command: str | None = None,
    args: str = "",
    callback: str | None = None,
    direct: bool = True,
    mentioned: bool = False,
    user: str = "u1",
    thread: str | None = None,
    platform: str = "telegram",
    hint: str | None = "en",
) -> IncomingMessage:
    return IncomingMessage(
        platform=platform,
        chat_id="c1",
        user_id=user,
        text=text,
        is_direct=direct,  # type: ignore[arg-type]
        mentioned=mentioned,
        command=command,
        args=args,
        callback_data=callback,
        thread_id=thread,
        language_hint=hint,
        event_id=f"evt-{next(_ids)}",
    )


def feedback_row(reply: Reply) -> list[str]:
    return [button.callback_data or "" for button in reply.buttons[-1]]


async def test_question_gets_cited_answer_with_feedback_buttons(app: App) -> None:
    [reply] = await app.handle(message("Can a cooperative become a member of ESER?"))
    assert reply.citations, reply.text
    markers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", reply.text)}
    assert markers == {c.n for c in reply.citations}
    assert any(
        "public authorit" in c.snippet.lower() or "public authorit" in reply.text.lower()
        for c in reply.citations
    )
    up, down = feedback_row(reply)
    assert up.startswith("fb:") and up.endswith(":up") and down.endswith(":down")


async def test_group_message_without_mention_is_ignored(app: App) -> None:
    assert await app.handle(message("Can a cooperative join ESER?", direct=False)) == []
    assert await app.handle(message("Can a cooperative join ESER?", direct=False, mentioned=True))


async def test_redelivered_event_is_answered_once(app: App) -> None:
    first = message("What is ESER?")
    assert await app.handle(first)
    assert await app.handle(first) == []


async def test_too_long_question_never_reaches_retrieval(app: App) -> None:
    [reply] = await app.handle(message("x" * 4001))
    assert "4001" in reply.text and "4000" in reply.text
    async with app.services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(AnswerRow)) == 0


async def test_quota_stops_the_21st_question_then_recovers(app: App, clock: Clock) -> None:
    for _ in range(20):
        [reply] = await app.handle(message("What is ESER?"))
        assert reply.citations
    [blocked] = await app.handle(message("What is ESER?"))
    assert "20" in blocked.text and not blocked.citations
    [other] = await app.handle(message("What is ESER?", user="u2"))
    assert other.citations
    clock.advance(minutes=10, seconds=1)
    [again] = await app.handle(message("What is ESER?"))
    assert again.citations


async def test_unanswerable_question_is_not_grounded(app: App) -> None:
    [off_topic] = await app.handle(message("What is the best pizza topping in Naples?"))
    assert not off_topic.citations and off_topic.text.startswith("I can only help with")
    [unknown] = await app.handle(message("How many members did ESER have in 2012?"))
    assert not unknown.citations and "social-economy-gateway.ec.europa.eu" in unknown.text


async def test_events_command_lists_upcoming_events_with_signup_and_calendar(app: App) -> None:
    [reply] = await app.handle(message(command="events"))
    urls = [button.url for row in reply.buttons for button in row if button.url]
    assert "https://events.example.org/eser-network-meeting-2027/register" in urls
    assert reply.attachments and reply.attachments[0].content.startswith(b"BEGIN:VCALENDAR")
    assert "2018" not in reply.text  # no past event is upcoming
    assert reply.text.index("webinar") < reply.text.index("network meeting")  # soonest first


async def test_events_after_the_last_known_event_says_none(app: App, clock: Clock) -> None:
    clock.advance(days=3650)
    [reply] = await app.handle(message(command="events"))
    assert not reply.citations and "social-economy-gateway" in reply.text


async def test_funding_command_shows_status(app: App) -> None:
    [reply] = await app.handle(message(command="funding", args="social economy clusters twinning"))
    assert reply.citations
    first_line = reply.text.splitlines()[1]
    assert "TEST-2027-CLUSTERS" in first_line and "open" in first_line.lower()


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "it", "pl"])
async def test_help_in_member_language(app: App, language: str) -> None:
    [reply] = await app.handle(message(command="help", hint=language))
    assert reply.language == language
    assert "/events" in reply.text


async def test_slack_help_uses_the_slash_command(app: App) -> None:
    [reply] = await app.handle(message(command="help", platform="slack"))
    assert "/eser events" in reply.text


async def test_unknown_command_gets_help(app: App) -> None:
    [reply] = await app.handle(message(command="frobnicate"))
    assert "/frobnicate" in reply.text and "/help" in reply.text


async def test_thanks_come_in_the_answers_language(app: App) -> None:
    [reply] = await app.handle(message("Notre coopérative peut-elle adhérer directement au réseau ESER ?"))
    assert reply.language == "fr"
    up, _ = feedback_row(reply)
    [thanks] = await app.handle(message(callback=up))
    assert thanks.text == app.services.catalogue.text("feedback.thanks_up", "fr")


# --- events in free-text answers (organisers' events, member time zone, calendar file) ---------
SPAIN_EVENT = {
    "title": "Social economy summit Madrid",
    "start": "2026-12-10 10:00",
    "timezone": "Europe/Madrid",
    "place": "Palacio de Congresos, Madrid",
    "signup_url": "https://events.example.org/madrid-summit/register",
    "region": "ES",
}


async def test_whats_on_in_spain_next_month_finds_a_stored_event_with_signup_and_calendar(app: App) -> None:
    await app.services.events.add(SPAIN_EVENT, created_by="cli")
    [reply] = await app.handle(message("What's on in Spain next month?"))
    assert "Social economy summit Madrid" in reply.text and "Dec 10, 2026" in reply.text
    assert "(Europe/Madrid)" in reply.text
    assert reply.citations and "network meeting" not in reply.text  # March 2027: not next month
    assert SPAIN_EVENT["signup_url"] in [b.url for row in reply.buttons for b in row]
    [calendar] = reply.attachments
    assert calendar.filename.endswith(".ics") and b"SUMMARY:Social economy summit Madrid" in calendar.content
    assert b"LOCATION:Palacio de Congresos" in calendar.content


async def test_upcoming_never_lists_past_events(app: App, clock: Clock) -> None:
    await app.services.events.add({**SPAIN_EVENT, "start": "2026-11-27 10:00"})
    clock.advance(days=2)  # the stored event is now over
    [reply] = await app.handle(message("Any upcoming events?"))
    assert "Madrid" not in reply.text and "2018" not in reply.text and "webinar" in reply.text
    [listing] = await app.handle(message(command="events"))
    assert "Madrid" not in listing.text


async def test_event_dates_are_shown_in_the_members_language_and_time_zone(app: App, clock: Clock) -> None:
    await app.services.profiles.update(
        "telegram", "u1", chat_id="c1", now=clock.now, country="PT", language="fr"
    )
    [reply] = await app.handle(message(command="events"))
    # The network meeting starts at 10:00 in Brussels: 09:00 in Lisbon, dated in French.
    assert "15 mars 2027, 09:00 – 16:00 (Europe/Lisbon)" in reply.text


async def test_organisers_see_their_commands_in_help(app: App, clock: Clock) -> None:
    [plain] = await app.handle(message(command="help"))
    assert "/newevent" not in plain.text
    await app.services.organisers.store.grant("telegram", "u1", granted_by="test", now=clock.now)
    [organiser] = await app.handle(message(command="help"))
    assert "/newevent" in organiser.text and "/announce" in organiser.text


async def test_an_answer_citing_a_past_event_brings_no_calendar_file(app: App) -> None:
    [reply] = await app.handle(
        message("Tell me about the conference The Social Economy, the Future of Europe")
    )
    assert any(c.doc_id.startswith("events/") for c in reply.citations)  # Strasbourg, May 2022
    assert reply.attachments == []


@pytest.mark.parametrize(
    ("organisation", "says"),
    [
        ("public-authority", "permanent call"),
        ("social-enterprise", "public authorit"),
        ("ngo", "public authorit"),
        (None, "public authorit"),
    ],
)
async def test_join_answers_for_the_members_organisation_type(
    app: App, clock: Clock, organisation: str | None, says: str
) -> None:
    if organisation:
        await app.services.profiles.update(
            "telegram", "u1", chat_id="c1", now=clock(), organisation_type=organisation, language="en"
        )
    [reply] = await app.handle(message("/join", command="join"))
    first = reply.text.split(". ", 1)[0]
    assert says in first and reply.citations, reply.text
    if organisation in ("social-enterprise", "ngo"):
        assert "cannot" in reply.text.lower() or "not" in first.lower()  # they take part, not join


async def test_only_questions_count_against_the_quota(app: App) -> None:
    limit = app.services.quota.limit
    for n in range(limit + 3):  # commands and stray numbers, more than the quota allows
        await app.handle(message(command="events") if n % 2 else message(str(n % 5 + 1)))
    [answered] = await app.handle(message("What is ESER?"))
    assert answered.citations


async def test_a_stray_number_is_not_taken_for_a_question(app: App) -> None:
    [reply] = await app.handle(message("2"))
    assert reply.text == app.services.catalogue.text("choice.nothing_pending", "en").format(cmd="/")
    assert not reply.citations


async def test_events_added_by_another_process_are_listed_at_once(app: App) -> None:
    from bot.events import EventService

    # `eser-bot events add` writes only the table (no index) while the chat runs.
    other = EventService(app.services.sessions, None, app.services.clock)
    await app.services.events.sync_index()
    [before] = await app.handle(message(command="events"))
    assert "Harbour cooperative day" not in before.text
    fields = {
        "title": "Harbour cooperative day",
        "start": "2026-11-27 10:00",
        "end": "2026-11-27 12:00",
        "timezone": "Europe/Warsaw",
        "place": "Online",
        "online": "https://meet.example.org/harbour",
    }
    await other.add(fields, created_by="cli")
    [after] = await app.handle(message(command="events"))
    line = next(line for line in after.text.splitlines() if "Harbour cooperative day" in line)
    assert "10:00\u202fAM – 12:00\u202fPM" in line  # the end time, as English writes times
    assert "Online, online" not in line and "online" in line.lower()
