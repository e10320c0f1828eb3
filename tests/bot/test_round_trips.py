"""Database round trips per message: a ceiling per kind of message, so that one more query on the
message path fails here (counted as real statements through the SQLAlchemy engine, on SQLite).

The counts include the inbox's admission and completion (``App.handle``), as on a platform.
"""

from __future__ import annotations

import itertools

import pytest

from bot.app import App
from bot.models import IncomingMessage

_ids = itertools.count()
# Admission and completion in the inbox (2), the member's snapshot (profile, dialogues: 2), the
# quota (2: create if missing and lock, count), the answer (1). The check for events added elsewhere
# (1) runs every two seconds at most: not for a question right after another.
QUESTION_CEILING = 7
# A press of 👍 on an answer: admission and completion (2), the answer, the earlier vote, the vote.
BUTTON_CEILING = 5
# /help: admission and completion (2), the profile (for the language), the organiser check.
COMMAND_CEILING = 4


def message(
    text: str = "",
    *,
    platform: str = "telegram",
    command: str | None = None,
    callback: str | None = None,
    user: str = "rt1",
) -> IncomingMessage:
    return IncomingMessage(
        platform=platform,
        chat_id=f"dm-{user}",
        user_id=user,
        text=text,
        is_direct=True,
        command=command,
        callback_data=callback,
        language_hint="en",
        event_id=f"rt-{next(_ids)}",
    )


async def statements(app: App, sent: IncomingMessage) -> int:
    """The statements the database received while ``app`` handled ``sent``."""
    app.timings.enabled = True
    await app.handle(sent)
    return app.timings.requests[sent.event_id].statements


@pytest.mark.parametrize("platform", ["telegram", "slack"])
async def test_a_plain_question_stays_under_its_ceiling(app: App, platform: str) -> None:
    user = f"rt-{platform}"
    first = await statements(
        app, message("How can our municipality join ESER?", platform=platform, user=user)
    )
    # The second question is the steady state (a Slack newcomer's first one is also offered onboarding).
    later = await statements(
        app, message("What funding is open for cooperatives?", platform=platform, user=user)
    )
    assert later <= QUESTION_CEILING, f"{later} statements for a question on {platform} (first: {first})"


async def test_a_button_press_and_a_command_stay_under_their_ceilings(app: App) -> None:
    [answer] = await app.handle(message("How can our municipality join ESER?"))
    up = answer.buttons[-1][0].callback_data
    assert up is not None and up.startswith("fb:")
    pressed = await statements(app, message(callback=up))
    assert pressed <= BUTTON_CEILING, f"{pressed} statements for a 👍"
    helped = await statements(app, message("/help", command="help"))
    assert helped <= COMMAND_CEILING, f"{helped} statements for /help"
