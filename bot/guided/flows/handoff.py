"""The hand-off dialogues' domain logic: an organiser answers a member's question (``handoff.yaml``),
and a member adds a line of context before handing their question over (``human.yaml``).

handoff: answer (typed; sent to the member at once, defanged) → keep (save as an answer card?) →
source (a link, or skip: cited as "ESER organisers, <date>") → a draft card with a *Publish* button.

human: context (a line, or *Send as it is*) → the hand-off goes to the organisers covering the
member's country, and the member gets its state and *Withdraw*.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.guided.context import StepContext
from bot.guided.hooks import FlowHooks
from bot.guided.state import Accept, Finish, Verdict
from bot.handoffs.asking import hand_off
from bot.handoffs.card_documents import CITED_AS
from bot.handoffs.models import HandoffError
from bot.handoffs.notify import PREFIX
from bot.models import Button, Reply

SEND_AS_IS = "send"
KEEP_CARD = "card"


def organiser_of(ctx: StepContext) -> str:
    """``platform:user_id`` of the organiser running the dialogue."""
    message = ctx.needs_message
    return f"{message.platform}:{message.user_id}"


class HandoffHooks(FlowHooks):
    """Hooks of ``handoff.yaml`` (its run is started with ``handoff`` and ``question`` answered)."""

    flow_id = "handoff"

    async def question(self, ctx: StepContext) -> dict[str, object]:
        """``{question}``: the member's question."""
        return {"question": ctx.state.answers.get("question", "")}

    async def send_answer(self, ctx: StepContext, accepted: Accept) -> Verdict:
        """Send the typed answer to the member (in the language it is written in)."""
        services = ctx.needs_services
        text = str(accepted.value)
        written_in = services.knowledge.detector.detect(text, hint=ctx.language)
        try:
            handoff = await services.handoffs.answer(
                str(ctx.state.answers.get("handoff")),
                organiser=organiser_of(ctx),
                text=text,
                language=written_in.code if written_in.supported else ctx.language,
            )
        except HandoffError as error:
            return Finish(
                [Reply(text=ctx.t(error.key, **self._state_words(ctx, error)), language=ctx.language)]
            )
        return Accept(handoff.answer, notice="handoff.sent", values={"id": handoff.id})

    async def cited_as(self, ctx: StepContext) -> dict[str, object]:
        """``{cited}``: how a card without a link is cited."""
        return {"cited": CITED_AS.format(date=ctx.needs_services.clock().date().isoformat())}

    async def finish(self, ctx: StepContext, values: Mapping[str, str]) -> list[Reply]:
        """Keep the answer as a draft card with a *Publish* button, or just say it is done."""
        answers = ctx.state.answers
        if answers.get("keep") != KEEP_CARD:
            return [Reply(text=ctx.t("handoff.organiser.done"), language=ctx.language)]
        services = ctx.needs_services
        try:
            card = await services.organiser_cards.save_draft(
                str(answers.get("handoff")),
                organiser=organiser_of(ctx),
                source_url=str(answers.get("source_url") or ""),
            )
        except HandoffError as error:
            return [Reply(text=ctx.t(error.key, **self._state_words(ctx, error)), language=ctx.language)]
        text = ctx.t(
            "handoff.organiser.draft_saved",
            id=card.id,
            languages=", ".join(card.answers),
            missing=", ".join(card.missing_languages) or "—",
        )
        publish = Button(label=ctx.t("handoff.button.publish"), callback_data=f"{PREFIX}publish:{card.id}")
        return [Reply(text=text, buttons=[[publish]], language=ctx.language)]

    @staticmethod
    def _state_words(ctx: StepContext, error: HandoffError) -> dict[str, object]:
        params = dict(error.params)
        if "state" in params:
            params["state"] = ctx.t(f"handoff.state.{params['state']}")
        return params


class HumanHooks(FlowHooks):
    """Hooks of ``human.yaml`` (its run is started with ``question``, ``bot_answer``, ``chat_id`` and
    ``thread_id`` answered)."""

    flow_id = "human"

    async def question(self, ctx: StepContext) -> dict[str, object]:
        """``{question}``: the question to hand over."""
        return {"question": ctx.state.answers.get("question", "")}

    async def finish(self, ctx: StepContext, values: Mapping[str, str]) -> list[Reply]:
        """Hand the question over with the member's line of context."""
        answers = ctx.state.answers
        context = str(answers.get("context") or "")
        reply = await hand_off(
            ctx.needs_services,
            ctx.needs_message,
            question=str(answers.get("question") or ""),
            bot_answer=str(answers.get("bot_answer") or ""),
            context="" if context == SEND_AS_IS else context,
            chat_id=answers.get("chat_id"),
            thread_id=answers.get("thread_id"),
        )
        return [reply]
