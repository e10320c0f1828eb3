"""Prometheus metrics: questions, answers, votes and sends counted on the app's own registry."""

from __future__ import annotations

import asyncio
import contextlib
import re
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.metrics import run_metrics
from bot.app import App, build_app
from bot.broadcast.models import Draft
from bot.delivering import delivering_work, delivery_election
from bot.delivery import RateLimited, RecipientGone, SentMessage
from bot.metrics import Metrics
from bot.models import Reply, Target
from bot.settings import Settings
from bot.store.outbox import OutboxStore, Outcome
from knowledge.engine import KnowledgeEngine
from tests.bot.broadcast.subscribers import add_subscribers
from tests.bot.test_questions import feedback_row, message
from tests.chroma_server import free_port
from tests.conftest import Clock


def samples(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition text, by name and labels (parsed as Prometheus would)."""
    text = metrics.exposition().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return samples(metrics).get((name, frozenset(labels.items())))


async def test_a_question_is_counted_with_its_platform_language_outcome_and_latency(app: App) -> None:
    metrics = app.services.metrics
    # A member's first message on Slack may bring a welcome beside the answer.
    replies = await app.handle(message("Can a cooperative become a member of ESER?", platform="slack"))
    [reply] = [reply for reply in replies if reply.citations]
    await app.handle(message("Write me a poem about cooperatives.", platform="slack"))
    *_, french = await app.handle(message("Qui peut devenir membre d'ESER ?", hint="fr"))

    assert value(metrics, "eser_questions_total", platform="slack", language="en") == 2
    assert value(metrics, "eser_questions_total", platform="telegram", language="fr") == 1
    assert value(metrics, "eser_answer_seconds_count", platform="slack") == 2
    seconds = value(metrics, "eser_answer_seconds_sum", platform="slack")
    assert seconds is not None and 0 < seconds < 60
    assert value(metrics, "eser_answers_total", platform="slack", outcome="grounded") == 1
    outcomes = {
        dict(labels)["outcome"]: count
        for (name, labels), count in samples(metrics).items()
        if name == "eser_answers_total" and dict(labels)["platform"] == "slack"
    }
    assert outcomes["grounded"] == 1 and sum(outcomes.values()) == 2  # one decline, by its kind
    assert french.language == "fr"

    up, _ = feedback_row(reply)
    await app.handle(message(callback=up, platform="slack"))
    assert value(metrics, "eser_votes_total", platform="slack", vote="up") == 1
    # No member's text or id in the exposition.
    assert "cooperative" not in metrics.exposition().decode() and "u1" not in metrics.exposition().decode()


class ScriptedSender:
    """A platform sender that answers each send with the next scripted outcome."""

    platform = "telegram"

    def __init__(self, outcomes: list[Exception | None]) -> None:
        self.outcomes = outcomes

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome
        return SentMessage(target=target, message_id="1")


async def test_sends_through_the_registered_sender_are_counted_by_result(app: App) -> None:
    sender = app.signing(ScriptedSender([None, RateLimited(1.0), RecipientGone("blocked"), None]))
    target = Target(platform="telegram", chat_id="42")
    for _ in range(4):
        with contextlib.suppress(RateLimited, RecipientGone):
            await sender.send(target, Reply(text="hello"))
    metrics = app.services.metrics
    assert value(metrics, "eser_messages_sent_total", platform="telegram", result="sent") == 2
    assert value(metrics, "eser_messages_sent_total", platform="telegram", result="rate_limited") == 1
    assert value(metrics, "eser_messages_sent_total", platform="telegram", result="failed") == 1


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode())


async def test_serve_exposes_metrics_over_http_with_the_leader_and_outbox_gauges(app: App) -> None:
    port = free_port()
    settings = app.services.settings.model_copy(update={"metrics_port": port, "metrics_host": "127.0.0.1"})
    stop = asyncio.Event()
    task = asyncio.create_task(run_metrics(app, settings, stop, every=0.05))
    # Alone on SQLite this process is elected at once: the gauge shows its delivering term.
    term = asyncio.create_task(delivery_election(app).run(delivering_work(app), stop))
    try:
        await app.handle(message("What is the Social Economy Action Plan?"))
        await asyncio.sleep(0.2)
        url = f"http://127.0.0.1:{port}/metrics"
        text = await asyncio.to_thread(_get, url)
    finally:
        stop.set()
        await task
        await term
    assert re.search(r'^eser_questions_total\{language="en",platform="telegram"\} 1\.0$', text, re.M)
    assert re.search(r"^eser_leader 1\.0$", text, re.M)
    assert value(app.services.metrics, "eser_leader") == 0  # the term ended with serve
    assert re.search(r'^eser_outbox_pending\{platform="telegram"\} 0\.0$', text, re.M)
    with pytest.raises(OSError):  # stopped with serve
        await asyncio.to_thread(urllib.request.urlopen, url, timeout=2)


async def test_the_outbox_age_gauge_shows_how_long_the_oldest_due_row_has_waited(
    settings: Settings, empty_knowledge: KnowledgeEngine, clock: Clock
) -> None:
    """An announcement due 90 seconds ago that nobody delivers (no sender runs here): /metrics shows
    its rows waiting for 90 s; once they are sent, nothing waits."""
    app = await build_app(settings, knowledge=empty_knowledge, clock=clock)
    members = ["501", "502", "503"]
    await add_subscribers(app.services.sessions, "telegram", members, now=clock())
    await app.services.broadcasts.submit(
        Draft(text="The ESER annual meeting opens today.", send_at=clock()),
        organiser=Target(platform="telegram", chat_id="0"),
        report_to=None,
        kind="reminder",  # the bot's own: no organiser needed
    )
    outbox = OutboxStore(app.services.sessions)
    assert len(await outbox.start_due(clock())) == 1
    clock.advance(seconds=90)
    port = free_port()
    settings = app.services.settings.model_copy(update={"metrics_port": port, "metrics_host": "127.0.0.1"})
    url = f"http://127.0.0.1:{port}/metrics"
    stop = asyncio.Event()
    task = asyncio.create_task(run_metrics(app, settings, stop, every=0.05))
    try:
        await asyncio.sleep(0.2)
        waiting = await asyncio.to_thread(_get, url)
        rows = await outbox.claim("telegram", clock(), limit=10, lease=timedelta(seconds=60))
        await outbox.record([Outcome(item=row, kind="sent", message_id="1") for row in rows], clock())
        await asyncio.sleep(0.2)
        delivered = await asyncio.to_thread(_get, url)
    finally:
        stop.set()
        await task
    assert re.search(r'^eser_outbox_pending\{platform="telegram"\} 3\.0$', waiting, re.M)
    assert re.search(r'^eser_outbox_oldest_seconds\{platform="telegram"\} 90\.0$', waiting, re.M)
    assert re.search(r'^eser_outbox_pending\{platform="telegram"\} 0\.0$', delivered, re.M)
    assert re.search(r'^eser_outbox_oldest_seconds\{platform="telegram"\} 0\.0$', delivered, re.M)
    await app.services.db.dispose()


def test_two_apps_keep_their_counts_apart() -> None:
    first, second = Metrics(), Metrics()
    first.voted("slack", up=True)
    assert value(first, "eser_votes_total", platform="slack", vote="up") == 1
    assert value(second, "eser_votes_total", platform="slack", vote="up") is None
