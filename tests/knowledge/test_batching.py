"""Micro-batching of question embeddings (``knowledge.batching``) and the engine's answer pool, on the
real MiniLM model: concurrent questions are embedded together, and each gets its own vector and its
own answer."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from bot.i18n import Catalogue
from knowledge.batching import BatchingEmbeddings
from knowledge.embeddings import embed_questions
from knowledge.engine import KnowledgeEngine
from knowledge.pool import AnswerPool, usable_cores
from tests.conftest import LINKS, Clock, RememberingEmbeddings

QUESTIONS = [
    "Can a cooperative become a member of ESER?",
    "What is the Social Economy Action Plan?",
    "How can our municipality join ESER?",
    "Who can become an ESER member?",
    "What funding is there for social enterprises?",
    "When is the next ESER event?",
    "What does the social economy gateway offer?",
    "Which regions are ESER regions?",
    "How do I apply for the ESER label?",
    "What is a social economy region?",
    "Can an NGO join the network?",
    "Where can I find the ESER call for expression of interest?",
    "What are the benefits of being an ESER region?",
    "Is there a deadline to join ESER?",
    "Who organises the ESER network?",
    "What is the European Social Economy Regions initiative?",
    "Can a network of social enterprises join?",
    "How many regions took part in ESER 2023?",
    "What happens after a region is selected?",
    "Where do I ask a question that is not answered here?",
]


class CountingModel(Embeddings):
    """The real model, counting the calls that reach it (each one is one model call)."""

    def __init__(self, model: Embeddings) -> None:
        self.model = model
        self.calls = 0
        self.texts = 0
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self.calls += 1
            self.texts += len(texts)
        return embed_questions(self.model, texts)


class SlowModel(CountingModel):
    """The real model, each call held a little longer (so that calls surely overlap), counting the
    calls in progress at the same time."""

    def __init__(self, model: Embeddings) -> None:
        super().__init__(model)
        self.in_progress = 0
        self.most_at_once = 0

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            self.in_progress += 1
            self.most_at_once = max(self.most_at_once, self.in_progress)
        try:
            time.sleep(0.05)
            return super().embed_queries(texts)
        finally:
            with self._lock:
                self.in_progress -= 1


def ask_at_once(batcher: BatchingEmbeddings, questions: list[str]) -> list[list[float]]:
    """Every question embedded on a thread of its own, all released at the same moment."""
    vectors: list[list[float]] = [[] for _ in questions]
    start = threading.Barrier(len(questions))

    def ask(n: int) -> None:
        start.wait()
        vectors[n] = batcher.embed_query(questions[n])

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return vectors


def test_concurrent_questions_are_embedded_together_each_getting_its_own_vector(
    embeddings: RememberingEmbeddings,
) -> None:
    model = CountingModel(embeddings.model)  # the real model, not the session's remembered vectors
    batcher = BatchingEmbeddings(model, window=0.002, max_batch=32, encoders=1)
    vectors = ask_at_once(batcher, QUESTIONS)
    alone = [embeddings.model.embed_query(question) for question in QUESTIONS]
    for question, vector, expected in zip(QUESTIONS, vectors, alone, strict=True):
        assert np.allclose(vector, expected, atol=1e-5), question
    assert model.texts == len(QUESTIONS)
    assert model.calls < len(QUESTIONS)
    assert batcher.stats.questions == len(QUESTIONS)
    assert batcher.stats.batches == model.calls
    assert batcher.stats.mean_batch > 1


def test_several_encoders_work_at_once_and_each_question_is_encoded_once(
    embeddings: RememberingEmbeddings,
) -> None:
    model = SlowModel(embeddings.model)
    batcher = BatchingEmbeddings(model, max_batch=4, encoders=2)
    vectors = ask_at_once(batcher, QUESTIONS)
    alone = [embeddings.model.embed_query(question) for question in QUESTIONS]
    for question, vector, expected in zip(QUESTIONS, vectors, alone, strict=True):
        assert np.allclose(vector, expected, atol=1e-5), question
    assert model.texts == len(QUESTIONS)  # no question encoded twice, none lost
    assert model.most_at_once == 2  # both encoders busy, never a third
    assert batcher.stats.mean_batch > 1


def test_one_encoder_encodes_one_batch_at_a_time(embeddings: RememberingEmbeddings) -> None:
    model = SlowModel(embeddings.model)
    ask_at_once(BatchingEmbeddings(model, encoders=1), QUESTIONS)
    assert model.most_at_once == 1 and model.texts == len(QUESTIONS)


def test_encoders_default_to_the_usable_cores(embeddings: RememberingEmbeddings) -> None:
    assert BatchingEmbeddings(embeddings.model).encoders == usable_cores()
    with pytest.raises(ValueError):
        BatchingEmbeddings(embeddings.model, encoders=0)


def test_max_batch_caps_each_model_call(embeddings: RememberingEmbeddings) -> None:
    model = CountingModel(embeddings.model)
    batcher = BatchingEmbeddings(model, window=0.002, max_batch=3, encoders=1)
    ask_at_once(batcher, QUESTIONS[:12])
    assert model.calls >= 4  # 12 questions, at most 3 a call


def test_a_question_alone_does_not_wait_for_the_window(embeddings: RememberingEmbeddings) -> None:
    batcher = BatchingEmbeddings(CountingModel(embeddings.model), window=2.0, max_batch=32)
    batcher.embed_query("warm up")
    started = time.perf_counter()
    vector = batcher.embed_query(QUESTIONS[0])
    assert time.perf_counter() - started < 1.0  # the model takes milliseconds; the window 2 s
    assert np.allclose(vector, embeddings.model.embed_query(QUESTIONS[0]), atol=1e-5)


def test_a_model_error_reaches_the_caller_and_the_batcher_goes_on(embeddings: RememberingEmbeddings) -> None:
    batcher = BatchingEmbeddings(CountingModel(embeddings.model))
    with pytest.raises(AttributeError):
        batcher.embed_query(None)  # type: ignore[arg-type]  # the model cannot read it
    assert np.allclose(
        batcher.embed_query(QUESTIONS[1]), embeddings.model.embed_query(QUESTIONS[1]), atol=1e-5
    )


async def test_concurrent_answers_through_the_engine_match_the_answers_one_by_one(
    knowledge: KnowledgeEngine, catalogue: Catalogue, session_clock: Clock
) -> None:
    shared = knowledge.index.embeddings
    assert isinstance(shared, RememberingEmbeddings)
    # The model itself, not the suite's memory of its vectors: a remembered vector comes back at once,
    # so questions would never find the encoder busy and never share a call.
    model = CountingModel(shared.model)
    batcher = BatchingEmbeddings(model, encoders=1)  # one encoder: concurrent questions must share calls
    engine = KnowledgeEngine(knowledge.index, catalogue, clock=session_clock, links=LINKS, pool=AnswerPool(8))
    one_by_one = [engine.answer_sync(question).text for question in QUESTIONS]
    knowledge.index.embeddings = batcher
    try:
        answers = await asyncio.gather(*(engine.answer(question) for question in QUESTIONS))
    finally:
        knowledge.index.embeddings = shared
        engine.pool.shutdown()
    assert [answer.text for answer in answers] == one_by_one
    assert model.texts == len(QUESTIONS)
    assert model.calls < len(QUESTIONS)
