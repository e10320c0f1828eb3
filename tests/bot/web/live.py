"""A real HTTP server of the organisers' web app on 127.0.0.1 (uvicorn, a free port), in a thread
with its own event loop, for the browser tests and the screenshot script.

The core app is built inside that loop (its database connections belong to it); a test reaches the
app through ``run`` (a coroutine run on the server's loop) and talks to the pages over HTTP.
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import uvicorn

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from knowledge.engine import KnowledgeEngine
from knowledge.models import Answer
from tests.bot.onboarding.member import RecordingSender
from tests.conftest import Clock, make_settings

T = TypeVar("T")


class LiveServer:
    """The web app served for real.

    Args:
        data_dir: The app's data folder (its SQLite database).
        knowledge: The knowledge engine.
        clock: The app's clock.
        organisers: ``ESER_ORGANISERS``.
    """

    def __init__(self, data_dir: Path, knowledge: KnowledgeEngine, clock: Clock, organisers: str) -> None:
        self._data_dir = data_dir
        self._knowledge = knowledge
        self._clock = clock
        self._organisers = organisers
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.app: App | None = None
        self._server: uvicorn.Server | None = None
        self._serving: Future[Any] | None = None

    def start(self) -> LiveServer:
        """Build the app and serve it; returns once the server listens."""
        self._thread.start()
        self.app = self.run(self._build())
        config = uvicorn.Config(self.app.web, log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._serving = asyncio.run_coroutine_threadsafe(
            self._server.serve(sockets=[self._socket]), self._loop
        )
        while not self._server.started:
            if self._serving.done():
                self._serving.result()
            threading.Event().wait(0.02)
        return self

    async def _build(self) -> App:
        settings = make_settings(
            self._data_dir, ESER_ORGANISERS=self._organisers, ESER_WEB_BASE_URL=self.base_url
        )
        app = await build_app(
            settings, knowledge=self._knowledge, clock=self._clock, platforms=platform_capabilities(settings)
        )
        for platform in ("telegram", "slack"):
            app.services.senders[platform] = RecordingSender(platform)
        return app

    def run(self, work: Awaitable[T]) -> T:
        """Run a coroutine on the server's loop and return its result."""
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=240)  # type: ignore[arg-type]

    def call(self, work: Callable[[App], Awaitable[T]]) -> T:
        """Run ``work(app)`` on the server's loop."""
        assert self.app is not None
        return self.run(work(self.app))

    def login_url(self, who: str) -> str:
        """A fresh sign-in link for ``platform:user_id``."""
        assert self.app is not None and self.app.services.login_links is not None
        platform, user_id = who.split(":", 1)
        url = self.app.services.login_links.issue(platform, user_id)
        assert urlsplit(url).netloc == f"127.0.0.1:{self.port}"
        return url

    def stop(self) -> None:
        """Stop serving and close the app."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            self._serving.result(timeout=30)
        if self.app is not None:
            self.run(self.app.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


QUESTIONS = (
    "How can our municipality join ESER?",
    "What EU funding is there for social enterprises?",
    "What's on in Spain next month?",
    "Can a cooperative join ESER?",
    "Who took part in the 2019 edition?",
)


async def seed_activity(app: App, days: int = 14, seed: int = 7) -> None:
    """A fortnight of plausible questions and votes (for the charts and the screenshots)."""
    chooser = random.Random(seed)
    now = app.services.clock()
    languages = ["en", "fr", "de", "es", "it", "pl"]
    for back in range(days):
        when = now - timedelta(days=back, hours=1)
        for n in range(chooser.randint(4, 16)):
            language = chooser.choices(languages, weights=[5, 3, 2, 2, 2, 1])[0]
            grounded = chooser.random() < 0.82
            answer = Answer(
                question=chooser.choice(QUESTIONS),
                text="…",
                grounded=grounded,
                language=language,
                decline=None if grounded else "out_of_scope",
            )
            platform = chooser.choice(["telegram", "slack", "telegram"])
            answer_id = await app.services.answers.record_answer(
                platform=platform,
                user_id=f"u{n}",
                chat_id=f"c{n}",
                thread=f"t{back}-{n}",
                answer=answer,
                now=when,
            )
            if chooser.random() < 0.35:
                await app.services.answers.vote(
                    answer_id=answer_id,
                    platform=platform,
                    user_id=f"u{n}",
                    vote=1 if chooser.random() < 0.8 else -1,
                    now=when,
                )
