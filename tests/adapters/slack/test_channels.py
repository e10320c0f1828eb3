"""Channel managers on Slack, asked of the fake Web API: the channel's creator and workspace
admins/owners manage a channel; nobody manages a DM; any error refuses."""

from __future__ import annotations

import logging

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackRunner
from adapters.slack.channels import SlackChannelAuthority
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack


def authority(fake: FakeSlack) -> SlackChannelAuthority:
    return SlackChannelAuthority(AsyncWebClient(token=BOT_TOKEN, base_url=fake.base_url))


async def test_the_creator_manages_without_a_user_lookup(fake_slack: FakeSlack) -> None:
    fake_slack.channel_creators["C1"] = "UCREATOR"
    assert await authority(fake_slack).can_manage("C1", "UCREATOR")
    assert [call.params["channel"] for call in fake_slack.calls_of("conversations.info")] == ["C1"]
    assert fake_slack.calls_of("users.info") == []


@pytest.mark.parametrize(("flag", "manages"), [("is_admin", True), ("is_owner", True), (None, False)])
async def test_workspace_admins_and_owners_manage_every_channel(
    fake_slack: FakeSlack, flag: str | None, manages: bool
) -> None:
    fake_slack.channel_creators["C1"] = "UCREATOR"
    user = fake_slack.add_user("U2")
    if flag:
        setattr(user, flag, True)
    assert await authority(fake_slack).can_manage("C1", "U2") is manages
    assert [call.params["user"] for call in fake_slack.calls_of("users.info")] == ["U2"]


async def test_nobody_manages_a_dm(fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U3").is_admin = True
    assert not await authority(fake_slack).can_manage("DU4", "U3")


async def test_errors_refuse_and_are_logged(fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    fake_slack.delete_channel("CGONE")
    with caplog.at_level(logging.WARNING, logger="adapters.slack.channels"):
        assert not await authority(fake_slack).can_manage("CGONE", "U1")
        assert not await authority(fake_slack).can_manage("C1", "UNKNOWN")  # users.info: user_not_found
    assert "channel_not_found" in caplog.text and "user_not_found" in caplog.text


async def test_the_runner_registers_its_authority(runner: SlackRunner) -> None:
    registered = runner.core.services.channel_authorities["slack"]
    assert isinstance(registered, SlackChannelAuthority)
