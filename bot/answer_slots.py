"""A bound on answers in flight: at most ``limit`` questions are being answered at once, at most
``queue`` more wait for their turn, and a question beyond both is refused at once.

A burst of questions larger than the machine can answer in a moment would otherwise queue without
end, every member's wait growing with it; a member told "ask again in a moment" can decide for
themselves. Built once in ``bot.app.build_app`` (``ESER_MAX_ANSWERS_IN_FLIGHT``,
``ESER_ANSWER_QUEUE``) and used by ``bot.questions``.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from bot.timing import stage
from knowledge.pool import usable_cores

# Answers in flight per core when ``ESER_MAX_ANSWERS_IN_FLIGHT`` is 0. Measured with
# benchmarks/bench_telegram.py (e5, 50 members, 2 cores, 2026-12-03, after the encoders ran one per
# core): 2 per core gave 23.5 and 24.1 answers/s, first reply p95 2.6 s, against 19.0 and 20.4/s,
# p95 3.4-3.6 s at 3 per core, 23.4/s and p95 2.9 s at 4 per core, 21.2 and 23.4/s at 1.5 per core
# and 19.0/s at 1: more answers at once only make the pool's threads and the event loop fight over
# the GIL, and every database round trip of the others waits for it.
IN_FLIGHT_PER_CORE = 2


def answers_in_flight(configured: int) -> int:
    """The bound ``ESER_MAX_ANSWERS_IN_FLIGHT`` gives (0: ``IN_FLIGHT_PER_CORE`` per usable core)."""
    return configured or IN_FLIGHT_PER_CORE * usable_cores()


class AnswerSlots:
    """Admits a question to be answered, or refuses it when answers in flight and the queue are full.

    Args:
        limit: Questions answered at once.
        queue: Further questions that may wait for a turn.
    """

    def __init__(self, limit: int, queue: int) -> None:
        if limit < 1 or queue < 0:
            raise ValueError("limit must be at least 1 and queue not negative")
        self.limit = limit
        self.queue = queue
        self._turns = asyncio.Semaphore(limit)
        self._admitted = 0  # answering and waiting

    @property
    def admitted(self) -> int:
        """Questions being answered or waiting for their turn."""
        return self._admitted

    def admit(self) -> Admission | None:
        """A place for one question, or None when ``limit + queue`` questions hold one already.

        Returns:
            An async context manager: entering waits for the question's turn, leaving gives the
            place back (also when the answer failed or was cancelled).
        """
        if self._admitted >= self.limit + self.queue:
            return None
        self._admitted += 1
        return Admission(self)

    def _leave(self, answering: bool) -> None:
        self._admitted -= 1
        if answering:
            self._turns.release()


class Admission:
    """One admitted question's place (see ``AnswerSlots.admit``)."""

    def __init__(self, slots: AnswerSlots) -> None:
        self._slots = slots
        self._answering = False
        self._left = False

    async def __aenter__(self) -> Admission:
        try:
            with stage("queue"):  # the wait behind other answers, apart from the handlers' own time
                await self._slots._turns.acquire()
        except BaseException:  # cancelled while waiting: the place is free again
            self._leave()
            raise
        self._answering = True
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._leave()

    def _leave(self) -> None:
        if not self._left:
            self._left = True
            self._slots._leave(self._answering)
