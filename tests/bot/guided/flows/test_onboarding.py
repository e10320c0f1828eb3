"""The onboarding flow driven through the core ``App``: buttons, typed answers, controls, resumes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from bot.models import Reply
from bot.settings import Settings
from bot.store.erasure import count_member_rows
from bot.store.guided_chats import StoredChat
from bot.store.profiles import ConsentRow, SubscriptionRow
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import Member, button_data, callbacks
from tests.conftest import Clock, make_settings

OPTION_FIELDS = ("language", "organisation_type", "country", "region", "interests")


def links(reply: Reply) -> list[str]:
    return [button.url for row in reply.buttons for button in row if button.url]


async def state_of(app: App, member: Member) -> StoredChat | None:
    return await app.services.guided_chats.get(member.platform, member.user, "onboarding")


async def test_start_welcomes_and_asks_the_language_preselected_from_the_platform(app: App) -> None:
    member = Member(app, hint="de-AT")
    welcome, question = await member.command("start")
    assert "ESER" in welcome.text and welcome.language == "de"
    assert question.language == "de" and "Deutsch" in question.text
    assert "✓ Deutsch" in [button.label for row in question.buttons for button in row]
    assert {"en", "fr", "de", "es", "it", "pl", "!skip", "!cancel"} <= set(callbacks(question))
    assert all(len(data.encode()) <= 64 for row in question.buttons for b in row if (data := b.callback_data))
    # Skipping keeps the preselected language, and the next question comes in it.
    [organisation] = await member.press(question, "!skip")
    assert organisation.language == "de" and "Organisation" in organisation.text
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.language == "de"


async def test_complete_flow_with_buttons_builds_a_public_authority_kit(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "public-authority")
    [question] = await member.say("Belgique")
    assert "Belgium" in question.text  # the region question names the country
    [question] = await member.say("Liège")
    [question] = await member.press(question, "funding")
    [question] = await member.press(question, "events")
    labels = [button.label for row in question.buttons for button in row]
    assert "✓ EU funding" in labels and "✓ Events" in labels  # on buttons (not listed again as text)
    [question] = await member.press(question, "!done")
    assert "EU funding, Events" in question.text and "Liège (Belgium)" in question.text
    summary, take_part, funding, events, footer = await member.press(question, "yes")

    assert "Regional or local public authority" in summary.text and "Liège (Belgium)" in summary.text
    assert "expression of interest" in take_part.text.lower() and take_part.citations
    assert "TEST-2027-CLUSTERS" in funding.text and "open" in funding.text.lower()
    assert "network meeting 2027" in events.text  # Brussels: in the member's country
    assert "https://events.example.org/eser-network-meeting-2027/register" in links(events)
    assert events.attachments and events.attachments[0].content.startswith(b"BEGIN:VCALENDAR")
    for section in (take_part, funding, events):
        markers = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", section.text)}
        assert markers == {c.n for c in section.citations}
    assert "/profile" in footer.text and "/forget" in footer.text

    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None
    assert (profile.language, profile.organisation_type, profile.country, profile.region) == (
        "en",
        "public-authority",
        "BE",
        "BE-WLG",
    )
    assert profile.interests == ("funding", "events") and profile.announcements is True
    async with app.services.sessions() as session:
        subscriptions = (await session.scalars(select(SubscriptionRow))).all()
        consent = (await session.scalars(select(ConsentRow))).one()
    assert sorted(s.topic for s in subscriptions) == ["events", "funding"]
    assert {(s.country, s.region, s.chat_id) for s in subscriptions} == {("BE", "BE-WLG", "dm-u1")}
    assert consent.granted and consent.recorded_at == app.services.clock()
    row = await state_of(app, member)
    assert row is not None and row.status == "done"


async def test_complete_flow_typed_in_french_builds_a_cooperative_kit_for_poland(app: App) -> None:
    member = Member(app, hint="fr")
    *_, question = await member.command("start")
    assert question.language == "fr"
    [question] = await member.say("2")  # Français, by number
    [question] = await member.say("coopérative")
    assert question.language == "fr"
    [question] = await member.say("Pologne")
    [question] = await member.say("Mazowiekie")  # a typo: "did you mean…?"
    labels = [button.label for row in question.buttons for button in row]
    assert "Mazovie" in labels[0] and callbacks(question)[0] == "PL-14"  # named in French
    [question] = await member.say("1")
    [question] = await member.say("financements et événements")
    assert "Financements européens, Événements" in question.text  # straight to consent
    summary, take_part, funding, events, footer = await member.say("oui")

    assert summary.language == "fr" and "Entreprise sociale ou coopérative" in summary.text
    take_part_text = take_part.text.lower()
    assert "cooperative" in take_part_text and "authority" in take_part_text  # it goes through authorities…
    assert "mission" in take_part_text or "event" in take_part_text  # …and how it can still take part
    assert take_part.citations
    assert "TEST-2027-CLUSTERS" not in funding.text  # that call is for authorities and networks only
    assert "webinar" in events.text.lower()  # the Polish online webinar
    assert "network meeting 2027" not in events.text  # the Brussels meeting is not near Poland
    assert footer.language == "fr"
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and (profile.country, profile.region) == ("PL", "PL-14")
    assert profile.organisation_type == "social-enterprise" and profile.interests == ("funding", "events")


@pytest.mark.parametrize(
    ("hint", "country", "typed", "region"),
    [
        ("de", "Deutschland", "Bayern", "DE-BY"),
        ("de", "Deutschland", "Bavaria", "DE-BY"),
        ("en", "Germany", "Bavière", "DE-BY"),
        ("fr", "France", "Île de France", "FR-IDF"),
        ("fr", "France", "Ile de France", "FR-IDF"),
        ("pl", "Polska", "mazowieckie", "PL-14"),
        ("it", "Italia", "Lombardia", "IT-25"),
    ],
)
async def test_typed_region_names_in_any_language(
    app: App, hint: str, country: str, typed: str, region: str
) -> None:
    member = Member(app, hint=hint)
    *_, question = await member.command("start")
    [question] = await member.press(question, "!skip")
    [question] = await member.press(question, "other")
    [question] = await member.say(country)
    [question] = await member.say(typed)
    assert "!done" in callbacks(question)  # on to the interests
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.region == region


@pytest.mark.parametrize(("typed", "expected"), [("Mazowiekie", "PL-14"), ("Slask", "PL-24")])
async def test_region_typo_offers_did_you_mean_buttons(app: App, typed: str, expected: str) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "ngo")
    [question] = await member.say("Poland")
    [question] = await member.say(typed)
    assert expected in callbacks(question)
    [question] = await member.press(question, expected)
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.region == expected


async def test_unknown_place_is_asked_again_kindly(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "ngo")
    [again] = await member.say("Qwertyland")
    assert "Qwertyland" in again.text and "!skip" in callbacks(again)
    [question] = await member.say("Espana")
    [question] = await member.say("Xyzzy")
    assert "Xyzzy" in question.text and "Spain" in question.text


async def test_country_outside_the_eu_is_explained_with_a_way_forward(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "public-authority")
    [outside] = await member.say("Norway")
    assert "Norway" in outside.text and "COSME" in outside.text and "EU" in outside.text
    assert {"continue", "change"} <= set(callbacks(outside))
    [country] = await member.press(outside, "change")
    assert "!skip" in callbacks(country) and "COSME" not in country.text
    [outside] = await member.say("Schweiz")
    assert "Switzerland" in outside.text
    [interests] = await member.press(outside, "continue")  # no region question for a non-EU country
    assert "!done" in callbacks(interests)
    [back] = await member.press(interests, "!back")
    assert "COSME" in back.text  # back returns to the explanation, not to a region step
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.country == "CH" and profile.region is None


async def test_back_skip_and_cancel_as_buttons_and_typed_words(app: App) -> None:
    member = Member(app, hint="de")
    *_, question = await member.command("start")
    [question] = await member.say("zurück")  # nothing before the first question
    assert "erste Frage" in question.text
    [question] = await member.press(question, "de")
    [question] = await member.say("Genossenschaft")
    [question] = await member.say("zurück")  # back to the organisation question
    assert "social-enterprise" in callbacks(question)
    [question] = await member.press(question, "!back")  # and back to the language
    assert "de" in callbacks(question) and "!back" not in callbacks(question)
    [question] = await member.say("weiter")  # skip, in German
    [question] = await member.say("skip")  # skip, in English
    assert "Land" in question.text
    [stopped] = await member.say("abbrechen")
    assert "{cmd}start" not in stopped.text and "/start" in stopped.text
    row = await state_of(app, member)
    assert row is not None and row.status == "stopped"
    # A stopped flow lets other messages through to the question handler.
    [answer] = await member.say("Was ist ESER?")
    assert answer.citations
    # /start offers to continue where the member stopped.
    [offer] = await member.command("start")
    assert "Land" in offer.text and {"resume", "restart", "later"} <= set(callbacks(offer))
    [question] = await member.press(offer, "resume")
    assert "Deutschland" in question.text  # the country question again
    [question] = await member.press(question, "!cancel")
    [offer] = await member.command("start")
    [question] = await member.press(offer, "restart")
    assert "✓ Deutsch" in [b.label for row in question.buttons for b in row]  # language kept


async def test_typed_restart_starts_over(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "network")
    replies = await member.say("start over")
    assert "en" in callbacks(replies[-1]) and "!back" not in callbacks(replies[-1])


async def test_answer_not_understood_repeats_the_question(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [again] = await member.say("banana bread")
    assert "did not understand" in again.text and "public-authority" in callbacks(again)
    [again] = await member.say("9")  # no option 9
    assert "did not understand" in again.text


async def test_an_old_button_shows_the_current_question(app: App) -> None:
    member = Member(app)
    *_, language = await member.command("start")
    [organisation] = await member.press(language, "en")
    await member.press(organisation, "ngo")
    [current] = await member.press(language, "fr")  # the language button, pressed again later
    assert "earlier question" in current.text and "country" in current.text.lower()
    [region] = await member.say("Malta")  # the flow carries on from the current question
    assert "Malta" in region.text and "region" in region.text.lower()
    profile = await app.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.language == "en" and profile.country == "MT"


async def test_restart_of_the_bot_mid_flow_loses_nothing(
    settings: Settings, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    first = await build_app(settings, knowledge=knowledge, clock=clock)
    member = Member(first)
    *_, question = await member.command("start")
    [question] = await member.press(question, "es")
    [question] = await member.press(question, "researcher")
    await first.services.db.dispose()

    second = await build_app(settings, knowledge=knowledge, clock=clock)
    member.app = second
    [question] = await member.say("Alemania")  # the country question is still the current step
    assert question.language == "es" and "Alemania" in question.text
    [question] = await member.say("Baviera")
    assert "!done" in callbacks(question)
    profile = await second.services.profiles.get("telegram", "u1")
    assert profile is not None and profile.organisation_type == "researcher" and profile.region == "DE-BY"
    await second.services.db.dispose()


async def test_start_in_a_group_points_to_a_private_chat(app: App) -> None:
    member = Member(app)
    [pointer] = await member.command("start", direct=False)
    assert "private" in pointer.text and "/start" in pointer.text and not pointer.buttons
    assert await state_of(app, member) is None


async def test_slack_first_direct_question_is_answered_and_onboarding_offered(app: App) -> None:
    member = Member(app, platform="slack", user="U1")
    answer, offer = await member.say("Can a cooperative become a member of ESER?")
    assert answer.citations  # the question was not lost
    assert "starting kit" in offer.text and {"resume", "later"} <= set(callbacks(offer))
    # The offer is made once: the next question is simply answered.
    [again] = await member.say("What funding exists for social enterprises?")
    assert again.citations
    # Accepting starts the flow at its first step.
    [question] = await member.press(offer, "resume")
    assert "en" in callbacks(question)
    [question] = await member.press(question, "en")
    assert "public-authority" in callbacks(question)


async def test_slack_first_greeting_starts_the_flow(app: App) -> None:
    member = Member(app, platform="slack", user="U2", hint=None)
    welcome, question = await member.say("hello!")
    assert "ESER" in welcome.text and "en" in callbacks(question)


async def test_slack_member_joining_gets_the_flow(app: App) -> None:
    # The Slack adapter turns team_join / member_joined_channel into a direct "start".
    member = Member(app, platform="slack", user="U3")
    welcome, question = await member.command("start")
    assert "ESER" in welcome.text and "!cancel" in callbacks(question)
    [question] = await member.press(question, "en")
    row = await state_of(app, member)
    assert row is not None and row.status == "active" and row.chat_id == "dm-U3"
    [stopped] = await member.say("cancel")
    assert "/eser start" in stopped.text  # Slack's slash command


async def test_telegram_direct_message_of_an_unknown_member_is_just_answered(app: App) -> None:
    # Telegram clients always send /start first; a later plain message is a question.
    [answer] = await Member(app).say("What is ESER?")
    assert answer.citations


async def test_start_after_finishing_offers_to_start_over(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    for value in ("en", "other"):
        [question] = await member.press(question, value)
    [question] = await member.press(question, "!skip")  # no country, so no region either
    assert "!done" in callbacks(question)
    [question] = await member.press(question, "!done")
    replies = await member.press(question, "no")
    assert "will not send you announcements" in replies[0].text
    [welcome_back] = await member.command("start")
    assert "/profile" in welcome_back.text and callbacks(welcome_back) == ["restart"]
    [stale] = await member.press(question, "yes")
    assert "/start" in stale.text
    *_, question = await member.press(welcome_back, "restart")
    assert "en" in callbacks(question)
    assert await app.services.profiles.subscriptions("telegram", "u1") == []


async def test_member_language_shapes_later_answers(app: App) -> None:
    member = Member(app, hint="en")
    *_, question = await member.command("start")
    [question] = await member.press(question, "it")
    [question] = await member.press(question, "public-authority")
    [question] = await member.say("Polonia")
    [question] = await member.say("Mazowieckie")
    [question] = await member.say("3")
    await member.say("no")
    context = await app.services.members.context("telegram", "u1")
    assert context.language == "it"
    assert context.filters.boost_regions == ("PL",) and context.filters.boost_audiences == (
        "public-authority",
    )
    [help_reply] = await member.command("help")
    assert help_reply.language == "it"  # the platform still says English


async def test_onboarding_ignores_group_chatter(app: App) -> None:
    member = Member(app)
    *_, question = await member.command("start")
    assert await member.say("random chatter", direct=False) == []
    row = await state_of(app, member)
    assert row is not None and row.status == "active"
    assert button_data(question, "en") == "gc:onboarding:language:en"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_same_flow_on_sqlite_and_postgresql(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, knowledge: KnowledgeEngine, clock: Clock
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else ""
    settings = make_settings(tmp_path, DATABASE_URL=url)
    user = f"member-{backend}-{uuid.uuid4().hex[:6]}"  # the PostgreSQL database is shared by the session
    first = await build_app(settings, knowledge=knowledge, clock=clock)
    member = Member(first, user=user, hint="it")
    *_, question = await member.command("start")
    [question] = await member.say("italiano")
    [question] = await member.say("impresa sociale")
    await first.services.db.dispose()  # the bot restarts mid-flow

    second = await build_app(settings, knowledge=knowledge, clock=clock)
    member.app = second
    [question] = await member.say("Italia")
    [question] = await member.say("Lombardy")  # English name: "did you mean Lombardia?"
    assert callbacks(question)[0] == "IT-25" and "Lombardia" in question.text
    [question] = await member.say("sì")  # yes: the first suggestion
    [question] = await member.say("2, 3")
    assert "Finanziamenti UE, Eventi" in question.text
    summary, *kit, footer = await member.say("sì")
    assert summary.language == "it" and "Lombardia (Italia)" in summary.text and len(kit) == 3
    assert footer.language == "it" and "/forget" in footer.text
    profile = await second.services.profiles.get("telegram", user)
    assert profile is not None and (profile.country, profile.region) == ("IT", "IT-25")
    assert [s.topic for s in await second.services.profiles.subscriptions("telegram", user)] == [
        "events",
        "funding",
    ]
    await member.command("forget", "sì")
    counts = await count_member_rows(second.services.sessions, "telegram", user)
    assert set(counts.values()) == {0}
    await second.services.db.dispose()


async def test_a_bare_command_word_answers_the_current_step_on_slack(app: App) -> None:
    # Slack reads a DM that is exactly "events" as the events command.
    member = Member(app, platform="slack", user="U7")
    *_, question = await member.command("start")
    [question] = await member.press(question, "en")
    [question] = await member.press(question, "ngo")
    [question] = await member.say("Finland")
    [question] = await member.press(question, "!skip")
    bare = member.message("events", command="events")
    [consent] = await app.handle(bare)  # taken as the interests answer
    assert "Events" in consent.text and "yes" in callbacks(consent)
    # A bare command word the step does not take still runs the command.
    [listing] = await app.handle(member.message("funding", command="funding"))
    assert listing.citations and "yes" not in callbacks(listing)
    # An explicit slash command always runs the command.
    [help_reply] = await app.handle(member.message("help", command="help", mentioned=True))
    assert "/eser events" in help_reply.text
