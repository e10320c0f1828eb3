"""The ``eser-bot`` command line: one Typer app that gathers the commands of this package.

Each command group lives in its own module (``ingest``, ``ask``, ``chat``, ``serve``, ``evaluate``,
``events``, ``cards``, ``broadcast``, ``organisers``, ``migrate``, ``gaps``, ``web``); what they share is in
``bot.cli.common``.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.ask import ask
from bot.cli.broadcast import broadcast_cli
from bot.cli.cards import cards_cli
from bot.cli.chat import chat
from bot.cli.common import offline_defaults
from bot.cli.evaluate import evaluate_command
from bot.cli.events import events_cli
from bot.cli.gaps import gaps
from bot.cli.ingest import ingest
from bot.cli.migrate import migrate
from bot.cli.organisers import organisers_cli
from bot.cli.serve import serve
from bot.cli.web import web
from bot.errors import ConfigError


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
    cli.command()(gaps)
    cli.add_typer(events_cli, name="events")
    cli.add_typer(broadcast_cli, name="broadcast")
    cli.add_typer(cards_cli, name="cards")
    cli.add_typer(organisers_cli, name="organisers")
    return cli


def main() -> None:
    """Console-script entry point (model hubs are switched off before any library loads)."""
    offline_defaults()
    try:
        build_cli()()
    except ConfigError as error:
        # Any command: a setting found wrong only once in use (a server that does not answer) is
        # named on one line, like the ones refused at start, never shown as a traceback.
        Console(stderr=True).print(
            f"[red]Configuration error — {error.setting}: {escape(error.problem)}[/red]", soft_wrap=True
        )
        sys.exit(2)
