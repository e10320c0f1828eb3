"""``/newevent``: an organiser adds an event in chat.

title → start (date, time, optional end time and zone) → zone (only when none was typed) → place or
online link → sign-up page (skippable) → language → region → topics → preview (the event as members
will see it) → saved and indexed at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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
from bot.dialogues.inputs import EVERYWHERE, InputError, aware, read_link, read_moment, read_where, read_zone
from bot.events import EventError
from bot.events.validation import DEFAULT_ZONE, validate_event
from bot.models import Attachment, Button, Reply
from bot.onboarding.places import Places
from bot.onboarding.typed import Words
from knowledge.events import country_zone, event_to_ics
from knowledge.listings import event_place, format_when
from knowledge.models import EventData

MAX_TITLE = 200
SAVE = "save"


class NewEventDialogue(Dialogue):
    """Adds an event, step by step, with a preview before saving.

    Args:
        places: Country names in every language.
    """

    kind = "newevent"
    steps = ("title", "start", "zone", "where", "signup", "language", "region", "topics", "preview")
    skippable = frozenset({"zone", "signup", "language", "region", "topics"})

    def __init__(self, places: Places) -> None:
        self.places = places

    def applies(self, turn: Turn, step: str) -> bool:
        """The zone is asked only when the start did not name one."""
        return step != "zone" or not turn.state.answers.get("timezone")

    def skipped(self, turn: Turn) -> Mapping[str, Any]:
        """Defaults: Brussels time, no sign-up page, the organiser's language, the whole EU, no topics."""
        step = turn.state.step
        if step == "zone":
            return {"timezone": DEFAULT_ZONE}
        defaults: dict[str, dict[str, Any]] = {
            "signup": {"signup_url": ""},
            "language": {"language": turn.language},
            "region": {"region": EVERYWHERE},
            "topics": {"topics": []},
        }
        return defaults[step]

    # --- questions ------------------------------------------------------------------------------
    async def prompt(self, turn: Turn) -> Prompt:
        """The question of the current step."""
        step = turn.state.step
        if step == "title":
            return Prompt(turn.t("newevent.step.title"))
        if step == "start":
            example = (turn.services.clock() + dt.timedelta(days=30)).strftime("%Y-%m-%d 10:00")
            return Prompt(turn.t("newevent.step.start", example=f"{example} {DEFAULT_ZONE}"))
        if step == "zone":
            zones = [DEFAULT_ZONE]
            own = await self._own_zone(turn)
            if own and own != DEFAULT_ZONE:
                zones.insert(0, own)
            return Prompt(
                turn.t("newevent.step.zone", default=DEFAULT_ZONE),
                [[turn.option(zone, zone) for zone in zones]],
            )
        if step == "where":
            return Prompt(turn.t("newevent.step.where"))
        if step == "signup":
            return Prompt(turn.t("newevent.step.signup"))
        if step == "language":
            return Prompt(turn.t("newevent.step.language"), language_buttons(turn))
        if step == "region":
            everywhere = turn.t("dialogue.everywhere")
            return Prompt(turn.t("newevent.step.region"), region_buttons(turn, self.places, everywhere))
        if step == "topics":
            return Prompt(turn.t("newevent.step.topics", chosen=topics_chosen(turn)), topic_buttons(turn))
        return self._preview(turn)

    def _preview(self, turn: Turn) -> Prompt:
        try:
            event = self.event(turn, "preview")
        except EventError as error:
            return Prompt(turn.t("newevent.invalid", problem=str(error)))
        text = turn.t("newevent.preview", event=self.describe(turn, event))
        buttons = [[turn.option(turn.t("newevent.button.save"), SAVE)]]
        if event.signup_url:
            buttons.insert(
                0, [Button(label=turn.t("answer.signup", title=event.title), url=event.signup_url)]
            )
        return Prompt(text, buttons)

    def describe(self, turn: Turn, event: EventData) -> str:
        """The event as members will see it, in the organiser's language."""
        texts = turn.services.catalogue
        place = event_place(event, texts=texts, language=turn.language)
        lines = [
            texts.text(
                "events.item",
                turn.language,
                title=event.title,
                when=format_when(event, turn.language),
                place=place,
            )
        ]
        if event.online_url:
            lines.append(f"🔗 {event.online_url}")
        details = [
            turn.t("newevent.detail.language", language=language_name(turn, event.language)),
            turn.t(
                "newevent.detail.region",
                region=region_label(turn, self.places, event.region, turn.t("dialogue.everywhere")),
            ),
            turn.t(
                "newevent.detail.topics",
                topics=", ".join(topic_label(turn, topic) for topic in event.topics) or "—",
            ),
        ]
        return "\n".join([*lines, *details])

    # --- answers --------------------------------------------------------------------------------
    async def read(self, turn: Turn, given: Given) -> Verdict:
        """Read the answer to the current step."""
        step = turn.state.step
        if step == "language":
            return read_language(turn, given, "language")
        if step == "region":
            return read_region(turn, given, self.places, "region", everywhere=EVERYWHERE)
        if step == "topics":
            return read_topics(turn, given, "topics")
        if step == "preview":
            return await self._save(turn, given)
        if step == "zone" and given.button is not None:
            return self._zone_verdict(turn, given.button)
        if given.button is not None or given.control is not None or not given.text:
            return Again(NOT_UNDERSTOOD)
        text = given.text.strip()
        try:
            if step == "title":
                if len(text) > MAX_TITLE:
                    return Again("newevent.title_too_long", {"limit": MAX_TITLE})
                return Next({"title": text})
            if step == "start":
                return self._start(turn, text)
            if step == "zone":
                return self._zone_verdict(turn, read_zone(text))
            if step == "where":
                where = read_where(text)
                return Next({"place": where.place[:200], "online": where.online})
            return Next({"signup_url": read_link(text, "signup_url")})  # the sign-up step
        except InputError as error:
            return Again(error.key, error.values)

    def _start(self, turn: Turn, text: str) -> Verdict:
        moment = read_moment(text)
        answers = {
            "start": moment.start.isoformat(),
            "end": moment.end.isoformat() if moment.end else None,
            "timezone": moment.zone,
        }
        if moment.zone is not None and aware(moment.start, moment.zone) <= turn.services.clock():
            return Again("newevent.past")
        return Next(answers)

    def _zone_verdict(self, turn: Turn, zone: str) -> Verdict:
        try:
            zone = read_zone(zone)
        except InputError as error:
            return Again(error.key, error.values)
        start = dt.datetime.fromisoformat(str(turn.state.answers.get("start")))
        if aware(start, zone) <= turn.services.clock():
            return Next({"timezone": zone}, step="start", notice="newevent.past")
        return Next({"timezone": zone})

    async def _own_zone(self, turn: Turn) -> str | None:
        profile = await turn.services.profiles.get(turn.message.platform, turn.message.user_id)
        return country_zone(profile.country) if profile else None

    def event(self, turn: Turn, event_id: str) -> EventData:
        """The event the answers describe (validated).

        Raises:
            EventError: Naming the field that is wrong.
        """
        return validate_event(self.fields(turn), event_id=event_id)

    def fields(self, turn: Turn) -> dict[str, Any]:
        """The answers as event fields (see ``bot.events.validation.validate_event``)."""
        answers = turn.state.answers
        return {
            "title": answers.get("title"),
            "start": answers.get("start"),
            "end": answers.get("end"),
            "timezone": answers.get("timezone") or DEFAULT_ZONE,
            "place": answers.get("place", ""),
            "online": answers.get("online", ""),
            "signup_url": answers.get("signup_url", ""),
            "language": answers.get("language") or turn.language,
            "region": answers.get("region") or EVERYWHERE,
            "topics": answers.get("topics") or [],
        }

    async def _save(self, turn: Turn, given: Given) -> Verdict:
        if given.button != SAVE and not _means_yes(turn, given.text):
            return Again(NOT_UNDERSTOOD)
        message = turn.message
        start = dt.datetime.fromisoformat(str(turn.state.answers.get("start")))
        if aware(start, str(turn.state.answers.get("timezone") or DEFAULT_ZONE)) <= turn.services.clock():
            return Next(step="start", notice="newevent.past")
        try:
            # The dialogue's id makes the event's: a double-pressed Save stores one event.
            event = await turn.services.events.add(
                self.fields(turn),
                created_by=f"{message.platform}:{message.user_id}",
                event_id=f"ev-{turn.state.id[:8]}",
            )
        except EventError as error:
            return Again("newevent.invalid", {"problem": str(error)})
        reply = Reply(
            text=turn.t("newevent.saved", id=event.id, event=self.describe(turn, event)),
            buttons=[[Button(label=turn.t("answer.signup", title=event.title), url=event.signup_url)]]
            if event.signup_url
            else [],
            attachments=[
                Attachment(filename=f"{event.id}.ics", content=event_to_ics(event), mime_type="text/calendar")
            ],
            language=turn.language,
        )
        return Finish([reply])


def _means_yes(turn: Turn, text: str) -> bool:
    words = Words(turn.services.catalogue)
    return words.means("yes", text, turn.language) or words.means("done", text, turn.language)
