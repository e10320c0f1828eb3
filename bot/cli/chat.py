"""``eser-bot chat``: the console chat, with the same answers as Slack and Telegram."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.common import (
    build_engine,
    config_error_exit,
    offline_defaults,
    platform_capabilities,
    read_settings,
    run_ingest,
)
from bot.errors import ConfigError


def _prompt_lines(console: Console) -> Iterator[str]:
    while True:
        try:
            yield console.input("[bold cyan]you>[/bold cyan] ")
        except (EOFError, KeyboardInterrupt):
            return


def chat(
    ensure_index: Annotated[
        bool,
        typer.Option("--ensure-index", help="Ingest the knowledge base first if it is missing or stale."),
    ] = False,
) -> None:
    """Console chat with the same answers as Slack and Telegram."""
    offline_defaults()
    from adapters.console import run_console
    from bot.app import build_app

    err = Console(stderr=True)
    settings = read_settings(err)
    logging.getLogger().setLevel(logging.WARNING)  # the chat is for reading answers, not logs
    interactive = sys.stdin.isatty()
    engine = build_engine(settings, indexing=ensure_index)
    # Incremental: embeds only what is missing or changed, so an up-to-date index costs well under 1 s.
    if ensure_index and not run_ingest(engine, list(settings.content_dirs), err, quiet_when_unchanged=True):
        err.print("[yellow]Some files failed to load; chatting with the rest.[/yellow]")

    async def main() -> None:
        app = await build_app(settings, knowledge=engine, platforms=platform_capabilities(settings))
        try:
            await app.services.events.sync_index()
            await engine.warm_up()  # before the prompt, not during the first question
            console = Console(highlight=False, soft_wrap=not interactive, force_terminal=interactive or None)
            lines = _prompt_lines(console) if interactive else (line.rstrip("\n") for line in sys.stdin)
            await run_console(
                app.handle,
                app.services.catalogue,
                lines,
                console=console,
                interactive=interactive,
                language=os.environ.get("LANG", "")[:2] or None,
            )
        finally:
            await app.close()

    try:
        asyncio.run(main())
    except ConfigError as error:
        config_error_exit(err, error)
