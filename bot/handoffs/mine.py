"""``/handoffs``: a member's own questions to the organisers (open ones first), with their state,
the answer once given, and *Withdraw* for those still open (in a private chat only: the list is
theirs alone)."""

from __future__ import annotations

from babel.dates import format_date

from bot.handoffs.notify import PREFIX, quoted, state_label
from bot.models import Button, IncomingMessage, Reply
from bot.services import Services
from bot.speech import member_language, say

COMMAND = "handoffs"
LISTED = 10  # the newest ones: older answers stay in the chat where they arrived
ANSWER_CHARS = 200


async def member_handoffs(services: Services, message: IncomingMessage) -> Reply:
    """The member's latest hand-offs, open ones first, with a *Withdraw* button per open one.

    Args:
        services: Shared services.
        message: The member's ``/handoffs``.
    """
    language = await member_language(services, message)
    catalogue = services.catalogue

    def reply(text: str, buttons: list[list[Button]] | None = None) -> Reply:
        return Reply(text=text, buttons=buttons or [], thread_id=message.thread_id, language=language)

    if not message.is_direct:
        return reply(say(services, message, "onboarding.private_only", language, command=COMMAND))
    newest = (await services.handoffs.of_member(message.platform, message.user_id))[:LISTED]
    # Those still waiting first (they are the ones a member may act on), each part newest first.
    handoffs = sorted(newest, key=lambda handoff: handoff.state != "open")
    if not handoffs:
        return reply(say(services, message, "handoff.member.list_none", language))
    lines = [say(services, message, "handoff.member.list_heading", language)]
    buttons: list[list[Button]] = []
    for number, handoff in enumerate(handoffs, start=1):
        lines += [
            "",
            catalogue.text(
                "handoff.member.list_item",
                language,
                number=number,
                question=quoted(handoff.question),
                state=state_label(catalogue, handoff.state, language),
                date=format_date(handoff.created_at, "medium", locale=language),
            ),
        ]
        if handoff.answer:
            answer = handoff.answer if len(handoff.answer) <= ANSWER_CHARS else handoff.answer[:199] + "…"
            lines.append(catalogue.text("handoff.member.list_answer", language, answer=answer))
        if handoff.state == "open":
            label = catalogue.text("handoff.button.withdraw_number", language, number=number)
            buttons.append([Button(label=label, callback_data=f"{PREFIX}withdraw:{handoff.id}")])
    return reply("\n".join(lines), buttons)
