"""Prometheus metrics of one process, on a registry of its own (built in ``bot.app.build_app``).

Nothing here holds a member's text or id: questions are counted by platform and answer language,
answers by outcome, messages sent by platform and result.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.delivery import DeliveryError, RateLimited, SentMessage
from bot.delivery import Sender as DeliverySender
from bot.models import Reply, Target
from bot.store.outbox import Backlog
from knowledge.models import Answer

# Seconds from a question's arrival at the handler to its answer: the answer path takes tens of
# milliseconds warm, a cold model or an LLM seconds.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
GROUNDED = "grounded"


class Metrics:
    """Every metric the bot exports.

    Args:
        registry: Where they are registered (a new one when None: never the library's global one,
            so two apps in one process — tests — keep their counts apart).
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.questions = Counter(
            "eser_questions",
            "Questions answered (or declined), by platform and answer language",
            ["platform", "language"],
            registry=self.registry,
        )
        self.answer_seconds = Histogram(
            "eser_answer_seconds",
            "Seconds from a question reaching its handler to its answer",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "eser_answers",
            "Answers by outcome: grounded, or the kind of decline (the grounded share is "
            'outcome="grounded" over all)',
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.refused = Counter(
            "eser_questions_refused_busy",
            "Questions refused because the answers in flight and their queue were full (the member "
            "was asked to try again in a moment; the question was not counted against the quota)",
            ["platform"],
            registry=self.registry,
        )
        self.votes = Counter(
            "eser_votes", "Votes on answers (up or down)", ["platform", "vote"], registry=self.registry
        )
        self.messages = Counter(
            "eser_messages_sent",
            "Messages the bot sent on its own (broadcasts, reminders, reports) by result: sent, "
            "failed, rate_limited (the platform said 429)",
            ["platform", "result"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "eser_outbox_pending",
            "Broadcast rows waiting or in flight, by platform",
            ["platform"],
            registry=self.registry,
        )
        self.outbox_oldest = Gauge(
            "eser_outbox_oldest_seconds",
            "Seconds the oldest due broadcast row has been waiting to be sent, by platform (0 when "
            "none is due): it grows when delivery stalls or falls behind",
            ["platform"],
            registry=self.registry,
        )
        self._outbox_platforms: set[str] = set()
        self.leader = Gauge(
            "eser_leader",
            "1 while this replica is the elected one delivering broadcasts, else 0",
            registry=self.registry,
        )

    def answered(self, platform: str, answer: Answer, seconds: float) -> None:
        """Count one question and its outcome, and observe how long it took."""
        self.questions.labels(platform, answer.language).inc()
        self.answer_seconds.labels(platform).observe(seconds)
        outcome = GROUNDED if answer.grounded else (answer.decline or "unknown")
        self.answers.labels(platform, outcome).inc()

    def refused_busy(self, platform: str) -> None:
        """Count one question refused because too many answers were in flight."""
        self.refused.labels(platform).inc()

    def voted(self, platform: str, up: bool) -> None:
        """Count one vote."""
        self.votes.labels(platform, "up" if up else "down").inc()

    def set_outbox(self, backlog: dict[str, Backlog], platforms: list[str]) -> None:
        """Set the pending rows and the oldest row's wait of every platform (0 for those without any)."""
        empty = Backlog(rows=0, oldest_seconds=0.0)
        # A platform whose last rows went out since the previous reading must fall to 0 too.
        self._outbox_platforms.update(platforms, backlog)
        for platform in sorted(self._outbox_platforms):
            current = backlog.get(platform, empty)
            self.outbox_pending.labels(platform).set(current.rows)
            self.outbox_oldest.labels(platform).set(current.oldest_seconds)

    def exposition(self) -> bytes:
        """The metrics in Prometheus's text format (what ``/metrics`` serves)."""
        return generate_latest(self.registry)


class MeteredSender:
    """A platform ``Sender`` whose every send is counted by result.

    Args:
        sender: The sender.
        metrics: Where the counts go.
    """

    def __init__(self, sender: DeliverySender, metrics: Metrics) -> None:
        self.platform = sender.platform
        self.inner = sender
        self._metrics = metrics

    async def send(self, target: Target, reply: Reply) -> SentMessage:
        """Send ``reply`` to ``target`` (see ``bot.delivery.Sender.send``), counting the result."""
        try:
            sent = await self.inner.send(target, reply)
        except RateLimited:
            self._metrics.messages.labels(self.platform, "rate_limited").inc()
            raise
        except DeliveryError:
            self._metrics.messages.labels(self.platform, "failed").inc()
            raise
        self._metrics.messages.labels(self.platform, "sent").inc()
        return sent
