"""The hand-off handler: ``/human`` and "Ask an organiser" for members, ``/handoffs`` (their own) and
*Withdraw*; *Answer*, *Not for us*, *Close*, *Publish* and ``/handoff`` (the open hand-offs) for
organisers.

The two dialogues (a member's line of context, an organiser's answer) run on the guided-chat engine
(``bot/guided/flows/human.yaml`` and ``handoff.yaml``); this handler starts them with what they need.
"""

from __future__ import annotations

from bot.guided.handler import GuidedChatHandler
from bot.handoffs.asking import hand_off
from bot.handoffs.mine import COMMAND as MEMBER_LIST
from bot.handoffs.mine import member_handoffs
from bot.handoffs.models import Handoff, HandoffError
from bot.handoffs.notify import PREFIX, HandoffNotifier, organiser_buttons, state_label
from bot.models import IncomingMessage, Reply
from bot.services import Services
from bot.speech import member_language
from bot.store.answers import thread_key

MEMBER_FLOW = "human"
ORGANISER_FLOW = "handoff"
LISTED = 10  # open hand-offs shown by /handoff (the web page shows them all)


def thread_of(key: str) -> str | None:
    """The thread id inside an answers ``thread_key`` (``platform:chat:thread``), None for none."""
    return key.rsplit(":", 1)[-1] or None


class HandoffHandler:
    """Members hand questions over; organisers act on them.

    Args:
        services: Shared services.
        guided: The guided-chat handler that runs the two hand-off dialogues.
    """

    def __init__(self, services: Services, guided: GuidedChatHandler) -> None:
        self.services = services
        self.guided = guided
        self.notifier = HandoffNotifier(
            services.catalogue,
            services.senders,
            services.platforms,
            lambda: services.members,
            services.answers,
            services.clock,
        )

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take ``ho:`` buttons, ``/human`` and ``/handoff``."""
        if message.callback_data is not None:
            if not message.callback_data.startswith(PREFIX):
                return None
            action, _, ident = message.callback_data.removeprefix(PREFIX).partition(":")
            return await self._button(message, action, ident)
        if message.command == MEMBER_FLOW:
            return await self._human(message)
        if message.command == ORGANISER_FLOW:
            return await self._list_open(message)
        if message.command == MEMBER_LIST:
            return [await member_handoffs(self.services, message)]
        return None

    # --- members --------------------------------------------------------------------------------
    async def _human(self, message: IncomingMessage) -> list[Reply]:
        """``/human [context]``: hand over the member's last question here (with the context), or
        the text itself when they asked nothing here yet."""
        args = message.args.strip()
        last = await self.services.answers.latest(
            message.platform,
            message.user_id,
            thread_key(message.platform, message.chat_id, message.thread_id),
        )
        if last is None:
            if not args:
                return [await self._say(message, "handoff.member.nothing_to_ask")]
            return [await hand_off(self.services, message, question=args)]
        if args:
            return [
                await hand_off(
                    self.services, message, question=last.question, bot_answer=last.answer, context=args
                )
            ]
        return await self._ask_context(
            message, last.question, last.answer, last.chat_id, thread_of(last.thread_key)
        )

    async def _ask_context(
        self, message: IncomingMessage, question: str, bot_answer: str, chat_id: str, thread_id: str | None
    ) -> list[Reply]:
        try:
            await self.services.handoffs.check_limits(message.platform, message.user_id)
        except HandoffError as error:
            return [await self._say(message, error.key, **error.params)]
        answers = {"question": question, "bot_answer": bot_answer, "chat_id": chat_id, "thread_id": thread_id}
        return await self.guided.begin(message, self.guided.engine.flows[MEMBER_FLOW], answers=answers)

    async def _button(self, message: IncomingMessage, action: str, ident: str) -> list[Reply]:
        handoffs = self.services.handoffs
        organiser = f"{message.platform}:{message.user_id}"
        try:
            if action == "ask":
                row = await self.services.answers.get(ident)
                if row is None or (row.platform, row.user_id) != (message.platform, message.user_id):
                    raise HandoffError("handoff.error.not_found")
                return await self._ask_context(
                    message, row.question, row.answer, row.chat_id, thread_of(row.thread_key)
                )
            if action == "withdraw":
                handoff = await handoffs.withdraw(ident, platform=message.platform, user_id=message.user_id)
                return [await self._state(message, "handoff.member.withdrawn", handoff)]
            if action == "answer":
                handoff = await handoffs.for_organiser(ident, organiser)
                if handoff.state == "answered" and handoff.answered_by != organiser:
                    # The Answer button of a message a colleague's answer made stale.
                    raise HandoffError("handoff.error.answered_elsewhere", answer=handoff.answer)
                if handoff.state != "open":
                    raise HandoffError("handoff.error.not_open", state=handoff.state)
                flow = self.guided.engine.flows[ORGANISER_FLOW]
                return await self.guided.begin(
                    message, flow, answers={"handoff": handoff.id, "question": handoff.question}
                )
            if action == "pass":
                handoff = await handoffs.pass_on(ident, organiser=organiser)
                return [await self._state(message, "handoff.organiser.passed_done", handoff)]
            if action == "close":
                handoff = await handoffs.close(ident, organiser=organiser)
                return [await self._state(message, "handoff.organiser.closed_done", handoff)]
            if action == "publish":
                card = await self.services.organiser_cards.publish(ident, organiser=organiser)
                date = (card.published_at or card.updated_at).date().isoformat()
                return [
                    await self._say(
                        message,
                        "handoff.organiser.published",
                        id=card.id,
                        languages=", ".join(card.answers),
                        missing=", ".join(card.missing_languages) or "—",
                        cited=card.source_url or f"ESER organisers, {date}",
                    )
                ]
        except HandoffError as error:
            params = dict(error.params)
            language = await member_language(self.services, message)
            if "state" in params:
                params["state"] = state_label(self.services.catalogue, str(params["state"]), language)
            return [await self._say(message, error.key, **params)]
        return [await self._say(message, "dialogue.stale")]

    # --- organisers -----------------------------------------------------------------------------
    async def _list_open(self, message: IncomingMessage) -> list[Reply]:
        if not await self.services.organisers.allow(message.platform, message.user_id, "handoff"):
            return [await self._say(message, "handoff.refused")]
        language = await member_language(self.services, message)
        waiting = await self.services.handoffs.listed(("open",), limit=LISTED)
        if not waiting:
            return [await self._say(message, "handoff.organiser.none_open")]
        return [
            Reply(
                text=self.notifier.organiser_text(handoff, "listed", language),
                buttons=organiser_buttons(self.services.catalogue, handoff, language),
                thread_id=message.thread_id,
                language=language,
            )
            for handoff in waiting
        ]

    # --- helpers --------------------------------------------------------------------------------
    async def _state(self, message: IncomingMessage, key: str, handoff: Handoff) -> Reply:
        language = await member_language(self.services, message)
        return await self._say(
            message, key, id=handoff.id, state=state_label(self.services.catalogue, handoff.state, language)
        )

    async def _say(self, message: IncomingMessage, key: str, **values: object) -> Reply:
        language = await member_language(self.services, message)
        text = self.services.catalogue.text(key, language, **values)
        return Reply(text=text, thread_id=message.thread_id, language=language)
