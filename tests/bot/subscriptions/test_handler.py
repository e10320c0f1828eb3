"""``subscribe``, ``unsubscribe``, ``subscriptions`` and the one-tap ``unsub`` through the real core app."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.models import IncomingMessage, Reply
from bot.subscriptions import build_handlers
from tests.bot.onboarding.member import Member
from tests.bot.test_channels import Managers
from tests.conftest import FIXED_NOW

GROUP = "group-1"


def data(reply: Reply) -> list[str]:
    return [button.callback_data or "" for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    return [button.label for row in reply.buttons for button in row]


async def press(member: Member, data: str, *, direct: bool = True) -> list[Reply]:
    return await member.app.handle(member.message(callback=data, direct=direct))


async def stored(app: App, platform: str, user_id: str) -> list[tuple[str, str | None, str | None]]:
    return [
        (s.topic, s.country, s.region)
        for s in await app.services.subscriptions.subscriptions(platform, user_id)
    ]


async def test_the_picker_ticks_topics_and_done_subscribes(app: App) -> None:
    ana = Member(app, user="ana")
    [picker] = await ana.command("subscribe")
    assert "Which topics" in picker.text and "everywhere" in picker.text
    assert data(picker) == [
        "sub:t:1:",
        "sub:t:2:",
        "sub:t:4:",
        "sub:t:8:",
        "sub:t:16:",
        "sub:ok:a:",
        "sub:ok:0:",
    ]
    [ticked] = await press(ana, "sub:t:2:")
    assert labels(ticked)[1] == "✓ EU funding" and "sub:ok:2:" in data(ticked)
    [ticked] = await press(ana, data(ticked)[0])  # events too
    [done] = await press(ana, data(ticked)[-1])
    assert "Subscribed" in done.text and "Events, EU funding" in done.text
    assert await stored(app, "telegram", "ana") == [("events", None, None), ("funding", None, None)]
    [listed] = await ana.command("subscriptions")
    assert "Events, EU funding" in listed.text and "everywhere" in listed.text


async def test_typed_topics_in_the_members_language_with_a_place(app: App) -> None:
    chloe = Member(app, user="chloe", hint="fr")
    [done] = await chloe.command("subscribe", "financements et événements en Bavière")
    assert done.language == "fr" and "Bavière (Allemagne)" in done.text
    assert await stored(app, "telegram", "chloe") == [("events", "DE", "DE-BY"), ("funding", "DE", "DE-BY")]
    [row, _] = await app.services.subscriptions.subscriptions("telegram", "chloe")
    assert (row.kind, row.chat_id, row.language) == ("member", "dm-chloe", "fr")
    profile = await app.services.profiles.get("telegram", "chloe")
    assert profile is not None and profile.announcements is True
    assert await app.services.profiles.consents("telegram", "chloe") == [("announcements", True, FIXED_NOW)]


async def test_the_place_defaults_to_the_profiles(app: App) -> None:
    await app.services.profiles.update(
        "slack", "U1", chat_id="D1", now=FIXED_NOW, language="es", country="ES", region="ES-AN"
    )
    member = Member(app, platform="slack", user="U1", hint=None)
    member.chat = "D1"
    [done] = await member.command("subscribe", "policy")
    assert done.language == "es" and "Andaluc" in done.text and "/eser subscriptions" in done.text
    assert await stored(app, "slack", "U1") == [("policy", "ES", "ES-AN")]
    # A place given once becomes the member's place for every topic.
    await member.command("subscribe", "skills Bavaria")
    assert await stored(app, "slack", "U1") == [("policy", "DE", "DE-BY"), ("skills", "DE", "DE-BY")]
    await member.command("subscribe", "events")
    assert {(country, region) for _, country, region in await stored(app, "slack", "U1")} == {("DE", "DE-BY")}


async def test_an_unknown_place_offers_suggestions_as_buttons(app: App) -> None:
    dan = Member(app, user="dan")
    [question] = await dan.command("subscribe", "funding Catalonia")
    assert "Catalonia" in question.text and "sub:ok:2:ES-CT" in data(question)
    [done] = await press(dan, "sub:ok:2:ES-CT")
    assert "Catalunya" in done.text
    assert await stored(app, "telegram", "dan") == [("funding", "ES", "ES-CT")]
    [unknown] = await dan.command("subscribe", "weather Qwertyland")
    assert "weather Qwertyland" in unknown.text and "Events" in unknown.text
    assert await stored(app, "telegram", "dan") == [("funding", "ES", "ES-CT")]


async def test_unsubscribe_some_or_everything(app: App) -> None:
    eve = Member(app, user="eve")
    await eve.command("subscribe", "all Poland")
    [some] = await eve.command("unsubscribe", "funding")
    assert "Events, Social economy policy, Skills and training, Joining ESER" in some.text
    assert [topic for topic, *_ in await stored(app, "telegram", "eve")] == [
        "events",
        "policy",
        "skills",
        "join",
    ]
    [unknown] = await eve.command("unsubscribe", "weather")
    assert "weather" in unknown.text and len(await stored(app, "telegram", "eve")) == 4
    [everything] = await eve.command("unsubscribe")
    assert "no more announcements" in everything.text and "/subscribe" in everything.text
    assert await stored(app, "telegram", "eve") == []
    [none] = await eve.command("subscriptions")
    assert "not subscribed" in none.text


async def test_the_one_tap_unsubscribe_in_a_direct_chat_is_idempotent(app: App) -> None:
    fay = Member(app, user="fay", hint="de")
    await fay.command("subscribe", "events")
    [first] = await press(fay, "unsub")
    assert first.language == "de" and "/subscribe" in first.text and not first.ephemeral
    assert await stored(app, "telegram", "fay") == []
    [second] = await press(fay, "unsub")
    assert second.text == first.text
    consents = await app.services.profiles.consents("telegram", "fay")
    assert [granted for _, granted, _ in consents] == [True, False]


async def test_a_channel_is_subscribed_only_by_its_manager(app: App) -> None:
    boss, guest = Member(app, user="boss"), Member(app, user="guest")
    [refused] = await guest.command("subscribe", "events", direct=False)
    assert refused.ephemeral and "Only a manager" in refused.text
    assert await stored(app, "telegram", GROUP) == []  # no authority registered: nobody manages

    app.services.channel_authorities["telegram"] = Managers((GROUP, "boss"))
    [refused] = await guest.command("subscribe", "events", direct=False)
    assert refused.ephemeral and await stored(app, "telegram", GROUP) == []
    [done] = await boss.command("subscribe", "events Italy", direct=False)
    assert "This channel is subscribed" in done.text and not done.ephemeral
    [row] = await app.services.subscriptions.subscriptions("telegram", GROUP)
    assert (row.kind, row.chat_id, row.topic, row.country) == ("channel", GROUP, "events", "IT")
    assert await stored(app, "telegram", "boss") == []  # the manager's own subscriptions are untouched

    # Anyone may see what the channel receives; changing it needs a manager, buttons included.
    [listed] = await guest.command("subscriptions", direct=False)
    assert "This channel receives" in listed.text and "Italy" in listed.text
    [refused] = await guest.command("unsubscribe", direct=False)
    assert refused.ephemeral and len(await stored(app, "telegram", GROUP)) == 1
    [refused] = await press(guest, "sub:ok:a:", direct=False)
    assert refused.ephemeral and [t for t, *_ in await stored(app, "telegram", GROUP)] == ["events"]
    [picker] = await boss.command("subscribe", direct=False)
    assert "Italy" in picker.text
    await press(boss, "sub:ok:a:", direct=False)
    assert await stored(app, "telegram", GROUP) == [("all", "IT", None)]


async def test_the_one_tap_unsubscribe_in_a_channel(app: App) -> None:
    app.services.channel_authorities["slack"] = Managers((GROUP, "UBOSS"))
    boss = Member(app, platform="slack", user="UBOSS")
    guest = Member(app, platform="slack", user="UGUEST", hint="it")
    await boss.command("subscribe", "all", direct=False)

    [refused] = await press(guest, "unsub", direct=False)
    assert refused.ephemeral and refused.language == "it" and len(refused.text) <= 200
    assert await stored(app, "slack", GROUP) == [("all", None, None)]

    [done] = await press(boss, "unsub", direct=False)
    assert "This channel will receive no more announcements" in done.text and not done.ephemeral
    assert await stored(app, "slack", GROUP) == []
    [again] = await press(boss, "unsub", direct=False)
    assert again.text == done.text


async def test_other_buttons_and_commands_pass_through(app: App) -> None:
    [handler] = build_handlers(app.services)
    message = IncomingMessage(
        platform="telegram", chat_id="1", user_id="1", event_id="x", callback_data="fb:1:up"
    )
    assert await handler.handle(message) is None
    assert await handler.handle(message.model_copy(update={"callback_data": None, "command": "help"})) is None


@pytest.mark.parametrize("data", ["sub:ok:a:XX-<b>evil</b>", "sub:ok:a:ZZ", "sub:ok:3:ES-ZZZ", "sub:t:a:x"])
async def test_a_place_the_bot_never_offered_is_not_stored(app: App, data: str) -> None:
    [handler] = build_handlers(app.services)
    message = IncomingMessage(
        platform="telegram", chat_id="1", user_id="1", is_direct=True, event_id="x", callback_data=data
    )
    assert await handler.handle(message) is None
    assert await app.services.subscriptions.subscriptions("telegram", "1") == []
