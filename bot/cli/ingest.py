"""``eser-bot ingest``: bring the index up to date with the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.cli.common import build_engine, offline_defaults, read_settings, run_ingest


def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: ESER_CONTENT_DIRS).")
    ] = None,
) -> None:
    """Load, chunk, embed and index documents; only what changed is embedded again."""
    offline_defaults()
    console = Console(stderr=True)
    settings = read_settings(console)
    targets = paths or settings.content_dirs
    missing = [str(path) for path in targets if not path.exists()]
    if missing:
        console.print(f"[red]No such file or folder: {', '.join(missing)}[/red]")
        raise typer.Exit(2)
    if not run_ingest(build_engine(settings, indexing=True), list(targets), console):
        raise typer.Exit(1)
