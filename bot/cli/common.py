"""What every ``eser-bot`` command shares: offline defaults, settings, the knowledge engine, the
ingest summary, a progress bar, the core app for one job, and reading a ``platform:id``.

Heavy imports (the knowledge engine, the core app) happen inside the functions, so that
``eser-bot --help`` stays fast.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app import App
    from bot.models import Target
    from bot.platforms import PlatformCapabilities
    from knowledge.engine import KnowledgeEngine

T = TypeVar("T")


def offline_defaults() -> None:
    """Keep model hubs and telemetry out of reach; call before the libraries load.

    The hub switches are forced, not defaulted: the bot never downloads a model, whatever the
    environment says (``knowledge.embeddings`` sets them again right before a model loads).
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def setting_problems(error: ValidationError) -> list[str]:
    """One line per bad setting: its variable's name and what is allowed (pydantic's "Value
    error, " prefix dropped; a value that is not even of the right type is quoted)."""
    lines: dict[str, str] = {}
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "settings"
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] != "value_error" and isinstance(problem.get("input"), str):
            message += f" (got {problem['input']!r})"
        lines.setdefault(name, f"Setting {name}: {message}")
    return list(lines.values())


def read_settings(console: Console) -> Settings:
    """The settings, with logging configured; a bad setting is named on one line (what is allowed,
    what was given) and the command exits with code 2 before anything loads."""
    try:
        settings = Settings()
    except ValidationError as error:
        for line in setting_problems(error):
            console.print(f"[red]{escape(line)}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    configure_logging(settings)
    return settings


def config_error_exit(console: Console, error: ConfigError) -> NoReturn:
    """Name the setting to fix on one line and exit with code 2."""
    message = f"[red]Configuration error — {error.setting}: {escape(error.problem)}[/red]"
    console.print(message, soft_wrap=True)
    raise typer.Exit(2) from error


def platform_capabilities(settings: Settings) -> list[PlatformCapabilities]:
    """Every platform's declaration to the core (the adapters', read lazily)."""
    from adapters.platforms import platform_capabilities as declared

    return declared(settings)


def build_engine(settings: Settings, *, indexing: bool = False) -> KnowledgeEngine:
    """The knowledge engine the settings describe (``indexing``: embed on every core)."""
    from bot.i18n import Catalogue
    from bot.parts import build_knowledge

    return build_knowledge(settings, Catalogue(), indexing=indexing)


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar (only on a terminal); yields the ``(total, done)`` callback that moves it."""
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=None)
        yield lambda total, done: progress.update(task, total=total, completed=done)


def run_ingest(
    engine: KnowledgeEngine, paths: list[Path], console: Console, *, quiet_when_unchanged: bool = False
) -> bool:
    """Ingest with a progress bar and a summary; returns True when every file loaded."""
    with progress_bar(console, "Embedding") as on_progress:
        report = engine.ingest_sync(paths, progress=on_progress)
    changed = report.added or report.updated or report.removed or report.withdrawn
    if quiet_when_unchanged and report.ok and not changed:
        return True
    columns = ("added", "updated", "unchanged", "removed", "withdrawn", "failed", "suspicious")
    table = Table(title="Ingest summary", show_header=True)
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(*(str(len(getattr(report, column))) for column in columns))
    console.print(table)
    console.print(
        f"{report.chunks_embedded} chunks embedded, {report.chunks_deleted} removed in {report.seconds:.1f} s"
    )
    for failure in report.failed:
        # Unwrapped, so that "path:line" stays one clickable, greppable token.
        console.print(f"[red]failed[/red] {escape(str(failure))}", soft_wrap=True)
    for doc_id in report.withdrawn:
        console.print(
            f"[yellow]withdrawn[/yellow] {escape(doc_id)}: its file failed to load, so its old chunks "
            "were taken out of the index",
            soft_wrap=True,
        )
    for finding in report.suspicious:
        console.print(f"[yellow]suspicious[/yellow] {escape(str(finding))}", soft_wrap=True)
    if report.suspicious:
        console.print("Suspicious text was held back from the index; the rest of each file is indexed.")
    return report.ok


def run_with_app(console: Console, job: Callable[[App], Awaitable[T]]) -> T:
    """Build the core app, run ``job`` on it, close it; configuration errors exit with code 2."""
    from bot.app import build_app

    offline_defaults()
    settings = read_settings(console)

    async def main() -> T:
        app = await build_app(settings, platforms=platform_capabilities(settings))
        try:
            return await job(app)
        finally:
            await app.close()

    try:
        return asyncio.run(main())
    except ConfigError as error:
        config_error_exit(console, error)


def parse_target(console: Console, value: str, option: str) -> Target:
    """``platform:id`` read leniently (spaces around either part, any case of the platform) and
    stored one way only, so that the same organiser is never recorded under two spellings.

    ``--as`` is only a claim: anyone with shell access to the bot may name any organiser. The chat
    commands, where the platform says who is writing, are the authority.
    """
    from bot.models import Target

    platform, sep, chat = value.partition(":")
    chat = chat.strip()
    try:
        if any(char.isspace() for char in chat):
            raise ValueError(f"an id has no spaces: {value!r}")
        return Target.parse(f"{platform.strip().lower()}{sep}{chat}")
    except ValueError as error:
        console.print(f"[red]{option}: {escape(str(error))}[/red]")
        raise typer.Exit(2) from error
