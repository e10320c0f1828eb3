"""The question-answering handlers: commands ask, help, start, events, funding, join, feedback, plus
free-text questions and the 👍/👎 buttons (their replies: ``bot.feedback``).

Everything a member asks passes the input cap before it reaches the retriever, and questions (``ask``
and free text; not commands, button presses or a stray number) count against the per-member quota
on the platforms that have one; every answer is recorded (for feedback and thread context) and
carries feedback buttons. Events another process added are indexed before answering, so that
``/events`` lists what ``/announce`` offers.

``QuestionHandler`` is not python-telegram-bot's ``ConversationHandler`` (a guided dialogue): it
answers whatever question is left once the guided flows have passed a message on.
"""

from __future__ import annotations

import time

from bot.commands import bare_command
from bot.feedback import FEEDBACK_PREFIX, Feedback, ask_organiser_button, feedback_buttons
from bot.i18n import preferred_language
from bot.members import MemberContext
from bot.models import Attachment, Button, IncomingMessage, Reply
from bot.quota import minutes_to_wait
from bot.router import Handler
from bot.services import Services
from bot.speech import member_language, notice, say, too_long
from bot.store.answers import thread_key
from bot.timing import stage
from knowledge.answering import Asker
from knowledge.events import events_to_ics
from knowledge.listings import cited_events
from knowledge.models import Answer, EventData

# What /join asks for each organisation type (the answer card written for it answers).
JOIN_QUERIES = {
    "public-authority": "How can our municipality join ESER?",
    "social-enterprise": "Can our cooperative or social enterprise join ESER?",
    "ngo": "Can our NGO join ESER?",
    "network": "Can our network join ESER?",
}
JOIN_QUERY = "How can we join ESER?"
QUESTION_COMMANDS = frozenset({"ask", "events", "funding", "join"})
HANDLED_COMMANDS = QUESTION_COMMANDS | {"start", "help", "feedback"}


def answer_reply(answer: Answer, *, thread_id: str | None, feedback: list[Button]) -> Reply:
    """Turn a knowledge ``Answer`` into a ``Reply``: actions become link buttons, feedback goes last."""
    buttons = [[Button(label=action.label, url=action.url)] for action in answer.actions]
    if feedback:
        buttons.append(feedback)
    return Reply(
        text=answer.text,
        citations=list(answer.citations),
        buttons=buttons,
        thread_id=thread_id,
        language=answer.language,
    )


class QuestionHandler:
    """Answers questions and the commands around them.

    Args:
        services: Shared services from the composition root.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self.quota = services.quota
        self.feedback = Feedback(services)

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take commands of this handler, feedback clicks and questions addressed to the bot."""
        if message.callback_data:
            if message.callback_data.startswith(FEEDBACK_PREFIX):
                return await self.feedback.vote(message)
            return None
        if message.command is not None and message.command not in HANDLED_COMMANDS:
            return None
        # Commands are taken wherever they are typed; other text only when meant for the bot, which
        # is decided before the member is read (group talk costs no database work).
        if message.command is None and not await self._addressed(message):
            return None
        with stage("member"):
            member = await self.services.members.context(message.platform, message.user_id)
        language = preferred_language(member.language, message.language_hint)
        command = message.command
        bare = bare_command(message.text) if command is None and not message.callback_data else None
        if bare is not None:  # addressed: checked above
            # "help", "aide", "events" typed without the slash are the commands they name.
            command = bare[0]
            # The word's own language ("aide") speaks for a member who has not chosen one.
            language = preferred_language(member.language, bare[1] if bare[1] != "en" else language)
            message = message.model_copy(update={"command": command, "args": ""})
        if command in ("start", "help"):
            key = "start.welcome" if command == "start" else "help.text"
            text = say(self.services, message, key, language)
            if command == "start":
                text += "\n\n" + say(self.services, message, "help.text", language)
            elif await self.services.organisers.is_organiser(message.platform, message.user_id):
                text += "\n\n" + say(self.services, message, "help.organiser", language)
            return [notice(message, text, language)]
        if command == "feedback":
            return [await self.feedback.written(message, language)]
        if command in QUESTION_COMMANDS:
            return await self._question(message, member, language, command, message.args.strip())
        if command is not None:
            return None
        if message.text.strip().strip(".)").isdigit():
            # A number left over from a choice that is no longer pending (a vote already taken, a
            # finished dialogue) is not a question: say so, and count nothing.
            return [
                notice(message, say(self.services, message, "choice.nothing_pending", language), language)
            ]
        return await self._question(message, member, language, "ask", message.text.strip())

    def _counted(self, message: IncomingMessage, command: str) -> bool:
        """Only questions count against the quota, and only on platforms that have one."""
        platform = self.services.platforms.get(message.platform)
        return command == "ask" and (platform is None or platform.question_quota)

    async def _addressed(self, message: IncomingMessage) -> bool:
        if message.is_direct or message.mentioned:
            return True
        # A follow-up in a thread the bot already answered needs no new mention.
        if message.thread_id:
            return await self.services.answers.has_thread(
                thread_key(message.platform, message.chat_id, message.thread_id)
            )
        return False

    @staticmethod
    def _asker(member: MemberContext, hint: str) -> Asker:
        return Asker(hint=hint, audience=member.audience, country=member.country)

    async def _question(
        self, message: IncomingMessage, member: MemberContext, language: str, command: str, question: str
    ) -> list[Reply]:
        settings = self.services.settings
        if command == "ask" and not question:
            return [notice(message, say(self.services, message, "ask.empty", language), language)]
        if len(question) > settings.max_question_chars:
            return [too_long(self.services, message, len(question), language)]
        # Before the quota: a member told to wait got no answer, so the question is not counted.
        admission = self.services.answer_slots.admit()
        if admission is None:
            self.services.metrics.refused_busy(message.platform)
            return [notice(message, say(self.services, message, "answer.busy", language), language)]
        async with admission:  # waits for a turn among the answers in flight
            return await self._answer(message, member, language, command, question)

    async def _answer(
        self, message: IncomingMessage, member: MemberContext, language: str, command: str, question: str
    ) -> list[Reply]:
        catalogue = self.services.catalogue
        with stage("member"):
            wait = (
                await self.quota.try_take(f"{message.platform}:{message.user_id}")
                if self._counted(message, command)
                else None
            )
        if wait is not None:
            return [
                notice(
                    message,
                    say(
                        self.services,
                        message,
                        "quota.exceeded",
                        language,
                        limit=self.quota.limit,
                        minutes=int(self.quota.window.total_seconds() // 60),
                        wait=minutes_to_wait(wait),
                    ),
                    language,
                )
            ]

        started = time.perf_counter()
        with stage("answer"):
            knowledge = self.services.knowledge
            events: list[EventData] = []
            thread = thread_key(message.platform, message.chat_id, message.thread_id)
            # `eser-bot events add` writes the table only: index its changes before reading the index,
            # as /announce reads the table itself. /events looks every time (one small query); other
            # questions every two seconds at most, so that each does not cost a round trip more.
            if command == "events":
                await self.services.events.refresh_if_changed()
            else:
                await self.services.events.refresh_if_due()
            if command == "events":
                answer, events = await knowledge.upcoming_events(
                    question, filters=member.filters, language=language, timezone=member.timezone
                )
            elif command == "funding":
                answer = await knowledge.funding(question, filters=member.filters, language=language)
            elif command == "join":
                answer = await knowledge.answer(
                    JOIN_QUERIES.get(member.audience or "", JOIN_QUERY),
                    filters=member.filters,
                    language=language,
                    asker=self._asker(member, language),
                )
                answer.question = question or catalogue.text("join.question", language)
            else:
                history = await self.services.answers.thread_questions(thread) if message.thread_id else []
                answer = await knowledge.answer(
                    question,
                    filters=member.filters,
                    history=history,
                    timezone=member.timezone,
                    asker=self._asker(member, preferred_language(member.language, message.language_hint)),
                )
                # An answer that lists or cites events still to come brings them as a calendar file too.
                now = self.services.clock()
                events = [
                    await self.services.events.get(event.id) or event
                    for event in cited_events(answer)
                    if event.end >= now
                ]
        with stage("recording"):
            answer_id = await self.services.answers.record_answer(
                platform=message.platform,
                user_id=message.user_id,
                chat_id=message.chat_id,
                thread=thread,
                answer=answer.model_copy(update={"question": answer.question or question or command}),
                now=self.services.clock(),
            )
        reply = answer_reply(
            answer,
            thread_id=message.thread_id,
            feedback=feedback_buttons(self.services, answer_id, answer.language),
        )
        if answer.decline is not None or not answer.grounded:
            # A question the bot could not answer may go to a person (bot.handoffs).
            reply.buttons.insert(-1, [ask_organiser_button(self.services, answer_id, answer.language)])
        self.services.metrics.answered(message.platform, answer, time.perf_counter() - started)
        if events:
            reply.attachments = [
                Attachment(
                    filename="eser-events.ics", content=events_to_ics(events), mime_type="text/calendar"
                )
            ]
        return [reply]


def build_handlers(services: Services) -> list[Handler]:
    """The question handlers in routing order."""
    return [QuestionHandler(services), UnknownCommandHandler(services)]


class UnknownCommandHandler:
    """Last in line: a command nobody took gets the help text instead of silence."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Answer an unknown command addressed to the bot."""
        if message.command is None or not (message.is_direct or message.mentioned):
            return None
        language = await member_language(self.services, message)
        text = say(self.services, message, "command.unknown", language, command=message.command)
        text += "\n\n" + say(self.services, message, "help.text", language)
        return [Reply(text=text, thread_id=message.thread_id, language=language)]
