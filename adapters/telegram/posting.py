"""Sending a rendered reply to a chat: the plain-text fallbacks and the retry policy.

Both the runner (answers to members) and the sender (messages on the bot's own initiative) post
through ``ReplyPoster``; the runner waits out rate limits and retries network trouble itself, the
sender leaves retrying to the broadcast outbox (``RetryPolicy.none()``).

A message is never sent twice on a guess: a send whose request may have reached Telegram (it timed
out waiting for the answer, or the connection broke after the request went) is not repeated —
interactive replies are delivered at most once. Only failures that prove the message was not taken
(refused connections, rate limits, 5xx answers) are retried.

When Telegram refuses the message itself (a 400 other than "chat not found" and its kind), the
reply goes again as plain text: for a parse error, the same text without markup; for anything else
(``BUTTON_URL_INVALID``...), plain text with the links written inline and only the callback buttons,
then, if even that is refused, without any buttons.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import aiohttp
import httpx
from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from adapters.telegram.render import RenderedReply, TextPart, render
from bot.i18n import Catalogue
from bot.models import Attachment, Reply
from bot.timing import stage

log = logging.getLogger(__name__)

T = TypeVar("T")
# Errors proving a request never reached the Bot API: a refused connection, a connection not made
# in time, no free connection in the pool (httpx, and aiohttp: ``aiohttp_request``).
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)
# Bad requests that mean the chat itself is out of reach, not that the message was wrong.
GONE_MARKERS = (
    "chat not found",
    "user not found",
    "bot was kicked",
    "user is deactivated",
    "peer_id_invalid",
)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one Bot API call.

    Attributes:
        attempts: Tries in all when the network fails or Telegram answers 5xx.
        backoff: Seconds before the second try; doubled before each further one.
        rate_limit_waits: How many 429 answers are waited out (``retry_after``) before giving up.
    """

    attempts: int = 4
    backoff: float = 0.5
    rate_limit_waits: int = 5

    @classmethod
    def none(cls) -> RetryPolicy:
        """One try, no waiting: the caller handles failures."""
        return cls(attempts=1, backoff=0.0, rate_limit_waits=0)


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds to wait, whichever type this python-telegram-bot version gives ``retry_after``."""
    with warnings.catch_warnings():
        # v22 warns that the int form will become a timedelta; both forms are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def is_parse_error(error: BadRequest) -> bool:
    """True when Telegram rejected the HTML markup (not the message as such)."""
    return "can't parse entities" in error.message.lower()


def is_recipient_error(error: BadRequest) -> bool:
    """True when the chat is out of reach (the message itself was not the problem)."""
    return any(marker in error.message.lower() for marker in GONE_MARKERS)


def may_have_arrived(error: NetworkError) -> bool:
    """True when the request may have reached Telegram although no answer came back: a read or
    write timeout, or a connection that broke after the request was sent. A refused connection, a
    full connection pool and an HTTP error answer (5xx) prove it was not taken."""
    cause = error.__cause__
    if isinstance(cause, NOT_SENT):
        return False
    return isinstance(error, TimedOut) or isinstance(cause, httpx.TransportError | aiohttp.ClientError)


async def with_retries(
    call: Callable[[], Awaitable[T]], policy: RetryPolicy, *, what: str, repeatable: bool = True
) -> T:
    """Run ``call``, waiting out rate limits and retrying network errors and 5xx with backoff.

    Two tenacity loops, one inside the other: the inner retries network trouble with exponential
    backoff, the outer waits out each 429 for the ``retry_after`` Telegram asked for. They count
    separately, so rate limits never use up the tries a network failure gets (a 429 shows Telegram
    answers, and the inner loop starts afresh after one). python-telegram-bot retries nothing itself,
    and its ``AIORateLimiter`` would also throttle the broadcasts the outbox already paces.

    Args:
        call: Makes the request (called again for each try).
        policy: How often and how long to retry.
        what: Names the call in log lines.
        repeatable: False for calls that must not happen twice (sending a message): then a failure
            after which the request may have arrived (``may_have_arrived``) is not retried.

    Returns:
        What ``call`` returned.

    Raises:
        TelegramError: The last error once the policy is exhausted; a ``BadRequest`` at once; for an
            unrepeatable call, a ``NetworkError`` that may hide a delivery at once.
    """

    def worth_retrying(error: BaseException) -> bool:
        # BadRequest is a NetworkError too, but the same request cannot succeed the next time.
        if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
            return False
        return repeatable or not may_have_arrived(error)

    def log_backoff(state: RetryCallState) -> None:
        delay = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "%s failed (%s); try %d of %d in %.1fs",
            what,
            state.outcome.exception() if state.outcome else None,
            state.attempt_number + 1,
            policy.attempts,
            delay,
        )

    def retry_after(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return retry_after_seconds(error) if isinstance(error, RetryAfter) else 1.0

    def log_rate_limit(state: RetryCallState) -> None:
        log.info("%s rate limited by Telegram; retrying in %.1fs", what, retry_after(state))

    network = AsyncRetrying(
        retry=retry_if_exception(worth_retrying),
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(multiplier=policy.backoff, exp_base=2),
        before_sleep=log_backoff,
        reraise=True,
    )
    rate_limits = AsyncRetrying(
        retry=retry_if_exception_type(RetryAfter),
        stop=stop_after_attempt(policy.rate_limit_waits + 1),
        wait=retry_after,
        before_sleep=log_rate_limit,
        reraise=True,
    )

    # tenacity awaits only what it recognises as a coroutine function, not a lambda's awaitable.
    async def attempt() -> T:
        return await call()

    async def with_network_retries() -> T:
        result: T = await network(attempt)
        return result

    result: T = await rate_limits(with_network_retries)
    return result


class ReplyPoster:
    """Renders a ``Reply`` and sends it to one chat.

    Args:
        bot: The bot making the calls.
        catalogue: For the "Sources" heading in the reply's language.
        policy: Retry policy of every call.
    """

    def __init__(self, bot: Bot, catalogue: Catalogue, policy: RetryPolicy) -> None:
        self._bot = bot
        self._catalogue = catalogue
        self._policy = policy

    def render(self, reply: Reply) -> RenderedReply:
        """Render ``reply`` with the heading of its language."""
        return render(reply, sources_heading=self._catalogue.text("answer.sources", reply.language))

    async def post(self, chat_id: str, reply: Reply) -> list[Message]:
        """Send the text parts, then the documents, of ``reply`` to ``chat_id``.

        Returns:
            The messages Telegram created, in order.

        Raises:
            TelegramError: When a call still fails after the policy's retries.
        """
        with stage("rendering"):
            rendered = self.render(reply)
        return await self.post_rendered(chat_id, rendered)

    async def post_rendered(self, chat_id: str, rendered: RenderedReply) -> list[Message]:
        """Send an already rendered reply (``post`` after a change to its parts).

        Raises:
            TelegramError: When a call still fails after the policy's retries.
        """
        reply_parameters = (
            ReplyParameters(rendered.reply_to, allow_sending_without_reply=True)
            if rendered.reply_to is not None
            else None
        )
        with stage("platform"):
            sent = [
                await self._send_text(chat_id, part, rendered, reply_parameters) for part in rendered.parts
            ]
            for attachment in rendered.documents:
                sent.append(await self._send_document(chat_id, attachment, reply_parameters))
        return sent

    async def _send_document(
        self, chat_id: str, attachment: Attachment, reply_parameters: ReplyParameters | None
    ) -> Message:
        document = InputFile(attachment.content, filename=attachment.filename)
        return await with_retries(
            lambda: self._bot.send_document(chat_id, document, reply_parameters=reply_parameters),
            self._policy,
            what=f"sendDocument to {chat_id}",
            repeatable=False,
        )

    async def _send_text(
        self,
        chat_id: str,
        part: TextPart,
        rendered: RenderedReply,
        reply_parameters: ReplyParameters | None,
    ) -> Message:
        preview = LinkPreviewOptions(is_disabled=True) if rendered.disable_preview else None

        def send(
            text: str, parse_mode: str | None, keyboard: InlineKeyboardMarkup | None
        ) -> Awaitable[Message]:
            return self._bot.send_message(
                chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=keyboard,
                reply_parameters=reply_parameters,
                link_preview_options=preview,
            )

        async def attempt(
            text: str, parse_mode: str | None, keyboard: InlineKeyboardMarkup | None
        ) -> Message:
            return await with_retries(
                lambda: send(text, parse_mode, keyboard),
                self._policy,
                what=f"sendMessage to {chat_id}",
                repeatable=False,
            )

        try:
            return await attempt(part.html, ParseMode.HTML, part.keyboard)
        except BadRequest as error:
            if is_recipient_error(error):
                raise
            if is_parse_error(error):
                log.warning(
                    "Telegram could not parse our HTML (%s); sending plain text to %s", error, chat_id
                )
                return await attempt(part.plain, None, part.keyboard)
            log.warning(
                "Telegram refused a message to %s (%s); sending it as plain text with the links inline",
                chat_id,
                error.message,
            )
        try:
            return await attempt(part.fallback, None, part.fallback_keyboard)
        except BadRequest as error:
            if is_recipient_error(error) or part.fallback_keyboard is None:
                raise
            log.warning("Telegram refused the plain text too (%s); sending it without buttons", error.message)
        return await attempt(part.fallback, None, None)
