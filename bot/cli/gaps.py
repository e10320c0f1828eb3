"""``eser-bot gaps``: the knowledge gaps of the last days, as a table (see ``bot.gaps``); with
``--draft N --answer TEXT --as ORGANISER``, gap N becomes a draft organiser card, as "write a card"
on the organisers' web page does (publish it with ``eser-bot cards publish``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bot.cli.common import run_with_app

if TYPE_CHECKING:
    from bot.app import App
    from bot.gaps.report import Gap


def gaps(
    days: Annotated[int, typer.Option(min=1, max=3650, help="Look at the questions of the last N days.")] = 7,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Show at most N gaps, the biggest first.")] = 20,
    draft: Annotated[
        int | None, typer.Option(min=1, help="Draft an organisers' card for gap N of the table.")
    ] = None,
    answer: Annotated[str, typer.Option(help="The draft card's answer (with --draft).")] = "",
    organiser: Annotated[
        str, typer.Option("--as", help="Who drafts it: platform:user_id (with --draft).")
    ] = "",
    source: Annotated[str, typer.Option(help="The draft card's source link (optional).")] = "",
) -> None:
    """Questions the bot declined for want of knowledge or whose answer got a 👎, grouped by meaning."""
    from bot.gaps import knowledge_gaps

    console = Console(highlight=False)
    if draft is not None and not (answer.strip() and organiser):
        console.print("[red]--draft needs --answer TEXT and --as platform:user_id.[/red]")
        raise typer.Exit(2)

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
        if draft is not None:
            if draft > len(found):
                console.print(f"[red]There is no gap {draft}: the table has {len(found)}.[/red]")
                raise typer.Exit(1)
            await _draft_card(
                app, console, found[draft - 1], answer=answer, organiser=organiser, source=source
            )

    run_with_app(console, job)


async def _draft_card(
    app: App, console: Console, gap: Gap, *, answer: str, organiser: str, source: str
) -> None:
    from bot.cli.common import parse_target
    from bot.handoffs.cards import OrganiserCards
    from bot.handoffs.models import HandoffError

    who = parse_target(console, organiser, "--as")
    # Store only, like `cards publish`: the serving replicas index what is published.
    cards = OrganiserCards(app.services.handoffs, None, app.services.clock)
    language = gap.languages[0] if gap.languages else "en"
    try:
        card = await cards.draft_from_gap(
            gap.example, language=language, answer=answer, organiser=str(who), source_url=source
        )
    except HandoffError as error:
        console.print(f"[red]{escape(app.services.catalogue.text(error.key, 'en', **error.params))}[/red]")
        raise typer.Exit(1) from error
    console.print(
        f"Draft card {card.id} saved for “{escape(gap.example)}”; "
        f"publish it with: eser-bot cards publish {card.id} --as {who}"
    )
