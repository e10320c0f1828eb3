"""``eser-bot organisers``: who may add events and broadcast (the role stored in the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.common import parse_target, run_with_app

if TYPE_CHECKING:
    from bot.app import App

organisers_cli = typer.Typer(no_args_is_help=True, help="Who may add events and broadcast.")


@organisers_cli.command("add")
def add_organiser(
    member: Annotated[str, typer.Argument(help="platform:user_id, e.g. telegram:12345")],
) -> None:
    """Give a member the organiser role (stored in the database)."""
    _change_role(member, grant=True)


@organisers_cli.command("remove")
def remove_organiser(member: Annotated[str, typer.Argument(help="platform:user_id")]) -> None:
    """Take the organiser role away (members in ESER_ORGANISERS keep it)."""
    _change_role(member, grant=False)


def _change_role(member: str, *, grant: bool) -> None:
    console = Console()
    who = parse_target(console, member, "member")

    async def job(app: App) -> None:
        store = app.services.organisers.store
        if grant:
            changed = await store.grant(who.platform, who.chat_id, granted_by="cli", now=app.services.clock())
            console.print(f"{who} is now an organiser." if changed else f"{who} already was an organiser.")
        else:
            changed = await store.revoke(who.platform, who.chat_id)
            console.print(f"{who} is no longer an organiser." if changed else f"{who} had no stored role.")

    run_with_app(console, job)


@organisers_cli.command("list")
def list_organisers() -> None:
    """Organisers from ESER_ORGANISERS and from the database."""
    console = Console()

    async def job(app: App) -> None:
        table = Table("organiser", "source", "since")
        for entry in app.services.settings.organisers:
            table.add_row(entry.strip(), "ESER_ORGANISERS", "")
        for platform, user_id, granted_by, granted_at in await app.services.organisers.store.all():
            table.add_row(f"{platform}:{user_id}", f"database ({granted_by})", granted_at.isoformat())
        console.print(table)

    run_with_app(console, job)
