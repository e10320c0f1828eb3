"""The console adapter: typed lines in, readable cited answers out."""

from __future__ import annotations

import getpass
import io

from rich.console import Console

from adapters.console import console_capabilities, render, run_console, translate
from bot.app import App
from bot.i18n import Catalogue
from bot.models import Button, Reply
from knowledge.models import Citation


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
    assert "Announcement #1 confirmed. It goes out: Now." in shown
