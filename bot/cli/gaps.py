"""``eser-bot gaps``: the knowledge gaps of the last days, as a table (see ``bot.gaps``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.cli.common import run_with_app

if TYPE_CHECKING:
    from bot.app import App


def gaps(
    days: Annotated[int, typer.Option(min=1, max=3650, help="Look at the questions of the last N days.")] = 7,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Show at most N gaps, the biggest first.")] = 20,
) -> None:
    """Questions the bot declined for want of knowledge or whose answer got a 👎, grouped by meaning."""
    from bot.gaps import knowledge_gaps

    console = Console(highlight=False)

    async def job(app: App) -> None:
        until = app.services.clock()
        since = until - timedelta(days=days)
        found = await knowledge_gaps(app.services, since=since, until=until, limit=limit)
        period = f"{since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M} UTC"
        if not found:
            console.print(f"No knowledge gaps from {period}: no question was declined or voted 👎.")
            return
        table = Table(title=f"Knowledge gaps, {period}", show_lines=False)
        for column in ("#", "questions", "👎"):
            table.add_column(column, justify="right")
        table.add_column("languages")
        table.add_column("first seen")
        table.add_column("last seen")
        table.add_column("example question", overflow="fold")
        for n, gap in enumerate(found, start=1):
            table.add_row(
                str(n),
                str(gap.count),
                str(gap.voted_down),
                ", ".join(gap.languages),
                f"{gap.first_seen:%Y-%m-%d}",
                f"{gap.last_seen:%Y-%m-%d}",
                Text(gap.example),  # as the member typed it: never read as rich markup
            )
        console.print(table)

    run_with_app(console, job)
