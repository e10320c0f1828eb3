"""``/announce``'s domain logic: events to link, the send time, the preview, submitting the draft.

text → event (optional; upcoming events as buttons) → topics (or everyone) → region (or everywhere)
→ language (or any) → when (now or a date and time) → preview (the message as recipients will see
it, the exact recipient count per platform, "notify the channel" on or off) → confirm. The confirmed
draft carries an idempotency key derived from the run, so a double-pressed Confirm sends once.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.broadcast.models import Audience, Draft
from bot.broadcast.service import MAX_ANNOUNCEMENT_CHARS, InvalidDraft, NotOrganiser
from bot.events.validation import DEFAULT_ZONE
from bot.guided.context import StepContext
from bot.guided.flows.labels import language_name, region_label, topic_label
from bot.guided.hooks import FlowHooks
from bot.guided.inputs import Moment, aware
from bot.guided.state import Accept, Finish, Prompt, Retry, Verdict
from bot.models import Reply, Target
from bot.places import Places
from knowledge.events import country_zone
from knowledge.listings import format_when

OFFERED_EVENTS = 8
EVENT_HORIZON = dt.timedelta(days=365)
NO_EVENT = "none"
NOW = "now"
CONFIRM = "confirm"
NOTIFY = "notify"


class AnnounceHooks(FlowHooks):
    """Hooks of ``announce.yaml``.

    Args:
        places: Country names in every language.
    """

    flow_id = "announce"

    def __init__(self, places: Places) -> None:
        self.places = places

    # --- text and event -----------------------------------------------------------------------
    async def limits(self, ctx: StepContext) -> dict[str, object]:
        """``{limit}``: the longest announcement."""
        return {"limit": MAX_ANNOUNCEMENT_CHARS}

    async def offer_events(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """With the text, the upcoming events the announcement may link (fixed for this run, so the
        numbers typed later mean what was shown)."""
        now = ctx.needs_services.clock()
        upcoming = await ctx.needs_services.events.events_starting(now, now + EVENT_HORIZON)
        return Accept(accepted.value, answers={"offered": [event.id for event in upcoming[:OFFERED_EVENTS]]})

    async def has_offered_events(self, ctx: StepContext) -> bool:
        """The event step is asked only when there are upcoming events to offer."""
        return bool(ctx.state.answers.get("offered"))

    async def offered_events(self, ctx: StepContext) -> list[tuple[str, str]]:
        """The offered events as numbered choices (as typed: 1-based)."""
        choices = []
        for n, event_id in enumerate(ctx.state.answers.get("offered") or (), start=1):
            event = await ctx.needs_services.events.get(event_id)
            if event is not None:
                choices.append((str(n), f"{n}. {event.title}"[:60]))
        return choices

    async def event_question(self, ctx: StepContext) -> Prompt:
        """The question, each offered event with its date, and a button per event and "no event"."""
        lines = []
        for n, event_id in enumerate(ctx.state.answers.get("offered") or (), start=1):
            event = await ctx.needs_services.events.get(event_id)
            if event is not None:
                lines.append(f"{n}. {event.title} — {format_when(event, ctx.language)}")
        buttons = [[ctx.option(label, value)] for value, label in ctx.choices]
        return Prompt(ctx.t("announce.step.event") + "\n\n" + "\n".join(lines), buttons)

    async def chosen_event(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """The chosen number as the event's id ("no event": None)."""
        if accepted.value == NO_EVENT:
            return Accept(None)
        offered = list(ctx.state.answers.get("offered") or ())
        return Accept(offered[int(accepted.value) - 1])

    # --- when ---------------------------------------------------------------------------------
    async def examples(self, ctx: StepContext) -> dict[str, object]:
        """``{example}``: tomorrow 09:00 in the organiser's zone."""
        zone = await self._zone(ctx)
        example = (ctx.needs_services.clock() + dt.timedelta(days=1)).astimezone(ZoneInfo(zone))
        return {"example": f"{example:%Y-%m-%d} 09:00 {zone}"}

    async def send_time(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """ "Now", or a future moment (in the typed zone, else the organiser's)."""
        if accepted.value == NOW:
            return Accept(None)
        moment: Moment = accepted.value
        zone = moment.zone or await self._zone(ctx)
        send_at = aware(moment.start, zone)
        if send_at <= ctx.needs_services.clock():
            return Retry("announce.past")
        return Accept(send_at.isoformat(), answers={"zone": zone})

    async def _zone(self, ctx: StepContext) -> str:
        services, message = ctx.needs_services, ctx.message
        profile = await services.profiles.get(message.platform, message.user_id) if message else None
        return (country_zone(profile.country) if profile else None) or DEFAULT_ZONE

    # --- preview and send ---------------------------------------------------------------------
    async def preview(self, ctx: StepContext) -> Prompt:
        """The message as recipients will see it, who gets it and when, and the exact counts."""
        try:
            preview = await ctx.needs_services.broadcasts.preview(self.draft(ctx), language=ctx.language)
        except InvalidDraft as error:
            return Prompt(ctx.t(error.key, **error.params))
        counts = " · ".join(
            f"{ctx.t(f'announce.platform.{platform}')}: {count}" for platform, count in preview.counts.items()
        )
        notify = bool(ctx.state.answers.get("notify"))
        text = ctx.t(
            "announce.preview",
            message=preview.reply.text,
            audience=self.audience_text(ctx),
            when=self.when_text(ctx),
            counts=counts,
            total=preview.total,
        )
        if not preview.total:
            # Nothing to confirm: say why, and leave only the way out (Back, Cancel).
            return Prompt(text + "\n\n" + ctx.t("broadcast.invalid.nobody"))
        if notify:
            text += "\n" + ctx.t("announce.notify_is_on")
        # Only the link buttons: the preview's "unsubscribe" must not act on the organiser.
        links = [[button] for row in preview.reply.buttons for button in row if button.url]
        toggle = "announce.button.notify_off" if notify else "announce.button.notify_on"
        return Prompt(
            text,
            [
                *links,
                [ctx.option(ctx.t("announce.button.confirm", total=preview.total), CONFIRM)],
                [ctx.option(ctx.t(toggle), NOTIFY)],
            ],
        )

    def audience_text(self, ctx: StepContext) -> str:
        """Who gets it, in words."""
        answers = ctx.state.answers
        topics = ", ".join(topic_label(ctx, topic) for topic in answers.get("topics") or ())
        language = answers.get("language")
        return ctx.t(
            "announce.audience",
            topics=topics or ctx.t("announce.button.everyone"),
            region=region_label(ctx, self.places, answers.get("region")),
            language=language_name(ctx, language) if language else ctx.t("announce.button.any_language"),
        )

    def when_text(self, ctx: StepContext) -> str:
        """When it goes out, in the organiser's language and zone."""
        send_at = ctx.state.answers.get("send_at")
        if not send_at:
            return ctx.t("announce.button.now")
        zone = str(ctx.state.answers.get("zone") or DEFAULT_ZONE)
        moment = dt.datetime.fromisoformat(str(send_at))
        return f"{format_datetime(moment, 'medium', tzinfo=ZoneInfo(zone), locale=ctx.language)} ({zone})"

    def draft(self, ctx: StepContext) -> Draft:
        """The announcement the answers describe."""
        answers, message = ctx.state.answers, ctx.needs_message
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
            idempotency_key=f"announce:{message.platform}:{message.user_id}:{ctx.state.id}",
        )

    async def send(self, ctx: StepContext, confirmed: Accept) -> Verdict:
        """Submit the confirmed announcement (a typed "yes" rebuilds no preview: no recount)."""
        message = ctx.needs_message
        try:
            await ctx.needs_services.broadcasts.check_recipients(self.draft(ctx))
            submitted = await ctx.needs_services.broadcasts.submit(
                self.draft(ctx),
                organiser=Target(platform=message.platform, chat_id=message.user_id),
                report_to=Target(platform=message.platform, chat_id=message.chat_id),
            )
        except NotOrganiser:
            return Finish([Reply(text=ctx.t("announce.refused"), language=ctx.language)])
        except InvalidDraft as error:
            return Retry(error.key, error.params)
        platform = ctx.needs_services.platforms.get(message.platform)
        # A platform that takes no messages on the bot's own initiative (the console) gets no report.
        reported = platform is None or platform.broadcasts
        key = "announce.already"
        if submitted.created:
            key = "announce.queued" if reported else "announce.queued_no_report"
        reply = Reply(
            text=ctx.t(key, id=submitted.announcement_id, when=self.when_text(ctx)), language=ctx.language
        )
        return Finish([reply])
