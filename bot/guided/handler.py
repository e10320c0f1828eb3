"""The one handler for guided chats: it starts flows by their command, takes their buttons and, while a
run is active, the member's messages; it stores the state after every step.

It owns what every flow shares: the role check on *every* message and button press of a flow that
requires one, buttons left over from an earlier step or a finished run, bare command words typed in
a Slack direct message, and where a run listens (its direct chat, or the chat it began in). How a
newcomer is welcomed into onboarding is ``bot.guided.welcome``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.guided.context import RUN_BUTTON, parse_callback
from bot.guided.engine import GuidedEngine, Run
from bot.guided.flow import Flow
from bot.guided.state import GuidedState, Outcome, UserInput
from bot.guided.welcome import Welcome
from bot.i18n import normalise_language
from bot.models import IncomingMessage, Reply, command_prefix
from bot.router import Handler
from bot.services import Services
from bot.speech import member_language, say
from bot.store.guided_chats import ChatStatus, StoredChat

ONBOARDING = "onboarding"


class GuidedChatHandler:
    """Runs every flow of ``engine``.

    Args:
        services: Shared services.
        engine: The guided-chat engine and its flows.
        later: The handlers routed after this one (a newcomer's question asked instead of an
            answer is answered by them, so it is not lost).
    """

    def __init__(self, services: Services, engine: GuidedEngine, later: Sequence[Handler]) -> None:
        self.services = services
        self.engine = engine
        self.store = services.guided_chats
        self.commands = {flow.command: flow for flow in engine.flows.values()}
        self.welcome = Welcome(self, engine.flows[ONBOARDING], later)

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take flow commands, flow buttons, and messages that belong to an active run."""
        if message.callback_data is not None:
            parsed = parse_callback(message.callback_data)
            return None if parsed is None else await self._button(message, *parsed)
        bare = self._bare_word(message)
        flow = self.commands.get(message.command or "")
        if flow is not None and not bare:
            return await self._command(message, flow)
        if message.command is not None and not bare:
            return None
        if not message.is_direct and not message.mentioned:
            return None  # group talk not meant for the bot: no run listens there (``_listens``)
        current = await self.current(message)
        if current is not None and self._listens(current, message):
            replies = await self.advance(message, current, UserInput(text=message.text), only_answers=bare)
            if replies is not None:
                return replies
        if flow is not None and message.is_direct:  # a bare "newevent" typed in a Slack DM
            return await self._command(message, flow)
        if message.is_direct and message.command is None:
            return await self.welcome.direct_text(message)
        return None

    async def current(self, message: IncomingMessage) -> StoredChat | None:
        """The run that takes the member's messages: an open organisers' dialogue before onboarding
        (an organiser half-way through set-up may add an event), else the one answered last."""
        runs = [
            run
            for run in await self.store.active(message.platform, message.user_id)
            if run.flow in self.engine.flows
        ]
        runs.sort(key=lambda run: self.engine.flows[run.flow].keep == "done")  # stable: latest first
        return runs[0] if runs else None

    def _bare_word(self, message: IncomingMessage) -> bool:
        # Slack reads a direct message that is exactly a command name ("events") as that command;
        # inside a run it may be an answer ("events" as a topic). Typed "/..." commands and Slack's
        # slash command ("mentioned") are never answers.
        text = message.text.strip()
        return (
            message.command is not None
            and message.is_direct
            and not message.mentioned
            and not text.startswith("/")
        )

    def _listens(self, chat: StoredChat, message: IncomingMessage) -> bool:
        flow = self.engine.flows[chat.flow]
        if flow.scope == "direct":
            return message.is_direct
        return (message.is_direct or message.mentioned) and (
            message.is_direct or message.chat_id == chat.chat_id
        )

    # --- starting ------------------------------------------------------------------------------
    async def _command(self, message: IncomingMessage, flow: Flow) -> list[Reply]:
        if flow.id == ONBOARDING:
            return await self.welcome.start_command(message)
        return await self.begin(message, flow)

    async def begin(
        self,
        message: IncomingMessage,
        flow: Flow,
        *,
        welcome: str | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> list[Reply]:
        """Start a fresh run of ``flow`` (after its role check), optionally after a welcome message.

        Args:
            message: The member's message or button press.
            flow: The flow.
            welcome: A catalogue key said before the first question.
            answers: Values the run starts with (the hand-off an organiser answers).
        """
        language = await member_language(self.services, message)
        if not await self._allowed(message, flow):
            return await self._refuse(message, flow, language)
        if flow.keep == "nothing":  # one organisers' dialogue at a time: a new one replaces the last
            for other in self.engine.flows.values():
                if other.id != flow.id and other.keep == "nothing":
                    await self.store.end(message.platform, message.user_id, other.id)
        if flow.language_field:
            hint = normalise_language(message.language_hint)
            profile = await self.services.profiles.get(message.platform, message.user_id)
            known = {flow.language_field: profile.language} if profile and profile.language else {}
            outcome = await self.engine.begin(self.run_for(message, flow, hint), answers=known)
        else:
            hint = language
            outcome = await self.engine.begin(
                self.run_for(message, flow, hint), language=language, answers=answers
            )
        await self._save(message, flow, outcome.state, "active", hint)
        replies = self._threaded(message, outcome.replies)
        if welcome and replies:
            language = replies[0].language or language
            replies.insert(0, self.reply(message, say(self.services, message, welcome, language), language))
        return replies

    # --- buttons -------------------------------------------------------------------------------
    async def _button(
        self, message: IncomingMessage, flow_id: str | None, step: str, value: str
    ) -> list[Reply] | None:
        if flow_id is None:  # a dialogue button sent before the engines became one
            current = await self.current(message)
            flow_id = current.flow if current is not None else None
        flow = self.engine.flows.get(flow_id or "")
        if flow is None:
            language = await member_language(self.services, message)
            return [self.reply(message, say(self.services, message, "dialogue.stale", language), language)]
        if step == RUN_BUTTON:
            return await self.welcome.run_button(message, flow, value)
        stored = await self.store.get(message.platform, message.user_id, flow.id)
        if not await self._allowed(message, flow):
            return await self._refuse(message, flow, await member_language(self.services, message))
        if stored is None or stored.status == "done":
            language = await member_language(self.services, message)
            return [
                self.reply(message, say(self.services, message, flow.phrase("stale"), language), language)
            ]
        state = GuidedState.model_validate_json(stored.state)
        if step != state.step:
            run = self.run_for(message, flow, stored.hint)
            reply = await self.engine.prompt(run, state, notice=flow.phrase("old_button"))
            if stored.status != "active":
                await self._save(message, flow, state, "active", stored.hint)
            return self._threaded(message, [reply])
        return await self.advance(message, stored, UserInput(button=value))

    # --- one step ------------------------------------------------------------------------------
    async def advance(
        self, message: IncomingMessage, stored: StoredChat, given: UserInput, *, only_answers: bool = False
    ) -> list[Reply] | None:
        """Apply the member's input to their run and say what comes next.

        Args:
            message: The member's message.
            stored: Their run.
            given: The button pressed or text typed.
            only_answers: Give up (None) unless the input answers the step (a bare command word).
        """
        flow = self.engine.flows[stored.flow]
        if not await self._allowed(message, flow):
            return await self._refuse(message, flow, await member_language(self.services, message))
        state = GuidedState.model_validate_json(stored.state)
        run = self.run_for(message, flow, stored.hint)
        outcome = await self.engine.advance(run, state, given)
        if only_answers and outcome.retried:
            return None
        return await self._conclude(message, flow, outcome, stored.hint)

    async def _conclude(
        self, message: IncomingMessage, flow: Flow, outcome: Outcome, hint: str
    ) -> list[Reply]:
        language = self.engine.language(flow, outcome.state, hint)
        if outcome.cancelled:
            await self._close(message, flow, outcome.state, "stopped", hint)
            return [
                self.reply(message, say(self.services, message, flow.phrase("cancelled"), language), language)
            ]
        if outcome.finished:
            await self._close(message, flow, outcome.state, "done", hint)
        else:
            await self._save(message, flow, outcome.state, "active", hint)
        return self._threaded(message, outcome.replies)

    async def _close(
        self, message: IncomingMessage, flow: Flow, state: GuidedState, status: ChatStatus, hint: str
    ) -> None:
        if flow.keep == "done":
            await self._save(message, flow, state, status, hint)
        else:
            await self.store.end(message.platform, message.user_id, flow.id)

    # --- small helpers -------------------------------------------------------------------------
    def run_for(self, message: IncomingMessage, flow: Flow, hint: str) -> Run:
        """A run of ``flow`` for the member who sent ``message``, in their platform's syntax."""
        return Run(
            flow=flow,
            hint=hint,
            cmd=command_prefix(message.platform),
            message=message,
            services=self.services,
        )

    async def _save(
        self, message: IncomingMessage, flow: Flow, state: GuidedState, status: ChatStatus, hint: str
    ) -> None:
        await self.store.save(
            message.platform,
            message.user_id,
            flow.id,
            chat_id=message.chat_id,
            status=status,
            state=state.model_dump_json(),
            hint=hint,
            now=self.services.clock(),
        )
        run = self.run_for(message, flow, hint)
        await self.engine.hooks_of(flow).saved(self.engine.context(run, state, state.step))

    async def _allowed(self, message: IncomingMessage, flow: Flow) -> bool:
        if flow.requires != "organiser":
            return True
        return await self.services.organisers.allow(message.platform, message.user_id, flow.id)

    async def _refuse(self, message: IncomingMessage, flow: Flow, language: str) -> list[Reply]:
        await self.store.end(message.platform, message.user_id, flow.id)
        text = say(self.services, message, f"{flow.id}.refused", language)
        return [self.reply(message, text, language)]

    def reply(self, message: IncomingMessage, text: str, language: str, buttons: list | None = None) -> Reply:
        """A reply in the thread ``message`` came from."""
        return Reply(text=text, buttons=buttons or [], thread_id=message.thread_id, language=language)

    def _threaded(self, message: IncomingMessage, replies: list[Reply]) -> list[Reply]:
        return [
            reply.model_copy(update={"thread_id": reply.thread_id or message.thread_id}) for reply in replies
        ]
