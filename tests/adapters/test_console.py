"""The console adapter: typed lines in, readable cited answers out."""

from __future__ import annotations

import getpass
import io
from pathlib import Path

from rich.console import Console

from adapters.console import console_capabilities, render, run_console, translate
from bot.app import App
from bot.i18n import Catalogue
from bot.models import Button, Reply
from knowledge.models import Citation
from tests.bot.broadcast.subscribers import add_subscribers


def test_commands_and_button_numbers() -> None:
    message = translate("/funding  horizon europe", user_id="u", event_id="e1", pending=[], language="fr")
    assert (message.command, message.args, message.language_hint) == ("funding", "horizon europe", "fr")
    pending = [Button(label="👍", callback_data="fb:1:up"), Button(label="👎", callback_data="fb:1:down")]
    assert (
        translate("2", user_id="u", event_id="e2", pending=pending, language=None).callback_data
        == "fb:1:down"
    )
    assert translate("3", user_id="u", event_id="e3", pending=pending, language=None).text == "3"


def test_render_escapes_content_and_numbers_buttons(catalogue: Catalogue) -> None:
    reply = Reply(
        text="Members are [bold]authorities[/bold] [1]",
        citations=[Citation(n=1, title="Join page", url="https://x.eu/join")],
        buttons=[
            [Button(label="Sign up", url="https://x.eu/s")],
            [Button(label="👍", callback_data="fb:1:up")],
        ],
        language="de",
    )
    markup, pending = render(reply, catalogue)
    console = Console(file=io.StringIO(), width=120)
    console.print(markup)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "[bold]authorities[/bold] [1]" in shown and "Quellen" in shown
    assert "[1] Join page" in shown and "https://x.eu/join" in shown and "Sign up: https://x.eu/s" in shown
    assert "(1) 👍" in shown and pending == [Button(label="👍", callback_data="fb:1:up")]


async def test_a_piped_session(app: App) -> None:
    out = Console(file=io.StringIO(), width=200)
    lines = ["Can a cooperative become a member of ESER?", "1", "", "/quit", "never read"]
    handled = await run_console(app.handle, app.services.catalogue, lines, console=out, interactive=False)
    shown = out.file.getvalue()  # type: ignore[attr-defined]
    assert handled == 2
    assert "public authorities" in shown and "Sources" in shown and "(1) 👍 Helpful" in shown
    assert app.services.catalogue.text("feedback.thanks_up", "en") in shown


async def test_a_second_session_is_answered_too(app: App) -> None:
    for _ in range(2):
        out = Console(file=io.StringIO(), width=200)
        await run_console(
            app.handle, app.services.catalogue, ["What is ESER?"], console=out, interactive=False
        )
        assert "Sources" in out.file.getvalue()  # type: ignore[attr-defined]


def test_the_console_takes_no_broadcasts_and_escapes_no_markup() -> None:
    console = console_capabilities()
    assert console.name == "console" and not console.broadcasts
    assert console.escape_markup("<!channel>") == "<!channel>"


async def test_the_three_guided_chats_run_in_the_console(app: App) -> None:
    await app.services.organisers.store.grant(
        "console", getpass.getuser(), granted_by="test", now=app.services.clock()
    )
    await add_subscribers(app.services.sessions, "telegram", ["1001"], now=app.services.clock())
    out = Console(file=io.StringIO(), width=200)
    onboarding = ["/start", "1", "1", "Belgium", "skip", "2", "done", "yes"]  # buttons by number
    newevent = [
        "/newevent",
        "Console forum",
        "2027-03-03 10:00 Europe/Madrid",
        "online https://meet.example.org/x",
    ]
    newevent += ["skip", "skip", "skip", "skip", "save"]
    announce = ["/announce", "Hello, members!", "No event", "skip", "skip", "skip", "Now", "yes"]
    await run_console(
        app.handle,
        app.services.catalogue,
        [*onboarding, *newevent, *announce],
        console=out,
        interactive=False,
    )
    shown = out.file.getvalue()  # type: ignore[attr-defined]
    texts = app.services.catalogue
    assert texts.text("kit.footer", "en").format(cmd="/")[:40] in shown  # onboarding finished with its kit
    assert "Saved as ev-" in shown and "Console forum" in shown
    assert "Announcement #1 confirmed. It goes out: Now" in shown
    # The console gets no delivery report, and says so instead of promising one.
    assert "No delivery report comes to this console" in shown and "broadcast status 1" in shown
    assert "You will get a delivery report here" not in shown


async def chat(app: App, lines: list[str], *, interactive: bool = False, **options: object) -> str:
    """What the console shows for ``lines``, typed by the OS user."""
    out = Console(file=io.StringIO(), width=200)
    await run_console(
        app.handle,
        app.services.catalogue,
        lines,
        console=out,
        interactive=interactive,
        **options,  # type: ignore[arg-type]
    )
    return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]


async def test_the_welcome_and_help_say_how_to_leave(app: App) -> None:
    quit_hint = app.services.catalogue.text("console.quit_hint", "en")
    shown = await chat(app, [], interactive=True)
    assert quit_hint in shown
    assert quit_hint in await chat(app, ["/help"])
    assert quit_hint not in await chat(app, ["/subscriptions"])


async def test_a_number_that_matches_no_choice_is_not_a_question(app: App) -> None:
    nothing = app.services.catalogue.text("choice.nothing_pending", "en").format(cmd="/")
    shown = await chat(app, ["What is ESER?", "1", "2"])  # the vote, then a stray number
    assert app.services.catalogue.text("feedback.thanks_up", "en") in shown
    assert shown.count("Sources") == 1 and nothing in shown


async def test_the_console_is_not_held_by_the_question_quota(app: App) -> None:
    limit = app.services.quota.limit
    shown = await chat(app, ["What is ESER?"] * (limit + 2))
    assert shown.count("Sources") == limit + 2  # a held question would get a notice, no sources


async def test_subscribing_in_the_console_says_it_delivers_nothing(app: App) -> None:
    shown = await chat(app, ["/subscribe events"])
    text = app.services.catalogue.text("subscribe.not_delivered", "en")
    assert text in shown and "here in this chat" not in shown
    assert await app.services.subscriptions.subscriptions("console", getpass.getuser()) == []


async def test_announcing_to_nobody_from_the_console_is_refused(app: App) -> None:
    await app.services.organisers.store.grant(
        "console", getpass.getuser(), granted_by="test", now=app.services.clock()
    )
    lines = ["/announce", "Hello, nobody!", "No event", "skip", "skip", "skip", "Now", "yes"]
    shown = await chat(app, lines)
    nobody = app.services.catalogue.text("broadcast.invalid.nobody", "en")
    assert shown.count(nobody) >= 2  # in the preview, and again when "yes" is typed anyway
    assert "Send to 0" not in shown and "confirmed" not in shown
    assert await app.services.broadcasts.status() == []


async def test_attachments_are_saved_and_their_path_shown(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "attachments"
    shown = await chat(app, ["/events"], attachments_dir=folder)
    saved = folder / "eser-events.ics"
    assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert f"Saved as {saved}" in shown


async def test_onboarding_in_the_console_names_no_app_and_lists_options_once(app: App) -> None:
    shown = await chat(app, ["/start"], language="fr")
    assert "d'après la langue de votre terminal (LANG)" in shown
    assert "réglages de votre application" not in shown
    assert "(1) " in shown and "\n1. " not in shown  # each option once: as a numbered button only
    plain = await chat(app, ["/start"], user_id="someone-else")
    assert "For now I am using English." in plain
