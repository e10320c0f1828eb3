"""What organisers and members are told about a hand-off, sent on the bot's own initiative through
the platform senders (``services.senders``), defanged with each platform's mention escaping.

Organisers get the question in their private chat, in their own language, with the member's
language, organisation type and country, the bot's answer if any, and *Answer* / *Not for us* /
*Close*. The member gets the answer where they asked (the Slack thread, a reply on Telegram),
marked as from an ESER organiser, with 👍/👎 like every answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from bot.delivery import DeliveryError, Sender
from bot.feedback import FEEDBACK_PREFIX
from bot.handoffs.models import Handoff
from bot.handoffs.values import MemberNotice, OrganiserNotice
from bot.i18n import Catalogue, preferred_language
from bot.members import MemberDirectory
from bot.models import Button, Reply, Target
from bot.platforms import PlatformCapabilities, no_markup
from bot.safety import defang_reply
from bot.store.answers import AnswerStore, thread_key
from knowledge.models import Answer

PREFIX = "ho:"
QUOTE_CHARS = 300
log = logging.getLogger(__name__)


def organiser_buttons(catalogue: Catalogue, handoff: Handoff, language: str) -> list[list[Button]]:
    """*Answer*, *Not for us*, *Close* for an open hand-off; *Close* alone once answered."""
    text = catalogue.text

    def button(action: str) -> Button:
        return Button(
            label=text(f"handoff.button.{action}", language), callback_data=f"{PREFIX}{action}:{handoff.id}"
        )

    if handoff.state == "open":
        return [[button("answer")], [button("pass"), button("close")]]
    if handoff.state == "answered":
        return [[button("close")]]
    return []


def member_buttons(catalogue: Catalogue, handoff: Handoff, language: str) -> list[list[Button]]:
    """*Withdraw* while the hand-off is open."""
    if handoff.state != "open":
        return []
    label = catalogue.text("handoff.button.withdraw", language)
    return [[Button(label=label, callback_data=f"{PREFIX}withdraw:{handoff.id}")]]


def state_label(catalogue: Catalogue, state: str, language: str) -> str:
    """The state in words (open, answered, closed, withdrawn)."""
    return catalogue.text(f"handoff.state.{state}", language)


def quoted(text: str) -> str:
    """A member's text, shortened for a heading."""
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


class HandoffNotifier:
    """Sends hand-off messages (implements ``bot.handoffs.service.Notifier``).

    Args:
        catalogue: Fixed texts.
        senders: The running platforms' senders, by platform (filled by the adapters as they start).
        platforms: What each platform declares (its mention escaping).
        members: Members' (and organisers') languages.
        answers: Where answers are recorded, so the member's 👍/👎 on an organiser's answer count.
        clock: Current UTC time.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        senders: Mapping[str, Sender],
        platforms: Mapping[str, PlatformCapabilities],
        members: Callable[[], MemberDirectory],
        answers: AnswerStore,
        clock: Callable[[], datetime],
    ) -> None:
        self.catalogue = catalogue
        self.senders = senders
        self.platforms = platforms
        self.members = members
        self.answers = answers
        self.clock = clock

    async def language_of(self, platform: str, user_id: str) -> str:
        """A member's or organiser's language (their profile's; English when unknown)."""
        context = await self.members().context(platform, user_id)
        return preferred_language(context.language, None)

    def organiser_text(self, handoff: Handoff, notice: OrganiserNotice | str, language: str) -> str:
        """The hand-off as an organiser reads it, headed by why they get it."""
        text = self.catalogue.text
        organisation = (
            text(f"onboarding.organisation.{handoff.organisation_type.replace('-', '_')}", language)
            if handoff.organisation_type
            else text("handoff.unknown", language)
        )
        lines = [
            text(f"handoff.organiser.{notice}", language),
            "",
            f"“{handoff.question}”",
        ]
        if handoff.context:
            lines.append(text("handoff.organiser.context", language, context=handoff.context))
        lines += [
            "",
            # Fetched bare and formatted here: one placeholder is itself called ``language``.
            text("handoff.organiser.member", language).format(
                language=text(f"onboarding.language.{handoff.language}", language),
                organisation=organisation,
                country=handoff.country or text("handoff.unknown", language),
            ),
        ]
        if handoff.bot_answer:
            lines.append(text("handoff.organiser.bot_answer", language, answer=quoted(handoff.bot_answer)))
        lines.append(
            text(
                "handoff.organiser.state",
                language,
                state=state_label(self.catalogue, handoff.state, language),
                id=handoff.id,
            )
        )
        if handoff.answer:
            lines.append(text("handoff.organiser.answer", language, answer=handoff.answer))
        return "\n".join(lines)

    async def to_organisers(
        self, handoff: Handoff, organisers: Sequence[str], notice: OrganiserNotice
    ) -> list[str]:
        """Send the hand-off to each organiser's private chat; returns the organisers it reached."""
        reached = []
        for organiser in organisers:
            platform, _, user_id = organiser.partition(":")
            language = await self.language_of(platform, user_id)
            reply = Reply(
                text=self.organiser_text(handoff, notice, language),
                # Nothing left to press once a colleague has answered.
                buttons=[]
                if notice == "answered_elsewhere"
                else organiser_buttons(self.catalogue, handoff, language),
                language=language,
            )
            if await self.send(Target(platform=platform, chat_id=user_id), reply):
                reached.append(organiser)
        return reached

    async def to_member(self, handoff: Handoff, notice: MemberNotice) -> bool:
        """Tell the member where they asked: the organiser's answer (with 👍/👎) or that it closed."""
        language = handoff.language
        text = self.catalogue.text
        buttons: list[list[Button]] = []
        if notice == "answered":
            body = text("handoff.member.answered", language, question=quoted(handoff.question))
            body += "\n\n" + handoff.answer
            answer_id = await self.answers.record_answer(
                platform=handoff.platform,
                user_id=handoff.user_id,
                chat_id=handoff.chat_id,
                thread=thread_key(handoff.platform, handoff.chat_id, handoff.thread_id),
                answer=Answer(
                    question=handoff.question,
                    text=handoff.answer,
                    language=handoff.answer_language or language,
                ),
                now=self.clock(),
            )
            buttons = [
                [
                    Button(
                        label=text("feedback.button_up", language),
                        callback_data=f"{FEEDBACK_PREFIX}{answer_id}:up",
                    ),
                    Button(
                        label=text("feedback.button_down", language),
                        callback_data=f"{FEEDBACK_PREFIX}{answer_id}:down",
                    ),
                ]
            ]
        else:
            body = text("handoff.member.closed", language, question=quoted(handoff.question))
        reply = Reply(text=body, buttons=buttons, thread_id=handoff.thread_id, language=language)
        return await self.send(Target(platform=handoff.platform, chat_id=handoff.chat_id), reply)

    async def send(self, target: Target, reply: Reply) -> bool:
        """Send one defanged reply; False when its platform is not running here or refused it."""
        sender = self.senders.get(target.platform)
        if sender is None:
            log.warning(
                "no %s sender running: a hand-off message to %s waits for no one", target.platform, target
            )
            return False
        platform = self.platforms.get(target.platform)
        safe = defang_reply(reply, platform.escape_markup if platform else no_markup)
        try:
            await sender.send(target, safe)
        except DeliveryError as error:
            log.warning("hand-off message to %s not delivered: %s", target, error)
            return False
        return True
