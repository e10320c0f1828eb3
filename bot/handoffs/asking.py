"""A member hands a question to the organisers: what they are told, whichever way they asked
(the "Ask an organiser" dialogue or ``/human`` with a line of context)."""

from __future__ import annotations

from bot.handoffs.models import HandoffError
from bot.handoffs.notify import member_buttons, state_label
from bot.i18n import preferred_language
from bot.models import IncomingMessage, Reply
from bot.services import Services


async def hand_off(
    services: Services,
    message: IncomingMessage,
    *,
    question: str,
    bot_answer: str = "",
    context: str = "",
    chat_id: str | None = None,
    thread_id: str | None = None,
) -> Reply:
    """Create the hand-off and say so (with *Withdraw*), or say why not (a limit, no organisers).

    Args:
        services: Shared services.
        message: The member's message or button press.
        question: The question handed over.
        bot_answer: What the bot answered, if it did.
        context: The member's line of context.
        chat_id: Where the answer goes (the chat of ``message`` when None).
        thread_id: The thread it replies in (that of ``message`` when None).
    """
    member = await services.members.context(message.platform, message.user_id)
    language = preferred_language(member.language, message.language_hint)
    text = services.catalogue.text
    try:
        handoff = await services.handoffs.ask(
            platform=message.platform,
            user_id=message.user_id,
            chat_id=chat_id or message.chat_id,
            thread_id=thread_id if chat_id else message.thread_id,
            question=question,
            language=language,
            context=context,
            bot_answer=bot_answer,
            organisation_type=member.audience or "",
            country=member.country or "",
        )
    except HandoffError as error:
        return Reply(
            text=text(error.key, language, **error.params), thread_id=message.thread_id, language=language
        )
    return Reply(
        text=text(
            "handoff.member.sent",
            language,
            state=state_label(services.catalogue, handoff.state, language),
            id=handoff.id,
        ),
        buttons=member_buttons(services.catalogue, handoff, language),
        thread_id=message.thread_id,
        language=language,
    )
