"""``TelegramRunner``: python-telegram-bot's ``Application`` wired to the core ``App``.

Updates arrive by long polling, or by webhook when ``TELEGRAM_WEBHOOK_URL`` is set (``WebhookServer``
checks ``X-Telegram-Bot-Api-Secret-Token`` on every request and answers 403 when it is wrong or
missing). Every update is admitted to the core's inbox before Telegram is told it arrived
(``DurableUpdateQueue``), translated, answered by the core, its replies rendered and posted, and only
then marked done; an update a killed process left unanswered is handed back by the inbox and
answered after the restart. Callback queries are always answered, ephemeral replies as a toast.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable

from telegram import CallbackQuery, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackContext, TypeHandler

from adapters.health import app_probe
from adapters.telegram.aiohttp_request import AiohttpRequest
from adapters.telegram.alone import to_member_alone
from adapters.telegram.channels import TelegramChannelAuthority
from adapters.telegram.commands import register_commands, register_organiser_commands
from adapters.telegram.config import TelegramConfig
from adapters.telegram.posting import ReplyPoster, RetryPolicy, may_have_arrived, with_retries
from adapters.telegram.processor import PerMemberUpdateProcessor
from adapters.telegram.queue import DurableUpdateQueue
from adapters.telegram.sender import TelegramSender
from adapters.telegram.translate import BotIdentity, event_id, translate
from adapters.telegram.typing import typing_indicator
from adapters.telegram.webhook import WebhookServer, bind_listener
from bot.app import App
from bot.errors import ConfigError
from bot.models import IncomingMessage, Reply
from bot.settings import Settings
from bot.store.database import is_unavailable
from bot.store.inbox import Abandoned

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
MAX_CONCURRENT_UPDATES = 64
POLL_TIMEOUT_SECONDS = 30
# Seconds to wait for Telegram's answer to a call. A send that times out is not repeated (it may have
# arrived), so this is generous: Telegram answers in well under a second unless it is struggling.
READ_TIMEOUT_SECONDS = 20.0


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

    def __init__(
        self,
        app: App,
        settings: Settings,
        *,
        retry: RetryPolicy | None = None,
        read_timeout: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self.config = TelegramConfig.from_settings(settings)
        self._app = app
        self._retry = retry or RetryPolicy()
        self.queue = DurableUpdateQueue()
        self.application: Application = (
            ApplicationBuilder()
            .token(self.config.token)
            .base_url(self.config.api_base_url)
            .base_file_url(self.config.file_base_url)
            .request(AiohttpRequest(read_timeout=read_timeout))
            .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=read_timeout))
            .update_queue(self.queue)
            .concurrent_updates(PerMemberUpdateProcessor(MAX_CONCURRENT_UPDATES))
            .build()
        )
        catalogue = app.services.catalogue
        self._poster = ReplyPoster(self.application.bot, catalogue, self._retry)
        self.sender = TelegramSender(self.application.bot, catalogue)
        self.registered_sender = app.signing(self.sender)
        app.services.senders[self.platform] = self.registered_sender
        self.channel_authority = TelegramChannelAuthority(self.application.bot)
        app.services.channel_authorities[self.platform] = self.channel_authority
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._identity: BotIdentity | None = None
        self._webhook: WebhookServer | None = None
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
        self.queue.admit = self._admit
        self._app.inbox.serve(self.inbox_prefix, self._replay)
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

    @property
    def inbox_prefix(self) -> str:
        """The start of this bot's inbox keys (update ids are counted per bot)."""
        return event_id(0, self.identity.id).removesuffix("0")

    async def stop(self) -> None:
        """Stop taking updates, let the answers in flight finish, then close the connections."""
        application = self.application
        if self._identity is not None:
            self._app.inbox.withdraw(self.inbox_prefix)
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()  # waits for the updates being processed
        await application.shutdown()
        if self._app.services.senders.get(self.platform) is self.registered_sender:
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
        # Bind the socket ourselves, so that port 0 (a free port, as tests use) works and the runner
        # can tell which port it got; serve it before Telegram is told where to post.
        listener = bind_listener(self.config.webhook_listen, self.config.webhook_port)
        self.webhook_port = listener.getsockname()[1]
        self._webhook = WebhookServer(
            self.application.bot,
            self.queue,
            self.config.webhook_path,
            self.config.webhook_secret,
            probe=app_probe(self._app),
            organisers=self._app.web,
        )
        await self._webhook.start(listener)
        await with_retries(
            lambda: self.application.bot.set_webhook(
                url=self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            ),
            self._retry,
            what="setWebhook",
        )

    # --- the inbox ----------------------------------------------------------------------------
    async def _admit(self, update: Update) -> bool:
        """Record ``update`` in the inbox before Telegram is told it arrived; False for a repeat."""
        user = update.effective_user
        try:
            return await self._app.inbox.admit(
                event_id(update.update_id, self.identity.id),
                platform=self.platform,
                user_id=str(user.id) if user else "",
                payload=json.dumps(update.to_dict()),
            )
        except Exception as error:  # never stop polling: answer it, without the guarantee
            if is_unavailable(error):
                log.warning(
                    "Telegram update %s taken without the inbox: database unreachable", update.update_id
                )
            else:
                log.exception("Telegram update %s taken without the inbox", update.update_id)
            return True

    async def _replay(self, item: Abandoned) -> None:
        """Answer an update a stopped process left unanswered (the inbox handed it back)."""
        update = Update.de_json(json.loads(item.payload), self.application.bot)
        if update is None:
            await self._app.inbox.done(item.key)
            return
        await self.queue.put_admitted(update)

    # --- handling one update ------------------------------------------------------------------
    async def _on_update(self, update: Update, context: CallbackContext) -> None:
        with self._app.timings.request(event_id(update.update_id, self.identity.id)):
            await self._handle_update(update)

    async def _handle_update(self, update: Update) -> None:
        message = translate(update, self.identity)
        query = update.callback_query
        toast: str | None = None
        try:
            if message is None:
                return
            wants_answer = query is None and (message.is_direct or message.mentioned)
            async with typing_indicator(self.application.bot, update, enabled=wants_answer):
                replies = await self._app.answer(message)
            for reply in replies:
                if reply.ephemeral and query is not None and toast is None:
                    toast = self._poster.render(reply).toast
                    continue
                if reply.ephemeral and query is not None and not message.is_direct:
                    # Telegram has no message only one member of a group sees: see adapters.telegram.alone.
                    pressed = query.message.message_id if query.message is not None else None
                    alone = to_member_alone(self._poster, message, reply, pressed=pressed)
                    await self._guarded(update.update_id, message, alone)
                    continue
                await self._post(update.update_id, message, reply)
        finally:
            if query is not None:
                await self._answer_query(update.update_id, query, toast)
            await self._app.inbox.done(event_id(update.update_id, self.identity.id))

    async def _post(self, update_id: int, message: IncomingMessage, reply: Reply) -> None:
        await self._guarded(update_id, message, self._poster.post(message.chat_id, reply))

    async def _guarded(self, update_id: int, message: IncomingMessage, sending: Awaitable[object]) -> None:
        try:
            await sending
        except NetworkError as error:
            if not may_have_arrived(error):
                log.error(
                    "Telegram update %s: the answer to chat %s was not delivered (%s)",
                    update_id,
                    message.chat_id,
                    error,
                )
                return
            # At most once: Telegram may have it, and a second copy would be worse than none.
            log.warning(
                "Telegram update %s: no answer from Telegram while sending to chat %s (%s); the reply "
                "may have arrived and is not sent again",
                update_id,
                message.chat_id,
                error,
            )
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

    async def _on_error(self, update: object, context: CallbackContext) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("Telegram update %s failed", update_id, exc_info=context.error)
