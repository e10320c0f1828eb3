"""The ``eser-bot`` command line: one Typer app that gathers the commands of this package.

Each command group lives in its own module (``ingest``, ``ask``, ``chat``, ``serve``, ``evaluate``,
``events``, ``cards``, ``broadcast``, ``organisers``, ``migrate``, ``web``); what they share is in
``bot.cli.common``.
"""

from __future__ import annotations

import typer

from bot.cli.ask import ask
from bot.cli.broadcast import broadcast_cli
from bot.cli.cards import cards_cli
from bot.cli.chat import chat
from bot.cli.evaluate import evaluate_command
from bot.cli.events import events_cli
from bot.cli.ingest import ingest
from bot.cli.migrate import migrate
from bot.cli.organisers import organisers_cli
from bot.cli.serve import serve
from bot.cli.web import web


def build_cli() -> typer.Typer:
    """The ``eser-bot`` app with every command and command group."""
    cli = typer.Typer(
        add_completion=False, no_args_is_help=True, help="ESER Assistant: cited answers for the ESER network."
    )
    cli.command()(ingest)
    cli.command()(ask)
    cli.command()(chat)
    cli.command("eval")(evaluate_command)
    cli.command()(serve)
    cli.command()(migrate)
    cli.command()(web)
    cli.add_typer(events_cli, name="events")
    cli.add_typer(broadcast_cli, name="broadcast")
    cli.add_typer(cards_cli, name="cards")
    cli.add_typer(organisers_cli, name="organisers")
    return cli


def main() -> None:
    """Console-script entry point."""
    build_cli()()
