"""The message a recipient gets: the organiser's text (mentions defanged), the event it is about
with its sign-up link, and a one-tap unsubscribe, labelled in the recipient's language.

An announcement is exactly one platform message per recipient (no ``.ics`` file beside it): a second
message to the same chat would halve the rate Telegram allows per chat.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Catalogue
from bot.models import Button, Reply
from bot.platforms import no_markup
from bot.safety import defang
from knowledge.listings import event_place, format_when
from knowledge.models import EventData

UNSUBSCRIBE_CALLBACK = "unsub"
REMINDER = "reminder"


def event_line(event: EventData, language: str, catalogue: Catalogue, timezone: str | None = None) -> str:
    """One line naming the event, when (in ``language`` and ``timezone``) and where."""
    place = event_place(event, texts=catalogue, language=language)
    return catalogue.text(
        "events.item", language, title=event.title, when=format_when(event, language, timezone), place=place
    )


def announcement_reply(
    *,
    text: str,
    kind: str,
    event: EventData | None,
    language: str,
    catalogue: Catalogue,
    notify_channel: bool = False,
    timezone: str | None = None,
    escape_markup: Callable[[str], str] = no_markup,
) -> Reply:
    """Build the announcement as one recipient sees it.

    Args:
        text: The organiser's text (ignored for reminders, whose text comes from the catalogue).
        kind: ``announcement`` or ``reminder``.
        event: The event announced, if any.
        language: The recipient's language (labels, dates, a reminder's text).
        catalogue: User-facing strings.
        notify_channel: Ping the Slack channel (only for channel recipients, on the organiser's word).
        timezone: The recipient's time zone for the event's dates (the event's own when None).
        escape_markup: The recipient's platform's mention escaping (its ``PlatformCapabilities``).
    """
    if kind == REMINDER and event is not None:
        body = catalogue.text(
            "broadcast.reminder", language, line=event_line(event, language, catalogue, timezone)
        )
    else:
        body = defang(text.strip(), escape_markup)
        if event is not None:
            body += "\n\n" + event_line(event, language, catalogue, timezone)
    buttons: list[list[Button]] = []
    if event is not None and event.signup_url:
        buttons.append(
            [
                Button(
                    label=defang(catalogue.text("answer.signup", language, title=event.title), escape_markup),
                    url=event.signup_url,
                )
            ]
        )
    buttons.append(
        [Button(label=catalogue.text("broadcast.unsubscribe", language), callback_data=UNSUBSCRIBE_CALLBACK)]
    )
    return Reply(text=body, buttons=buttons, language=language, notify_channel=notify_channel)
