"""``eser-bot web``: the organisers' web page alone, with uvicorn (see ``bot.web``).

``eser-bot serve`` already serves the page on its platform HTTP servers; this command is for
deployments without one (Slack Socket Mode, Telegram long polling) or that want the page on a host
of its own. It shares the bot's database, so sign-in links from ``/web`` and sessions work here.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.cli.common import config_error_exit, offline_defaults, platform_capabilities, read_settings
from bot.errors import ConfigError

if TYPE_CHECKING:
    from bot.settings import Settings


async def serve_web(settings: Settings, host: str, port: int) -> None:
    """Serve the web app on ``host:port`` until SIGTERM / Ctrl-C."""
    import uvicorn

    from bot.app import build_app
    from bot.events import EventService

    app = await build_app(settings, platforms=platform_capabilities(settings))
    # Events saved here are stored only: the bot's own process indexes them on its next tick (within
    # a minute), so one process alone writes an embedded index.
    app.services.events = EventService(app.services.sessions, None, app.services.clock)
    try:
        assert app.web is not None
        config = uvicorn.Config(app.web, host=host, port=port, log_config=None, access_log=False)
        await uvicorn.Server(config).serve()
    finally:
        await app.close()


def web(
    host: Annotated[str, typer.Option(help="Address to bind (default: ESER_HTTP_HOST).")] = "",
    port: Annotated[int, typer.Option(help="Port to bind (default: ESER_HTTP_PORT).")] = 0,
) -> None:
    """Serve the organisers' web page alone (sign in with /web in chat)."""
    offline_defaults()
    console = Console(stderr=True)
    settings = read_settings(console)
    try:
        asyncio.run(serve_web(settings, host or settings.http_host, port or settings.http_port))
    except ConfigError as error:
        config_error_exit(console, error)
