"""Members' control over their data: ``profile``, ``language``, ``forget`` and ``privacy``."""

from __future__ import annotations

from babel.dates import format_date

from bot.guided.engine import GuidedEngine, Run
from bot.guided.state import GuidedState
from bot.i18n import LANGUAGES, display_names, normalise_language
from bot.models import Button, IncomingMessage, Reply, command_prefix
from bot.services import Services
from bot.speech import member_language, say
from bot.store.erasure import count_member_rows, erase_member
from bot.store.profiles import PROFILE_FIELDS, MemberProfile
from bot.typed_answers import best_option

PRIVACY_PREFIX = "pv:"
COMMANDS = frozenset({"profile", "language", "forget", "privacy"})
# Shown or done only in a direct chat: a group would see the member's profile.
PRIVATE_COMMANDS = frozenset({"profile", "forget"})
QUESTION_LOG_TABLES = ("answers", "feedback")


class PrivacyHandler:
    """Shows, changes and erases what the bot stores about a member.

    Args:
        services: Shared services.
        engine: The guided-chat engine (onboarding describes profile values in the member's language).
    """

    def __init__(self, services: Services, engine: GuidedEngine) -> None:
        self.services = services
        self.engine = engine

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take the four privacy commands and their buttons (``pv:``)."""
        if message.callback_data:
            if not message.callback_data.startswith(PRIVACY_PREFIX):
                return None
            action, _, value = message.callback_data.removeprefix(PRIVACY_PREFIX).partition(":")
            if action == "lang":
                return [await self._set_language(message, value)]
            if action == "forget":
                if not message.is_direct:
                    # The confirmation is only ever offered in a private chat; a press anywhere else
                    # is forged or misplaced, and must not erase (or answer) in public.
                    return [await self._private_only(message, "forget", ephemeral=True)]
                return [await self._forget(message, confirmed=value == "yes")]
            return None
        if message.command not in COMMANDS:
            return None
        if message.command in PRIVATE_COMMANDS and not message.is_direct:
            return [await self._private_only(message, message.command)]
        if message.command == "profile":
            return [await self._profile(message)]
        if message.command == "language":
            return [await self._language(message)]
        if message.command == "forget":
            language = await self._member_language(message)
            confirmed = bool(message.args.strip()) and self.engine.words.means("yes", message.args, language)
            return [await self._forget(message, confirmed=confirmed)]
        return [await self._privacy(message)]

    async def _private_only(
        self, message: IncomingMessage, command: str, *, ephemeral: bool = False
    ) -> Reply:
        language = await self._member_language(message)
        text = say(self.services, message, "onboarding.private_only", language, command=command)
        reply = self._reply(message, text, language)
        reply.ephemeral = ephemeral
        return reply

    async def _profile(self, message: IncomingMessage) -> Reply:
        language = await self._member_language(message)
        profile = await self.services.profiles.get(message.platform, message.user_id)
        counts = await count_member_rows(self.services.sessions, message.platform, message.user_id)
        logged = sum(counts.get(table, 0) for table in QUESTION_LOG_TABLES)
        if profile is None:
            text = say(self.services, message, "onboarding.profile_empty", language, questions=logged)
            return self._reply(message, text, language)
        hint = normalise_language(message.language_hint)
        answers = {name: getattr(profile, name) for name in PROFILE_FIELDS}
        answers["interests"] = list(profile.interests)
        flow = self.engine.flows["onboarding"]
        run = Run(flow=flow, hint=hint, cmd=command_prefix(message.platform))
        values = self.engine.values(run, GuidedState(step=flow.start, answers=answers))
        text = say(
            self.services,
            message,
            "onboarding.profile",
            language,
            values,
            announcements=self._announcements(message, profile, language),
            questions=logged,
            days=self.services.settings.question_retention_days,
        )
        return self._reply(message, text, language)

    def _announcements(self, message: IncomingMessage, profile: MemberProfile, language: str) -> str:
        if profile.announcements is None or profile.announcements_at is None:
            return say(self.services, message, "onboarding.announcements_unknown", language)
        date = format_date(profile.announcements_at.date(), format="long", locale=language)
        key = "onboarding.announcements_yes" if profile.announcements else "onboarding.announcements_no"
        return say(self.services, message, key, language, date=date)

    async def _language(self, message: IncomingMessage) -> Reply:
        choice = message.args.strip()
        if choice:
            names = [self._language_names(code) for code in LANGUAGES]
            index = best_option(choice, names)
            if index is not None:
                return await self._set_language(message, LANGUAGES[index])
        language = await self._member_language(message)
        buttons = [
            Button(
                label=("✓ " if code == language else "")
                + self.services.catalogue.text(f"onboarding.language.{code}", code),
                callback_data=f"{PRIVACY_PREFIX}lang:{code}",
            )
            for code in LANGUAGES
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return self._reply(
            message, say(self.services, message, "onboarding.language_prompt", language), language, rows
        )

    def _language_names(self, code: str) -> list[str]:
        return [code, *display_names(code)]

    async def _set_language(self, message: IncomingMessage, code: str) -> Reply:
        if code not in LANGUAGES:
            return await self._language(message.model_copy(update={"args": ""}))
        existing = await self.services.profiles.get(message.platform, message.user_id)
        # A profile's chat is the member's direct chat: a change made in a group must not replace it.
        chat_id = existing.chat_id if existing and not message.is_direct else message.chat_id
        await self.services.profiles.update(
            message.platform, message.user_id, chat_id=chat_id, now=self.services.clock(), language=code
        )
        return self._reply(message, say(self.services, message, "onboarding.language_changed", code), code)

    async def _forget(self, message: IncomingMessage, *, confirmed: bool) -> Reply:
        language = await self._member_language(message)
        if not confirmed:
            if message.callback_data:
                return self._reply(
                    message, say(self.services, message, "onboarding.forget_kept", language), language
                )
            buttons = [
                [
                    Button(
                        label=say(self.services, message, "onboarding.button.forget_yes", language),
                        callback_data="pv:forget:yes",
                    )
                ],
                [
                    Button(
                        label=say(self.services, message, "onboarding.button.forget_no", language),
                        callback_data="pv:forget:no",
                    )
                ],
            ]
            return self._reply(
                message, say(self.services, message, "onboarding.forget_confirm", language), language, buttons
            )
        removed = await erase_member(
            self.services.sessions, message.platform, message.user_id, current_event=message.event_id
        )
        await self.services.quota.forget(f"{message.platform}:{message.user_id}")
        key = "onboarding.forget_done" if removed else "onboarding.forget_nothing"
        return self._reply(message, say(self.services, message, key, language, count=removed), language)

    async def _privacy(self, message: IncomingMessage) -> Reply:
        language = await self._member_language(message)
        settings = self.services.settings
        text = say(
            self.services,
            message,
            "onboarding.privacy",
            language,
            days=settings.question_retention_days,
            unfinished_days=settings.onboarding_retention_days,
            minutes=settings.onboarding_timeout_minutes,
        )
        return self._reply(message, text, language)

    async def _member_language(self, message: IncomingMessage) -> str:
        return await member_language(self.services, message)

    def _reply(
        self, message: IncomingMessage, text: str, language: str, buttons: list[list[Button]] | None = None
    ) -> Reply:
        return Reply(text=text, buttons=buttons or [], thread_id=message.thread_id, language=language)
