"""What a recipient sees: defanged text, the event line and sign-up, unsubscribe, reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.capabilities import slack_capabilities
from bot.broadcast.message import UNSUBSCRIBE_CALLBACK, announcement_reply
from bot.i18n import Catalogue
from knowledge.models import EventData

EVENT = EventData(
    id="forum-2026",
    title="Social Economy Forum",
    start=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    end=datetime(2026, 12, 3, 16, 0, tzinfo=UTC),
    timezone="Europe/Madrid",
    place="Seville",
    signup_url="https://example.org/forum/register",
    region="ES",
)


def test_text_is_defanged_and_ends_with_a_one_tap_unsubscribe(catalogue: Catalogue) -> None:
    reply = announcement_reply(
        text="Hello @here and <!channel>",
        kind="announcement",
        event=None,
        language="de",
        catalogue=catalogue,
        escape_markup=slack_capabilities().escape_markup,  # a Slack recipient
    )
    assert "@here" not in reply.text and "<!channel>" not in reply.text
    assert reply.buttons == [[reply.buttons[0][0]]]
    assert (reply.buttons[0][0].label, reply.buttons[0][0].callback_data) == (
        "Abbestellen",
        UNSUBSCRIBE_CALLBACK,
    )
    assert reply.language == "de" and not reply.notify_channel


def test_an_event_adds_its_line_and_sign_up_button(catalogue: Catalogue) -> None:
    reply = announcement_reply(
        text="Join us!",
        kind="announcement",
        event=EVENT,
        language="es",
        catalogue=catalogue,
        notify_channel=True,
    )
    assert reply.text.startswith("Join us!\n\nSocial Economy Forum")
    assert "Seville" in reply.text and "Europe/Madrid" in reply.text and "dic" in reply.text  # Spanish date
    assert reply.buttons[0][0].url == EVENT.signup_url
    assert reply.buttons[1][0].callback_data == UNSUBSCRIBE_CALLBACK
    assert reply.notify_channel and not reply.attachments  # one message per recipient


def test_a_reminder_is_written_in_the_recipient_language(catalogue: Catalogue) -> None:
    french = announcement_reply(text="", kind="reminder", event=EVENT, language="fr", catalogue=catalogue)
    polish = announcement_reply(text="", kind="reminder", event=EVENT, language="pl", catalogue=catalogue)
    assert french.text.startswith("Rappel") and "Social Economy Forum" in french.text
    assert polish.text.startswith("Przypomnienie")


def test_dates_are_in_the_recipient_time_zone_when_known(catalogue: Catalogue) -> None:
    own = announcement_reply(text="Hi", kind="announcement", event=EVENT, language="en", catalogue=catalogue)
    lisbon = announcement_reply(
        text="Hi",
        kind="announcement",
        event=EVENT,
        language="en",
        catalogue=catalogue,
        timezone="Europe/Lisbon",
    )
    assert "10:00" in own.text and "(Europe/Madrid)" in own.text  # 09:00 UTC in Madrid
    assert "9:00" in lisbon.text and "(Europe/Lisbon)" in lisbon.text
