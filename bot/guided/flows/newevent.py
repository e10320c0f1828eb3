"""``/newevent``'s domain logic: start times in the future, zones, the preview, saving the event.

title → start (date, time, optional end time and zone) → zone (only when none was typed) → place or
online link → sign-up page (skippable) → language → region → topics → preview (the event as members
will see it) → saved and indexed at once (``newevent.yaml``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.events import EventError
from bot.events.validation import DEFAULT_ZONE, validate_event
from bot.guided.context import StepContext
from bot.guided.flows.labels import EVERYWHERE, language_name, region_label, topic_label
from bot.guided.hooks import FlowHooks
from bot.guided.inputs import Moment, Where, aware
from bot.guided.state import Accept, Finish, Prompt, Retry, Verdict
from bot.models import Attachment, Button, Reply
from bot.places import Places
from knowledge.events import country_zone, event_to_ics
from knowledge.listings import event_place, format_when
from knowledge.models import EventData

SAVE = "save"


class NewEventHooks(FlowHooks):
    """Hooks of ``newevent.yaml``.

    Args:
        places: Country names in every language.
    """

    flow_id = "newevent"

    def __init__(self, places: Places) -> None:
        self.places = places

    # --- start and zone -----------------------------------------------------------------------
    async def examples(self, ctx: StepContext) -> dict[str, object]:
        """``{example}`` (a start a month from now) and ``{default}`` (the zone used when skipped)."""
        example = (ctx.needs_services.clock() + dt.timedelta(days=30)).strftime("%Y-%m-%d 10:00")
        return {"example": f"{example} {DEFAULT_ZONE}", "default": DEFAULT_ZONE}

    async def event_start(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """A typed start becomes start, end and zone; one with a zone must be in the future."""
        moment: Moment = accepted.value
        answers = {
            "start": moment.start.isoformat(),
            "end": moment.end.isoformat() if moment.end else None,
            "timezone": moment.zone,
        }
        if moment.zone is not None and aware(moment.start, moment.zone) <= ctx.needs_services.clock():
            return Retry("newevent.past")
        return Accept(answers=answers)

    async def needs_zone(self, ctx: StepContext) -> bool:
        """The zone is asked only when the start did not name one."""
        return not ctx.state.answers.get("timezone")

    async def zones(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The organiser's own zone (from their country) and Brussels time."""
        zones = [DEFAULT_ZONE]
        own = await self._own_zone(ctx)
        if own and own != DEFAULT_ZONE:
            zones.insert(0, own)
        return [(zone, zone) for zone in zones]

    async def event_zone(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """A zone that puts the start in the past sends the organiser back to the start."""
        start = dt.datetime.fromisoformat(str(ctx.state.answers.get("start")))
        if aware(start, accepted.value) <= ctx.needs_services.clock():
            return Accept(accepted.value, outcome="past", notice="newevent.past")
        return accepted

    async def _own_zone(self, ctx: StepContext) -> str | None:
        services, message = ctx.needs_services, ctx.message
        profile = await services.profiles.get(message.platform, message.user_id) if message else None
        return country_zone(profile.country) if profile else None

    async def event_place(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """A venue and/or a link to join online."""
        where: Where = accepted.value
        return Accept(answers={"place": where.place[:200], "online": where.online})

    # --- preview and save ---------------------------------------------------------------------
    async def preview(self, ctx: StepContext) -> Prompt:
        """The event as members will see it, with the save button (and its sign-up link)."""
        try:
            event = self.event(ctx, "preview")
        except EventError as error:
            return Prompt(ctx.t("newevent.invalid", problem=str(error)))
        text = ctx.t("newevent.preview", event=self.describe(ctx, event))
        buttons = [[ctx.option(ctx.t("newevent.button.save"), SAVE)]]
        if event.signup_url:
            buttons.insert(0, [Button(label=ctx.t("answer.signup", title=event.title), url=event.signup_url)])
        return Prompt(text, buttons)

    def describe(self, ctx: StepContext, event: EventData) -> str:
        """The event as members will see it, in the organiser's language."""
        place = event_place(event, texts=ctx.texts, language=ctx.language)
        when = format_when(event, ctx.language)
        lines = [ctx.texts.text("events.item", ctx.language, title=event.title, when=when, place=place)]
        if event.online_url:
            lines.append(f"🔗 {event.online_url}")
        topics = ", ".join(topic_label(ctx, topic) for topic in event.topics) or "—"
        details = [
            ctx.t("newevent.detail.language", language=language_name(ctx, event.language)),
            ctx.t("newevent.detail.region", region=region_label(ctx, self.places, event.region)),
            ctx.t("newevent.detail.topics", topics=topics),
        ]
        return "\n".join([*lines, *details])

    def event(self, ctx: StepContext, event_id: str) -> EventData:
        """The event the answers describe (validated).

        Raises:
            EventError: Naming the field that is wrong.
        """
        return validate_event(self.fields(ctx), event_id=event_id)

    def fields(self, ctx: StepContext) -> dict[str, Any]:
        """The answers as event fields (see ``bot.events.validation.validate_event``)."""
        answers = ctx.state.answers
        return {
            "title": answers.get("title"),
            "start": answers.get("start"),
            "end": answers.get("end"),
            "timezone": answers.get("timezone") or DEFAULT_ZONE,
            "place": answers.get("place", ""),
            "online": answers.get("online", ""),
            "signup_url": answers.get("signup_url", ""),
            "language": answers.get("language") or ctx.language,
            "region": answers.get("region") or EVERYWHERE,
            "topics": answers.get("topics") or [],
        }

    async def save(self, ctx: StepContext, confirmed: Accept) -> Verdict:
        """Save the confirmed event, unless its start has passed meanwhile."""
        services, message = ctx.needs_services, ctx.needs_message
        start = dt.datetime.fromisoformat(str(ctx.state.answers.get("start")))
        if aware(start, str(ctx.state.answers.get("timezone") or DEFAULT_ZONE)) <= services.clock():
            return Accept(outcome="past", notice="newevent.past")
        try:
            # The run's id makes the event's: a double-pressed Save stores one event.
            event = await services.events.add(
                self.fields(ctx),
                created_by=f"{message.platform}:{message.user_id}",
                event_id=f"ev-{ctx.state.id[:8]}",
            )
        except EventError as error:
            return Retry("newevent.invalid", {"problem": str(error)})
        signup = [[Button(label=ctx.t("answer.signup", title=event.title), url=event.signup_url)]]
        ics = Attachment(filename=f"{event.id}.ics", content=event_to_ics(event), mime_type="text/calendar")
        reply = Reply(
            text=ctx.t("newevent.saved", id=event.id, event=self.describe(ctx, event)),
            buttons=signup if event.signup_url else [],
            attachments=[ics],
            language=ctx.language,
        )
        return Finish([reply])
