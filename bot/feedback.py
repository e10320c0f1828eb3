"""Members' feedback on answers: the 👍 / 👎 buttons under every answer, the offer of an organiser
after a 👎, and the text of ``/feedback``, rate-limited per member (``bot.questions`` routes them here).
"""

from __future__ import annotations

from datetime import timedelta

from bot.models import Button, IncomingMessage, Reply
from bot.services import Services
from bot.speech import member_language, notice, say, too_long

FEEDBACK_PREFIX = "fb:"
HANDOFF_PREFIX = "ho:"  # bot.handoffs.notify.PREFIX (that package imports this one)


def feedback_buttons(services: Services, answer_id: str, language: str) -> list[Button]:
    """The 👍 / 👎 row attached to every answer."""
    text = services.catalogue.text
    return [
        Button(label=text("feedback.button_up", language), callback_data=f"{FEEDBACK_PREFIX}{answer_id}:up"),
        Button(
            label=text("feedback.button_down", language), callback_data=f"{FEEDBACK_PREFIX}{answer_id}:down"
        ),
    ]


def ask_organiser_button(services: Services, answer_id: str, language: str) -> Button:
    """ "Ask an organiser" under a declined or 👎-voted answer (``bot.handoffs.handler`` takes it)."""
    return Button(
        label=services.catalogue.text("handoff.button.ask", language),
        callback_data=f"{HANDOFF_PREFIX}ask:{answer_id}",
    )


class Feedback:
    """Votes and written feedback.

    Args:
        services: Shared services from the composition root.
    """

    def __init__(self, services: Services) -> None:
        self.services = services

    async def vote(self, message: IncomingMessage) -> list[Reply]:
        """Record a press of 👍 or 👎 (``fb:<answer id>:up|down``); thanks, and after a 👎 the offer
        of an organiser."""
        payload = (message.callback_data or "").removeprefix(FEEDBACK_PREFIX)
        answer_id, _, value = payload.rpartition(":")
        vote = 1 if value == "up" else -1
        stored = await self.services.answers.vote(
            answer_id=answer_id,
            platform=message.platform,
            user_id=message.user_id,
            vote=vote,
            now=self.services.clock(),
        )
        if stored:
            self.services.metrics.voted(message.platform, up=vote > 0)
        language = stored or await member_language(self.services, message)  # thanks in the answer's language
        key = (
            "feedback.unknown_answer"
            if not stored
            else ("feedback.thanks_up" if vote > 0 else "feedback.thanks_down")
        )
        thanks = notice(message, say(self.services, message, key, language), language, ephemeral=True)
        if not stored or vote > 0:
            return [thanks]
        # A 👎 may go to a person: offered to the member alone where others read along.
        offer = notice(
            message,
            say(self.services, message, "handoff.offer", language),
            language,
            ephemeral=not message.is_direct,
        )
        offer.buttons = [[ask_organiser_button(self.services, answer_id, language)]]
        return [thanks, offer]

    async def written(self, message: IncomingMessage, language: str) -> Reply:
        """Store the text of ``/feedback`` (capped in length, and in number per member and hour)."""
        text = message.args.strip()
        if not text:
            return notice(message, say(self.services, message, "feedback.empty", language), language)
        if len(text) > self.services.settings.max_question_chars:
            return too_long(self.services, message, len(text), language)
        # Rate-limited per member: feedback is stored whole, so a script must not fill the table.
        limit = self.services.settings.feedback_per_hour
        since = self.services.clock() - timedelta(hours=1)
        answers = self.services.answers
        sent = await answers.feedback_since(platform=message.platform, user_id=message.user_id, since=since)
        if sent >= limit:
            too_many = say(self.services, message, "feedback.too_many", language, limit=limit)
            return notice(message, too_many, language)
        await answers.add_feedback(
            platform=message.platform, user_id=message.user_id, text=text, now=self.services.clock()
        )
        return notice(message, say(self.services, message, "feedback.text_thanks", language), language)
