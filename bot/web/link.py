"""``/web`` in chat: an organiser asks for a one-time link that signs them in to the web page.

The link is sent only in a private chat (anyone in a group could open it) and only to organisers;
the role is checked here and again on every page.
"""

from __future__ import annotations

from bot.models import IncomingMessage, Reply
from bot.services import Services
from bot.speech import member_language, say
from bot.web.tokens import LoginLinks

WEB_COMMAND = "web"


class WebLinkHandler:
    """Answers ``/web``.

    Args:
        services: Shared services.
        links: Issues the sign-in links.
    """

    def __init__(self, services: Services, links: LoginLinks) -> None:
        self.services = services
        self.links = links

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """A sign-in link for an organiser in a private chat; a refusal otherwise."""
        if message.command != WEB_COMMAND or message.callback_data:
            return None
        language = await member_language(self.services, message)

        def reply(key: str, **values: object) -> list[Reply]:
            return [
                Reply(
                    text=say(self.services, message, key, language, values),
                    thread_id=message.thread_id,
                    ephemeral=True,
                    language=language,
                )
            ]

        if not await self.services.organisers.allow(message.platform, message.user_id, "web sign-in link"):
            return reply("web.link.refused")
        if not message.is_direct:
            return reply("web.link.private")
        # The link goes in the text, not on a button: Telegram refuses URL buttons to hosts such as
        # localhost, and a refused button would lose the whole message.
        url = self.links.issue(message.platform, message.user_id)
        minutes = int(self.links.lifetime.total_seconds() // 60)
        return reply("web.link.sent", url=url, minutes=minutes)
