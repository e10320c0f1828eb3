"""How newcomers meet onboarding: ``start``, a first direct message on Slack, and paused runs.

``start`` in a group points to the direct chat; in the direct chat it begins onboarding, offers to
resume one left half-way, or welcomes back a member who finished. On Slack a member the bot does not
know yet who writes first is welcomed into onboarding when they greet, and when they ask a real
question it is answered first (by the handlers routed later) with onboarding offered beside the
answer, so the question is never lost. A run paused for idleness is offered again, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.guided.context import RUN_BUTTON, callback
from bot.guided.flow import Flow
from bot.guided.state import GuidedState
from bot.i18n import normalise_language
from bot.models import Button, IncomingMessage, Reply
from bot.router import Handler
from bot.speech import member_language, say
from bot.store.guided_chats import StoredChat

if TYPE_CHECKING:
    from bot.guided.handler import GuidedChatHandler

# A first message of at least this many words (or with a question mark) is a question, not a greeting.
QUESTION_WORDS = 4


def looks_like_question(text: str) -> bool:
    """Whether a first message is a real question (to answer) rather than a greeting."""
    return "?" in text or "？" in text or len(text.split()) >= QUESTION_WORDS


class Welcome:
    """Onboarding's ways in.

    Args:
        handler: The guided-chat handler (it runs the flow).
        flow: The onboarding flow.
        later: The handlers routed after guided chats (they answer a newcomer's question).
    """

    def __init__(self, handler: GuidedChatHandler, flow: Flow, later: Sequence[Handler]) -> None:
        self.handler = handler
        self.flow = flow
        self.later = list(later)
        self.services = handler.services
        self.store = handler.store

    async def start_command(self, message: IncomingMessage) -> list[Reply]:
        """``start``: a pointer in groups; begin, resume or welcome back in the direct chat."""
        if not message.is_direct:
            language = await member_language(self.services, message)
            return [self._say(message, "onboarding.group_pointer", language)]
        record = await self.store.get(message.platform, message.user_id, self.flow.id)
        if record is not None and record.status in ("paused", "stopped") and self._has_progress(record):
            return [await self._resume_offer(message, record)]
        if record is not None and record.status == "done":
            language = await member_language(self.services, message)
            restart = [[self._run_button(message, "restart", language)]]
            return [self._say(message, "onboarding.welcome_back", language, buttons=restart)]
        return await self.begin(message)

    async def begin(self, message: IncomingMessage, *, welcome: bool = True) -> list[Reply]:
        """A fresh onboarding run, with the welcome message first when ``welcome``."""
        return await self.handler.begin(message, self.flow, welcome="onboarding.welcome" if welcome else None)

    async def direct_text(self, message: IncomingMessage) -> list[Reply] | None:
        """A direct message while no run is active: "restart", a paused run, or a Slack first contact."""
        record = await self.store.get(message.platform, message.user_id, self.flow.id)
        language = await member_language(self.services, message)
        if self.handler.engine.words.means("restart", message.text, language):
            return await self.begin(message)
        if record is not None and record.status == "paused":
            # The run timed out: offer to continue once, and still answer a question asked meanwhile.
            await self.store.set_status(
                message.platform, message.user_id, self.flow.id, "stopped", self.services.clock()
            )
            offer = await self._resume_offer(message, record)
            answered = await self._answer_elsewhere(message) if looks_like_question(message.text) else []
            return [*answered, offer]
        if record is None and message.platform == "slack":
            return await self._first_contact(message)
        return None

    async def run_button(self, message: IncomingMessage, flow: Flow, action: str) -> list[Reply]:
        """A button acting on the whole run: ``resume``, ``later`` or ``restart``."""
        record = await self.store.get(message.platform, message.user_id, flow.id)
        if action == "restart" or record is None or record.status == "done":
            return await self.handler.begin(
                message, flow, welcome="onboarding.welcome" if record is None else None
            )
        if action == "later":
            await self.store.set_status(
                message.platform, message.user_id, flow.id, "stopped", self.services.clock()
            )
            return [self._say(message, "onboarding.later", await member_language(self.services, message))]
        state = GuidedState.model_validate_json(record.state)
        await self.store.set_status(
            message.platform, message.user_id, flow.id, "active", self.services.clock()
        )
        reply = await self.handler.engine.prompt(self.handler.run_for(message, flow, record.hint), state)
        return [reply.model_copy(update={"thread_id": message.thread_id})]

    async def _first_contact(self, message: IncomingMessage) -> list[Reply] | None:
        if await self.services.profiles.get(message.platform, message.user_id) is not None:
            return None
        if not looks_like_question(message.text):
            return await self.begin(message)
        answered = await self._answer_elsewhere(message)
        hint = normalise_language(message.language_hint)
        # Stored as stopped at the first step: offered once, never imposed on the next question.
        state = GuidedState(step=self.flow.start)
        await self.store.save(
            message.platform,
            message.user_id,
            self.flow.id,
            chat_id=message.chat_id,
            status="stopped",
            state=state.model_dump_json(),
            hint=hint,
            now=self.services.clock(),
        )
        buttons = [
            [self._run_button(message, "resume", hint, label="onboarding.button.begin")],
            [self._run_button(message, "later", hint)],
        ]
        return [*answered, self._say(message, "onboarding.offer", hint, buttons=buttons)]

    async def _resume_offer(self, message: IncomingMessage, record: StoredChat) -> Reply:
        state = GuidedState.model_validate_json(record.state)
        language = self.handler.engine.language(self.flow, state, record.hint)
        title = self.services.catalogue.text(self.flow.step(state.step).title, language)
        buttons = [[self._run_button(message, action, language)] for action in ("resume", "restart", "later")]
        return self._say(message, "onboarding.resume", language, buttons=buttons, step=title)

    async def _answer_elsewhere(self, message: IncomingMessage) -> list[Reply]:
        for handler in self.later:
            replies = await handler.handle(message)
            if replies is not None:
                return replies
        return []

    def _has_progress(self, record: StoredChat) -> bool:
        state = GuidedState.model_validate_json(record.state)
        return bool(state.history or state.answers)

    def _run_button(self, message: IncomingMessage, action: str, language: str, *, label: str = "") -> Button:
        text = self.services.catalogue.text(label or f"onboarding.button.{action}", language)
        return Button(label=text, callback_data=callback(self.flow.id, RUN_BUTTON, action))

    def _say(
        self,
        message: IncomingMessage,
        key: str,
        language: str,
        *,
        buttons: list[list[Button]] | None = None,
        **values: object,
    ) -> Reply:
        text = say(self.services, message, key, language, values)
        return Reply(text=text, buttons=buttons or [], thread_id=message.thread_id, language=language)
