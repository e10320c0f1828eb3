"""``eser-bot chat``: the console chat, with the same answers as Slack and Telegram.

The chat shows only what the bot says: log lines go to a file under the data folder
(``<ESER_DATA_DIR>/logs/chat.log``), or to standard error with ``--verbose``. The person typing is
``console:<OS user>``; ``--as-organiser`` makes them an organiser for this session only.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

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
from bot.logs import configure_logging
from bot.settings import Settings


def _prompt_lines(console: Console) -> Iterator[str]:
    while True:
        try:
            yield console.input("[bold cyan]you>[/bold cyan] ")
        except (EOFError, KeyboardInterrupt):
            return


def chat_log_path(settings: Settings) -> Path:
    """Where the console chat writes its log lines unless ``--verbose``."""
    return settings.data_dir / "logs" / "chat.log"


def _log_elsewhere(settings: Settings, verbose: bool) -> tuple[logging.Handler | None, TextIO | None]:
    """Send log lines to standard error (``verbose``) or to the chat's log file.

    Returns:
        The handler installed and the file it writes (None with ``verbose``), to close at the end.
    """
    if verbose:
        return configure_logging(settings, force=True), None
    path = chat_log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    stream = path.open("a", encoding="utf-8")
    # force: the handler read_settings put on standard error is replaced, whatever else is there.
    return configure_logging(settings, stream=stream, force=True), stream


def chat(
    ensure_index: Annotated[
        bool,
        typer.Option("--ensure-index", help="Ingest the knowledge base first if it is missing or stale."),
    ] = False,
    as_organiser: Annotated[
        bool,
        typer.Option(
            "--as-organiser",
            help="Be an organiser (console:<your OS user>) for this session: /newevent, /announce.",
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Show log lines on standard error instead of the log file."),
    ] = False,
) -> None:
    """Console chat with the same answers as Slack and Telegram (you are console:<OS user>)."""
    offline_defaults()
    from adapters.console import run_console
    from bot.app import build_app
    from bot.long_lived import freeze_long_lived

    err = Console(stderr=True)
    settings = read_settings(err)
    handler, log_file = _log_elsewhere(settings, verbose)
    user = getpass.getuser()
    if as_organiser:
        # For this session only: nothing is stored, so the next plain `chat` is a member again.
        settings = settings.model_copy(update={"organisers": [*settings.organisers, f"console:{user}"]})
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
            freeze_long_lived()
            console = Console(highlight=False, soft_wrap=not interactive, force_terminal=interactive or None)
            lines = _prompt_lines(console) if interactive else (line.rstrip("\n") for line in sys.stdin)
            await run_console(
                app.handle,
                app.services.catalogue,
                lines,
                console=console,
                interactive=interactive,
                language=os.environ.get("LANG", "")[:2] or None,
                user_id=user,
                attachments_dir=settings.data_dir / "attachments",
            )
        finally:
            await app.close()

    try:
        asyncio.run(main())
    except ConfigError as error:
        config_error_exit(err, error)
    finally:
        if handler is not None:
            logging.getLogger().removeHandler(handler)
        if log_file is not None:
            log_file.close()
