"""``eser-bot broadcast``: compose, preview, confirm, follow and cancel announcements.

Composing here only queues the announcement: the running ``eser-bot serve`` delivers it, at the
platforms' pace, and reports to the organiser when it is done.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli.common import parse_target, run_with_app

if TYPE_CHECKING:
    from bot.app import App

broadcast_cli = typer.Typer(no_args_is_help=True, help="Announcements to subscribed members and channels.")


@broadcast_cli.command("send")
def send(
    organiser: Annotated[str, typer.Option("--as", help="You, as platform:user_id (an organiser)")],
    text: Annotated[str, typer.Option(help="The announcement text")] = "",
    text_file: Annotated[Path | None, typer.Option(help="Read the text from this file")] = None,
    event: Annotated[
        str | None, typer.Option(help="Attach this event (id from `eser-bot events list`)")
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option(help="Only subscribers to this topic (repeatable)")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Only this country or region code, e.g. ES, ES-CT")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Only members using this language")] = None,
    at: Annotated[
        str | None, typer.Option(help="Send later, e.g. '2026-12-01 09:00 Europe/Brussels'")
    ] = None,
    key: Annotated[str | None, typer.Option(help="Idempotency key: the same key is sent once")] = None,
    notify_channel: Annotated[bool, typer.Option(help="Ping @channel in subscribed Slack channels")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm without asking")] = False,
) -> None:
    """Compose an announcement, preview it with its exact recipients, and queue it once confirmed."""
    from bot.broadcast.models import Audience, Draft
    from bot.broadcast.service import InvalidDraft, NotOrganiser
    from bot.events.validation import DEFAULT_ZONE
    from bot.guided.inputs import InputError, read_moment
    from bot.i18n import Catalogue

    console = Console()
    who = parse_target(console, organiser, "--as")
    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except OSError as error:
            console.print(f"[red]--text-file: cannot read {text_file}: {error.strerror}[/red]")
            raise typer.Exit(2) from error
    send_at = None
    if at:
        # The same reading as the /announce dialogue: "2026-12-01 09:00 [Europe/Brussels]".
        try:
            moment = read_moment(at)
        except InputError as error:
            console.print(f"[red]--at: {Catalogue().text(error.key, 'en', **error.values)}[/red]")
            raise typer.Exit(2) from error
        send_at = moment.start.replace(tzinfo=ZoneInfo(moment.zone or DEFAULT_ZONE))
    draft = Draft(
        text=text,
        audience=Audience(
            topics=tuple(t.strip().lower() for t in topic or () if t.strip()),
            region=region.upper() if region else None,
            language=language.lower() if language else None,
        ),
        event_id=event,
        send_at=send_at,
        notify_channel=notify_channel,
        idempotency_key=key,
    )

    async def job(app: App) -> None:
        services = app.services
        if not await services.organisers.allow(who.platform, who.chat_id, "broadcast (cli)"):
            console.print(
                f"[red]{who} is not an organiser. Add it to ESER_ORGANISERS or run "
                f"`eser-bot organisers add {who}`.[/red]"
            )
            raise typer.Exit(2)
        try:
            preview = await services.broadcasts.preview(draft, language=draft.audience.language or "en")
        except InvalidDraft as error:
            console.print(f"[red]{services.catalogue.text(error.key, 'en', **error.params)}[/red]")
            raise typer.Exit(2) from error
        console.rule("Preview")
        console.print(preview.reply.text, markup=False)
        for row in preview.reply.buttons:
            console.print("  " + "  ".join(f"[{button.label}]" for button in row), markup=False)
        console.rule()
        counts = ", ".join(f"{platform}: {count}" for platform, count in preview.counts.items())
        when = send_at.isoformat() if send_at else "now"
        console.print(f"Recipients — {counts} (total {preview.total}). Send: {when}.")
        if not preview.total:
            console.print(f"[red]{services.catalogue.text('broadcast.invalid.nobody', 'en')}[/red]")
            console.print("Not sent.")
            raise typer.Exit(1)
        if not yes and not typer.confirm(f"Send to {preview.total} recipients?", default=False):
            console.print("Not sent.")
            raise typer.Exit(1)
        try:
            submitted = await services.broadcasts.submit(draft, organiser=who, report_to=who)
        except NotOrganiser as error:
            console.print(f"[red]{who} is not an organiser.[/red]")
            raise typer.Exit(2) from error
        if submitted.created:
            console.print(
                f"Queued as announcement #{submitted.announcement_id}; the running `eser-bot serve` "
                f"delivers it. Follow it with `eser-bot broadcast status {submitted.announcement_id}`."
            )
        else:
            console.print(
                f"Key {key!r} was already used by announcement #{submitted.announcement_id}: "
                "nothing new was queued."
            )

    run_with_app(console, job)


@broadcast_cli.command("status")
def status(
    announcement: Annotated[
        int | None, typer.Argument(help="Announcement id (default: the latest ones)")
    ] = None,
    watch: Annotated[bool, typer.Option(help="Show a progress bar until it finishes")] = False,
) -> None:
    """Show delivery progress: sent, failed and unsubscribed-by-block, per platform."""
    console = Console()

    async def job(app: App) -> None:
        statuses = await app.services.broadcasts.status(announcement)
        if not statuses:
            console.print("No announcement found." if announcement else "No announcements yet.")
            raise typer.Exit(1 if announcement else 0)
        if watch and announcement is not None:
            await _watch(app, announcement, console)
            statuses = await app.services.broadcasts.status(announcement)
        for item in statuses:
            headline = (item.text or "(event reminder)").splitlines()[0][:60]
            when = item.send_at.isoformat(timespec="minutes")
            console.print(
                f"[bold]#{item.id}[/bold] {item.kind}, {item.state} (send {when}): {escape(headline)}"
            )
            for platform, progress in sorted(item.platforms.items()):
                console.print(
                    f"    {platform}: {progress.sent} sent, {progress.failed - progress.gone} failed, "
                    f"{progress.gone} unsubscribed by block, {progress.pending + progress.sending} to go "
                    f"(of {progress.total})"
                )

    run_with_app(console, job)


async def _watch(app: App, announcement: int, console: Console) -> None:
    columns = (TextColumn("[bold]delivering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("delivering", total=None)
        while True:
            current = (await app.services.broadcasts.status(announcement))[0]
            progress.update(task, total=current.total or None, completed=current.done)
            if current.state in ("done", "cancelled"):
                return
            await asyncio.sleep(0.5)


@broadcast_cli.command("cancel")
def cancel(
    announcement: Annotated[int, typer.Argument(help="Announcement id")],
    organiser: Annotated[str, typer.Option("--as", help="You, as platform:user_id (an organiser)")],
) -> None:
    """Cancel a scheduled announcement before it starts."""
    from bot.broadcast.service import NotOrganiser

    console = Console()
    who = parse_target(console, organiser, "--as")

    async def job(app: App) -> None:
        try:
            done = await app.services.broadcasts.cancel(announcement, organiser=who)
        except NotOrganiser as error:
            console.print(f"[red]{who} is not an organiser.[/red]")
            raise typer.Exit(2) from error
        if not done:
            console.print(f"Announcement #{announcement} is not scheduled (unknown, sending or finished).")
            raise typer.Exit(1)
        console.print(f"Announcement #{announcement} cancelled.")

    run_with_app(console, job)
