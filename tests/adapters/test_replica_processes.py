"""Two real ``eser-bot serve all`` processes on one PostgreSQL database, as two replicas behind a
load balancer: the same Telegram update and the same Slack event (a retry to the other replica) are
answered once, and one member's questions spread over both count against one quota.

tests/adapters/test_replicas.py checks the same with two apps in one process; here nothing is
shared but the database (each replica has its own data folder and embedded Chroma), so any state
still kept in a process's memory would show as a second answer or a second quota. Both replicas
start at the same moment, as after a deployment: their migrations run under one lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.i18n import Catalogue
from tests.bot.store.postgres import create_database, drop_database, url_of
from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    SlackDeliverer,
    running_fake_slack,
)
from tests.fakes.telegram_server import FakeTelegramServer
from tests.serve_process import exit_code, start_serve

# Two processes each import torch and load the model on two shared cores: 30 to 60 s in all.
pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SECRET = "replica-webhook_s3cret"
QUESTION = "Can a cooperative become a member of ESER?"
QUOTA_QUESTION = "Une coopérative peut-elle devenir membre d'ESER ?"
DEDUPE_CHAT = 7101
QUOTA_MEMBER = 7202
SOURCE = "https://example.org/eser"  # the tiny knowledge base's one page, cited by every answer
QUOTA = 3  # ESER_QUOTA_QUESTIONS of both replicas
WINDOW_MINUTES = 10  # the default ESER_QUOTA_WINDOW_SECONDS (600)
START_SECONDS = 120.0  # two processes loading torch and the model on two shared cores
STOP_SECONDS = 60.0
ANSWER_SECONDS = 60.0


@dataclass
class Replica:
    """One ``serve all`` process and where it listens.

    Attributes:
        name: ``a`` or ``b`` (its data folder and log).
        process: The process.
        log: Its output.
        http_port: Slack's endpoint and ``/readyz`` (``ESER_HTTP_PORT``).
        webhook_port: The Telegram webhook (``TELEGRAM_WEBHOOK_PORT``).
    """

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    http_port: int
    webhook_port: int

    @property
    def slack_url(self) -> str:
        """Slack's request URL of this replica."""
        return f"http://127.0.0.1:{self.http_port}/slack/events"

    def tail(self, lines: int = 40) -> str:
        """The end of the replica's log, for assertion messages."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- replica {self.name} ---\n" + "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(
    tmp_path: Path, name: str, database_url: str, telegram: FakeTelegramServer, slack: FakeSlack
) -> dict[str, str]:
    """One replica's environment: its own data folder and ports, the shared database and fakes."""
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    # A tiny knowledge base keeps start-up short: these tests are about who answers, not what.
    (content / "about.md").write_text(
        f"---\ntitle: ESER\nurl: {SOURCE}\n---\n"
        "# ESER\n\nThe European Social Economy Regions network. Cooperatives, social enterprises "
        "and public authorities can become members of ESER.\n"
    )
    return {
        **os.environ,  # ESER_EMBEDDINGS (the tests' MiniLM model) and the offline switches
        "DATABASE_URL": database_url,
        "ESER_DATA_DIR": str(tmp_path / name),
        "ESER_CONTENT_DIRS": str(content),
        "ESER_QUOTA_QUESTIONS": str(QUOTA),
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/updates",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
        "TELEGRAM_WEBHOOK_PORT": str(_free_port()),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "ESER_HTTP_HOST": "127.0.0.1",
        "ESER_HTTP_PORT": str(_free_port()),
        "HF_HUB_OFFLINE": "1",
    }


async def _until_ready(replica: Replica, session: aiohttp.ClientSession) -> None:
    """Wait until both of the replica's endpoints say ``/readyz`` 200 (database, migrations, vector
    store, model loaded); the Slack endpoint is the last thing ``serve`` starts."""
    for _ in range(int(START_SECONDS / 0.5)):
        assert replica.process.poll() is None, replica.tail()
        statuses = []
        for port in (replica.webhook_port, replica.http_port):
            try:
                async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                    statuses.append(response.status)
            except aiohttp.ClientError:
                statuses.append(0)
        if statuses == [200, 200]:
            return
        await asyncio.sleep(0.5)  # each probe of a loading replica is logged
    raise AssertionError("the replica did not become ready:\n" + replica.tail())


@contextlib.asynccontextmanager
async def two_replicas(
    tmp_path: Path, telegram: FakeTelegramServer, slack: FakeSlack
) -> AsyncIterator[tuple[Replica, Replica]]:
    """Two ``eser-bot serve all`` processes on a fresh PostgreSQL database, started together and
    ready; on leaving, both get SIGTERM (each finishes the answers it took), must exit 0, and the
    database is dropped."""
    database = create_database()
    replicas: list[Replica] = []
    try:
        for name in ("a", "b"):
            env = _environment(tmp_path, name, url_of(database), telegram, slack)
            log = tmp_path / f"serve-{name}.log"
            replicas.append(
                Replica(
                    name,
                    start_serve(env, log, "all"),
                    log,
                    int(env["ESER_HTTP_PORT"]),
                    int(env["TELEGRAM_WEBHOOK_PORT"]),
                )
            )
        try:
            async with aiohttp.ClientSession() as session:
                await asyncio.gather(*(_until_ready(replica, session) for replica in replicas))
            yield replicas[0], replicas[1]
        finally:
            for replica in replicas:
                replica.process.send_signal(signal.SIGTERM)
            codes = [await exit_code(replica.process, STOP_SECONDS) for replica in replicas]
        assert codes == [0, 0], "\n".join(replica.tail() for replica in replicas)
    finally:
        for replica in replicas:  # a replica that did not stop in time must not outlive the test
            if replica.process.poll() is None:
                replica.process.kill()
                replica.process.wait(10)
        drop_database(database)


async def _post_update(session: aiohttp.ClientSession, replica: Replica, update: dict[str, object]) -> int:
    """POST a Telegram update to the replica's webhook, as Telegram does (with the secret)."""
    url = f"http://127.0.0.1:{replica.webhook_port}/telegram/updates"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with session.post(url, json=update, headers=headers) as response:
        return response.status


async def _one_update_three_times(
    session: aiohttp.ClientSession, telegram: FakeTelegramServer, a: Replica, b: Replica
) -> None:
    """One update to both replicas at the same moment, and once more to the first (a load
    balancer's retry after a dropped connection)."""
    update = telegram.updates.private_message(DEDUPE_CHAT, QUESTION)
    statuses = await asyncio.gather(*(_post_update(session, replica, update) for replica in (a, b, a)))
    assert statuses == [200, 200, 200]
    await telegram.wait_for_messages_to(DEDUPE_CHAT, 1, seconds=ANSWER_SECONDS)


async def _one_event_and_its_retries(slack: FakeSlack, a: Replica, b: Replica) -> dict[str, str]:
    """The event to A, then Slack's retry (no acknowledgement seen in time) to B, and another retry
    to B once the answer is out; returns the event."""
    first, retry = SlackDeliverer(a.slack_url, slack), SlackDeliverer(b.slack_url, slack)
    event = {
        "type": "app_mention",
        "channel": "CGENERAL",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "ts": first.next_ts(),
    }
    try:
        assert (await first.event(event, event_id="EvTwoProcesses")).status == 200
        assert (await retry.event(event, event_id="EvTwoProcesses", retry_num=1)).status == 200
        await slack.wait_for_deliveries(1, within=ANSWER_SECONDS)
        assert (await retry.event(event, event_id="EvTwoProcesses", retry_num=2)).status == 200
    finally:
        await first.close()
        await retry.close()
    return event


async def _questions_over_the_quota(
    session: aiohttp.ClientSession, telegram: FakeTelegramServer, a: Replica, b: Replica
) -> None:
    """One member's questions alternate between the replicas: the quota's three, then one more to
    each replica; each waits for the reply to the one before."""
    for turn, replica in enumerate((a, b, a, b, a), start=1):
        update = telegram.updates.private_message(QUOTA_MEMBER, QUOTA_QUESTION, language="fr")
        assert await _post_update(session, replica, update) == 200
        await telegram.wait_for_messages_to(QUOTA_MEMBER, turn, seconds=ANSWER_SECONDS)


async def test_two_serve_processes_answer_an_update_or_event_once_and_share_one_quota(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with FakeTelegramServer() as telegram, running_fake_slack() as slack:
        slack.add_user("U1")
        async with two_replicas(tmp_path, telegram, slack) as (a, b), aiohttp.ClientSession() as session:
            # At the same time, as members write while a load balancer spreads their messages.
            _, event, _ = await asyncio.gather(
                _one_update_three_times(session, telegram, a, b),
                _one_event_and_its_retries(slack, a, b),
                _questions_over_the_quota(session, telegram, a, b),
            )
        # Both replicas have stopped, each after finishing what it took: a second answer would be here.
        logs = a.tail() + "\n" + b.tail()

    telegram_answers = telegram.messages_to(DEDUPE_CHAT)
    assert len(telegram_answers) == 1, logs
    assert SOURCE in telegram_answers[0].params["text"], logs
    slack_answers = slack.messages()
    assert len(slack_answers) == 1, logs
    answer = slack_answers[0]
    assert answer.params["channel"] == "CGENERAL" and answer.params["thread_ts"] == event["ts"]
    assert SOURCE in str(answer.params), logs

    replies = [call.params for call in telegram.messages_to(QUOTA_MEMBER)]
    # In the member's language; how long to wait depends on when the first question was counted.
    refusals = {
        catalogue.text("quota.exceeded", "fr").format(limit=QUOTA, minutes=WINDOW_MINUTES, wait=wait)
        for wait in range(1, WINDOW_MINUTES + 1)
    }
    assert len(replies) == QUOTA + 2, replies
    assert all(SOURCE in reply["text"] for reply in replies[:QUOTA]), replies  # three cited answers
    assert all(reply["text"] in refusals for reply in replies[QUOTA:]), replies  # A's and B's refusal
