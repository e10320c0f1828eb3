"""Member look-ups are made once per member and shared by concurrent events."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.users import SlackUser, SlackUsers
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack, dm_channel


def users(fake: FakeSlack) -> SlackUsers:
    return SlackUsers(AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url))


async def test_locale_is_looked_up_once_for_concurrent_events(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1", locale="fr-FR")
    fake_slack.delays["users.info"] = 0.1
    directory = users(fake_slack)
    locales = await asyncio.gather(*(directory.locale("U1") for _ in range(5)))
    assert locales == ["fr-FR"] * 5
    assert await directory.locale("U1") == "fr-FR"
    [call] = fake_slack.calls_of("users.info")
    assert call.params["include_locale"] in ("1", "true", "True")


async def test_bots_are_recognised(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("UB", is_bot=True)
    assert await users(fake_slack).profile("UB") == SlackUser(id="UB", locale="en-US", is_bot=True)


async def test_unknown_user_has_no_locale_and_is_asked_once(fake_slack: FakeSlack) -> None:
    directory = users(fake_slack)
    assert await directory.locale("UNOBODY") is None
    assert await directory.locale("UNOBODY") is None
    assert len(fake_slack.calls_of("users.info")) == 1


async def test_network_failure_is_not_remembered(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1", locale="de-DE")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}/api/"
    client = AsyncWebClient(token=BOT_TOKEN, base_url=refused)
    directory = SlackUsers(client)
    with pytest.raises(aiohttp.ClientConnectionError):
        await directory.locale("U1")
    client.base_url = fake_slack.base_url  # Slack is reachable again
    assert await directory.locale("U1") == "de-DE"


async def test_dm_channel_is_opened_once(fake_slack: FakeSlack) -> None:
    directory = users(fake_slack)
    assert directory.known_dm("U1") is None
    assert await directory.dm_channel("U1") == dm_channel("U1")
    assert await directory.dm_channel("U1") == dm_channel("U1")
    assert directory.known_dm("U1") == dm_channel("U1")
    [call] = fake_slack.calls_of("conversations.open")
    assert call.params["users"] == "U1"
