"""Crash safety of answers: ``eser-bot serve all`` killed with SIGKILL while answering a Telegram
message and a Slack event, then restarted, answers each exactly once — and Slack's retry of the
event, arriving after the restart, gets no second answer.

The fakes are slow where the bot asks them something before it answers (Telegram's typing
indicator, Slack's ``users.info`` for the member's locale), so the kill lands after the message was
acknowledged and before any answer left: the situation that used to lose both answers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from pathlib import Path

import aiohttp

from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    SlackDeliverer,
    running_fake_slack,
)
from tests.fakes.telegram_server import FakeTelegramServer
from tests.serve_process import SMALL_INDEX_MODEL, exit_code, start_serve

QUESTION = "Can a cooperative become a member of ESER?"
MEMBER = 4242
SLOW = 8.0  # seconds the fakes take before answering, while the bot is killed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(log: Path) -> str:
    return _tail(log)


async def _until_listening(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the Slack endpoint answers (it is the last thing ``serve`` starts)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            assert process.poll() is None, _tail(log)
            try:
                async with session.post(url, data=b"{}") as response:
                    if response.status == 401:  # up, and refusing an unsigned request
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("serve did not start:\n" + _tail(log))


def _answers_to_slack(fake: FakeSlack) -> list[str]:
    return [str(call.params.get("text")) for call in fake.messages()]


async def test_sigkill_mid_answer_then_restart_answers_each_platform_exactly_once(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text("# ESER\n\nThe European Social Economy Regions network.\n")
    port = _free_port()
    log = tmp_path / "serve.log"
    async with FakeTelegramServer() as telegram, running_fake_slack() as slack:
        env = {
            **os.environ,
            "ESER_DATA_DIR": str(tmp_path / "data"),
            "ESER_CONTENT_DIRS": str(content),
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
            "ESER_HTTP_HOST": "127.0.0.1",
            "ESER_HTTP_PORT": str(port),
            "ESER_INBOX_LEASE_SECONDS": "2",
            "HF_HUB_OFFLINE": "1",
            **SMALL_INDEX_MODEL,
        }
        url = f"http://127.0.0.1:{port}/slack/events"
        slack.add_user("U1")
        telegram.delays["sendChatAction"] = SLOW
        slack.delays["users.info"] = SLOW

        process = start_serve(env, log, "all")
        deliverer = SlackDeliverer(url, slack)
        try:
            await _until_listening(url, process, log)
            event = {
                "type": "app_mention",
                "channel": "CGENERAL",
                "user": "U1",
                "text": f"<@{BOT_USER_ID}> {QUESTION}",
                "ts": deliverer.next_ts(),
            }
            assert (await deliverer.event(event, event_id="EvK1")).status == 200  # acknowledged
            telegram.enqueue(telegram.updates.private_message(MEMBER, QUESTION))
            await telegram.wait_started("sendChatAction", 1, seconds=60)
            await slack.wait_for(lambda fake: fake.started["users.info"] >= 1, within=60)
            await asyncio.sleep(0.3)  # composing the answers
        finally:
            process.send_signal(signal.SIGKILL)
            await exit_code(process, 10)
        assert telegram.messages_to(MEMBER) == [] and _answers_to_slack(slack) == []

        telegram.delays.clear()
        slack.delays.clear()
        process = start_serve(env, log, "all")
        try:
            await _until_listening(url, process, log)
            await telegram.wait_for_deliveries(1, seconds=90)
            await slack.wait_for(lambda fake: len(fake.messages()) >= 1, within=90)
            # Slack retries the event it never saw answered: it was answered meanwhile.
            assert (await deliverer.event(event, event_id="EvK1", retry_num=1)).status == 200
            await asyncio.sleep(3)  # time for any second answer to show up
        finally:
            await deliverer.close()
            process.send_signal(signal.SIGTERM)
            assert await exit_code(process, 60) == 0, _tail(log)

        assert len(telegram.messages_to(MEMBER)) == 1, _tail(log)
        [answer] = slack.messages()
        assert answer.params["channel"] == "CGENERAL" and answer.params["thread_ts"] == event["ts"]
