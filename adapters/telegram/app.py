"""``TelegramRunner``: python-telegram-bot's ``Application`` wired to the core ``App``.

Updates arrive by long polling, or by webhook when ``TELEGRAM_WEBHOOK_URL`` is set (PTB's own
webhook server checks ``X-Telegram-Bot-Api-Secret-Token`` on every request and answers 403 when it
is wrong or missing). Each update is translated, handled by the core and its replies rendered and
posted; callback queries are always answered, ephemeral replies to them as a toast.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator

from telegram import CallbackQuery, Update
from telegram.constants import ChatAction
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackContext, TypeHandler

from adapters.telegram.channels import TelegramChannelAuthority
from adapters.telegram.commands import register_commands, register_organiser_commands
from adapters.telegram.config import TelegramConfig
from adapters.telegram.posting import ReplyPoster, RetryPolicy, with_retries
from adapters.telegram.processor import PerMemberUpdateProcessor
from adapters.telegram.sender import TelegramSender
from adapters.telegram.translate import BotIdentity, translate
from bot.app import App
from bot.errors import ConfigError
from bot.models import IncomingMessage, Reply
from bot.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
MAX_CONCURRENT_UPDATES = 64
POLL_TIMEOUT_SECONDS = 30
TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for 5 s per sendChatAction
TYPING_FIRST_CALL_WAIT = 2.0


class TelegramRunner:
    """Runs the bot on Telegram (implements ``adapters.PlatformRunner``).

    Args:
        app: The core.
        settings: Settings read at start-up (``TELEGRAM_*``).
        retry: Retry policy for answers (rate limits, network errors); the default when None.

    Raises:
        ConfigError: When a Telegram setting is missing or malformed (before any network call).
    """

    platform = "telegram"

    def __init__(self, app: App, settings: Settings, *, retry: RetryPolicy | None = None) -> None:
        self.config = TelegramConfig.from_settings(settings)
        self._app = app
        self._retry = retry or RetryPolicy()
        self.application: Application = (
            ApplicationBuilder()
            .token(self.config.token)
            .base_url(self.config.api_base_url)
            .base_file_url(self.config.file_base_url)
            .concurrent_updates(PerMemberUpdateProcessor(MAX_CONCURRENT_UPDATES))
            .build()
        )
        catalogue = app.services.catalogue
        self._poster = ReplyPoster(self.application.bot, catalogue, self._retry)
        self.sender = TelegramSender(self.application.bot, catalogue)
        app.services.senders[self.platform] = self.sender
        self.channel_authority = TelegramChannelAuthority(self.application.bot)
        app.services.channel_authorities[self.platform] = self.channel_authority
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._identity: BotIdentity | None = None
        self.webhook_port: int | None = None

    @property
    def identity(self) -> BotIdentity:
        """The bot's id and username (known once ``start()`` has run ``getMe``)."""
        if self._identity is None:
            raise RuntimeError("the Telegram runner has not started")
        return self._identity

    async def start(self) -> None:
        """Check the token (``getMe``), register the command menu, then poll or serve the webhook.

        Raises:
            ConfigError: When Telegram rejects ``TELEGRAM_BOT_TOKEN``.
        """
        try:
            await self.application.initialize()
        except InvalidToken:
            # getMe failed after the HTTP clients were opened; close them again.
            with contextlib.suppress(Exception):
                await self.application.bot.shutdown()
            # PTB's message quotes the token: keep it out of the error, which gets printed.
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN",
                "Telegram rejected the token (getMe: Unauthorized); check it with @BotFather",
            ) from None
        bot = self.application.bot
        self._identity = BotIdentity(id=bot.id, username=bot.username)
        try:
            await register_commands(bot, self._app.services.catalogue)
            organisers = await self._app.services.organisers.on(self.platform)
            await register_organiser_commands(bot, self._app.services.catalogue, organisers)
            await self.application.start()
            await self._start_updates()
        except BaseException:
            await self.stop()
            raise
        mode = f"webhook on port {self.webhook_port}" if self.config.use_webhook else "long polling"
        log.info("Telegram bot @%s started (%s)", bot.username, mode)

    async def stop(self) -> None:
        """Stop taking updates, let the answers in flight finish, then close the connections."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()  # waits for the updates being processed
        await application.shutdown()
        if self._app.services.senders.get(self.platform) is self.sender:
            del self._app.services.senders[self.platform]
        if self._app.services.channel_authorities.get(self.platform) is self.channel_authority:
            del self._app.services.channel_authorities[self.platform]

    async def _start_updates(self) -> None:
        updater = self.application.updater
        if updater is None:
            raise RuntimeError("the Telegram application was built without an updater")
        if not self.config.use_webhook:
            await updater.start_polling(
                allowed_updates=list(ALLOWED_UPDATES),
                timeout=POLL_TIMEOUT_SECONDS,
                drop_pending_updates=False,
            )
            return
        # Bind the socket ourselves and hand it to PTB's webhook server, so that port 0 (a free port,
        # as tests use) works and the runner can tell which port it got.
        listener = bind_listener(self.config.webhook_listen, self.config.webhook_port)
        self.webhook_port = listener.getsockname()[1]
        await updater.start_webhook(
            url_path=self.config.webhook_path,
            webhook_url=self.config.webhook_url,
            secret_token=self.config.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
            unix=listener,
        )

    # --- handling one update ------------------------------------------------------------------
    async def _on_update(self, update: Update, context: CallbackContext) -> None:
        message = translate(update, self.identity)
        query = update.callback_query
        toast: str | None = None
        try:
            if message is None:
                return
            wants_answer = query is None and (message.is_direct or message.mentioned)
            async with self._typing(update, enabled=wants_answer):
                replies = await self._app.handle(message)
            for reply in replies:
                if reply.ephemeral and query is not None and toast is None:
                    toast = self._poster.render(reply).toast
                    continue
                await self._post(update.update_id, message, reply)
        finally:
            if query is not None:
                await self._answer_query(update.update_id, query, toast)

    async def _post(self, update_id: int, message: IncomingMessage, reply: Reply) -> None:
        try:
            await self._poster.post(message.chat_id, reply)
        except Exception:
            # Never drop an answer silently: say which update lost it and why.
            log.exception(
                "Telegram update %s: the answer to chat %s was not delivered", update_id, message.chat_id
            )

    async def _answer_query(self, update_id: int, query: CallbackQuery, toast: str | None) -> None:
        try:
            await with_retries(
                lambda: query.answer(text=toast), self._retry, what=f"answerCallbackQuery {query.id}"
            )
        except TelegramError as error:
            log.error("Telegram update %s: callback query not answered: %s", update_id, error)

    @contextlib.asynccontextmanager
    async def _typing(self, update: Update, *, enabled: bool) -> AsyncIterator[None]:
        """Show "typing…" in the chat while the answer is being prepared."""
        chat = update.effective_chat
        if not enabled or chat is None:
            yield
            return
        first_call_done = asyncio.Event()
        thread = (
            update.message.message_thread_id if update.message and update.message.is_topic_message else None
        )

        async def keep_typing() -> None:
            while True:
                try:
                    await self.application.bot.send_chat_action(
                        chat.id, ChatAction.TYPING, message_thread_id=thread
                    )
                except TelegramError as error:
                    log.debug("sendChatAction failed: %s", error)
                first_call_done.set()
                await asyncio.sleep(TYPING_REFRESH_SECONDS)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            # Let the first indicator land before the answer, so it cannot arrive after it.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(first_call_done.wait(), TYPING_FIRST_CALL_WAIT)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _on_error(self, update: object, context: CallbackContext) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Telegram update %s failed", update_id, exc_info=context.error)


def bind_listener(host: str, port: int) -> socket.socket:
    """A non-blocking listening TCP socket on ``host``:``port`` (IPv6 when ``host`` is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=128)
    listener.setblocking(False)
    return listener
