"""A reply meant for one member of a group, on a platform that has no such message.

Slack shows an ephemeral message to one member of a channel; Telegram has nothing alike: a callback
query's toast (``answerCallbackQuery``) is a short line of text without buttons, and it is already
taken by the first ephemeral reply (the "thanks" after a 👎). So a further reply for the member alone
— the "Ask an organiser" offer, with its button — goes to their private chat with the bot, which the
rest of the group does not see. Telegram refuses that when the member never started the bot (or
blocked it): then the reply goes to the group after all, as a reply to the message they acted on,
addressed to them by a mention, so that it reaches them rather than everyone in general. Its buttons
still only work for that member (the core checks who presses them).
"""

from __future__ import annotations

import html
import logging
from dataclasses import replace

from telegram.error import BadRequest, Forbidden

from adapters.telegram.posting import ReplyPoster, is_recipient_error
from adapters.telegram.render import RenderedReply
from bot.models import IncomingMessage, Reply

log = logging.getLogger(__name__)


def addressed(rendered: RenderedReply, user_id: str, name: str) -> RenderedReply:
    """``rendered`` with its first message opened by a mention of the member (``Ana, …``)."""
    if not rendered.parts:
        return rendered
    first = rendered.parts[0]
    mention = f'<a href="tg://user?id={html.escape(user_id)}">{html.escape(name, quote=False)}</a>'
    opened = replace(
        first,
        html=f"{mention}, {first.html}",
        plain=f"{name}, {first.plain}",
        fallback=f"{name}, {first.fallback}",
    )
    return replace(rendered, parts=(opened, *rendered.parts[1:]))


async def to_member_alone(
    poster: ReplyPoster, message: IncomingMessage, reply: Reply, *, pressed: int | None
) -> None:
    """Send ``reply`` to the member of ``message`` privately, else to the group addressed to them.

    Args:
        poster: Sends replies.
        message: The member's action in a group (a button press).
        reply: What only they should see.
        pressed: The id of the message whose button they pressed (the group reply answers it).

    Raises:
        TelegramError: When neither way could be sent.
    """
    try:
        await poster.post(message.user_id, reply.model_copy(update={"thread_id": None, "ephemeral": False}))
        return
    except Forbidden as error:
        reason = error.message
    except BadRequest as error:
        if not is_recipient_error(error):
            raise
        reason = error.message
    log.info("a reply for one group member went to the group, addressed to them (%s)", reason)
    name = message.user_name or "🙋"
    thread = reply.thread_id or (str(pressed) if pressed is not None else None)
    in_group = reply.model_copy(update={"thread_id": thread})
    await poster.post_rendered(message.chat_id, addressed(poster.render(in_group), message.user_id, name))
