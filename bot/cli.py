"""The ``eser-bot`` command line: ingest, ask, chat, eval and serve."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.cli_events import events_cli, sync_stored_events
from bot.errors import ConfigError
from bot.logs import configure_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from knowledge.engine import KnowledgeEngine
    from knowledge.models import Answer

cli = typer.Typer(
    add_completion=False, no_args_is_help=True, help="ESER Assistant: cited answers for the ESER network."
)
cli.add_typer(events_cli, name="events")


def _offline_defaults() -> None:
    # Nothing may reach a model hub or telemetry at run time; set before the libraries load.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _settings(console: Console) -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"])
            console.print(f"[red]Setting {name}: {escape(problem['msg'])}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    configure_logging(settings)
    return settings


def _engine(settings: Settings, *, indexing: bool = False) -> KnowledgeEngine:
    from bot.app import build_knowledge
    from bot.i18n import Catalogue

    return build_knowledge(settings, Catalogue(), indexing=indexing)


@contextmanager
def progress_bar(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar (only on a terminal); yields the ``(total, done)`` callback that moves it."""
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(label, total=None)
        yield lambda total, done: progress.update(task, total=total, completed=done)


def _run_ingest(
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


@cli.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: ESER_CONTENT_DIRS).")
    ] = None,
) -> None:
    """Load, chunk, embed and index documents; only what changed is embedded again."""
    _offline_defaults()
    console = Console(stderr=True)
    settings = _settings(console)
    targets = paths or settings.content_dirs
    missing = [str(path) for path in targets if not path.exists()]
    if missing:
        console.print(f"[red]No such file or folder: {', '.join(missing)}[/red]")
        raise typer.Exit(2)
    if not _run_ingest(_engine(settings, indexing=True), list(targets), console):
        raise typer.Exit(1)


def _answer_json(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "grounded": answer.grounded,
        "language": answer.language,
        "citations": [
            {"n": c.n, "title": c.title, "url": c.url, "text": c.snippet} for c in answer.citations
        ],
        "passages": [
            {"title": p.chunk.title, "url": p.chunk.url, "text": p.chunk.text, "score": round(p.score, 6)}
            for p in answer.passages
        ],
        "timing_ms": {
            key: round(answer.timing_ms.get(key, 0.0), 3) for key in ("retrieve", "answer", "total")
        },
    }


def _stdin_questions() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


@cli.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or '-' to read one question per line from stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per question.")] = False,
) -> None:
    """Answer a question with numbered sources."""
    _offline_defaults()
    console = Console(stderr=True)
    settings = _settings(console)
    engine = _engine(settings)
    asyncio.run(sync_stored_events(settings, engine))  # organisers' events from the database
    out = Console(highlight=False, soft_wrap=True)
    questions = _stdin_questions() if question == "-" else iter([question])
    for text in questions:
        answer = asyncio.run(engine.answer(text))
        if as_json:
            sys.stdout.write(json.dumps(_answer_json(answer), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            continue
        out.print(answer.text, markup=False)
        if answer.citations:
            out.print()
            for citation in answer.citations:
                out.print(f"[{citation.n}] {citation.title} — {citation.url}", markup=False)
        for action in answer.actions:
            out.print(f"→ {action.label}: {action.url}", markup=False)


def _prompt_lines(console: Console) -> Iterator[str]:
    while True:
        try:
            yield console.input("[bold cyan]you>[/bold cyan] ")
        except (EOFError, KeyboardInterrupt):
            return


@cli.command()
def chat(
    ensure_index: Annotated[
        bool,
        typer.Option("--ensure-index", help="Ingest the knowledge base first if it is missing or stale."),
    ] = False,
) -> None:
    """Console chat with the same answers as Slack and Telegram."""
    _offline_defaults()
    from adapters.console import run_console
    from bot.app import build_app

    err = Console(stderr=True)
    settings = _settings(err)
    logging.getLogger().setLevel(logging.WARNING)  # the chat is for reading answers, not logs
    interactive = sys.stdin.isatty()
    engine = _engine(settings, indexing=ensure_index)
    # Incremental: embeds only what is missing or changed, so an up-to-date index costs well under 1 s.
    if ensure_index and not _run_ingest(engine, list(settings.content_dirs), err, quiet_when_unchanged=True):
        err.print("[yellow]Some files failed to load; chatting with the rest.[/yellow]")

    async def main() -> None:
        app = await build_app(settings, knowledge=engine)
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
        err.print(
            f"[red]Configuration error — {error.setting}: {escape(error.problem)}[/red]", soft_wrap=True
        )
        raise typer.Exit(2) from error


@cli.command()
def serve(
    platform: Annotated[str, typer.Argument(help="telegram, slack or all")],
) -> None:
    """Run the bot on Slack, Telegram or both until SIGTERM / Ctrl-C."""
    _offline_defaults()
    from adapters.serve import serve_platforms

    console = Console(stderr=True)
    settings = _settings(console)
    if platform not in ("telegram", "slack", "all"):
        console.print("[red]Choose telegram, slack or all.[/red]")
        raise typer.Exit(2)
    try:
        asyncio.run(serve_platforms(settings, ("telegram", "slack") if platform == "all" else (platform,)))
    except ConfigError as error:
        console.print(
            f"[red]Configuration error — {error.setting}: {escape(error.problem)}[/red]", soft_wrap=True
        )
        raise typer.Exit(2) from error


def _register_groups() -> None:
    from bot.cli_broadcast import broadcast_cli, organisers_cli
    from bot.cli_cards import cards_cli
    from bot.cli_eval import evaluate_command

    cli.add_typer(broadcast_cli, name="broadcast")
    cli.add_typer(cards_cli, name="cards")
    cli.command("eval")(evaluate_command)
    cli.add_typer(organisers_cli, name="organisers")


_register_groups()


def main() -> None:
    """Console-script entry point."""
    cli()
