"""``eser-bot migrate``: bring the database schema up to date, then exit.

``serve`` and every other command migrate at start too (under a lock, so replicas may start at once);
this command lets a deployment run the migrations as a job of its own before the replicas start.
"""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from bot.cli.common import config_error_exit, read_settings
from bot.errors import ConfigError


def migrate() -> None:
    """Migrate the database (DATABASE_URL, or the SQLite file in ESER_DATA_DIR) to the latest schema."""
    from bot.store.database import missing_revisions, open_database

    console = Console(stderr=True)
    settings = read_settings(console)

    async def main() -> set[str]:
        engine = await open_database(
            settings.effective_database_url,
            setting="DATABASE_URL" if settings.database_url else "ESER_DATA_DIR",
            shown=settings.database_url,
        )
        try:
            return await missing_revisions(engine)
        finally:
            await engine.dispose()

    try:
        missing = asyncio.run(main())
    except ConfigError as error:
        config_error_exit(console, error)
    if missing:  # cannot happen after a successful upgrade; said rather than hidden if it ever does
        console.print(f"[red]Still missing after migrating: {', '.join(sorted(missing))}[/red]")
        raise typer.Exit(1)
    console.print("The database schema is up to date.")
