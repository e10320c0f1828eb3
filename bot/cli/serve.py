"""``eser-bot serve``: run the bot on Slack, Telegram or both (see ``adapters.serve``)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.common import config_error_exit, offline_defaults, read_settings
from bot.errors import ConfigError


def serve(
    platform: Annotated[str, typer.Argument(help="telegram, slack or all")],
) -> None:
    """Run the bot on Slack, Telegram or both until SIGTERM / Ctrl-C."""
    offline_defaults()
    from adapters.serve import serve_platforms

    console = Console(stderr=True)
    settings = read_settings(console)
    if platform not in ("telegram", "slack", "all"):
        console.print("[red]Choose telegram, slack or all.[/red]")
        raise typer.Exit(2)
    try:
        asyncio.run(serve_platforms(settings, ("telegram", "slack") if platform == "all" else (platform,)))
    except ConfigError as error:
        config_error_exit(console, error)
