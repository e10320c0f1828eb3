"""``eser-bot cards``: list, show and check the answer cards of the knowledge base; list and publish
the cards organisers kept from their answers (``drafts``, ``publish``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli.common import read_settings, run_with_app

if TYPE_CHECKING:
    from bot.app import App

cards_cli = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Answer cards: list, show and check them."
)


def _content_dirs(console: Console) -> list[Path]:
    return list(read_settings(console).content_dirs)


@cards_cli.command("list")
def list_cards() -> None:
    """Every card with its languages, phrasings and sources."""
    from knowledge.cards import load_cards

    console = Console(highlight=False)
    cards, problems = load_cards(_content_dirs(console))
    table = Table(title=f"{len(cards)} answer cards")
    for column in ("id", "status", "languages", "phrasings", "sources", "last checked"):
        table.add_column(column)
    for loaded in sorted(cards, key=lambda item: item.card.id):
        card = loaded.card
        table.add_row(
            card.id,
            card.status,
            " ".join(sorted(card.answer)),
            str(sum(len(p) for p in card.questions.values())),
            ", ".join(s.doc for s in card.sources),
            str(card.last_checked or ""),
        )
    console.print(table)
    for problem in problems:
        console.print(f"[red]unreadable[/red] {escape(str(problem))}", soft_wrap=True)


@cards_cli.command("show")
def show_card(card_id: Annotated[str, typer.Argument(help="The card's id.")]) -> None:
    """One card: its phrasings and answer in every language, and its sources."""
    console = Console(highlight=False, soft_wrap=True)
    from knowledge.cards import load_cards

    cards, _ = load_cards(_content_dirs(console))
    found = [loaded for loaded in cards if loaded.card.id == card_id]
    if not found:
        console.print(f"[red]No card {card_id!r}.[/red] `eser-bot cards list` shows them all.")
        raise typer.Exit(2)
    loaded = found[0]
    card = loaded.card
    console.print(f"[bold]{card.id}[/bold] ({loaded.path}:{loaded.line}), {card.status}")
    for language in sorted(set(card.questions) | set(card.answer)):
        console.print(f"\n[bold]{language}[/bold]")
        for phrasing in card.questions.get(language, []):
            console.print(f"  ? {phrasing}", markup=False)
        console.print(f"  → {card.answer.get(language, '(missing)')}", markup=False)
    console.print()
    for n, source in enumerate(card.sources, start=1):
        console.print(
            f"[{n}] {source.doc}" + (f" — {source.section}" if source.section else ""), markup=False
        )


@cards_cli.command("check")
def check() -> None:
    """Parity and citation checks: every language, the same figures everywhere, real sources."""
    from knowledge.cards import parity_findings

    console = Console(highlight=False)
    count, problems = parity_findings(_content_dirs(console))
    for problem in problems:
        console.print(f"[red]problem[/red] {escape(str(problem))}", soft_wrap=True)
    console.print(f"{count} cards checked, {len(problems)} problems.")
    if problems:
        raise typer.Exit(1)


@cards_cli.command("drafts")
def drafts(
    everything: Annotated[bool, typer.Option("--all", help="Published organisers' cards too.")] = False,
) -> None:
    """Organisers' cards kept from their answers: drafts (and, with --all, published ones), with
    the languages each still lacks."""
    console = Console(highlight=False)

    async def job(app: App) -> None:
        cards = await app.services.organiser_cards.listed(None if everything else "draft")
        table = Table(title=f"{len(cards)} organisers' cards" + ("" if everything else " (drafts)"))
        for column in ("id", "status", "languages", "missing languages", "question", "saved"):
            table.add_column(column)
        for card in cards:
            first = next(iter(card.questions.values()), [""])[0]
            table.add_row(
                card.id,
                card.status,
                " ".join(card.answers),
                " ".join(card.missing_languages) or "—",
                escape(first[:60]),
                card.created_at.date().isoformat(),
            )
        console.print(table)

    run_with_app(console, job)


@cards_cli.command("publish")
def publish(
    card_id: Annotated[str, typer.Argument(help="The organisers' card's id (see `cards drafts`).")],
    organiser: Annotated[str, typer.Option("--as", help="The organiser publishing it: platform:user_id.")],
) -> None:
    """Publish an organisers' card; the running bot indexes it at its next tick."""
    from bot.cli.common import parse_target
    from bot.handoffs.cards import OrganiserCards
    from bot.handoffs.models import HandoffError

    console = Console(highlight=False)
    who = parse_target(console, organiser, "--as")

    async def job(app: App) -> None:
        # Store only: the serving replicas index it (an embedded index has one writer).
        cards = OrganiserCards(app.services.handoffs, None, app.services.clock)
        try:
            card = await cards.publish(card_id, organiser=str(who))
        except HandoffError as error:
            console.print(
                f"[red]{escape(app.services.catalogue.text(error.key, 'en', **error.params))}[/red]"
            )
            raise typer.Exit(1) from error
        console.print(
            f"Published {card.id}; missing languages: {' '.join(card.missing_languages) or 'none'}."
        )

    run_with_app(console, job)
