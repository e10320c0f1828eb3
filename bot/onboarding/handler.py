"""The onboarding handler: runs the guided flow in direct chats and hands over the starting kit.

It takes ``start`` (any platform), flow buttons (``ob:``), a member's direct messages while their flow
is active, and on Slack the first direct message of a member the bot does not know yet: a greeting
starts the flow, a real question is answered first (by the handlers after this one) and the flow is
offered beside the answer, so the question is never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.i18n import normalise_language
from bot.models import Button, IncomingMessage, Reply, command_prefix
from bot.onboarding.engine import FlowEngine, FlowState, Turn, UserInput, parse_callback
from bot.onboarding.kit import StartingKit
from bot.router import Handler
from bot.services import Services
from bot.speech import say
from bot.store.onboarding_states import FlowStatus, StoredFlow
from bot.store.profiles import PROFILE_FIELDS

log = logging.getLogger(__name__)
# Flow-level buttons (not tied to a step) use this step name: ``ob:*:resume``.
FLOW_BUTTON = "*"
CONSENT_FIELD = "consent"
# A first message of at least this many words (or with a question mark) is a question, not a greeting.
QUESTION_WORDS = 4


def looks_like_question(text: str) -> bool:
    """Whether a first message is a real question (to answer) rather than a greeting."""
    return "?" in text or "？" in text or len(text.split()) >= QUESTION_WORDS


class OnboardingHandler:
    """Guides newcomers to their profile and starting kit.

    Args:
        services: Shared services.
        engine: The flow engine.
        kit: Builds the starting kit.
        later: The handlers routed after onboarding (they answer a question asked instead of an answer).
    """

    def __init__(
        self, services: Services, engine: FlowEngine, kit: StartingKit, later: Sequence[Handler]
    ) -> None:
        self.services = services
        self.engine = engine
        self.kit = kit
        self.later = list(later)

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take onboarding buttons, ``start``, and direct messages that belong to the flow."""
        if message.callback_data:
            parsed = parse_callback(message.callback_data)
            return None if parsed is None else await self._button(message, *parsed)
        if message.command == "start":
            return await self._start(message)
        if message.command is not None and message.is_direct and self._bare_word(message):
            return await self._bare_command(message)
        if message.command is not None or not message.is_direct:
            return None
        return await self._direct_text(message)

    # --- entry points ---------------------------------------------------------------------------
    async def _start(self, message: IncomingMessage) -> list[Reply]:
        hint = normalise_language(message.language_hint)
        if not message.is_direct:
            language = await self._language(message, hint)
            return [
                self._reply(
                    message, say(self.services, message, "onboarding.group_pointer", language), language
                )
            ]
        record = await self.services.onboarding_states.get(message.platform, message.user_id)
        if record is not None and record.status in ("paused", "stopped") and self._has_progress(record):
            return [await self._resume_offer(message, record)]
        if record is not None and record.status == "done":
            language = await self._language(message, hint)
            return [
                self._reply(
                    message,
                    say(self.services, message, "onboarding.welcome_back", language),
                    language,
                    buttons=[[self._flow_button(message, "restart", language)]],
                )
            ]
        return await self._begin(message, welcome=True)

    async def _direct_text(self, message: IncomingMessage) -> list[Reply] | None:
        record = await self.services.onboarding_states.get(message.platform, message.user_id)
        if record is not None and record.status == "active":
            return await self._advance(message, record, UserInput(text=message.text))
        hint = normalise_language(message.language_hint)
        if self.engine.words.means("restart", message.text, await self._language(message, hint)):
            return await self._begin(message, welcome=True)
        if record is not None and record.status == "paused":
            # The flow timed out: offer to continue once, and still answer a question asked meanwhile.
            await self._set_status(record, "stopped")
            offer = await self._resume_offer(message, record)
            answered = await self._answer_elsewhere(message) if looks_like_question(message.text) else []
            return [*answered, offer]
        if record is None and message.platform == "slack":
            return await self._first_contact(message)
        return None

    def _bare_word(self, message: IncomingMessage) -> bool:
        # Slack reads a direct message that is exactly a command name ("events") as that command;
        # Telegram commands start with "/" and Slack's slash command is "mentioned".
        return not message.mentioned and not message.text.strip().startswith("/")

    async def _bare_command(self, message: IncomingMessage) -> list[Reply] | None:
        """A bare word read as a command: an answer to the current step if the step takes it
        ("events" for the interests), else the command it names."""
        record = await self.services.onboarding_states.get(message.platform, message.user_id)
        if record is None or record.status != "active":
            return None
        return await self._advance(message, record, UserInput(text=message.text), only_answers=True)

    async def _first_contact(self, message: IncomingMessage) -> list[Reply] | None:
        if await self.services.profiles.get(message.platform, message.user_id) is not None:
            return None
        if not looks_like_question(message.text):
            return await self._begin(message, welcome=True)
        answered = await self._answer_elsewhere(message)
        turn = self.engine.begin(
            normalise_language(message.language_hint), cmd=command_prefix(message.platform)
        )
        # Stored as stopped at the first step: offered once, never imposed on the next question.
        await self._save(message, turn, "stopped", normalise_language(message.language_hint))
        language = turn.reply.language if turn.reply else "en"
        offer = self._reply(
            message,
            say(self.services, message, "onboarding.offer", language),
            language,
            buttons=[
                [self._flow_button(message, "resume", language, label="onboarding.button.begin")],
                [self._flow_button(message, "later", language)],
            ],
        )
        return [*answered, offer]

    async def _button(self, message: IncomingMessage, step: str, value: str) -> list[Reply] | None:
        record = await self.services.onboarding_states.get(message.platform, message.user_id)
        hint = record.hint if record else normalise_language(message.language_hint)
        if step == FLOW_BUTTON:
            if value == "restart" or record is None or record.status == "done":
                return await self._begin(message, welcome=record is None)
            if value == "later":
                await self._set_status(record, "stopped")
                language = await self._language(message, hint)
                return [
                    self._reply(message, say(self.services, message, "onboarding.later", language), language)
                ]
            state = FlowState.model_validate_json(record.state)
            await self._save(message, Turn(state=state), "active", record.hint)
            return [
                self._with_thread(message, self.engine.prompt(state, record.hint, cmd=self._cmd(message)))
            ]
        if record is None or record.status == "done":
            language = await self._language(message, hint)
            return [
                self._reply(
                    message, say(self.services, message, "onboarding.stale_button", language), language
                )
            ]
        state = FlowState.model_validate_json(record.state)
        if step != state.step:
            reply = self.engine.prompt(
                state, record.hint, cmd=self._cmd(message), notice="onboarding.old_button"
            )
            if record.status != "active":
                await self._save(message, Turn(state=state), "active", record.hint)
            return [self._with_thread(message, reply)]
        return await self._advance(message, record, UserInput(button=value))

    # --- running the flow -----------------------------------------------------------------------
    async def _begin(self, message: IncomingMessage, *, welcome: bool) -> list[Reply]:
        hint = normalise_language(message.language_hint)
        profile = await self.services.profiles.get(message.platform, message.user_id)
        known = {self.engine.flow.language_field: profile.language} if profile and profile.language else {}
        turn = self.engine.begin(hint, cmd=self._cmd(message), answers=known)
        await self._save(message, turn, "active", hint)
        replies = [self._with_thread(message, turn.reply)] if turn.reply else []
        if welcome and turn.reply:
            language = turn.reply.language
            replies.insert(
                0, self._reply(message, say(self.services, message, "onboarding.welcome", language), language)
            )
        return replies

    async def _advance(
        self, message: IncomingMessage, record: StoredFlow, given: UserInput, *, only_answers: bool = False
    ) -> list[Reply] | None:
        state = FlowState.model_validate_json(record.state)
        turn = self.engine.advance(state, given, record.hint, cmd=self._cmd(message))
        if only_answers and turn.retried:
            return None
        language = self.engine.language(turn.state, record.hint)
        if turn.cancelled:
            await self._save(message, turn, "stopped", record.hint)
            return [
                self._reply(message, say(self.services, message, "onboarding.cancelled", language), language)
            ]
        if not turn.finished:
            await self._save(message, turn, "active", record.hint)
            return [self._with_thread(message, turn.reply)] if turn.reply else []
        await self._save(message, turn, "done", record.hint)
        return await self._finish(message, turn.state, record.hint, language)

    async def _finish(
        self, message: IncomingMessage, state: FlowState, hint: str, language: str
    ) -> list[Reply]:
        answers = state.answers
        consent = answers.get(CONSENT_FIELD)
        if consent in ("yes", "no"):
            await self.services.profiles.record_announcements(
                message.platform,
                message.user_id,
                chat_id=message.chat_id,
                granted=consent == "yes",
                topics=list(answers.get("interests") or ()),
                country=answers.get("country"),
                region=answers.get("region"),
                now=self.services.clock(),
            )
        profile = await self.services.profiles.get(message.platform, message.user_id)
        values = self.engine.values(state, hint)
        consent_key = "onboarding.consent_given" if consent == "yes" else "onboarding.consent_refused"
        done = say(self.services, message, "onboarding.done", language, values)
        summary = f"{done}\n\n{say(self.services, message, consent_key, language, values)}"
        replies = [self._reply(message, summary, language)]
        if profile is not None:
            replies += [
                self._with_thread(message, reply) for reply in await self.kit.build(profile, language)
            ]
        replies.append(self._reply(message, say(self.services, message, "kit.footer", language), language))
        return replies

    async def _save(self, message: IncomingMessage, turn: Turn, status: FlowStatus, hint: str) -> None:
        now = self.services.clock()
        await self.services.onboarding_states.save(
            message.platform,
            message.user_id,
            chat_id=message.chat_id,
            status=status,
            state=turn.state.model_dump_json(),
            hint=hint,
            now=now,
        )
        learned = {name: turn.state.answers[name] for name in PROFILE_FIELDS if name in turn.state.answers}
        if learned:
            await self.services.profiles.update(
                message.platform, message.user_id, chat_id=message.chat_id, now=now, **learned
            )

    async def _set_status(self, record: StoredFlow, status: FlowStatus) -> None:
        await self.services.onboarding_states.set_status(
            record.platform, record.user_id, status, self.services.clock()
        )

    async def _resume_offer(self, message: IncomingMessage, record: StoredFlow) -> Reply:
        state = FlowState.model_validate_json(record.state)
        language = self.engine.language(state, record.hint)
        title = self.services.catalogue.text(self.engine.flow.step(state.step).title, language)
        return self._reply(
            message,
            say(self.services, message, "onboarding.resume", language, step=title),
            language,
            buttons=[
                [self._flow_button(message, "resume", language)],
                [self._flow_button(message, "restart", language)],
                [self._flow_button(message, "later", language)],
            ],
        )

    async def _answer_elsewhere(self, message: IncomingMessage) -> list[Reply]:
        for handler in self.later:
            replies = await handler.handle(message)
            if replies is not None:
                return replies
        return []

    # --- small helpers ----------------------------------------------------------------------------
    def _has_progress(self, record: StoredFlow) -> bool:
        state = FlowState.model_validate_json(record.state)
        return bool(state.history or state.answers)

    async def _language(self, message: IncomingMessage, hint: str) -> str:
        profile = await self.services.profiles.get(message.platform, message.user_id)
        return normalise_language(profile.language if profile and profile.language else hint)

    def _cmd(self, message: IncomingMessage) -> str:
        return command_prefix(message.platform)

    def _flow_button(
        self, message: IncomingMessage, action: str, language: str, *, label: str = ""
    ) -> Button:
        text = self.services.catalogue.text(label or f"onboarding.button.{action}", language)
        return Button(label=text, callback_data=f"ob:{FLOW_BUTTON}:{action}")

    def _reply(
        self, message: IncomingMessage, text: str, language: str, *, buttons: list[list[Button]] | None = None
    ) -> Reply:
        return Reply(text=text, buttons=buttons or [], thread_id=message.thread_id, language=language)

    def _with_thread(self, message: IncomingMessage, reply: Reply) -> Reply:
        return reply.model_copy(update={"thread_id": message.thread_id})
