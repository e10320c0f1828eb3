"""Micro-batching of question embeddings: questions answered at the same time are encoded together.

Each answer runs on a thread of the engine's pool (``knowledge.pool``) and needs one query vector.
Encoding ten short questions in one call costs far less than ten calls (the model's weights are read
once for all of them), so concurrent ``embed_query`` calls are gathered into one batch:

- a question that arrives while the encoder is idle is encoded at once, alone (no window to wait);
- questions that arrive while a batch is being encoded wait for it to finish and then go together
  (up to ``max_batch``), encoded by the first of them, which hands on to the next once done;
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
        self.lead = False  # set when this caller is to encode the next batch itself
        self.ready = threading.Event()


class BatchingEmbeddings(Embeddings):
    """An ``Embeddings`` whose concurrent ``embed_query`` calls are encoded in batches.

    Args:
        inner: The real model (``knowledge.embeddings.build_embeddings``).
        window: Seconds the next batch waits for more questions under load (0: never waits).
        max_batch: Most questions in one model call.
    """

    def __init__(
        self, inner: Embeddings, *, window: float = DEFAULT_WINDOW_SECONDS, max_batch: int = DEFAULT_MAX_BATCH
    ) -> None:
        if max_batch < 1 or window < 0:
            raise ValueError("max_batch must be at least 1 and window not negative")
        self.inner = inner
        self.window = window
        self.max_batch = max_batch
        # Read by ``knowledge.embeddings.is_multilingual``: the wrapper reads what its model reads.
        self.multilingual = bool(getattr(inner, "multilingual", False))
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._pending: list[_Request] = []
        self._busy = False  # a caller is gathering or encoding a batch
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
            self._pending.append(request)
            lead = not self._busy
            self._busy = True
            self._arrived.notify()  # a leader gathering a batch may take this one too
        if not lead:
            request.ready.wait()
            lead = request.lead
        if lead:
            self._encode_next_batch()
        if request.error is not None:
            raise request.error
        assert request.vector is not None  # set with ``ready``
        return request.vector

    def _encode_next_batch(self) -> None:
        """Encode the oldest pending questions (the caller's own among them), then hand on."""
        with self._lock:
            if self._under_load and self.window > 0:
                deadline = time.monotonic() + self.window
                while len(self._pending) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                    self._arrived.wait(left)
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
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
                # The oldest waiting caller encodes the next batch: this one returns at once.
                self._pending[0].lead = True
                self._pending[0].ready.set()
            else:
                self._busy = False
        for request in batch:
            request.ready.set()
