"""Sending a rendered reply to a chat: the HTML-to-plain-text fallback and the retry policy.

Both the runner (answers to members) and the sender (messages on the bot's own initiative) post
through ``ReplyPoster``; the runner waits out rate limits and retries network trouble itself, the
sender leaves retrying to the broadcast outbox (``RetryPolicy.none()``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from telegram import Bot, InputFile, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.render import RenderedReply, TextPart, render
from bot.i18n import Catalogue
from bot.models import Attachment, Reply

log = logging.getLogger(__name__)

T = TypeVar("T")


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


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy, *, what: str) -> T:
    """Run ``call``, waiting out rate limits and retrying network errors and 5xx with backoff.

    Args:
        call: Makes the request (called again for each try).
        policy: How often and how long to retry.
        what: Names the call in log lines.

    Returns:
        What ``call`` returned.

    Raises:
        TelegramError: The last error once the policy is exhausted; a ``BadRequest`` at once.
    """
    failures = waits = 0
    while True:
        try:
            return await call()
        except RetryAfter as error:
            waits += 1
            if waits > policy.rate_limit_waits:
                raise
            delay = retry_after_seconds(error)
            log.info("%s rate limited by Telegram; retrying in %.1fs", what, delay)
            await asyncio.sleep(delay)
        except BadRequest:
            raise  # a subclass of NetworkError, but trying the same request again cannot help
        except NetworkError as error:  # includes timeouts and 5xx answers
            failures += 1
            if failures >= policy.attempts:
                raise
            delay = policy.backoff * 2 ** (failures - 1)
            log.warning(
                "%s failed (%s); try %d of %d in %.1fs", what, error, failures + 1, policy.attempts, delay
            )
            await asyncio.sleep(delay)


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
        rendered = self.render(reply)
        reply_parameters = (
            ReplyParameters(rendered.reply_to, allow_sending_without_reply=True)
            if rendered.reply_to is not None
            else None
        )
        sent = [await self._send_text(chat_id, part, rendered, reply_parameters) for part in rendered.parts]
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
        )

    async def _send_text(
        self,
        chat_id: str,
        part: TextPart,
        rendered: RenderedReply,
        reply_parameters: ReplyParameters | None,
    ) -> Message:
        preview = LinkPreviewOptions(is_disabled=True) if rendered.disable_preview else None

        def send(text: str, parse_mode: str | None) -> Awaitable[Message]:
            return self._bot.send_message(
                chat_id,
                text,
                parse_mode=parse_mode,
                reply_markup=part.keyboard,
                reply_parameters=reply_parameters,
                link_preview_options=preview,
            )

        try:
            return await with_retries(
                lambda: send(part.html, ParseMode.HTML), self._policy, what=f"sendMessage to {chat_id}"
            )
        except BadRequest as error:
            if not is_parse_error(error):
                raise
            log.warning("Telegram could not parse our HTML (%s); sending plain text to %s", error, chat_id)
        return await with_retries(
            lambda: send(part.plain, None), self._policy, what=f"plain sendMessage to {chat_id}"
        )
