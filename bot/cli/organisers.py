"""``eser-bot organisers``: who may add events and broadcast (the role stored in the database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.common import parse_target, run_with_app

if TYPE_CHECKING:
    from bot.app import App

organisers_cli = typer.Typer(
    no_args_is_help=True, help="Who may add events, broadcast and answer members' hand-offs."
)
RegionsOption = Annotated[
    str | None,
    typer.Option(
        "--regions",
        help="Countries whose members' hand-offs this organiser answers (ISO codes, e.g. BE,FR); "
        "none set: every country.",
    ),
]


@organisers_cli.command("add")
def add_organiser(
    member: Annotated[str, typer.Argument(help="platform:user_id, e.g. telegram:12345")],
    regions: RegionsOption = None,
) -> None:
    """Give a member the organiser role (stored in the database), optionally with their regions."""
    _change_role(member, grant=True, regions=regions)


@organisers_cli.command("regions")
def set_regions(
    member: Annotated[str, typer.Argument(help="platform:user_id (stored or in ESER_ORGANISERS)")],
    regions: Annotated[str, typer.Argument(help="ISO country codes, e.g. BE,FR; '' for every country")],
) -> None:
    """Set the countries whose members' hand-offs an organiser answers."""
    console = Console()
    who = parse_target(console, member, "member")
    codes = _codes(console, regions)

    async def job(app: App) -> None:
        await app.services.handoffs.set_regions(str(who), codes)
        console.print(f"{who} answers hand-offs from: {', '.join(codes) or 'every country'}.")

    run_with_app(console, job)


def _codes(console: Console, regions: str) -> list[str]:
    codes = [code.strip().upper() for code in regions.replace(";", ",").split(",") if code.strip()]
    wrong = [code for code in codes if not (len(code) == 2 and code.isalpha())]
    if wrong:
        console.print(f"[red]--regions: not ISO country codes: {', '.join(wrong)} (e.g. BE,FR).[/red]")
        raise typer.Exit(2)
    return codes


@organisers_cli.command("remove")
def remove_organiser(member: Annotated[str, typer.Argument(help="platform:user_id")]) -> None:
    """Take the organiser role away (members in ESER_ORGANISERS keep it)."""
    _change_role(member, grant=False)


def _change_role(member: str, *, grant: bool, regions: str | None = None) -> None:
    console = Console()
    who = parse_target(console, member, "member")
    codes = _codes(console, regions) if regions is not None else None

    async def job(app: App) -> None:
        store = app.services.organisers.store
        if grant:
            changed = await store.grant(who.platform, who.chat_id, granted_by="cli", now=app.services.clock())
            console.print(f"{who} is now an organiser." if changed else f"{who} already was an organiser.")
            if codes is not None:
                await app.services.handoffs.set_regions(str(who), codes)
                console.print(f"{who} answers hand-offs from: {', '.join(codes) or 'every country'}.")
        else:
            changed = await store.revoke(who.platform, who.chat_id)
            console.print(f"{who} is no longer an organiser." if changed else f"{who} had no stored role.")

    run_with_app(console, job)


@organisers_cli.command("list")
def list_organisers() -> None:
    """Organisers from ESER_ORGANISERS and from the database."""
    console = Console()

    async def job(app: App) -> None:
        table = Table("organiser", "source", "since", "hand-offs from")
        regions = await app.services.handoffs.regions()

        def covered(organiser: str) -> str:
            return ",".join(regions.get(organiser, [])) or "every country"

        for entry in app.services.settings.organisers:
            table.add_row(entry.strip(), "ESER_ORGANISERS", "", covered(entry.strip()))
        for platform, user_id, granted_by, granted_at in await app.services.organisers.store.all():
            who = f"{platform}:{user_id}"
            table.add_row(who, f"database ({granted_by})", granted_at.isoformat(), covered(who))
        console.print(table)

    run_with_app(console, job)
