"""``/announce``: an organiser composes an announcement in chat and sends it after a preview.

text → event (optional; upcoming events as buttons) → topics (or everyone) → region (or everywhere)
→ language (or any) → when (now or a date and time) → preview (the message as recipients will see
it, the exact recipient count per platform, "notify the channel" on or off) → confirm. The confirmed
draft carries an idempotency key derived from the dialogue, so a double-pressed Confirm sends once.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.broadcast.models import Audience, Draft
from bot.broadcast.service import MAX_ANNOUNCEMENT_CHARS, InvalidDraft, NotOrganiser
from bot.dialogues.base import Again, Dialogue, Finish, Given, Next, Prompt, Turn, Verdict
from bot.dialogues.choices import (
    NOT_UNDERSTOOD,
    language_buttons,
    language_name,
    read_language,
    read_region,
    read_topics,
    region_buttons,
    region_label,
    topic_buttons,
    topic_label,
    topics_chosen,
)
from bot.dialogues.inputs import InputError, aware, read_moment
from bot.events.validation import DEFAULT_ZONE
from bot.models import Reply, Target
from bot.onboarding.places import Places
from bot.onboarding.typed import Words, numbered
from knowledge.events import country_zone
from knowledge.listings import format_when

OFFERED_EVENTS = 8
EVENT_HORIZON = dt.timedelta(days=365)
NO_EVENT = "none"
NOW = "now"
CONFIRM = "confirm"
NOTIFY = "notify"


class AnnounceDialogue(Dialogue):
    """Composes, previews and submits an announcement.

    Args:
        places: Country names in every language.
    """

    kind = "announce"
    steps = ("text", "event", "topics", "region", "language", "when", "preview")
    skippable = frozenset({"event", "topics", "region", "language", "when"})

    def __init__(self, places: Places) -> None:
        self.places = places

    def applies(self, turn: Turn, step: str) -> bool:
        """The event step is asked only when there are upcoming events to offer."""
        return step != "event" or bool(turn.state.answers.get("offered"))

    def skipped(self, turn: Turn) -> dict[str, object]:
        """Skipping means: no event, everyone, everywhere, any language, now."""
        field = {"event": "event_id", "topics": "topics", "region": "region", "language": "language"}
        if turn.state.step == "when":
            return {"send_at": None}
        return {field[turn.state.step]: [] if turn.state.step == "topics" else None}

    # --- questions ------------------------------------------------------------------------------
    async def prompt(self, turn: Turn) -> Prompt:
        """The question of the current step."""
        step = turn.state.step
        if step == "text":
            return Prompt(turn.t("announce.step.text", limit=MAX_ANNOUNCEMENT_CHARS))
        if step == "event":
            events = [await turn.services.events.get(event_id) for event_id in turn.state.answers["offered"]]
            lines, buttons = [], []
            for n, event in enumerate(events, start=1):
                if event is None:
                    continue
                lines.append(f"{n}. {event.title} — {format_when(event, turn.language)}")
                buttons.append([turn.option(f"{n}. {event.title}"[:60], str(n))])  # as typed: 1-based
            buttons.append([turn.option(turn.t("announce.button.no_event"), NO_EVENT)])
            return Prompt(turn.t("announce.step.event") + "\n\n" + "\n".join(lines), buttons)
        if step == "topics":
            return Prompt(
                turn.t("announce.step.topics", chosen=topics_chosen(turn)),
                topic_buttons(turn, all_label=turn.t("announce.button.everyone")),
            )
        if step == "region":
            everywhere = turn.t("dialogue.everywhere")
            return Prompt(turn.t("announce.step.region"), region_buttons(turn, self.places, everywhere))
        if step == "language":
            return Prompt(
                turn.t("announce.step.language"),
                language_buttons(turn, any_label=turn.t("announce.button.any_language")),
            )
        if step == "when":
            zone = await self._zone(turn)
            example = (turn.services.clock() + dt.timedelta(days=1)).astimezone(ZoneInfo(zone))
            return Prompt(
                turn.t("announce.step.when", example=f"{example:%Y-%m-%d} 09:00 {zone}"),
                [[turn.option(turn.t("announce.button.now"), NOW)]],
            )
        return await self._preview(turn)

    async def _preview(self, turn: Turn) -> Prompt:
        try:
            preview = await turn.services.broadcasts.preview(self.draft(turn), language=turn.language)
        except InvalidDraft as error:
            return Prompt(turn.t(error.key, **error.params))
        counts = " · ".join(
            f"{turn.t(f'announce.platform.{platform}')}: {count}"
            for platform, count in preview.counts.items()
        )
        notify = bool(turn.state.answers.get("notify"))
        text = turn.t(
            "announce.preview",
            message=preview.reply.text,
            audience=self.audience_text(turn),
            when=self.when_text(turn),
            counts=counts,
            total=preview.total,
        )
        if notify:
            text += "\n" + turn.t("announce.notify_is_on")
        # Only the link buttons: the preview's "unsubscribe" must not act on the organiser.
        links = [[button] for row in preview.reply.buttons for button in row if button.url]
        toggle = "announce.button.notify_off" if notify else "announce.button.notify_on"
        return Prompt(
            text,
            [
                *links,
                [turn.option(turn.t("announce.button.confirm", total=preview.total), CONFIRM)],
                [turn.option(turn.t(toggle), NOTIFY)],
            ],
        )

    def audience_text(self, turn: Turn) -> str:
        """Who gets it, in words."""
        answers = turn.state.answers
        topics = ", ".join(topic_label(turn, topic) for topic in answers.get("topics") or ())
        language = answers.get("language")
        return turn.t(
            "announce.audience",
            topics=topics or turn.t("announce.button.everyone"),
            region=region_label(turn, self.places, answers.get("region"), turn.t("dialogue.everywhere")),
            language=language_name(turn, language) if language else turn.t("announce.button.any_language"),
        )

    def when_text(self, turn: Turn) -> str:
        """When it goes out, in the organiser's language and zone."""
        send_at = turn.state.answers.get("send_at")
        if not send_at:
            return turn.t("announce.button.now")
        zone = str(turn.state.answers.get("zone") or DEFAULT_ZONE)
        moment = dt.datetime.fromisoformat(str(send_at))
        return f"{format_datetime(moment, 'medium', tzinfo=ZoneInfo(zone), locale=turn.language)} ({zone})"

    def draft(self, turn: Turn) -> Draft:
        """The announcement the answers describe."""
        answers = turn.state.answers
        message = turn.message
        send_at = answers.get("send_at")
        return Draft(
            text=str(answers.get("text") or ""),
            audience=Audience(
                topics=tuple(answers.get("topics") or ()),
                region=answers.get("region"),
                language=answers.get("language"),
            ),
            event_id=answers.get("event_id"),
            send_at=dt.datetime.fromisoformat(str(send_at)) if send_at else None,
            notify_channel=bool(answers.get("notify")),
            idempotency_key=f"announce:{message.platform}:{message.user_id}:{turn.state.id}",
        )

    # --- answers --------------------------------------------------------------------------------
    async def read(self, turn: Turn, given: Given) -> Verdict:
        """Read the answer to the current step."""
        step = turn.state.step
        if step == "text":
            return await self._text(turn, given)
        if step == "event":
            return self._event(turn, given)
        if step == "topics":
            return read_topics(turn, given, "topics")
        if step == "region":
            return read_region(turn, given, self.places, "region", everywhere=None)
        if step == "language":
            any_words = ("any", turn.t("announce.button.any_language"), turn.t("announce.any_word"))
            return read_language(turn, given, "language", any_words=any_words)
        if step == "when":
            return await self._when(turn, given)
        return await self._confirm(turn, given)

    async def _text(self, turn: Turn, given: Given) -> Verdict:
        text = given.text.strip()
        if given.button is not None or not text:
            return Again(NOT_UNDERSTOOD)
        if len(text) > MAX_ANNOUNCEMENT_CHARS:
            return Again("broadcast.invalid.too_long", {"length": len(text), "limit": MAX_ANNOUNCEMENT_CHARS})
        now = turn.services.clock()
        upcoming = await turn.services.events.events_starting(now, now + EVENT_HORIZON)
        return Next({"text": text, "offered": [event.id for event in upcoming[:OFFERED_EVENTS]]})

    def _event(self, turn: Turn, given: Given) -> Verdict:
        offered = list(turn.state.answers.get("offered") or ())
        choice = given.button if given.button is not None else given.text.strip()
        if choice == NO_EVENT:
            return Next({"event_id": None})
        index = numbered(choice, len(offered))
        if index is None:
            return Again(NOT_UNDERSTOOD)
        return Next({"event_id": offered[index]})

    async def _when(self, turn: Turn, given: Given) -> Verdict:
        if given.button == NOW:
            return Next({"send_at": None})
        if given.button is not None or not given.text.strip():
            return Again(NOT_UNDERSTOOD)
        try:
            moment = read_moment(given.text)
        except InputError as error:
            return Again(error.key, error.values)
        zone = moment.zone or await self._zone(turn)
        send_at = aware(moment.start, zone)
        if send_at <= turn.services.clock():
            return Again("announce.past")
        return Next({"send_at": send_at.isoformat(), "zone": zone})

    async def _zone(self, turn: Turn) -> str:
        profile = await turn.services.profiles.get(turn.message.platform, turn.message.user_id)
        return (country_zone(profile.country) if profile else None) or DEFAULT_ZONE

    async def _confirm(self, turn: Turn, given: Given) -> Verdict:
        if given.button == NOTIFY:
            turn.state.answers["notify"] = not turn.state.answers.get("notify")
            return Again()
        words = Words(turn.services.catalogue)
        if given.button != CONFIRM and not words.means("yes", given.text, turn.language):
            return Again(NOT_UNDERSTOOD)
        message = turn.message
        try:
            submitted = await turn.services.broadcasts.submit(
                self.draft(turn),
                organiser=Target(platform=message.platform, chat_id=message.user_id),
                report_to=Target(platform=message.platform, chat_id=message.chat_id),
            )
        except NotOrganiser:
            return Finish([Reply(text=turn.t("announce.refused"), language=turn.language)])
        except InvalidDraft as error:
            return Again(error.key, error.params)
        key = "announce.queued" if submitted.created else "announce.already"
        when = self.when_text(turn)
        return Finish(
            [Reply(text=turn.t(key, id=submitted.announcement_id, when=when), language=turn.language)]
        )
